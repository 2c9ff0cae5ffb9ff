/* Unit tests of the std VGA (devices/vga.c, vga_mem.c, vga_vbe.c, vga_pci.c): the register files
 * through the port bus (index/data pairs, write masks, the attribute flip-flop, colour/mono
 * decoding, CRTC protection, the DAC), retrace on a fake virtual clock, the legacy window's
 * planar write modes 0-3 and read modes 0-1 (set/reset, rotate, logical operations, bit mask, map
 * mask) against hand-computed plane bytes, odd/even and chain-4 addressing, memory map select,
 * the Bochs dispi registers (ID, GETCAPS, fixups, clearing, banks), BAR2 and the EDID block, and
 * the PCI function's BARs. */
#include "devices/vga.h"

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

static struct bus *bus;
static struct vga *v;
static uint8_t *vram;
static uint64_t fake_ns;
static struct clock clk;

static uint64_t fake_icount(void *opaque) { return fake_ns; }

static void setup(void)
{
    bus = bus_create();
    v = malloc(sizeof *v);
    vram = calloc(1, VRAM);
    ck_assert(bus && v && vram);
    fake_ns = 0;
    clock_init(&clk, fake_icount, NULL);
    ck_assert(vga_init(v, bus, &clk, vram, VRAM));
    vga_reset(v);
}

static void teardown(void)
{
    free(v);
    free(vram);
    bus_destroy(bus);
}

static void outb(uint16_t p, uint8_t x) { bus_out(bus, p, x, 1); }
static void outw(uint16_t p, uint16_t x) { bus_out(bus, p, x, 2); }
static uint8_t inb(uint16_t p) { return (uint8_t)bus_in(bus, p, 1); }
static uint16_t inw(uint16_t p) { return (uint16_t)bus_in(bus, p, 2); }
static void sr(uint8_t i, uint8_t x) { outb(0x3c4, i); outb(0x3c5, x); }
static void gr(uint8_t i, uint8_t x) { outb(0x3ce, i); outb(0x3cf, x); }
static uint8_t plane(uint32_t off, unsigned p) { return vram[off * 4 + p]; }
static void set_planes(uint32_t off, uint8_t p0, uint8_t p1, uint8_t p2, uint8_t p3)
{
    vram[off * 4] = p0;
    vram[off * 4 + 1] = p1;
    vram[off * 4 + 2] = p2;
    vram[off * 4 + 3] = p3;
}
#define CHECK_PLANES(off, a, b, c, d)                                                              \
    CHECK(plane(off, 0) == (a) && plane(off, 1) == (b) && plane(off, 2) == (c) && plane(off, 3) == (d), \
          "offset %#x: planes %02x %02x %02x %02x, expected %02x %02x %02x %02x", (unsigned)(off),  \
          plane(off, 0), plane(off, 1), plane(off, 2), plane(off, 3), (unsigned)(a), (unsigned)(b), \
          (unsigned)(c), (unsigned)(d))

/* 16-colour planar graphics, as the VGA BIOS sets mode 12h: odd/even off, chain-4 off, A0000 64K */
static void planar_mode(void)
{
    sr(VGA_SR_MEMMODE, 0x06);
    sr(VGA_SR_MAP_MASK, 0x0f);
    gr(VGA_GR_MODE, 0x00);
    gr(VGA_GR_MISC, 0x05);
    gr(VGA_GR_ENABLE_SR, 0);
    gr(VGA_GR_ROTATE, 0);
    gr(VGA_GR_BIT_MASK, 0xff);
}

START_TEST(test_register_files)
{
    sr(VGA_SR_CLOCKING, 0xff);
    CHECK(inb(0x3c5) == 0x3d, "SR01 keeps its defined bits only");
    sr(VGA_SR_MEMMODE, 0xff);
    CHECK(inb(0x3c5) == 0x0e, "SR04 mask");
    outb(0x3c4, 0xfa);
    CHECK(inb(0x3c4) == 0x02, "sequencer index is 3 bits");
    outw(0x3c4, 0x0f02); /* 16-bit OUT: index, then data */
    CHECK(v->sr[VGA_SR_MAP_MASK] == 0x0f, "word write sets SR02");
    CHECK(inw(0x3c4) == 0x0f02, "word read of index and data");
    gr(VGA_GR_MODE, 0xff);
    CHECK(inb(0x3cf) == 0x7b, "GR05 mask");
    gr(VGA_GR_ROTATE, 0xff);
    CHECK(inb(0x3cf) == 0x1f, "GR03 mask");
    outb(0x3c2, 0xff);
    CHECK(inb(0x3cc) == 0xef, "misc output reads back without bit 4");
}
END_TEST

START_TEST(test_attribute_controller)
{
    outb(0x3c2, 0x01);
    (void)inb(0x3da); /* reset the flip-flop */
    outb(0x3c0, 0x05);
    outb(0x3c0, 0xff);
    CHECK(v->ar[5] == 0x3f, "palette registers are 6 bits");
    outb(0x3c0, 0x30); /* index 0x10 with PAS */
    CHECK(inb(0x3c0) == 0x30, "index register reads back with PAS");
    outb(0x3c0, 0xff);
    CHECK(inb(0x3c1) == 0xef, "AR10 without bit 4");
    outb(0x3c0, 0x12);
    (void)inb(0x3da); /* a status read drops the pending data write */
    outb(0x3c0, 0x14);
    outb(0x3c0, 0xff);
    CHECK(v->ar[0x14] == 0x0f && v->ar[0x12] == 0, "flip-flop reset by input status 1");
    CHECK(v->ar_index == 0x14, "index written after the reset");
}
END_TEST

START_TEST(test_crtc_decoding_and_protection)
{
    outb(0x3c2, 0x00); /* monochrome: CRTC at 0x3B4 */
    outb(0x3d4, 0x01);
    outb(0x3d5, 0x55);
    CHECK(v->cr[1] == 0 && inb(0x3d5) == 0xff, "colour CRTC ports ignored in mono mode");
    outb(0x3b4, 0x01);
    outb(0x3b5, 0x4f);
    CHECK(v->cr[1] == 0x4f, "mono CRTC");
    outb(0x3c2, 0x01);
    outb(0x3d4, 0x11);
    outb(0x3d5, 0x80); /* protect CR00-CR07 */
    outb(0x3d4, 0x00);
    outb(0x3d5, 0x5f);
    CHECK(v->cr[0] == 0, "CR00 protected");
    outb(0x3d4, 0x07);
    outb(0x3d5, 0xff);
    CHECK(v->cr[7] == 0x10, "only CR07 bit 4 writable while protected");
    outb(0x3d4, 0x11);
    outb(0x3d5, 0x00);
    outb(0x3d4, 0x00);
    outb(0x3d5, 0x5f);
    CHECK(v->cr[0] == 0x5f, "CR00 writable after unprotect");
}
END_TEST

START_TEST(test_dac)
{
    CHECK(inb(0x3c6) == 0xff, "pixel mask reset value");
    outb(0x3c8, 5);
    CHECK(inb(0x3c7) == 0, "DAC state after write index");
    const uint8_t in[6] = {0x3f, 0x20, 0xff, 1, 2, 3};
    for (int k = 0; k < 6; k++) outb(0x3c9, in[k]);
    CHECK(inb(0x3c8) == 7, "write index advanced by two entries");
    outb(0x3c7, 5);
    CHECK(inb(0x3c7) == 3, "DAC state after read index");
    const uint8_t out[6] = {0x3f, 0x20, 0x3f, 1, 2, 3};
    for (int k = 0; k < 6; k++) {
        uint8_t b = inb(0x3c9);
        CHECK(b == out[k], "DAC byte %d = %02x, expected %02x", k, b, out[k]);
    }
}
END_TEST

/* Mode 3 timing: 28.322 MHz, 9-dot characters, 100 character clocks per line, 449 lines, vertical
 * retrace from line 412 for 2 lines, display 80 columns by 400 lines. */
START_TEST(test_retrace_on_virtual_clock)
{
    outb(0x3c2, 0x67);
    sr(VGA_SR_CLOCKING, 0x00);
    static const uint8_t crtc[][2] = {{0x00, 0x5f}, {0x01, 0x4f}, {0x06, 0xbf}, {0x07, 0x1f},
                                      {0x10, 0x9c}, {0x11, 0x8e}, {0x12, 0x8f}};
    for (unsigned k = 0; k < ARRAY_SIZE(crtc); k++) {
        outb(0x3d4, crtc[k][0]);
        outb(0x3d5, crtc[k][1]);
    }
    const double char_ns = 9e9 / 28322000.0, line_ns = 100 * char_ns, frame_ns = 449 * line_ns;
    fake_ns = (uint64_t)(10 * line_ns + 20 * char_ns);
    CHECK((inb(0x3da) & 0x09) == 0, "in the active display");
    CHECK((inb(0x3da) & 0x09) == 0, "no toggling: the same time reads the same status");
    fake_ns = (uint64_t)(10 * line_ns + 90 * char_ns);
    CHECK((inb(0x3da) & 0x09) == 0x01, "horizontal blanking: display disabled, no vretrace");
    fake_ns = (uint64_t)(405 * line_ns + 5 * char_ns);
    CHECK((inb(0x3da) & 0x09) == 0x01, "vertical blanking before retrace");
    fake_ns = (uint64_t)(412 * line_ns + 50 * char_ns);
    CHECK((inb(0x3da) & 0x09) == 0x09, "vertical retrace");
    fake_ns = (uint64_t)(3 * frame_ns + 413 * line_ns + 50 * char_ns);
    CHECK((inb(0x3da) & 0x09) == 0x09, "vertical retrace three frames later");
    fake_ns = (uint64_t)(3 * frame_ns + 415 * line_ns + 10 * char_ns);
    CHECK((inb(0x3da) & 0x08) == 0, "retrace over after two lines");
    /* without a clock the bits toggle on every read */
    v->clk = NULL;
    uint8_t a = inb(0x3da), b = inb(0x3da);
    CHECK((a ^ b) == 0x09, "toggle without a clock");
}
END_TEST

START_TEST(test_write_mode0)
{
    planar_mode();
    vga_mem_write(v, 0x10, 0xa5);
    CHECK_PLANES(0x10, 0xa5, 0xa5, 0xa5, 0xa5);
    sr(VGA_SR_MAP_MASK, 0x05);
    vga_mem_write(v, 0x11, 0x3c);
    CHECK_PLANES(0x11, 0x3c, 0x00, 0x3c, 0x00);
    sr(VGA_SR_MAP_MASK, 0x0f);
    /* set/reset in all planes: GR00 = 1010b */
    gr(VGA_GR_SET_RESET, 0x0a);
    gr(VGA_GR_ENABLE_SR, 0x0f);
    vga_mem_write(v, 0x12, 0x5a);
    CHECK_PLANES(0x12, 0x00, 0xff, 0x00, 0xff);
    /* set/reset enabled for planes 0 and 1 only: planes 2, 3 take the data */
    gr(VGA_GR_ENABLE_SR, 0x03);
    vga_mem_write(v, 0x13, 0x5a);
    CHECK_PLANES(0x13, 0x00, 0xff, 0x5a, 0x5a);
    gr(VGA_GR_ENABLE_SR, 0);
    /* rotate right by 3: 1000 0001 -> 0011 0000 */
    gr(VGA_GR_ROTATE, 0x03);
    vga_mem_write(v, 0x14, 0x81);
    CHECK_PLANES(0x14, 0x30, 0x30, 0x30, 0x30);
    gr(VGA_GR_ROTATE, 0);
    /* bit mask merges with the latches loaded by a read */
    set_planes(0x20, 0x0f, 0xf0, 0x33, 0xcc);
    (void)vga_mem_read(v, 0x20);
    gr(VGA_GR_BIT_MASK, 0xf0);
    vga_mem_write(v, 0x20, 0xaa);
    CHECK_PLANES(0x20, 0xaf, 0xa0, 0xa3, 0xac);
    gr(VGA_GR_BIT_MASK, 0xff);
}
END_TEST

START_TEST(test_logical_ops)
{
    planar_mode();
    set_planes(0x30, 0x0f, 0xf0, 0x33, 0xcc);
    (void)vga_mem_read(v, 0x30);
    gr(VGA_GR_ROTATE, 0x08); /* AND */
    vga_mem_write(v, 0x31, 0x3c);
    CHECK_PLANES(0x31, 0x0c, 0x30, 0x30, 0x0c);
    gr(VGA_GR_ROTATE, 0x10); /* OR */
    vga_mem_write(v, 0x32, 0x3c);
    CHECK_PLANES(0x32, 0x3f, 0xfc, 0x3f, 0xfc);
    gr(VGA_GR_ROTATE, 0x18); /* XOR */
    vga_mem_write(v, 0x33, 0x3c);
    CHECK_PLANES(0x33, 0x33, 0xcc, 0x0f, 0xf0);
    gr(VGA_GR_ROTATE, 0x19); /* XOR after rotating right by 1: 0x3c -> 0x1e */
    vga_mem_write(v, 0x34, 0x3c);
    CHECK_PLANES(0x34, 0x11, 0xee, 0x2d, 0xd2);
}
END_TEST

START_TEST(test_write_modes_1_2_3)
{
    planar_mode();
    /* mode 1: the latches are copied, whatever the data */
    set_planes(0x40, 0x12, 0x34, 0x56, 0x78);
    (void)vga_mem_read(v, 0x40);
    gr(VGA_GR_MODE, 0x01);
    vga_mem_write(v, 0x41, 0xff);
    CHECK_PLANES(0x41, 0x12, 0x34, 0x56, 0x78);
    /* mode 1 still obeys the map mask */
    sr(VGA_SR_MAP_MASK, 0x02);
    vga_mem_write(v, 0x42, 0);
    CHECK_PLANES(0x42, 0x00, 0x34, 0x00, 0x00);
    sr(VGA_SR_MAP_MASK, 0x0f);
    /* mode 2: colour 0101b spread to the pixels the bit mask selects; zero latches */
    (void)vga_mem_read(v, 0x50);
    gr(VGA_GR_MODE, 0x02);
    gr(VGA_GR_BIT_MASK, 0x3c);
    vga_mem_write(v, 0x50, 0x05);
    CHECK_PLANES(0x50, 0x3c, 0x00, 0x3c, 0x00);
    /* mode 2 over non-zero latches keeps the unmasked pixels */
    set_planes(0x51, 0xff, 0xff, 0x00, 0x00);
    (void)vga_mem_read(v, 0x51);
    vga_mem_write(v, 0x51, 0x0c);
    CHECK_PLANES(0x51, 0xc3, 0xc3, 0x3c, 0x3c);
    /* mode 3: set/reset colour 0110b through mask = rotated data & bit mask */
    (void)vga_mem_read(v, 0x60);
    gr(VGA_GR_MODE, 0x03);
    gr(VGA_GR_SET_RESET, 0x06);
    gr(VGA_GR_BIT_MASK, 0xf0);
    vga_mem_write(v, 0x60, 0x3c);
    CHECK_PLANES(0x60, 0x00, 0x30, 0x30, 0x00);
    gr(VGA_GR_ROTATE, 0x04); /* rotate by 4: 0x3c -> 0xc3, mask 0xc0 */
    vga_mem_write(v, 0x61, 0x3c);
    CHECK_PLANES(0x61, 0x00, 0xc0, 0xc0, 0x00);
}
END_TEST

START_TEST(test_read_modes)
{
    planar_mode();
    set_planes(0x70, 0xf0, 0xcc, 0xaa, 0x00);
    for (unsigned p = 0; p < 4; p++) {
        gr(VGA_GR_READ_MAP, (uint8_t)p);
        uint8_t b = vga_mem_read(v, 0x70);
        CHECK(b == plane(0x70, p), "read mode 0 plane %u: %02x", p, b);
    }
    gr(VGA_GR_MODE, 0x08); /* read mode 1 */
    gr(VGA_GR_COLOR_CMP, 0x03);
    gr(VGA_GR_DONT_CARE, 0x0f);
    CHECK(vga_mem_read(v, 0x70) == 0x40, "colour 0011b only at bit 6");
    gr(VGA_GR_DONT_CARE, 0x01);
    CHECK(vga_mem_read(v, 0x70) == 0xf0, "only plane 0 compared");
    gr(VGA_GR_DONT_CARE, 0x00);
    CHECK(vga_mem_read(v, 0x70) == 0xff, "nothing compared: all match");
    gr(VGA_GR_COLOR_CMP, 0x04);
    gr(VGA_GR_DONT_CARE, 0x0c);
    CHECK(vga_mem_read(v, 0x70) == 0xaa, "planes 2,3 = 1,0");
}
END_TEST

START_TEST(test_odd_even_text)
{
    /* mode 3: odd/even on, chain odd/even, B8000 32K, planes 0 and 1 */
    sr(VGA_SR_MEMMODE, 0x02);
    sr(VGA_SR_MAP_MASK, 0x03);
    gr(VGA_GR_MODE, 0x10);
    gr(VGA_GR_MISC, 0x0e);
    gr(VGA_GR_BIT_MASK, 0xff);
    vga_mem_write(v, 0x18000, 'A');
    vga_mem_write(v, 0x18001, 0x1f);
    vga_mem_write(v, 0x18002, 'B');
    vga_mem_write(v, 0x18003, 0x07);
    CHECK(vram[0] == 'A' && vram[1] == 0x1f && vram[4] == 'B' && vram[5] == 0x07,
          "cells land in planes 0/1 at offset a >> 1");
    CHECK(vram[2] == 0 && vram[3] == 0, "planes 2/3 untouched");
    CHECK(vga_mem_read(v, 0x18002) == 'B' && vga_mem_read(v, 0x18001) == 0x1f, "odd/even read back");
    vga_mem_write(v, 0x00000, 0x99);
    CHECK(vga_mem_read(v, 0x00000) == 0xff && vram[0] == 'A', "A0000 not decoded with map 3");
    CHECK(vga_mem_read(v, 0x10000) == 0xff, "B0000 not decoded with map 3");
    /* the font plane: odd/even off for CPU writes, plane 2 only */
    sr(VGA_SR_MEMMODE, 0x06);
    sr(VGA_SR_MAP_MASK, 0x04);
    gr(VGA_GR_MODE, 0x00);
    gr(VGA_GR_MISC, 0x04);
    gr(VGA_GR_READ_MAP, 2);
    vga_mem_write(v, 0x41 * 32 + 3, 0x7e);
    CHECK(plane(0x41 * 32 + 3, 2) == 0x7e, "glyph row in plane 2");
    CHECK(vga_mem_read(v, 0x41 * 32 + 3) == 0x7e, "glyph row read back");
    CHECK(vram[0] == 'A', "cells kept");
}
END_TEST

START_TEST(test_chain4_and_maps)
{
    sr(VGA_SR_MEMMODE, 0x0e);
    sr(VGA_SR_MAP_MASK, 0x0f);
    gr(VGA_GR_MISC, 0x05);
    vga_mem_write(v, 5, 0x77);
    CHECK(vram[5] == 0x77, "chain-4 byte");
    CHECK(vga_mem_read(v, 5) == 0x77, "chain-4 read");
    sr(VGA_SR_MAP_MASK, 0x0e);
    vga_mem_write(v, 4, 0x66);
    CHECK(vram[4] == 0, "plane 0 disabled by the map mask");
    vga_mem_write(v, 6, 0x66);
    CHECK(vram[6] == 0x66, "plane 2 enabled");
    sr(VGA_SR_MAP_MASK, 0x0f);
    gr(VGA_GR_MISC, 0x09); /* map 2: B0000-B7FFF */
    vga_mem_write(v, 0x10008, 0x42);
    CHECK(vram[8] == 0x42, "B0000 maps to offset 0");
    vga_mem_write(v, 0x18009, 0x43);
    CHECK(vram[9] == 0, "B8000 not decoded with map 2");
    gr(VGA_GR_MISC, 0x01); /* map 0: 128K */
    vga_mem_write(v, 0x1fffe, 0x44);
    CHECK(vram[0x1fffe] == 0x44, "128K map reaches the top");
}
END_TEST

START_TEST(test_vbe_registers)
{
    CHECK(inw(0x1ce) == 0, "index reset");
    outw(0x1ce, VBE_DISPI_INDEX_ID);
    CHECK(inw(0x1cf) == VBE_DISPI_ID0, "ID after reset");
    outw(0x1cf, VBE_DISPI_ID5);
    CHECK(inw(0x1cf) == VBE_DISPI_ID5, "ID5 accepted");
    outw(0x1cf, 0x1234);
    CHECK(inw(0x1cf) == VBE_DISPI_ID5, "bad ID ignored");
    outw(0x1ce, VBE_DISPI_INDEX_VIDEO_MEMORY_64K);
    CHECK(inw(0x1cf) == VRAM >> 16, "video memory in 64K units");
    vga_vbe_write(v, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_GETCAPS);
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_XRES) == VBE_DISPI_MAX_XRES, "GETCAPS XRES");
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_YRES) == VBE_DISPI_MAX_YRES, "GETCAPS YRES");
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_BPP) == 32, "GETCAPS BPP");
    vga_vbe_write(v, VBE_DISPI_INDEX_ENABLE, 0);
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_XRES) == 0, "no caps without GETCAPS");
    /* a 640x480x32 mode through the ports: memory is cleared up to 480 lines */
    memset(vram, 0xab, VRAM);
    outw(0x1ce, VBE_DISPI_INDEX_XRES);
    outw(0x1cf, 640);
    outw(0x1ce, VBE_DISPI_INDEX_YRES);
    outw(0x1cf, 480);
    outw(0x1ce, VBE_DISPI_INDEX_BPP);
    outw(0x1cf, 32);
    outw(0x1ce, VBE_DISPI_INDEX_ENABLE);
    outw(0x1cf, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    CHECK(vga_vbe_enabled(v) && v->vbe_line == 2560 && v->vbe_start == 0, "line length");
    CHECK(vram[0] == 0 && vram[640 * 480 * 4 - 1] == 0 && vram[640 * 480 * 4] == 0xab, "screen cleared, rest kept");
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_VIRT_WIDTH) == 640, "virtual width follows XRES");
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_VIRT_HEIGHT) == VRAM / 2560, "virtual height = memory / line");
    CHECK((v->gr[VGA_GR_MISC] & 0x0d) == 0x05 && (v->sr[VGA_SR_MEMMODE] & 0x08), "banked window set up");
    /* panning */
    vga_vbe_write(v, VBE_DISPI_INDEX_VIRT_WIDTH, 1024);
    vga_vbe_write(v, VBE_DISPI_INDEX_X_OFFSET, 8);
    vga_vbe_write(v, VBE_DISPI_INDEX_Y_OFFSET, 10);
    CHECK(v->vbe_line == 4096 && v->vbe_start == 8 * 4 + 10 * 4096, "origin %u", v->vbe_start);
    vga_vbe_write(v, VBE_DISPI_INDEX_Y_OFFSET, 700);
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_Y_OFFSET) == 0 && v->vbe_start == 32, "origin past memory reset");
    /* fixups */
    vga_vbe_write(v, VBE_DISPI_INDEX_XRES, 643);
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_XRES) == 640, "XRES rounded down to 8");
    vga_vbe_write(v, VBE_DISPI_INDEX_BPP, 7);
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_BPP) == 8, "bad depth becomes 8");
    vga_vbe_write(v, VBE_DISPI_INDEX_BPP, 32);
    vga_vbe_write(v, VBE_DISPI_INDEX_XRES, 4096);
    vga_vbe_write(v, VBE_DISPI_INDEX_YRES, 12000);
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_YRES) == VRAM / 16384, "height limited by memory");
    /* banks */
    vga_vbe_write(v, VBE_DISPI_INDEX_BANK, 0x1ff);
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_BANK) == (VRAM >> 16) - 1, "bank masked to memory");
    vga_vbe_write(v, VBE_DISPI_INDEX_BANK, 2);
    vga_mem_write(v, 0x10, 0x5d);
    CHECK(vram[0x20010] == 0x5d, "banked window write");
    CHECK(vga_mem_read(v, 0x10) == 0x5d, "banked window read");
    vga_vbe_write(v, VBE_DISPI_INDEX_ENABLE, 0);
    CHECK(v->bank_offset == 0 && !vga_vbe_enabled(v), "disable drops the bank");
    /* NOCLEARMEM keeps the framebuffer */
    vram[100] = 0x11;
    vga_vbe_write(v, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM);
    CHECK(vram[100] == 0x11, "no clear");
    /* the 8-bit DAC keeps 8-bit values */
    vga_vbe_write(v, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM | VBE_DISPI_8BIT_DAC);
    outb(0x3c8, 9);
    outb(0x3c9, 0xff);
    outb(0x3c9, 0x80);
    outb(0x3c9, 0x41);
    CHECK(v->dac[27] == 0xff && v->dac[28] == 0x80 && v->dac[29] == 0x41, "8-bit DAC entry");
}
END_TEST

START_TEST(test_bar2_and_edid)
{
    const struct mmio_ops *o = &vga_bar2_mmio_ops;
    uint8_t e[128];
    vga_edid_build(e);
    static const uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    CHECK(!memcmp(e, header, 8), "EDID header");
    uint8_t sum = 0;
    for (int k = 0; k < 128; k++) sum = (uint8_t)(sum + e[k]);
    CHECK(sum == 0, "EDID checksum");
    CHECK(e[18] == 1 && e[19] == 4, "EDID 1.4");
    unsigned hact = e[56] | ((e[58] >> 4) << 8), vact = e[59] | ((e[61] >> 4) << 8);
    unsigned clk10k = e[54] | (e[55] << 8);
    CHECK(hact == 1024 && vact == 768 && clk10k == 6500, "preferred timing %ux%u at %u0 kHz", hact, vact, clk10k);
    CHECK(!memcmp(e + 72, "\0\0\0\xfc\0turtles\n", 13), "monitor name");
    for (int k = 0; k < 128; k++) CHECK(o->read(v, (uint64_t)k, 1) == e[k], "BAR2 EDID byte %d", k);
    CHECK(o->read(v, 0x200, 4) == 0, "beyond the EDID reads 0");
    /* dispi registers at 0x500 + 2 * index */
    o->write(v, 0x500 + 2 * VBE_DISPI_INDEX_XRES, 800, 2);
    CHECK(vga_vbe_read(v, VBE_DISPI_INDEX_XRES) == 800, "dispi write through BAR2");
    CHECK(o->read(v, 0x500 + 2 * VBE_DISPI_INDEX_XRES, 2) == 800, "dispi read through BAR2");
    CHECK(o->read(v, 0x500 + 2 * VBE_DISPI_INDEX_VIDEO_MEMORY_64K, 2) == VRAM >> 16, "memory size");
    /* VGA ports at 0x400 + (port - 0x3C0) */
    o->write(v, 0x402, 0x67, 1);
    CHECK(v->misc == 0x67, "misc output through BAR2");
    o->write(v, 0x404, 0x0f02, 2);
    CHECK(v->sr[2] == 0x0f, "sequencer index+data word through BAR2");
    CHECK(o->read(v, 0x40c, 1) == 0x67, "misc read through BAR2");
    CHECK(o->read(v, 0x600, 4) == 8 && o->read(v, 0x604, 4) == 0x1e1e1e1e, "QEMU extension registers");
}
END_TEST

static int maps_seen, last_bar;
static uint64_t last_addr, last_size;
static bool last_map;
static void fake_map(void *opaque, struct pci_dev *d, int n, uint64_t addr, uint64_t size, bool map)
{
    maps_seen++;
    last_bar = n;
    last_addr = addr;
    last_size = size;
    last_map = map;
}

START_TEST(test_pci_function)
{
    struct pci_bus pb;
    ck_assert(pci_bus_init(&pb, bus));
    pb.map_mmio = fake_map;
    ck_assert(vga_pci_init(v, &pb, PCI_DEVFN(2, 0), 0x1000000, 0x2000000, 0x10000));
    struct pci_dev *d = &v->dev;
    CHECK(pci_config_read(d, 0, 4) == 0x11111234, "ID");
    CHECK(pci_config_read(d, 8, 4) == 0x03000002, "class and revision");
    CHECK(pci_config_read(d, 0x2c, 4) == 0x11001af4, "subsystem");
    pci_config_write(d, 0x10, 0xffffffff, 4);
    CHECK(pci_config_read(d, 0x10, 4) == (~(VRAM - 1) | 8u), "BAR0 the size of vram, prefetchable (%08x)",
          pci_config_read(d, 0x10, 4));
    pci_config_write(d, 0x18, 0xffffffff, 4);
    CHECK(pci_config_read(d, 0x18, 4) == 0xfffff000, "BAR2 4 KiB");
    pci_config_write(d, 0x30, 0xfffff800, 4);
    CHECK(pci_config_read(d, 0x30, 4) == 0xffff0000, "ROM BAR 64 KiB");
    pci_config_write(d, 0x10, 0xfd000000, 4);
    pci_config_write(d, 0x18, 0xfebf0000, 4);
    pci_config_write(d, 0x30, 0xfebe0000, 4);
    maps_seen = 0;
    pci_config_write(d, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    CHECK(maps_seen == 2 && d->bar[0].addr == 0xfd000000 && d->bar[2].addr == 0xfebf0000, "BARs decode");
    CHECK(d->bar[0].backed && d->bar[0].backing_off == 0x1000000, "framebuffer is backed memory");
    pci_config_write(d, 0x30, 0xfebe0001, 4);
    CHECK(maps_seen == 3 && last_bar == PCI_ROM_SLOT && last_addr == 0xfebe0000 && last_size == 0x10000 && last_map,
          "ROM BAR decodes when enabled");
    CHECK(d->bar[PCI_ROM_SLOT].backed && d->bar[PCI_ROM_SLOT].backing_off == 0x2000000, "ROM backing");
    vga_pci_reset(v);
    CHECK(d->bar[0].addr == PCI_BAR_UNMAPPED && !last_map, "reset unmaps");
}
END_TEST

static Suite *vga_suite(void)
{
    Suite *s = suite_create("vga");
    TCase *tc = tcase_create("vga");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_register_files);
    tcase_add_test(tc, test_attribute_controller);
    tcase_add_test(tc, test_crtc_decoding_and_protection);
    tcase_add_test(tc, test_dac);
    tcase_add_test(tc, test_retrace_on_virtual_clock);
    tcase_add_test(tc, test_write_mode0);
    tcase_add_test(tc, test_logical_ops);
    tcase_add_test(tc, test_write_modes_1_2_3);
    tcase_add_test(tc, test_read_modes);
    tcase_add_test(tc, test_odd_even_text);
    tcase_add_test(tc, test_chain4_and_maps);
    tcase_add_test(tc, test_vbe_registers);
    tcase_add_test(tc, test_bar2_and_edid);
    tcase_add_test(tc, test_pci_function);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vga_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("vga: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
