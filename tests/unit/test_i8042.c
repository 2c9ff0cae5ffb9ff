/* Unit tests of the 8042 keyboard controller, PS/2 keyboard and mouse (devices/i8042.c) and port
 * 0x92 (devices/port92.c) through their port callbacks, with fake IRQ1/IRQ12 lines and fake A20
 * and reset callbacks: SeaBIOS's probe sequence from the QEMU trace, controller commands, output
 * port, keyboard commands and set 2 -> set 1 translation, interface disables, IRQ gating and
 * edges, mouse commands and packets, Linux's AUX loopback test, and port 0x92. */
#include "devices/i8042.h"

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

static int irq_level[16], irq_edges[16];
static void fake_irq(void *opaque, int n, int level)
{
    if (level && !irq_level[n]) irq_edges[n]++;
    irq_level[n] = level;
}
static int a20_calls, reset_calls;
static bool a20_state;
static void fake_a20(void *opaque, bool on)
{
    a20_calls++;
    a20_state = on;
}
static void fake_reset(void *opaque) { reset_calls++; }

static struct bus *bus;
static struct i8042 *k;
static struct port92 *p92;

static void setup(void)
{
    memset(irq_level, 0, sizeof irq_level);
    memset(irq_edges, 0, sizeof irq_edges);
    a20_calls = reset_calls = 0;
    a20_state = true;
    bus = bus_create();
    k = malloc(sizeof *k);
    p92 = malloc(sizeof *p92);
    ck_assert(bus && k && p92);
    ck_assert(i8042_init(k, bus, (struct irq_line){fake_irq, NULL, 1}, (struct irq_line){fake_irq, NULL, 12}));
    k->set_a20 = fake_a20;
    k->reset = fake_reset;
    ck_assert(port92_init(p92, bus));
    p92->set_a20 = fake_a20;
    p92->reset = fake_reset;
}

static void teardown(void)
{
    free(k);
    free(p92);
    bus_destroy(bus);
}

static uint8_t st(void) { return (uint8_t)bus_in(bus, 0x64, 1); }
static uint8_t rd(void) { return (uint8_t)bus_in(bus, 0x60, 1); }
static void cmd(uint8_t c) { bus_out(bus, 0x64, c, 1); }
static void wr(uint8_t v) { bus_out(bus, 0x60, v, 1); }
static void set_ctr(uint8_t v)
{
    cmd(0x60);
    wr(v);
}
static uint8_t get_ctr(void)
{
    cmd(0x20);
    ck_assert(st() & I8042_STS_OBF);
    return rd();
}
/* Reads one byte that must be present, checking where it came from. */
static uint8_t rd_kbd(void)
{
    uint8_t s = st();
    CHECK((s & 0x21) == 0x01, "expected a keyboard byte, status %02x", s);
    return rd();
}
static uint8_t rd_aux(void)
{
    uint8_t s = st();
    CHECK((s & 0x21) == 0x21, "expected a mouse byte, status %02x", s);
    return rd();
}
static void expect_empty(void) { CHECK(!(st() & I8042_STS_OBF), "output buffer empty, status %02x", st()); }

START_TEST(test_seabios_probe)
{
    /* io-seabios.txt.gz: the i8042 part of SeaBIOS's ps2port init, with the values QEMU gave.
     * Differences by design (IBM PS/2 KBC): A2 (bit 3) is 0 after a data-port write, and the
     * command byte's system flag is copied into status bit 2. */
    CHECK(st() == 0x18, "power-on status");
    cmd(0xad);
    CHECK(st() == 0x18, "after AD");
    cmd(0xa7);
    cmd(0xaa);
    CHECK(st() == 0x1d, "self-test result pending: %02x", st());
    CHECK(rd() == 0x55, "self-test ok");
    CHECK(st() == 0x1c, "after read");
    cmd(0xab);
    CHECK(st() == 0x1d, "interface test pending");
    CHECK(rd() == 0x00, "kbd interface ok");
    cmd(0x60);
    CHECK(st() == 0x1c, "A2 after command");
    wr(0x30);
    CHECK(st() == 0x10, "A2 cleared by data write, SYS from command byte 0x30: %02x", st());
    set_ctr(0x20);
    wr(0xff);
    CHECK(st() == 0x11, "ACK pending");
    CHECK(rd() == 0xfa, "reset ACK");
    CHECK(st() == 0x11, "BAT pending");
    CHECK(rd() == 0xaa, "BAT ok");
    set_ctr(0x30);
    set_ctr(0x20);
    wr(0xf5);
    CHECK(rd_kbd() == 0xfa, "F5 ACK");
    set_ctr(0x20);
    wr(0xf0);
    CHECK(rd_kbd() == 0xfa, "F0 ACK");
    wr(0x02);
    CHECK(rd_kbd() == 0xfa, "set 2 ACK");
    set_ctr(0x60);
    wr(0xf4);
    CHECK(rd_kbd() == 0xfa, "F4 ACK");
    set_ctr(0x61);
    CHECK(get_ctr() == 0x61, "final command byte");
    CHECK(k->kbd.scanning && k->kbd.scanset == 2, "keyboard state");
    /* IRQ1 rose for the AA and AB results (power-on command byte 0x03) and the final 0x20 read */
    CHECK(irq_edges[1] == 3, "IRQ1 edges: %d", irq_edges[1]);
}
END_TEST

START_TEST(test_controller_ram)
{
    CHECK(get_ctr() == 0x03, "power-on command byte");
    set_ctr(0x47);
    CHECK(get_ctr() == 0x47, "command byte");
    CHECK(st() & I8042_STS_SYS, "SYS follows command byte");
    cmd(0x65);
    wr(0x9a);
    cmd(0x25);
    CHECK(rd() == 0x9a, "controller RAM byte 5");
    cmd(0xa7);
    CHECK(get_ctr() & I8042_CMD_AUX_DIS, "A7 sets bit 5");
    cmd(0xa8);
    CHECK(!(get_ctr() & I8042_CMD_AUX_DIS), "A8 clears bit 5");
    cmd(0xad);
    CHECK(get_ctr() & I8042_CMD_KBD_DIS, "AD sets bit 4");
    cmd(0xae);
    CHECK(!(get_ctr() & I8042_CMD_KBD_DIS), "AE clears bit 4");
    cmd(0xa9);
    CHECK(rd() == 0x00, "aux interface test");
    cmd(0xa4);
    CHECK(rd() == 0xf1, "no password");
    cmd(0xe0);
    CHECK(rd() == 0x00, "test inputs");
    cmd(0xc0);
    CHECK(rd() == 0x80, "input port");
    CHECK(rd() == 0x80, "empty buffer reads the last byte again");
    expect_empty();
    cmd(0x12); /* unknown: ignored */
    expect_empty();
}
END_TEST

START_TEST(test_output_port)
{
    cmd(0xd0);
    CHECK(rd() == 0xcf, "power-on output port");
    cmd(0xd1);
    wr(0xcd);
    CHECK(a20_calls == 1 && !a20_state && reset_calls == 0, "A20 off via D1");
    CHECK(!i8042_a20(k), "a20 accessor");
    cmd(0xd0);
    CHECK(rd() == 0xcd, "output port read back");
    cmd(0xdf);
    CHECK(a20_calls == 2 && a20_state, "DF: A20 on");
    cmd(0xdd);
    CHECK(a20_calls == 3 && !a20_state, "DD: A20 off");
    cmd(0xd1);
    wr(0xce);
    CHECK(reset_calls == 1 && a20_state, "D1 with bit 0 clear resets");
    cmd(0xfe);
    CHECK(reset_calls == 2, "FE pulses reset");
    cmd(0xff);
    cmd(0xfd);
    CHECK(reset_calls == 2, "FF/FD pulse no reset");
    cmd(0xf0);
    CHECK(reset_calls == 3, "F0 pulses all lines including reset");
    /* bits 4/5 reflect the output buffer */
    cmd(0xd1);
    wr(0xcf);
    wr(0xee);
    cmd(0xd0);
    CHECK(rd() == 0xee, "echo first");
    CHECK(rd() == 0xdf, "bit 4 = keyboard OBF when D0 ran");
    cmd(0xd0);
    CHECK(rd() == 0xcf, "bits 4/5 clear with an empty buffer");
    i8042_reset(k);
    CHECK(a20_state && st() == 0x18 && k->ram[0] == 0x03, "reset state");
}
END_TEST

START_TEST(test_kbd_commands)
{
    set_ctr(0x01); /* KBD int, no translation */
    wr(0xf2);
    CHECK(rd_kbd() == 0xfa && rd_kbd() == 0xab && rd_kbd() == 0x83, "ID untranslated");
    wr(0xee);
    CHECK(rd_kbd() == 0xee, "echo");
    wr(0xed);
    CHECK(rd_kbd() == 0xfa, "LED ACK");
    wr(0x05);
    CHECK(rd_kbd() == 0xfa && k->kbd.leds == 5, "LEDs");
    wr(0xf3);
    CHECK(rd_kbd() == 0xfa, "typematic ACK");
    wr(0x20);
    CHECK(rd_kbd() == 0xfa && k->kbd.typematic == 0x20, "typematic");
    wr(0xf0);
    rd_kbd();
    wr(0x00);
    CHECK(rd_kbd() == 0xfa && rd_kbd() == 0x02, "get scan set");
    wr(0xf0);
    rd_kbd();
    wr(0x07);
    CHECK(rd_kbd() == 0xfe, "bad scan set: resend");
    wr(0x01);
    CHECK(rd_kbd() == 0xfa && k->kbd.scanset == 1, "set 1 after retry");
    wr(0xed);
    rd_kbd();
    wr(0xf2); /* a command instead of the parameter aborts ED */
    CHECK(rd_kbd() == 0xfa && rd_kbd() == 0xab && rd_kbd() == 0x83, "abort by command");
    wr(0xfe);
    CHECK(rd_kbd() == 0x83, "resend last byte");
    wr(0x55);
    CHECK(rd_kbd() == 0xfe, "unknown command");
    wr(0xff);
    CHECK(rd_kbd() == 0xfa && rd_kbd() == 0xaa && k->kbd.scanset == 2 && k->kbd.leds == 0, "reset");
    expect_empty();
}
END_TEST

START_TEST(test_translation)
{
    set_ctr(0x41); /* translate + KBD int */
    wr(0xf2);
    CHECK(rd_kbd() == 0xfa && rd_kbd() == 0xab && rd_kbd() == 0x41, "ID translated: 0x83 -> 0x41");
    static const uint8_t a_make[] = {0x1c}, a_break[] = {0xf0, 0x1c}, up[] = {0xe0, 0x75}, up_br[] = {0xe0, 0xf0, 0x75},
                         f7[] = {0x83}, f7_br[] = {0xf0, 0x83}, esc[] = {0x76};
    CHECK(i8042_kbd_queue(k, a_make, 1), "queue");
    CHECK(rd_kbd() == 0x1e, "A make");
    i8042_kbd_queue(k, a_break, 2);
    CHECK(rd_kbd() == 0x9e, "A break");
    expect_empty();
    i8042_kbd_queue(k, up, 2);
    CHECK(rd_kbd() == 0xe0 && rd_kbd() == 0x48, "up");
    i8042_kbd_queue(k, up_br, 3);
    CHECK(rd_kbd() == 0xe0 && rd_kbd() == 0xc8, "up break");
    i8042_kbd_queue(k, f7, 1);
    i8042_kbd_queue(k, f7_br, 2);
    CHECK(rd_kbd() == 0x41 && rd_kbd() == 0xc1, "F7");
    i8042_kbd_queue(k, esc, 1);
    CHECK(rd_kbd() == 0x01, "Esc");
    /* set 2 spot checks of the table */
    static const uint8_t pairs[][2] = {{0x5a, 0x1c}, {0x29, 0x39}, {0x05, 0x3b}, {0x66, 0x0e}, {0x12, 0x2a}, {0x59, 0x36},
                                       {0x14, 0x1d}, {0x11, 0x38}, {0x58, 0x3a}, {0x77, 0x45}, {0x7e, 0x46}, {0x78, 0x57},
                                       {0x07, 0x58}, {0x16, 0x02}, {0x45, 0x0b}, {0x0e, 0x29}, {0x7c, 0x37}, {0x61, 0x56},
                                       {0x0d, 0x0f}, {0x15, 0x10}, {0x4d, 0x19}, {0x1a, 0x2c}, {0x4a, 0x35}, {0x70, 0x52}};
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        i8042_kbd_queue(k, &pairs[i][0], 1);
        uint8_t b = rd_kbd();
        CHECK(b == pairs[i][1], "set2 %02x -> %02x, got %02x", pairs[i][0], pairs[i][1], b);
    }
    /* without translation the set-2 bytes pass */
    set_ctr(0x01);
    i8042_kbd_queue(k, up_br, 3);
    CHECK(rd_kbd() == 0xe0 && rd_kbd() == 0xf0 && rd_kbd() == 0x75, "raw set 2");
    /* keyboard in set 1 converts itself */
    wr(0xf0);
    rd_kbd();
    wr(0x01);
    rd_kbd();
    i8042_kbd_queue(k, up_br, 3);
    CHECK(rd_kbd() == 0xe0 && rd_kbd() == 0xc8, "keyboard set 1");
}
END_TEST

START_TEST(test_kbd_buffer_and_disable)
{
    set_ctr(0x41);
    static const uint8_t a[] = {0x1c};
    wr(0xf5);
    rd_kbd();
    CHECK(i8042_kbd_queue(k, a, 1), "dropped while not scanning");
    expect_empty();
    wr(0xf4);
    rd_kbd();
    /* interface disabled: bytes wait in the keyboard */
    cmd(0xad);
    i8042_kbd_queue(k, a, 1);
    expect_empty();
    CHECK(irq_level[1] == 0, "no IRQ1");
    cmd(0xae);
    CHECK(rd_kbd() == 0x1e, "delivered after AE");
    /* 16-byte buffer */
    cmd(0xad);
    unsigned n = 0;
    while (i8042_kbd_queue(k, a, 1)) n++;
    CHECK(n == 16, "16 bytes fit, got %u", n);
    static const uint8_t two[] = {0xe0, 0x75};
    CHECK(!i8042_kbd_queue(k, two, 2), "whole event refused when full");
    cmd(0xae);
    for (unsigned i = 0; i < 16; i++) CHECK(rd_kbd() == 0x1e, "byte %u", i);
    expect_empty();
    /* writing to the keyboard re-enables its interface (QEMU) */
    cmd(0xad);
    wr(0xee);
    CHECK(rd_kbd() == 0xee && !(get_ctr() & I8042_CMD_KBD_DIS), "re-enabled by a keyboard write");
}
END_TEST

START_TEST(test_irq)
{
    set_ctr(0x40); /* interrupts off */
    static const uint8_t ab[] = {0x1c, 0x32};
    i8042_kbd_queue(k, ab, 2);
    CHECK(irq_level[1] == 0 && (st() & 1), "data without IRQ1");
    set_ctr(0x41);
    CHECK(irq_level[1] == 1 && irq_edges[1] == 1, "enabling raises IRQ1");
    CHECK(rd() == 0x1e, "first");
    CHECK(irq_level[1] == 1 && irq_edges[1] == 2, "second byte makes a new edge");
    CHECK(rd() == 0x30, "second");
    CHECK(irq_level[1] == 0, "empty: IRQ1 low");
    /* mouse bytes raise IRQ12 only with AUX int */
    set_ctr(0x41);
    cmd(0xd4);
    wr(0xf2);
    CHECK(irq_level[12] == 0 && (st() & 0x21) == 0x21, "aux byte without IRQ12");
    set_ctr(0x43);
    CHECK(irq_level[12] == 1 && irq_level[1] == 0, "IRQ12 enabled");
    rd();
    CHECK(irq_level[12] == 1 && irq_edges[12] == 2, "second mouse byte: new edge");
    CHECK(rd() == 0x00 && irq_level[12] == 0, "ID 0 then low");
    /* D2/D3 */
    cmd(0xd2);
    wr(0x99);
    CHECK(irq_level[1] == 1 && rd_kbd() == 0x99, "D2 as keyboard data, untranslated");
    cmd(0xd3);
    wr(0x5a);
    CHECK(irq_level[12] == 1 && rd_aux() == 0x5a, "D3 as mouse data");
}
END_TEST

START_TEST(test_linux_aux_probe)
{
    /* i8042_check_aux: AUX loopback with the port still disabled */
    set_ctr(0x67); /* xlate, aux+kbd disabled... */
    set_ctr(0x65); /* AUX disabled, ints kbd only */
    cmd(0xd3);
    wr(0x5a);
    CHECK(rd_aux() == 0x5a, "loop with aux disabled");
    /* MUX detection: the loop echoes the bytes, so no active multiplexing */
    static const uint8_t seq[] = {0xf0, 0x56, 0xa4};
    for (unsigned i = 0; i < 3; i++) {
        cmd(0xd3);
        wr(seq[i]);
        CHECK(rd_aux() == seq[i], "mux seq %u", i);
    }
    cmd(0xa7);
    CHECK(get_ctr() & 0x20, "toggle aux off");
    cmd(0xa8);
    CHECK(!(get_ctr() & 0x20), "toggle aux on");
    set_ctr(0x47); /* AUX int on, AUX enabled */
    int e = irq_edges[12];
    cmd(0xd3);
    wr(0xa5);
    CHECK(irq_edges[12] == e + 1, "IRQ12 delivered for the loop byte");
    CHECK(rd() == 0xa5, "loop byte");
}
END_TEST

START_TEST(test_mouse)
{
    set_ctr(0x47);
    cmd(0xd4);
    wr(0xff);
    CHECK(rd_aux() == 0xfa && rd_aux() == 0xaa && rd_aux() == 0x00, "mouse reset");
    cmd(0xd4);
    wr(0xf3);
    CHECK(rd_aux() == 0xfa, "rate ACK");
    cmd(0xd4);
    wr(40);
    CHECK(rd_aux() == 0xfa && k->mouse.rate == 40, "rate set");
    cmd(0xd4);
    wr(0xe8);
    rd_aux();
    cmd(0xd4);
    wr(0x03);
    CHECK(rd_aux() == 0xfa && k->mouse.resolution == 3, "resolution");
    cmd(0xd4);
    wr(0xe7);
    CHECK(rd_aux() == 0xfa, "scaling 2:1");
    CHECK(i8042_mouse_event(k, 5, 5, 1), "motion while disabled is dropped");
    expect_empty();
    cmd(0xd4);
    wr(0xf4);
    CHECK(rd_aux() == 0xfa, "enable");
    cmd(0xd4);
    wr(0xe9);
    CHECK(rd_aux() == 0xfa, "status ACK");
    uint8_t s1 = rd_aux(), s2 = rd_aux(), s3 = rd_aux();
    CHECK(s1 == 0x34 && s2 == 3 && s3 == 40, "status %02x %02x %02x", s1, s2, s3);
    CHECK(i8042_mouse_event(k, 3, -2, 1), "motion");
    uint8_t p0 = rd_aux(), p1 = rd_aux(), p2 = rd_aux();
    CHECK(p0 == 0x29 && p1 == 3 && p2 == 0xfe, "packet %02x %02x %02x", p0, p1, p2);
    i8042_mouse_event(k, -300, 400, 6);
    p0 = rd_aux();
    p1 = rd_aux();
    p2 = rd_aux();
    CHECK(p0 == 0xde && p1 == 0x00 && p2 == 0xff, "overflow packet %02x %02x %02x", p0, p1, p2);
    /* aux interface disabled: packets wait */
    cmd(0xa7);
    i8042_mouse_event(k, 1, 1, 0);
    expect_empty();
    cmd(0xa8);
    CHECK(rd_aux() == 0x08, "delivered after A8");
    rd_aux();
    rd_aux();
    /* remote mode + read data */
    cmd(0xd4);
    wr(0xf0);
    rd_aux();
    i8042_mouse_event(k, 2, 0, 0);
    i8042_mouse_event(k, 2, 1, 0);
    expect_empty();
    cmd(0xd4);
    wr(0xeb);
    CHECK(rd_aux() == 0xfa && rd_aux() == 0x08 && rd_aux() == 4 && rd_aux() == 1, "read data");
    /* wrap mode */
    cmd(0xd4);
    wr(0xee);
    rd_aux();
    cmd(0xd4);
    wr(0x12);
    CHECK(rd_aux() == 0x12, "wrap echo");
    cmd(0xd4);
    wr(0xec);
    CHECK(rd_aux() == 0xfa && !k->mouse.wrap, "wrap off");
    cmd(0xd4);
    wr(0x00);
    CHECK(rd_aux() == 0xfe, "unknown mouse command");
}
END_TEST

START_TEST(test_port92)
{
    CHECK(bus_in(bus, 0x92, 1) == 0x00, "power-on 0 (trace)");
    bus_out(bus, 0x92, 0x02, 1);
    CHECK(a20_calls == 1 && a20_state && reset_calls == 0, "A20 on");
    CHECK(bus_in(bus, 0x92, 1) == 0x02, "reads back 0x02 (trace)");
    bus_out(bus, 0x92, 0xfc, 1);
    CHECK(bus_in(bus, 0x92, 1) == 0x00 && !a20_state, "reserved bits read 0, A20 off");
    bus_out(bus, 0x92, 0x03, 1);
    CHECK(reset_calls == 1, "fast reset on 0 -> 1");
    bus_out(bus, 0x92, 0x03, 1);
    CHECK(reset_calls == 1, "no reset without a transition");
    port92_reset(p92);
    CHECK(bus_in(bus, 0x92, 1) == 0x02, "reset clears bit 0, keeps A20");
    bus_out(bus, 0x92, 0x01, 1);
    CHECK(reset_calls == 2 && !a20_state, "second reset");
}
END_TEST

static Suite *i8042_suite(void)
{
    Suite *s = suite_create("i8042");
    TCase *tc = tcase_create("i8042");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_seabios_probe);
    tcase_add_test(tc, test_controller_ram);
    tcase_add_test(tc, test_output_port);
    tcase_add_test(tc, test_kbd_commands);
    tcase_add_test(tc, test_translation);
    tcase_add_test(tc, test_kbd_buffer_and_disable);
    tcase_add_test(tc, test_irq);
    tcase_add_test(tc, test_linux_aux_probe);
    tcase_add_test(tc, test_mouse);
    tcase_add_test(tc, test_port92);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(i8042_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("i8042: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
