/* Unit tests of the HPET (devices/hpet.c) through its MMIO callbacks with a fake clock and
 * recording interrupt lines. Cites the IA-PC HPET specification 1.0a. */
#include "devices/hpet.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

static struct clock clk;
static uint64_t now;
static uint64_t fake_icount(void *opaque) { return now; }
static void advance_to(uint64_t t)
{
    while (clock_next_deadline(&clk) <= t) {
        now = clock_next_deadline(&clk);
        clock_run_timers(&clk);
    }
    now = t;
}

static struct hpet h;
static int legacy_level[2], legacy_edges[2];
static int pin_level[24], pin_edges[24];
static int legacy_on = -1;

static void legacy_set(void *opaque, int n, int level)
{
    if (level && !legacy_level[n]) legacy_edges[n]++;
    legacy_level[n] = level;
}
static void pin_set(void *opaque, int n, int level)
{
    if (level && !pin_level[n]) pin_edges[n]++;
    pin_level[n] = level;
}
static void on_legacy(void *opaque, bool on) { legacy_on = on; }

static uint64_t rd(unsigned off) { return hpet_mmio_ops.read(&h, off, 8); }
static uint32_t rd32(unsigned off) { return (uint32_t)hpet_mmio_ops.read(&h, off, 4); }
static void wr(unsigned off, uint64_t v) { hpet_mmio_ops.write(&h, off, v, 8); }
static void wr32(unsigned off, uint32_t v) { hpet_mmio_ops.write(&h, off, v, 4); }

static void setup(void)
{
    now = 12345;
    clock_init(&clk, fake_icount, NULL);
    hpet_init(&h, &clk);
    h.legacy[0] = (struct irq_line){legacy_set, NULL, 0};
    h.legacy[1] = (struct irq_line){legacy_set, NULL, 1};
    h.ioapic = (struct irq_line){pin_set, NULL, 0};
    h.legacy_changed = on_legacy;
    for (int k = 0; k < 24; k++) pin_level[k] = pin_edges[k] = 0;
    legacy_level[0] = legacy_level[1] = legacy_edges[0] = legacy_edges[1] = 0;
    legacy_on = -1;
}
static void teardown(void) {}

START_TEST(caps_and_counter)
{
    /* 2.3.5 GCAP_ID: ACPI block ID in 31:0, period in fs in 63:32 */
    CHECK(rd(0) == (10000000ull << 32 | 0x8086a201ull), "GCAP_ID %#llx", (unsigned long long)rd(0));
    CHECK(rd32(4) == 10000000u, "period via high dword");
    CHECK(rd(0x100) == (0x4ull << 32 | 0x30), "T0 caps: periodic, 64-bit, route cap pin 2");
    CHECK(rd(0x108) == ~0ull, "comparator reset all ones");
    CHECK(rd(0xf0) == 0, "halted at 0");
    now += 1000;
    CHECK(rd(0xf0) == 0, "halted does not count");
    wr(0xf0, 500);
    CHECK(rd(0xf0) == 500, "written while halted");
    wr(0x10, 1);
    now += 1000;
    CHECK(rd(0xf0) == 600, "100 MHz: 1000 ns = 100 ticks");
    now += 9;
    CHECK(rd(0xf0) == 600, "10 ns granularity");
    now += 1;
    CHECK(rd32(0xf0) == 601 && rd32(0xf4) == 0, "32-bit halves");
    wr(0x10, 0);
    now += 5000;
    CHECK(rd(0xf0) == 601, "halt keeps the value");
    wr(0x10, 1);
    now += 20;
    CHECK(rd(0xf0) == 603, "resumes");
}
END_TEST

START_TEST(oneshot_edge_routed)
{
    /* timer 2, route pin... only pin 2 is allowed by the capability */
    wr(0x140, (2u << 9) | 0x4);
    CHECK(((rd(0x140) >> 9) & 0x1f) == 2, "route 2 accepted");
    wr(0x140, (5u << 9) | 0x4);
    CHECK(((rd(0x140) >> 9) & 0x1f) == 2, "unsupported route ignored");
    wr(0x148, 1000);
    wr(0x10, 1);
    advance_to(now + 9999);
    CHECK(pin_edges[2] == 0, "not yet");
    advance_to(now + 1);
    CHECK(pin_edges[2] == 1 && pin_level[2] == 0, "edge pulse at counter 1000");
    CHECK(rd(0x20) == 0, "edge: no status bit");
    advance_to(now + 100000000);
    CHECK(pin_edges[2] == 1, "64-bit one-shot does not repeat");
    /* comparator already passed: equality match never comes (64-bit) */
    wr(0x148, rd(0xf0) - 5);
    CHECK(clock_next_deadline(&clk) == UINT64_MAX, "past comparator not armed %llu now %llu", (unsigned long long)clock_next_deadline(&clk), (unsigned long long)now);
    /* disabled interrupt: no output */
    wr(0x140, (2u << 9));
    wr(0x148, rd(0xf0) + 10);
    advance_to(now + 200);
    CHECK(pin_edges[2] == 1, "Tn_INT_ENB_CNF=0: no interrupt");
}
END_TEST

START_TEST(level_status)
{
    wr(0x140, (2u << 9) | 0x4 | 0x2); /* level, enabled */
    wr(0x148, 100);
    wr(0x10, 1);
    advance_to(now + 1000);
    CHECK(pin_level[2] == 1 && (rd(0x20) & 4), "level asserted, status bit 2");
    wr(0x20, 1);
    CHECK(pin_level[2] == 1 && (rd(0x20) & 4), "writing other bits does nothing");
    wr(0x20, 4);
    CHECK(pin_level[2] == 0 && rd(0x20) == 0, "write 1 clears status and deasserts");
    /* status set even with the interrupt disabled (2.3.5) */
    wr(0x140, (2u << 9) | 0x2);
    wr(0x148, rd(0xf0) + 10);
    advance_to(now + 100);
    CHECK((rd(0x20) & 4) && pin_level[2] == 0, "status without interrupt");
    wr(0x140, (2u << 9) | 0x2 | 0x4);
    CHECK(pin_level[2] == 1, "enabling asserts pending level");
    wr(0x10, 0);
    CHECK(pin_level[2] == 0, "halting deasserts");
}
END_TEST

START_TEST(periodic_legacy)
{
    /* Linux's legacy periodic setup: legacy route, T0 periodic + VAL_SET + 32-bit */
    wr32(0x10, 0x2);
    CHECK(legacy_on == 1, "legacy_changed(on)");
    wr32(0x10, 0x3);
    uint64_t c = rd(0xf0);
    wr32(0x100, 0x4 | 0x8 | 0x40 | 0x100);
    wr32(0x108, (uint32_t)(c + 1000));
    wr32(0x108, 1000); /* second write: the period */
    CHECK(!(rd32(0x100) & 0x40), "VAL_SET self-clears");
    uint64_t t0 = now;
    for (int k = 1; k <= 4; k++) {
        advance_to(t0 + 10000ull * k - 1);
        CHECK(legacy_edges[0] == k - 1, "period %d not yet", k);
        advance_to(t0 + 10000ull * k);
        CHECK(legacy_edges[0] == k, "period %d fired", k);
        CHECK(rd32(0x108) == (uint32_t)(c + 1000 * (k + 1)), "comparator advanced by the period");
    }
    CHECK(pin_edges[2] == 0 && pin_edges[0] == 0, "legacy: not on routed pins");
    /* timer 1 -> IRQ8 */
    wr32(0x120, 0x4);
    wr(0x128, rd(0xf0) + 50);
    advance_to(now + 500);
    CHECK(legacy_edges[1] == 1, "timer 1 on IRQ8");
    wr32(0x10, 0x1);
    CHECK(legacy_on == 0, "legacy_changed(off)");
    advance_to(now + 10000);
    CHECK(legacy_edges[0] == 4 && pin_edges[0] >= 1, "without legacy T0 uses its route (pin 0)");
}
END_TEST

START_TEST(mode32_wrap)
{
    /* 32-bit mode: comparator compares the low 32 bits; a "past" value matches after the wrap */
    wr(0xf0, 0xfffffff0ull);
    wr(0x140, (2u << 9) | 0x4 | 0x100);
    wr(0x148, 0x10);
    CHECK(rd(0x148) == 0x10, "comparator");
    wr(0x10, 1);
    advance_to(now + 0x1f * 10);
    CHECK(pin_edges[2] == 0, "not yet");
    advance_to(now + 10);
    CHECK(pin_edges[2] == 1 && rd(0xf0) == 0x100000010ull, "matched after the 32-bit wrap");
    /* one-shot 32-bit repeats every 2^32 ticks */
    CHECK(clock_next_deadline(&clk) == now + (1ull << 32) * 10, "next match one wrap later");
    /* 64-bit comparator write with the 32-bit mode truncates */
    wr(0x148, 0x123456789ull);
    CHECK(rd(0x148) == 0x23456789ull, "32-bit comparator");
}
END_TEST

static Suite *hpet_suite(void)
{
    Suite *s = suite_create("hpet");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, caps_and_counter);
    tcase_add_test(tc, oneshot_edge_routed);
    tcase_add_test(tc, level_status);
    tcase_add_test(tc, periodic_legacy);
    tcase_add_test(tc, mode32_wrap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hpet_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("hpet: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
