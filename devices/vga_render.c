/* VGA screen rendering and the text dump. Sources: IBM VGA XGA Technical Reference Manual, "Video
 * Graphics Array": CRT controller (display end, offset, start address, maximum scan line,
 * cursor, underline location, line compare), sequencer (clocking mode, character map select),
 * attribute controller (palette, mode control, colour plane enable, colour select) and DAC; the
 * vram layout is the one devices/vga.h describes. */
#include "devices/vga_render.h"

#include <stdlib.h>
#include <string.h>

/* ---- colours ------------------------------------------------------------------------------- */

static inline uint32_t rgb(unsigned r, unsigned g, unsigned b) { return (r << 16) | (g << 8) | b; }
static inline unsigned c6to8(unsigned c) { c &= 0x3f; return (c << 2) | (c >> 4); }

static void dac_palette(const struct vga *v, uint32_t pal[256])
{
    bool dac8 = (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC) != 0;
    for (unsigned i = 0; i < 256; i++) {
        const uint8_t *p = &v->dac[i * 3];
        pal[i] = dac8 ? rgb(p[0], p[1], p[2]) : rgb(c6to8(p[0]), c6to8(p[1]), c6to8(p[2]));
    }
}

/* The attribute controller path of a 4-bit colour: palette register, then colour select (AR14
 * supplies bits 7:6, and bits 5:4 too when AR10 bit 7 is set), then the DAC pixel mask. */
static void attr_palette(const struct vga *v, const uint32_t dac[256], uint32_t pal[16])
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned a = v->ar[i];
        if (v->ar[VGA_AR_MODE] & 0x80)
            a = ((v->ar[VGA_AR_COLOR_SELECT] & 0x0fu) << 4) | (a & 0x0fu);
        else
            a = ((v->ar[VGA_AR_COLOR_SELECT] & 0x0cu) << 4) | (a & 0x3fu);
        pal[i] = dac[a & v->dac_mask];
    }
}

/* ---- geometry ------------------------------------------------------------------------------ */

static unsigned vdisp_lines(const struct vga *v)
{
    const uint8_t *cr = v->cr;
    return (cr[0x12] | ((cr[0x07] & 0x02u) << 7) | ((cr[0x07] & 0x40u) << 3)) + 1u;
}

static unsigned line_compare(const struct vga *v)
{
    const uint8_t *cr = v->cr;
    return cr[0x18] | ((cr[0x07] & 0x10u) << 4) | ((cr[0x09] & 0x40u) << 3);
}

static unsigned start_address(const struct vga *v) { return ((unsigned)v->cr[0x0c] << 8) | v->cr[0x0d]; }

enum vga_screen vga_screen_kind(const struct vga *v)
{
    if (vga_vbe_enabled(v)) return VGA_SCREEN_VBE;
    if ((v->sr[VGA_SR_CLOCKING] & 0x20) || !(v->ar_index & VGA_AR_PAS)) return VGA_SCREEN_BLANK;
    if (!(v->gr[VGA_GR_MISC] & 0x01)) return VGA_SCREEN_TEXT;
    return (v->gr[VGA_GR_MODE] & 0x40) ? VGA_SCREEN_256 : VGA_SCREEN_PLANAR;
}

bool vga_text_geometry(const struct vga *v, struct vga_text_geom *g)
{
    if (vga_screen_kind(v) != VGA_SCREEN_TEXT) return false;
    g->cols = v->cr[0x01] + 1u;
    g->cell_w = (v->sr[VGA_SR_CLOCKING] & 0x01) ? 8 : 9;
    g->cell_h = (v->cr[0x09] & 0x1fu) + 1u;
    unsigned lines = vdisp_lines(v);
    if (v->cr[0x09] & 0x80) lines /= 2; /* double scan */
    g->rows = lines / g->cell_h;
    if (g->rows * g->cell_h > VGA_RENDER_MAX) g->rows = VGA_RENDER_MAX / g->cell_h;
    if (g->cols * g->cell_w > VGA_RENDER_MAX) g->cols = VGA_RENDER_MAX / g->cell_w;
    g->start = start_address(v);
    g->stride = v->cr[0x13] * 2u;
    return g->cols > 0 && g->rows > 0;
}

static bool frame_size(struct vga_frame *f, unsigned w, unsigned h)
{
    if (w == 0) w = 1;
    if (h == 0) h = 1;
    if (w > VGA_RENDER_MAX) w = VGA_RENDER_MAX;
    if (h > VGA_RENDER_MAX) h = VGA_RENDER_MAX;
    size_t n = (size_t)w * h;
    if (n > f->cap) {
        uint32_t *p = realloc(f->pix, n * sizeof *p);
        if (!p) return false;
        f->pix = p;
        f->cap = n;
    }
    f->width = w;
    f->height = h;
    return true;
}

void vga_frame_free(struct vga_frame *f)
{
    free(f->pix);
    f->pix = NULL;
    f->cap = 0;
    f->width = f->height = 0;
}

/* ---- text ---------------------------------------------------------------------------------- */

/* Plane 2 offsets of the eight character maps (SR03: map A = bits 5,3,2; map B = bits 4,1,0). */
static const unsigned font_base[8] = {0x0000, 0x4000, 0x8000, 0xc000, 0x2000, 0x6000, 0xa000, 0xe000};

static inline uint8_t plane_byte(const struct vga *v, unsigned off, unsigned plane)
{
    return v->vram[(((off & 0xffffu) * 4u) + plane) & (v->vram_size - 1)];
}

static void render_text(const struct vga *v, const struct vga_text_geom *g, const uint32_t pal[16],
                        struct vga_frame *f, bool cursor_on)
{
    uint8_t sr3 = v->sr[VGA_SR_CHARMAP];
    unsigned map_a = font_base[((sr3 >> 3) & 4) | ((sr3 >> 2) & 3)];
    unsigned map_b = font_base[((sr3 >> 2) & 4) | (sr3 & 3)];
    bool blink = (v->ar[VGA_AR_MODE] & 0x08) != 0;
    bool line_gfx = (v->ar[VGA_AR_MODE] & 0x04) != 0;
    unsigned ul = v->cr[0x14] & 0x1fu;
    unsigned cur_start = v->cr[0x0a] & 0x1fu, cur_end = v->cr[0x0b] & 0x1fu;
    bool cur_enabled = cursor_on && !(v->cr[0x0a] & 0x20) && cur_start <= cur_end;
    unsigned cur_addr = ((unsigned)v->cr[0x0e] << 8) | v->cr[0x0f];
    unsigned w = f->width;
    for (unsigned row = 0; row < g->rows; row++) {
        for (unsigned col = 0; col < g->cols; col++) {
            unsigned addr = g->start + row * g->stride + col;
            uint8_t ch = plane_byte(v, addr, 0), at = plane_byte(v, addr, 1);
            uint32_t fg = pal[at & 0x0f], bg = pal[blink ? (at >> 4) & 7 : at >> 4];
            unsigned font = (at & 0x08) ? map_a : map_b;
            bool cursor_here = cur_enabled && (addr & 0xffffu) == (cur_addr & 0xffffu);
            bool ext9 = line_gfx && ch >= 0xc0 && ch <= 0xdf;
            for (unsigned sl = 0; sl < g->cell_h; sl++) {
                unsigned bits = sl < 32 ? plane_byte(v, font + ch * 32u + sl, 2) : 0;
                if ((at & 0x77) == 0x01 && sl == ul) bits = 0xff; /* underline attribute */
                if (cursor_here && sl >= cur_start && sl <= cur_end) bits = 0xff;
                uint32_t *p = f->pix + (size_t)(row * g->cell_h + sl) * w + (size_t)col * g->cell_w;
                for (unsigned x = 0; x < 8; x++) p[x] = (bits & (0x80u >> x)) ? fg : bg;
                if (g->cell_w == 9) p[8] = (ext9 && (bits & 1)) ? fg : bg;
            }
        }
    }
}

/* ---- graphics ------------------------------------------------------------------------------ */

/* Scan lines per displayed row (CR09 maximum scan line, doubled by CR09 bit 7). */
static unsigned line_repeat(const struct vga *v)
{
    unsigned r = (v->cr[0x09] & 0x1fu) + 1u;
    if (v->cr[0x09] & 0x80) r *= 2;
    return r;
}

static void render_planar(const struct vga *v, const uint32_t pal[16], struct vga_frame *f,
                          unsigned start, unsigned stride, unsigned split, unsigned mask_addr)
{
    uint8_t enable = v->ar[VGA_AR_PLANE_ENABLE] & 0x0f;
    for (unsigned y = 0; y < f->height; y++) {
        unsigned base = y >= split ? (y - split) * stride : start + y * stride;
        uint32_t *p = f->pix + (size_t)y * f->width;
        for (unsigned x = 0; x < f->width; x += 8) {
            unsigned a = ((base + x / 8) & mask_addr) * 4u;
            uint8_t b0 = v->vram[a & (v->vram_size - 1)], b1 = v->vram[(a + 1) & (v->vram_size - 1)];
            uint8_t b2 = v->vram[(a + 2) & (v->vram_size - 1)], b3 = v->vram[(a + 3) & (v->vram_size - 1)];
            for (unsigned k = 0; k < 8 && x + k < f->width; k++) {
                unsigned s = 7 - k;
                unsigned c = ((b0 >> s) & 1) | (((b1 >> s) & 1) << 1) | (((b2 >> s) & 1) << 2) | (((b3 >> s) & 1) << 3);
                p[x + k] = pal[c & enable];
            }
        }
    }
}

static void render_256(const struct vga *v, const uint32_t dac[256], struct vga_frame *f, uint32_t start,
                       uint32_t stride, unsigned split, uint32_t mask)
{
    for (unsigned y = 0; y < f->height; y++) {
        uint32_t base = y >= split ? (y - split) * stride : start + y * stride;
        uint32_t *p = f->pix + (size_t)y * f->width;
        for (unsigned x = 0; x < f->width; x++) p[x] = dac[v->vram[(base + x) & mask] & v->dac_mask];
    }
}

static void render_vbe(const struct vga *v, const uint32_t dac[256], struct vga_frame *f)
{
    unsigned bpp = vga_vbe_bpp(v);
    uint32_t line = v->vbe_line, start = v->vbe_start;
    const uint8_t *m = v->vram;
    for (unsigned y = 0; y < f->height; y++) {
        uint32_t *p = f->pix + (size_t)y * f->width;
        uint64_t row = (uint64_t)start + (uint64_t)y * line;
        uint64_t need = bpp == 4 ? f->width / 2u : (uint64_t)f->width * ((bpp + 7) / 8);
        if (row + need > v->vram_size) { /* cannot happen after the register fixup; stay safe */
            memset(p, 0, f->width * sizeof *p);
            continue;
        }
        const uint8_t *s = m + row;
        switch (bpp) {
        case 4:
            for (unsigned x = 0; x < f->width; x++) {
                const uint8_t *q = s + (x / 8) * 4;
                unsigned sh = 7 - (x & 7);
                unsigned c = ((q[0] >> sh) & 1) | (((q[1] >> sh) & 1) << 1) | (((q[2] >> sh) & 1) << 2) | (((q[3] >> sh) & 1) << 3);
                p[x] = dac[c & v->dac_mask];
            }
            break;
        case 8:
            for (unsigned x = 0; x < f->width; x++) p[x] = dac[s[x] & v->dac_mask];
            break;
        case 15:
            for (unsigned x = 0; x < f->width; x++) {
                unsigned px = s[2 * x] | (s[2 * x + 1] << 8);
                unsigned r = (px >> 10) & 31, g = (px >> 5) & 31, b = px & 31;
                p[x] = rgb((r << 3) | (r >> 2), (g << 3) | (g >> 2), (b << 3) | (b >> 2));
            }
            break;
        case 16:
            for (unsigned x = 0; x < f->width; x++) {
                unsigned px = s[2 * x] | (s[2 * x + 1] << 8);
                unsigned r = (px >> 11) & 31, g = (px >> 5) & 63, b = px & 31;
                p[x] = rgb((r << 3) | (r >> 2), (g << 2) | (g >> 4), (b << 3) | (b >> 2));
            }
            break;
        case 24:
            for (unsigned x = 0; x < f->width; x++) p[x] = rgb(s[3 * x + 2], s[3 * x + 1], s[3 * x]);
            break;
        default:
            for (unsigned x = 0; x < f->width; x++) p[x] = rgb(s[4 * x + 2], s[4 * x + 1], s[4 * x]);
            break;
        }
    }
}

bool vga_render(const struct vga *v, struct vga_frame *f, bool cursor_on)
{
    uint32_t dac[256], pal[16];
    dac_palette(v, dac);
    attr_palette(v, dac, pal);
    enum vga_screen kind = vga_screen_kind(v);
    if (kind == VGA_SCREEN_VBE) {
        if (!frame_size(f, v->vbe[VBE_DISPI_INDEX_XRES], v->vbe[VBE_DISPI_INDEX_YRES])) return false;
        render_vbe(v, dac, f);
        return true;
    }
    if (kind == VGA_SCREEN_TEXT) {
        struct vga_text_geom g;
        if (vga_text_geometry(v, &g)) {
            if (!frame_size(f, g.cols * g.cell_w, g.rows * g.cell_h)) return false;
            render_text(v, &g, pal, f, cursor_on);
            return true;
        }
        kind = VGA_SCREEN_BLANK;
    }
    /* graphics and blank screens take their size from the CRTC */
    unsigned repeat = line_repeat(v);
    unsigned width = (v->cr[0x01] + 1u) * 8u, height = vdisp_lines(v) / repeat;
    if (kind == VGA_SCREEN_256) width /= 2; /* two dot clocks per 8-bit pixel (AR10 bit 6) */
    if (width < 8 || height < 2) width = 640, height = 480;
    if (!frame_size(f, width, height)) return false;
    unsigned lc = line_compare(v) + 1u;
    unsigned split = lc / repeat < f->height ? lc / repeat : f->height;
    if (kind == VGA_SCREEN_BLANK) {
        memset(f->pix, 0, (size_t)f->width * f->height * sizeof *f->pix);
    } else if (kind == VGA_SCREEN_PLANAR) {
        render_planar(v, pal, f, start_address(v), v->cr[0x13] * 2u, split, 0xffffu);
    } else {
        /* 256 colours: four planes give four consecutive pixels per CRTC address */
        render_256(v, dac, f, start_address(v) * 4u, v->cr[0x13] * 8u, split, 0x3ffffu);
    }
    return true;
}

/* ---- text dump ----------------------------------------------------------------------------- */

/* Code page 437, 0x00-0x1F and 0x7F-0xFF, as Unicode code points (IBM PC character set). */
static const uint16_t cp437_low[32] = {
    0x0020, 0x263a, 0x263b, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022, 0x25d8, 0x25cb, 0x25d9,
    0x2642, 0x2640, 0x266a, 0x266b, 0x263c, 0x25ba, 0x25c4, 0x2195, 0x203c, 0x00b6, 0x00a7,
    0x25ac, 0x21a8, 0x2191, 0x2193, 0x2192, 0x2190, 0x221f, 0x2194, 0x25b2, 0x25bc,
};
static const uint16_t cp437_high[129] = {
    0x2302,
    0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea, 0x00eb, 0x00e8, 0x00ef,
    0x00ee, 0x00ec, 0x00c4, 0x00c5, 0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
    0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa,
    0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255d, 0x255c, 0x255b, 0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
    0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
    0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, 0x03a6, 0x0398, 0x03a9, 0x03b4,
    0x221e, 0x03c6, 0x03b5, 0x2229, 0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
    0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x0020,
};

uint32_t vga_cp437(uint8_t c)
{
    if (c < 0x20) return cp437_low[c];
    if (c < 0x7f) return c;
    return cp437_high[c - 0x7f];
}

static size_t put_utf8(char *buf, size_t cap, size_t n, uint32_t cp)
{
    char tmp[3];
    size_t k;
    if (cp < 0x80) {
        tmp[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        tmp[0] = (char)(0xc0 | (cp >> 6));
        tmp[1] = (char)(0x80 | (cp & 0x3f));
        k = 2;
    } else {
        tmp[0] = (char)(0xe0 | (cp >> 12));
        tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        tmp[2] = (char)(0x80 | (cp & 0x3f));
        k = 3;
    }
    for (size_t i = 0; i < k; i++)
        if (n + i + 1 < cap) buf[n + i] = tmp[i];
    return n + k;
}

size_t vga_text_dump(const struct vga *v, char *buf, size_t cap)
{
    struct vga_text_geom g;
    if (!vga_text_geometry(v, &g)) {
        if (cap) buf[0] = 0;
        return 0;
    }
    size_t n = 0;
    for (unsigned row = 0; row < g.rows; row++) {
        unsigned last = 0; /* columns up to the last non-blank one */
        for (unsigned col = 0; col < g.cols; col++) {
            uint8_t ch = plane_byte(v, g.start + row * g.stride + col, 0);
            if (ch != 0x00 && ch != 0x20 && ch != 0xff) last = col + 1;
        }
        for (unsigned col = 0; col < last; col++)
            n = put_utf8(buf, cap, n, vga_cp437(plane_byte(v, g.start + row * g.stride + col, 0)));
        n = put_utf8(buf, cap, n, '\n');
    }
    if (cap) buf[n < cap ? n : cap - 1] = 0;
    return n;
}
