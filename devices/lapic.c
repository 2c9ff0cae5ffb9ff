/* Local APIC. Sources: Intel SDM Vol.3A chapter 11 "Advanced Programmable Interrupt Controller
 * (APIC)": 11.4 (register map Table 11-1, enabling 11.4.3, IA32_APIC_BASE 11.4.4, ID 11.4.6, reset
 * and INIT states 11.4.7, version 11.4.8), 11.5 (LVT 11.5.1, valid vectors 11.5.2, ESR 11.5.3,
 * timer 11.5.4 and TSC-deadline mode 11.5.4.1), 11.6 (ICR 11.6.1, destinations 11.6.2, delivery
 * 11.6.3), 11.8 (acceptance 11.8.1/11.8.4, TPR/PPR 11.8.3.1, EOI 11.8.5, CR8 11.8.6), 11.9
 * (spurious interrupt), 11.12 (x2APIC: modes 11.12.1/11.12.5, MSR map Table 11-6, logical ID
 * 11.12.10.2, SELF IPI 11.12.11).
 *
 * 256-bit registers are 8 x 32 bits, vector v at word v/32 bit v%32 (the MMIO layout: register
 * 0x100 + 0x10*k holds vectors 32k..32k+31).
 *
 *   LVT entry   31      19 18 17 16 15 14 13 12 11 10  8 7      0
 *              [ resvd  |tmode|M |TM|RI|PO|DS|  | DM  | vector ]
 *   ICR low     19:18 shorthand, 15 trigger, 14 level, 12 status, 11 dest mode, 10:8 DM, 7:0 vec
 */
#include "devices/lapic.h"

#include <string.h>

#include "emu/log.h"

/* xAPIC register offsets (SDM Table 11-1) */
#define R_ID 0x020
#define R_VER 0x030
#define R_TPR 0x080
#define R_APR 0x090
#define R_PPR 0x0a0
#define R_EOI 0x0b0
#define R_RRD 0x0c0
#define R_LDR 0x0d0
#define R_DFR 0x0e0
#define R_SVR 0x0f0
#define R_ISR 0x100
#define R_TMR 0x180
#define R_IRR 0x200
#define R_ESR 0x280
#define R_CMCI 0x2f0
#define R_ICR_LO 0x300
#define R_ICR_HI 0x310
#define R_LVT 0x320 /* .. 0x370 */
#define R_TIMER_ICR 0x380
#define R_TIMER_CCR 0x390
#define R_TIMER_DCR 0x3e0
#define R_SELF_IPI 0x3f0 /* x2APIC only */

#define LVT_MASKED (1u << 16)
#define LVT_LEVEL (1u << 15)
#define LVT_REMOTE_IRR (1u << 14)
#define LVT_TMODE_SHIFT 17
#define TMODE_ONESHOT 0u
#define TMODE_PERIODIC 1u
#define TMODE_DEADLINE 2u

#define SVR_ENABLE (1u << 8)

/* ESR bits, SDM 11.5.3 Figure 11-9 */
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REG (1u << 7)

/* Writable bits of each LVT entry, SDM 11.5.1 Figure 11-8 (delivery status and remote IRR are
 * read-only; the timer's mode bit 18 only with TSC-deadline support). */
static const uint32_t lvt_wmask[LVT_COUNT] = {
    [LVT_TIMER] = 0x300ff,   /* vector, mask, mode bit 17 (+ bit 18 below) */
    [LVT_THERMAL] = 0x107ff, /* vector, delivery mode, mask */
    [LVT_PERF] = 0x107ff,
    [LVT_LINT0] = 0x1a7ff,   /* vector, delivery mode, polarity, trigger, mask */
    [LVT_LINT1] = 0x1a7ff,
    [LVT_ERROR] = 0x100ff,   /* vector, mask */
};

/* ---- 256-bit register helpers ---- */

static void bit_set(uint32_t *r, unsigned v) { r[v >> 5] |= 1u << (v & 31); }
static void bit_clr(uint32_t *r, unsigned v) { r[v >> 5] &= ~(1u << (v & 31)); }
static bool bit_test(const uint32_t *r, unsigned v) { return (r[v >> 5] >> (v & 31)) & 1u; }

/* Highest set bit (vector) or -1. */
static int highest(const uint32_t *r)
{
    for (int w = 7; w >= 0; w--)
        if (r[w]) return w * 32 + 31 - __builtin_clz(r[w]);
    return -1;
}

static bool sw_enabled(const struct lapic *l) { return (l->svr & SVR_ENABLE) != 0; }
static uint64_t now_ns(const struct lapic *l) { return clock_ns(l->clk); }

/* SDM 11.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0. */
uint8_t lapic_ppr(const struct lapic *l)
{
    int isrv = highest(l->isr);
    unsigned isrv_u = isrv < 0 ? 0u : (unsigned)isrv;
    if ((l->tpr >> 4) >= (isrv_u >> 4)) return l->tpr;
    return (uint8_t)(isrv_u & 0xf0);
}

/* Arbitration priority (SDM 11.8.3 / Figure 11-15; the P6 APR, kept readable). */
static uint8_t lapic_apr(const struct lapic *l)
{
    int isrv = highest(l->isr), irrv = highest(l->irr);
    unsigned is = isrv < 0 ? 0u : (unsigned)isrv >> 4, ir = irrv < 0 ? 0u : (unsigned)irrv >> 4;
    unsigned t = l->tpr >> 4u;
    if (t >= ir && t > is) return l->tpr;
    unsigned m = t > is ? t : is;
    if (ir > m) m = ir;
    return (uint8_t)(m << 4);
}

/* The fixed vector the APIC would present now, or -1 (SDM 11.8.4: only a priority class above
 * PPR's is dispatched; a software-disabled APIC dispatches nothing, 11.4.7.2). */
static int deliverable_vector(const struct lapic *l)
{
    if (!sw_enabled(l)) return -1;
    int v = highest(l->irr);
    if (v < 0) return -1;
    if (((unsigned)v >> 4) <= (unsigned)(lapic_ppr(l) >> 4)) return -1;
    return v;
}

/* ExtINT from LINT0 (SDM 11.5.1: ExtINT on LINT0 is always level-sensitive) */
static bool lint0_extint(const struct lapic *l)
{
    uint32_t e = l->lvt[LVT_LINT0];
    return !(e & LVT_MASKED) && ((e >> 8) & 7u) == APIC_DM_EXTINT && l->lint_level[0];
}

static void update_intr(struct lapic *l)
{
    bool out;
    if (!lapic_hw_enabled(l))
        out = l->lint_level[0] != 0; /* SDM 11.4.3: no APIC, LINT0 is the INTR pin */
    else
        out = l->extint_pending || lint0_extint(l) || deliverable_vector(l) >= 0;
    if (out != l->intr_out) {
        l->intr_out = out;
        if (l->set_intr) l->set_intr(l->cpu_opaque, out);
    }
}

/* ---- acceptance ---- */

static void signal_error(struct lapic *l, uint32_t bit);

/* Puts a fixed interrupt into IRR (SDM 11.8.4): TMR follows the trigger mode. Vectors 0-15 are
 * illegal (11.5.2): rejected with a receive-illegal-vector error. Software-disabled APICs do not
 * accept fixed interrupts (11.4.7.2). */
static void accept_fixed(struct lapic *l, uint8_t vector, bool level)
{
    if (!lapic_hw_enabled(l) || !sw_enabled(l)) return;
    if (vector < 16) {
        signal_error(l, ESR_RECV_ILLEGAL_VECTOR);
        return;
    }
    bit_set(l->irr, vector);
    if (level)
        bit_set(l->tmr, vector);
    else
        bit_clr(l->tmr, vector);
    update_intr(l);
}

/* SDM 11.5.3: an error sets the ESR bit (visible after the next ESR write) and raises the error
 * LVT interrupt when unmasked. The error vector itself being illegal does not recurse. */
static void signal_error(struct lapic *l, uint32_t bit)
{
    l->esr_pending |= bit;
    uint32_t e = l->lvt[LVT_ERROR];
    if (!(e & LVT_MASKED) && (e & 0xffu) >= 16) accept_fixed(l, (uint8_t)e, false);
}

/* Delivers a local (LVT) interrupt according to its delivery mode (SDM 11.5.1). */
static void lvt_fire(struct lapic *l, unsigned idx)
{
    uint32_t e = l->lvt[idx];
    if (e & LVT_MASKED) return;
    unsigned dm = (idx == LVT_TIMER || idx == LVT_ERROR) ? APIC_DM_FIXED : (e >> 8) & 7u;
    switch (dm) {
    case APIC_DM_FIXED: {
        bool level = (idx == LVT_LINT0 || idx == LVT_LINT1) && (e & LVT_LEVEL);
        if (level) l->lvt[idx] |= LVT_REMOTE_IRR;
        accept_fixed(l, (uint8_t)e, level);
        break;
    }
    case APIC_DM_NMI:
        if (l->nmi) l->nmi(l->cpu_opaque);
        break;
    case APIC_DM_SMI:
        if (l->smi) l->smi(l->cpu_opaque);
        break;
    case APIC_DM_INIT:
        if (l->init) l->init(l->cpu_opaque);
        break;
    case APIC_DM_EXTINT:
        update_intr(l); /* level-sensitive: follows the LINT0 pin */
        break;
    default:
        LOG(LOG_GUEST_ERRORS, "lapic %u: LVT %u reserved delivery mode %u\n", l->id, idx, dm);
        break;
    }
}

void lapic_local_interrupt(struct lapic *l, unsigned idx)
{
    if (idx < LVT_COUNT && lapic_hw_enabled(l)) lvt_fire(l, idx);
}

void lapic_lint_set(void *opaque, int n, int level)
{
    struct lapic *l = opaque;
    if (n < 0 || n > 1) return;
    uint8_t old = l->lint_level[n];
    l->lint_level[n] = level ? 1 : 0;
    if (!lapic_hw_enabled(l)) {
        /* SDM 11.4.3: with the APIC globally disabled LINT0 = INTR, LINT1 = NMI */
        if (n == 1 && !old && level && l->nmi) l->nmi(l->cpu_opaque);
        update_intr(l);
        return;
    }
    uint32_t e = l->lvt[LVT_LINT0 + n];
    unsigned dm = (e >> 8) & 7u;
    if (dm == APIC_DM_EXTINT) {
        update_intr(l);
        return;
    }
    if (e & LVT_MASKED) return;
    /* SDM 11.5.1 trigger mode: level only for fixed delivery; NMI/SMI/INIT are edge */
    bool lvl = dm == APIC_DM_FIXED && (e & LVT_LEVEL);
    if (lvl) {
        if (level && !(e & LVT_REMOTE_IRR)) lvt_fire(l, LVT_LINT0 + (unsigned)n);
    } else if (!old && level) {
        lvt_fire(l, LVT_LINT0 + (unsigned)n);
    }
}

bool lapic_lint0_mode(const struct lapic *l, unsigned dm)
{
    uint32_t e = l->lvt[LVT_LINT0];
    return lapic_hw_enabled(l) && !(e & LVT_MASKED) && ((e >> 8) & 7u) == dm;
}

void lapic_deliver(struct lapic *l, const struct apic_msg *m)
{
    if (!lapic_hw_enabled(l)) return;
    switch (m->mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        accept_fixed(l, m->vector, m->level);
        break;
    case APIC_DM_NMI:
        if (l->nmi) l->nmi(l->cpu_opaque);
        break;
    case APIC_DM_SMI:
        if (l->smi) l->smi(l->cpu_opaque);
        break;
    case APIC_DM_INIT:
        /* SDM 11.6.1: INIT level de-assert is not supported on Pentium 4 and later: ignored */
        if (m->level && !m->assert) break;
        if (l->init) l->init(l->cpu_opaque);
        break;
    case APIC_DM_SIPI:
        if (l->sipi) l->sipi(l->cpu_opaque, m->vector);
        break;
    case APIC_DM_EXTINT:
        /* SDM 11.8.1: ExtINT goes straight to the core, which fetches the vector by INTA */
        l->extint_pending = true;
        update_intr(l);
        break;
    default:
        break;
    }
}

int lapic_ack(struct lapic *l)
{
    if (!lapic_hw_enabled(l) || l->extint_pending || lint0_extint(l)) {
        l->extint_pending = false;
        int v = l->extint_ack ? l->extint_ack(l->cpu_opaque) : 0xff;
        update_intr(l);
        return v;
    }
    int v = deliverable_vector(l);
    if (v < 0) {
        update_intr(l);
        return (int)(l->svr & 0xffu); /* SDM 11.9: spurious vector, ISR not set */
    }
    bit_clr(l->irr, (unsigned)v);
    bit_set(l->isr, (unsigned)v);
    update_intr(l);
    return v;
}

/* SDM 11.8.5: EOI retires the highest ISR bit; a level-triggered vector (TMR) is broadcast to the
 * IOAPICs. LINT0/LINT1 level entries with that vector drop their remote IRR. */
static void do_eoi(struct lapic *l)
{
    int v = highest(l->isr);
    if (v < 0) return;
    bit_clr(l->isr, (unsigned)v);
    for (unsigned n = 0; n < 2; n++) {
        uint32_t *e = &l->lvt[LVT_LINT0 + n];
        if ((*e & LVT_REMOTE_IRR) && (*e & 0xffu) == (unsigned)v) {
            *e &= ~LVT_REMOTE_IRR;
            if (l->lint_level[n] && !(*e & LVT_MASKED)) lvt_fire(l, LVT_LINT0 + n);
        }
    }
    if (bit_test(l->tmr, (unsigned)v) && l->eoi_broadcast) l->eoi_broadcast(l->board_opaque, (uint8_t)v);
    update_intr(l);
}

/* ---- timer (SDM 11.5.4) ---- */

static unsigned timer_mode(const struct lapic *l) { return (l->lvt[LVT_TIMER] >> LVT_TMODE_SHIFT) & 3u; }

/* Divide configuration register bits 3,1:0 -> log2 divisor (SDM 11.5.4 Figure 11-10):
 * 000 /2, 001 /4, 010 /8, 011 /16, 100 /32, 101 /64, 110 /128, 111 /1. */
static unsigned dcr_shift(uint32_t dcr)
{
    unsigned v = ((dcr >> 1) & 4u) | (dcr & 3u);
    return v == 7 ? 0 : v + 1;
}

static uint64_t period_ns(const struct lapic *l) { return (uint64_t)l->timer_initial << l->timer_shift; }

static void timer_arm(struct lapic *l)
{
    if (l->timer_running)
        timer_mod(&l->timer, l->timer_start + period_ns(l));
    else if (timer_mode(l) == TMODE_DEADLINE && l->tsc_deadline)
        return; /* armed by lapic_tsc_deadline_write */
    else
        timer_del(&l->timer);
}

static uint32_t timer_current(const struct lapic *l)
{
    if (!l->timer_running || timer_mode(l) == TMODE_DEADLINE) return 0;
    uint64_t ticks = (now_ns(l) - l->timer_start) >> l->timer_shift;
    if (ticks >= l->timer_initial) {
        if (timer_mode(l) != TMODE_PERIODIC) return 0;
        ticks %= l->timer_initial;
    }
    return (uint32_t)(l->timer_initial - ticks);
}

static void timer_expired(void *opaque)
{
    struct lapic *l = opaque;
    if (timer_mode(l) == TMODE_DEADLINE) {
        /* SDM 11.5.4.1: the timer disarms itself and clears IA32_TSC_DEADLINE */
        l->tsc_deadline = 0;
    } else if (!l->timer_running) {
        return;
    } else if (timer_mode(l) == TMODE_PERIODIC) {
        /* SDM 11.5.4: periodic mode reloads the current count from the initial count */
        l->timer_start += period_ns(l);
        timer_mod(&l->timer, l->timer_start + period_ns(l));
    } else {
        l->timer_running = false; /* one-shot: stays at 0 */
    }
    lvt_fire(l, LVT_TIMER);
}

static void timer_write_initial(struct lapic *l, uint32_t v)
{
    if (timer_mode(l) == TMODE_DEADLINE) return; /* SDM 11.5.4.1: ignored in TSC-deadline mode */
    l->timer_initial = v;
    l->timer_start = now_ns(l);
    l->timer_running = v != 0; /* SDM 11.5.4: writing 0 stops the timer */
    timer_arm(l);
}

static void timer_write_dcr(struct lapic *l, uint32_t v)
{
    uint32_t cur = timer_current(l);
    l->timer_dcr = v & 0xbu;
    l->timer_shift = dcr_shift(l->timer_dcr);
    if (l->timer_running && timer_mode(l) != TMODE_DEADLINE) {
        /* the count continues from its current value at the new rate (the fraction of the tick
         * in progress is dropped) */
        if (cur == 0) cur = timer_mode(l) == TMODE_PERIODIC ? l->timer_initial : 0;
        l->timer_start = now_ns(l) - ((uint64_t)(l->timer_initial - cur) << l->timer_shift);
        timer_arm(l);
    }
}

uint64_t lapic_tsc_deadline_read(const struct lapic *l)
{
    return timer_mode(l) == TMODE_DEADLINE ? l->tsc_deadline : 0;
}

void lapic_tsc_deadline_write(struct lapic *l, uint64_t val, uint64_t tsc_now)
{
    if (timer_mode(l) != TMODE_DEADLINE) return; /* SDM 11.5.4.1: ignored in other modes */
    l->tsc_deadline = val;
    if (!val) {
        timer_del(&l->timer); /* writing 0 disarms */
        return;
    }
    uint64_t now = now_ns(l), delta = val > tsc_now ? val - tsc_now : 0;
    timer_mod(&l->timer, delta > UINT64_MAX - now ? UINT64_MAX : now + delta);
}

static void write_lvt(struct lapic *l, unsigned idx, uint32_t v)
{
    uint32_t wm = lvt_wmask[idx];
    if (idx == LVT_TIMER && l->tsc_deadline_supported) wm |= 1u << 18;
    if (!sw_enabled(l)) v |= LVT_MASKED; /* SDM 11.4.7.2: masks stay set while software-disabled */
    uint32_t old = l->lvt[idx];
    l->lvt[idx] = (old & ~wm & LVT_REMOTE_IRR) | (v & wm);
    if (idx == LVT_TIMER) {
        unsigned om = (old >> LVT_TMODE_SHIFT) & 3u, nm = timer_mode(l);
        if (nm == 3) { /* reserved mode: treat as one-shot */
            l->lvt[idx] &= ~(3u << LVT_TMODE_SHIFT);
            nm = TMODE_ONESHOT;
        }
        if ((om == TMODE_DEADLINE) != (nm == TMODE_DEADLINE)) {
            /* SDM 11.5.4.1: switching into or out of TSC-deadline mode disarms the timer */
            l->timer_running = false;
            l->timer_initial = 0;
            l->tsc_deadline = 0;
            timer_del(&l->timer);
        } else if (om != nm) {
            /* one-shot <-> periodic: the count in progress continues in the new mode */
            timer_arm(l);
        }
    } else if (idx == LVT_LINT0 || idx == LVT_LINT1) {
        update_intr(l);
        /* a level-triggered fixed LINT that is asserted and now unmasked fires */
        unsigned n = idx - LVT_LINT0;
        uint32_t e = l->lvt[idx];
        if (!(e & LVT_MASKED) && ((e >> 8) & 7u) == APIC_DM_FIXED && (e & LVT_LEVEL) &&
            !(e & LVT_REMOTE_IRR) && l->lint_level[n])
            lvt_fire(l, idx);
    }
}

static void write_svr(struct lapic *l, uint32_t v)
{
    /* SDM 11.9 Figure 11-23: vector 7:0, APIC software enable 8, focus checking 9; EOI-broadcast
     * suppression (12) is not offered (version bit 24 clear) */
    l->svr = v & 0x3ffu;
    if (!sw_enabled(l))
        for (unsigned k = 0; k < LVT_COUNT; k++) l->lvt[k] |= LVT_MASKED; /* SDM 11.4.7.2 */
    update_intr(l);
}

/* ---- IPIs (SDM 11.6) ---- */

static void send_icr(struct lapic *l, uint32_t lo, uint32_t dest, bool x2)
{
    struct apic_msg m = {
        .dest = dest,
        .vector = (uint8_t)lo,
        .mode = (uint8_t)((lo >> 8) & 7u),
        .logical = (lo >> 11) & 1u,
        .assert = (lo >> 14) & 1u,
        .level = (lo >> 15) & 1u,
        .shorthand = (uint8_t)((lo >> 18) & 3u),
        .x2 = x2,
    };
    if (m.mode == 3) {
        LOG(LOG_GUEST_ERRORS, "lapic %u: ICR reserved delivery mode\n", l->id);
        return;
    }
    if ((m.mode == APIC_DM_FIXED || m.mode == APIC_DM_LOWEST) && m.vector < 16) {
        signal_error(l, ESR_SEND_ILLEGAL_VECTOR); /* SDM 11.5.2 */
        return;
    }
    if (m.mode != APIC_DM_INIT || m.assert) m.assert = true;
    if (m.shorthand == APIC_SH_SELF) {
        lapic_deliver(l, &m);
        return;
    }
    if (l->send_ipi) {
        l->send_ipi(l->board_opaque, l, &m);
        return;
    }
    /* no board: this APIC is alone on the bus */
    if (m.shorthand == APIC_SH_ALL || (m.shorthand == APIC_SH_NONE && lapic_match_dest(l, &m)))
        lapic_deliver(l, &m);
}

static uint32_t logical_id_x2(const struct lapic *l)
{
    /* SDM 11.12.10.2: LDR = cluster (ID[19:4]) << 16 | 1 << ID[3:0] */
    return ((l->id >> 4) << 16) | (1u << (l->id & 0xfu));
}

bool lapic_match_dest(const struct lapic *l, const struct apic_msg *m)
{
    if (!lapic_hw_enabled(l)) return false;
    bool x2 = lapic_x2apic_mode(l);
    uint32_t bcast = m->x2 ? 0xffffffffu : 0xffu;
    if (m->dest == bcast) return true; /* SDM 11.6.2.1 / 11.12.10: broadcast */
    if (!m->logical) return x2 ? m->dest == l->id : m->dest == (l->id & 0xffu);
    if (x2) {
        uint32_t ldr = logical_id_x2(l);
        return (m->dest >> 16) == (ldr >> 16) && (m->dest & ldr & 0xffffu) != 0;
    }
    /* SDM 11.6.2.2: flat model (DFR 1111) or cluster model (DFR 0000) */
    uint8_t d = (uint8_t)m->dest, ld = (uint8_t)(l->ldr >> 24);
    if ((l->dfr >> 28) == 0xf) return (d & ld) != 0;
    if ((d >> 4) != 0xf && (d >> 4) != (ld >> 4)) return false;
    return (d & ld & 0x0fu) != 0;
}

void apic_bus_send(struct lapic *const *cpus, unsigned n, const struct lapic *from,
                   const struct apic_msg *m)
{
    struct lapic *target[256];
    unsigned nt = 0;
    for (unsigned k = 0; k < n && nt < 256; k++) {
        struct lapic *l = cpus[k];
        bool hit;
        switch (m->shorthand) {
        case APIC_SH_SELF: hit = l == from; break;
        case APIC_SH_ALL: hit = lapic_hw_enabled(l); break;
        case APIC_SH_OTHERS: hit = l != from && lapic_hw_enabled(l); break;
        default: hit = lapic_match_dest(l, m); break;
        }
        if (hit) target[nt++] = l;
    }
    if (m->mode == APIC_DM_LOWEST && nt > 1) {
        /* SDM 11.6.2.4: the processor at the lowest priority; the choice among equals is
         * model-specific: the lowest index here (deterministic) */
        unsigned best = 0;
        for (unsigned k = 1; k < nt; k++)
            if (target[k]->tpr < target[best]->tpr) best = k;
        target[0] = target[best];
        nt = 1;
    }
    for (unsigned k = 0; k < nt; k++) lapic_deliver(target[k], m);
}

/* ---- register file ---- */

/* Reads register at xAPIC offset reg (16-byte aligned). Returns false for reserved registers. */
static bool reg_read(struct lapic *l, unsigned reg, uint32_t *v)
{
    bool x2 = lapic_x2apic_mode(l);
    if (reg >= R_LVT && reg <= R_LVT + 0x50) {
        *v = l->lvt[(reg - R_LVT) >> 4];
        return true;
    }
    if (reg >= R_ISR && reg < R_ISR + 0x80) { *v = l->isr[(reg - R_ISR) >> 4]; return true; }
    if (reg >= R_TMR && reg < R_TMR + 0x80) { *v = l->tmr[(reg - R_TMR) >> 4]; return true; }
    if (reg >= R_IRR && reg < R_IRR + 0x80) { *v = l->irr[(reg - R_IRR) >> 4]; return true; }
    switch (reg) {
    case R_ID: *v = x2 ? l->id : (l->id & 0xffu) << 24; return true;
    case R_VER: *v = LAPIC_VERSION; return true;
    case R_TPR: *v = l->tpr; return true;
    case R_APR: if (x2) return false; *v = lapic_apr(l); return true;
    case R_PPR: *v = lapic_ppr(l); return true;
    case R_EOI: *v = 0; return !x2; /* write-only (x2APIC: #GP on read) */
    case R_RRD: if (x2) return false; *v = 0; return true;
    case R_LDR: *v = x2 ? logical_id_x2(l) : l->ldr; return true;
    case R_DFR: if (x2) return false; *v = l->dfr | 0x0fffffffu; return true;
    case R_SVR: *v = l->svr; return true;
    case R_ESR: *v = l->esr; return true;
    case R_ICR_LO: *v = l->icr_lo; return true;
    case R_ICR_HI: if (x2) return false; *v = l->icr_hi; return true;
    case R_TIMER_ICR: *v = l->timer_initial; return true;
    case R_TIMER_CCR: *v = timer_current(l); return true;
    case R_TIMER_DCR: *v = l->timer_dcr; return true;
    default: return false;
    }
}

/* Writes register reg (xAPIC offset). Returns false for reserved / read-only registers. */
static bool reg_write(struct lapic *l, unsigned reg, uint32_t v)
{
    bool x2 = lapic_x2apic_mode(l);
    if (reg >= R_LVT && reg <= R_LVT + 0x50) {
        write_lvt(l, (reg - R_LVT) >> 4, v);
        return true;
    }
    switch (reg) {
    case R_ID:
        if (x2) return false;
        l->id = (l->id & ~0xffu) | (v >> 24); /* writable in xAPIC mode (SDM 11.4.6) */
        return true;
    case R_TPR:
        l->tpr = (uint8_t)v;
        update_intr(l);
        return true;
    case R_EOI: do_eoi(l); return true;
    case R_LDR:
        if (x2) return false;
        l->ldr = v & 0xff000000u;
        return true;
    case R_DFR:
        if (x2) return false;
        l->dfr = v & 0xf0000000u;
        return true;
    case R_SVR: write_svr(l, v); return true;
    case R_ESR:
        /* SDM 11.5.3: a write latches the errors found since the previous write */
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        return true;
    case R_ICR_LO:
        l->icr_lo = v & 0x000ccfffu; /* delivery status reads 0: delivery is immediate */
        send_icr(l, l->icr_lo, l->icr_hi >> 24, false);
        return true;
    case R_ICR_HI:
        if (x2) return false;
        l->icr_hi = v & 0xff000000u;
        return true;
    case R_TIMER_ICR: timer_write_initial(l, v); return true;
    case R_TIMER_DCR: timer_write_dcr(l, v); return true;
    default: return false;
    }
}

uint64_t lapic_mmio_read(void *opaque, uint64_t off, unsigned size)
{
    struct lapic *l = opaque;
    if (lapic_x2apic_mode(l)) {
        LOG(LOG_GUEST_ERRORS, "lapic %u: MMIO read in x2APIC mode\n", l->id);
        return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
    }
    unsigned reg = (unsigned)off & 0xff0u, sub = (unsigned)off & 0xfu;
    uint32_t v = 0;
    if (!reg_read(l, reg, &v)) {
        LOG(LOG_GUEST_ERRORS, "lapic %u: read of reserved register %#x\n", l->id, reg);
        signal_error(l, ESR_ILLEGAL_REG); /* SDM 11.5.3 bit 7 */
        return 0;
    }
    if (sub >= 4) return 0;
    if (size != 4) LOG(LOG_GUEST_ERRORS, "lapic %u: %u-byte read at %#x\n", l->id, size, (unsigned)off);
    uint64_t r = v >> (8 * sub);
    return size >= 8 ? r : r & ((1ull << (8 * size)) - 1);
}

void lapic_mmio_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    struct lapic *l = opaque;
    if (lapic_x2apic_mode(l)) {
        LOG(LOG_GUEST_ERRORS, "lapic %u: MMIO write in x2APIC mode\n", l->id);
        return;
    }
    unsigned reg = (unsigned)off & 0xff0u, sub = (unsigned)off & 0xfu;
    if (sub >= 4) return;
    if (size != 4 || sub) {
        /* SDM 11.4.1: registers take aligned 32-bit accesses only; others are treated as a
         * 32-bit write of the zero-extended value */
        LOG(LOG_GUEST_ERRORS, "lapic %u: %u-byte write at %#x\n", l->id, size, (unsigned)off);
    }
    if (reg == R_VER || reg == R_APR || reg == R_PPR || reg == R_RRD || reg == R_TIMER_CCR ||
        (reg >= R_ISR && reg < R_IRR + 0x80))
        return; /* read-only registers ignore writes */
    if (!reg_write(l, reg, (uint32_t)(val << (8 * sub)))) {
        LOG(LOG_GUEST_ERRORS, "lapic %u: write of reserved register %#x\n", l->id, reg);
        signal_error(l, ESR_ILLEGAL_REG);
    }
}

const struct mmio_ops lapic_mmio_ops = {.read = lapic_mmio_read, .write = lapic_mmio_write};

/* ---- x2APIC MSRs (SDM 11.12.1.2 Table 11-6) ---- */

bool lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *val)
{
    if (!lapic_x2apic_mode(l) || msr < 0x800 || msr > 0x8ff) return false;
    unsigned reg = (msr - 0x800u) << 4;
    if (reg == R_ICR_LO) {
        *val = (uint64_t)l->icr_hi << 32 | l->icr_lo; /* 64-bit ICR, dest in 63:32 */
        return true;
    }
    if (reg == R_SELF_IPI) return false; /* write-only */
    uint32_t v;
    if (!reg_read(l, reg, &v)) return false;
    *val = v;
    return true;
}

bool lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t val)
{
    if (!lapic_x2apic_mode(l) || msr < 0x800 || msr > 0x8ff) return false;
    unsigned reg = (msr - 0x800u) << 4;
    switch (reg) {
    case R_ICR_LO:
        if (val & ~0xffffffff000ccfffull) return false;
        l->icr_lo = (uint32_t)val;
        l->icr_hi = (uint32_t)(val >> 32);
        send_icr(l, l->icr_lo, l->icr_hi, true);
        return true;
    case R_SELF_IPI: {
        if (val & ~0xffull) return false;
        /* SDM 11.12.11: a fixed, edge IPI to self */
        struct apic_msg m = {.vector = (uint8_t)val, .mode = APIC_DM_FIXED, .assert = true};
        if (m.vector < 16) {
            signal_error(l, ESR_SEND_ILLEGAL_VECTOR);
            return true;
        }
        lapic_deliver(l, &m);
        return true;
    }
    case R_EOI:
    case R_ESR:
        if (val) return false; /* SDM 11.12.1.2: only 0 may be written */
        break;
    case R_TPR:
        if (val & ~0xffull) return false;
        break;
    case R_SVR:
        if (val & ~0x3ffull) return false;
        break;
    case R_TIMER_DCR:
        if (val & ~0xbull) return false;
        break;
    case R_TIMER_ICR:
        if (val >> 32) return false;
        break;
    case R_ID: case R_VER: case R_PPR: case R_LDR: case R_TIMER_CCR:
        return false; /* read-only in x2APIC mode */
    default:
        if (reg >= R_LVT && reg <= R_LVT + 0x50) {
            /* SDM 11.12.1.3: a 1 in a reserved bit is #GP; the read-only delivery status (12) and
             * remote IRR (14, LINT0/LINT1) are not reserved and are ignored by write_lvt */
            unsigned idx = (reg - R_LVT) >> 4;
            uint32_t defined = lvt_wmask[idx] | (1u << 12);
            if (idx == LVT_LINT0 || idx == LVT_LINT1) defined |= LVT_REMOTE_IRR;
            if (idx == LVT_TIMER && l->tsc_deadline_supported) defined |= 1u << 18;
            if (val & ~(uint64_t)defined) return false;
            break;
        }
        return false;
    }
    return reg_write(l, reg, (uint32_t)val);
}

/* ---- TPR / CR8 ---- */

uint8_t lapic_get_cr8(const struct lapic *l) { return l->tpr >> 4; }
void lapic_set_cr8(struct lapic *l, uint8_t v)
{
    l->tpr = (uint8_t)((v & 0xfu) << 4); /* SDM 11.8.6: CR8[3:0] = TPR[7:4], TPR[3:0] = 0 */
    update_intr(l);
}

/* ---- IA32_APIC_BASE ---- */

uint64_t lapic_get_base(const struct lapic *l) { return l->base_msr; }

bool lapic_set_base(struct lapic *l, uint64_t val)
{
    if (val & 0x2ffull) return false; /* reserved bits 7:0 and 9 (bit 8 BSP is read-only) */
    bool en = val & APIC_BASE_EN, extd = val & APIC_BASE_EXTD;
    bool was_en = lapic_hw_enabled(l), was_x2 = lapic_x2apic_mode(l);
    if (extd && !l->x2apic_supported) return false;
    /* SDM 11.12.5 Figure 11-27: EN=0/EXTD=1 is invalid; x2APIC -> xAPIC and disabled -> x2APIC
     * are invalid transitions */
    if (extd && !en) return false;
    if (was_x2 && en && !extd) return false;
    if (!was_en && extd) return false;
    l->base_msr = (val & ~(APIC_BASE_BSP | 0xfffull)) | (l->bsp ? APIC_BASE_BSP : 0) |
                  (val & (APIC_BASE_EN | APIC_BASE_EXTD));
    if (was_en && !en) {
        /* SDM 11.4.3: disabling may return the APIC to its power-up state */
        lapic_init_reset(l);
    }
    if (!was_x2 && lapic_x2apic_mode(l)) {
        /* SDM 11.12.5.1: entering x2APIC mode; LDR is derived from the x2APIC ID */
        l->ldr = 0;
    }
    update_intr(l);
    return true;
}

/* ---- reset ---- */

/* SDM 11.4.7.1 / 11.12.5.1: IRR, ISR, TMR, ICR, LDR, TPR, timer registers and DCR cleared;
 * DFR all ones; SVR 0xFF; LVT entries masked; the APIC ID is kept (INIT, 11.4.7.3). With
 * extint, LVT LINT0 is then ExtINT instead (the board's power-up virtual wire). */
static void init_state(struct lapic *l, bool extint)
{
    l->tpr = 0;
    l->ldr = 0;
    l->dfr = 0xf0000000u;
    l->svr = 0xff;
    memset(l->isr, 0, sizeof l->isr);
    memset(l->tmr, 0, sizeof l->tmr);
    memset(l->irr, 0, sizeof l->irr);
    l->esr = l->esr_pending = 0;
    l->icr_lo = l->icr_hi = 0;
    for (unsigned k = 0; k < LVT_COUNT; k++) l->lvt[k] = LVT_MASKED;
    if (extint) l->lvt[LVT_LINT0] = APIC_DM_EXTINT << 8;
    l->extint_pending = false;
    l->timer_initial = 0;
    l->timer_dcr = 0;
    l->timer_shift = dcr_shift(0);
    l->timer_running = false;
    l->timer_start = 0;
    l->tsc_deadline = 0;
    timer_del(&l->timer);
    update_intr(l);
}

void lapic_init_reset(struct lapic *l) { init_state(l, l->bsp && l->reset_lint0_extint); }

void lapic_init_signal(struct lapic *l) { init_state(l, false); }

void lapic_reset(struct lapic *l)
{
    l->base_msr = LAPIC_DEFAULT_BASE | APIC_BASE_EN | (l->bsp ? APIC_BASE_BSP : 0);
    lapic_init_reset(l);
}

void lapic_init(struct lapic *l, struct clock *clk, uint32_t id, bool bsp)
{
    memset(l, 0, sizeof *l);
    l->clk = clk;
    l->id = id;
    l->bsp = bsp;
    timer_init(&l->timer, clk, timer_expired, l);
    lapic_reset(l);
}
