/* Intel 8259A programmable interrupt controller pair (PIIX3 flavour).
 *
 * Sources: Intel 8259A datasheet (231468) sections "Interrupt Sequence", "Initialization Command
 * Words", "Operation Command Words", "Fully Nested Mode", "End of Interrupt", "Automatic End of
 * Interrupt Mode", "Automatic Rotation", "Specific Rotation", "Special Mask Mode", "Poll Command",
 * "Reading the 8259A Status", "Edge and Level Triggered Modes" (incl. the priority cell, Fig. 9/10),
 * "The Special Fully Nested Mode", "Cascade Mode"; Intel 82371SB (PIIX3) datasheet, ELCR1/ELCR2
 * (ports 0x4D0/0x4D1) and the ICW1 LTIM note; PLATFORM.md A.3.1 and traces/io-seabios.txt.gz
 * (SeaBIOS: ICW1 0x11, ICW2 0x08/0x70, ICW3 0x04/0x02, ICW4 0x01, ELCR 0x00/0x0C, EOI 0x20).
 *
 * Register model of one chip (bit n = IR input n):
 *
 *   IR pins --edge/level--> IRR --(& ~IMR)--> priority resolver --> INT
 *                                                   ^   |
 *                                      ISR ---------+   +-- INTA: ISR |= bit, IRR &= ~bit (edge)
 *
 * Priority: level (lowest+1)&7 is highest, `lowest` is lowest (rotation changes `lowest`). */
#include "devices/pic8259.h"

#include "emu/log.h"

#define ICW1_IC4 0x01   /* ICW4 needed */
#define ICW1_SNGL 0x02  /* single (no cascade) */
#define ICW1_LTIM 0x08  /* level-triggered mode (ignored on PIIX3) */
#define ICW1_SEL 0x10   /* D4=1 on port A0=0 selects ICW1 */
#define ICW4_UPM 0x01   /* 8086/8088 mode */
#define ICW4_AEOI 0x02  /* automatic EOI */
#define ICW4_SFNM 0x10  /* special fully nested mode */
#define OCW3_SEL 0x08   /* D4=0, D3=1 on port A0=0 selects OCW3 */
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_P 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40

#define CASCADE_IR 2 /* PC/AT: the slave's INT drives master IR2 */

/* ---- one chip ---- */

/* Rank of level `lvl` in the current priority order: 0 = highest, 7 = lowest. 8259A "Automatic
 * Rotation" / "Specific Rotation": the bottom-priority level is `lowest`. */
static unsigned prio_rank(const struct pic_chip *c, unsigned lvl) { return (lvl - c->lowest - 1u) & 7u; }

/* Highest-priority level set in bits, or -1. */
static int prio_highest(const struct pic_chip *c, uint8_t bits)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned lvl = (c->lowest + 1u + i) & 7u;
        if (bits & (1u << lvl)) return (int)lvl;
    }
    return -1;
}

/* The level the chip would present on INT, or -1. 8259A "Fully Nested Mode": a request interrupts
 * only if its priority is higher than every level in service. "Special Mask Mode": an in-service
 * level that is masked does not inhibit other levels (its IS bit is gated by its mask bit).
 * "The Special Fully Nested Mode" (master): a slave in service is not locked out, so the cascade
 * IS bit does not inhibit. */
static int chip_pending(const struct pic_chip *c)
{
    uint8_t req = c->irr & (uint8_t)~c->imr;
    int lvl = prio_highest(c, req);
    if (lvl < 0) return -1;
    uint8_t blk = c->isr;
    if (c->smm) blk &= (uint8_t)~c->imr;
    if (c->is_master && (c->icw4 & ICW4_SFNM) && !(c->icw1 & ICW1_SNGL)) blk &= (uint8_t)~c->icw3;
    int b = prio_highest(c, blk);
    if (b >= 0 && prio_rank(c, (unsigned)b) <= prio_rank(c, (unsigned)lvl)) return -1;
    return lvl;
}

/* The acknowledge part of an INTA sequence (or poll read) for level lvl. 8259A "Interrupt
 * Sequence": the highest-priority ISR bit is set and the corresponding IRR bit reset. For a
 * level-sensitive input the request latch is transparent (priority cell, Fig. 9), so IRR keeps
 * following the line. "Automatic End of Interrupt Mode": the IS bit is reset at the end of the
 * sequence (and with "rotate in AEOI" the level becomes lowest priority). */
static void chip_ack(struct pic_chip *c, unsigned lvl)
{
    uint8_t bit = (uint8_t)(1u << lvl);
    if (!(c->elcr & bit) && !(c->is_master && lvl == CASCADE_IR)) c->irr &= (uint8_t)~bit;
    if (c->icw4 & ICW4_AEOI) {
        if (c->rotate_aeoi) c->lowest = (uint8_t)lvl;
    } else {
        c->isr |= bit;
    }
}

/* An IR input changes. 8259A "Edge and Level Triggered Modes": edge mode latches a request on a
 * low-to-high transition; level mode recognises a high level. In both modes the IR input must stay
 * high until the first INTA, otherwise the request is gone (priority cell: the latch output is
 * ANDed with the input) and a default IR7 results. */
static void chip_input(struct pic_chip *c, unsigned n, int level)
{
    uint8_t bit = (uint8_t)(1u << n);
    bool was = (c->lines & bit) != 0;
    if (level) {
        c->lines |= bit;
        if (!was || (c->elcr & bit)) c->irr |= bit;
    } else {
        c->lines &= (uint8_t)~bit;
        c->irr &= (uint8_t)~bit;
    }
}

static void chip_reset(struct pic_chip *c)
{
    uint8_t lines = c->lines, mask = c->elcr_mask;
    bool master = c->is_master;
    *c = (struct pic_chip){0};
    c->lines = lines;
    c->elcr_mask = mask;
    c->is_master = master;
    c->lowest = 7;
    /* PIIX3 ELCR default 00h: every input edge-triggered; IRR latches start clear */
}

/* ---- the pair ---- */

/* Recomputes the cascade input and the master's INT, reporting a change to the board. The
 * PIIX3's internal cascade line follows the slave's INT level (the master's IR2 cannot be
 * programmed level-triggered in ELCR1, but treating it as a level input keeps a slave request
 * that stays asserted across an INTA from being lost; on silicon INT is simply held). */
static void pic_update(struct pic *p)
{
    struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
    uint8_t cbit = 1u << CASCADE_IR;
    if (chip_pending(s) >= 0) {
        m->lines |= cbit;
        m->irr |= cbit;
    } else {
        m->lines &= (uint8_t)~cbit;
        m->irr &= (uint8_t)~cbit;
    }
    bool out = chip_pending(m) >= 0;
    if (out != p->int_out) {
        p->int_out = out;
        if (p->set_intr) p->set_intr(p->intr_opaque, out);
    }
}

void pic_irq_set(void *opaque, int irq, int level)
{
    struct pic *p = opaque;
    if (irq < 0 || irq > 15 || irq == CASCADE_IR) {
        LOG(LOG_UNIMP, "pic: IRQ%d cannot be driven (cascade or out of range)\n", irq);
        return;
    }
    chip_input(&p->chip[irq >> 3], (unsigned)irq & 7u, level);
    pic_update(p);
}

/* 8259A "Interrupt Sequence" (8086 mode) and "Cascade Mode": on the first INTA the master
 * resolves priority; for an IR with a slave (ICW3 bit) the addressed slave resolves its own
 * priority and supplies the vector on the second INTA, otherwise the master does. A request that
 * vanished yields the IR7 vector without setting an IS bit ("Edge and Level Triggered Modes":
 * default IR7). For the cascade the master's IS bit is still set, so a spurious IRQ15 needs an
 * EOI to the master only. */
int pic_ack(struct pic *p)
{
    struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
    int vec;
    int lvl = chip_pending(m);
    if (lvl < 0) {
        vec = (m->icw2 & 0xf8) | 7;
        LOG(LOG_INT, "pic: spurious IRQ7 (vector %#x)\n", vec);
    } else {
        chip_ack(m, (unsigned)lvl);
        if (!(m->icw1 & ICW1_SNGL) && (m->icw3 & (1u << lvl))) {
            if ((s->icw3 & 7u) != (unsigned)lvl) {
                /* no slave answers the cascade address: the data bus floats */
                LOG(LOG_GUEST_ERRORS, "pic: no slave with ID %d for cascade\n", lvl);
                vec = 0xff;
            } else {
                int sl = chip_pending(s);
                if (sl < 0) {
                    vec = (s->icw2 & 0xf8) | 7;
                    LOG(LOG_INT, "pic: spurious IRQ15 (vector %#x)\n", vec);
                } else {
                    chip_ack(s, (unsigned)sl);
                    vec = (s->icw2 & 0xf8) | sl;
                }
            }
        } else {
            vec = (m->icw2 & 0xf8) | lvl;
        }
    }
    if (!(m->icw4 & ICW4_UPM) && m->init_step == 0)
        LOG(LOG_UNIMP, "pic: MCS-80/85 mode INTA not emulated; delivering 8086 vector\n");
    pic_update(p);
    return vec;
}

/* 8259A "Poll Command": the read is treated as an interrupt acknowledge: the IS bit of the
 * highest-priority request is set and the poll word I---- W2 W1 W0 is returned (I=1 if a request
 * was present). */
static uint8_t chip_poll(struct pic_chip *c)
{
    c->poll = false;
    int lvl = chip_pending(c);
    if (lvl < 0) return 0;
    chip_ack(c, (unsigned)lvl);
    return (uint8_t)(0x80 | lvl);
}

/* OCW2: R SL EOI | L2 L1 L0. 8259A "End of Interrupt", "Automatic Rotation", "Specific
 * Rotation". In special mask mode a non-specific EOI ignores masked IS bits. */
static void chip_ocw2(struct pic_chip *c, uint8_t v)
{
    unsigned l = v & 7u;
    switch (v >> 5) {
    case 1:   /* non-specific EOI */
    case 5: { /* rotate on non-specific EOI */
        int lvl = prio_highest(c, c->smm ? (uint8_t)(c->isr & ~c->imr) : c->isr);
        if (lvl < 0) break;
        c->isr &= (uint8_t)~(1u << lvl);
        if (v >> 5 == 5) c->lowest = (uint8_t)lvl;
        break;
    }
    case 3: /* specific EOI */
        c->isr &= (uint8_t)~(1u << l);
        break;
    case 7: /* rotate on specific EOI */
        c->isr &= (uint8_t)~(1u << l);
        c->lowest = (uint8_t)l;
        break;
    case 4: c->rotate_aeoi = true; break;  /* set rotate in AEOI mode */
    case 0: c->rotate_aeoi = false; break; /* clear rotate in AEOI mode */
    case 6: c->lowest = (uint8_t)l; break; /* set priority command */
    case 2: break;                         /* no operation */
    }
}

/* ICW1. 8259A "Initialization Command Words": the edge sense circuit is reset (a new low-to-high
 * transition is needed), IMR cleared, IR7 lowest priority, slave address 7, special mask mode
 * cleared and status read set to IRR; without IC4 the ICW4 functions are zero. The datasheet is
 * silent on ISR; it is cleared here (as on every PC emulator the firmware has been tested on). */
static void chip_icw1(struct pic_chip *c, uint8_t v)
{
    c->icw1 = v;
    c->init_step = 2;
    c->imr = 0;
    c->isr = 0;
    c->irr = c->lines & c->elcr;
    c->lowest = 7;
    c->icw3 = 7;
    c->smm = false;
    c->read_isr = false;
    c->poll = false;
    c->rotate_aeoi = false;
    if (!(v & ICW1_IC4)) c->icw4 = 0;
    /* 82371SB ICW1 bit 3: LTIM is not used; edge/level is selected per IRQ by ELCR */
    if (v & ICW1_LTIM) LOG(LOG_UNIMP, "pic: ICW1.LTIM ignored (PIIX3: use ELCR)\n");
}

static void chip_write(struct pic_chip *c, unsigned a0, uint8_t v)
{
    if (!a0) {
        if (v & ICW1_SEL)
            chip_icw1(c, v);
        else if (v & OCW3_SEL) {
            /* OCW3: 0 ESMM SMM 0 1 P RR RIS */
            if (v & OCW3_P) c->poll = true;
            if (v & OCW3_RR) c->read_isr = (v & OCW3_RIS) != 0;
            if (v & OCW3_ESMM) c->smm = (v & OCW3_SMM) != 0;
        } else
            chip_ocw2(c, v);
        return;
    }
    switch (c->init_step) {
    case 2: /* ICW2: T7-T3 vector base (A10-A8 unused in 8086 mode) */
        c->icw2 = v;
        c->init_step = (c->icw1 & ICW1_SNGL) ? ((c->icw1 & ICW1_IC4) ? 4 : 0) : 3;
        break;
    case 3: /* ICW3: master: IR inputs with a slave; slave: its ID */
        c->icw3 = v;
        c->init_step = (c->icw1 & ICW1_IC4) ? 4 : 0;
        break;
    case 4: /* ICW4: SFNM BUF M/S AEOI uPM */
        c->icw4 = v;
        c->init_step = 0;
        break;
    default: /* OCW1 */
        c->imr = v;
        break;
    }
}

static uint8_t chip_read(struct pic_chip *c, unsigned a0)
{
    /* "Poll Command": the next RD pulse returns the poll word, whatever A0 is */
    if (c->poll) return chip_poll(c);
    /* "Reading the 8259A Status": A0=0 gives IRR or ISR per OCW3, A0=1 gives IMR */
    if (a0) return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

/* ---- ports ---- */

static struct pic_chip *port_chip(struct pic *p, uint16_t port, unsigned *a0)
{
    *a0 = port & 1u;
    if ((port & ~1u) == 0x20) return &p->chip[0];
    if ((port & ~1u) == 0xa0) return &p->chip[1];
    return NULL;
}

static uint8_t pic_read_byte(struct pic *p, uint16_t port)
{
    unsigned a0;
    if (port == 0x4d0 || port == 0x4d1) return p->chip[port & 1u].elcr;
    struct pic_chip *c = port_chip(p, port, &a0);
    if (!c) return 0xff;
    uint8_t v = chip_read(c, a0);
    pic_update(p); /* a poll read acknowledges */
    return v;
}

static void pic_write_byte(struct pic *p, uint16_t port, uint8_t v)
{
    unsigned a0;
    if (port == 0x4d0 || port == 0x4d1) {
        /* PIIX3 ELCR1/ELCR2: IRQ0, 1, 2, 8 and 13 are always edge (reserved bits read 0) */
        struct pic_chip *c = &p->chip[port & 1u];
        c->elcr = v & c->elcr_mask;
        c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->lines & c->elcr));
    } else {
        struct pic_chip *c = port_chip(p, port, &a0);
        if (!c) return;
        chip_write(c, a0, v);
    }
    pic_update(p);
}

/* Word/dword accesses are split into byte accesses to consecutive ports (ISA bus sizing); bytes
 * that fall outside the device's pair read as 0xFF and are dropped on write. */
static bool pic_same_pair(uint16_t base, uint16_t port) { return (base & ~1u) == (port & ~1u); }

static uint32_t pic_pio_in(void *opaque, uint16_t port, unsigned size)
{
    struct pic *p = opaque;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t pt = (uint16_t)(port + i);
        uint8_t b = pic_same_pair(port, pt) ? pic_read_byte(p, pt) : 0xff;
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

static void pic_pio_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct pic *p = opaque;
    for (unsigned i = 0; i < size; i++) {
        uint16_t pt = (uint16_t)(port + i);
        if (pic_same_pair(port, pt)) pic_write_byte(p, pt, (uint8_t)(val >> (8 * i)));
    }
}

static const struct pio_ops pic_ops = {pic_pio_in, pic_pio_out};

void pic_reset(struct pic *p)
{
    chip_reset(&p->chip[0]);
    chip_reset(&p->chip[1]);
    pic_update(p);
}

bool pic_init(struct pic *p, struct bus *b, void (*set_intr)(void *opaque, bool level), void *opaque)
{
    *p = (struct pic){0};
    p->set_intr = set_intr;
    p->intr_opaque = opaque;
    p->chip[0].is_master = true;
    p->chip[0].elcr_mask = 0xf8; /* 82371SB ELCR1: bits 2:0 reserved */
    p->chip[1].elcr_mask = 0xde; /* 82371SB ELCR2: bits 5 and 0 reserved */
    pic_reset(p);
    if (!b) return true;
    return bus_add_pio(b, 0x20, 2, &pic_ops, p) && bus_add_pio(b, 0xa0, 2, &pic_ops, p) &&
           bus_add_pio(b, 0x4d0, 2, &pic_ops, p);
}
