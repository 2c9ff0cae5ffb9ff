/* The Bochs VBE "dispi" interface, the BAR2 register block of QEMU's stdvga, and the EDID it
 * reports. Sources: the dispi register set as documented by Bochs (iodev/display/vga.h,
 * "VBE_DISPI_*") and by QEMU (docs/specs/standard-vga.rst: the BAR2 layout); what SeaVGABIOS
 * expects was checked in its source (vgasrc/bochsvga.c: ID probe, VIDEO_MEMORY_64K, GETCAPS,
 * mode set order) and in /work/shared/reference/traces/io-seabios.txt.gz. EDID layout: VESA
 * E-EDID standard, release A rev. 2 (EDID 1.4), section 3; timing: VESA DMT 1024x768 at 60 Hz. */
#include "devices/vga.h"

#include <string.h>

#include "emu/log.h"

unsigned vga_vbe_bpp(const struct vga *v)
{
    unsigned b = v->vbe[VBE_DISPI_INDEX_BPP];
    return (b == 4 || b == 8 || b == 15 || b == 16 || b == 24 || b == 32) ? b : 8;
}

/* Bytes per scan line of width pixels at bpp (15 bpp occupies 16 bits; 4 bpp is planar: one
 * byte per plane per 8 pixels, counted as 4 vram bytes per 8 pixels). */
static uint32_t line_bytes(unsigned width, unsigned bpp)
{
    if (bpp == 4) return width / 2;
    return width * ((bpp + 7) / 8);
}

/* Brings the mode registers into range while VBE is on, as the real adapters do (the interface
 * has no way to report an error): depth to a supported one, widths to multiples of 8 within
 * the maximum, the virtual width at least the visible one, the height within video memory, and
 * the display origin so that the visible screen stays inside video memory. */
static void vbe_fixup(struct vga *v)
{
    uint16_t *r = v->vbe;
    if (!(r[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED)) return;
    unsigned bpp = vga_vbe_bpp(v);
    r[VBE_DISPI_INDEX_BPP] = (uint16_t)bpp;
    r[VBE_DISPI_INDEX_XRES] &= (uint16_t)~7u;
    if (r[VBE_DISPI_INDEX_XRES] == 0) r[VBE_DISPI_INDEX_XRES] = 8;
    if (r[VBE_DISPI_INDEX_XRES] > VBE_DISPI_MAX_XRES) r[VBE_DISPI_INDEX_XRES] = VBE_DISPI_MAX_XRES;
    r[VBE_DISPI_INDEX_VIRT_WIDTH] &= (uint16_t)~7u;
    if (r[VBE_DISPI_INDEX_VIRT_WIDTH] > VBE_DISPI_MAX_XRES) r[VBE_DISPI_INDEX_VIRT_WIDTH] = VBE_DISPI_MAX_XRES;
    if (r[VBE_DISPI_INDEX_VIRT_WIDTH] < r[VBE_DISPI_INDEX_XRES]) r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
    uint32_t line = line_bytes(r[VBE_DISPI_INDEX_VIRT_WIDTH], bpp);
    uint32_t maxy = v->vram_size / line;
    if (r[VBE_DISPI_INDEX_YRES] == 0) r[VBE_DISPI_INDEX_YRES] = 1;
    if (r[VBE_DISPI_INDEX_YRES] > VBE_DISPI_MAX_YRES) r[VBE_DISPI_INDEX_YRES] = VBE_DISPI_MAX_YRES;
    if (r[VBE_DISPI_INDEX_YRES] > maxy) r[VBE_DISPI_INDEX_YRES] = (uint16_t)maxy;
    if (r[VBE_DISPI_INDEX_X_OFFSET] > VBE_DISPI_MAX_XRES) r[VBE_DISPI_INDEX_X_OFFSET] = VBE_DISPI_MAX_XRES;
    if (r[VBE_DISPI_INDEX_Y_OFFSET] > VBE_DISPI_MAX_YRES) r[VBE_DISPI_INDEX_Y_OFFSET] = VBE_DISPI_MAX_YRES;
    uint64_t visible = (uint64_t)r[VBE_DISPI_INDEX_YRES] * line;
    uint64_t xoff = bpp == 4 ? r[VBE_DISPI_INDEX_X_OFFSET] / 2u : (uint64_t)r[VBE_DISPI_INDEX_X_OFFSET] * ((bpp + 7) / 8);
    uint64_t start = xoff + (uint64_t)r[VBE_DISPI_INDEX_Y_OFFSET] * line;
    if (start + visible > v->vram_size) {
        r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
        start = xoff;
        if (start + visible > v->vram_size) {
            r[VBE_DISPI_INDEX_X_OFFSET] = 0;
            start = 0;
        }
    }
    r[VBE_DISPI_INDEX_VIRT_HEIGHT] = (uint16_t)(maxy > 0xffff ? 0xffff : maxy);
    v->vbe_line = line;
    v->vbe_start = (uint32_t)start;
}

uint16_t vga_vbe_read(struct vga *v, unsigned index)
{
    const uint16_t *r = v->vbe;
    if (index == VBE_DISPI_INDEX_VIDEO_MEMORY_64K) return (uint16_t)(v->vram_size >> 16);
    if (index >= VBE_DISPI_NUM_REGS) return 0;
    if (r[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) {
        /* GETCAPS: the mode registers read back their maxima (SeaVGABIOS prunes its mode list
         * with them) */
        if (index == VBE_DISPI_INDEX_XRES) return VBE_DISPI_MAX_XRES;
        if (index == VBE_DISPI_INDEX_YRES) return VBE_DISPI_MAX_YRES;
        if (index == VBE_DISPI_INDEX_BPP) return VBE_DISPI_MAX_BPP;
    }
    return r[index];
}

/* Enabling VBE puts the VGA side in the state the banked window needs: graphics mode with the
 * 64 KiB map at 0xA0000, chain-4 with all planes writable and the 256-colour shift (planar
 * 4-bpp modes keep planar addressing). */
static void vbe_enable_vga_side(struct vga *v)
{
    v->gr[VGA_GR_MISC] = (uint8_t)((v->gr[VGA_GR_MISC] & ~0x0c) | 0x04 | 0x01);
    if (vga_vbe_bpp(v) == 4) {
        v->sr[VGA_SR_MEMMODE] &= (uint8_t)~0x08;
        v->gr[VGA_GR_MODE] &= (uint8_t)~0x60;
    } else {
        v->sr[VGA_SR_MEMMODE] |= 0x08;
        v->sr[VGA_SR_MAP_MASK] |= 0x0f;
        v->gr[VGA_GR_MODE] = (uint8_t)((v->gr[VGA_GR_MODE] & ~0x60) | 0x40);
    }
}

void vga_vbe_write(struct vga *v, unsigned index, uint16_t val)
{
    uint16_t *r = v->vbe;
    switch (index) {
    case VBE_DISPI_INDEX_ID:
        if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5) r[index] = val;
        break;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_BPP:
    case VBE_DISPI_INDEX_VIRT_WIDTH:
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        r[index] = val;
        vbe_fixup(v);
        break;
    case VBE_DISPI_INDEX_BANK: {
        /* 64 KiB banks; a planar (4 bpp) bank covers four planes */
        uint32_t banks = v->vram_size >> 16;
        if (vga_vbe_enabled(v) && vga_vbe_bpp(v) == 4) banks >>= 2;
        val &= (uint16_t)(banks - 1);
        r[index] = val;
        v->bank_offset = (uint32_t)val << 16;
        break;
    }
    case VBE_DISPI_INDEX_ENABLE: {
        bool was = r[index] & VBE_DISPI_ENABLED;
        r[index] = val;
        if ((val & VBE_DISPI_ENABLED) && !was) {
            /* a new mode: the panning state starts over */
            r[VBE_DISPI_INDEX_VIRT_WIDTH] = 0;
            r[VBE_DISPI_INDEX_X_OFFSET] = 0;
            r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
            vbe_fixup(v);
            if (!(val & VBE_DISPI_NOCLEARMEM)) {
                uint64_t n = (uint64_t)r[VBE_DISPI_INDEX_YRES] * v->vbe_line;
                memset(v->vram, 0, n < v->vram_size ? n : v->vram_size);
                if (v->mem)
                    for (uint64_t o = 0; o < n && o < v->vram_size; o += 4096) memmap_code_write(v->mem, (v->vram_off + o) >> 12);
            }
            vbe_enable_vga_side(v);
        } else if (!(val & VBE_DISPI_ENABLED)) {
            v->bank_offset = 0;
            r[VBE_DISPI_INDEX_BANK] = 0;
        }
        break;
    }
    default:
        LOG(LOG_GUEST_ERRORS, "vga: write %04x to read-only or unknown dispi register %u\n", val, index);
        break;
    }
}

/* ---- BAR2 ---------------------------------------------------------------------------------- */

#define BAR2_EDID 0x000
#define BAR2_VGA 0x400
#define BAR2_DISPI 0x500
#define BAR2_EXT 0x600
#define EXT_SIZE 8u
#define EXT_LITTLE_ENDIAN 0x1e1e1e1eu /* QEMU extension register 0x604: framebuffer byte order */

static uint8_t bar2_read_byte(struct vga *v, uint32_t off)
{
    if (off < BAR2_VGA) return off < sizeof v->edid ? v->edid[off] : 0;
    if (off < BAR2_VGA + 0x20) return vga_port_read(v, (uint16_t)(0x3c0 + off - BAR2_VGA));
    if (off >= BAR2_DISPI && off < BAR2_DISPI + 2 * VBE_DISPI_NUM_REGS) {
        uint16_t r = vga_vbe_read(v, (off - BAR2_DISPI) / 2);
        return (uint8_t)(r >> (8 * (off & 1)));
    }
    if (off >= BAR2_EXT && off < BAR2_EXT + 4) return (uint8_t)(EXT_SIZE >> (8 * (off & 3)));
    if (off >= BAR2_EXT + 4 && off < BAR2_EXT + 8) return (uint8_t)(EXT_LITTLE_ENDIAN >> (8 * (off & 3)));
    return 0;
}

static uint64_t bar2_read(void *opaque, uint64_t off, unsigned size)
{
    struct vga *v = opaque;
    if (off >= BAR2_DISPI && off < BAR2_DISPI + 2 * VBE_DISPI_NUM_REGS && size == 2 && !(off & 1))
        return vga_vbe_read(v, (unsigned)(off - BAR2_DISPI) / 2);
    uint64_t r = 0;
    for (unsigned k = 0; k < size; k++) r |= (uint64_t)bar2_read_byte(v, (uint32_t)(off + k)) << (8 * k);
    return r;
}

static void bar2_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    struct vga *v = opaque;
    if (off >= BAR2_VGA && off < BAR2_VGA + 0x20) {
        /* wider writes are byte writes in address order (index first, then data) */
        for (unsigned k = 0; k < size && off + k < BAR2_VGA + 0x20; k++)
            vga_port_write(v, (uint16_t)(0x3c0 + off + k - BAR2_VGA), (uint8_t)(val >> (8 * k)));
        return;
    }
    if (off >= BAR2_DISPI && off < BAR2_DISPI + 2 * VBE_DISPI_NUM_REGS && !(off & 1) && size >= 2) {
        vga_vbe_write(v, (unsigned)(off - BAR2_DISPI) / 2, (uint16_t)val);
        return;
    }
    if (off == BAR2_EXT + 4 && (uint32_t)val == EXT_LITTLE_ENDIAN) return; /* only little-endian */
    LOG(LOG_GUEST_ERRORS, "vga: BAR2 write %llx (size %u) at %03llx ignored\n", (unsigned long long)val,
        size, (unsigned long long)off);
}

const struct mmio_ops vga_bar2_mmio_ops = {bar2_read, bar2_write};

/* ---- EDID ---------------------------------------------------------------------------------- */

static void edid_chroma(uint8_t *e)
{
    /* sRGB primaries and the D65 white point (x, y) = (0.640, 0.330), (0.300, 0.600),
     * (0.150, 0.060), (0.3127, 0.3290) as 10-bit binary fractions, round(v * 1024) (E-EDID 3.7) */
    static const unsigned c[8] = {655, 338, 307, 614, 154, 61, 320, 337};
    e[25] = (uint8_t)(((c[0] & 3) << 6) | ((c[1] & 3) << 4) | ((c[2] & 3) << 2) | (c[3] & 3));
    e[26] = (uint8_t)(((c[4] & 3) << 6) | ((c[5] & 3) << 4) | ((c[6] & 3) << 2) | (c[7] & 3));
    for (int k = 0; k < 8; k++) e[27 + k] = (uint8_t)(c[k] >> 2);
}

static void edid_descriptor_text(uint8_t *d, uint8_t tag, const char *s)
{
    d[3] = tag;
    size_t n = strlen(s);
    for (size_t k = 0; k < 13; k++) d[5 + k] = k < n ? (uint8_t)s[k] : (k == n ? 0x0a : 0x20);
}

void vga_edid_build(uint8_t e[128])
{
    memset(e, 0, 128);
    static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    memcpy(e, header, 8);
    /* manufacturer "TUR": three 5-bit letters ('A' = 1), big-endian */
    uint16_t mfg = (uint16_t)((('T' - '@') << 10) | (('U' - '@') << 5) | ('R' - '@'));
    e[8] = (uint8_t)(mfg >> 8);
    e[9] = (uint8_t)mfg;
    e[10] = 0x01; /* product code 1 */
    e[16] = 1;    /* week 1 */
    e[17] = 2026 - 1990;
    e[18] = 1; /* EDID 1.4 */
    e[19] = 4;
    e[20] = 0xa0; /* digital input, 8 bits per primary */
    e[21] = 40;   /* 40 x 30 cm */
    e[22] = 30;
    e[23] = 120; /* gamma 2.2 */
    e[24] = 0x06; /* sRGB default colour space; the preferred timing is the native mode */
    edid_chroma(e);
    e[35] = 0x21; /* established timings: 640x480 at 60 Hz (bit 5), 800x600 at 60 Hz (bit 0) */
    e[36] = 0x08; /* 1024x768 at 60 Hz */
    for (int k = 38; k < 54; k++) e[k] = 0x01; /* standard timings unused */
    /* Detailed timing 1 (preferred): VESA DMT 1024x768 at 60 Hz, 65 MHz pixel clock, horizontal
     * 1024 + 320 blank (sync offset 24, width 136), vertical 768 + 38 blank (offset 3, width 6),
     * negative syncs; 400 x 300 mm. */
    uint8_t *d = e + 54;
    d[0] = 6500 & 0xff;
    d[1] = 6500 >> 8;
    d[2] = 1024 & 0xff;
    d[3] = 320 & 0xff;
    d[4] = (uint8_t)(((1024 >> 8) << 4) | (320 >> 8));
    d[5] = 768 & 0xff;
    d[6] = 38;
    d[7] = (uint8_t)((768 >> 8) << 4);
    d[8] = 24;
    d[9] = 136;
    d[10] = (3 << 4) | 6;
    d[11] = 0;
    d[12] = 400 & 0xff;
    d[13] = 300 & 0xff;
    d[14] = (uint8_t)(((400 >> 8) << 4) | (300 >> 8));
    d[17] = 0x18; /* digital separate sync, both polarities negative */
    edid_descriptor_text(e + 72, 0xfc, "turtles"); /* monitor name */
    /* display range limits: 50-75 Hz vertical, 30-80 kHz horizontal, 110 MHz, no timing formula */
    static const uint8_t range[18] = {0, 0, 0, 0xfd, 0, 50, 75, 30, 80, 11, 0x01, 0x0a,
                                      0x20, 0x20, 0x20, 0x20, 0x20, 0x20};
    memcpy(e + 90, range, sizeof range);
    e[108 + 3] = 0x10; /* dummy descriptor */
    uint8_t sum = 0;
    for (int k = 0; k < 127; k++) sum = (uint8_t)(sum + e[k]);
    e[127] = (uint8_t)(0x100 - sum);
}
