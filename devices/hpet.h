/* The High Precision Event Timer (IA-PC HPET specification 1.0a), as on QEMU's pc machine: MMIO at
 * 0xFED00000 (1 KiB), 3 timers, a 64-bit main counter at 100 MHz (period 10,000,000 fs = 10 ns of
 * guest time), legacy replacement route, one-shot/periodic, 32/64-bit timer modes, edge/level
 * interrupts and the general interrupt status register. GCAP_ID[31:0] = 0x8086A201, the ACPI HPET
 * table's event timer block ID (bios/acpi.c).
 *
 * Outputs: legacy[0] = ISA IRQ0 and legacy[1] = ISA IRQ8 (used while LEG_RT_CNF is set: the board
 * routes them like the PIT/RTC lines: PIC IRQ0 + IOAPIC pin 2, PIC IRQ8 + IOAPIC pin 8), and ioapic
 * (set(opaque, pin, level) for Tn_INT_ROUTE_CNF pins). legacy_changed tells the board to silence the
 * PIT's IRQ0 and the RTC's IRQ8 while legacy replacement is on (spec 2.3.5 LEG_RT_CNF).
 * Time only from the virtual clock. Never raises. */
#ifndef DEVICES_HPET_H
#define DEVICES_HPET_H

#include "devices/bus.h"
#include "machine/clock.h"
#include "mmu/memmap.h"

#define HPET_DEFAULT_BASE 0xfed00000u
#define HPET_MMIO_SIZE 0x400u
#define HPET_NUM_TIMERS 3
#define HPET_PERIOD_FS 10000000u /* 10 ns */
#define HPET_NS_PER_TICK 10u
#define HPET_ID_LOW 0x8086a201u  /* rev 1, 3 timers, 64-bit counter, legacy capable, vendor 8086 */

struct hpet;

struct hpet_timer {
    struct hpet *h;
    unsigned idx;
    uint64_t config;  /* Tn_CONF_CAP */
    uint64_t cmp;     /* Tn_COMPARATOR */
    uint64_t period;  /* periodic increment */
    uint64_t target;  /* absolute main-counter value of the armed match */
    struct timer t;
    int out_dest;     /* where the output is driven: -1 none, 0..23 IOAPIC pin, 100/101 legacy */
    bool out_level;
};

struct hpet {
    struct clock *clk;
    struct irq_line legacy[2];
    struct irq_line ioapic;
    void (*legacy_changed)(void *opaque, bool on);
    void *opaque;
    uint32_t intcap;  /* Tn_INT_ROUTE_CAP (QEMU pc: 0x4, pin 2 only) */

    uint64_t config;  /* GEN_CONF */
    uint64_t isr;     /* GINTR_STA */
    uint64_t counter; /* main counter (halted) / value at t0 (running) */
    uint64_t t0;      /* guest ns when the running counter had value `counter` */
    struct hpet_timer timer[HPET_NUM_TIMERS];
};

/* Sets the clock and resets; the board then fills legacy[], ioapic, legacy_changed/opaque and maps
 * memmap_add_mmio(m, HPET_DEFAULT_BASE, HPET_MMIO_SIZE, &hpet_mmio_ops, h, "hpet"). Never raises. */
void hpet_init(struct hpet *h, struct clock *clk);
/* Power-on state: halted, counter 0, timers disabled, comparators all ones. Never raises. */
void hpet_reset(struct hpet *h);
/* The main counter now. */
uint64_t hpet_counter(const struct hpet *h);

extern const struct mmio_ops hpet_mmio_ops;

#endif
