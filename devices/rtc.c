/* MC146818A RTC + CMOS RAM. Sources: Motorola MC146818A data sheet ("MC146818A"), Dallas/Maxim
 * DS12887/DS12C887 data sheet ("DS12887"), IBM PC/AT and PS/2 technical references for the CMOS
 * layout, SeaBIOS src/hw/rtc.h and QEMU's pc CMOS contents (PLATFORM.md A.3.4). */
#include <stdio.h>
#include <string.h>

#include "devices/rtc.h"
#include "emu/log.h"

#define NS_PER_SEC CLOCK_NS_PER_SEC
/* MC146818A Table 6: with a 32.768 kHz time base UIP rises t_BUC = 244 us before the update
 * cycle, which lasts t_UC = 1984 us; the new time and UF appear at its end. */
#define UIP_LEAD_NS (244000ull + 1984000ull)
/* One 32.768 kHz tick is 1e9/32768 ns = 1953125/64 ns exactly. */
#define TICK_NUM 1953125ull
#define TICK_DEN 64ull

/* ---- time base ---------------------------------------------------------------------------- */

/* MC146818A register A: DV2..0 = 010 is the only setting in which the 32.768 kHz PC crystal runs
 * the divider chain (11x holds it in reset; the others select time bases/test modes the PC's
 * crystal does not provide, treated as stopped). */
static bool rtc_running(const struct rtc *r) { return (r->ram[RTC_REG_A] & RTC_A_DV_MASK) == RTC_A_DV_32K; }

/* Periodic interrupt period in 32.768 kHz ticks for RS3..0 (MC146818A Table 5, 32.768 kHz column:
 * 0 = none, 1 = 256 Hz, 2 = 128 Hz, 3..15 = 32768 >> (RS - 1) Hz). */
static uint64_t rtc_period_ticks(const struct rtc *r)
{
    unsigned rs = r->ram[RTC_REG_A] & RTC_A_RS_MASK;
    if (rs == 0) return 0;
    if (rs == 1) return 128;
    if (rs == 2) return 256;
    return 1ull << (rs - 1);
}

/* Guest time shifted so that the divider chain's 1 s boundaries (update ends) fall on multiples
 * of 1e9; adding one second keeps it non-negative. Every periodic period divides 1 s, so periodic
 * edges are multiples of the period in this frame too. */
static uint64_t rtc_frame(const struct rtc *r, uint64_t t) { return t + NS_PER_SEC - r->phase_ns; }

static uint64_t ns_to_ticks(uint64_t ns) { return (ns / TICK_NUM) * TICK_DEN + ((ns % TICK_NUM) * TICK_DEN) / TICK_NUM; }
/* The first nanosecond at which tick k has started. */
static uint64_t ticks_to_ns(uint64_t k)
{
    return (k / TICK_DEN) * TICK_NUM + ((k % TICK_DEN) * TICK_NUM + TICK_DEN - 1) / TICK_DEN;
}

/* Next update end strictly after t. */
static uint64_t rtc_next_update(const struct rtc *r, uint64_t t)
{
    uint64_t f = rtc_frame(r, t);
    return (f / NS_PER_SEC + 1) * NS_PER_SEC - NS_PER_SEC + r->phase_ns;
}

/* Next periodic edge strictly after t (p = period in ticks, nonzero). */
static uint64_t rtc_next_periodic(const struct rtc *r, uint64_t t, uint64_t p)
{
    uint64_t k = ns_to_ticks(rtc_frame(r, t)) / p + 1;
    return ticks_to_ns(k * p) - NS_PER_SEC + r->phase_ns;
}

/* ---- register formats --------------------------------------------------------------------- */

static bool rtc_binary(const struct rtc *r) { return r->ram[RTC_REG_B] & RTC_B_DM; }
static unsigned from_reg(const struct rtc *r, uint8_t v) { return rtc_binary(r) ? v : (unsigned)(v >> 4) * 10 + (v & 15); }
static uint8_t to_reg(const struct rtc *r, unsigned v)
{
    return rtc_binary(r) ? (uint8_t)v : (uint8_t)(((v / 10) % 10) << 4 | (v % 10));
}

/* Hour register <-> 0..23. MC146818A: in 12-hour mode the hour is 1-12 and bit 7 set means PM. */
static unsigned hour_from_reg(const struct rtc *r, uint8_t v)
{
    if (r->ram[RTC_REG_B] & RTC_B_24H) return from_reg(r, v);
    unsigned h = from_reg(r, v & 0x7f) % 12;
    return (v & 0x80) ? h + 12 : h;
}
static uint8_t hour_to_reg(const struct rtc *r, unsigned h)
{
    if (r->ram[RTC_REG_B] & RTC_B_24H) return to_reg(r, h);
    unsigned h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(to_reg(r, h12) | (h >= 12 ? 0x80 : 0));
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static unsigned days_in_month(unsigned m, int64_t y)
{
    static const uint8_t dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 31;
    return dim[m - 1] + (m == 2 && is_leap(y));
}

/* The full year from the year register and the century byte; if the century byte is not a valid
 * value, the chip's own rule (year % 4) decides leap years, which is what year + 2000 gives. */
static int64_t rtc_full_year(const struct rtc *r)
{
    unsigned y = from_reg(r, r->ram[RTC_YEAR]) % 100;
    unsigned c = from_reg(r, r->ram[RTC_CENTURY]);
    if (c > 99) c = 20;
    return (int64_t)c * 100 + y;
}

/* ---- update cycle ------------------------------------------------------------------------- */

/* One update cycle: advance the time by one second with calendar carries (MC146818A "Update
 * cycle"; out-of-range values carry at the first opportunity), then the alarm comparison
 * (MC146818A "Alarm": each alarm byte matches its clock byte, or is don't-care when its two high
 * bits are set). Sets UF, and AF on a match. */
static void rtc_update_cycle(struct rtc *r)
{
    uint8_t *m = r->ram;
    unsigned s = from_reg(r, m[RTC_SEC]) + 1;
    bool carry = s >= 60;
    m[RTC_SEC] = to_reg(r, carry ? 0 : s);
    if (carry) {
        unsigned mi = from_reg(r, m[RTC_MIN]) + 1;
        carry = mi >= 60;
        m[RTC_MIN] = to_reg(r, carry ? 0 : mi);
    }
    if (carry) {
        unsigned h = hour_from_reg(r, m[RTC_HOUR]) + 1;
        carry = h >= 24; /* 12-hour mode: 11:59:59 PM -> 12:00:00 AM carries */
        m[RTC_HOUR] = hour_to_reg(r, carry ? 0 : h);
    }
    if (carry) {
        unsigned dow = from_reg(r, m[RTC_DOW]);
        m[RTC_DOW] = to_reg(r, dow >= 7 ? 1 : dow + 1); /* 1..7, Sunday = 1 */
        unsigned d = from_reg(r, m[RTC_DAY]);
        unsigned mo = from_reg(r, m[RTC_MONTH]);
        carry = d >= days_in_month(mo, rtc_full_year(r));
        m[RTC_DAY] = to_reg(r, carry ? 1 : d + 1);
    }
    if (carry) {
        unsigned mo = from_reg(r, m[RTC_MONTH]) + 1;
        carry = mo > 12;
        m[RTC_MONTH] = to_reg(r, carry ? 1 : mo);
    }
    if (carry) {
        unsigned y = from_reg(r, m[RTC_YEAR]) + 1;
        carry = y > 99;
        m[RTC_YEAR] = to_reg(r, carry ? 0 : y);
    }
    if (carry) { /* DS12887 family: the century byte follows the year roll-over */
        unsigned c = from_reg(r, m[RTC_CENTURY]) + 1;
        m[RTC_CENTURY] = to_reg(r, c > 99 ? 0 : c);
    }
    m[RTC_REG_C] |= RTC_C_UF;
    static const uint8_t pairs[3][2] = {{RTC_SEC_ALARM, RTC_SEC}, {RTC_MIN_ALARM, RTC_MIN}, {RTC_HOUR_ALARM, RTC_HOUR}};
    bool match = true;
    for (unsigned k = 0; k < 3; k++) {
        uint8_t a = m[pairs[k][0]];
        if ((a & 0xc0) != 0xc0 && a != m[pairs[k][1]]) match = false;
    }
    if (match) m[RTC_REG_C] |= RTC_C_AF;
}

/* Applies everything that happened in (synced_ns, now]: periodic edges set PF, update cycles
 * advance the time (inhibited while SET = 1, MC146818A register B SET). */
static void rtc_sync(struct rtc *r, uint64_t now)
{
    if (now <= r->synced_ns) {
        r->synced_ns = now; /* a clock that went back (board reset of icount): resume from here */
        return;
    }
    uint64_t a = r->synced_ns;
    r->synced_ns = now;
    if (!rtc_running(r)) return;
    uint64_t p = rtc_period_ticks(r);
    if (p && ns_to_ticks(rtc_frame(r, now)) / p != ns_to_ticks(rtc_frame(r, a)) / p)
        r->ram[RTC_REG_C] |= RTC_C_PF; /* MC146818A: PF is set at each edge regardless of PIE */
    if (r->ram[RTC_REG_B] & RTC_B_SET) return;
    uint64_t n = rtc_frame(r, now) / NS_PER_SEC - rtc_frame(r, a) / NS_PER_SEC;
    while (n--) rtc_update_cycle(r);
}

/* MC146818A register C: IRQF = PF.PIE + AF.AIE + UF.UIE; the IRQ pin is active while IRQF = 1. */
static void rtc_update_irq(struct rtc *r)
{
    bool level = (r->ram[RTC_REG_C] & r->ram[RTC_REG_B] & (RTC_C_PF | RTC_C_AF | RTC_C_UF)) != 0;
    if (level)
        r->ram[RTC_REG_C] |= RTC_C_IRQF;
    else
        r->ram[RTC_REG_C] &= (uint8_t)~RTC_C_IRQF;
    if (level != r->irq_level) {
        r->irq_level = level;
        irq_set(&r->irq, level);
    }
}

/* Arms the timer for the next event that can raise IRQ8 (none while it is already raised: the
 * flags are then computed lazily at the next access). */
static void rtc_arm(struct rtc *r)
{
    timer_del(&r->timer);
    if (r->irq_level || !rtc_running(r)) return;
    uint64_t now = r->synced_ns, deadline = UINT64_MAX;
    uint8_t b = r->ram[RTC_REG_B];
    uint64_t p = rtc_period_ticks(r);
    if ((b & RTC_B_PIE) && p) deadline = rtc_next_periodic(r, now, p);
    if ((b & (RTC_B_UIE | RTC_B_AIE)) && !(b & RTC_B_SET)) {
        uint64_t u = rtc_next_update(r, now);
        if (u < deadline) deadline = u;
    }
    if (deadline != UINT64_MAX) timer_mod(&r->timer, deadline);
}

static void rtc_timer_cb(void *opaque)
{
    struct rtc *r = opaque;
    rtc_sync(r, clock_ns(r->clk));
    rtc_update_irq(r);
    rtc_arm(r);
}

/* ---- ports -------------------------------------------------------------------------------- */

static uint32_t rtc_in(void *opaque, uint16_t port, unsigned size)
{
    struct rtc *r = opaque;
    if (port == 0x70) return 0xff; /* index register is write-only; QEMU returns 0xff */
    uint64_t now = clock_ns(r->clk);
    rtc_sync(r, now);
    uint8_t v;
    switch (r->index) {
    case RTC_REG_A:
        v = r->ram[RTC_REG_A] & 0x7f;
        /* MC146818A UIP: 1 from t_BUC before the update cycle to its end; 0 while SET = 1 */
        if (rtc_running(r) && !(r->ram[RTC_REG_B] & RTC_B_SET) && rtc_next_update(r, now) - now <= UIP_LEAD_NS)
            v |= RTC_A_UIP;
        break;
    case RTC_REG_C:
        v = r->ram[RTC_REG_C];
        r->ram[RTC_REG_C] = 0; /* MC146818A: all flags are cleared by reading register C */
        rtc_update_irq(r);
        rtc_arm(r);
        break;
    case RTC_REG_D:
        v = RTC_D_VRT; /* MC146818A: VRT is set by reading register D; battery always good */
        break;
    default:
        v = r->ram[r->index];
        break;
    }
    return v;
}

static void rtc_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct rtc *r = opaque;
    uint8_t v = (uint8_t)val;
    if (port == 0x70) {
        r->index = v & 0x7f;
        bool dis = (v & 0x80) != 0; /* PC/AT: port 0x70 bit 7 gates NMI */
        if (dis != r->nmi_disabled) {
            r->nmi_disabled = dis;
            if (r->nmi_mask) r->nmi_mask(r->opaque, dis);
        }
        return;
    }
    uint64_t now = clock_ns(r->clk);
    rtc_sync(r, now);
    switch (r->index) {
    case RTC_REG_A: {
        bool was = rtc_running(r);
        r->ram[RTC_REG_A] = v & 0x7f; /* UIP is read-only */
        /* MC146818A DV bits: when the divider reset is removed the first update cycle begins
         * one-half second later. */
        if (!was && rtc_running(r)) r->phase_ns = (now + NS_PER_SEC / 2) % NS_PER_SEC;
        break;
    }
    case RTC_REG_B:
        /* MC146818A/DS12887: setting SET inhibits updates and clears UIE. */
        if (v & RTC_B_SET) v &= (uint8_t)~RTC_B_UIE;
        r->ram[RTC_REG_B] = v;
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        LOG(LOG_GUEST_ERRORS, "rtc: write 0x%02x to read-only register 0x%02x\n", v, r->index);
        return;
    default:
        r->ram[r->index] = v;
        break;
    }
    rtc_update_irq(r);
    rtc_arm(r);
}

static const struct pio_ops rtc_ops = {rtc_in, rtc_out};

/* ---- calendar conversion ------------------------------------------------------------------ */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_date(int64_t y, unsigned m, unsigned d)
{
    int64_t days = 0;
    for (int64_t k = 1970; k < y; k++) days += is_leap(k) ? 366 : 365;
    for (int64_t k = y; k < 1970; k++) days -= is_leap(k) ? 366 : 365;
    for (unsigned k = 1; k < m; k++) days += days_in_month(k, y);
    return days + d - 1;
}

void rtc_set_time(struct rtc *r, int64_t epoch)
{
    rtc_sync(r, clock_ns(r->clk));
    int64_t days = epoch / 86400, secs = epoch % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t wday = (days % 7 + 7 + 4) % 7; /* 1970-01-01 was a Thursday (0 = Sunday) */
    int64_t y = 1970;
    while (days < 0) days += is_leap(--y) ? 366 : 365;
    while (days >= (is_leap(y) ? 366 : 365)) days -= is_leap(y++) ? 366 : 365;
    unsigned m = 1;
    while (days >= days_in_month(m, y)) days -= days_in_month(m++, y);
    uint8_t *ram = r->ram;
    ram[RTC_SEC] = to_reg(r, (unsigned)(secs % 60));
    ram[RTC_MIN] = to_reg(r, (unsigned)(secs / 60 % 60));
    ram[RTC_HOUR] = hour_to_reg(r, (unsigned)(secs / 3600));
    ram[RTC_DOW] = to_reg(r, (unsigned)wday + 1);
    ram[RTC_DAY] = to_reg(r, (unsigned)days + 1);
    ram[RTC_MONTH] = to_reg(r, m);
    ram[RTC_YEAR] = to_reg(r, (unsigned)(y % 100));
    ram[RTC_CENTURY] = to_reg(r, (unsigned)(y / 100 % 100));
}

bool rtc_get_time(struct rtc *r, int64_t *epoch)
{
    rtc_sync(r, clock_ns(r->clk));
    rtc_update_irq(r);
    rtc_arm(r);
    const uint8_t *ram = r->ram;
    unsigned s = from_reg(r, ram[RTC_SEC]), mi = from_reg(r, ram[RTC_MIN]), h = hour_from_reg(r, ram[RTC_HOUR]);
    unsigned d = from_reg(r, ram[RTC_DAY]), m = from_reg(r, ram[RTC_MONTH]);
    int64_t y = rtc_full_year(r);
    if (s > 59 || mi > 59 || h > 23 || m < 1 || m > 12 || d < 1 || d > days_in_month(m, y)) return false;
    *epoch = days_from_date(y, m, d) * 86400 + h * 3600 + mi * 60 + s;
    return true;
}

bool rtc_parse_datetime(const char *s, int64_t *epoch)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) return false;
    s += n;
    if (*s == 'T' || *s == ' ') {
        if (sscanf(s + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3) return false;
        s += 1 + n;
    }
    if (*s) return false;
    if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || (unsigned)d > days_in_month((unsigned)mo, y) || h < 0 ||
        h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
        return false;
    *epoch = days_from_date(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
    return true;
}

/* ---- life cycle and board helpers --------------------------------------------------------- */

bool rtc_init(struct rtc *r, struct bus *b, struct clock *clk, struct irq_line irq, int64_t start_epoch)
{
    memset(r->ram, 0, sizeof r->ram);
    r->index = 0;
    r->nmi_disabled = false;
    r->clk = clk;
    r->irq = irq;
    r->irq_level = false;
    r->nmi_mask = NULL;
    r->opaque = NULL;
    timer_init(&r->timer, clk, rtc_timer_cb, r);
    r->synced_ns = clock_ns(clk);
    /* first update at the next whole second of guest time */
    r->phase_ns = 0;
    r->ram[RTC_REG_A] = RTC_A_DV_32K | 0x06; /* 32.768 kHz, 1024 Hz periodic rate (PC BIOS value) */
    r->ram[RTC_REG_B] = RTC_B_24H;           /* BCD, 24-hour (SeaBIOS reads 0x02) */
    r->ram[RTC_REG_D] = RTC_D_VRT;
    rtc_set_time(r, start_epoch);
    return bus_add_pio(b, 0x70, 2, &rtc_ops, r);
}

void rtc_reset(struct rtc *r)
{
    rtc_sync(r, clock_ns(r->clk));
    /* MC146818A RESET pin: clears PIE, AIE, UIE, SQWE and IRQF, PF, AF, UF; does not affect
     * the clock, calendar, RAM, DV/RS, SET, DM, 24/12 or DSE. */
    r->ram[RTC_REG_B] &= (uint8_t) ~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
    r->ram[RTC_REG_C] = 0;
    rtc_update_irq(r);
    rtc_arm(r);
}

uint8_t rtc_cmos_read(const struct rtc *r, unsigned index) { return r->ram[index & 0x7f]; }
void rtc_cmos_write(struct rtc *r, unsigned index, uint8_t val) { r->ram[index & 0x7f] = val; }

static bool boot_code(char c, uint8_t *code)
{
    /* SeaBIOS src/boot.c boot_setup: CMOS boot device codes 1 floppy, 2 hard disk, 3 CD-ROM,
     * 4 network (QEMU's 'a', 'c', 'd', 'n'). */
    switch (c) {
    case 'a': *code = 1; return true;
    case 'c': *code = 2; return true;
    case 'd': *code = 3; return true;
    case 'n': *code = 4; return true;
    default: return false;
    }
}

bool rtc_cmos_setup_pc(struct rtc *r, uint64_t ram_below_4g, uint64_t ram_above_4g, unsigned ncpus,
                       const char *boot_order)
{
    uint8_t *m = r->ram;
    const uint64_t KiB = 1024, MiB = 1024 * 1024;
    uint64_t v;
    m[0x0f] = 0; /* shutdown status: normal POST */
    m[0x10] = 0; /* no floppy drives (no FDC) */
    m[0x12] = 0; /* no AT hard disk types */
    /* IBM AT tech ref equipment byte: bit 1 math coprocessor, bit 2 PS/2 pointing device (as QEMU
     * sets it), bits 5:4 = 00 EGA/VGA, bit 0 = 0 no floppy. */
    m[0x14] = 0x06;
    v = ram_below_4g / KiB < 640 ? ram_below_4g / KiB : 640; /* base memory in KiB */
    m[0x15] = (uint8_t)v;
    m[0x16] = (uint8_t)(v >> 8);
    v = ram_below_4g > MiB ? (ram_below_4g - MiB) / KiB : 0; /* extended memory in KiB */
    if (v > 0xffff) v = 0xffff;
    m[0x17] = m[0x30] = (uint8_t)v;
    m[0x18] = m[0x31] = (uint8_t)(v >> 8);
    v = ram_below_4g > 16 * MiB ? (ram_below_4g - 16 * MiB) / (64 * KiB) : 0; /* SeaBIOS CMOS_MEM_EXTMEM2 */
    if (v > 0xffff) v = 0xffff;
    m[0x34] = (uint8_t)v;
    m[0x35] = (uint8_t)(v >> 8);
    v = ram_above_4g / (64 * KiB); /* SeaBIOS CMOS_MEM_HIGHMEM_{LOW,MID,HIGH} */
    m[0x5b] = (uint8_t)v;
    m[0x5c] = (uint8_t)(v >> 8);
    m[0x5d] = (uint8_t)(v >> 16);
    m[0x5f] = (uint8_t)(ncpus ? ncpus - 1 : 0); /* SeaBIOS CMOS_BIOS_SMP_COUNT */
    /* Boot order (SeaBIOS CMOS_BIOS_BOOTFLAG1 0x38 / BOOTFLAG2 0x3d): 0x3d low nibble = first
     * device, high nibble = second; 0x38 high nibble = third, bit 0 = 1 skips the floppy boot
     * signature check (enabled here, as QEMU's default). */
    if (!boot_order) boot_order = "cad";
    uint8_t dev[3] = {0, 0, 0};
    for (unsigned k = 0; k < 3 && boot_order[k]; k++)
        if (!boot_code(boot_order[k], &dev[k])) return false;
    if (strlen(boot_order) > 3) return false;
    m[0x3d] = (uint8_t)(dev[0] | dev[1] << 4);
    m[0x38] = (uint8_t)(dev[2] << 4);
    /* IBM AT: bytes 0x2e/0x2f hold the sum of 0x10-0x2d, high byte first. */
    unsigned sum = 0;
    for (unsigned k = 0x10; k <= 0x2d; k++) sum += m[k];
    m[0x2e] = (uint8_t)(sum >> 8);
    m[0x2f] = (uint8_t)sum;
    return true;
}
