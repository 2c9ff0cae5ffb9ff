/* Unit tests of the 8259A pair (devices/pic8259.c) through its port callbacks, with a recording
 * INT callback. Cites the Intel 8259A datasheet sections the behaviour comes from. */
#include "devices/pic8259.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

static struct bus *bus;
static struct pic pic;
static bool intr;
static int intr_changes;

static void set_intr(void *opaque, bool level)
{
    ck_assert_ptr_eq(opaque, &pic);
    ck_assert_msg(level != intr, "set_intr called without a change");
    intr = level;
    intr_changes++;
}

static uint8_t in8(uint16_t port) { return (uint8_t)bus_in(bus, port, 1); }
static void out8(uint16_t port, uint8_t v) { bus_out(bus, port, v, 1); }
static void irq(int n, int level) { pic_irq_set(&pic, n, level); }

/* SeaBIOS's sequence (traces/io-seabios.txt.gz): ICW1 0x11, ICW2 0x08/0x70, ICW3 0x04/0x02,
 * ICW4 0x01, then masks. */
static void bios_init(uint8_t mmask, uint8_t smask)
{
    out8(0x20, 0x11);
    out8(0xa0, 0x11);
    out8(0x21, 0x08);
    out8(0xa1, 0x70);
    out8(0x21, 0x04);
    out8(0xa1, 0x02);
    out8(0x21, 0x01);
    out8(0xa1, 0x01);
    out8(0x21, mmask);
    out8(0xa1, smask);
}

static uint8_t read_isr(uint16_t base)
{
    out8(base, 0x0b);
    uint8_t v = in8(base);
    out8(base, 0x0a);
    return v;
}

static void setup(void)
{
    bus = bus_create();
    ck_assert(bus);
    intr = false;
    intr_changes = 0;
    ck_assert(pic_init(&pic, bus, set_intr, &pic));
    bios_init(0x00, 0x00);
}

static void teardown(void) { bus_destroy(bus); }

START_TEST(test_init_and_masks)
{
    /* OCW1 is readable at A0=1; after ICW1 the status read selects IRR */
    CHECK(in8(0x21) == 0x00 && in8(0xa1) == 0x00, "IMR after init");
    out8(0x21, 0xfb);
    out8(0xa1, 0xff);
    CHECK(in8(0x21) == 0xfb && in8(0xa1) == 0xff, "IMR read back");
    CHECK(in8(0x20) == 0 && in8(0xa0) == 0, "IRR empty");
    CHECK(!intr, "no INT");
    /* word read of 0x20: IRR in the low byte, IMR in the high byte */
    CHECK(bus_in(bus, 0x20, 2) == 0xfb00, "word read %x", bus_in(bus, 0x20, 2));
    /* ports claimed */
    CHECK(!bus_add_pio(bus, 0x20, 1, NULL, NULL) && !bus_add_pio(bus, 0x4d1, 1, NULL, NULL), "ports");
}
END_TEST

START_TEST(test_edge_basic)
{
    /* "Interrupt Sequence": request -> INT; INTA sets ISR, clears IRR, vector = T7-T3 | level */
    irq(0, 1);
    CHECK(intr, "INT for IRQ0");
    CHECK(in8(0x20) == 0x01, "IRR0");
    CHECK(pic_ack(&pic) == 0x08, "vector 8");
    CHECK(!intr, "INT drops after INTA");
    CHECK(in8(0x20) == 0x00, "IRR cleared (edge)");
    CHECK(read_isr(0x20) == 0x01, "ISR0 set");
    /* the line stays high: edge mode needs a new rising edge */
    out8(0x20, 0x20);
    CHECK(read_isr(0x20) == 0 && !intr, "EOI clears ISR, no new request while held high");
    irq(0, 0);
    irq(0, 1);
    CHECK(intr, "new edge");
    CHECK(pic_ack(&pic) == 0x08, "vector 8 again");
    out8(0x20, 0x20);
    irq(0, 0);
}
END_TEST

START_TEST(test_spurious_irq7)
{
    /* "Edge and Level Triggered Modes": IR must stay high until the first INTA, else default IR7
     * (vector of IR7, no IS bit) */
    irq(3, 1);
    CHECK(intr, "INT");
    irq(3, 0);
    CHECK(!intr, "request withdrawn");
    CHECK(pic_ack(&pic) == 0x0f, "spurious IRQ7 vector");
    CHECK(read_isr(0x20) == 0, "no IS bit for a default IR7");
    /* a real IR7 does set IS7 */
    irq(7, 1);
    CHECK(pic_ack(&pic) == 0x0f && read_isr(0x20) == 0x80, "real IR7");
    out8(0x20, 0x20);
    irq(7, 0);
}
END_TEST

START_TEST(test_priority_nesting)
{
    /* "Fully Nested Mode": IR0 highest .. IR7 lowest; lower requests wait for EOI, higher nest */
    irq(3, 1);
    irq(1, 1);
    CHECK(pic_ack(&pic) == 0x09, "IR1 first");
    CHECK(!intr, "IR3 blocked by IS1");
    irq(0, 1);
    CHECK(intr, "IR0 nests over IS1");
    CHECK(pic_ack(&pic) == 0x08, "IR0");
    CHECK(read_isr(0x20) == 0x03, "ISR 0 and 1");
    out8(0x20, 0x20); /* non-specific EOI clears the highest: IS0 */
    CHECK(read_isr(0x20) == 0x02 && !intr, "IS0 cleared, IR3 still blocked");
    out8(0x20, 0x20);
    CHECK(intr && pic_ack(&pic) == 0x0b, "IR3 after both EOIs");
    out8(0x20, 0x63); /* specific EOI level 3 */
    CHECK(read_isr(0x20) == 0, "specific EOI");
}
END_TEST

START_TEST(test_mask)
{
    out8(0x21, 0x10);
    irq(4, 1);
    CHECK(!intr && in8(0x20) == 0x10, "masked request sits in IRR");
    out8(0x21, 0x00);
    CHECK(intr && pic_ack(&pic) == 0x0c, "delivered when unmasked");
    out8(0x20, 0x20);
}
END_TEST

START_TEST(test_level_elcr)
{
    /* PIIX3 ELCR: reserved bits (IRQ0-2, 8, 13) read 0 */
    out8(0x4d0, 0xff);
    out8(0x4d1, 0xff);
    CHECK(in8(0x4d0) == 0xf8 && in8(0x4d1) == 0xde, "ELCR masks %x %x", in8(0x4d0), in8(0x4d1));
    out8(0x4d0, 0x00);
    out8(0x4d1, 0x0c); /* SeaBIOS: IRQ10, 11 level */
    CHECK(in8(0x4d1) == 0x0c, "ELCR2");
    irq(10, 1);
    CHECK(intr, "level IRQ10");
    CHECK(pic_ack(&pic) == 0x72, "vector 0x72");
    CHECK(in8(0xa0) == 0x04, "level IRR follows the line after INTA");
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    CHECK(intr, "level re-requests after EOI while high");
    CHECK(pic_ack(&pic) == 0x72, "again");
    irq(10, 0);
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    CHECK(!intr && in8(0xa0) == 0, "line low: no request");
    /* switching an input to level with the line high makes a request at once */
    irq(11, 1);
    CHECK(pic_ack(&pic) == 0x73, "IRQ11");
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    CHECK(intr, "IRQ11 level still high");
    irq(11, 0);
    CHECK(!intr, "dropped");
}
END_TEST

START_TEST(test_cascade)
{
    /* "Cascade Mode": the slave's INT feeds master IR2; the slave supplies the vector */
    irq(12, 1);
    CHECK(intr, "INT from slave");
    CHECK(in8(0x20) == 0x04, "master IRR2 %x", in8(0x20));
    CHECK(pic_ack(&pic) == 0x74, "vector 0x74");
    CHECK(read_isr(0x20) == 0x04 && read_isr(0xa0) == 0x10, "ISR master 2, slave 4");
    /* a higher slave request is held off by master IS2 (not special fully nested) */
    irq(8, 1);
    CHECK(!intr, "blocked by master IS2");
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    CHECK(intr && pic_ack(&pic) == 0x70, "IRQ8 after EOIs");
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    /* a slave request masked at the slave never reaches the master */
    out8(0xa1, 0x02);
    irq(9, 1);
    CHECK(!intr && in8(0x20) == 0, "masked on slave");
    out8(0xa1, 0x00);
    CHECK(intr && pic_ack(&pic) == 0x71, "IRQ9");
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
    /* master IR2 masked blocks every slave IRQ */
    irq(13, 1);
    out8(0x21, 0x04);
    CHECK(!intr, "cascade masked");
    out8(0x21, 0x00);
    CHECK(intr && pic_ack(&pic) == 0x75, "IRQ13");
    /* IRQ2 is not an external input */
    irq(2, 1);
    CHECK(read_isr(0xa0) == 0x20, "IRQ2 ignored");
}
END_TEST

START_TEST(test_sfnm)
{
    /* "The Special Fully Nested Mode" (master ICW4 SFNM): a higher request from the slave in
     * service is recognised by the master */
    out8(0x20, 0x11);
    out8(0x21, 0x08);
    out8(0x21, 0x04);
    out8(0x21, 0x11);
    irq(12, 1);
    CHECK(pic_ack(&pic) == 0x74, "IRQ12");
    irq(8, 1);
    CHECK(intr, "IRQ8 nests through the master");
    CHECK(pic_ack(&pic) == 0x70, "IRQ8");
    CHECK(read_isr(0xa0) == 0x11 && read_isr(0x20) == 0x04, "ISRs");
    /* a lower slave request is still blocked by the slave's own priority */
    irq(14, 1);
    CHECK(!intr, "IRQ14 blocked by slave IS");
}
END_TEST

START_TEST(test_aeoi)
{
    /* "Automatic End of Interrupt Mode": no IS bit is left set */
    out8(0x20, 0x11);
    out8(0x21, 0x08);
    out8(0x21, 0x04);
    out8(0x21, 0x03);
    irq(5, 1);
    CHECK(pic_ack(&pic) == 0x0d, "vector");
    CHECK(read_isr(0x20) == 0, "AEOI: ISR clear");
    irq(6, 1);
    CHECK(intr && pic_ack(&pic) == 0x0e, "no EOI needed for the next one");
    /* rotate in AEOI: the acknowledged level becomes lowest priority */
    out8(0x20, 0x80);
    irq(1, 1);
    CHECK(pic_ack(&pic) == 0x09, "IR1");
    irq(0, 1);
    irq(2 + 1, 1);
    CHECK(pic_ack(&pic) == 0x0b, "after rotation IR3 beats IR0 (IR1 lowest: order 2..7,0,1)");
    CHECK(pic_ack(&pic) == 0x08, "then IR0");
    out8(0x20, 0x00); /* clear rotate in AEOI */
}
END_TEST

START_TEST(test_rotation)
{
    /* "Specific Rotation": set priority makes L lowest; "Automatic Rotation": rotate on EOI */
    out8(0x20, 0xc4); /* IR4 lowest -> IR5 highest */
    irq(2 + 1, 1);
    irq(6, 1);
    CHECK(pic_ack(&pic) == 0x0e, "IR6 beats IR3 after set priority");
    CHECK(!intr, "IR3 lower than IS6 now");
    out8(0x20, 0xa0); /* rotate on non-specific EOI: IS6 cleared, IR6 lowest -> IR7 highest */
    CHECK(read_isr(0x20) == 0, "cleared");
    irq(7, 1);
    CHECK(pic_ack(&pic) == 0x0f, "IR7 highest now");
    out8(0x20, 0xe7); /* rotate on specific EOI 7 */
    CHECK(read_isr(0x20) == 0, "IS7 cleared");
    CHECK(pic_ack(&pic) == 0x0b, "IR3");
    out8(0x20, 0x63);
    out8(0x20, 0x40); /* no-op */
    out8(0x20, 0xc7); /* back to IR0 highest */
    irq(1, 1);
    irq(0, 1);
    CHECK(pic_ack(&pic) == 0x08, "fixed priority again");
}
END_TEST

START_TEST(test_special_mask)
{
    /* "Special Mask Mode": masking the level in service enables lower levels */
    irq(3, 1);
    CHECK(pic_ack(&pic) == 0x0b, "IR3");
    irq(5, 1);
    CHECK(!intr, "IR5 blocked");
    out8(0x21, 0x08);
    out8(0x20, 0x68); /* OCW3 ESMM|SMM */
    CHECK(intr, "IR5 enabled in SMM");
    CHECK(pic_ack(&pic) == 0x0d, "IR5");
    CHECK(read_isr(0x20) == 0x28, "IS3 and IS5");
    /* a non-specific EOI does not clear a masked IS bit in SMM */
    out8(0x20, 0x20);
    CHECK(read_isr(0x20) == 0x08, "EOI cleared IS5, not masked IS3");
    out8(0x20, 0x48); /* reset SMM */
    out8(0x21, 0x00);
    out8(0x20, 0x20);
    CHECK(read_isr(0x20) == 0, "IS3 cleared");
}
END_TEST

START_TEST(test_poll)
{
    /* "Poll Command": the next read is the poll word and acknowledges */
    out8(0x21, 0xff);
    irq(4, 1);
    out8(0x20, 0x0c);
    CHECK(in8(0x20) == 0x00 && read_isr(0x20) == 0, "masked: no request (I=0)");
    out8(0x21, 0xef);
    out8(0x20, 0x0c);
    CHECK(in8(0x20) == 0x84, "poll word IR4");
    CHECK(read_isr(0x20) == 0x10 && in8(0x20) == 0, "IS4 set, IRR cleared");
    CHECK(in8(0x21) == 0xef, "one poll per command");
    out8(0x20, 0x20);
    /* poll on a slave through A0=1 */
    out8(0x21, 0x00);
    irq(9, 1);
    out8(0x20, 0x0c);
    CHECK(in8(0x21) == 0x82, "master poll: cascade level");
    out8(0xa0, 0x0c);
    CHECK(in8(0xa1) == 0x81, "slave poll: IR1");
    out8(0xa0, 0x20);
    out8(0x20, 0x20);
}
END_TEST

START_TEST(test_icw1_resets)
{
    irq(6, 1);
    out8(0x21, 0x55);
    out8(0x20, 0x68);
    /* ICW1: IMR cleared, edge sense reset, IRR status selected, SMM cleared */
    out8(0x20, 0x11);
    out8(0x21, 0x20);
    out8(0x21, 0x04);
    out8(0x21, 0x01);
    CHECK(in8(0x21) == 0x00, "IMR cleared");
    CHECK(in8(0x20) == 0 && !intr, "a line already high needs a new edge");
    irq(6, 0);
    irq(6, 1);
    CHECK(pic_ack(&pic) == 0x26, "new base 0x20");
    /* ICW1 without IC4 zeroes ICW4 functions (AEOI off); SNGL skips ICW3 */
    out8(0x20, 0x12);
    out8(0x21, 0x40);
    CHECK(in8(0x21) == 0x00, "init done after ICW2, OCW1 next");
    out8(0x21, 0x00);
    irq(5, 1);
    CHECK(pic_ack(&pic) == 0x45 && read_isr(0x20) == 0x20, "vector 0x45, IS set");
}
END_TEST

START_TEST(test_reset)
{
    out8(0x4d1, 0x0c);
    irq(1, 1);
    CHECK(intr, "INT");
    pic_reset(&pic);
    CHECK(!intr, "INT dropped by reset");
    CHECK(in8(0x4d1) == 0, "ELCR cleared");
    CHECK(in8(0x21) == 0 && in8(0x20) == 0, "IMR/IRR clear");
}
END_TEST

static Suite *pic_suite(void)
{
    Suite *s = suite_create("pic");
    TCase *tc = tcase_create("8259a");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_init_and_masks);
    tcase_add_test(tc, test_edge_basic);
    tcase_add_test(tc, test_spurious_irq7);
    tcase_add_test(tc, test_priority_nesting);
    tcase_add_test(tc, test_mask);
    tcase_add_test(tc, test_level_elcr);
    tcase_add_test(tc, test_cascade);
    tcase_add_test(tc, test_sfnm);
    tcase_add_test(tc, test_aeoi);
    tcase_add_test(tc, test_rotation);
    tcase_add_test(tc, test_special_mask);
    tcase_add_test(tc, test_poll);
    tcase_add_test(tc, test_icw1_resets);
    tcase_add_test(tc, test_reset);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pic_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("pic: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
