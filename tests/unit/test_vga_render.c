/* Unit tests of the VGA renderer (devices/vga_render.c): a text cell with a known glyph and
 * attribute through the attribute palette and the DAC (9-dot cells, line-graphics extension,
 * blink, cursor, underline), the text dump with code page 437, 256-colour and 16-colour planar
 * graphics, the VBE depths (8 bpp through the DAC, 15, 16, 24, 32) and the blanked screen. The
 * state is programmed into struct vga directly, as a VGA BIOS would leave it. */
#include "devices/vga_render.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

#define VRAM (4u << 20)
static struct vga *v;
static uint8_t *vram;
static struct vga_frame fr;

static void setup(void)
{
    v = malloc(sizeof *v);
    vram = calloc(1, VRAM);
    ck_assert(v && vram);
    ck_assert(vga_init(v, NULL, NULL, vram, VRAM));
    vga_reset(v);
    memset(&fr, 0, sizeof fr);
}

static void teardown(void)
{
    vga_frame_free(&fr);
    free(v);
    free(vram);
}

static void dac_set(unsigned i, uint8_t r, uint8_t g, uint8_t b)
{
    v->dac[i * 3] = r;
    v->dac[i * 3 + 1] = g;
    v->dac[i * 3 + 2] = b;
}
static uint32_t px(unsigned x, unsigned y) { return fr.pix[(size_t)y * fr.width + x]; }

#define YELLOW 0xffff55u /* DAC (3F, 3F, 15) */
#define BLUE 0x0000aau   /* DAC (00, 00, 2A) */
#define LBLUE 0x5555ffu  /* DAC (15, 15, 3F) */
#define GREY 0xaaaaaau   /* DAC (2A, 2A, 2A) */

static const uint8_t glyph_a[16] = {0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe,
                                    0xc6, 0xc6, 0xc6, 0xc6, 0x00, 0x00, 0x00, 0x00};

/* Mode 3 as SeaVGABIOS leaves it: 80x25 cells of 9x16, EGA palette in AR00-0F. */
static void text_mode(void)
{
    v->sr[VGA_SR_CLOCKING] = 0x00;
    v->sr[VGA_SR_MEMMODE] = 0x02;
    v->gr[VGA_GR_MODE] = 0x10;
    v->gr[VGA_GR_MISC] = 0x0e;
    v->cr[0x01] = 0x4f;
    v->cr[0x07] = 0x1f;
    v->cr[0x09] = 0x4f;
    v->cr[0x12] = 0x8f;
    v->cr[0x13] = 0x28;
    v->cr[0x0a] = 0x20; /* cursor off */
    v->cr[0x14] = 0x1f; /* underline below the cell */
    static const uint8_t ega[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
                                    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f};
    memcpy(v->ar, ega, 16);
    v->ar[VGA_AR_MODE] = 0x0c; /* line graphics, blink */
    v->ar[VGA_AR_PLANE_ENABLE] = 0x0f;
    v->ar_index = VGA_AR_PAS;
    dac_set(0x01, 0x00, 0x00, 0x2a);
    dac_set(0x3e, 0x3f, 0x3f, 0x15);
    dac_set(0x39, 0x15, 0x15, 0x3f);
    dac_set(0x07, 0x2a, 0x2a, 0x2a);
    for (int r = 0; r < 16; r++) vram[(0x41 * 32 + r) * 4 + 2] = glyph_a[r];
    for (int r = 0; r < 16; r++) vram[(0xc4 * 32 + r) * 4 + 2] = r == 8 ? 0xff : 0x00; /* a line */
}

static void put_cell(unsigned addr, uint8_t ch, uint8_t at)
{
    vram[addr * 4] = ch;
    vram[addr * 4 + 1] = at;
}

static void check_cell_a(unsigned row, unsigned col, uint32_t fg, uint32_t bg, const char *what)
{
    for (unsigned sl = 0; sl < 16; sl++)
        for (unsigned x = 0; x < 9; x++) {
            bool on = x < 8 && (glyph_a[sl] & (0x80u >> x));
            uint32_t want = on ? fg : bg, got = px(col * 9 + x, row * 16 + sl);
            CHECK(got == want, "%s: scan line %u dot %u is %06x, expected %06x", what, sl, x, got, want);
        }
}

START_TEST(test_text_cell)
{
    text_mode();
    put_cell(2 * 80 + 3, 0x41, 0x1e); /* 'A', yellow on blue */
    CHECK(vga_screen_kind(v) == VGA_SCREEN_TEXT, "text mode");
    CHECK(vga_render(v, &fr, true), "render");
    CHECK(fr.width == 720 && fr.height == 400, "80x25 cells of 9x16: %ux%u", fr.width, fr.height);
    check_cell_a(2, 3, YELLOW, BLUE, "A");
    CHECK(px(0, 0) == 0 && px(719, 399) == 0, "empty cells are black");
    /* 8-dot cells */
    v->sr[VGA_SR_CLOCKING] = 0x01;
    CHECK(vga_render(v, &fr, true) && fr.width == 640, "8-dot width");
    v->sr[VGA_SR_CLOCKING] = 0x00;
    /* blink enabled: attribute bit 7 is blink, the background stays blue */
    put_cell(2 * 80 + 3, 0x41, 0x9e);
    vga_render(v, &fr, true);
    check_cell_a(2, 3, YELLOW, BLUE, "blinking A drawn steady");
    v->ar[VGA_AR_MODE] = 0x04; /* blink off: bit 7 is background intensity */
    vga_render(v, &fr, true);
    check_cell_a(2, 3, YELLOW, LBLUE, "bright background");
    v->ar[VGA_AR_MODE] = 0x0c;
}
END_TEST

START_TEST(test_text_line_graphics_cursor_underline)
{
    text_mode();
    put_cell(0, 0xc4, 0x07);
    put_cell(1, 0x41, 0x01); /* underline attribute: foreground 1, background 0 */
    vga_render(v, &fr, true);
    CHECK(px(7, 8) == GREY && px(8, 8) == GREY, "line-graphics character fills the ninth dot");
    CHECK(px(8, 7) == 0, "other scan lines unaffected");
    v->ar[VGA_AR_MODE] = 0x08; /* line graphics off */
    vga_render(v, &fr, true);
    CHECK(px(7, 8) == GREY && px(8, 8) == 0, "ninth dot is background");
    v->ar[VGA_AR_MODE] = 0x0c;
    v->cr[0x14] = 0x0f;
    vga_render(v, &fr, true);
    for (unsigned x = 9; x < 18; x++) CHECK(px(x, 15) == BLUE || x == 17, "underline dot %u", x);
    v->cr[0x14] = 0x1f;
    /* cursor on scan lines 14-15 of cell 1 */
    v->cr[0x0a] = 0x0e;
    v->cr[0x0b] = 0x0f;
    v->cr[0x0e] = 0x00;
    v->cr[0x0f] = 0x01;
    vga_render(v, &fr, true);
    for (unsigned x = 9; x < 17; x++) CHECK(px(x, 14) == BLUE && px(x, 15) == BLUE, "cursor dot %u", x);
    CHECK(px(9, 13) == 0, "above the cursor");
    vga_render(v, &fr, false);
    CHECK(px(9, 14) == 0, "cursor in its off phase");
    v->cr[0x0a] = 0x2e;
    vga_render(v, &fr, true);
    CHECK(px(9, 14) == 0, "cursor disabled by CR0A bit 5");
    /* start address moves the screen */
    v->cr[0x0c] = 0x00;
    v->cr[0x0d] = 0x01;
    vga_render(v, &fr, true);
    CHECK(px(5, 5) == BLUE && px(0, 8) == BLUE && px(8, 8) == 0, "cell 1 ('A', not the line) at the origin");
}
END_TEST

START_TEST(test_text_dump)
{
    text_mode();
    const char *hello = "Hello, VGA";
    for (unsigned k = 0; hello[k]; k++) put_cell(k, (uint8_t)hello[k], 0x07);
    put_cell(80 + 2, 0xc4, 0x07);
    put_cell(80 + 3, 0x01, 0x07);
    put_cell(80 + 5, 0xe1, 0x07);
    char buf[4096];
    size_t n = vga_text_dump(v, buf, sizeof buf);
    const char *want = "Hello, VGA\n  \xe2\x94\x80\xe2\x98\xba \xc3\x9f\n\n";
    CHECK(!strncmp(buf, want, strlen(want)), "dump starts with [%.40s]", buf);
    CHECK(n == strlen(buf) && n == strlen(want) + 22, "25 lines, blank ones empty (%zu)", n);
    char small[8];
    size_t m = vga_text_dump(v, small, sizeof small);
    CHECK(m == n && !strcmp(small, "Hello, "), "truncated dump reports the full length");
    CHECK(vga_cp437(0xdb) == 0x2588 && vga_cp437(0x7f) == 0x2302 && vga_cp437(0xff) == ' ', "code page 437");
    v->gr[VGA_GR_MISC] = 0x05; /* graphics */
    CHECK(vga_text_dump(v, buf, sizeof buf) == 0 && buf[0] == 0, "no dump in graphics");
}
END_TEST

START_TEST(test_graphics_256)
{
    /* mode 13h: 320x200, chain-4, double-scanned 400 lines, 256-colour shift */
    v->sr[VGA_SR_CLOCKING] = 0x01;
    v->sr[VGA_SR_MEMMODE] = 0x0e;
    v->gr[VGA_GR_MODE] = 0x40;
    v->gr[VGA_GR_MISC] = 0x05;
    v->cr[0x01] = 0x4f;
    v->cr[0x07] = 0x1f;
    v->cr[0x09] = 0x41;
    v->cr[0x12] = 0x8f;
    v->cr[0x13] = 0x28;
    v->cr[0x18] = 0xff;
    v->ar[VGA_AR_MODE] = 0x41;
    v->ar_index = VGA_AR_PAS;
    dac_set(0x99, 0x3f, 0x00, 0x20);
    vram[3 * 320 + 5] = 0x99;
    CHECK(vga_screen_kind(v) == VGA_SCREEN_256, "256 colours");
    CHECK(vga_render(v, &fr, true) && fr.width == 320 && fr.height == 200, "320x200: %ux%u", fr.width, fr.height);
    CHECK(px(5, 3) == 0xff0082 && px(4, 3) == 0 && px(5, 4) == 0, "pixel through the DAC");
    v->dac_mask = 0x0f; /* pixel mask: 0x99 -> 0x09 */
    dac_set(0x09, 0x00, 0x3f, 0x00);
    vga_render(v, &fr, true);
    CHECK(px(5, 3) == 0x00ff00, "DAC pixel mask applies");
}
END_TEST

START_TEST(test_graphics_planar)
{
    /* mode 12h: 640x480, 16 colours */
    v->sr[VGA_SR_CLOCKING] = 0x01;
    v->sr[VGA_SR_MEMMODE] = 0x06;
    v->gr[VGA_GR_MISC] = 0x05;
    v->cr[0x01] = 0x4f;
    v->cr[0x07] = 0x3e;
    v->cr[0x09] = 0x40;
    v->cr[0x12] = 0xdf;
    v->cr[0x13] = 0x28;
    v->cr[0x18] = 0xff;
    for (unsigned i = 0; i < 16; i++) v->ar[i] = (uint8_t)i;
    v->ar[VGA_AR_MODE] = 0x01;
    v->ar[VGA_AR_PLANE_ENABLE] = 0x0f;
    v->ar_index = VGA_AR_PAS;
    dac_set(5, 0x2a, 0x00, 0x2a);
    dac_set(1, 0x00, 0x00, 0x2a);
    /* pixel (10, 2): byte 2*80 + 1, bit 5; colour 0101b */
    vram[(2 * 80 + 1) * 4 + 0] = 0x20;
    vram[(2 * 80 + 1) * 4 + 2] = 0x20;
    CHECK(vga_screen_kind(v) == VGA_SCREEN_PLANAR, "planar");
    CHECK(vga_render(v, &fr, true) && fr.width == 640 && fr.height == 480, "640x480: %ux%u", fr.width, fr.height);
    CHECK(px(10, 2) == 0xaa00aa && px(9, 2) == 0 && px(11, 2) == 0, "colour 5 at (10,2): %06x", px(10, 2));
    v->ar[VGA_AR_PLANE_ENABLE] = 0x01; /* only plane 0 reaches the palette */
    vga_render(v, &fr, true);
    CHECK(px(10, 2) == BLUE, "colour plane enable");
    /* line compare: from line 100 the screen restarts at address 0 */
    v->ar[VGA_AR_PLANE_ENABLE] = 0x0f;
    v->cr[0x18] = 99;
    v->cr[0x07] &= (uint8_t)~0x10;
    v->cr[0x09] &= (uint8_t)~0x40;
    v->cr[0x0c] = 0x10; /* start address 0x1000 for the top part */
    vga_render(v, &fr, true);
    CHECK(px(10, 102) == 0xaa00aa && px(10, 2) == 0, "split screen shows address 0 below line 100");
    /* blank: palette address source cleared */
    v->ar_index = 0;
    CHECK(vga_screen_kind(v) == VGA_SCREEN_BLANK, "blank");
    vga_render(v, &fr, true);
    CHECK(px(10, 102) == 0, "blanked");
}
END_TEST

static void vbe_mode(unsigned w, unsigned h, unsigned bpp)
{
    vga_vbe_write(v, VBE_DISPI_INDEX_ENABLE, 0);
    vga_vbe_write(v, VBE_DISPI_INDEX_XRES, (uint16_t)w);
    vga_vbe_write(v, VBE_DISPI_INDEX_YRES, (uint16_t)h);
    vga_vbe_write(v, VBE_DISPI_INDEX_BPP, (uint16_t)bpp);
    vga_vbe_write(v, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
}

START_TEST(test_vbe_depths)
{
    vbe_mode(16, 4, 32);
    CHECK(vga_screen_kind(v) == VGA_SCREEN_VBE, "VBE");
    uint8_t *p = vram + 1 * 64 + 3 * 4;
    p[0] = 0x11, p[1] = 0x22, p[2] = 0x33, p[3] = 0x99;
    CHECK(vga_render(v, &fr, true) && fr.width == 16 && fr.height == 4, "size");
    CHECK(px(3, 1) == 0x332211 && px(2, 1) == 0, "32 bpp is B, G, R, x");

    vbe_mode(16, 4, 24);
    p = vram + 2 * 48 + 5 * 3;
    p[0] = 0x01, p[1] = 0x02, p[2] = 0x03;
    vga_render(v, &fr, true);
    CHECK(px(5, 2) == 0x030201, "24 bpp is B, G, R");

    vbe_mode(16, 4, 16);
    uint16_t *q = (uint16_t *)vram;
    q[0] = 0xf800, q[1] = 0x07e0, q[2] = 0x001f, q[3] = 0x8410;
    vga_render(v, &fr, true);
    CHECK(px(0, 0) == 0xff0000 && px(1, 0) == 0x00ff00 && px(2, 0) == 0x0000ff && px(3, 0) == 0x848284,
          "16 bpp RGB565: %06x %06x %06x %06x", px(0, 0), px(1, 0), px(2, 0), px(3, 0));

    vbe_mode(16, 4, 15);
    q[0] = 0x7c00, q[1] = 0x03e0, q[2] = 0x001f, q[3] = 0x4210;
    vga_render(v, &fr, true);
    CHECK(px(0, 0) == 0xff0000 && px(1, 0) == 0x00ff00 && px(2, 0) == 0x0000ff && px(3, 0) == 0x848484,
          "15 bpp RGB555: %06x", px(3, 0));

    vbe_mode(16, 4, 8);
    dac_set(7, 0x3f, 0x00, 0x20);
    vram[16 * 3 + 15] = 7;
    vga_render(v, &fr, true);
    CHECK(px(15, 3) == 0xff0082, "8 bpp through the 6-bit DAC");
    vga_vbe_write(v, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM | VBE_DISPI_8BIT_DAC);
    dac_set(7, 0x12, 0x34, 0x56);
    vga_render(v, &fr, true);
    CHECK(px(15, 3) == 0x123456, "8 bpp through the 8-bit DAC");

    /* panning: virtual width 32, origin (8, 1) */
    vbe_mode(16, 4, 32);
    vga_vbe_write(v, VBE_DISPI_INDEX_VIRT_WIDTH, 32);
    vga_vbe_write(v, VBE_DISPI_INDEX_X_OFFSET, 8);
    vga_vbe_write(v, VBE_DISPI_INDEX_Y_OFFSET, 1);
    p = vram + (1 * 32 + 8) * 4;
    p[0] = 0xcc, p[1] = 0xbb, p[2] = 0xaa;
    vga_render(v, &fr, true);
    CHECK(px(0, 0) == 0xaabbcc, "panned origin");
}
END_TEST

static Suite *render_suite(void)
{
    Suite *s = suite_create("vga_render");
    TCase *tc = tcase_create("vga_render");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_text_cell);
    tcase_add_test(tc, test_text_line_graphics_cursor_underline);
    tcase_add_test(tc, test_text_dump);
    tcase_add_test(tc, test_graphics_256);
    tcase_add_test(tc, test_graphics_planar);
    tcase_add_test(tc, test_vbe_depths);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(render_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("vga_render: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
