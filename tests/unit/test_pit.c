/* Unit tests of the 8254 PIT and port 0x61 (devices/pit8254.c) through the port callbacks, with a
 * fake clock (guest ns under test control) and a recording irq0 line. Expected edge times are
 * computed independently with 128-bit arithmetic: CLK edge k is at ceil(k * 1e9 / 1193182) ns.
 * Behaviour references: Intel 8254 datasheet "Mode Definitions", "Read Operations",
 * "Read-Back Command", "GATE Pin Operations Summary". */
#include "devices/pit8254.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

__extension__ typedef unsigned __int128 u128;

static uint64_t now;
static struct clock clk;
static struct bus *bus;
static struct pit pit;
static int irq_level, irq_rises, irq_falls;
static uint64_t last_rise_ns;

static uint64_t fake_icount(void *opaque) { return now; }
static void fake_irq(void *opaque, int n, int level)
{
    ck_assert_int_eq(n, 0);
    if (level && !irq_level) {
        irq_rises++;
        last_rise_ns = now;
    }
    if (!level && irq_level) irq_falls++;
    irq_level = level;
}

static uint64_t edge_ns(uint64_t k) { return (uint64_t)(((u128)k * 1000000000u + 1193181u) / 1193182u); }
static uint64_t edges_at(uint64_t t) { return (uint64_t)((u128)t * 1193182u / 1000000000u); }

static uint8_t in8(uint16_t port) { return (uint8_t)bus_in(bus, port, 1); }
static void out8(uint16_t port, uint8_t v) { bus_out(bus, port, v, 1); }

/* Advances guest time to t, firing timers at their deadlines in order (as the board does). */
static void run_to(uint64_t t)
{
    while (clock_next_deadline(&clk) <= t) {
        now = clock_next_deadline(&clk);
        clock_run_timers(&clk);
    }
    now = t;
}

/* Moves time to the middle of the interval after CLK edge k (edges_at(now) == k). */
static void at_edge(uint64_t k) { run_to(edge_ns(k)); }

static uint8_t status(unsigned ctr)
{
    out8(0x43, (uint8_t)(0xe0 | (2u << ctr))); /* read-back: status only */
    return in8((uint16_t)(0x40 + ctr));
}
static uint16_t read16(unsigned ctr)
{
    uint8_t lo = in8((uint16_t)(0x40 + ctr));
    return (uint16_t)(lo | in8((uint16_t)(0x40 + ctr)) << 8);
}
static uint16_t latch16(unsigned ctr)
{
    out8(0x43, (uint8_t)(ctr << 6));
    return read16(ctr);
}

static void setup(void)
{
    now = 12345; /* not aligned to an edge */
    clock_init(&clk, fake_icount, NULL);
    bus = bus_create();
    ck_assert(bus);
    irq_level = irq_rises = irq_falls = 0;
    ck_assert(pit_init(&pit, bus, &clk, (struct irq_line){fake_irq, NULL, 0}));
}

static void teardown(void) { bus_destroy(bus); }

START_TEST(test_mode2_seabios_no_drift)
{
    /* SeaBIOS: 0x34 (counter 0, LSB/MSB, mode 2), count 0 = 65536 -> 18.2 Hz */
    uint64_t w = edges_at(now);
    out8(0x43, 0x34);
    CHECK(irq_level == 1, "mode 2: OUT high after the control word");
    out8(0x40, 0x00);
    out8(0x40, 0x00);
    uint64_t load = w + 1; /* loaded on the next CLK */
    CHECK(status(0) == 0xf4, "status OUT=1 NULL=1 rw=3 mode=2: %x", status(0));
    at_edge(load);
    CHECK((status(0) & 0x40) == 0, "NULL COUNT cleared after the load");
    int rises = irq_rises;
    /* OUT low for one CLK when the CE is 1, i.e. edge load + N - 1 .. load + N */
    for (uint64_t n = 1; n <= 2000; n++) {
        uint64_t low = load + n * 65536 - 1, high = load + n * 65536;
        run_to(edge_ns(low) - 1);
        CHECK(irq_level == 1, "high before the pulse (period %llu)", (unsigned long long)n);
        run_to(edge_ns(low));
        CHECK(irq_level == 0, "low at CE=1 (period %llu)", (unsigned long long)n);
        run_to(edge_ns(high));
        CHECK(irq_level == 1 && last_rise_ns == edge_ns(high), "rising edge exactly at reload");
    }
    CHECK(irq_rises - rises == 2000, "one rising edge per period");
}
END_TEST

START_TEST(test_counts_read)
{
    /* counter 0 mode 2 count 1000: CE = N - (edges since load) mod N, never 0 */
    uint64_t w = edges_at(now);
    out8(0x43, 0x34);
    out8(0x40, 1000 & 0xff);
    out8(0x40, 1000 >> 8);
    at_edge(w + 1);
    CHECK(latch16(0) == 1000, "loaded N");
    at_edge(w + 1 + 1);
    CHECK(latch16(0) == 999, "decrement");
    at_edge(w + 1 + 999);
    CHECK(latch16(0) == 1, "CE=1");
    CHECK((status(0) & 0x80) == 0, "OUT low at 1");
    at_edge(w + 1 + 1000);
    CHECK(latch16(0) == 1000, "reloaded");
    /* latch holds its value; a second latch before reading is ignored */
    out8(0x43, 0x00);
    at_edge(w + 1 + 1100);
    out8(0x43, 0x00);
    CHECK(read16(0) == 1000, "latched value");
    CHECK(read16(0) == 900, "live value after release");
    /* interleaved read/write flip-flops: read LSB, latch ignored across? (latch then LSB/MSB) */
    out8(0x43, 0x00);
    uint8_t lo = in8(0x40);
    at_edge(w + 1 + 1150);
    uint8_t hi = in8(0x40);
    CHECK((lo | hi << 8) == 900, "latched across time");
}
END_TEST

START_TEST(test_mode0_and_gate)
{
    /* mode 0 on counter 2: OUT high N+1 CLKs after the write; GATE (port 0x61 bit 0) low stops */
    out8(0x61, 0x01);
    CHECK((in8(0x61) & 0x0f) == 0x01, "gate bit reads back");
    uint64_t w = edges_at(now);
    out8(0x43, 0xb0); /* counter 2, LSB/MSB, mode 0 */
    CHECK((in8(0x61) & 0x20) == 0, "OUT2 low after mode 0 control word");
    out8(0x42, 100);
    out8(0x42, 0);
    at_edge(w + 100);
    CHECK((in8(0x61) & 0x20) == 0 && latch16(2) == 1, "CE 1 at N CLKs after write");
    at_edge(w + 101);
    CHECK((in8(0x61) & 0x20) && latch16(2) == 0, "OUT high at N+1");
    at_edge(w + 103);
    CHECK((in8(0x61) & 0x20) && latch16(2) == 0xfffe, "wraps, OUT stays high");
    /* rewrite with the gate low: loaded, not counting */
    out8(0x61, 0x00);
    w = edges_at(now);
    out8(0x42, 50);
    CHECK((in8(0x61) & 0x20) == 0, "OUT low: first byte of a mode 0 count");
    out8(0x42, 0);
    at_edge(w + 40);
    CHECK(latch16(2) == 50 && !(in8(0x61) & 0x20), "gate low: no counting");
    uint64_t g = edges_at(now);
    out8(0x61, 0x01);
    at_edge(g + 49);
    CHECK(latch16(2) == 1 && !(in8(0x61) & 0x20), "counting resumed from the gate edge");
    at_edge(g + 50);
    CHECK(in8(0x61) & 0x20, "OUT high N CLKs after GATE rises");
    /* gate low mid-count freezes, resume continues */
    w = edges_at(now);
    out8(0x42, 0x10);
    out8(0x42, 0x00);
    at_edge(w + 5);
    out8(0x61, 0x00);
    uint16_t f = latch16(2);
    at_edge(w + 500);
    CHECK(latch16(2) == f && f == 12, "frozen at %u", f);
}
END_TEST

START_TEST(test_linux_quick_calibrate)
{
    /* Linux quick_pit_calibrate: gate high, speaker off, 0xb0, count 0xffff, poll the MSB */
    out8(0x61, (uint8_t)((in8(0x61) & ~0x02) | 0x01));
    uint64_t w = edges_at(now);
    out8(0x43, 0xb0);
    out8(0x42, 0xff);
    out8(0x42, 0xff);
    at_edge(w + 1);
    CHECK(read16(2) == 0xffff, "loaded");
    for (unsigned msb = 0xff; msb > 0xf0; msb--) {
        at_edge(w + 1 + (0xffffu - (msb << 8 | 0xff)));
        in8(0x42);
        CHECK(in8(0x42) == msb, "MSB %x", msb);
    }
}
END_TEST

START_TEST(test_mode3)
{
    /* even N: high N/2, low N/2; CE N, N-2, ... */
    uint64_t w = edges_at(now);
    out8(0x43, 0x36);
    out8(0x40, 10);
    out8(0x40, 0);
    uint64_t l = w + 1;
    at_edge(l);
    CHECK(latch16(0) == 10 && irq_level, "start high");
    at_edge(l + 2);
    CHECK(latch16(0) == 6, "decrement by 2");
    at_edge(l + 5);
    CHECK(irq_level == 0 && latch16(0) == 10, "low half, reloaded");
    at_edge(l + 10);
    CHECK(irq_level == 1, "high again");
    /* odd N = 7 on counter 1 (8254: high (N+1)/2 = 4, low (N-1)/2 = 3; CE N-1, N-3, ...) */
    w = edges_at(now);
    out8(0x43, 0x76);
    out8(0x41, 7);
    out8(0x41, 0);
    l = w + 1;
    static const uint16_t ce[] = {6, 4, 2, 0, 6, 4, 2, 6, 4};
    static const uint8_t out[] = {1, 1, 1, 1, 0, 0, 0, 1, 1};
    for (unsigned i = 0; i < 9; i++) {
        at_edge(l + i);
        CHECK(latch16(1) == ce[i], "odd CE at %u: %u", i, latch16(1));
        CHECK(((status(1) >> 7) & 1) == out[i], "odd OUT at %u", i);
    }
    /* counter 0 mode 3 edges through irq0 are exact over many periods */
    w = edges_at(now);
    out8(0x43, 0x36);
    out8(0x40, 0x9b);
    out8(0x40, 0x2e); /* 11931: ~100 Hz */
    l = w + 1;
    int r = irq_rises;
    run_to(edge_ns(l + 11931 * 500));
    CHECK(irq_rises - r == 500 && last_rise_ns == edge_ns(l + 11931 * 500), "500 periods exact");
}
END_TEST

START_TEST(test_mode2_rewrite)
{
    /* a new count in mode 2 takes effect at the end of the current period */
    uint64_t w = edges_at(now);
    out8(0x43, 0x34);
    out8(0x40, 100);
    out8(0x40, 0);
    uint64_t l = w + 1;
    at_edge(l + 30);
    out8(0x40, 50);
    out8(0x40, 0);
    CHECK(status(0) & 0x40, "NULL COUNT until the reload");
    at_edge(l + 99);
    CHECK(latch16(0) == 1 && irq_level == 0, "old period runs out");
    at_edge(l + 100);
    CHECK(latch16(0) == 50 && !(status(0) & 0x40), "new count loaded at the period end");
    at_edge(l + 149);
    CHECK(irq_level == 0, "new period");
}
END_TEST

START_TEST(test_mode1_and_5)
{
    /* mode 1 on counter 2: GATE rising triggers; OUT low from the next CLK for N CLKs */
    out8(0x43, 0xb2);
    out8(0x42, 20);
    out8(0x42, 0);
    CHECK(in8(0x61) & 0x20, "OUT high before trigger");
    CHECK(status(2) & 0x40, "NULL COUNT until trigger");
    uint64_t g = edges_at(now);
    out8(0x61, 0x01);
    CHECK(in8(0x61) & 0x20, "still high until the next CLK");
    at_edge(g + 1);
    CHECK(!(in8(0x61) & 0x20) && latch16(2) == 20, "one-shot started");
    at_edge(g + 20);
    CHECK(!(in8(0x61) & 0x20), "low");
    at_edge(g + 21);
    CHECK(in8(0x61) & 0x20, "high after N");
    /* mode 5: strobe for one CLK N CLKs after the trigger's load */
    out8(0x61, 0x00);
    out8(0x43, 0xba);
    out8(0x42, 10);
    out8(0x42, 0);
    g = edges_at(now);
    out8(0x61, 0x01);
    at_edge(g + 10);
    CHECK(in8(0x61) & 0x20, "before strobe");
    at_edge(g + 11);
    CHECK(!(in8(0x61) & 0x20), "strobe");
    at_edge(g + 12);
    CHECK(in8(0x61) & 0x20, "strobe over");
}
END_TEST

START_TEST(test_mode4_bcd_access)
{
    /* mode 4, BCD, LSB only: count 0x99 = 99 decimal; strobe N+1 CLKs after the write */
    uint64_t w = edges_at(now);
    out8(0x43, 0x19); /* counter 0, LSB only, mode 4, BCD */
    out8(0x40, 0x99);
    at_edge(w + 1);
    out8(0x43, 0x00);
    CHECK(in8(0x40) == 0x99, "BCD read (LSB only)");
    at_edge(w + 1 + 10);
    out8(0x43, 0x00);
    CHECK(in8(0x40) == 0x89, "BCD 89");
    at_edge(w + 99);
    CHECK(irq_level == 1, "high before strobe");
    at_edge(w + 100);
    CHECK(irq_level == 0, "strobe low");
    at_edge(w + 101);
    CHECK(irq_level == 1, "strobe one CLK");
    /* BCD wraps at 10^4: 0 - 1 = 9999 */
    at_edge(w + 101);
    out8(0x43, 0x00);
    CHECK(in8(0x40) == 0x99, "9999 (LSB 0x99)");
    /* MSB only access */
    w = edges_at(now);
    out8(0x43, 0x28); /* counter 0, MSB only, mode 4, binary */
    out8(0x40, 0x02); /* 0x200 */
    at_edge(w + 1 + 0x100);
    CHECK(in8(0x40) == 0x01, "MSB only read");
    CHECK(status(0) == 0xa8, "status: OUT high, rw=2 mode 4: %x", status(0));
}
END_TEST

START_TEST(test_readback)
{
    uint64_t w = edges_at(now);
    out8(0x43, 0x74); /* counter 1 mode 2 */
    out8(0x41, 0x34);
    out8(0x41, 0x12);
    at_edge(w + 1 + 0x10);
    /* read-back count and status of counter 1: status first, then the count */
    out8(0x43, 0xc4);
    at_edge(w + 1 + 0x20);
    out8(0x43, 0xc4); /* ignored while both are latched */
    CHECK(in8(0x41) == 0xb4, "status byte");
    CHECK(read16(1) == 0x1224, "count latched at the first read-back");
    /* read-back on several counters latches each */
    out8(0x43, 0xd6); /* count only, counters 0 and 1 */
    CHECK(read16(1) == 0x1214, "counter 1 count");
    /* port 0x43 is write-only */
    CHECK(in8(0x43) == 0xff, "control port reads all-ones");
}
END_TEST

START_TEST(test_port61_refresh)
{
    /* bit 4 toggles every 18 CLKs of virtual time; bits 2-3 read back, 6-7 zero */
    out8(0x61, 0xfe);
    CHECK((in8(0x61) & 0xcf) == 0x0e, "writable bits: %x", in8(0x61));
    uint64_t k = (edges_at(now) / 18 + 1) * 18;
    at_edge(k);
    uint8_t a = in8(0x61) & 0x10;
    at_edge(k + 17);
    CHECK((in8(0x61) & 0x10) == a, "stable within 18 CLKs");
    at_edge(k + 18);
    CHECK((in8(0x61) & 0x10) != a, "toggles");
}
END_TEST

START_TEST(test_late_timers)
{
    /* timers serviced late: port accesses catch up and deliver every edge in order */
    uint64_t w = edges_at(now);
    out8(0x43, 0x34);
    out8(0x40, 100);
    out8(0x40, 0);
    int r = irq_rises;
    now = edge_ns(w + 1 + 100 * 10) + 5; /* no timer run */
    in8(0x61);
    CHECK(irq_rises - r == 10 && irq_level == 1, "10 periods caught up: %d", irq_rises - r);
    /* far behind: one fresh edge */
    r = irq_rises;
    now = edge_ns(w + 1 + 100 * 1000) + 5;
    in8(0x40);
    CHECK(irq_rises - r >= 1 && irq_level == 1, "coalesced");
    run_to(edge_ns(w + 1 + 100 * 1001));
    CHECK(last_rise_ns == edge_ns(w + 1 + 100 * 1001), "back in step");
}
END_TEST

START_TEST(test_reset_state)
{
    out8(0x43, 0x34);
    out8(0x40, 10);
    out8(0x40, 0);
    CHECK(irq_level == 1, "running");
    pit_reset(&pit);
    CHECK(irq_level == 0 && clock_next_deadline(&clk) == UINT64_MAX, "reset: OUT low, no timer");
    CHECK(in8(0x61) == ((edges_at(now) / 18) & 1) << 4, "port 0x61 cleared");
}
END_TEST

static Suite *pit_suite(void)
{
    Suite *s = suite_create("pit");
    TCase *tc = tcase_create("8254");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_mode2_seabios_no_drift);
    tcase_add_test(tc, test_counts_read);
    tcase_add_test(tc, test_mode0_and_gate);
    tcase_add_test(tc, test_linux_quick_calibrate);
    tcase_add_test(tc, test_mode3);
    tcase_add_test(tc, test_mode2_rewrite);
    tcase_add_test(tc, test_mode1_and_5);
    tcase_add_test(tc, test_mode4_bcd_access);
    tcase_add_test(tc, test_readback);
    tcase_add_test(tc, test_port61_refresh);
    tcase_add_test(tc, test_late_timers);
    tcase_add_test(tc, test_reset_state);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pit_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("pit: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
