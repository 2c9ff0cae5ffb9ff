/* I/O APIC. Sources: Intel 82093AA I/O Advanced Programmable Interrupt Controller (IOAPIC)
 * datasheet (290566-001): 3.0 register description (IOREGSEL/IOWIN 3.1, IOAPICID 3.2.1, IOAPICVER
 * 3.2.2, IOAPICARB 3.2.3, IOREDTBL 3.2.4), 2.4 interrupt handling (edge/level, Remote IRR, EOI);
 * the version-0x20 directed EOI register at offset 0x40 (Intel ICH/PCH datasheets, "EOI Register");
 * Intel SDM Vol.3A 11.8.5 (EOI broadcast of level-triggered vectors).
 *
 *   IOREDTBLn  63      56 55        17 16 15 14 13 12 11 10  8 7       0
 *             [  dest    |  reserved  |M |TM|RI|PO|DS|DM| mode | vector ]
 *   M mask, TM trigger (1 level), RI remote IRR (RO), PO polarity (1 low), DS delivery status (RO),
 *   DM destination mode (1 logical).
 *
 * Pin levels are the logical "asserted" state: polarity is stored but does not invert the input
 * (QEMU does the same; the board's lines already carry asserted = 1). */
#include "devices/ioapic.h"

#include "emu/log.h"

#define REG_ID 0x00
#define REG_VER 0x01
#define REG_ARB 0x02
#define REG_REDTBL 0x10

#define RTE_MASK (1ull << 16)
#define RTE_LEVEL (1ull << 15)
#define RTE_REMOTE_IRR (1ull << 14)
#define RTE_DELIVS (1ull << 12)
/* writable: vector, delivery mode, dest mode, polarity, trigger, mask, destination */
#define RTE_WMASK (0xff000000000000ffull | 0x700ull | 0x800ull | 0x2000ull | RTE_LEVEL | RTE_MASK)

static void send(struct ioapic *io, unsigned pin)
{
    uint64_t e = io->redir[pin];
    struct apic_msg m = {
        .dest = (uint32_t)(e >> 56),
        .vector = (uint8_t)e,
        .mode = (uint8_t)((e >> 8) & 7u),
        .logical = (e >> 11) & 1u,
        .level = (e & RTE_LEVEL) != 0,
        .assert = true,
        .shorthand = APIC_SH_NONE,
    };
    if (m.mode == 3 || m.mode == APIC_DM_SIPI) {
        LOG(LOG_GUEST_ERRORS, "ioapic: pin %u reserved delivery mode %u\n", pin, m.mode);
        return;
    }
    /* 82093AA 3.2.4: Remote IRR is set when a level interrupt is accepted and cleared by the EOI
     * with a matching vector. Only fixed/lowest-priority messages are EOI'd by the LAPIC. */
    if (m.level && (m.mode == APIC_DM_FIXED || m.mode == APIC_DM_LOWEST)) io->redir[pin] |= RTE_REMOTE_IRR;
    if (io->deliver) io->deliver(io->opaque, &m);
}

/* A level pin that is asserted, unmasked and not awaiting EOI is (re)delivered. */
static void service_level(struct ioapic *io, unsigned pin)
{
    uint64_t e = io->redir[pin];
    if ((e & RTE_LEVEL) && !(e & RTE_MASK) && !(e & RTE_REMOTE_IRR) && ((io->level >> pin) & 1u))
        send(io, pin);
}

void ioapic_set_irq(void *opaque, int pin, int level)
{
    struct ioapic *io = opaque;
    if (pin < 0 || pin >= IOAPIC_NUM_PINS) return;
    uint32_t bit = 1u << pin, old = io->level;
    if (level)
        io->level |= bit;
    else
        io->level &= ~bit;
    uint64_t e = io->redir[pin];
    if (e & RTE_LEVEL) {
        service_level(io, (unsigned)pin);
    } else if (level && !(old & bit) && !(e & RTE_MASK)) {
        /* 82093AA 2.4: an edge on a masked pin is ignored, not held pending */
        send(io, (unsigned)pin);
    }
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
    for (unsigned pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t e = io->redir[pin];
        if ((e & RTE_LEVEL) && (e & RTE_REMOTE_IRR) && (uint8_t)e == vector) {
            io->redir[pin] &= ~RTE_REMOTE_IRR;
            service_level(io, pin);
        }
    }
}

static uint32_t reg_read(struct ioapic *io)
{
    unsigned r = io->regsel;
    switch (r) {
    case REG_ID: return (uint32_t)(io->id & 0xfu) << 24;
    /* 3.2.2: version 7:0, maximum redirection entry 23:16 */
    case REG_VER: return IOAPIC_VERSION | (uint32_t)(IOAPIC_NUM_PINS - 1) << 16;
    case REG_ARB: return (uint32_t)(io->id & 0xfu) << 24; /* 3.2.3: loaded from the ID */
    default:
        if (r >= REG_REDTBL && r < REG_REDTBL + 2 * IOAPIC_NUM_PINS) {
            uint64_t e = io->redir[(r - REG_REDTBL) >> 1];
            return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
        }
        LOG(LOG_GUEST_ERRORS, "ioapic: read of register %#x\n", r);
        return 0xffffffffu;
    }
}

static void reg_write(struct ioapic *io, uint32_t v)
{
    unsigned r = io->regsel;
    if (r == REG_ID) {
        io->id = (uint8_t)((v >> 24) & 0xfu);
        return;
    }
    if (r >= REG_REDTBL && r < REG_REDTBL + 2 * IOAPIC_NUM_PINS) {
        unsigned pin = (r - REG_REDTBL) >> 1;
        uint64_t old = io->redir[pin], nv = old;
        if (r & 1)
            nv = (nv & 0xffffffffull) | (uint64_t)v << 32;
        else
            nv = (nv & ~0xffffffffull) | v;
        nv = (nv & RTE_WMASK) | (old & RTE_REMOTE_IRR);
        /* Remote IRR is undefined for edge entries; switching to edge clears it (Linux relies on
         * this to clear a stuck Remote IRR on IOAPICs without the EOI register). */
        if (!(nv & RTE_LEVEL)) nv &= ~RTE_REMOTE_IRR;
        io->redir[pin] = nv;
        service_level(io, pin); /* unmasking an asserted level pin delivers it */
        return;
    }
    LOG(LOG_GUEST_ERRORS, "ioapic: write of register %#x\n", r);
}

static uint64_t ioapic_read(void *opaque, uint64_t off, unsigned size)
{
    struct ioapic *io = opaque;
    unsigned sub = (unsigned)off & 3u;
    uint32_t v;
    switch (off & ~3ull) {
    case 0x00: v = io->regsel; break;     /* IOREGSEL 3.1.1 */
    case 0x10: v = reg_read(io); break;   /* IOWIN 3.1.2 */
    default:
        LOG(LOG_GUEST_ERRORS, "ioapic: read at %#llx\n", (unsigned long long)off);
        return 0xffffffffffffffffull;
    }
    uint64_t r = v >> (8 * sub);
    return size >= 4 ? r : r & ((1ull << (8 * size)) - 1);
}

static void ioapic_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    struct ioapic *io = opaque;
    switch (off) {
    case 0x00: io->regsel = (uint8_t)val; break;
    case 0x10:
        if (size != 4) LOG(LOG_GUEST_ERRORS, "ioapic: %u-byte IOWIN write\n", size);
        reg_write(io, (uint32_t)val);
        break;
    case 0x40: ioapic_eoi(io, (uint8_t)val); break; /* version 0x20 EOI register */
    default:
        LOG(LOG_GUEST_ERRORS, "ioapic: write at %#llx\n", (unsigned long long)off);
        break;
    }
}

const struct mmio_ops ioapic_mmio_ops = {.read = ioapic_read, .write = ioapic_write};

void ioapic_reset(struct ioapic *io)
{
    io->regsel = 0;
    for (unsigned k = 0; k < IOAPIC_NUM_PINS; k++) io->redir[k] = RTE_MASK;
}

void ioapic_init(struct ioapic *io, uint8_t id, void (*deliver)(void *opaque, const struct apic_msg *m),
                 void *opaque)
{
    io->deliver = deliver;
    io->opaque = opaque;
    io->id = id;
    io->level = 0;
    ioapic_reset(io);
}

bool ioapic_routes_mode(const struct ioapic *io, unsigned dm)
{
    for (unsigned k = 0; k < IOAPIC_NUM_PINS; k++) {
        uint64_t e = io->redir[k];
        if (!(e & RTE_MASK) && ((e >> 8) & 7u) == dm) return true;
    }
    return false;
}
