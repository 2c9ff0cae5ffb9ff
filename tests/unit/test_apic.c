/* Unit tests of the IOAPIC (devices/ioapic.c) and local APIC (devices/lapic.c) through their MMIO
 * callbacks, with a fake clock and recording callbacks. Cites the Intel SDM Vol.3A chapter 11 and
 * the 82093AA IOAPIC datasheet. */
#include "devices/ioapic.h"
#include "devices/lapic.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

static struct clock clk;
static uint64_t now;
static uint64_t fake_icount(void *opaque) { return now; }
static void advance_to(uint64_t t)
{
    while (clock_next_deadline(&clk) <= t) {
        now = clock_next_deadline(&clk);
        clock_run_timers(&clk);
    }
    now = t;
}

/* ---- recording board ---- */
#define NCPU 3
static struct lapic cpu[NCPU];
static struct lapic *cpus[NCPU];
static struct ioapic io;
static bool intr[NCPU];
static int nmis[NCPU], inits[NCPU], sipis[NCPU], sipi_vec[NCPU];
static int eoi_vec[16], n_eoi;
static struct apic_msg msgs[16];
static int n_msgs;
static int pic_vector;

static void set_intr(void *opaque, bool level) { intr[(struct lapic *)opaque - cpu] = level; }
static void on_nmi(void *opaque) { nmis[(struct lapic *)opaque - cpu]++; }
static void on_init(void *opaque) { inits[(struct lapic *)opaque - cpu]++; }
static void on_sipi(void *opaque, uint8_t v)
{
    sipis[(struct lapic *)opaque - cpu]++;
    sipi_vec[(struct lapic *)opaque - cpu] = v;
}
static int on_extint_ack(void *opaque) { return pic_vector; }
static void on_send_ipi(void *opaque, struct lapic *from, const struct apic_msg *m)
{
    apic_bus_send(cpus, NCPU, from, m);
}
static void on_eoi(void *opaque, uint8_t vector)
{
    if (n_eoi < 16) eoi_vec[n_eoi++] = vector;
    ioapic_eoi(&io, vector);
}
static void io_deliver(void *opaque, const struct apic_msg *m)
{
    if (n_msgs < 16) msgs[n_msgs++] = *m;
    apic_bus_send(cpus, NCPU, NULL, m);
}

static uint32_t lr(int c, unsigned off) { return (uint32_t)lapic_mmio_ops.read(&cpu[c], off, 4); }
static void lw(int c, unsigned off, uint32_t v) { lapic_mmio_ops.write(&cpu[c], off, v, 4); }
static uint32_t ior(unsigned reg)
{
    ioapic_mmio_ops.write(&io, 0, reg, 4);
    return (uint32_t)ioapic_mmio_ops.read(&io, 0x10, 4);
}
static void iow(unsigned reg, uint32_t v)
{
    ioapic_mmio_ops.write(&io, 0, reg, 4);
    ioapic_mmio_ops.write(&io, 0x10, v, 4);
}
static bool irr_bit(int c, unsigned v) { return (lr(c, 0x200 + (v / 32) * 0x10) >> (v % 32)) & 1; }
static bool isr_bit(int c, unsigned v) { return (lr(c, 0x100 + (v / 32) * 0x10) >> (v % 32)) & 1; }
static bool tmr_bit(int c, unsigned v) { return (lr(c, 0x180 + (v / 32) * 0x10) >> (v % 32)) & 1; }

static void setup(void)
{
    now = 1000;
    clock_init(&clk, fake_icount, NULL);
    for (int k = 0; k < NCPU; k++) {
        lapic_init(&cpu[k], &clk, (uint32_t)k, k == 0);
        cpus[k] = &cpu[k];
        cpu[k].set_intr = set_intr;
        cpu[k].nmi = on_nmi;
        cpu[k].init = on_init;
        cpu[k].sipi = on_sipi;
        cpu[k].extint_ack = on_extint_ack;
        cpu[k].cpu_opaque = &cpu[k];
        cpu[k].send_ipi = on_send_ipi;
        cpu[k].eoi_broadcast = on_eoi;
        intr[k] = false;
        nmis[k] = inits[k] = sipis[k] = sipi_vec[k] = 0;
        lw(k, 0xf0, 0x1ff); /* software enable, spurious vector 0xFF */
    }
    ioapic_init(&io, 0, io_deliver, NULL);
    n_msgs = n_eoi = 0;
    pic_vector = 0x08;
}
static void teardown(void) {}

/* ---- IOAPIC ---- */

START_TEST(ioapic_regs)
{
    /* 82093AA 3.2.2 + QEMU pc: version 0x20, max redirection entry 23 */
    CHECK(ior(1) == 0x00170020, "IOAPICVER %#x", ior(1));
    CHECK(ior(0) == 0, "IOAPICID 0 after init");
    iow(0, 0x0f000000);
    CHECK(ior(0) == 0x0f000000 && ior(2) == 0x0f000000, "ID writable (bits 27:24), ARB follows");
    /* 3.2.4: reset masks every entry */
    for (unsigned p = 0; p < 24; p++) CHECK(ior(0x10 + 2 * p) == 0x10000, "pin %u masked", p);
    iow(0x10 + 4, 0xffffffff);
    CHECK(ior(0x14) == 0x1afff, "RO delivery status / remote IRR, got %#x", ior(0x14));
    iow(0x11 + 4, 0xffffffff);
    CHECK(ior(0x15) == 0xff000000, "destination 63:56 only, got %#x", ior(0x15));
    CHECK((uint32_t)ioapic_mmio_ops.read(&io, 0, 4) == 0x15, "IOREGSEL reads back");
}
END_TEST

START_TEST(ioapic_edge)
{
    /* pin 2 (ISA IRQ0 via the override): edge, fixed, physical dest 1, vector 0x30 */
    iow(0x10 + 2 * 2 + 1, 0x01000000);
    iow(0x10 + 2 * 2, 0x30);
    ioapic_set_irq(&io, 2, 1);
    CHECK(n_msgs == 1 && msgs[0].vector == 0x30 && msgs[0].dest == 1 && !msgs[0].level &&
              msgs[0].mode == APIC_DM_FIXED && !msgs[0].logical, "edge delivered");
    CHECK(irr_bit(1, 0x30) && !irr_bit(0, 0x30) && intr[1] && !intr[0], "to LAPIC 1 only");
    ioapic_set_irq(&io, 2, 1);
    CHECK(n_msgs == 1, "no new edge while held high");
    ioapic_set_irq(&io, 2, 0);
    ioapic_set_irq(&io, 2, 1);
    CHECK(n_msgs == 2, "second rising edge");
    /* masked edges are dropped (82093AA 2.4) and not delivered on unmask */
    iow(0x10 + 2 * 2, 0x10030);
    ioapic_set_irq(&io, 2, 0);
    ioapic_set_irq(&io, 2, 1);
    iow(0x10 + 2 * 2, 0x30);
    CHECK(n_msgs == 2, "masked edge lost");
    CHECK(!(ior(0x14) & (1u << 14)), "edge: no remote IRR");
}
END_TEST

START_TEST(ioapic_level_remote_irr)
{
    /* pin 10: level, fixed, physical dest 0, vector 0x41 */
    iow(0x10 + 20 + 1, 0x00000000);
    iow(0x10 + 20, 0x8041);
    ioapic_set_irq(&io, 10, 1);
    CHECK(n_msgs == 1 && msgs[0].level, "level delivered");
    CHECK(ior(0x10 + 20) & (1u << 14), "remote IRR set (3.2.4)");
    CHECK(tmr_bit(0, 0x41), "TMR set for level (SDM 11.8.4)");
    ioapic_set_irq(&io, 10, 0);
    ioapic_set_irq(&io, 10, 1);
    CHECK(n_msgs == 1, "no redelivery while remote IRR");
    CHECK(lapic_ack(&cpu[0]) == 0x41 && isr_bit(0, 0x41), "acked");
    lw(0, 0xb0, 0); /* EOI -> broadcast -> remote IRR clear -> still asserted -> redeliver */
    CHECK(n_eoi == 1 && eoi_vec[0] == 0x41, "EOI broadcast for TMR vector (SDM 11.8.5)");
    CHECK(n_msgs == 2 && irr_bit(0, 0x41), "still asserted: redelivered");
    CHECK(lapic_ack(&cpu[0]) == 0x41, "acked again");
    ioapic_set_irq(&io, 10, 0);
    lw(0, 0xb0, 0);
    CHECK(n_msgs == 2 && !(ior(0x10 + 20) & (1u << 14)), "deasserted: remote IRR clear, no message");
    /* version 0x20 EOI register at 0x40 */
    ioapic_set_irq(&io, 10, 1);
    CHECK(n_msgs == 3 && (ior(0x10 + 20) & (1u << 14)), "delivered");
    ioapic_set_irq(&io, 10, 0);
    ioapic_mmio_ops.write(&io, 0x40, 0x41, 4);
    CHECK(!(ior(0x10 + 20) & (1u << 14)), "EOI register clears remote IRR");
    ioapic_mmio_ops.write(&io, 0x40, 0x42, 4);
    /* masked level pin asserted, delivered on unmask */
    iow(0x10 + 20, 0x18041);
    ioapic_set_irq(&io, 10, 1);
    CHECK(n_msgs == 3, "masked level not delivered");
    iow(0x10 + 20, 0x8041);
    CHECK(n_msgs == 4, "unmasking an asserted level pin delivers");
    /* switching to edge clears remote IRR */
    iow(0x10 + 20, 0x10041);
    CHECK(!(ior(0x10 + 20) & (1u << 14)), "edge mode clears remote IRR");
}
END_TEST

START_TEST(ioapic_logical_lowest)
{
    /* flat logical model: LDR bits; lowest priority goes to the lowest TPR */
    for (int k = 0; k < NCPU; k++) lw(k, 0xd0, (1u << k) << 24);
    lw(0, 0x80, 0x20);
    lw(1, 0x80, 0x10);
    lw(2, 0x80, 0x30);
    iow(0x10 + 2 * 5 + 1, 0x07000000); /* logical dest 0b111 */
    iow(0x10 + 2 * 5, 0x0950);         /* lowest priority, logical, vector 0x50 */
    ioapic_set_irq(&io, 5, 1);
    CHECK(irr_bit(1, 0x50) && !irr_bit(0, 0x50) && !irr_bit(2, 0x50), "lowest TPR wins");
    /* fixed logical: all matching */
    iow(0x10 + 2 * 6 + 1, 0x05000000);
    iow(0x10 + 2 * 6, 0x0851);
    ioapic_set_irq(&io, 6, 1);
    CHECK(irr_bit(0, 0x51) && !irr_bit(1, 0x51) && irr_bit(2, 0x51), "fixed logical multicast");
    /* cluster model (DFR 0): cluster 1, members 1 */
    for (int k = 0; k < NCPU; k++) lw(k, 0xe0, 0x0fffffff);
    lw(0, 0xd0, 0x21000000);
    lw(1, 0xd0, 0x12000000);
    lw(2, 0xd0, 0x11000000);
    CHECK(lr(2, 0xe0) == 0x0fffffff, "DFR cluster reads back");
    iow(0x10 + 2 * 7 + 1, 0x11000000);
    iow(0x10 + 2 * 7, 0x0852);
    ioapic_set_irq(&io, 7, 1);
    CHECK(irr_bit(2, 0x52) && !irr_bit(0, 0x52) && !irr_bit(1, 0x52), "cluster match");
    /* broadcast physical 0xFF */
    iow(0x10 + 2 * 8 + 1, 0xff000000);
    iow(0x10 + 2 * 8, 0x53);
    ioapic_set_irq(&io, 8, 1);
    CHECK(irr_bit(0, 0x53) && irr_bit(1, 0x53) && irr_bit(2, 0x53), "physical broadcast");
}
END_TEST

/* ---- LAPIC ---- */

START_TEST(lapic_regs)
{
    CHECK(lr(0, 0x30) == 0x50014, "version (SDM 11.4.8)");
    CHECK(lr(1, 0x20) == 0x01000000, "ID in 31:24");
    CHECK(lr(0, 0xe0) == 0xffffffff, "DFR reset all ones");
    for (unsigned k = 0; k < 6; k++) CHECK(lr(0, 0x320 + 0x10 * k) == 0x10000, "LVT %u masked", k);
    CHECK(lapic_get_base(&cpu[0]) == 0xfee00900ull && lapic_get_base(&cpu[1]) == 0xfee00800ull,
          "IA32_APIC_BASE BSP/EN");
    lw(0, 0x80, 0x123);
    CHECK(lr(0, 0x80) == 0x23, "TPR 8 bits");
    CHECK(lapic_get_cr8(&cpu[0]) == 2, "CR8 = TPR[7:4] (SDM 11.8.6)");
    lapic_set_cr8(&cpu[0], 5);
    CHECK(lr(0, 0x80) == 0x50, "CR8 write");
    /* software disable forces LVT masks (SDM 11.4.7.2) */
    lw(0, 0x350, 0x700);
    CHECK(lr(0, 0x350) == 0x700, "LINT0 unmasked");
    lw(0, 0xf0, 0xff);
    CHECK(lr(0, 0x350) == 0x10700, "disable masks LVT");
    lw(0, 0x350, 0x700);
    CHECK(lr(0, 0x350) == 0x10700, "mask stays while disabled");
    /* ESR: illegal register address, latched by a write (SDM 11.5.3) */
    lw(0, 0xf0, 0x1ff);
    (void)lr(0, 0x2f0);
    CHECK(lr(0, 0x280) == 0, "ESR not yet latched");
    lw(0, 0x280, 0);
    CHECK(lr(0, 0x280) == 0x80, "illegal register address");
    lw(0, 0x280, 0);
    CHECK(lr(0, 0x280) == 0, "cleared");
    /* MSR interface: #GP outside x2APIC mode / when unsupported */
    uint64_t v;
    CHECK(!lapic_msr_read(&cpu[0], 0x802, &v), "x2APIC MSR #GP in xAPIC mode");
    CHECK(!lapic_set_base(&cpu[0], 0xfee00c00ull), "EXTD #GP when unsupported");
}
END_TEST

START_TEST(lapic_priority)
{
    struct apic_msg m = {.mode = APIC_DM_FIXED, .assert = true};
    m.vector = 0x45;
    lapic_deliver(&cpu[0], &m);
    m.vector = 0x62;
    lapic_deliver(&cpu[0], &m);
    m.vector = 0x61;
    lapic_deliver(&cpu[0], &m);
    CHECK(intr[0], "INTR");
    CHECK(lapic_ack(&cpu[0]) == 0x62, "highest vector first");
    CHECK(lr(0, 0xa0) == 0x60, "PPR = ISRV class (SDM 11.8.3.1)");
    CHECK(!intr[0], "0x61 same class as in-service: blocked");
    m.vector = 0x71;
    lapic_deliver(&cpu[0], &m);
    CHECK(intr[0], "higher class preempts");
    CHECK(lapic_ack(&cpu[0]) == 0x71, "nested");
    CHECK(isr_bit(0, 0x71) && isr_bit(0, 0x62), "two in service");
    lw(0, 0xb0, 0);
    CHECK(!isr_bit(0, 0x71) && isr_bit(0, 0x62), "EOI retires the highest ISR");
    CHECK(n_eoi == 0, "edge: no EOI broadcast");
    CHECK(!intr[0], "0x61 still blocked by 0x62");
    lw(0, 0xb0, 0);
    CHECK(intr[0] && lapic_ack(&cpu[0]) == 0x61, "then 0x61");
    lw(0, 0xb0, 0);
    /* TPR blocks; PPR = TPR when TPR class >= ISRV class */
    lw(0, 0x80, 0x50);
    CHECK(lr(0, 0xa0) == 0x50, "PPR = TPR");
    CHECK(!intr[0], "0x45 below TPR");
    lw(0, 0x80, 0x3f);
    CHECK(intr[0], "TPR lowered");
    /* spurious: priority raised between INTR and INTA (SDM 11.9) */
    lw(0, 0x80, 0x40);
    CHECK(lapic_ack(&cpu[0]) == 0xff && irr_bit(0, 0x45) && !isr_bit(0, 0x45), "spurious vector");
    lw(0, 0x80, 0);
    CHECK(lapic_ack(&cpu[0]) == 0x45, "delivered");
    lw(0, 0xb0, 0);
    /* illegal vector received (SDM 11.5.2) */
    m.vector = 0x0e;
    lapic_deliver(&cpu[0], &m);
    lw(0, 0x280, 0);
    CHECK(lr(0, 0x280) == 0x40 && !irr_bit(0, 0x0e), "received illegal vector");
    /* error LVT fires */
    lw(0, 0x370, 0xe3);
    lapic_deliver(&cpu[0], &m);
    CHECK(irr_bit(0, 0xe3), "error interrupt");
    /* software-disabled APIC accepts no fixed interrupts */
    lw(1, 0xf0, 0xff);
    m.vector = 0x80;
    lapic_deliver(&cpu[1], &m);
    CHECK(!irr_bit(1, 0x80) && !intr[1], "disabled: not accepted");
}
END_TEST

START_TEST(lapic_extint)
{
    /* SeaBIOS: LINT0 = 0x8700 (ExtINT, level), LINT1 = 0x8400 (NMI) */
    lw(0, 0x350, 0x8700);
    lw(0, 0x360, 0x8400);
    lapic_lint_set(&cpu[0], 0, 1);
    CHECK(intr[0], "8259 INT through LINT0");
    pic_vector = 0x20;
    CHECK(lapic_ack(&cpu[0]) == 0x20, "INTA from the 8259");
    CHECK(!isr_bit(0, 0x20), "ExtINT bypasses ISR");
    lapic_lint_set(&cpu[0], 0, 0);
    CHECK(!intr[0], "follows the level");
    lapic_lint_set(&cpu[0], 1, 1);
    CHECK(nmis[0] == 1, "LINT1 NMI on edge");
    lapic_lint_set(&cpu[0], 1, 1);
    CHECK(nmis[0] == 1, "no second edge");
    /* masked LINT0 blocks */
    lw(0, 0x350, 0x18700);
    lapic_lint_set(&cpu[0], 0, 1);
    CHECK(!intr[0], "masked LINT0");
    /* hardware-disabled APIC: LINT0 is INTR (SDM 11.4.3) */
    CHECK(lapic_set_base(&cpu[0], 0xfee00000ull), "disable");
    CHECK(intr[0], "pass-through INTR");
    pic_vector = 0x21;
    CHECK(lapic_ack(&cpu[0]) == 0x21, "pass-through INTA");
    CHECK(lapic_set_base(&cpu[0], 0xfee00800ull), "re-enable");
    CHECK(lr(0, 0xf0) == 0xff && lr(0, 0x350) == 0x10000, "reset state after re-enable");
    /* QEMU-compatible reset: BSP LINT0 ExtINT unmasked */
    cpu[0].reset_lint0_extint = true;
    lapic_reset(&cpu[0]);
    CHECK(lr(0, 0x350) == 0x700 && intr[0], "BSP LINT0 = 0x700, PIC INT passes");
    /* ExtINT message from the IOAPIC */
    lapic_lint_set(&cpu[0], 0, 0);
    lw(1, 0xf0, 0x1ff);
    struct apic_msg m = {.mode = APIC_DM_EXTINT, .assert = true};
    lapic_deliver(&cpu[1], &m);
    pic_vector = 0x22;
    CHECK(intr[1] && lapic_ack(&cpu[1]) == 0x22 && !intr[1], "ExtINT message");
}
END_TEST

START_TEST(lapic_icr)
{
    /* fixed IPI physical dest 2 */
    lw(0, 0x310, 0x02000000);
    lw(0, 0x300, 0x4031);
    CHECK(irr_bit(2, 0x31) && !irr_bit(0, 0x31) && !irr_bit(1, 0x31), "physical dest");
    CHECK(lr(0, 0x300) == 0x4031 && lr(0, 0x310) == 0x02000000, "ICR reads back, status idle");
    /* shorthands */
    lw(0, 0x300, 0x44032); /* self */
    CHECK(irr_bit(0, 0x32) && !irr_bit(1, 0x32), "self");
    lw(0, 0x300, 0x84033); /* all including self */
    CHECK(irr_bit(0, 0x33) && irr_bit(1, 0x33) && irr_bit(2, 0x33), "all incl self");
    lw(1, 0x300, 0xc4034); /* all excluding self */
    CHECK(irr_bit(0, 0x34) && !irr_bit(1, 0x34) && irr_bit(2, 0x34), "all excl self");
    /* SeaBIOS: INIT then SIPI to all-but-self (PLATFORM.md A.4) */
    lw(0, 0x300, 0x000c4500);
    CHECK(inits[0] == 0 && inits[1] == 1 && inits[2] == 1, "INIT others");
    lw(0, 0x300, 0x000c4609);
    CHECK(sipis[1] == 1 && sipi_vec[1] == 9 && sipis[0] == 0, "SIPI vector");
    /* INIT level de-assert: ignored */
    lw(0, 0x310, 0x01000000);
    lw(0, 0x300, 0x00008500);
    CHECK(inits[1] == 1, "INIT de-assert ignored");
    /* NMI */
    lw(0, 0x300, 0x00004400);
    CHECK(nmis[1] == 1, "NMI IPI");
    /* send illegal vector */
    lw(0, 0x300, 0x00004005);
    lw(0, 0x280, 0);
    CHECK(lr(0, 0x280) == 0x20 && !irr_bit(1, 5), "send illegal vector");
}
END_TEST

START_TEST(lapic_timer_oneshot)
{
    lw(0, 0x320, 0x40); /* one-shot, vector 0x40 */
    lw(0, 0x3e0, 0x0);  /* divide by 2 */
    lw(0, 0x380, 1000); /* 1000 ticks x 2 ns */
    CHECK(lr(0, 0x390) == 1000, "current = initial");
    advance_to(now + 1000);
    CHECK(lr(0, 0x390) == 500, "counts at bus/2, got %u", lr(0, 0x390));
    advance_to(now + 999);
    CHECK(!irr_bit(0, 0x40) && lr(0, 0x390) == 1, "not yet");
    advance_to(now + 1);
    CHECK(irr_bit(0, 0x40) && lr(0, 0x390) == 0, "fired at 2000 ns");
    advance_to(now + 100000);
    CHECK(lr(0, 0x390) == 0 && clock_next_deadline(&clk) == UINT64_MAX, "one-shot stays at 0");
    /* divide values (SDM 11.5.4 Figure 11-10) */
    static const struct { uint32_t dcr; unsigned div; } t[] = {
        {0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};
    for (unsigned k = 0; k < 8; k++) {
        lw(0, 0x3e0, t[k].dcr);
        CHECK(lr(0, 0x3e0) == t[k].dcr, "DCR reads back");
        lw(0, 0x380, 100);
        uint64_t start = now;
        CHECK(clock_next_deadline(&clk) == start + 100ull * t[k].div, "divide %u", t[k].div);
        advance_to(start + 10ull * t[k].div);
        CHECK(lr(0, 0x390) == 90, "divide %u: 10 ticks", t[k].div);
    }
    /* writing 0 stops */
    lw(0, 0x380, 0);
    CHECK(clock_next_deadline(&clk) == UINT64_MAX && lr(0, 0x390) == 0, "stopped");
    /* masked: counts but no interrupt */
    lw(0, 0xb0, 0);
    lapic_ack(&cpu[0]);
    lw(0, 0xb0, 0);
    lw(0, 0x320, 0x10041);
    lw(0, 0x380, 5);
    advance_to(now + 10);
    CHECK(!irr_bit(0, 0x41) && lr(0, 0x390) == 0, "masked timer");
    /* divide change mid-count continues from the current count */
    lw(0, 0x320, 0x42);
    lw(0, 0x3e0, 0xb);
    lw(0, 0x380, 100);
    advance_to(now + 40);
    lw(0, 0x3e0, 0x0); /* /2 */
    CHECK(lr(0, 0x390) == 60, "rebased");
    advance_to(now + 119);
    CHECK(!irr_bit(0, 0x42), "not yet");
    advance_to(now + 1);
    CHECK(irr_bit(0, 0x42), "60 ticks at /2");
}
END_TEST

START_TEST(lapic_timer_periodic)
{
    lw(0, 0x320, 0x20050); /* periodic */
    lw(0, 0x3e0, 0xb);
    lw(0, 0x380, 100);
    uint64_t s = now;
    int fired = 0;
    for (int k = 1; k <= 5; k++) {
        advance_to(s + 100ull * k - 1);
        CHECK(lr(0, 0x390) == 1, "period %d nearly done", k);
        advance_to(s + 100ull * k);
        if (irr_bit(0, 0x50)) {
            fired++;
            CHECK(lapic_ack(&cpu[0]) == 0x50, "ack");
            lw(0, 0xb0, 0);
        }
        CHECK(lr(0, 0x390) == 100, "reloaded");
    }
    CHECK(fired == 5, "5 periods");
    /* TSC-deadline mode: not supported -> bit 18 reserved */
    lw(0, 0x320, 0x40050);
    CHECK(lr(0, 0x320) == 0x50, "mode bit 18 ignored without TSC-deadline");
    cpu[0].tsc_deadline_supported = true;
    lw(0, 0x320, 0x40050);
    CHECK(lr(0, 0x320) == 0x40050 && clock_next_deadline(&clk) == UINT64_MAX,
          "entering TSC-deadline disarms (SDM 11.5.4.1)");
    lw(0, 0x380, 1234);
    CHECK(lr(0, 0x380) == 0 && lr(0, 0x390) == 0, "initial count ignored");
    uint64_t tsc = now + 5000; /* TSC offset 5000 */
    lapic_tsc_deadline_write(&cpu[0], tsc + 300, tsc);
    CHECK(lapic_tsc_deadline_read(&cpu[0]) == tsc + 300, "deadline reads back");
    advance_to(now + 299);
    CHECK(!irr_bit(0, 0x50), "not yet");
    advance_to(now + 1);
    CHECK(irr_bit(0, 0x50) && lapic_tsc_deadline_read(&cpu[0]) == 0, "fired, MSR cleared");
    lapic_tsc_deadline_write(&cpu[0], 10, 20);
    advance_to(now);
    clock_run_timers(&clk);
    CHECK(lapic_tsc_deadline_read(&cpu[0]) == 0, "past deadline fires at once");
    lw(0, 0x320, 0x50);
    lapic_tsc_deadline_write(&cpu[0], 99, 0);
    CHECK(lapic_tsc_deadline_read(&cpu[0]) == 0, "ignored outside deadline mode");
}
END_TEST

START_TEST(lapic_x2apic)
{
    cpu[1].x2apic_supported = true;
    cpu[1].id = 0x23 & 0xff;
    CHECK(!lapic_set_base(&cpu[1], 0xfee00400ull), "EN=0 EXTD=1 invalid");
    CHECK(lapic_set_base(&cpu[1], 0xfee00c00ull), "xAPIC -> x2APIC");
    uint64_t v = 0;
    CHECK(lapic_msr_read(&cpu[1], 0x802, &v) && v == 0x23, "32-bit ID");
    CHECK(lapic_msr_read(&cpu[1], 0x80d, &v) && v == ((0x23u >> 4) << 16 | 1u << 3), "LDR derived");
    CHECK(!lapic_msr_read(&cpu[1], 0x80e, &v), "no DFR");
    CHECK(!lapic_msr_write(&cpu[1], 0x802, 1), "ID read-only");
    CHECK(!lapic_msr_write(&cpu[1], 0x80b, 1), "EOI non-zero #GP");
    CHECK(!lapic_set_base(&cpu[1], 0xfee00800ull), "x2APIC -> xAPIC #GP");
    CHECK(lapic_msr_write(&cpu[1], 0x80f, 0x1ff), "SVR");
    CHECK(lapic_msr_write(&cpu[1], 0x83f, 0x66), "SELF IPI");
    CHECK(lapic_msr_read(&cpu[1], 0x823, &v) && (v >> 6 & 1), "IRR 0x66");
    CHECK(!lapic_msr_read(&cpu[1], 0x83f, &v), "SELF IPI write-only");
    /* 64-bit ICR to x2APIC dest 0 */
    CHECK(lapic_msr_write(&cpu[1], 0x830, 0x0000000000004067ull), "ICR");
    CHECK(irr_bit(0, 0x67), "IPI to CPU 0");
    CHECK(lapic_msr_read(&cpu[1], 0x830, &v) && v == 0x4067, "ICR 64-bit readback");
    CHECK(!lapic_msr_write(&cpu[1], 0x830, 0x1000ull), "reserved ICR bit");
    CHECK(lapic_msr_write(&cpu[1], 0x808, 0x20) && lapic_msr_read(&cpu[1], 0x80a, &v) && v == 0x20,
          "TPR/PPR");
    CHECK(lapic_mmio_ops.read(&cpu[1], 0x20, 4) == 0xffffffffull, "MMIO off in x2APIC mode");
    CHECK(lapic_set_base(&cpu[1], 0xfee00000ull), "x2APIC -> disabled");
    CHECK(lapic_set_base(&cpu[1], 0xfee00800ull), "disabled -> xAPIC");
}
END_TEST

/* x2APIC helpers: RDMSR/WRMSR of the LAPIC's MSR interface (false = #GP) */
static bool xr(int c, uint32_t msr, uint64_t *v) { return lapic_msr_read(&cpu[c], msr, v); }
static bool xw(int c, uint32_t msr, uint64_t v) { return lapic_msr_write(&cpu[c], msr, v); }
static void enter_x2(int c)
{
    cpu[c].x2apic_supported = true;
    ck_assert(lapic_set_base(&cpu[c], 0xfee00c00ull | (c == 0 ? 0x100u : 0)));
}

/* SDM 11.12.1.2 Table 11-6: the register map of the MSR interface. Every MSR 800H-8FFH is read
 * and written (with 0, a legal value for each writable register); the rest is #GP(0). */
START_TEST(lapic_x2apic_msr_map)
{
    enter_x2(1);
    static const uint16_t readable[] = {
        0x802, 0x803, 0x808, 0x80a, 0x80d, 0x80f, 0x810, 0x811, 0x812, 0x813, 0x814, 0x815, 0x816,
        0x817, 0x818, 0x819, 0x81a, 0x81b, 0x81c, 0x81d, 0x81e, 0x81f, 0x820, 0x821, 0x822, 0x823,
        0x824, 0x825, 0x826, 0x827, 0x828, 0x830, 0x832, 0x833, 0x834, 0x835, 0x836, 0x837, 0x838,
        0x839, 0x83e,
    };
    static const uint16_t writable[] = {
        0x808, 0x80b, 0x80f, 0x828, 0x830, 0x832, 0x833, 0x834, 0x835, 0x836, 0x837, 0x838, 0x83e, 0x83f,
    };
    for (uint32_t msr = 0x800; msr <= 0x8ff; msr++) {
        bool er = false, ew = false;
        for (unsigned k = 0; k < sizeof readable / sizeof readable[0]; k++) er |= readable[k] == msr;
        for (unsigned k = 0; k < sizeof writable / sizeof writable[0]; k++) ew |= writable[k] == msr;
        uint64_t v = 0x5a5a;
        bool r = xr(1, msr, &v);
        CHECK(r == er, "RDMSR %#x: %s expected", msr, er ? "value" : "#GP");
        if (!r) CHECK(v == 0x5a5a, "RDMSR %#x: #GP leaves the output alone", msr);
        /* SELF IPI with vector 0 is a send-illegal-vector error, not a #GP (SDM 11.12.11) */
        CHECK(xw(1, msr, 0) == ew, "WRMSR %#x: %s expected", msr, ew ? "write" : "#GP");
    }
    /* ICR (830H) and SELF IPI (83FH) with vector 0 came after the ESR write (828H): latch their
     * send-illegal-vector errors now */
    uint64_t v;
    CHECK(xw(1, 0x828, 0) && xr(1, 0x828, &v) && v == 0x20, "SELF IPI vector 0: send illegal vector");
    /* 11.12.2: outside x2APIC mode every one of them is #GP */
    CHECK(lapic_set_base(&cpu[1], 0), "x2APIC -> disabled");
    for (uint32_t msr = 0x800; msr <= 0x8ff; msr++)
        CHECK(!xr(1, msr, &v) && !xw(1, msr, 0), "MSR %#x #GP when the APIC is disabled", msr);
    CHECK(lapic_set_base(&cpu[1], 0xfee00800ull), "disabled -> xAPIC");
    for (uint32_t msr = 0x800; msr <= 0x8ff; msr++)
        CHECK(!xr(1, msr, &v) && !xw(1, msr, 0), "MSR %#x #GP in xAPIC mode", msr);
}
END_TEST

/* SDM 11.12.1.3: a 1 in a reserved bit is #GP(0); bits 63:32 are reserved except in the ICR. */
START_TEST(lapic_x2apic_reserved_bits)
{
    enter_x2(1);
    uint64_t v;
    CHECK(!xw(1, 0x808, 0x100), "TPR bit 8");
    CHECK(xw(1, 0x808, 0xff) && xr(1, 0x808, &v) && v == 0xff, "TPR 0xFF");
    CHECK(!xw(1, 0x808, 1ull << 32), "TPR bit 32");
    CHECK(!xw(1, 0x80f, 0x1000 | 0x1ff), "SVR bit 12 (no EOI-broadcast suppression: version bit 24 = 0)");
    CHECK(xr(1, 0x803, &v) && !(v & (1u << 24)), "version bit 24 clear");
    CHECK(xw(1, 0x80f, 0x3ff) && xr(1, 0x80f, &v) && v == 0x3ff, "SVR bits 9:0");
    CHECK(!xw(1, 0x80b, 0x40), "EOI: non-zero #GP");
    CHECK(!xw(1, 0x828, 1), "ESR: non-zero #GP");
    CHECK(!xw(1, 0x83f, 0x140), "SELF IPI bit 8");
    CHECK(!xw(1, 0x83e, 0x4), "DCR bit 2");
    CHECK(!xw(1, 0x838, 1ull << 32), "initial count bit 32");
    CHECK(!xw(1, 0x832, 1u << 18), "LVT timer bit 18 (no TSC-deadline mode)");
    CHECK(!xw(1, 0x832, 0x400), "LVT timer delivery mode bits are reserved");
    CHECK(!xw(1, 0x835, 1u << 11), "LVT LINT0 bit 11");
    CHECK(!xw(1, 0x837, 0x700), "LVT error: no delivery mode");
    CHECK(xw(1, 0x835, 0x1f7ff) && xr(1, 0x835, &v) && v == 0x1a7ff,
          "LVT LINT0: read-only delivery status and remote IRR are ignored, not #GP (got %#llx)",
          (unsigned long long)v);
    CHECK(xw(1, 0x833, 0x117ff) && xr(1, 0x833, &v) && v == 0x107ff, "LVT thermal");
    CHECK(!xw(1, 0x830, 1u << 12), "ICR bit 12 (no delivery status in x2APIC mode)");
    CHECK(!xw(1, 0x830, 1u << 13), "ICR bit 13");
    CHECK(!xw(1, 0x830, 1u << 16), "ICR bit 16");
    CHECK(!xw(1, 0x830, 1u << 20), "ICR bit 20");
    CHECK(xw(1, 0x830, 0xffffffff00000030ull), "ICR bits 63:32 are the destination");
}
END_TEST

START_TEST(lapic_x2apic_modes)
{
    uint64_t v;
    /* SDM 11.12.5 Figure 11-27 */
    CHECK(!lapic_set_base(&cpu[1], 0xfee00c00ull), "EXTD #GP without x2APIC support");
    cpu[1].x2apic_supported = true;
    CHECK(!lapic_set_base(&cpu[1], 0xfee00400ull), "EN=0 EXTD=1 is invalid");
    CHECK(lapic_set_base(&cpu[1], 0xfee00000ull), "xAPIC -> disabled");
    CHECK(!lapic_set_base(&cpu[1], 0xfee00c00ull), "disabled -> x2APIC is invalid");
    CHECK(lapic_get_base(&cpu[1]) == 0xfee00000ull, "still disabled");
    CHECK(lapic_set_base(&cpu[1], 0xfee00800ull), "disabled -> xAPIC");
    CHECK(lapic_set_base(&cpu[1], 0xfee00c00ull), "xAPIC -> x2APIC");
    CHECK(lapic_x2apic_mode(&cpu[1]) && lapic_get_base(&cpu[1]) == 0xfee00c00ull, "x2APIC mode");
    CHECK(lapic_set_base(&cpu[1], 0xfed00c00ull), "x2APIC -> x2APIC at another base");
    CHECK(!lapic_set_base(&cpu[1], 0xfee00800ull), "x2APIC -> xAPIC is invalid");
    CHECK(!lapic_set_base(&cpu[1], 0xfee00400ull), "x2APIC -> EN=0 EXTD=1 is invalid");
    CHECK(lapic_x2apic_mode(&cpu[1]), "still x2APIC");
    /* state survives the switch into x2APIC mode; LDR is then derived from the ID (11.12.10.2) */
    lapic_set_base(&cpu[1], 0);
    lapic_set_base(&cpu[1], 0xfee00800ull);
    lw(1, 0xf0, 0x1ff);
    lw(1, 0x80, 0x30);
    lw(1, 0xd0, 0x5a000000);
    lw(1, 0x380, 1234);
    CHECK(lapic_set_base(&cpu[1], 0xfee00c00ull), "xAPIC -> x2APIC");
    CHECK(xr(1, 0x808, &v) && v == 0x30, "TPR kept");
    CHECK(xr(1, 0x80f, &v) && v == 0x1ff, "SVR kept");
    CHECK(xr(1, 0x838, &v) && v == 1234, "initial count kept");
    CHECK(xr(1, 0x80d, &v) && v == 1u << 1, "LDR = cluster 0, bit 1 for x2APIC ID 1");
    CHECK(!xw(1, 0x80d, 0), "LDR read-only");
    /* MMIO is off: reads all ones, writes ignored (11.12.2) */
    CHECK(lr(1, 0x80) == 0xffffffffu, "MMIO read all ones");
    lw(1, 0x80, 0x70);
    CHECK(xr(1, 0x808, &v) && v == 0x30, "MMIO write ignored");
    /* INIT keeps x2APIC mode and the ID (11.4.7.3); RESET returns to xAPIC mode (11.12.5.1) */
    lapic_init_reset(&cpu[1]);
    CHECK(lapic_x2apic_mode(&cpu[1]) && xr(1, 0x802, &v) && v == 1, "INIT: still x2APIC, ID 1");
    CHECK(xr(1, 0x808, &v) && v == 0, "INIT cleared TPR");
    lapic_reset(&cpu[1]);
    CHECK(!lapic_x2apic_mode(&cpu[1]) && !xr(1, 0x802, &v), "RESET: xAPIC mode, MSRs #GP");
    CHECK(lr(1, 0x20) == 1u << 24, "RESET: xAPIC ID register");
}
END_TEST

/* The timer, EOI, IPIs and SELF IPI through the MSR interface (SDM 11.12.9-11.12.11). */
START_TEST(lapic_x2apic_operation)
{
    uint64_t v;
    enter_x2(0);
    enter_x2(1);
    /* timer: divide by 1, periodic, vector 0x40 */
    CHECK(xw(1, 0x83e, 0xb), "DCR /1");
    CHECK(xw(1, 0x832, 0x20040), "LVT timer periodic, vector 0x40");
    CHECK(xw(1, 0x838, 500), "initial count 500");
    advance_to(now + 200);
    CHECK(xr(1, 0x839, &v) && v == 300, "current count 300, got %llu", (unsigned long long)v);
    CHECK(!xw(1, 0x839, 0), "current count is read-only");
    advance_to(now + 300);
    CHECK(xr(1, 0x822, &v) && (v & 1), "timer fired: IRR 0x40 (MSR 822H bit 0)");
    CHECK(intr[1] && lapic_ack(&cpu[1]) == 0x40, "INTR, acknowledged 0x40");
    CHECK(xr(1, 0x812, &v) && (v & 1), "ISR 0x40");
    CHECK(xr(1, 0x80a, &v) && v == 0x40, "PPR 0x40");
    CHECK(xw(1, 0x80b, 0) && xr(1, 0x812, &v) && v == 0, "EOI retires it");
    CHECK(xw(1, 0x832, 0x10040), "mask the timer");
    /* SELF IPI: fixed, edge, to self */
    CHECK(xw(1, 0x83f, 0x99), "SELF IPI 0x99");
    CHECK(xr(1, 0x824, &v) && (v >> 25 & 1), "SELF IPI 0x99 pending in IRR (824H bit 25)");
    CHECK(xr(1, 0x818 + 4, &v) && !(v >> 25 & 1), "edge: TMR clear");
    /* ICR: 64 bits, destination in 63:32; physical x2APIC ID 0 */
    CHECK(xw(1, 0x830, 0x0000000000000071ull), "ICR fixed 0x71 to x2APIC ID 0");
    CHECK(xr(0, 0x823, &v) && (v >> 17 & 1), "CPU 0 got 0x71");
    CHECK(xw(1, 0x830, 0x0000000200000072ull), "ICR fixed 0x72 to x2APIC ID 2 (xAPIC mode)");
    CHECK(irr_bit(2, 0x72), "CPU 2 in xAPIC mode got it (physical ID 2)");
    /* logical: cluster 0, bit 0 = x2APIC ID 0 (11.12.10.2) */
    CHECK(xw(1, 0x830, 0x0000000100000873ull), "ICR logical, cluster 0 bit 0");
    CHECK(xr(0, 0x823, &v) && (v >> 19 & 1), "CPU 0 got 0x73");
    CHECK(xw(1, 0x830, 0x0001000100000874ull), "ICR logical, cluster 1 bit 0");
    CHECK(xr(0, 0x823, &v) && !(v >> 20 & 1) && xr(1, 0x823, &v) && !(v >> 20 & 1), "nobody in cluster 1");
    /* broadcast 0xFFFFFFFF */
    CHECK(xw(1, 0x830, 0xffffffff00000075ull), "ICR broadcast");
    CHECK(xr(0, 0x823, &v) && (v >> 21 & 1) && xr(1, 0x823, &v) && (v >> 21 & 1), "x2APICs got 0x75");
    CHECK(xr(1, 0x830, &v) && v == 0xffffffff00000075ull, "ICR reads back 64 bits");
    /* shorthand self */
    CHECK(xw(1, 0x830, 0x40076), "ICR self shorthand");
    CHECK(xr(1, 0x823, &v) && (v >> 22 & 1) && xr(0, 0x823, &v) && !(v >> 22 & 1), "self only");
    /* illegal vectors: send-illegal-vector error in ESR, nothing pending */
    CHECK(xw(1, 0x830, 0x0000000000000005ull), "ICR vector 5");
    CHECK(xw(1, 0x828, 0) && xr(1, 0x828, &v) && v == 0x20, "ESR: send illegal vector");
    /* TPR masks delivery; PPR follows */
    CHECK(xw(1, 0x808, 0xf0) && !intr[1], "TPR 0xF0 masks everything");
    CHECK(xw(1, 0x808, 0x00) && intr[1], "TPR 0 lets 0x99 through");
    CHECK(lapic_ack(&cpu[1]) == 0x99, "highest first: 0x99");
    /* x2APIC ID 32 bits */
    cpu[1].id = 0x12345;
    CHECK(xr(1, 0x802, &v) && v == 0x12345, "32-bit x2APIC ID");
    CHECK(xr(1, 0x80d, &v) && v == ((0x1234u << 16) | (1u << 5)), "LDR cluster 1234H, bit 5");
}
END_TEST

START_TEST(lapic_lint_level_fixed)
{
    /* LINT1 as fixed, level: remote IRR until EOI */
    lw(0, 0x360, 0x8090);
    lapic_lint_set(&cpu[0], 1, 1);
    CHECK(irr_bit(0, 0x90) && (lr(0, 0x360) & (1u << 14)), "remote IRR set");
    CHECK(lapic_ack(&cpu[0]) == 0x90, "ack");
    lw(0, 0xb0, 0);
    CHECK(irr_bit(0, 0x90), "still asserted: again");
    lapic_lint_set(&cpu[0], 1, 0);
    CHECK(lapic_ack(&cpu[0]) == 0x90, "ack");
    lw(0, 0xb0, 0);
    CHECK(!(lr(0, 0x360) & (1u << 14)) && !irr_bit(0, 0x90), "released");
}
END_TEST

static Suite *apic_suite(void)
{
    Suite *s = suite_create("apic");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ioapic_regs);
    tcase_add_test(tc, ioapic_edge);
    tcase_add_test(tc, ioapic_level_remote_irr);
    tcase_add_test(tc, ioapic_logical_lowest);
    tcase_add_test(tc, lapic_regs);
    tcase_add_test(tc, lapic_priority);
    tcase_add_test(tc, lapic_extint);
    tcase_add_test(tc, lapic_icr);
    tcase_add_test(tc, lapic_timer_oneshot);
    tcase_add_test(tc, lapic_timer_periodic);
    tcase_add_test(tc, lapic_x2apic);
    tcase_add_test(tc, lapic_x2apic_msr_map);
    tcase_add_test(tc, lapic_x2apic_reserved_bits);
    tcase_add_test(tc, lapic_x2apic_modes);
    tcase_add_test(tc, lapic_x2apic_operation);
    tcase_add_test(tc, lapic_lint_level_fixed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(apic_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("apic: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
