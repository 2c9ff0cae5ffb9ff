/* Virtual time. Guest time is derived from the retired-instruction count only: one instruction is
 * one nanosecond of guest time (a 1 GHz guest; PAUSE counts 140 ns, see cpu/ops/system.c, and
 * port I/O to the legacy devices 1 us more, see machine/machine.c), so every run with the same inputs sees the same
 * times. Devices arm timers with deadlines in guest nanoseconds; the board runs the CPU until the
 * next deadline and then fires due timers. Devices never read host time. */
#ifndef MACHINE_CLOCK_H
#define MACHINE_CLOCK_H

#include "emu/compiler.h"

struct timer;
typedef void (*timer_cb)(void *opaque);

struct clock {
    uint64_t (*icount)(void *opaque); /* the CPU's retired-instruction count */
    void *opaque;
    struct timer *head; /* armed timers, sorted by deadline */
    /* Called when a newly armed timer becomes the earliest one, so the board can cut the CPU's
     * current run short (a device armed it from inside an instruction). May be NULL. */
    void (*deadline_changed)(void *opaque, uint64_t deadline);
};

struct timer {
    struct clock *clk;
    uint64_t deadline; /* guest ns */
    timer_cb cb;
    void *opaque;
    bool armed;
    struct timer *next;
};

#define CLOCK_NS_PER_SEC 1000000000ull

/* Current guest time in nanoseconds. */
static inline uint64_t clock_ns(const struct clock *c) { return c->icount(c->opaque); }

void clock_init(struct clock *c, uint64_t (*icount)(void *), void *opaque);
void timer_init(struct timer *t, struct clock *clk, timer_cb cb, void *opaque);
/* Arms (or re-arms) t to fire when guest time reaches deadline_ns. */
void timer_mod(struct timer *t, uint64_t deadline_ns);
void timer_del(struct timer *t);
/* The earliest armed deadline, or UINT64_MAX. */
uint64_t clock_next_deadline(const struct clock *c);
/* Fires every timer whose deadline has passed, in deadline order (ties: arming order). */
void clock_run_timers(struct clock *c);

#endif
