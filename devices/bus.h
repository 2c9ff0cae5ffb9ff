/* The I/O port bus. A 64K table of port handlers; devices never longjmp and never touch the CPU.
 * Unclaimed ports read all-ones and ignore writes. */
#ifndef DEVICES_BUS_H
#define DEVICES_BUS_H

#include "emu/compiler.h"

struct pio_ops {
    uint32_t (*in)(void *opaque, uint16_t port, unsigned size);
    void (*out)(void *opaque, uint16_t port, uint32_t val, unsigned size);
};

struct pio_slot {
    const struct pio_ops *ops;
    void *opaque;
};

struct bus {
    struct pio_slot ports[65536];
    uint16_t pio_ns[65536]; /* guest ns an access takes beyond its instruction's own (0: none) */
};

/* An interrupt request line: a device raises or lowers it; the receiver (PIC, IOAPIC) is called
 * with its pin number n. */
struct irq_line {
    void (*set)(void *opaque, int n, int level);
    void *opaque;
    int n;
};
static inline void irq_set(const struct irq_line *l, int level)
{
    if (l && l->set) l->set(l->opaque, l->n, level);
}

struct bus *bus_create(void);
void bus_destroy(struct bus *b);
/* Claims ports [base, base+count). Returns false if any is already claimed. */
bool bus_add_pio(struct bus *b, uint16_t base, unsigned count, const struct pio_ops *ops, void *opaque);
/* Sets the guest time (ns) that an access to ports [base, base+count) takes on the bus, beyond
 * the instruction's own nanosecond; the CPU charges it (cpu/io.c). The board sets it for the
 * ISA side of the chipset (machine/machine.c); it is 0 elsewhere. */
void bus_set_pio_time(struct bus *b, uint16_t base, unsigned count, unsigned ns);
static inline unsigned bus_pio_time(const struct bus *b, uint16_t port) { return b->pio_ns[port]; }
uint32_t bus_in(struct bus *b, uint16_t port, unsigned size);
void bus_out(struct bus *b, uint16_t port, uint32_t val, unsigned size);

#endif
