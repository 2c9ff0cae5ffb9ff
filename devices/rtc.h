/* MC146818A real-time clock and CMOS RAM (ports 0x70 index / 0x71 data, IRQ8).
 *
 * Time advances with guest time only (machine/clock.h): the divider chain is a phase in guest
 * nanoseconds; update cycles, the periodic interrupt and UIP are derived from it, so every run
 * with the same start time and instruction stream reads the same clock.
 *
 * The clock registers hold raw bytes, as on the chip: changing DM (binary/BCD) or 24/12 in
 * register B does not convert them. Increments follow the current format. The calendar uses the
 * full Gregorian rule with the century byte 0x32 (which this model increments on year 99 -> 00,
 * like the DS12C887); the original MC146818A only used year % 4, which agrees for 1901-2099.
 * Daylight-saving (register B DSE) adjustments are not modelled (PC firmware leaves DSE = 0).
 *
 * Port 0x70 is write-only on the PC: reads return 0xff (as QEMU's trace shows SeaBIOS reading it).
 * Its bit 7 is the NMI mask, reported to the board through nmi_mask().
 *
 *   Register A  | UIP | DV2 DV1 DV0 | RS3 RS2 RS1 RS0 |
 *   Register B  | SET | PIE | AIE | UIE | SQWE | DM | 24/12 | DSE |
 *   Register C  | IRQF | PF | AF | UF | 0 0 0 0 |   (read clears, lowers IRQ)
 *   Register D  | VRT | 0 ...                     |   (VRT always 1)
 */
#ifndef DEVICES_RTC_H
#define DEVICES_RTC_H

#include "devices/bus.h"
#include "machine/clock.h"

#define RTC_SEC 0x00
#define RTC_SEC_ALARM 0x01
#define RTC_MIN 0x02
#define RTC_MIN_ALARM 0x03
#define RTC_HOUR 0x04
#define RTC_HOUR_ALARM 0x05
#define RTC_DOW 0x06
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32

#define RTC_A_UIP 0x80
#define RTC_A_DV_MASK 0x70
#define RTC_A_DV_32K 0x20 /* 010: 32.768 kHz time base, normal operation */
#define RTC_A_RS_MASK 0x0f
#define RTC_B_SET 0x80
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM 0x04 /* 1 = binary */
#define RTC_B_24H 0x02
#define RTC_B_DSE 0x01
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
#define RTC_D_VRT 0x80

#define RTC_NVRAM_SIZE 128

/* 2026-01-01 00:00:00 UTC: the default start time, so runs are deterministic. */
#define RTC_DEFAULT_EPOCH 1767225600ll

struct rtc {
    uint8_t ram[RTC_NVRAM_SIZE]; /* 0x00-0x0d clock registers (A bit 7 and C computed), rest NVRAM */
    uint8_t index;               /* last index written to port 0x70, bits 6:0 */
    bool nmi_disabled;           /* port 0x70 bit 7 */
    uint64_t phase_ns;           /* update cycles end at guest times == phase_ns (mod 1 s) */
    uint64_t synced_ns;          /* events up to this guest time have been applied */
    bool irq_level;
    struct clock *clk;
    struct timer timer;
    struct irq_line irq;             /* IRQ8 */
    void (*nmi_mask)(void *opaque, bool disabled); /* optional: port 0x70 bit 7 changes */
    void *opaque;
};

/* Power-on state: registers A=0x26, B=0x02 (24 h, BCD), C=0, D=0x80, NVRAM zero, clock set to
 * start_epoch (seconds since 1970-01-01 00:00:00 UTC; use RTC_DEFAULT_EPOCH), the first update at
 * guest time 1 s. Claims ports 0x70-0x71. Returns false if the ports are taken. Never raises. */
bool rtc_init(struct rtc *r, struct bus *b, struct clock *clk, struct irq_line irq, int64_t start_epoch);
/* The chip's RESET pin (QEMU asserts it on system reset): clears PIE, AIE, UIE, SQWE and the
 * register C flags, lowers IRQ8. Time, registers A/D and NVRAM are kept. */
void rtc_reset(struct rtc *r);

/* Sets the clock registers (and century 0x32) to the given UTC time in the current register B
 * format; the divider phase is kept. Years 1..9999. */
void rtc_set_time(struct rtc *r, int64_t epoch);
/* Reads the clock registers back as seconds since the epoch (after applying elapsed guest time).
 * Returns false if the registers do not hold a valid date. */
bool rtc_get_time(struct rtc *r, int64_t *epoch);
/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" or "YYYY-MM-DD HH:MM:SS" (UTC) for -rtc base=.
 * Returns false on a malformed or out-of-range date. */
bool rtc_parse_datetime(const char *s, int64_t *epoch);

/* Raw NVRAM access for the board (index 0x00-0x7f; no side effects, no time update). */
uint8_t rtc_cmos_read(const struct rtc *r, unsigned index);
void rtc_cmos_write(struct rtc *r, unsigned index, uint8_t val);

/* Fills the PC CMOS fields SeaBIOS/OVMF read (PLATFORM.md A.3.4): base memory 0x15/0x16 (640 KiB),
 * extended memory 0x17/0x18 = 0x30/0x31 (KiB above 1 MiB, max 65535), 0x34/0x35 (64 KiB units
 * between 16 MiB and 4 GiB), 0x5b-0x5d (64 KiB units above 4 GiB), 0x5f (CPUs - 1), equipment
 * 0x14 (FPU + PS/2 mouse, no floppy), floppy types 0x10 = 0, hard disk types 0x12 = 0, shutdown
 * status 0x0f = 0, boot order 0x3d/0x38 from boot_order (QEMU letters: a floppy, c disk,
 * d CD-ROM, n network; up to 3; NULL = "cad"), floppy signature check enabled, and the
 * standard checksum of 0x10-0x2d at 0x2e (high)/0x2f (low). Returns false on a bad boot letter. */
bool rtc_cmos_setup_pc(struct rtc *r, uint64_t ram_below_4g, uint64_t ram_above_4g, unsigned ncpus,
                       const char *boot_order);

#endif
