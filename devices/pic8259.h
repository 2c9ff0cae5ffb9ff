/* The PC's pair of Intel 8259A programmable interrupt controllers, as integrated in the PIIX3
 * (82371SB): master at ports 0x20/0x21, slave at 0xA0/0xA1 cascaded on master IR2, and the
 * PIIX3 edge/level control registers ELCR1/ELCR2 at 0x4D0/0x4D1.
 *
 * Inputs are ISA IRQ lines 0-15 (pic_irq_set, usable as an irq_line set function); the output is
 * the master's INT pin, reported to the board through set_intr whenever it changes. The CPU's
 * interrupt-acknowledge cycle is pic_ack. Never raises, never touches the CPU. */
#ifndef DEVICES_PIC8259_H
#define DEVICES_PIC8259_H

#include "devices/bus.h"

/* One 8259A. */
struct pic_chip {
    uint8_t irr;        /* interrupt request register */
    uint8_t isr;        /* in-service register */
    uint8_t imr;        /* interrupt mask register (OCW1) */
    uint8_t lines;      /* current IR input levels */
    uint8_t elcr;       /* PIIX3 ELCR: 1 = level-triggered input */
    uint8_t elcr_mask;  /* writable ELCR bits */
    uint8_t icw1, icw2, icw3, icw4;
    uint8_t init_step;  /* 0: operational; 2, 3, 4: next write to A0=1 is that ICW */
    uint8_t lowest;     /* the IR level with the lowest priority (7 after ICW1) */
    bool read_isr;      /* OCW3 RR/RIS: port A0=0 reads ISR (else IRR) */
    bool poll;          /* OCW3 P: the next read is a poll */
    bool smm;           /* special mask mode */
    bool rotate_aeoi;   /* rotate in automatic EOI mode */
    bool is_master;
};

struct pic {
    struct pic_chip chip[2]; /* [0] master, [1] slave */
    bool int_out;            /* the master's INT pin as last reported */
    void (*set_intr)(void *opaque, bool level);
    void *intr_opaque;
};

/* Claims ports 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1 and resets. set_intr is called with the new
 * INT level each time it changes. Returns false if a port is already taken. Never raises. */
bool pic_init(struct pic *p, struct bus *b, void (*set_intr)(void *opaque, bool level), void *opaque);
/* Power-on / hard reset state (ELCR cleared). Input line levels are kept. Never raises. */
void pic_reset(struct pic *p);
/* irq_line set function: opaque is the struct pic *, irq 0-15, level 0/1. IRQ2 is the internal
 * cascade and cannot be driven from outside. Never raises. */
void pic_irq_set(void *opaque, int irq, int level);
/* The CPU's INTA cycle: returns the vector of the highest-priority request and updates IRR/ISR,
 * or the spurious IR7 vector (master, or slave's for a cascade without a slave request).
 * Never raises. */
int pic_ack(struct pic *p);
/* Current level of the INT output (what set_intr last reported). */
static inline bool pic_int_pending(const struct pic *p) { return p->int_out; }

#endif
