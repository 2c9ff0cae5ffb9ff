/* The board. For now: RAM, firmware ROM, the debug console and debug exit ports. The PC platform
 * (PIC, PIT, UART, ...) comes with issue "The PC platform". */
#include "machine/machine.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bios/load.h"
#include "cpu/cpu.h"
#include "cpu/cpumodel.h"
#include "devices/bus.h"
#include "devices/debugcon.h"
#include "emu/log.h"
#include "machine/clock.h"
#include "mmu/memmap.h"

#define BELOW_4G_LIMIT 0xc0000000ull /* RAM above this goes above 4 GiB (PCI hole) */

struct machine {
    struct machine_config cfg;
    struct memmap *mem;
    struct bus *bus;
    struct cpu *cpu;
    struct debugcon con;
    struct debugexit dexit;
    FILE *con_file;
    struct clock clk; /* virtual time: cpu_vtime() of the (single) CPU */
};

static uint64_t board_vtime(void *opaque)
{
    struct machine *m = opaque;
    return cpu_vtime(m->cpu);
}

static void exit_notify(void *opaque)
{
    struct machine *m = opaque;
    m->cpu->pending |= PEND_STOP;
}

struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->cfg = *cfg;
    const struct cpu_model *model = cfg->cpu_model ? cpu_model_find(cfg->cpu_model) : cpu_model_default();
    if (!model) {
        snprintf(err, errlen, "unknown CPU model '%s' (try -cpu help)", cfg->cpu_model);
        goto fail;
    }
    m->mem = memmap_create(cfg->ram_size + (16u << 20));
    m->bus = bus_create();
    if (!m->mem || !m->bus) {
        snprintf(err, errlen, "cannot allocate %llu MiB of guest memory",
                 (unsigned long long)(cfg->ram_size >> 20));
        goto fail;
    }
    uint64_t low = cfg->ram_size < BELOW_4G_LIMIT ? cfg->ram_size : BELOW_4G_LIMIT;
    uint8_t *ram = memmap_add_backed(m->mem, 0, cfg->ram_size, REG_RAM, "ram");
    if (!ram) {
        snprintf(err, errlen, "cannot map RAM");
        goto fail;
    }
    /* RAM above the PCI hole is the same backing, mapped from 4 GiB on */
    m->mem->regions[0].size = low;
    if (cfg->ram_size > low &&
        !memmap_add_alias(m->mem, 1ull << 32, cfg->ram_size - low, REG_RAM, low, "ram-high")) {
        snprintf(err, errlen, "cannot map high RAM");
        goto fail;
    }
    if (!cfg->bios) {
        snprintf(err, errlen, "no firmware given: use -bios FILE");
        goto fail;
    }
    if (!bios_load(m->mem, cfg->bios, err, errlen)) goto fail;

    const char *dc = cfg->debugcon ? cfg->debugcon : "stdio";
    if (!strcmp(dc, "stdio")) {
        m->con_file = stdout;
    } else if (!strcmp(dc, "none")) {
        m->con_file = NULL;
    } else if (!strncmp(dc, "file:", 5)) {
        m->con_file = fopen(dc + 5, "w");
        if (!m->con_file) {
            snprintf(err, errlen, "cannot open debug console file '%s'", dc + 5);
            goto fail;
        }
    } else {
        snprintf(err, errlen, "bad -debugcon '%s' (stdio, none or file:PATH)", dc);
        goto fail;
    }
    debugcon_init(&m->con, m->bus, 0xe9, m->con_file);
    debugexit_init(&m->dexit, m->bus, 0xf4);
    m->dexit.notify = exit_notify;
    m->dexit.opaque = m;

    m->cpu = cpu_create(model, m->mem, m->bus);
    if (!m->cpu) {
        snprintf(err, errlen, "cannot create CPU");
        goto fail;
    }
    m->cpu->machine = m;
    clock_init(&m->clk, board_vtime, m);
    return m;
fail:
    machine_destroy(m);
    return NULL;
}

void machine_destroy(struct machine *m)
{
    if (!m) return;
    cpu_destroy(m->cpu);
    if (m->con_file && m->con_file != stdout) fclose(m->con_file);
    bus_destroy(m->bus);
    memmap_destroy(m->mem);
    free(m);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int machine_run(struct machine *m)
{
    struct cpu *c = m->cpu;
    int status = 0;
    /* Host time is measured only for the -d stats report; it never reaches the guest. */
    double t0 = now_seconds();
    for (;;) {
        clock_run_timers(&m->clk);
        /* run to the next timer deadline (virtual time), at most 4 M instructions at a time */
        uint64_t budget = 1ull << 22;
        uint64_t now = clock_ns(&m->clk), next = clock_next_deadline(&m->clk);
        if (next != UINT64_MAX) budget = next > now ? (next - now < budget ? next - now : budget) : 1;
        if (m->cfg.max_insns) {
            if (c->icount >= m->cfg.max_insns) {
                fprintf(stderr, "turtles: instruction limit (%llu) reached at %04x:%016llx\n",
                        (unsigned long long)m->cfg.max_insns, c->seg[SEG_CS].sel,
                        (unsigned long long)c->gpr[REG_RIP]);
                status = 124;
                break;
            }
            if (m->cfg.max_insns - c->icount < budget) budget = m->cfg.max_insns - c->icount;
        }
        enum cpu_stop r = cpu_run(c, budget);
        if (m->dexit.fired) {
            status = m->dexit.status;
            break;
        }
        if (r == CPU_STOP_SHUTDOWN) {
            if (m->cfg.no_reboot) {
                LOG(LOG_CPU_RESET, "shutdown (triple fault); exiting (-no-reboot)\n");
                status = 0;
                break;
            }
            LOG(LOG_CPU_RESET, "shutdown (triple fault); resetting\n");
            cpu_reset(c);
            continue;
        }
        if (r == CPU_STOP_HALT) {
            /* Halted: skip guest time to the next timer, which may raise an interrupt. With no
             * timer armed, or interrupts disabled, nothing can wake the CPU. */
            uint64_t nd = clock_next_deadline(&m->clk);
            if (nd != UINT64_MAX && (cpu_get_rflags(c) & FL_IF)) {
                uint64_t t = clock_ns(&m->clk);
                if (nd > t) c->idle_ns += nd - t;
                continue;
            }
            fprintf(stderr, "turtles: CPU halted with nothing to wake it at %04x:%016llx; stopping\n",
                    c->seg[SEG_CS].sel, (unsigned long long)c->gpr[REG_RIP]);
            status = 0;
            break;
        }
    }
    double t = now_seconds() - t0;
    if (m->cfg.stats || (log_mask & LOG_STATS))
        fprintf(stderr, "turtles: %llu instructions in %.3f s (%.1f MIPS)\n",
                (unsigned long long)c->icount, t, t > 0 ? c->icount / t / 1e6 : 0.0);
    if (m->con_file) fflush(m->con_file);
    return status;
}
