/* The standard VGA of QEMU's `pc` machine (`-vga std`): a PCI function 1234:1111 (class 0300)
 * with the IBM VGA register files and planar memory, the Bochs VBE "dispi" interface, a linear
 * framebuffer behind BAR0, an MMIO register block behind BAR2 (EDID, the VGA ports, the dispi
 * registers) and the VGA BIOS behind the expansion ROM BAR.
 *
 * Split over four files: vga.c (I/O ports, register files, DAC, retrace), vga_mem.c (the legacy
 * window 0xA0000-0xBFFFF), vga_vbe.c (dispi registers, BAR2, EDID) and vga_pci.c (the PCI
 * function). vga_render.c turns the state into pixels; it only reads this struct.
 *
 * Video memory layout (the one QEMU and Bochs use): byte 4*o + p of vram is byte o of plane p.
 * Planar accesses move a 32-bit latch (all four planes of one offset). Chain-4 accesses address
 * vram bytes directly, so mode 13h and the VBE windows (banked and linear) see the same bytes.
 * Odd/even accesses (text modes) compact the address: CPU address a reaches plane
 * (a & 1) | (GR4 & 2) at offset a >> 1, and the CRTC reads text cell n at offset n.
 *
 * Devices never longjmp and never touch the CPU. Guest time (retrace) comes from the virtual
 * clock only. */
#ifndef DEVICES_VGA_H
#define DEVICES_VGA_H

#include "devices/bus.h"
#include "devices/pci.h"
#include "machine/clock.h"
#include "mmu/memmap.h"

#define VGA_VRAM_SIZE (16u << 20) /* QEMU's default vgamem_mb=16 */
#define VGA_LEGACY_BASE 0xa0000u
#define VGA_LEGACY_SIZE 0x20000u
#define VGA_BAR2_SIZE 0x1000u
#define VGA_PCI_VENDOR 0x1234
#define VGA_PCI_DEVICE 0x1111

/* Register indices (IBM VGA Technical Reference; names as in FreeVGA) */
#define VGA_SR_RESET 0x00
#define VGA_SR_CLOCKING 0x01 /* bit 0: 8-dot chars, bit 3: dot clock / 2, bit 5: screen off */
#define VGA_SR_MAP_MASK 0x02
#define VGA_SR_CHARMAP 0x03
#define VGA_SR_MEMMODE 0x04 /* bit 1: extended memory, bit 2: odd/even disable, bit 3: chain-4 */
#define VGA_GR_SET_RESET 0x00
#define VGA_GR_ENABLE_SR 0x01
#define VGA_GR_COLOR_CMP 0x02
#define VGA_GR_ROTATE 0x03 /* bits 2:0 rotate count, bits 4:3 logical operation */
#define VGA_GR_READ_MAP 0x04
#define VGA_GR_MODE 0x05 /* 1:0 write mode, 3 read mode, 4 host odd/even, 5 interleaved, 6 256-colour */
#define VGA_GR_MISC 0x06 /* bit 0: graphics, bit 1: chain odd/even, bits 3:2 memory map */
#define VGA_GR_DONT_CARE 0x07
#define VGA_GR_BIT_MASK 0x08
#define VGA_AR_MODE 0x10 /* bit 0 graphics, 2 line graphics, 3 blink, 6 8-bit colour, 7 P54S */
#define VGA_AR_OVERSCAN 0x11
#define VGA_AR_PLANE_ENABLE 0x12
#define VGA_AR_PANNING 0x13
#define VGA_AR_COLOR_SELECT 0x14
#define VGA_AR_COUNT 0x15
#define VGA_AR_PAS 0x20 /* attribute index bit 5: palette address source (1 = display on) */
#define VGA_MISC_COLOR 0x01 /* I/O address select: 1 = CRTC at 0x3D4, status at 0x3DA */
#define VGA_ST1_DISP_OFF 0x01 /* input status 1: display disabled (blanking) */
#define VGA_ST1_VRETRACE 0x08

/* Bochs VBE dispi interface (ports 0x1CE index / 0x1CF data; the Bochs and QEMU sources) */
#define VBE_DISPI_INDEX_ID 0x0
#define VBE_DISPI_INDEX_XRES 0x1
#define VBE_DISPI_INDEX_YRES 0x2
#define VBE_DISPI_INDEX_BPP 0x3
#define VBE_DISPI_INDEX_ENABLE 0x4
#define VBE_DISPI_INDEX_BANK 0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH 0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT 0x7
#define VBE_DISPI_INDEX_X_OFFSET 0x8
#define VBE_DISPI_INDEX_Y_OFFSET 0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_NUM_REGS 0xb
#define VBE_DISPI_ID0 0xb0c0
#define VBE_DISPI_ID5 0xb0c5
#define VBE_DISPI_ENABLED 0x01
#define VBE_DISPI_GETCAPS 0x02
#define VBE_DISPI_8BIT_DAC 0x20
#define VBE_DISPI_LFB_ENABLED 0x40
#define VBE_DISPI_NOCLEARMEM 0x80
#define VBE_DISPI_MAX_XRES 16000
#define VBE_DISPI_MAX_YRES 12000
#define VBE_DISPI_MAX_BPP 32
#define VBE_DISPI_IOPORT_INDEX 0x1ce

struct vga {
    /* video memory */
    uint8_t *vram;
    uint32_t vram_size; /* power of two, at least 256 KiB */
    uint32_t latch;     /* the four plane latches, plane p in bits 8p+7..8p */
    struct memmap *mem; /* when vram is memory-map backing: writes note self-modifying code */
    uint64_t vram_off;  /* host offset of vram in mem */

    /* register files */
    uint8_t misc, fcr;
    uint8_t sr_index, sr[8];
    uint8_t gr_index, gr[16];
    uint8_t cr_index, cr[256];
    uint8_t ar_index, ar[VGA_AR_COUNT];
    bool ar_flip; /* attribute controller: the next 0x3C0 write is data */
    uint8_t dac_mask, dac_read, dac_write, dac_sub, dac_state;
    uint8_t dac_cache[3];
    uint8_t dac[256 * 3]; /* R, G, B; 6 bits each unless the 8-bit DAC is on */

    /* Bochs VBE */
    uint16_t vbe_index;
    uint16_t vbe[VBE_DISPI_NUM_REGS];
    uint32_t bank_offset;  /* legacy window offset into vram (VBE banking) */
    uint32_t vbe_line;     /* bytes per scan line while VBE is on */
    uint32_t vbe_start;    /* byte offset of the visible origin while VBE is on */

    struct clock *clk; /* retrace timing; NULL: status bits toggle on every read */
    bool retrace_toggle;

    struct pci_dev dev;
    uint8_t edid[128];
};

/* Initializes v over vram (vram_size bytes, a power of two >= 256 KiB, caller-owned) and claims
 * the VGA ports 0x3B0-0x3DF and the dispi ports 0x1CE-0x1D0 on io (io may be NULL for unit
 * tests). clk drives the retrace bits (may be NULL). Returns false if a port is taken. Call
 * vga_reset before use. Never raises. */
bool vga_init(struct vga *v, struct bus *io, struct clock *clk, uint8_t *vram, uint32_t vram_size);
/* Power-on state: every register zero, VBE off, DAC mask 0xFF. Video memory is kept. */
void vga_reset(struct vga *v);

/* Byte-wide register access at I/O port port (0x3B0-0x3DF); out-of-range ports read 0xFF. */
uint8_t vga_port_read(struct vga *v, uint16_t port);
void vga_port_write(struct vga *v, uint16_t port, uint8_t val);
/* Input status 1 (0x3BA/0x3DA) without its side effect on the attribute flip-flop. */
uint8_t vga_status1(struct vga *v);

/* The legacy memory window: off is relative to 0xA0000 (0..0x1FFFF). Reads update the latches. */
uint8_t vga_mem_read(struct vga *v, uint32_t off);
void vga_mem_write(struct vga *v, uint32_t off, uint8_t val);
extern const struct mmio_ops vga_legacy_mmio_ops; /* opaque = struct vga */

/* Dispi registers by index (what ports 0x1CE/0x1CF and BAR2 + 0x500 reach). */
uint16_t vga_vbe_read(struct vga *v, unsigned index);
void vga_vbe_write(struct vga *v, unsigned index, uint16_t val);
static inline bool vga_vbe_enabled(const struct vga *v) { return v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED; }
/* Bits per pixel of the enabled VBE mode (8, 15, 16, 24, 32). */
unsigned vga_vbe_bpp(const struct vga *v);
/* BAR2 (QEMU stdvga layout): 0x000 EDID, 0x400-0x41F ports 0x3C0-0x3DF, 0x500-0x515 dispi
 * registers (index * 2), 0x600 QEMU extension registers. opaque = struct vga. */
extern const struct mmio_ops vga_bar2_mmio_ops;
/* Builds the 128-byte EDID 1.4 block the device reports (1024x768 preferred). */
void vga_edid_build(uint8_t out[128]);

/* The PCI function at devfn: BAR0 (prefetchable, vram_size) backed at host offset vram_off, BAR2
 * (4 KiB MMIO), and, when rom_size > 0, the expansion ROM BAR (rom_size, a power of two) backed
 * at rom_off. Adds it to bus. Returns false if the slot is taken. */
bool vga_pci_init(struct vga *v, struct pci_bus *bus, uint8_t devfn, uint64_t vram_off,
                  uint64_t rom_off, uint32_t rom_size);
void vga_pci_reset(struct vga *v);

#endif
