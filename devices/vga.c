/* VGA I/O ports: sequencer, graphics controller, attribute controller, CRT controller, DAC, misc
 * output, feature control and the input status registers, plus the dispi index/data ports.
 * Sources: IBM VGA XGA Technical Reference Manual (1992), "Video Graphics Array" chapter
 * (register descriptions; "IBM VGA TRM" below); FreeVGA (register bit names); behaviour SeaVGABIOS
 * relies on was checked against QEMU 7.2 `-vga std` in /work/shared/reference/traces
 * (io-seabios.txt.gz). */
#include "devices/vga.h"

#include <string.h>

#include "emu/log.h"

/* Writable bits of each register; reserved bits read back 0 (IBM VGA TRM register tables). */
static const uint8_t sr_wmask[8] = {0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0x00};
static const uint8_t gr_wmask[16] = {0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff};

/* ---- retrace on the virtual clock ---------------------------------------------------------- */

/* IBM VGA TRM, CRT controller: horizontal total (CR00) counts character clocks minus 5; vertical
 * total (CR06, CR07 bits 0 and 5) counts scan lines minus 2; vertical retrace start (CR10, CR07
 * bits 2 and 7) and end (CR11 bits 3:0, compared modulo 16); misc output bits 3:2 select the
 * 25.175 or 28.322 MHz dot clock, SR01 bit 0 the 8- or 9-dot character, bit 3 halves the clock. */
struct vga_timing {
    uint64_t char_ns_x1k; /* one character clock, in ns * 1000 */
    unsigned htotal, hdisp, vtotal, vdisp, vrs, vre_len;
};

static void vga_timing(const struct vga *v, struct vga_timing *t)
{
    const uint8_t *cr = v->cr;
    unsigned htotal = cr[0x00] + 5u;
    unsigned vtotal = (cr[0x06] | ((cr[0x07] & 0x01u) << 8) | ((cr[0x07] & 0x20u) << 4)) + 2u;
    unsigned vdisp = (cr[0x12] | ((cr[0x07] & 0x02u) << 7) | ((cr[0x07] & 0x40u) << 3)) + 1u;
    unsigned vrs = cr[0x10] | ((cr[0x07] & 0x04u) << 6) | ((cr[0x07] & 0x80u) << 2);
    unsigned vre_len = ((cr[0x11] & 0x0fu) - (vrs & 0x0fu)) & 0x0fu;
    if (!vre_len) vre_len = 16;
    unsigned dots = (v->sr[VGA_SR_CLOCKING] & 0x01) ? 8 : 9;
    uint64_t hz = ((v->misc >> 2) & 3) == 1 ? 28322000u : 25175000u;
    if (v->sr[VGA_SR_CLOCKING] & 0x08) hz /= 2;
    if (htotal < 10 || vtotal < 16 || vrs >= vtotal || cr[0x01] + 1u >= htotal) {
        /* registers not programmed (power-on): 640x480 at 60 Hz timing, 800 dots x 525 lines */
        htotal = 100, dots = 8, hz = 25175000u, vtotal = 525, vdisp = 480, vrs = 490, vre_len = 2;
        t->hdisp = 80;
    } else {
        t->hdisp = cr[0x01] + 1u;
    }
    t->char_ns_x1k = (uint64_t)dots * 1000000000000ull / hz;
    t->htotal = htotal;
    t->vtotal = vtotal;
    t->vdisp = vdisp;
    t->vrs = vrs;
    t->vre_len = vre_len;
}

uint8_t vga_status1(struct vga *v)
{
    if (!v->clk) {
        v->retrace_toggle = !v->retrace_toggle;
        return v->retrace_toggle ? (VGA_ST1_DISP_OFF | VGA_ST1_VRETRACE) : 0;
    }
    struct vga_timing t;
    vga_timing(v, &t);
    uint64_t frame_chars = (uint64_t)t.htotal * t.vtotal;
    /* position in the frame, in character clocks, from guest time */
    uint64_t chars = clock_ns(v->clk) * 1000u / t.char_ns_x1k;
    uint64_t pos = chars % frame_chars;
    unsigned line = (unsigned)(pos / t.htotal), col = (unsigned)(pos % t.htotal);
    uint8_t st = 0;
    if (line >= t.vrs && line < t.vrs + t.vre_len) st |= VGA_ST1_VRETRACE;
    if (line >= t.vdisp || col >= t.hdisp) st |= VGA_ST1_DISP_OFF;
    return st;
}

/* ---- port decoding ------------------------------------------------------------------------- */

/* IBM VGA TRM, misc output bit 0: the CRTC and input status 1 answer at 0x3Bx (monochrome) or
 * 0x3Dx (colour); the other block does not respond. */
static bool port_decoded(const struct vga *v, uint16_t port)
{
    if (port >= 0x3b0 && port <= 0x3bf) return !(v->misc & VGA_MISC_COLOR);
    if (port >= 0x3d0 && port <= 0x3df) return (v->misc & VGA_MISC_COLOR) != 0;
    return port >= 0x3c0 && port <= 0x3cf;
}

uint8_t vga_port_read(struct vga *v, uint16_t port)
{
    if (!port_decoded(v, port)) return 0xff;
    switch (port) {
    case 0x3c0: /* attribute address register */
        return v->ar_index;
    case 0x3c1: {
        unsigned i = v->ar_index & 0x1f;
        return i < VGA_AR_COUNT ? v->ar[i] : 0;
    }
    case 0x3c2: /* input status 0: no switch sense, no vertical interrupt */
        return 0x00;
    case 0x3c4: return v->sr_index;
    case 0x3c5: return v->sr[v->sr_index & 7];
    case 0x3c6: return v->dac_mask;
    case 0x3c7: return v->dac_state; /* DAC state: 0 after a write-index, 3 after a read-index */
    case 0x3c8: return v->dac_write;
    case 0x3c9: {
        uint8_t b = v->dac[v->dac_read * 3u + v->dac_sub];
        if (++v->dac_sub == 3) {
            v->dac_sub = 0;
            v->dac_read++;
        }
        return b;
    }
    case 0x3ca: return v->fcr;
    case 0x3cc: return v->misc;
    case 0x3ce: return v->gr_index;
    case 0x3cf: return v->gr[v->gr_index & 0x0f];
    case 0x3b4: case 0x3d4: return v->cr_index;
    case 0x3b5: case 0x3d5: return v->cr[v->cr_index];
    case 0x3ba: case 0x3da:
        /* IBM VGA TRM: reading input status 1 resets the attribute address flip-flop */
        v->ar_flip = false;
        return vga_status1(v);
    default:
        return 0xff;
    }
}

static void attr_write(struct vga *v, uint8_t val)
{
    if (!v->ar_flip) {
        v->ar_index = val & 0x3f; /* bits 4:0 index, bit 5 palette address source */
    } else {
        unsigned i = v->ar_index & 0x1f;
        if (i < 0x10) v->ar[i] = val & 0x3f;
        else if (i == VGA_AR_MODE) v->ar[i] = val & (uint8_t)~0x10;
        else if (i == VGA_AR_OVERSCAN) v->ar[i] = val;
        else if (i == VGA_AR_PLANE_ENABLE) v->ar[i] = val & 0x3f;
        else if (i == VGA_AR_PANNING || i == VGA_AR_COLOR_SELECT) v->ar[i] = val & 0x0f;
    }
    v->ar_flip = !v->ar_flip;
}

static void crtc_write(struct vga *v, uint8_t val)
{
    uint8_t i = v->cr_index;
    /* IBM VGA TRM, CR11 bit 7: CR00-CR07 are write protected, except the line compare bit 8 in
     * CR07 bit 4 */
    if ((v->cr[0x11] & 0x80) && i <= 0x07) {
        if (i == 0x07) v->cr[0x07] = (uint8_t)((v->cr[0x07] & ~0x10) | (val & 0x10));
        return;
    }
    v->cr[i] = val;
}

void vga_port_write(struct vga *v, uint16_t port, uint8_t val)
{
    if (!port_decoded(v, port)) return;
    switch (port) {
    case 0x3c0: attr_write(v, val); break;
    case 0x3c2: v->misc = val & (uint8_t)~0x10; break;
    case 0x3c4: v->sr_index = val & 7; break;
    case 0x3c5: v->sr[v->sr_index & 7] = val & sr_wmask[v->sr_index & 7]; break;
    case 0x3c6: v->dac_mask = val; break;
    case 0x3c7:
        v->dac_read = val;
        v->dac_sub = 0;
        v->dac_state = 3;
        break;
    case 0x3c8:
        v->dac_write = val;
        v->dac_sub = 0;
        v->dac_state = 0;
        break;
    case 0x3c9:
        /* IBM VGA TRM, DAC: three writes (red, green, blue) load one entry, then the write index
         * advances. The stored values are 6 bits wide unless VBE switched the DAC to 8 bits. */
        v->dac_cache[v->dac_sub] = (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC) ? val : (val & 0x3f);
        if (++v->dac_sub == 3) {
            memcpy(&v->dac[v->dac_write * 3u], v->dac_cache, 3);
            v->dac_sub = 0;
            v->dac_write++;
        }
        break;
    case 0x3ce: v->gr_index = val & 0x0f; break;
    case 0x3cf: v->gr[v->gr_index & 0x0f] = val & gr_wmask[v->gr_index & 0x0f]; break;
    case 0x3b4: case 0x3d4: v->cr_index = val; break;
    case 0x3b5: case 0x3d5: crtc_write(v, val); break;
    case 0x3ba: case 0x3da: v->fcr = val & 0x0b; break; /* feature control (bits 0, 1, 3) */
    default:
        LOG(LOG_GUEST_ERRORS, "vga: write %02x to unhandled port %03x\n", val, port);
        break;
    }
}

/* Wider accesses are byte accesses at port, port+1, ... in little-endian order (SeaVGABIOS
 * writes index and data with one 16-bit OUT). */
static uint32_t vga_pio_in(void *opaque, uint16_t port, unsigned size)
{
    uint32_t r = 0;
    for (unsigned k = 0; k < size; k++) r |= (uint32_t)vga_port_read(opaque, (uint16_t)(port + k)) << (8 * k);
    return r;
}

static void vga_pio_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    for (unsigned k = 0; k < size; k++) vga_port_write(opaque, (uint16_t)(port + k), (uint8_t)(val >> (8 * k)));
}

static const struct pio_ops vga_pio_ops = {vga_pio_in, vga_pio_out};

/* Dispi: 0x1CE index, 0x1CF data (and 0x1D0, QEMU's alias for non-x86 hosts), 16 bits wide. A
 * byte access reaches the low byte. */
static uint32_t vbe_pio_in(void *opaque, uint16_t port, unsigned size)
{
    struct vga *v = opaque;
    uint32_t r = port == VBE_DISPI_IOPORT_INDEX ? v->vbe_index : vga_vbe_read(v, v->vbe_index);
    return size == 1 ? (r & 0xff) : r;
}

static void vbe_pio_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct vga *v = opaque;
    if (port == VBE_DISPI_IOPORT_INDEX)
        v->vbe_index = (uint16_t)val;
    else
        vga_vbe_write(v, v->vbe_index, (uint16_t)val);
}

static const struct pio_ops vbe_pio_ops = {vbe_pio_in, vbe_pio_out};

bool vga_init(struct vga *v, struct bus *io, struct clock *clk, uint8_t *vram, uint32_t vram_size)
{
    memset(v, 0, sizeof *v);
    v->vram = vram;
    v->vram_size = vram_size;
    v->clk = clk;
    vga_edid_build(v->edid);
    if (io && (!bus_add_pio(io, 0x3b0, 0x30, &vga_pio_ops, v) || !bus_add_pio(io, 0x1ce, 3, &vbe_pio_ops, v)))
        return false;
    return true;
}

void vga_reset(struct vga *v)
{
    v->latch = 0;
    v->misc = v->fcr = 0;
    v->sr_index = v->gr_index = v->cr_index = v->ar_index = 0;
    memset(v->sr, 0, sizeof v->sr);
    memset(v->gr, 0, sizeof v->gr);
    memset(v->cr, 0, sizeof v->cr);
    memset(v->ar, 0, sizeof v->ar);
    v->ar_flip = false;
    v->dac_mask = 0xff;
    v->dac_read = v->dac_write = v->dac_sub = v->dac_state = 0;
    memset(v->dac, 0, sizeof v->dac);
    v->vbe_index = 0;
    memset(v->vbe, 0, sizeof v->vbe);
    v->vbe[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID0;
    v->bank_offset = 0;
    v->vbe_line = v->vbe_start = 0;
    v->retrace_toggle = false;
}
