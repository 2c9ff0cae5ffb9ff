/* Unit tests of the MC146818A RTC/CMOS (devices/rtc.c) through its port callbacks, with a fake
 * guest clock (a variable) and a fake IRQ8 line that records its level and rising edges:
 * power-on state, ticking, UIP window, calendar carries (leap years, centuries, 12-hour mode,
 * binary mode), SET, divider reset, periodic / update-ended / alarm interrupts and register C,
 * the RESET pin, NVRAM, the NMI mask and the PC CMOS layout. */
#include "devices/rtc.h"

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

#define MS 1000000ull
#define SEC 1000000000ull

static uint64_t now_ns;
static uint64_t fake_icount(void *opaque) { return now_ns; }
static int irq_level, irq_edges;
static void fake_irq(void *opaque, int n, int level)
{
    ck_assert_int_eq(n, 8);
    if (level && !irq_level) irq_edges++;
    irq_level = level;
}
static int nmi_calls;
static bool nmi_state;
static void fake_nmi(void *opaque, bool disabled)
{
    nmi_calls++;
    nmi_state = disabled;
}

static struct clock clk;
static struct bus *bus;
static struct rtc *r;

static void setup(void)
{
    now_ns = 0;
    irq_level = irq_edges = 0;
    nmi_calls = 0;
    clock_init(&clk, fake_icount, NULL);
    bus = bus_create();
    r = malloc(sizeof *r);
    ck_assert(bus && r);
    ck_assert(rtc_init(r, bus, &clk, (struct irq_line){fake_irq, NULL, 8}, RTC_DEFAULT_EPOCH));
    r->nmi_mask = fake_nmi;
}

static void teardown(void)
{
    free(r);
    bus_destroy(bus);
}

/* Runs guest time forward to t, firing timers at their deadlines. */
static void run_to(uint64_t t)
{
    while (clock_next_deadline(&clk) <= t) {
        uint64_t d = clock_next_deadline(&clk);
        if (d > now_ns) now_ns = d;
        clock_run_timers(&clk);
    }
    now_ns = t;
}
static void run_for(uint64_t d) { run_to(now_ns + d); }

static uint8_t cmos_rd(uint8_t idx)
{
    bus_out(bus, 0x70, idx | 0x80, 1);
    return (uint8_t)bus_in(bus, 0x71, 1);
}
static void cmos_wr(uint8_t idx, uint8_t v)
{
    bus_out(bus, 0x70, idx | 0x80, 1);
    bus_out(bus, 0x71, v, 1);
}

static void check_time(uint8_t h, uint8_t m, uint8_t s, uint8_t dow, uint8_t d, uint8_t mo, uint8_t y, uint8_t c)
{
    uint8_t got[8] = {cmos_rd(4), cmos_rd(2), cmos_rd(0), cmos_rd(6), cmos_rd(7), cmos_rd(8), cmos_rd(9), cmos_rd(0x32)};
    uint8_t want[8] = {h, m, s, dow, d, mo, y, c};
    for (int k = 0; k < 8; k++)
        CHECK(got[k] == want[k], "field %d: got %02x want %02x (t=%llu ns)", k, got[k], want[k],
              (unsigned long long)now_ns);
}

START_TEST(test_power_on)
{
    CHECK(cmos_rd(0x0a) == 0x26, "reg A %02x", cmos_rd(0x0a));
    CHECK(cmos_rd(0x0b) == 0x02, "reg B");
    CHECK(cmos_rd(0x0c) == 0x00, "reg C");
    CHECK(cmos_rd(0x0d) == 0x80, "reg D");
    /* 2026-01-01 00:00:00 is a Thursday: day of week 5 (Sunday = 1) */
    check_time(0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x26, 0x20);
    CHECK(bus_in(bus, 0x70, 1) == 0xff, "port 0x70 reads 0xff");
    CHECK(irq_level == 0 && irq_edges == 0, "no IRQ at power-on");
    CHECK(clock_next_deadline(&clk) == UINT64_MAX, "no timer armed without enables");
}
END_TEST

START_TEST(test_ticks)
{
    run_to(SEC - 1);
    CHECK(cmos_rd(0) == 0x00, "second 0 until 1 s");
    run_to(SEC);
    CHECK(cmos_rd(0) == 0x01, "second 1 at 1 s");
    run_to(59 * SEC + 5);
    check_time(0x00, 0x00, 0x59, 5, 1, 1, 0x26, 0x20);
    run_to(60 * SEC);
    check_time(0x00, 0x01, 0x00, 5, 1, 1, 0x26, 0x20);
    run_to(3600 * SEC + 61 * SEC);
    check_time(0x01, 0x01, 0x01, 5, 1, 1, 0x26, 0x20);
    run_to(86400 * SEC);
    check_time(0x00, 0x00, 0x00, 6, 2, 1, 0x26, 0x20);
    int64_t e;
    CHECK(rtc_get_time(r, &e) && e == RTC_DEFAULT_EPOCH + 86400, "get_time after a day");
}
END_TEST

START_TEST(test_uip)
{
    const uint64_t lead = 244000 + 1984000;
    run_to(SEC - lead - 1);
    CHECK(!(cmos_rd(0x0a) & 0x80), "UIP clear before the window");
    run_to(SEC - lead);
    CHECK(cmos_rd(0x0a) & 0x80, "UIP set 2228 us before the update ends");
    CHECK(cmos_rd(0) == 0x00, "time not yet updated during UIP");
    run_to(SEC - 1);
    CHECK(cmos_rd(0x0a) & 0x80, "UIP set until the update ends");
    run_to(SEC);
    CHECK(!(cmos_rd(0x0a) & 0x80), "UIP clear after the update");
    CHECK(cmos_rd(0) == 0x01, "new second after the update");
    run_to(2 * SEC - 1000);
    cmos_wr(0x0b, 0x82);
    CHECK(!(cmos_rd(0x0a) & 0x80), "SET clears UIP");
    CHECK(cmos_rd(0x0a) == 0x26, "reg A value without UIP");
}
END_TEST

struct cal_case {
    const char *start; /* one second before the carry */
    uint8_t want[8];   /* hour min sec dow day month year century after one second */
};
static const struct cal_case cal_cases[] = {
    {"2024-02-28T23:59:59", {0x00, 0x00, 0x00, 0x05, 0x29, 0x02, 0x24, 0x20}}, /* leap year */
    {"2024-02-29T23:59:59", {0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x24, 0x20}},
    {"2023-02-28T23:59:59", {0x00, 0x00, 0x00, 0x04, 0x01, 0x03, 0x23, 0x20}}, /* common year */
    {"2000-02-28T23:59:59", {0x00, 0x00, 0x00, 0x03, 0x29, 0x02, 0x00, 0x20}}, /* 400-year rule */
    {"2100-02-28T23:59:59", {0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21}}, /* 100-year rule */
    {"2099-12-31T23:59:59", {0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x00, 0x21}}, /* century carry */
    {"2026-04-30T23:59:59", {0x00, 0x00, 0x00, 0x06, 0x01, 0x05, 0x26, 0x20}}, /* 30-day month */
    {"2026-01-31T23:59:59", {0x00, 0x00, 0x00, 0x00 + 0x01, 0x01, 0x02, 0x26, 0x20}},
    {"2025-12-31T23:59:59", {0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x26, 0x20}},
    {"2026-03-07T23:59:59", {0x00, 0x00, 0x00, 0x01, 0x08, 0x03, 0x26, 0x20}}, /* Sat -> Sun (1) */
    {"2026-03-08T09:59:59", {0x10, 0x00, 0x00, 0x01, 0x08, 0x03, 0x26, 0x20}},
};

START_TEST(test_calendar)
{
    const struct cal_case *c = &cal_cases[_i];
    int64_t e;
    CHECK(rtc_parse_datetime(c->start, &e), "parse %s", c->start);
    rtc_set_time(r, e);
    int64_t back;
    CHECK(rtc_get_time(r, &back) && back == e, "round trip %s", c->start);
    run_to(SEC);
    check_time(c->want[0], c->want[1], c->want[2], c->want[3], c->want[4], c->want[5], c->want[6], c->want[7]);
    CHECK(rtc_get_time(r, &back) && back == e + 1, "get_time after carry %s", c->start);
}
END_TEST

START_TEST(test_long_run)
{
    /* 40 days of guest time with no access: lazily applied, same as the epoch arithmetic */
    int64_t e;
    CHECK(rtc_parse_datetime("2027-12-20 12:34:56", &e), "parse");
    rtc_set_time(r, e);
    run_to(40 * 86400 * SEC + 7 * SEC);
    int64_t back;
    CHECK(rtc_get_time(r, &back) && back == e + 40 * 86400 + 7, "40 days later: %lld vs %lld", (long long)back,
          (long long)(e + 40 * 86400 + 7));
    check_time(0x12, 0x35, 0x03, 0x07, 0x29, 0x01, 0x28, 0x20); /* 2028-01-29 is a Saturday */
}
END_TEST

START_TEST(test_parse)
{
    int64_t e;
    CHECK(rtc_parse_datetime("2026-01-01", &e) && e == RTC_DEFAULT_EPOCH, "default epoch");
    CHECK(rtc_parse_datetime("1970-01-01T00:00:00", &e) && e == 0, "epoch 0");
    CHECK(rtc_parse_datetime("2000-01-01T00:00:00", &e) && e == 946684800, "2000");
    CHECK(rtc_parse_datetime("1969-12-31T23:59:59", &e) && e == -1, "before 1970");
    CHECK(!rtc_parse_datetime("2023-02-29", &e), "no Feb 29 in 2023");
    CHECK(!rtc_parse_datetime("2026-13-01", &e), "month 13");
    CHECK(!rtc_parse_datetime("2026-01-01T24:00:00", &e), "hour 24");
    CHECK(!rtc_parse_datetime("2026-01-01x", &e), "trailing junk");
    rtc_set_time(r, 946684800);
    check_time(0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20); /* 2000-01-01 was a Saturday */
    rtc_set_time(r, -1);
    check_time(0x23, 0x59, 0x59, 0x04, 0x31, 0x12, 0x69, 0x19); /* Wednesday */
}
END_TEST

START_TEST(test_12hour)
{
    cmos_wr(0x0b, 0x80); /* SET, 12-hour BCD */
    cmos_wr(0x04, 0x91); /* 11 PM */
    cmos_wr(0x02, 0x59);
    cmos_wr(0x00, 0x59);
    cmos_wr(0x0b, 0x00);
    run_to(SEC);
    CHECK(cmos_rd(4) == 0x12, "11:59:59 PM -> 12 AM: %02x", cmos_rd(4));
    CHECK(cmos_rd(7) == 0x02 && cmos_rd(6) == 0x06, "day carried");
    cmos_wr(0x04, 0x11); /* 11 AM */
    cmos_wr(0x02, 0x59);
    cmos_wr(0x00, 0x59);
    run_to(2 * SEC);
    CHECK(cmos_rd(4) == 0x92, "11:59:59 AM -> 12 PM: %02x", cmos_rd(4));
    CHECK(cmos_rd(7) == 0x02, "no day carry at noon");
    cmos_wr(0x02, 0x59);
    cmos_wr(0x00, 0x59);
    run_to(3 * SEC);
    CHECK(cmos_rd(4) == 0x81, "12:59:59 PM -> 1 PM: %02x", cmos_rd(4));
    cmos_wr(0x04, 0x12); /* 12 AM */
    cmos_wr(0x02, 0x59);
    cmos_wr(0x00, 0x59);
    run_to(4 * SEC);
    CHECK(cmos_rd(4) == 0x01, "12:59:59 AM -> 1 AM: %02x", cmos_rd(4));
    /* rtc_set_time formats for 12-hour mode */
    int64_t e;
    rtc_parse_datetime("2026-06-15T15:04:05", &e);
    rtc_set_time(r, e);
    CHECK(cmos_rd(4) == 0x83, "3 PM: %02x", cmos_rd(4));
    int64_t back;
    CHECK(rtc_get_time(r, &back) && back == e, "12-hour round trip");
}
END_TEST

START_TEST(test_binary)
{
    cmos_wr(0x0b, 0x86); /* SET, binary, 24 h */
    rtc_set_time(r, RTC_DEFAULT_EPOCH + 59);
    CHECK(cmos_rd(0) == 59 && cmos_rd(9) == 26 && cmos_rd(0x32) == 20, "binary fields");
    cmos_wr(0x0b, 0x06);
    run_to(SEC);
    CHECK(cmos_rd(0) == 0 && cmos_rd(2) == 1, "binary carry");
    /* changing DM does not convert the stored bytes */
    cmos_wr(0x0b, 0x02);
    CHECK(cmos_rd(2) == 1, "raw byte kept");
}
END_TEST

START_TEST(test_set_inhibits)
{
    run_to(SEC / 4);
    cmos_wr(0x0b, 0x82);
    run_to(5 * SEC + SEC / 4);
    CHECK(cmos_rd(0) == 0x00, "no updates while SET");
    CHECK((cmos_rd(0x0c) & 0x30) == 0x00, "no UF/AF while SET (PF still runs)");
    cmos_wr(0x00, 0x30);
    cmos_wr(0x0b, 0x02);
    run_to(6 * SEC - 1);
    CHECK(cmos_rd(0) == 0x30, "written value kept until the next update");
    run_to(6 * SEC);
    CHECK(cmos_rd(0) == 0x31, "updates resume on the divider's schedule");
    /* SET clears UIE */
    cmos_wr(0x0b, 0x92);
    CHECK(cmos_rd(0x0b) == 0x82, "UIE cleared by SET: %02x", cmos_rd(0x0b));
}
END_TEST

START_TEST(test_divider_reset)
{
    run_to(SEC / 3);
    cmos_wr(0x0a, 0x76); /* divider chain in reset */
    (void)cmos_rd(0x0c); /* drop the PF gathered so far */
    run_to(10 * SEC);
    CHECK(cmos_rd(0) == 0x00, "no time while the divider is in reset");
    CHECK(!(cmos_rd(0x0a) & 0x80), "no UIP in reset");
    cmos_wr(0x0b, 0x42); /* PIE */
    run_to(11 * SEC);
    CHECK(irq_edges == 0 && cmos_rd(0x0c) == 0, "no periodic interrupt in reset");
    cmos_wr(0x0b, 0x02);
    uint64_t t0 = 11 * SEC + 123456789;
    run_to(t0);
    cmos_wr(0x0a, 0x26); /* release: first update 500 ms later */
    cmos_wr(0x0a, 0x26); /* rewriting the same value does not restart the chain */
    run_to(t0 + SEC / 2 - 1);
    CHECK(cmos_rd(0) == 0x00, "no update before 500 ms");
    run_to(t0 + SEC / 2);
    CHECK(cmos_rd(0) == 0x01, "first update 500 ms after release");
    run_to(t0 + SEC / 2 + SEC);
    CHECK(cmos_rd(0) == 0x02, "then every second");
    /* other DV values stop the clock too */
    cmos_wr(0x0a, 0x06);
    run_for(3 * SEC);
    CHECK(cmos_rd(0) == 0x02, "oscillator stopped with DV=000");
}
END_TEST

/* Periodic interrupt rates: RS -> expected interrupts in one second (32.768 kHz column). */
static const struct {
    uint8_t rs;
    unsigned per_sec;
} rates[] = {{1, 256}, {2, 128}, {3, 8192}, {6, 1024}, {10, 64}, {15, 2}, {0, 0}};

START_TEST(test_periodic)
{
    cmos_wr(0x0a, (uint8_t)(0x20 | rates[_i].rs));
    cmos_wr(0x0b, 0x42); /* PIE */
    (void)cmos_rd(0x0c);
    unsigned seen = 0;
    uint64_t end = now_ns + SEC;
    uint64_t last = 0;
    while (true) {
        uint64_t d = clock_next_deadline(&clk);
        if (d > end) break;
        run_to(d);
        CHECK(irq_level == 1, "IRQ raised at the deadline");
        uint8_t c = cmos_rd(0x0c);
        CHECK((c & ~RTC_C_UF) == 0xc0, "reg C = IRQF|PF (UF at whole seconds): %02x", c);
        CHECK(irq_level == 0, "reading C lowers IRQ8");
        if (seen && rates[_i].per_sec) {
            uint64_t per = SEC / rates[_i].per_sec;
            CHECK(d - last >= per - 1 && d - last <= per + 1, "period %llu", (unsigned long long)(d - last));
        }
        last = d;
        seen++;
    }
    run_to(end);
    CHECK(seen == rates[_i].per_sec, "RS %u: %u interrupts in 1 s, want %u", rates[_i].rs, seen, rates[_i].per_sec);
}
END_TEST

START_TEST(test_flags_without_enable)
{
    run_to(3 * SEC + 1000);
    /* periodic (1024 Hz default rate) and update flags are set even with the enables off */
    CHECK(cmos_rd(0x0c) == 0x50, "PF|UF without IRQF");
    CHECK(irq_edges == 0, "no interrupt");
    CHECK(cmos_rd(0x0c) == 0x00, "read clears");
    /* enabling UIE while UF is already set raises IRQ at once */
    run_to(4 * SEC);
    cmos_wr(0x0b, 0x12);
    CHECK(irq_level == 1, "IRQF follows enables");
    cmos_wr(0x0b, 0x02);
    CHECK(irq_level == 0, "disabling lowers it again");
    CHECK(cmos_rd(0x0c) == 0x50, "flags kept");
}
END_TEST

START_TEST(test_update_interrupt)
{
    cmos_wr(0x0a, 0x20); /* no periodic */
    cmos_wr(0x0b, 0x12); /* UIE */
    run_to(SEC - 1);
    CHECK(irq_level == 0, "no IRQ before the update");
    run_to(SEC);
    CHECK(irq_level == 1 && irq_edges == 1, "update-ended interrupt at 1 s");
    CHECK(clock_next_deadline(&clk) == UINT64_MAX, "no timer while IRQ8 is pending");
    run_to(3 * SEC + 5);
    CHECK(cmos_rd(0x0c) == 0x90, "IRQF|UF");
    CHECK(cmos_rd(0) == 0x03, "time caught up while pending");
    run_to(4 * SEC);
    CHECK(irq_edges == 2, "next second interrupts again");
}
END_TEST

START_TEST(test_alarm)
{
    cmos_wr(0x0a, 0x20);
    cmos_wr(0x01, 0x05);
    cmos_wr(0x03, 0x00);
    cmos_wr(0x05, 0x00);
    cmos_wr(0x0b, 0x22); /* AIE */
    run_to(5 * SEC - 1);
    CHECK(irq_level == 0, "no alarm before 00:00:05");
    run_to(5 * SEC);
    CHECK(irq_level == 1, "alarm at 00:00:05");
    CHECK(cmos_rd(0x0c) == 0xb0, "IRQF|AF|UF");
    run_to(6 * SEC);
    CHECK(irq_level == 0, "alarm only once");
    /* don't-care bytes: alarm every second */
    cmos_wr(0x01, 0xc0);
    cmos_wr(0x03, 0xff);
    cmos_wr(0x05, 0xc3);
    (void)cmos_rd(0x0c);
    int before = irq_edges;
    for (int k = 7; k <= 10; k++) {
        run_to((uint64_t)k * SEC);
        CHECK(irq_level == 1, "every-second alarm");
        CHECK(cmos_rd(0x0c) == 0xb0, "AF");
    }
    CHECK(irq_edges == before + 4, "four alarms");
    /* alarm found during a lazy catch-up sets AF */
    cmos_wr(0x0b, 0x02);
    cmos_wr(0x01, 0x15);
    cmos_wr(0x03, 0xc0);
    run_to(30 * SEC);
    CHECK(cmos_rd(0x0c) == 0x30, "AF|UF after catching up past :15");
}
END_TEST

START_TEST(test_reset_pin)
{
    cmos_wr(0x0b, 0x7a); /* PIE AIE UIE SQWE 24h */
    run_to(SEC);
    CHECK(irq_level == 1, "IRQ pending");
    rtc_reset(r);
    CHECK(irq_level == 0, "RESET lowers IRQ");
    CHECK(cmos_rd(0x0b) == 0x02, "RESET clears PIE/AIE/UIE/SQWE: %02x", cmos_rd(0x0b));
    CHECK(cmos_rd(0x0c) == 0x00, "RESET clears flags");
    CHECK(cmos_rd(0) == 0x01 && cmos_rd(0x0a) == 0x26, "time and reg A kept");
}
END_TEST

START_TEST(test_nvram_and_index)
{
    for (unsigned k = 0x0e; k < 0x80; k++) cmos_wr((uint8_t)k, (uint8_t)(k ^ 0x5a));
    for (unsigned k = 0x0e; k < 0x80; k++) CHECK(cmos_rd((uint8_t)k) == (uint8_t)(k ^ 0x5a), "nvram %02x", k);
    CHECK(rtc_cmos_read(r, 0x40) == (0x40 ^ 0x5a), "board read");
    rtc_cmos_write(r, 0x40, 0x11);
    CHECK(cmos_rd(0x40) == 0x11, "board write");
    cmos_wr(0x0c, 0xff);
    cmos_wr(0x0d, 0x00);
    CHECK(cmos_rd(0x0c) == 0x00 && cmos_rd(0x0d) == 0x80, "C and D are read-only");
    cmos_wr(0x0a, 0xa6);
    CHECK(cmos_rd(0x0a) == 0x26, "UIP is read-only");
    /* NMI mask: bit 7 of the index write */
    nmi_calls = 0;
    bus_out(bus, 0x70, 0x0f, 1);
    CHECK(nmi_calls == 1 && !nmi_state, "NMI enabled");
    bus_out(bus, 0x70, 0x0f, 1);
    CHECK(nmi_calls == 1, "no call without a change");
    bus_out(bus, 0x70, 0x8f, 1);
    CHECK(nmi_calls == 2 && nmi_state && r->nmi_disabled, "NMI disabled");
    CHECK(bus_in(bus, 0x71, 1) == (0x0f ^ 0x5a), "index 0x0f selected");
}
END_TEST

START_TEST(test_cmos_pc)
{
    CHECK(rtc_cmos_setup_pc(r, 128ull << 20, 0, 1, NULL), "setup 128 MiB");
    CHECK(cmos_rd(0x15) == 0x80 && cmos_rd(0x16) == 0x02, "640 KiB base");
    CHECK(cmos_rd(0x17) == 0xff && cmos_rd(0x18) == 0xff, "ext mem capped");
    CHECK(cmos_rd(0x30) == 0xff && cmos_rd(0x31) == 0xff, "ext mem 0x30");
    CHECK(cmos_rd(0x34) == 0x00 && cmos_rd(0x35) == 0x07, "(128-16) MiB / 64 KiB = 0x700");
    CHECK(cmos_rd(0x5b) == 0 && cmos_rd(0x5c) == 0 && cmos_rd(0x5d) == 0, "nothing above 4G");
    CHECK(cmos_rd(0x5f) == 0, "1 CPU");
    CHECK(cmos_rd(0x3d) == 0x12 && cmos_rd(0x38) == 0x30, "boot cad as QEMU's trace");
    CHECK(cmos_rd(0x14) == 0x06 && cmos_rd(0x10) == 0 && cmos_rd(0x0f) == 0, "equipment/floppy/shutdown");
    unsigned sum = 0;
    for (unsigned k = 0x10; k <= 0x2d; k++) sum += cmos_rd((uint8_t)k);
    CHECK(cmos_rd(0x2e) == (sum >> 8) && cmos_rd(0x2f) == (sum & 0xff), "checksum");

    CHECK(rtc_cmos_setup_pc(r, 3ull << 30, 5ull << 30, 4, "dn"), "setup 8 GiB");
    CHECK(cmos_rd(0x34) == 0x00 && cmos_rd(0x35) == 0xbf, "(3G-16M)/64K = 0xbf00");
    CHECK(cmos_rd(0x5b) == 0x00 && cmos_rd(0x5c) == 0x40 && cmos_rd(0x5d) == 0x01, "5 GiB = 0x14000 x 64K");
    CHECK(cmos_rd(0x5f) == 3, "4 CPUs");
    CHECK(cmos_rd(0x3d) == 0x43 && cmos_rd(0x38) == 0x00, "boot dn");

    CHECK(rtc_cmos_setup_pc(r, 12ull << 20, 0, 1, "c"), "small RAM");
    CHECK(cmos_rd(0x17) == 0x00 && cmos_rd(0x18) == 0x2c, "11 MiB = 0x2c00 KiB");
    CHECK(cmos_rd(0x34) == 0 && cmos_rd(0x35) == 0, "nothing above 16 MiB");
    CHECK(!rtc_cmos_setup_pc(r, 12ull << 20, 0, 1, "x"), "bad boot letter");
}
END_TEST

START_TEST(test_seabios_sequence)
{
    /* the RTC part of io-seabios.txt.gz (SeaBIOS rtc_setup and clock init) */
    CHECK(cmos_rd(0x0f) == 0x00, "shutdown status");
    cmos_wr(0x0f, 0x00);
    cmos_wr(0x0a, 0x26);
    CHECK(cmos_rd(0x0b) == 0x02, "reg B");
    cmos_wr(0x0b, 0x02);
    CHECK(cmos_rd(0x0c) == 0x00, "reg C");
    CHECK(cmos_rd(0x0d) == 0x80, "reg D");
    CHECK(cmos_rd(0x0a) == 0x26, "reg A");
    CHECK(cmos_rd(0x08) != 0xff, "rtc_present");
}
END_TEST

static Suite *rtc_suite(void)
{
    Suite *s = suite_create("rtc");
    TCase *tc = tcase_create("rtc");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_power_on);
    tcase_add_test(tc, test_ticks);
    tcase_add_test(tc, test_uip);
    tcase_add_loop_test(tc, test_calendar, 0, sizeof cal_cases / sizeof cal_cases[0]);
    tcase_add_test(tc, test_long_run);
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_12hour);
    tcase_add_test(tc, test_binary);
    tcase_add_test(tc, test_set_inhibits);
    tcase_add_test(tc, test_divider_reset);
    tcase_add_loop_test(tc, test_periodic, 0, sizeof rates / sizeof rates[0]);
    tcase_add_test(tc, test_flags_without_enable);
    tcase_add_test(tc, test_update_interrupt);
    tcase_add_test(tc, test_alarm);
    tcase_add_test(tc, test_reset_pin);
    tcase_add_test(tc, test_nvram_and_index);
    tcase_add_test(tc, test_cmos_pc);
    tcase_add_test(tc, test_seabios_sequence);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rtc_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("rtc: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
