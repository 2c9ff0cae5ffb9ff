/* PCI bus 0: configuration mechanism #1, reset control register, BAR decoding, INTx routing.
 * Sources: PCI Local Bus Specification 3.0 (3.2.2.3.2 configuration mechanism #1; 6.1-6.2
 * header; 6.2.5 base address registers; 6.2.5.2 expansion ROM BAR; 2.2.6 interrupt pins);
 * Intel 82441FX PMC datasheet (290549) 3.1 CONFADD/CONFDATA; Intel 82371SB PIIX3 datasheet
 * (290550) 2.1.1 RC (reset control, port 0xCF9). Behaviour not fixed by the specs follows QEMU 7.2
 * `pc` as recorded in /work/shared/reference/traces/trace.txt. */
#include "devices/pci.h"

#include <string.h>

#include "emu/log.h"

#define CONFADD_ENABLE 0x80000000u
/* PCI 3.0 3.2.2.3.2: bits 1:0 of CONFIG_ADDRESS read 0; 82441FX CONFADD bits 30:24 reserved (0) */
#define CONFADD_MASK 0x80fffffcu
/* PIIX3 RC register (0xCF9): bit 1 SRST (system reset type), bit 2 RCPU (reset CPU on 0->1) */
#define RC_SRST 0x02
#define RC_RCPU 0x04

/* ---- I/O windows ---- */

static void io_window_unmap(struct bus *io, struct pci_io_window *w)
{
    if (!w->mapped) return;
    for (unsigned k = 0; k < w->count; k++) {
        if (!(w->claimed[k >> 6] & (1ull << (k & 63)))) continue;
        struct pio_slot *s = &io->ports[(w->base + k) & 0xffff];
        if (s->ops == w->ops && s->opaque == w->opaque) *s = (struct pio_slot){NULL, NULL};
    }
    memset(w->claimed, 0, sizeof w->claimed);
    w->mapped = false;
}

void pci_io_window_set(struct bus *io, struct pci_io_window *w, bool enable, uint32_t base)
{
    if (w->mapped && enable && w->base == base) return;
    io_window_unmap(io, w);
    if (!enable) return;
    w->base = base;
    w->mapped = true;
    if (!w->ops) return;
    bool conflict = false;
    for (unsigned k = 0; k < w->count && k < 256; k++) {
        uint32_t p = base + k;
        if (p > 0xffff) break;
        struct pio_slot *s = &io->ports[p];
        if (s->ops) {
            conflict = true;
            continue;
        }
        *s = (struct pio_slot){w->ops, w->opaque};
        w->claimed[k >> 6] |= 1ull << (k & 63);
    }
    if (conflict)
        LOG(LOG_GUEST_ERRORS, "pci: I/O window %04x+%u overlaps ports owned by another device\n",
            (unsigned)base, w->count);
}

/* ---- function setup ---- */

void pci_dev_init(struct pci_dev *d, const char *name, uint8_t devfn, uint16_t vendor,
                  uint16_t device, uint8_t rev, uint32_t class24, uint8_t header_type)
{
    memset(d, 0, sizeof *d);
    d->name = name;
    d->devfn = devfn;
    pci_set_word(d->cfg + PCI_VENDOR_ID, vendor);
    pci_set_word(d->cfg + PCI_DEVICE_ID, device);
    d->cfg[PCI_REVISION_ID] = rev;
    d->cfg[PCI_CLASS_PROG] = (uint8_t)class24;
    d->cfg[PCI_CLASS_PROG + 1] = (uint8_t)(class24 >> 8);
    d->cfg[PCI_CLASS_PROG + 2] = (uint8_t)(class24 >> 16);
    d->cfg[PCI_HEADER_TYPE] = header_type;
    /* PCI 3.0 6.2.2: COMMAND bits implemented here; the rest are hardwired 0 */
    pci_set_word(d->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                                             PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    /* PCI 3.0 6.2.3: status error bits 8, 11-15 are cleared by writing 1 */
    pci_set_word(d->w1cmask + PCI_STATUS, 0xf900);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff; /* PCI 3.0 6.2.4: read/write scratch for software */
    for (int n = 0; n < 7; n++) d->bar[n].addr = PCI_BAR_UNMAPPED;
}

static unsigned bar_offset(int n) { return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BAR0 + 4u * (unsigned)n; }

void pci_register_bar(struct pci_dev *d, int n, enum pci_bar_kind kind, uint64_t size, bool prefetch,
                      const struct pio_ops *pio, const struct mmio_ops *mmio, void *opaque)
{
    struct pci_bar *b = &d->bar[n];
    unsigned off = bar_offset(n);
    if (kind == PCI_BAR_IO && size < 4) size = 4; /* PCI 3.0 6.2.5.1: I/O BARs are at least 4 bytes */
    b->kind = kind;
    b->size = size;
    b->prefetch = prefetch;
    b->pio = pio;
    b->mmio = mmio;
    b->opaque = opaque;
    b->backed = false;
    b->backing_off = 0;
    b->addr = PCI_BAR_UNMAPPED;
    /* PCI 3.0 6.2.5.1: the low bits encode the type (read-only); the size is implied by which
     * address bits are writable. */
    uint64_t mask = ~(size - 1);
    switch (kind) {
    case PCI_BAR_IO:
        b->win.ops = pio;
        b->win.opaque = opaque;
        b->win.count = (unsigned)(size > 256 ? 256 : size);
        pci_set_long(d->cfg + off, 0x1);
        pci_set_long(d->wmask + off, (uint32_t)mask & ~3u);
        break;
    case PCI_BAR_MEM32:
        pci_set_long(d->cfg + off, prefetch ? 0x8 : 0x0);
        pci_set_long(d->wmask + off, (uint32_t)mask & ~0xfu);
        break;
    case PCI_BAR_MEM64:
        pci_set_long(d->cfg + off, 0x4 | (prefetch ? 0x8 : 0x0));
        pci_set_long(d->wmask + off, (uint32_t)mask & ~0xfu);
        pci_set_long(d->wmask + off + 4, (uint32_t)(mask >> 32));
        break;
    case PCI_BAR_ROM:
        /* PCI 3.0 6.2.5.2: bit 0 enables decoding; bits 10:1 reserved */
        pci_set_long(d->cfg + off, 0);
        pci_set_long(d->wmask + off, ((uint32_t)mask & ~0x7ffu) | 1u);
        break;
    case PCI_BAR_UNUSED:
        pci_set_long(d->wmask + off, 0);
        break;
    }
}

void pci_register_bar_backed(struct pci_dev *d, int n, enum pci_bar_kind kind, uint64_t size,
                             bool prefetch, uint64_t off)
{
    pci_register_bar(d, n, kind, size, prefetch, NULL, NULL, NULL);
    d->bar[n].backed = true;
    d->bar[n].backing_off = off;
}

void pci_dev_seal(struct pci_dev *d) { memcpy(d->cfg_reset, d->cfg, sizeof d->cfg); }

bool pci_bus_add(struct pci_bus *b, struct pci_dev *d)
{
    if (b->dev[d->devfn]) return false;
    b->dev[d->devfn] = d;
    d->bus = b;
    return true;
}

/* ---- BAR decoding ---- */

/* PCI 3.0 6.2.5: the address a BAR decodes now, or PCI_BAR_UNMAPPED. Address 0 and windows
 * running past the top of their space count as not decoding (as QEMU does; firmware parks BARs at
 * 0 and sizes them with all-ones). */
static uint64_t bar_decode(const struct pci_dev *d, int n)
{
    const struct pci_bar *b = &d->bar[n];
    uint16_t cmd = pci_get_word(d->cfg + PCI_COMMAND);
    unsigned off = bar_offset(n);
    uint64_t a, last;
    switch (b->kind) {
    case PCI_BAR_IO:
        if (!(cmd & PCI_COMMAND_IO)) return PCI_BAR_UNMAPPED;
        a = pci_get_long(d->cfg + off) & ~3u;
        last = a + b->size - 1;
        if (a == 0 || last > 0xffff) return PCI_BAR_UNMAPPED;
        return a;
    case PCI_BAR_MEM32:
        if (!(cmd & PCI_COMMAND_MEMORY)) return PCI_BAR_UNMAPPED;
        a = pci_get_long(d->cfg + off) & ~0xfu;
        last = a + b->size - 1;
        if (a == 0 || last >= 0xffffffffu) return PCI_BAR_UNMAPPED;
        return a;
    case PCI_BAR_MEM64:
        if (!(cmd & PCI_COMMAND_MEMORY)) return PCI_BAR_UNMAPPED;
        a = (pci_get_long(d->cfg + off) & ~0xfull) | ((uint64_t)pci_get_long(d->cfg + off + 4) << 32);
        last = a + b->size - 1;
        if (a == 0 || last < a || last >= (1ull << 52)) return PCI_BAR_UNMAPPED;
        return a;
    case PCI_BAR_ROM: {
        uint32_t v = pci_get_long(d->cfg + off);
        /* PCI 3.0 6.2.5.2: decodes only when both the enable bit and Memory Space are set */
        if (!(cmd & PCI_COMMAND_MEMORY) || !(v & 1)) return PCI_BAR_UNMAPPED;
        a = v & ~0x7ffu;
        last = a + b->size - 1;
        if (a == 0 || last >= 0xffffffffu) return PCI_BAR_UNMAPPED;
        return a;
    }
    case PCI_BAR_UNUSED:
        break;
    }
    return PCI_BAR_UNMAPPED;
}

void pci_update_mappings(struct pci_dev *d)
{
    for (int n = 0; n < 7; n++) {
        struct pci_bar *b = &d->bar[n];
        if (b->kind == PCI_BAR_UNUSED) continue;
        uint64_t na = bar_decode(d, n);
        if (na == b->addr) continue;
        uint64_t old = b->addr;
        b->addr = na;
        if (b->kind == PCI_BAR_IO) {
            struct bus *io = d->bus ? d->bus->io : NULL;
            if (io) pci_io_window_set(io, &b->win, na != PCI_BAR_UNMAPPED, (uint32_t)na);
            continue;
        }
        struct pci_bus *bus = d->bus;
        if (!bus || !bus->map_mmio || (!b->mmio && !b->backed)) continue;
        if (old != PCI_BAR_UNMAPPED) bus->map_mmio(bus->board, d, n, old, b->size, false);
        if (na != PCI_BAR_UNMAPPED) bus->map_mmio(bus->board, d, n, na, b->size, true);
    }
}

/* ---- INTx ---- */

int pci_dev_pirq(const struct pci_dev *d)
{
    unsigned pin = d->cfg[PCI_INTERRUPT_PIN];
    if (pin < 1 || pin > 4) return -1;
    /* PIIX/i440FX board swizzle: PIRQ = (pin-1 + slot-1) mod 4 (SeaBIOS pciinit.c
     * piix_pci_slot_get_irq and QEMU pc agree; slot 1 INTA -> PIRQA) */
    return (int)((pin - 1 + (unsigned)(d->devfn >> 3) - 1) & 3);
}

static void intx_update(struct pci_dev *d)
{
    uint16_t cmd = pci_get_word(d->cfg + PCI_COMMAND);
    /* PCI 3.0 6.2.3: Interrupt Status reflects the request even when INTx is disabled */
    if (d->intx)
        d->cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    else
        d->cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
    /* PCI 3.0 6.2.2: Interrupt Disable (bit 10) stops the function asserting INTx# */
    bool out = d->intx && !(cmd & PCI_COMMAND_INTX_DISABLE);
    if (out == d->intx_out) return;
    d->intx_out = out;
    int p = pci_dev_pirq(d);
    struct pci_bus *b = d->bus;
    if (p < 0 || !b) return;
    if (out) {
        if (b->pirq_count[p]++ == 0 && b->pirq_set) b->pirq_set(b->pirq_opaque, p, 1);
    } else {
        if (b->pirq_count[p] && --b->pirq_count[p] == 0 && b->pirq_set) b->pirq_set(b->pirq_opaque, p, 0);
    }
}

void pci_set_irq(struct pci_dev *d, int level)
{
    d->intx = level != 0;
    intx_update(d);
}

void pci_dev_reset(struct pci_dev *d)
{
    d->intx = false;
    memcpy(d->cfg, d->cfg_reset, sizeof d->cfg);
    intx_update(d);
    pci_update_mappings(d);
}

/* ---- configuration accesses ---- */

uint32_t pci_config_read(struct pci_dev *d, unsigned addr, unsigned size)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < size && addr + k < 256; k++) v |= (uint32_t)d->cfg[addr + k] << (8 * k);
    return v;
}

static bool overlaps(unsigned a, unsigned n, unsigned lo, unsigned hi) { return a < hi && a + n > lo; }

void pci_config_write(struct pci_dev *d, unsigned addr, uint32_t val, unsigned size)
{
    if (addr + size > 256) size = 256 - addr;
    for (unsigned k = 0; k < size; k++) {
        unsigned a = addr + k;
        uint8_t b = (uint8_t)(val >> (8 * k));
        uint8_t nv = (uint8_t)((d->cfg[a] & ~d->wmask[a]) | (b & d->wmask[a]));
        nv &= (uint8_t)~(b & d->w1cmask[a]);
        d->cfg[a] = nv;
    }
    if (d->config_written) d->config_written(d, addr, size);
    if (overlaps(addr, size, PCI_COMMAND, PCI_COMMAND + 2)) intx_update(d);
    if (overlaps(addr, size, PCI_COMMAND, PCI_COMMAND + 2) || overlaps(addr, size, PCI_BAR0, 0x28) ||
        overlaps(addr, size, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 4))
        pci_update_mappings(d);
}

/* The function CONFIG_ADDRESS selects for a type-0 access on bus 0, or NULL. */
static struct pci_dev *selected(struct pci_bus *b)
{
    uint32_t a = b->config_address;
    if (!(a & CONFADD_ENABLE)) return NULL;
    /* no PCI-PCI bridges: other buses master-abort (reads all-ones, writes dropped) */
    if (((a >> 16) & 0xff) != 0) return NULL;
    return b->dev[(a >> 8) & 0xff];
}

static uint32_t host_in(void *opaque, uint16_t port, unsigned size)
{
    struct pci_bus *b = opaque;
    if (port == 0xcf8) {
        /* 82441FX 3.1.1: CONFADD is decoded only for dword accesses; other sizes are ordinary
         * I/O cycles nobody claims */
        if (size == 4) return b->config_address;
        LOG(LOG_GUEST_ERRORS, "pci: %u-byte read of 0xcf8\n", size);
        return 0xffffffffu;
    }
    if (port == 0xcf9) {
        if (size == 1) return b->rcr;
        LOG(LOG_GUEST_ERRORS, "pci: %u-byte read of 0xcf9\n", size);
        return 0xffffffffu;
    }
    if (port < 0xcfc) return 0xffffffffu;
    unsigned off = port & 3;
    struct pci_dev *d = selected(b);
    if (!d) return 0xffffffffu;
    unsigned n = size <= 4 - off ? size : 4 - off;
    uint32_t v = pci_config_read(d, (b->config_address & 0xfc) + off, n);
    if (n < size) v |= 0xffffffffu << (8 * n);
    return v;
}

static void host_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct pci_bus *b = opaque;
    if (port == 0xcf8) {
        if (size == 4)
            b->config_address = val & CONFADD_MASK;
        else
            LOG(LOG_GUEST_ERRORS, "pci: %u-byte write %x to 0xcf8 ignored\n", size, val);
        return;
    }
    if (port == 0xcf9) {
        if (size != 1) {
            LOG(LOG_GUEST_ERRORS, "pci: %u-byte write %x to 0xcf9 ignored\n", size, val);
            return;
        }
        /* PIIX3 RC: RCPU 0->1 resets, hard when SRST. Only SRST is stored (RCPU reads back 0,
         * so every write with RCPU=1 is a 0->1 transition; QEMU does the same). Bits 0 and 7:3
         * are reserved. */
        bool go = (val & RC_RCPU) != 0;
        b->rcr = (uint8_t)(val & RC_SRST);
        if (go) {
            LOG(LOG_CPU_RESET, "pci: reset requested through 0xcf9 (%s)\n", (val & RC_SRST) ? "hard" : "soft");
            if (b->reset_request) b->reset_request(b->board, (val & RC_SRST) != 0);
        }
        return;
    }
    if (port < 0xcfc) return;
    unsigned off = port & 3;
    struct pci_dev *d = selected(b);
    if (!d) return;
    unsigned n = size <= 4 - off ? size : 4 - off;
    pci_config_write(d, (b->config_address & 0xfc) + off, val, n);
}

static const struct pio_ops host_ops = {host_in, host_out};

bool pci_bus_init(struct pci_bus *b, struct bus *io)
{
    memset(b, 0, sizeof *b);
    b->io = io;
    return bus_add_pio(io, 0xcf8, 8, &host_ops, b);
}

void pci_bus_reset(struct pci_bus *b)
{
    b->config_address = 0;
    b->rcr = 0;
}
