/* The local APIC (one per CPU), xAPIC MMIO interface at the APIC base (0xFEE00000) and the x2APIC
 * MSR interface (0x800-0x8FF), per Intel SDM Vol.3A chapter 11 (APIC).
 *
 * The LAPIC never touches struct cpu: everything that reaches the core goes through callbacks the
 * board sets in the struct after lapic_init (set_intr: the maskable INTR level; nmi/smi/init/sipi;
 * extint_ack: the 8259's INTA cycle). Messages to other APICs (IPIs) leave through send_ipi, and
 * EOIs of level-triggered vectors through eoi_broadcast (to the IOAPIC). apic_bus_send() is a
 * ready-made router the board can use for both IPIs and IOAPIC messages.
 *
 * Time: the APIC timer counts the bus clock, which is 1 GHz here (one tick = one guest ns of the
 * virtual clock, machine/clock.h), divided by the divide configuration register. Never raises. */
#ifndef DEVICES_LAPIC_H
#define DEVICES_LAPIC_H

#include "machine/clock.h"
#include "mmu/memmap.h"

#define LAPIC_DEFAULT_BASE 0xfee00000u
#define LAPIC_MMIO_SIZE 0x1000u
#define LAPIC_VERSION 0x00050014u /* SDM 11.4.8: version 0x14, max LVT entry 5 (6 LVTs) */

/* IA32_APIC_BASE (MSR 0x1B) bits, SDM 11.4.4 Figure 11-5 and 11.12.1 */
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)

/* Delivery modes (ICR / LVT / IOAPIC redirection entry bits 10:8), SDM 11.6.1 */
#define APIC_DM_FIXED 0
#define APIC_DM_LOWEST 1
#define APIC_DM_SMI 2
#define APIC_DM_NMI 4
#define APIC_DM_INIT 5
#define APIC_DM_SIPI 6
#define APIC_DM_EXTINT 7

/* Destination shorthands (ICR bits 19:18), SDM 11.6.1 */
#define APIC_SH_NONE 0
#define APIC_SH_SELF 1
#define APIC_SH_ALL 2    /* all including self */
#define APIC_SH_OTHERS 3 /* all excluding self */

/* LVT indices (registers 0x320..0x370 in this order), SDM 11.5.1 */
enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

/* An interrupt message on the system bus (IPI, or IOAPIC redirection). */
struct apic_msg {
    uint32_t dest;     /* xAPIC: 8-bit destination; x2APIC ICR: 32-bit */
    uint8_t vector;
    uint8_t mode;      /* APIC_DM_* */
    uint8_t shorthand; /* APIC_SH_* (IPIs only; IOAPIC messages use APIC_SH_NONE) */
    bool logical;      /* destination mode: logical */
    bool level;        /* trigger mode: level */
    bool assert;       /* level: assert (false only for the INIT level de-assert IPI) */
    bool x2;           /* dest is a 32-bit x2APIC destination (0xFFFFFFFF = broadcast) */
};

struct lapic {
    /* ---- set by the board after lapic_init ---- */
    void (*set_intr)(void *opaque, bool level); /* maskable INTR to the core (changes only) */
    void (*nmi)(void *opaque);
    void (*smi)(void *opaque);
    /* INIT: the core performs INIT and then calls lapic_init_signal() on this LAPIC. */
    void (*init)(void *opaque);
    void (*sipi)(void *opaque, uint8_t vector);
    int (*extint_ack)(void *opaque); /* the 8259 INTA (pic_ack); NULL reads as spurious 0xFF */
    void *cpu_opaque;
    /* An IPI this APIC sends (shorthand included); NULL = deliver to self only where it matches. */
    void (*send_ipi)(void *opaque, struct lapic *from, const struct apic_msg *m);
    /* EOI of a level-triggered vector (TMR bit set): the IOAPIC's ioapic_eoi(). */
    void (*eoi_broadcast)(void *opaque, uint8_t vector);
    void *board_opaque;
    bool x2apic_supported;   /* CPUID.1:ECX[21]: allow IA32_APIC_BASE.EXTD */
    bool tsc_deadline_supported; /* CPUID.1:ECX[24]: LVT timer mode 10b */
    /* QEMU pc compatibility: the BSP's LINT0 comes out of reset as ExtINT, unmasked (0x700), so
     * 8259 interrupts reach a CPU whose firmware has not programmed the LAPIC yet. */
    bool reset_lint0_extint;

    /* ---- state ---- */
    struct clock *clk;
    struct timer timer;
    uint64_t base_msr; /* IA32_APIC_BASE */
    uint32_t id;       /* APIC ID (x2APIC: 32 bits; xAPIC shows bits 7:0 in register bits 31:24) */
    bool bsp;
    uint8_t tpr;
    uint32_t ldr, dfr, svr;
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t esr, esr_pending;
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LVT_COUNT];
    uint8_t lint_level[2];  /* LINT0/LINT1 pin levels */
    bool extint_pending;    /* an ExtINT message (IOAPIC) awaits INTA */
    bool intr_out;          /* INTR level as last reported */
    /* timer */
    uint32_t timer_initial, timer_dcr;
    unsigned timer_shift;   /* log2 of the divisor */
    bool timer_running;     /* one-shot/periodic count in progress */
    uint64_t timer_start;   /* guest ns when the current count (period) started */
    uint64_t tsc_deadline;  /* IA32_TSC_DEADLINE as written (0 = disarmed) */
};

/* Sets up the LAPIC with APIC ID id (BSP flag for IA32_APIC_BASE) on clock clk, with all callbacks
 * NULL, and applies the power-up reset. Never raises. */
void lapic_init(struct lapic *l, struct clock *clk, uint32_t id, bool bsp);
/* Power-up / hardware reset (SDM 11.4.7.1): IA32_APIC_BASE = 0xFEE00000 | EN | BSP, xAPIC mode,
 * then the INIT state. Never raises. */
void lapic_reset(struct lapic *l);
/* The power-up register state without touching the APIC ID and IA32_APIC_BASE (SDM 11.4.7.1),
 * with the board's ExtINT on the BSP's LINT0 when reset_lint0_extint is set: RESET, and the
 * APIC's hardware disable (11.4.3). Never raises. */
void lapic_init_reset(struct lapic *l);
/* The state after an INIT (SDM 11.4.7.3): as lapic_init_reset, but every LVT entry masked, the
 * BSP's LINT0 included (the ExtINT setting is the board's at power-up only). Called by the core
 * when it performs INIT. Never raises. */
void lapic_init_signal(struct lapic *l);

/* xAPIC MMIO (opaque = struct lapic *); 32-bit accesses at 16-byte aligned offsets. For SMP the
 * board's own MMIO handler dispatches to the current CPU's LAPIC with these. Never raise. */
extern const struct mmio_ops lapic_mmio_ops;
uint64_t lapic_mmio_read(void *opaque, uint64_t off, unsigned size);
void lapic_mmio_write(void *opaque, uint64_t off, uint64_t val, unsigned size);

/* IA32_APIC_BASE. lapic_set_base returns false when the write must #GP (SDM 11.12.5 invalid
 * transitions, EXTD without x2APIC support, reserved bits 0-7/9); the CPU checks the bits above
 * MAXPHYADDR. Clearing EN resets the LAPIC (SDM 11.4.3). Never raise. */
uint64_t lapic_get_base(const struct lapic *l);
bool lapic_set_base(struct lapic *l, uint64_t val);
static inline bool lapic_hw_enabled(const struct lapic *l) { return (l->base_msr & APIC_BASE_EN) != 0; }
static inline bool lapic_x2apic_mode(const struct lapic *l)
{
    return (l->base_msr & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}

/* x2APIC MSRs 0x800-0x8FF (SDM 11.12.1.2 Table 11-6). Return false when the access must #GP
 * (not in x2APIC mode, unimplemented/read-only/write-only register, reserved bits). Never raise. */
bool lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *val);
bool lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t val);

/* IA32_TSC_DEADLINE (MSR 0x6E0, SDM 11.5.4.1). tsc_now is the current TSC; the deadline is
 * converted to guest ns at 1 TSC tick = 1 ns. Reads 0 and ignores writes outside TSC-deadline
 * mode. Never raise. */
uint64_t lapic_tsc_deadline_read(const struct lapic *l);
void lapic_tsc_deadline_write(struct lapic *l, uint64_t val, uint64_t tsc_now);

/* CR8 = TPR[7:4] (SDM 11.8.6). Never raise. */
uint8_t lapic_get_cr8(const struct lapic *l);
void lapic_set_cr8(struct lapic *l, uint8_t v);

/* LINT0/LINT1 pin levels (irq_line set function: opaque = struct lapic *, n = 0/1). The 8259's INT
 * output goes to the BSP's LINT0. With the APIC hardware-disabled the pins are the core's INTR and
 * NMI (SDM 11.4.3). Never raises. */
void lapic_lint_set(void *opaque, int n, int level);
/* Whether an edge on LINT0 (the 8259's output on the PC) would be delivered with delivery mode
 * dm (APIC_DM_*, e.g. NMI or INIT): the APIC enabled and LVT LINT0 unmasked with that mode (SDM
 * 11.5.1). Never fails. */
bool lapic_lint0_mode(const struct lapic *l, unsigned dm);

/* Accepts a bus message already addressed to this LAPIC (SDM 11.6.3, 11.8.4). Never raises. */
void lapic_deliver(struct lapic *l, const struct apic_msg *m);
/* Whether this LAPIC is a target of (dest, logical) (SDM 11.6.2). Never raises. */
bool lapic_match_dest(const struct lapic *l, const struct apic_msg *m);
/* Routes m to the LAPICs cpus[0..n) (shorthand relative to from, which may be NULL for IOAPIC
 * messages; lowest priority goes to the matching LAPIC with the lowest TPR, ties to the lowest
 * index). Never raises. */
void apic_bus_send(struct lapic *const *cpus, unsigned n, const struct lapic *from,
                   const struct apic_msg *m);

/* The INTR output as last reported through set_intr. */
static inline bool lapic_intr_pending(const struct lapic *l) { return l->intr_out; }
/* The core's interrupt acknowledge when it takes INTR: ExtINT -> extint_ack(); otherwise the
 * highest IRR vector moves to ISR; a request whose priority dropped below PPR meanwhile yields the
 * spurious vector (SVR[7:0], ISR untouched; SDM 11.9). Never raises. */
int lapic_ack(struct lapic *l);
/* A local interrupt source (thermal sensor, perf counter overflow, CMCI...) fires LVT entry idx.
 * Never raises. */
void lapic_local_interrupt(struct lapic *l, unsigned idx);
/* PPR as defined in SDM 11.8.3.1. */
uint8_t lapic_ppr(const struct lapic *l);

#endif
