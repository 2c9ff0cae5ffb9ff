/* Idle pacing (-icount sleep=on, the default on a terminal console). turtles' guest clock counts
 * instructions, and a halted guest skips straight to its next timer. That keeps runs
 * deterministic, but an idle interactive guest then lives many times faster than its user: a
 * shell waiting for a key ticks through its timers as fast as the host can run them, its clock
 * races ahead and the host CPU stays busy. While the guest is halted this front end waits on the
 * host until the wall clock reaches the next timer, polling the console for input.
 *
 * Host time decides only when a skip happens, never what the guest reads: the timers fire at
 * the same guest times as without pacing, and a busy guest runs as fast as it can. A guest that
 * was busy lags the wall clock (emulation is slower than one instruction per nanosecond); that
 * lag is forgotten down to MAX_LAG_NS, so its later idle periods still take their time.
 * Interactive input arrives at host-dependent guest times anyway, so pacing costs nothing in
 * determinism there; runs without a terminal skip, unless -icount sleep=on asks for pacing. */
#include "ui/pace.h"

#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "machine/machine.h"

#define IDLE_WAIT_MS 20        /* longest single wait, so the loop stays responsive */
#define MAX_LAG_NS 50000000ull /* how far an idle guest may stay behind the wall clock */

uint64_t pace_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void pace_clock_start(struct pace_clock *k) { k->host0 = pace_host_ns(); }

int pace_clock_wait_ms(struct pace_clock *k, uint64_t now_ns, uint64_t until_ns)
{
    uint64_t host = pace_host_ns() - k->host0;
    if (host > now_ns + MAX_LAG_NS) {
        k->host0 += host - now_ns - MAX_LAG_NS;
        host = now_ns + MAX_LAG_NS;
    }
    if (until_ns != UINT64_MAX && host >= until_ns) return 0;
    uint64_t wait_ns = until_ns == UINT64_MAX ? IDLE_WAIT_MS * 1000000ull : until_ns - host;
    if (wait_ns > IDLE_WAIT_MS * 1000000ull) wait_ns = IDLE_WAIT_MS * 1000000ull;
    return (int)(wait_ns / 1000000ull) + 1;
}

bool pace_clock_reached(const struct pace_clock *k, uint64_t until_ns)
{
    return until_ns != UINT64_MAX && pace_host_ns() - k->host0 >= until_ns;
}

struct pace {
    struct machine *m;
    int fd;
    struct pace_clock clock;
};

static bool pace_idle(void *opaque, uint64_t now_ns, uint64_t until_ns)
{
    struct pace *p = opaque;
    int ms = pace_clock_wait_ms(&p->clock, now_ns, until_ns);
    if (!ms) return true;
    if (p->fd >= 0) {
        struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
        /* input (or a hang-up): run the CPU, whose slice ends with the console's poll */
        if (poll(&pfd, 1, ms) > 0) return false;
    } else {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return pace_clock_reached(&p->clock, until_ns);
}

struct pace *pace_attach(struct machine *m, int fd)
{
    struct pace *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->m = m;
    p->fd = fd;
    pace_clock_start(&p->clock);
    struct machine_ui ui = {.idle = pace_idle, .opaque = p};
    machine_set_ui(m, &ui);
    return p;
}

void pace_close(struct pace *p)
{
    if (!p) return;
    machine_set_ui(p->m, NULL);
    free(p);
}
