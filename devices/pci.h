/* A small PCI bus: configuration mechanism #1 (ports 0xCF8/0xCFC-0xCFF), the PIIX3 reset control
 * register (port 0xCF9), bus 0 only (no bridges), type-0 headers with 256-byte configuration
 * spaces, BAR sizing and decoding, and INTx -> PIRQ swizzling.
 *
 * A function is a struct pci_dev embedded in its device's struct. The device fills cfg[] (IDs,
 * class, defaults) and wmask[]/w1cmask[] with pci_dev_init() and pci_register_bar(), calls
 * pci_dev_seal() to record the power-on image, and pci_bus_add() to plug it in. Guest writes then
 * go through the write masks; a device hook sees every write after it has landed.
 *
 * Address decoding of BARs: I/O BARs are entered into the port bus directly (claiming only ports
 * no fixed device owns); memory BARs are handed to the board's map_mmio hook. Devices never touch
 * the CPU and never longjmp.
 *
 * CONFIG_ADDRESS (0xCF8, dword accesses only):
 *   31     30..24   23..16  15..11  10..8  7..2   1..0
 *   enable reserved bus     device  func   dword  00
 */
#ifndef DEVICES_PCI_H
#define DEVICES_PCI_H

#include "devices/bus.h"
#include "emu/compiler.h"
#include "mmu/memmap.h"

/* Type-0 header offsets (PCI Local Bus Specification 3.0, 6.1) */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_SERR 0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_HEADER_MULTIFUNCTION 0x80

#define PCI_DEVFN(slot, fn) ((uint8_t)(((slot) << 3) | (fn)))
#define PCI_NUM_BARS 6
#define PCI_ROM_SLOT 6 /* bar[6] is the expansion ROM BAR at 0x30 */
#define PCI_BAR_UNMAPPED UINT64_MAX

enum pci_bar_kind { PCI_BAR_UNUSED, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64, PCI_BAR_ROM };

/* A window of up to 256 I/O ports that follows a programmable base (I/O BARs, the PIIX4 PM
 * block). Only ports that were free when it was mapped are claimed, and only those are released. */
struct pci_io_window {
    const struct pio_ops *ops;
    void *opaque;
    unsigned count;      /* ports, at most 256 */
    uint32_t base;       /* valid while mapped */
    bool mapped;
    uint64_t claimed[4]; /* bitmap over [base, base+count) */
};

struct pci_bar {
    enum pci_bar_kind kind;
    uint64_t size;              /* power of two */
    bool prefetch;
    const struct pio_ops *pio;  /* I/O BAR: port handlers (NULL: decode nothing) */
    const struct mmio_ops *mmio; /* memory/ROM BAR: handed to the board's map_mmio hook */
    void *opaque;
    /* A memory BAR whose window is plain memory-map backing (a framebuffer, an option ROM) rather
     * than callbacks: the board maps host offset backing_off there, as RAM (ROM for the ROM BAR). */
    bool backed;
    uint64_t backing_off;
    uint64_t addr;              /* decoded address, PCI_BAR_UNMAPPED when not decoding */
    struct pci_io_window win;   /* I/O BARs */
};

struct pci_bus;
struct pci_dev {
    uint8_t cfg[256];
    uint8_t wmask[256];   /* bits the guest may write */
    uint8_t w1cmask[256]; /* bits the guest clears by writing 1 (status) */
    uint8_t cfg_reset[256];
    uint8_t devfn;
    const char *name;
    struct pci_bus *bus;
    struct pci_bar bar[7];
    bool intx;   /* the device's INTx request (before COMMAND.INTX_DISABLE) */
    bool intx_out; /* what this function currently drives onto its PIRQ */
    /* Called after a guest write to [addr, addr+size) has been applied through the masks. */
    void (*config_written)(struct pci_dev *d, unsigned addr, unsigned size);
    void *owner; /* the device struct */
};

struct pci_bus {
    struct bus *io;
    struct pci_dev *dev[256]; /* by devfn */
    uint32_t config_address;
    uint8_t rcr; /* 0xCF9 reset control */
    unsigned pirq_count[4]; /* functions asserting each PIRQ */

    /* Board hooks (set before the guest runs). */
    /* Reset requested through 0xCF9 (RCPU 0->1): hard = SRST (full system reset), else a soft
     * reset (INIT). Must not longjmp; the board acts when the instruction completes. */
    void (*reset_request)(void *opaque, bool hard);
    /* Map (map=true) or unmap a memory BAR window [addr, addr+size) served by d->bar[n].mmio, or
     * by backing when d->bar[n].backed. Called unmap-old-then-map-new whenever decoding changes.
     * NULL: memory BARs stay unmapped. */
    void (*map_mmio)(void *opaque, struct pci_dev *d, int n, uint64_t addr, uint64_t size, bool map);
    void *board;

    /* PIRQ output (set by the PIIX3 ISA bridge): level of PIRQ[A..D] (0..3) changed. */
    void (*pirq_set)(void *opaque, int pirq, int level);
    void *pirq_opaque;
};

/* Initializes the bus and claims ports 0xCF8-0xCFF. Returns false if any is taken. Never raises. */
bool pci_bus_init(struct pci_bus *b, struct bus *io);
/* Power-on state of the host interface (CONFIG_ADDRESS, RCR). Functions reset themselves. */
void pci_bus_reset(struct pci_bus *b);
/* Plugs d in at d->devfn. Returns false if the slot is taken. */
bool pci_bus_add(struct pci_bus *b, struct pci_dev *d);

/* Clears d and fills the identification registers. class24 = base<<16 | sub<<8 | prog-if.
 * COMMAND is writable in IO/MEM/MASTER/SERR/INTX_DISABLE, STATUS error bits are write-1-clear,
 * cache line size, latency timer and interrupt line are writable; device-specific space
 * 0x40-0xFF starts read-only (the device sets its masks). */
void pci_dev_init(struct pci_dev *d, const char *name, uint8_t devfn, uint16_t vendor,
                  uint16_t device, uint8_t rev, uint32_t class24, uint8_t header_type);
/* Declares BAR n (0-5, or PCI_ROM_SLOT) of the given kind and power-of-two size. Sets the read-only
 * type bits and the write mask. pio/mmio/opaque are the handlers used when it decodes. */
void pci_register_bar(struct pci_dev *d, int n, enum pci_bar_kind kind, uint64_t size, bool prefetch,
                      const struct pio_ops *pio, const struct mmio_ops *mmio, void *opaque);
/* Declares memory BAR n (or PCI_ROM_SLOT) served by memory-map backing at host offset off (see
 * struct pci_bar.backed): guest accesses take the RAM fast path. */
void pci_register_bar_backed(struct pci_dev *d, int n, enum pci_bar_kind kind, uint64_t size,
                             bool prefetch, uint64_t off);
/* Records the current cfg[] as the reset image. Call once, after init and BARs. */
void pci_dev_seal(struct pci_dev *d);
/* Restores the reset image, drops INTx and unmaps all BARs. */
void pci_dev_reset(struct pci_dev *d);

/* Guest-visible configuration accesses (size 1, 2, 4; addr within 0..255, not crossing 256). */
uint32_t pci_config_read(struct pci_dev *d, unsigned addr, unsigned size);
void pci_config_write(struct pci_dev *d, unsigned addr, uint32_t val, unsigned size);

/* Sets the function's INTx request level (on the pin in cfg[0x3D]). Never raises. */
void pci_set_irq(struct pci_dev *d, int level);
/* The PIRQ (0=A .. 3=D) the function's pin reaches on the PIIX: (pin-1 + slot-1) & 3, -1 if no pin. */
int pci_dev_pirq(const struct pci_dev *d);

/* Re-evaluates BAR decoding after COMMAND or a BAR changed (done automatically on guest writes). */
void pci_update_mappings(struct pci_dev *d);

/* Moves an I/O window: unmaps it if mapped, then maps it at base when enable. */
void pci_io_window_set(struct bus *io, struct pci_io_window *w, bool enable, uint32_t base);

/* Little-endian helpers on configuration space. */
static inline uint16_t pci_get_word(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k));
}

#endif
