/* Idle pacing for a terminal console: while the guest is halted, guest time does not run ahead
 * of the wall clock, and input on the console wakes the wait early. */
#ifndef UI_PACE_H
#define UI_PACE_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct pace;

/* The wall clock an idle guest waits for, shared by the window (ui/sdl.c) and the terminal
 * console below. host0 is the host time at guest time 0; it moves forward as the guest lags. */
struct pace_clock {
    uint64_t host0;
};
/* CLOCK_MONOTONIC in ns. */
uint64_t pace_host_ns(void);
/* Starts the clock: guest time 0 is now. */
void pace_clock_start(struct pace_clock *k);
/* The guest is idle at guest time now_ns until until_ns (UINT64_MAX: no timer). Forgets lag
 * beyond 50 ms, then returns 0 when the wall clock has reached until_ns (skip to it now), else
 * how many ms to wait at most before asking again (at most 20, so the caller stays responsive). */
int pace_clock_wait_ms(struct pace_clock *k, uint64_t now_ns, uint64_t until_ns);
/* Whether the wall clock has reached until_ns (false for UINT64_MAX). */
bool pace_clock_reached(const struct pace_clock *k, uint64_t until_ns);

/* Attaches pacing to m as its front end (machine_set_ui). fd is polled for input while the guest
 * idles (-1: none). Returns NULL when out of memory. */
struct pace *pace_attach(struct machine *m, int fd);
/* Detaches and frees. NULL is fine. */
void pace_close(struct pace *p);

#endif
