/* The I/O APIC (Intel 82093AA register model, version 0x20 as on QEMU's pc machine / ICH-class
 * chipsets, which adds the directed-EOI register): MMIO at 0xFEC00000, IOREGSEL at +0x00, IOWIN at
 * +0x10, EOI at +0x40; 24 redirection entries.
 *
 * Inputs are the 24 interrupt pins (ioapic_set_irq, usable as an irq_line set function; the board
 * maps ISA IRQ0 to pin 2 and ISA IRQ n to pin n otherwise). Interrupts leave as bus messages through
 * the deliver callback (set by the board: apic_bus_send to the LAPICs). The LAPICs' EOI broadcast of
 * a level-triggered vector arrives through ioapic_eoi. Never raises, never touches the CPU. */
#ifndef DEVICES_IOAPIC_H
#define DEVICES_IOAPIC_H

#include "devices/lapic.h"

#define IOAPIC_DEFAULT_BASE 0xfec00000u
#define IOAPIC_MMIO_SIZE 0x1000u
#define IOAPIC_NUM_PINS 24
#define IOAPIC_VERSION 0x20

struct ioapic {
    /* set by the board: one interrupt message (dest/dest mode/vector/delivery mode/trigger) */
    void (*deliver)(void *opaque, const struct apic_msg *m);
    void *opaque;

    uint8_t regsel;                    /* IOREGSEL */
    uint8_t id;                        /* IOAPICID[27:24] */
    uint64_t redir[IOAPIC_NUM_PINS];   /* redirection table */
    uint32_t level;                    /* current pin levels (bit n = pin n asserted) */
};

/* Sets the deliver callback and resets (APIC ID id). Map the MMIO with
 * memmap_add_mmio(m, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, &ioapic_mmio_ops, io, "ioapic").
 * Never raises. */
void ioapic_init(struct ioapic *io, uint8_t id, void (*deliver)(void *opaque, const struct apic_msg *m),
                 void *opaque);
/* Reset (82093AA 3.2.4: all redirection entries masked, everything else 0; the ID is kept). Pin
 * levels are kept. Never raises. */
void ioapic_reset(struct ioapic *io);
/* irq_line set function: opaque = struct ioapic *, pin 0..23, level = asserted. Never raises. */
void ioapic_set_irq(void *opaque, int pin, int level);
/* The local APICs' EOI for a level-triggered vector (also the version-0x20 EOI register): clears
 * Remote IRR of the level entries with that vector and re-delivers still-asserted pins. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);
/* Whether some unmasked redirection entry has delivery mode dm (APIC_DM_*, e.g. NMI or INIT), so
 * that a device interrupt can raise such an event (the board asks when the CPU halts with
 * interrupts off). Never fails. */
bool ioapic_routes_mode(const struct ioapic *io, unsigned dm);

extern const struct mmio_ops ioapic_mmio_ops;

#endif
