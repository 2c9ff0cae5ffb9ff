/* Intel 8254 programmable interval timer and PC/AT port 0x61.
 *
 * Sources: Intel 8254 datasheet (231164): "Control Word Format", "Write Operations", "Read
 * Operations" (simple read, Counter Latch Command, Read-Back Command, Status Byte, NULL COUNT),
 * "Mode Definitions" (modes 0-5 incl. the odd-count mode 3 sequence), "GATE Pin Operations
 * Summary", "Minimum and Maximum Initial Counts"; Intel 82371SB (PIIX3) datasheet, NMI Status and
 * Control register (port 0x61); PLATFORM.md A.3.1 / traces (SeaBIOS: control word 0x34 then
 * count 0x0000 on counter 0; Linux/Xen/SeaBIOS TSC calibration: counter 2 gated by port 0x61 bit
 * 0, OUT polled in bit 5).
 *
 * Time. CLK edges are numbered from guest time 0: edge k happens at the first nanosecond t with
 * floor(t * PIT_HZ / 1e9) >= k, so "edges so far" at time t is ticks_at(t). Everything is
 * computed from edge numbers with integer arithmetic (no accumulated remainders, no drift).
 *
 * Counting element model. A "run" starts at edge `base`, when the CE is loaded with `val`; the
 * CE value and OUT at any later edge T follow from e = T - base by the mode's closed form
 * (ctr_eval). A load that the datasheet defers to "the next CLK pulse" (count write, GATE
 * trigger) or to the end of the current period (mode 2/3 rewrite) is kept as a pending load and
 * applied when time reaches its edge (ctr_sync). GATE low in modes 0/2/3/4 freezes the CE
 * (`counting` false, value in `hold`). */
#include "devices/pit8254.h"

#include "emu/log.h"

#define NS_PER_SEC 1000000000ull
#define NO_TICK UINT64_MAX

/* ---- time ---- */

/* CLK edges in (0, t]. */
static uint64_t ticks_at(uint64_t t)
{
    return (t / NS_PER_SEC) * PIT_HZ + (t % NS_PER_SEC) * PIT_HZ / NS_PER_SEC;
}

/* The first guest nanosecond at which edge k has happened. */
static uint64_t tick_ns(uint64_t k)
{
    uint64_t r = k % PIT_HZ;
    return (k / PIT_HZ) * NS_PER_SEC + (r * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

static uint64_t pit_now(const struct pit *p) { return ticks_at(clock_ns(p->clk)); }

/* ---- counting element ---- */

/* 8254 "Control Word Format": BCD counts are 4 decades (modulus 10^4), binary 16 bits. */
static uint32_t ctr_mod(const struct pit_counter *k) { return k->bcd ? 10000u : 65536u; }

/* The initial count N in CE units: 0 stands for the maximum (2^16 binary, 10^4 BCD)
 * ("Minimum and Maximum Initial Counts"). BCD digits above 9 are taken at face value (the
 * datasheet leaves them undefined). */
static uint32_t ctr_count(const struct pit_counter *k)
{
    uint32_t n = k->cr;
    if (k->bcd) {
        n = ((k->cr >> 12) & 15u) * 1000u + ((k->cr >> 8) & 15u) * 100u + ((k->cr >> 4) & 15u) * 10u +
            (k->cr & 15u);
        n %= 10000u;
    }
    return n ? n : ctr_mod(k);
}

/* Mode 3 half lengths for count n: OUT high (n+1)/2 edges, low (n-1)/2 (even n: n/2 each). */
static uint32_t m3_high(uint32_t n) { return (n + 1) / 2; }

/* CE value (0..mod-1, decimal if BCD) and OUT (true = high) at edge T >= base of a counting run.
 * Datasheet "Mode Definitions":
 *   mode 0: loaded with N, decrements; OUT goes high when the CE reaches 0 and stays high; the CE
 *           wraps and keeps counting.
 *   mode 1: OUT low from the load (trigger + 1 CLK) until the CE reaches 0; wraps.
 *   mode 2: N, N-1, ..., 1 then reload; OUT low for the one CLK while the CE is 1. N = 1 is an
 *           illegal count (minimum 2); OUT is held high for it here.
 *   mode 3: even N: N, N-2, ..., 2, reload and toggle OUT. odd N (8254): N-1 loaded, decremented
 *           by 2; OUT goes low one CLK after the count expires (high (N+1)/2 CLKs), then N-1,
 *           ..., 2 with OUT low for (N-1)/2 CLKs. phase 1 starts the run in the low half.
 *   mode 4/5: OUT low for one CLK when the CE reaches 0 (once per load/trigger); wraps. */
static void ctr_eval(const struct pit_counter *k, uint64_t T, uint32_t *ce, bool *out)
{
    uint32_t m = ctr_mod(k);
    if (!k->loaded || !k->counting) {
        *ce = k->hold % m;
        *out = !k->out_low_hold;
        return;
    }
    uint64_t e = T - k->base;
    uint32_t v = k->val;
    switch (k->mode) {
    case 2: {
        uint32_t p = (uint32_t)(e % v);
        *ce = (v - p) % m;
        *out = !(v >= 2 && p == v - 1);
        return;
    }
    case 3: {
        uint32_t h = m3_high(v);
        uint32_t pos = (uint32_t)((e + (k->phase ? h : 0)) % v);
        uint32_t q = pos < h ? pos : pos - h;
        *out = pos < h;
        *ce = ((v & 1) ? v - 1 - 2 * q : v - 2 * q) % m;
        return;
    }
    default: {
        *ce = (uint32_t)((v + m - e % m) % m);
        bool past = e >= v; /* the CE has reached 0 */
        switch (k->mode) {
        case 0: *out = k->tc_done || past; break;
        case 1: *out = k->tc_done || past; break;
        default: *out = k->tc_done || e != v; break; /* 4, 5 */
        }
        return;
    }
    }
}

/* The first edge after T at which OUT changes within the current run (ignores a pending load). */
static uint64_t ctr_next_change(const struct pit_counter *k, uint64_t T)
{
    if (!k->loaded || !k->counting) return NO_TICK;
    uint64_t e = T - k->base;
    uint32_t v = k->val;
    switch (k->mode) {
    case 0:
    case 1:
        return (k->tc_done || e >= v) ? NO_TICK : k->base + v;
    case 2: {
        if (v < 2) return NO_TICK;
        uint32_t p = (uint32_t)(e % v);
        return p < v - 1 ? T + (v - 1 - p) : T + 1;
    }
    case 3: {
        uint32_t h = m3_high(v);
        if (h == v) return NO_TICK; /* N = 1: no low half */
        uint32_t pos = (uint32_t)((e + (k->phase ? h : 0)) % v);
        return pos < h ? T + (h - pos) : T + (v - pos);
    }
    default: /* 4, 5 */
        if (k->tc_done || e > v) return NO_TICK;
        return e < v ? k->base + v : k->base + v + 1;
    }
}

/* Modes in which GATE low disables counting ("GATE Pin Operations Summary"). */
static bool gate_enables(uint8_t mode) { return mode != 1 && mode != 5; }

/* Applies the pending load: the CE is loaded at edge pend_tick. */
static void ctr_apply_load(struct pit_counter *k)
{
    k->pend = false;
    k->loaded = true;
    k->tc_done = false;
    k->val = k->pend_val;
    k->base = k->pend_tick;
    k->phase = k->pend_phase;
    k->counting = !gate_enables(k->mode) || k->gate;
    if (!k->counting) {
        /* loaded while GATE is low (mode 0: "an initial count written while GATE is low is still
         * loaded on the next CLK pulse"); OUT: mode 0 low until TC, modes 2/3/4 high */
        k->hold = k->val % ctr_mod(k);
        k->out_low_hold = k->mode == 0;
    }
}

/* Brings the counter up to edge T (applies a due pending load). */
static void ctr_sync(struct pit_counter *k, uint64_t T)
{
    if (k->pend && k->pend_tick <= T) ctr_apply_load(k);
}

/* Stops the CE at its value at edge T (GATE low, or a load about to replace the run). */
static void ctr_freeze(struct pit_counter *k, uint64_t T)
{
    uint32_t ce;
    bool out;
    ctr_eval(k, T, &ce, &out);
    if (k->loaded && k->counting && (k->mode == 0 || k->mode == 4) && T - k->base >= k->val)
        k->tc_done = true;
    k->hold = ce;
    k->out_low_hold = !out;
    if (k->mode == 4 || k->mode == 2 || k->mode == 3) k->out_low_hold = false;
    k->counting = false;
}

static void ctr_schedule(struct pit_counter *k, uint64_t tick, uint32_t val, uint8_t phase, bool reload)
{
    k->pend = true;
    k->pend_tick = tick;
    k->pend_val = val;
    k->pend_phase = phase;
    k->pend_reload = reload;
    k->null_until = tick; /* "NULL COUNT": 1 until the CR is transferred to the CE */
}

/* A GATE transition at edge T ("GATE Pin Operations Summary"). */
static void ctr_set_gate(struct pit_counter *k, bool level, uint64_t T)
{
    ctr_sync(k, T);
    if (level == k->gate) return;
    k->gate = level;
    switch (k->mode) {
    case 0:
    case 4:
        /* low disables counting, high enables it; OUT unaffected */
        if (!k->loaded) break;
        if (!level && k->counting) {
            ctr_freeze(k, T);
        } else if (level && !k->counting) {
            k->counting = true;
            k->base = T;
            k->val = (!k->tc_done && k->hold == 0) ? ctr_mod(k) : k->hold;
        }
        break;
    case 2:
    case 3:
        if (!level) {
            /* low disables counting and sets OUT high immediately; a reload waiting for the end of
             * the cycle is superseded by the trigger that must follow */
            if (k->loaded && k->counting) ctr_freeze(k, T);
            k->out_low_hold = false;
            if (k->pend && k->pend_reload) {
                k->pend = false;
                k->null_until = NO_TICK;
            }
        } else if (k->cr_valid) {
            /* rising edge: reload from the CR on the next CLK pulse */
            ctr_schedule(k, T + 1, ctr_count(k), 0, false);
        }
        break;
    default: /* 1, 5: the rising edge triggers a load on the next CLK pulse; level is ignored */
        if (level && k->cr_valid) ctr_schedule(k, T + 1, ctr_count(k), 0, false);
        break;
    }
}

/* A complete count has been written to the CR at edge T ("Write Operations", "Mode
 * Definitions"). */
static void ctr_count_written(struct pit_counter *k, uint64_t T)
{
    k->cr_valid = true;
    k->null_until = NO_TICK;
    uint32_t n = ctr_count(k);
    switch (k->mode) {
    case 0:
    case 4:
        /* loaded on the next CLK pulse; mode 0 OUT goes (stays) low until the new TC */
        ctr_freeze(k, T);
        if (k->mode == 0) k->out_low_hold = true;
        ctr_schedule(k, T + 1, n, 0, false);
        break;
    case 2:
    case 3:
        if (k->pend && !k->pend_reload) {
            k->pend_val = n; /* a load/trigger already due on the next CLK takes the new count */
            k->null_until = k->pend_tick;
        } else if (k->loaded && k->counting) {
            /* mode 2: the new count is loaded at the end of the current period; mode 3: at the
             * end of the current half-cycle */
            uint64_t e = T - k->base;
            uint32_t v = k->val;
            if (k->mode == 2) {
                ctr_schedule(k, k->base + (e / v + 1) * v, n, 0, true);
            } else {
                uint32_t h = m3_high(v);
                uint32_t pos = (uint32_t)((e + (k->phase ? h : 0)) % v);
                if (pos < h)
                    ctr_schedule(k, T + (h - pos), n, 1, true);
                else
                    ctr_schedule(k, T + (v - pos), n, 0, true);
            }
        } else if (!k->loaded) {
            /* first count after the control word: loaded on the next CLK pulse */
            ctr_schedule(k, T + 1, n, 0, false);
        }
        /* loaded but GATE low: the CR waits for the trigger (NULL COUNT stays 1) */
        break;
    default:
        /* modes 1/5: the count is used at the next trigger; NULL COUNT stays 1 until then */
        break;
    }
}

/* ---- irq0 (counter 0 OUT) ---- */

static void pit_drive0(struct pit *p, bool out)
{
    if (out == p->out0) return;
    p->out0 = out;
    irq_set(&p->irq0, out);
}

/* Drives irq0 from counter 0's OUT at edge T and arms the timer for its next transition (or
 * the next pending load, which may change it). */
static void pit_refresh0(struct pit *p, uint64_t T)
{
    struct pit_counter *k = &p->ctr[0];
    uint32_t ce;
    bool out;
    ctr_sync(k, T);
    ctr_eval(k, T, &ce, &out);
    pit_drive0(p, out);
    uint64_t nxt = ctr_next_change(k, T);
    if (k->pend && k->pend_tick > T && k->pend_tick < nxt) nxt = k->pend_tick;
    if (nxt == NO_TICK) {
        p->evt_tick = NO_TICK;
        timer_del(&p->timer);
    } else {
        p->evt_tick = nxt;
        timer_mod(&p->timer, tick_ns(nxt));
    }
}

/* Delivers every counter 0 transition up to edge now, in order, so no edge is lost even when
 * timers run late. After many missed periods it jumps to the present (one fresh edge). */
static void pit_catch_up(struct pit *p, uint64_t now)
{
    for (int n = 0; p->evt_tick <= now; n++) {
        if (n == 64) {
            pit_drive0(p, false);
            pit_refresh0(p, now);
            return;
        }
        pit_refresh0(p, p->evt_tick);
    }
}

static void pit_timer_cb(void *opaque)
{
    struct pit *p = opaque;
    pit_catch_up(p, pit_now(p));
}

/* ---- registers ---- */

static uint16_t to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | (v % 10));
}

static uint16_t ctr_read_ce(const struct pit_counter *k, uint64_t T)
{
    uint32_t ce;
    bool out;
    ctr_eval(k, T, &ce, &out);
    return k->bcd ? to_bcd(ce) : (uint16_t)ce;
}

/* "Counter Latch Command" / read-back COUNT: a second latch before the read is ignored. */
static void ctr_latch_count(struct pit_counter *k, uint64_t T)
{
    if (k->count_latched) return;
    k->ol = ctr_read_ce(k, T);
    k->count_latched = true;
}

/* "Read-Back Command" STATUS:  OUT | NULL COUNT | RW1 RW0 | M2 M1 M0 | BCD */
static void ctr_latch_status(struct pit_counter *k, uint64_t T, uint8_t ctrl_bits)
{
    if (k->status_latched) return;
    uint32_t ce;
    bool out;
    ctr_eval(k, T, &ce, &out);
    k->status = (uint8_t)((out ? 0x80 : 0) | (T < k->null_until ? 0x40 : 0) | ctrl_bits);
    k->status_latched = true;
}

static uint8_t pit_read_ctr(struct pit *p, unsigned i, uint64_t T)
{
    struct pit_counter *k = &p->ctr[i];
    ctr_sync(k, T);
    /* "Read-Back Command": a latched status is read first, then a latched count */
    if (k->status_latched) {
        k->status_latched = false;
        return k->status;
    }
    uint16_t v = k->count_latched ? k->ol : ctr_read_ce(k, T);
    uint8_t b;
    bool done;
    switch (k->rw) {
    case 1: b = (uint8_t)v; done = true; break;
    case 2: b = (uint8_t)(v >> 8); done = true; break;
    default:
        /* LSB then MSB; the latch is released once the whole count has been read */
        b = k->rd_msb ? (uint8_t)(v >> 8) : (uint8_t)v;
        done = k->rd_msb;
        k->rd_msb = !k->rd_msb;
        break;
    }
    if (done) k->count_latched = false;
    return b;
}

static void pit_write_ctr(struct pit *p, unsigned i, uint8_t v, uint64_t T)
{
    struct pit_counter *k = &p->ctr[i];
    ctr_sync(k, T);
    switch (k->rw) {
    case 1: k->cr = v; break;
    case 2: k->cr = (uint16_t)(v << 8); break;
    default:
        if (!k->wr_msb) {
            k->wr_lsb = v;
            k->wr_msb = true;
            k->null_until = NO_TICK;
            /* mode 0: "writing the first byte disables counting; OUT is set low immediately";
             * other modes: the first byte has no effect on counting */
            if (k->mode == 0) {
                ctr_freeze(k, T);
                k->out_low_hold = true;
                k->pend = false;
            }
            return;
        }
        k->cr = (uint16_t)(k->wr_lsb | v << 8);
        k->wr_msb = false;
        break;
    }
    ctr_count_written(k, T);
}

/* Control word: SC1 SC0 | RW1 RW0 | M2 M1 M0 | BCD. */
static void pit_write_ctrl(struct pit *p, uint8_t v, uint64_t T)
{
    unsigned sc = v >> 6;
    if (sc == 3) {
        /* Read-Back: 1 1 COUNT# STATUS# CNT2 CNT1 CNT0 0 */
        for (unsigned i = 0; i < 3; i++) {
            if (!(v & (2u << i))) continue;
            struct pit_counter *k = &p->ctr[i];
            ctr_sync(k, T);
            if (!(v & 0x20)) ctr_latch_count(k, T);
            if (!(v & 0x10)) ctr_latch_status(k, T, k->ctrl & 0x3f);
        }
        return;
    }
    struct pit_counter *k = &p->ctr[sc];
    ctr_sync(k, T);
    unsigned rw = (v >> 4) & 3u;
    if (rw == 0) {
        ctr_latch_count(k, T);
        return;
    }
    /* "When a Control Word is written to a Counter, all Control Logic is immediately reset and
     * OUT goes to a known initial state" (low in mode 0, high otherwise); the CE keeps its
     * (now undefined) value, the CR is invalid and NULL COUNT is set. */
    ctr_freeze(k, T);
    k->ctrl = v; /* status bits 5:0 read back the RW, M and BCD fields as written */
    unsigned mode = (v >> 1) & 7u;
    if (mode >= 6) mode -= 4; /* x10 = mode 2, x11 = mode 3 */
    k->mode = (uint8_t)mode;
    k->rw = (uint8_t)rw;
    k->bcd = v & 1;
    k->loaded = false;
    k->counting = false;
    k->pend = false;
    k->tc_done = false;
    k->cr_valid = false;
    k->wr_msb = false;
    k->rd_msb = false;
    k->count_latched = false;
    k->status_latched = false;
    k->out_low_hold = mode == 0;
    k->null_until = NO_TICK;
}

/* ---- ports ---- */

/* ---- port 0x61 (PIIX3 NMI Status and Control) ----
 *   7 SERR# NMI source (RO, 0)   6 IOCHK# NMI source (RO, 0)   5 counter 2 OUT (RO)
 *   4 refresh cycle toggle (RO)  3 IOCHK# NMI enable  2 PCI SERR# enable
 *   1 speaker data enable        0 counter 2 GATE */

/* Bit 4 toggles once per DRAM refresh request. On the PC/AT counter 1 requests refresh every
 * 18 CLKs (15.09 us); this board derives the toggle from the same edge count instead of
 * counter 1 (which has no refresh logic behind it). */
#define REFRESH_CLKS 18u

static uint8_t port61_read(struct pit *p, uint64_t T)
{
    struct pit_counter *k = &p->ctr[2];
    uint32_t ce;
    bool out;
    ctr_sync(k, T);
    ctr_eval(k, T, &ce, &out);
    return (uint8_t)((p->port61 & 0x0f) | (((T / REFRESH_CLKS) & 1) << 4) | (out ? 0x20 : 0));
}

static void port61_write(struct pit *p, uint8_t v, uint64_t T)
{
    p->port61 = v & 0x0f;
    ctr_set_gate(&p->ctr[2], v & 1, T);
}

bool pit_out2(struct pit *p) { return (port61_read(p, pit_now(p)) & 0x20) != 0; }

static uint8_t pit_read_byte(struct pit *p, uint16_t port, uint64_t T)
{
    if (port == 0x61) return port61_read(p, T);
    if (port == 0x43) {
        /* the control word register cannot be read ("Read Operations") */
        LOG(LOG_GUEST_ERRORS, "pit: read of control port 0x43\n");
        return 0xff;
    }
    return pit_read_ctr(p, port - 0x40u, T);
}

static void pit_write_byte(struct pit *p, uint16_t port, uint8_t v, uint64_t T)
{
    if (port == 0x61)
        port61_write(p, v, T);
    else if (port == 0x43)
        pit_write_ctrl(p, v, T);
    else
        pit_write_ctr(p, port - 0x40u, v, T);
}

static bool pit_port_ok(uint16_t base, uint16_t port)
{
    return base == 0x61 ? port == 0x61 : (port >= 0x40 && port <= 0x43);
}

/* Wider accesses are split into byte accesses to consecutive ports (ISA bus sizing). */
static uint32_t pit_pio_in(void *opaque, uint16_t port, unsigned size)
{
    struct pit *p = opaque;
    uint64_t T = pit_now(p);
    pit_catch_up(p, T);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t pt = (uint16_t)(port + i);
        uint8_t b = pit_port_ok(port, pt) ? pit_read_byte(p, pt, T) : 0xff;
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

static void pit_pio_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct pit *p = opaque;
    uint64_t T = pit_now(p);
    pit_catch_up(p, T);
    for (unsigned i = 0; i < size; i++) {
        uint16_t pt = (uint16_t)(port + i);
        if (pit_port_ok(port, pt)) pit_write_byte(p, pt, (uint8_t)(val >> (8 * i)), T);
    }
    pit_refresh0(p, T);
}

static const struct pio_ops pit_ops = {pit_pio_in, pit_pio_out};

void pit_reset(struct pit *p)
{
    /* "Prior to initialization, the mode, count, and output of all Counters is undefined": here
     * every counter is unprogrammed in mode 0 (OUT low, no count), LSB/MSB access. GATE 0 and 1
     * are tied high on the PC; GATE 2 is port 0x61 bit 0 (0 after reset). */
    for (unsigned i = 0; i < 3; i++) {
        struct pit_counter *k = &p->ctr[i];
        *k = (struct pit_counter){0};
        k->rw = 3;
        k->ctrl = 0x30;
        k->out_low_hold = true;
        k->gate = i != 2;
        k->null_until = NO_TICK;
    }
    p->port61 = 0;
    p->evt_tick = NO_TICK;
    timer_del(&p->timer);
    pit_drive0(p, false);
}

bool pit_init(struct pit *p, struct bus *b, struct clock *clk, struct irq_line irq0)
{
    *p = (struct pit){0};
    p->clk = clk;
    p->irq0 = irq0;
    timer_init(&p->timer, clk, pit_timer_cb, p);
    pit_reset(p);
    if (!b) return true;
    return bus_add_pio(b, 0x40, 4, &pit_ops, p) && bus_add_pio(b, 0x61, 1, &pit_ops, p);
}
