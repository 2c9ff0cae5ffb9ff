/* HPET. Source: IA-PC HPET (High Precision Event Timers) Specification 1.0a (Intel, 2004):
 * 2.3.4 register map, 2.3.5 GCAP_ID / GEN_CONF / GINTR_STA / MAIN_COUNTER_VAL, 2.3.8 Tn_CONF_CAP,
 * Tn_COMPARATOR, Tn_FSB_INT_ROUTE, 2.3.9 timer operation (one-shot, periodic, Tn_VAL_SET_CNF, 32-bit
 * mode), 2.3.10 interrupt mapping (legacy replacement route).
 *
 *   Tn_CONF_CAP  63        32 31  16 15 14 13  9 8  7 6  5  4  3  2  1  0
 *               [ ROUTE_CAP |  rsv |FC|FE|ROUTE|32|  |VS|SZ|PC|TY|EN|LV|  ]
 *   LV level, EN interrupt enable, TY periodic, PC periodic capable, SZ 64-bit capable, VS value
 *   set, 32 force 32-bit mode, ROUTE IOAPIC pin, FE/FC FSB enable/capable (not offered).
 *
 * The main counter runs at 100 MHz from the virtual clock: value = counter + (now - t0) / 10.
 * A comparator matches when the counter reaches its value (modulo 2^32 in 32-bit mode). */
#include "devices/hpet.h"

#include <string.h>

#include "emu/log.h"

#define R_GCAP 0x000
#define R_CONF 0x010
#define R_ISR 0x020
#define R_COUNTER 0x0f0
#define R_TIMER 0x100 /* + 0x20 * n: CONF_CAP +0, COMPARATOR +8, FSB route +0x10 */

#define CONF_ENABLE 1ull
#define CONF_LEGACY 2ull

#define TN_LEVEL (1ull << 1)
#define TN_ENABLE (1ull << 2)
#define TN_PERIODIC (1ull << 3)
#define TN_PER_CAP (1ull << 4)
#define TN_SIZE_CAP (1ull << 5)
#define TN_VAL_SET (1ull << 6)
#define TN_32BIT (1ull << 8)
#define TN_ROUTE_SHIFT 9
#define TN_ROUTE_MASK (0x1full << TN_ROUTE_SHIFT)
#define TN_WMASK (TN_LEVEL | TN_ENABLE | TN_PERIODIC | TN_VAL_SET | TN_32BIT | TN_ROUTE_MASK)

#define DEST_LEGACY0 100

static bool enabled(const struct hpet *h) { return (h->config & CONF_ENABLE) != 0; }

uint64_t hpet_counter(const struct hpet *h)
{
    if (!enabled(h)) return h->counter;
    return h->counter + (clock_ns(h->clk) - h->t0) / HPET_NS_PER_TICK;
}

static uint64_t width_mask(const struct hpet_timer *t)
{
    return (t->config & TN_32BIT) ? 0xffffffffull : ~0ull;
}

/* ---- interrupt output ---- */

static void drive(struct hpet *h, int dest, int level)
{
    if (dest >= DEST_LEGACY0)
        irq_set(&h->legacy[dest - DEST_LEGACY0], level);
    else if (dest >= 0 && h->ioapic.set)
        h->ioapic.set(h->ioapic.opaque, dest, level);
}

/* 2.3.10: with LEG_RT_CNF, timer 0 -> IRQ0 / IOAPIC pin 2 and timer 1 -> IRQ8; otherwise
 * Tn_INT_ROUTE_CNF selects the IOAPIC pin. */
static int timer_dest(const struct hpet_timer *t)
{
    if ((t->h->config & CONF_LEGACY) && t->idx < 2) return DEST_LEGACY0 + (int)t->idx;
    return (int)((t->config & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT);
}

/* Level-triggered output = status bit while the timer's interrupt and the HPET are enabled
 * (2.3.5 ENABLE_CNF: halting disables all timer interrupts). */
static void update_line(struct hpet_timer *t)
{
    struct hpet *h = t->h;
    int dest = timer_dest(t);
    bool lvl = (t->config & TN_LEVEL) && (t->config & TN_ENABLE) && enabled(h) && ((h->isr >> t->idx) & 1u);
    if (t->out_level && t->out_dest != dest) {
        drive(h, t->out_dest, 0);
        t->out_level = false;
    }
    t->out_dest = dest;
    if (lvl != t->out_level) {
        t->out_level = lvl;
        drive(h, dest, lvl);
    }
}

/* ---- timers ---- */

/* Arms t for absolute counter value target (already >= the counter at t0). */
static void arm_at(struct hpet_timer *t, uint64_t target)
{
    struct hpet *h = t->h;
    t->target = target;
    uint64_t ticks = target - h->counter;
    if (target < h->counter || ticks > (UINT64_MAX - h->t0) / HPET_NS_PER_TICK)
        timer_del(&t->t); /* beyond the end of guest time */
    else
        timer_mod(&t->t, h->t0 + ticks * HPET_NS_PER_TICK);
}

static void arm(struct hpet_timer *t)
{
    struct hpet *h = t->h;
    if (!enabled(h)) {
        timer_del(&t->t);
        return;
    }
    uint64_t c = hpet_counter(h), w = width_mask(t);
    uint64_t delta = (t->cmp - c) & w;
    if (delta == 0) {
        if (w == ~0ull) { /* a 64-bit match just passed: the next one is 2^64 ticks away */
            timer_del(&t->t);
            return;
        }
        delta = w + 1;
    }
    t->target = c + delta;
    uint64_t ticks = (c - h->counter) + delta; /* ticks since t0; overflow = beyond 2^64 ns */
    if (ticks < delta || ticks > (UINT64_MAX - h->t0) / HPET_NS_PER_TICK) {
        timer_del(&t->t);
        return;
    }
    timer_mod(&t->t, h->t0 + ticks * HPET_NS_PER_TICK);
}

static void timer_fire(void *opaque)
{
    struct hpet_timer *t = opaque;
    struct hpet *h = t->h;
    if (!enabled(h)) return;
    /* 2.3.5 GINTR_STA: level mode sets the status bit (also with the interrupt disabled) */
    if (t->config & TN_LEVEL) {
        h->isr |= 1ull << t->idx;
        update_line(t);
    } else if (t->config & TN_ENABLE) {
        int dest = timer_dest(t);
        drive(h, dest, 1);
        drive(h, dest, 0);
    }
    uint64_t w = width_mask(t);
    if ((t->config & TN_PERIODIC) && (t->period & w)) {
        /* 2.3.9.2.2: on each match the last written period is added to the comparator */
        t->cmp = (t->cmp + t->period) & w;
        arm_at(t, t->target + (t->period & w));
    } else {
        /* one-shot: the next match is after the counter wraps (2^32 ticks in 32-bit mode) */
        if (w == ~0ull)
            timer_del(&t->t);
        else
            arm_at(t, t->target + w + 1);
    }
}

static void arm_all(struct hpet *h)
{
    for (unsigned k = 0; k < HPET_NUM_TIMERS; k++) arm(&h->timer[k]);
}

static void update_all(struct hpet *h)
{
    for (unsigned k = 0; k < HPET_NUM_TIMERS; k++) update_line(&h->timer[k]);
}

/* ---- registers ---- */

static uint64_t reg_read(struct hpet *h, unsigned reg)
{
    switch (reg) {
    case R_GCAP: return (uint64_t)HPET_PERIOD_FS << 32 | HPET_ID_LOW;
    case R_CONF: return h->config;
    case R_ISR: return h->isr;
    case R_COUNTER: return hpet_counter(h);
    default:
        if (reg >= R_TIMER && reg < R_TIMER + 0x20 * HPET_NUM_TIMERS) {
            const struct hpet_timer *t = &h->timer[(reg - R_TIMER) >> 5];
            switch (reg & 0x18u) {
            case 0x00: return t->config;
            case 0x08: return t->cmp;
            case 0x10: return 0; /* FSB route: FSB delivery not offered */
            default: break;
            }
        }
        LOG(LOG_GUEST_ERRORS, "hpet: read of reserved register %#x\n", reg);
        return 0;
    }
}

/* Writes the bytes of register reg selected by mask. */
static void reg_write(struct hpet *h, unsigned reg, uint64_t val, uint64_t mask)
{
    switch (reg) {
    case R_GCAP: return; /* read-only */
    case R_CONF: {
        uint64_t old = h->config, nv = ((old & ~mask) | (val & mask)) & (CONF_ENABLE | CONF_LEGACY);
        if (!(old & CONF_ENABLE) && (nv & CONF_ENABLE)) {
            h->t0 = clock_ns(h->clk); /* the counter starts from its halted value */
        } else if ((old & CONF_ENABLE) && !(nv & CONF_ENABLE)) {
            h->counter = hpet_counter(h); /* halt */
        }
        h->config = nv;
        if ((old ^ nv) & CONF_LEGACY && h->legacy_changed) h->legacy_changed(h->opaque, (nv & CONF_LEGACY) != 0);
        arm_all(h);
        update_all(h);
        return;
    }
    case R_ISR:
        /* write 1 to clear (level-triggered timers; edge status is not kept) */
        h->isr &= ~(val & mask);
        update_all(h);
        return;
    case R_COUNTER: {
        /* 2.3.5: software should write it only while halted; a write while running restarts the
         * count from the new value */
        uint64_t cur = hpet_counter(h);
        h->counter = (cur & ~mask) | (val & mask);
        if (enabled(h)) {
            LOG(LOG_GUEST_ERRORS, "hpet: main counter written while running\n");
            h->t0 = clock_ns(h->clk);
        }
        arm_all(h);
        return;
    }
    default: break;
    }
    if (reg >= R_TIMER && reg < R_TIMER + 0x20 * HPET_NUM_TIMERS) {
        struct hpet_timer *t = &h->timer[(reg - R_TIMER) >> 5];
        switch (reg & 0x18u) {
        case 0x00: {
            uint64_t wm = TN_WMASK & mask;
            if (!(t->config & TN_PER_CAP)) wm &= ~TN_PERIODIC;
            uint64_t nv = (t->config & ~wm) | (val & wm);
            /* Tn_INT_ROUTE_CNF: unsupported pins do not stick (2.3.8) */
            unsigned route = (unsigned)((nv & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT);
            if (!((h->intcap >> route) & 1u)) nv = (nv & ~TN_ROUTE_MASK) | (t->config & TN_ROUTE_MASK);
            t->config = nv;
            if (nv & TN_32BIT) {
                t->cmp &= 0xffffffffull;
                t->period &= 0xffffffffull;
            }
            if (!(nv & TN_LEVEL)) h->isr &= ~(1ull << t->idx); /* status is for level mode only */
            arm(t);
            update_line(t);
            return;
        }
        case 0x08: {
            uint64_t w = width_mask(t);
            uint64_t v = val & w, m = mask & w;
            /* 2.3.9.2.2 / Tn_VAL_SET_CNF: in periodic mode a write sets the period; with VAL_SET it
             * also sets the comparator (accumulator) directly. VAL_SET clears itself. */
            if (!(t->config & TN_PERIODIC) || (t->config & TN_VAL_SET)) t->cmp = (t->cmp & ~m) | (v & m);
            if (t->config & TN_PERIODIC) t->period = (t->period & ~m) | (v & m);
            t->config &= ~TN_VAL_SET;
            arm(t);
            return;
        }
        case 0x10: return; /* FSB route: not offered */
        default: break;
        }
    }
    LOG(LOG_GUEST_ERRORS, "hpet: write of reserved register %#x\n", reg);
}

static uint64_t hpet_read(void *opaque, uint64_t off, unsigned size)
{
    struct hpet *h = opaque;
    unsigned reg = (unsigned)off & ~7u, sh = ((unsigned)off & 7u) * 8;
    if (size != 4 && size != 8) LOG(LOG_GUEST_ERRORS, "hpet: %u-byte read at %#x\n", size, (unsigned)off);
    uint64_t v = reg_read(h, reg) >> sh;
    return size >= 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static void hpet_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    struct hpet *h = opaque;
    unsigned reg = (unsigned)off & ~7u, sh = ((unsigned)off & 7u) * 8;
    if (size != 4 && size != 8) LOG(LOG_GUEST_ERRORS, "hpet: %u-byte write at %#x\n", size, (unsigned)off);
    uint64_t mask = size >= 8 ? ~0ull : ((1ull << (8 * size)) - 1) << sh;
    reg_write(h, reg, val << sh, mask);
}

const struct mmio_ops hpet_mmio_ops = {.read = hpet_read, .write = hpet_write};

void hpet_reset(struct hpet *h)
{
    for (unsigned k = 0; k < HPET_NUM_TIMERS; k++) {
        struct hpet_timer *t = &h->timer[k];
        if (t->out_level) drive(h, t->out_dest, 0);
        t->out_level = false;
        t->out_dest = -1;
        timer_del(&t->t);
        /* 2.3.8: periodic capable, 64-bit, route capability; comparator all ones */
        t->config = TN_PER_CAP | TN_SIZE_CAP | (uint64_t)h->intcap << 32;
        t->cmp = ~0ull;
        t->period = 0;
        t->target = 0;
    }
    bool was_legacy = h->config & CONF_LEGACY;
    h->config = 0;
    h->isr = 0;
    h->counter = 0;
    h->t0 = 0;
    if (was_legacy && h->legacy_changed) h->legacy_changed(h->opaque, false);
}

void hpet_init(struct hpet *h, struct clock *clk)
{
    memset(h, 0, sizeof *h);
    h->clk = clk;
    h->intcap = 0x4;
    for (unsigned k = 0; k < HPET_NUM_TIMERS; k++) {
        h->timer[k].h = h;
        h->timer[k].idx = k;
        h->timer[k].out_dest = -1;
        timer_init(&h->timer[k].t, clk, timer_fire, &h->timer[k]);
    }
    hpet_reset(h);
}
