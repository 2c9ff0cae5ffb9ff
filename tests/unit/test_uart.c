/* Unit tests of the 16550A UART (devices/uart16550.c) and the character backends
 * (devices/chardev.c), driven through the port bus with a fake clock (a variable we advance) and a
 * fake IRQ line (records the level and rising edges). Timing expectations are computed from the
 * PC16550D baud formula: 1.8432 MHz / 16 / divisor, frame = start + data + parity + stop bits. */
#include "devices/uart16550.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/chardev.h"

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

#define B UART_COM1_BASE
/* 8N1 at 115200: 10 bits * 8680.5 ns = 86805.6 -> 86806 ns (rounded up) */
#define C115 86806ull

static uint64_t fake_now;
static uint64_t fake_icount(void *opaque) { return fake_now; }

static int irq_level, irq_edges;
static void fake_irq(void *opaque, int n, int level)
{
    ck_assert_int_eq(n, 4);
    if (level && !irq_level) irq_edges++;
    irq_level = level;
}

static uint8_t outbuf[4096];
static size_t outlen;
static uint64_t out_time[4096];
static void tap(void *opaque, const uint8_t *buf, size_t len)
{
    for (size_t k = 0; k < len && outlen < sizeof outbuf; k++) {
        out_time[outlen] = fake_now;
        outbuf[outlen++] = buf[k];
    }
}

static struct clock clk;
static struct bus *bus;
static struct uart *u;
static struct chardev *chr;

static void setup(void)
{
    fake_now = 0;
    irq_level = irq_edges = 0;
    outlen = 0;
    clock_init(&clk, fake_icount, NULL);
    bus = bus_create();
    u = calloc(1, sizeof *u);
    char err[128];
    chr = chardev_open("none", err, sizeof err);
    ck_assert(bus && u && chr);
    chardev_set_tap(chr, tap, NULL);
    struct irq_line l = {fake_irq, NULL, 4};
    ck_assert(uart_init(u, bus, &clk, B, l, chr));
}

static void teardown(void)
{
    chardev_close(chr);
    free(u);
    bus_destroy(bus);
}

/* Advances guest time to t, firing every timer at its own deadline (as the board does). */
static void run_to(uint64_t t)
{
    while (clock_next_deadline(&clk) <= t) {
        uint64_t d = clock_next_deadline(&clk);
        if (d > fake_now) fake_now = d;
        clock_run_timers(&clk);
    }
    fake_now = t;
    clock_run_timers(&clk);
}

static uint8_t in8(unsigned off) { return (uint8_t)bus_in(bus, (uint16_t)(B + off), 1); }
static void out8(unsigned off, uint8_t v) { bus_out(bus, (uint16_t)(B + off), v, 1); }
static void inject(const char *s) { chardev_inject(chr, (const uint8_t *)s, strlen(s)); }

static void set_115200_8n1(void)
{
    out8(UART_LCR, UART_LCR_DLAB);
    out8(UART_RBR, 1);
    out8(UART_IER, 0);
    out8(UART_LCR, 0x03);
}

START_TEST(reset_values)
{
    CHECK(in8(UART_IER) == 0, "IER");
    CHECK(in8(UART_IIR) == 0x01, "IIR");
    CHECK(in8(UART_LCR) == 0, "LCR");
    CHECK(in8(UART_MCR) == 0, "MCR");
    CHECK(in8(UART_LSR) == 0x60, "LSR %#x", in8(UART_LSR));
    CHECK(in8(UART_MSR) == 0xb0, "MSR: CTS DSR DCD from a connected terminal");
    out8(UART_SCR, 0x5a);
    CHECK(in8(UART_SCR) == 0x5a, "scratch");
    out8(UART_IER, 0xff);
    CHECK(in8(UART_IER) == 0x0f, "IER bits 7:4 read 0");
    out8(UART_MCR, 0xff);
    CHECK(in8(UART_MCR) == 0x1f, "MCR bits 7:5 read 0");
    CHECK(irq_level == 0, "no irq without OUT2 (loopback set too)");
    uart_reset(u);
    CHECK(in8(UART_IER) == 0 && in8(UART_MCR) == 0 && in8(UART_SCR) == 0x5a, "reset keeps SCR");
    CHECK(uart_char_ns(u) == 729167, "power-on divisor 12: 9600 baud, 5N1 (LCR 0) = 7 bits %llu",
          (unsigned long long)uart_char_ns(u));
    /* a second device on the same ports is refused */
    struct uart u2;
    CHECK(!uart_init(&u2, bus, &clk, B + 4, (struct irq_line){0}, NULL), "port clash");
}
END_TEST

START_TEST(divisor_latch)
{
    out8(UART_IER, 0x05);
    out8(UART_LCR, 0x83);
    out8(UART_RBR, 0x34);
    out8(UART_IER, 0x12);
    CHECK(in8(UART_RBR) == 0x34 && in8(UART_IER) == 0x12, "DLL/DLM read back");
    CHECK(in8(UART_LCR) == 0x83, "LCR read back");
    out8(UART_LCR, 0x03);
    CHECK(in8(UART_IER) == 0x05, "IER untouched by DLM writes");
    CHECK(u->divisor == 0x1234, "divisor");
    /* 16-bit access = two byte cycles */
    out8(UART_LCR, 0x83);
    bus_out(bus, B, 0x0201, 2);
    CHECK(u->divisor == 0x0201, "outw to DLL/DLM");
    CHECK(bus_in(bus, B, 2) == 0x0201, "inw from DLL/DLM");
}
END_TEST

START_TEST(char_times)
{
    set_115200_8n1();
    CHECK(uart_char_ns(u) == C115, "8N1 %llu", (unsigned long long)uart_char_ns(u));
    out8(UART_LCR, 0x04); /* 5 bits, 1.5 stop: 15 half bits */
    CHECK(uart_char_ns(u) == 65105, "5N1.5 %llu", (unsigned long long)uart_char_ns(u));
    out8(UART_LCR, 0x0e); /* 7 bits, parity, 2 stop: 11 bits */
    CHECK(uart_char_ns(u) == 95487, "7E2 %llu", (unsigned long long)uart_char_ns(u));
    out8(UART_LCR, 0x83);
    out8(UART_RBR, 0);
    out8(UART_IER, 0);
    out8(UART_LCR, 0x03);
    CHECK(uart_char_ns(u) == 5688888889ull, "divisor 0 = 65536: %llu", (unsigned long long)uart_char_ns(u));
    u->fixed_char_ns = 1000;
    CHECK(uart_char_ns(u) == 1000, "board override");
}
END_TEST

START_TEST(tx_timing_nonfifo)
{
    set_115200_8n1();
    fake_now = 1000;
    out8(UART_RBR, 'A');
    CHECK((in8(UART_LSR) & 0x60) == 0x20, "THR moved to the shift register: THRE, not TEMT");
    out8(UART_RBR, 'B');
    CHECK((in8(UART_LSR) & 0x60) == 0, "THR full");
    run_to(1000 + C115 - 1);
    CHECK(outlen == 0, "nothing before the stop bit is out");
    run_to(1000 + C115);
    CHECK(outlen == 1 && outbuf[0] == 'A' && out_time[0] == 1000 + C115, "A at one char time");
    CHECK((in8(UART_LSR) & 0x60) == 0x20, "B shifting");
    run_to(1000 + 2 * C115 + 5);
    CHECK(outlen == 2 && outbuf[1] == 'B' && out_time[1] == 1000 + 2 * C115, "B back to back");
    CHECK((in8(UART_LSR) & 0x60) == 0x60, "TEMT");
    /* 7-bit words drop bit 7 */
    out8(UART_LCR, 0x02);
    out8(UART_RBR, 0xff);
    run_to(fake_now + C115);
    CHECK(outlen == 3 && outbuf[2] == 0x7f, "7-bit word %#x", outbuf[2]);
}
END_TEST

START_TEST(thre_interrupt)
{
    set_115200_8n1();
    out8(UART_IER, UART_IER_ETBEI);
    CHECK(irq_level == 0, "OUT2 clear: IRQ gated");
    CHECK(in8(UART_IIR) == 0x02, "THRE pending after enabling ETBEI with THR empty");
    CHECK(in8(UART_IIR) == 0x01, "IIR read cleared it");
    out8(UART_IER, 0);
    out8(UART_MCR, UART_MCR_OUT2);
    out8(UART_IER, UART_IER_ETBEI);
    CHECK(irq_level == 1 && irq_edges == 1, "IRQ with OUT2");
    CHECK(in8(UART_IIR) == 0x02, "THRE");
    CHECK(irq_level == 0, "IIR read lowers the IRQ");
    out8(UART_IER, UART_IER_ETBEI); /* no 0->1 change: nothing */
    CHECK(irq_level == 0, "rewriting ETBEI=1 does not re-raise");
    out8(UART_RBR, 'x'); /* goes to the shift register; THR empty again */
    CHECK(irq_level == 1 && irq_edges == 2, "THR emptied into the TSR");
    out8(UART_RBR, 'y'); /* THR full now */
    CHECK(irq_level == 0, "THR write clears THRE interrupt");
    run_to(C115);
    CHECK(irq_level == 1 && irq_edges == 3, "y moved to TSR at one char time");
    out8(UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
    CHECK(irq_level == 0, "loopback forces OUT2 inactive");
    CHECK(in8(UART_IIR) == 0x02, "chip interrupt still pending in loopback");
    out8(UART_MCR, UART_MCR_OUT2);
    out8(UART_IER, 0);
    CHECK(irq_level == 0, "IER 0");
}
END_TEST

START_TEST(linux_thre_probes)
{
    /* serial8250_do_startup: UART_BUG_THRE and UART_BUG_TXEN tests, FIFO mode */
    set_115200_8n1();
    out8(UART_IIR, 0x07);
    out8(UART_IER, UART_IER_ETBEI);
    uint8_t iir1 = in8(UART_IIR);
    out8(UART_IER, 0);
    out8(UART_IER, UART_IER_ETBEI);
    uint8_t iir = in8(UART_IIR);
    out8(UART_IER, 0);
    CHECK(iir1 == 0xc2 && iir == 0xc2, "THRE re-asserted: %#x %#x", iir1, iir);
    out8(UART_IER, UART_IER_ETBEI);
    uint8_t lsr = in8(UART_LSR);
    iir = in8(UART_IIR);
    out8(UART_IER, 0);
    CHECK((lsr & UART_LSR_TEMT) && !(iir & 1), "TXEN test passes");
}
END_TEST

START_TEST(linux_autoconfig)
{
    /* drivers/tty/serial/8250/8250_port.c autoconfig() on a 16550A */
    out8(UART_IER, 0);
    uint8_t s2 = in8(UART_IER) & 0x0f;
    out8(UART_IER, 0x0f);
    uint8_t s3 = in8(UART_IER) & 0x0f;
    out8(UART_IER, 0);
    CHECK(s2 == 0 && s3 == 0x0f, "IER scratch test");
    out8(UART_MCR, UART_MCR_LOOP | 0x0a);
    CHECK((in8(UART_MSR) & 0xf0) == 0x90, "loop test: RTS->CTS, OUT2->DCD");
    out8(UART_MCR, 0);
    out8(UART_LCR, 0xbf);
    out8(2, 0); /* EFR on a 16650: FCR here */
    out8(UART_LCR, 0);
    out8(UART_IIR, UART_FCR_ENABLE);
    CHECK((in8(UART_IIR) >> 6) == 3, "16550A FIFO bits");
    out8(UART_LCR, 0x80);
    CHECK(in8(2) != 0, "no 650 EFR with DLAB (IIR reads %#x)", in8(2));
    out8(UART_LCR, 0);
    out8(UART_IIR, UART_FCR_ENABLE | 0x20);
    uint8_t st1 = in8(UART_IIR) >> 5;
    out8(UART_IIR, UART_FCR_ENABLE);
    out8(UART_LCR, 0x80);
    out8(UART_IIR, UART_FCR_ENABLE | 0x20);
    uint8_t st2 = in8(UART_IIR) >> 5;
    out8(UART_IIR, UART_FCR_ENABLE);
    out8(UART_LCR, 0);
    CHECK(st1 == 6 && st2 == 6, "not a 16750: %u %u", st1, st2);
    out8(UART_IER, 0x40);
    CHECK(in8(UART_IER) == 0, "no XScale UUE bit");
    out8(UART_IIR, 0);
    CHECK((in8(UART_IIR) & 0xc0) == 0, "FIFOs off");
}
END_TEST

START_TEST(rx_basic)
{
    set_115200_8n1();
    out8(UART_MCR, UART_MCR_OUT2);
    out8(UART_IER, UART_IER_ERBFI);
    fake_now = 500;
    inject("hi");
    CHECK(chardev_pending(chr) == 1, "one byte in the shift register");
    run_to(500 + C115 - 1);
    CHECK(!(in8(UART_LSR) & UART_LSR_DR) && irq_level == 0, "not yet");
    run_to(500 + C115);
    CHECK((in8(UART_LSR) & UART_LSR_DR) && irq_level == 1, "h received at one char time");
    CHECK(in8(UART_IIR) == 0x04, "RDA");
    CHECK(in8(UART_IIR) == 0x04, "RDA not cleared by IIR read");
    run_to(500 + 2 * C115 - 1);
    /* i cannot start: flow control waits for room in the RBR */
    CHECK(chardev_pending(chr) == 1, "i waits in the chardev");
    fake_now = 500 + 2 * C115;
    CHECK(in8(UART_RBR) == 'h', "h");
    CHECK(irq_level == 0 && !(in8(UART_LSR) & UART_LSR_DR), "RBR read clears RDA and DR");
    CHECK(chardev_pending(chr) == 0, "i started when the RBR emptied");
    run_to(500 + 3 * C115);
    CHECK(in8(UART_IIR) == 0x04 && in8(UART_RBR) == 'i', "i one char time after the read");
    CHECK(in8(UART_RBR) == 'i', "stale RBR re-read");
    CHECK(in8(UART_LSR) == 0x60, "no overrun with flow control");
}
END_TEST

START_TEST(rx_fifo_trigger_and_timeout)
{
    set_115200_8n1();
    out8(UART_MCR, UART_MCR_OUT2);
    out8(UART_IIR, 0x87); /* FIFO, reset both, trigger 8 */
    out8(UART_IER, UART_IER_ERBFI);
    inject("0123456789ABCDEFGHIJ"); /* 20 bytes */
    run_to(7 * C115);
    CHECK(in8(UART_IIR) == 0xc1 && (in8(UART_LSR) & 1), "7 bytes below trigger 8");
    run_to(8 * C115);
    CHECK(in8(UART_IIR) == 0xc4 && irq_level, "trigger level reached");
    run_to(40 * C115);
    CHECK(u->rx_count == 16 && !u->rx_busy && chardev_pending(chr) == 4, "16 in FIFO, rest held back: %u %zu", u->rx_count,
          chardev_pending(chr));
    CHECK(!(in8(UART_LSR) & UART_LSR_OE), "no overrun");
    /* drain to below the trigger: interrupt goes away */
    uint64_t t = 40 * C115;
    for (int k = 0; k < 9; k++) CHECK(in8(UART_RBR) == "0123456789"[k], "byte %d", k);
    CHECK(in8(UART_IIR) == 0xc1 && !irq_level, "7 left, below trigger");
    /* the 17th byte ('G') started when a slot freed, i.e. at t */
    run_to(t + C115);
    CHECK(u->rx_count == 8 && in8(UART_IIR) == 0xc4, "refilled to 8");
    CHECK(in8(UART_RBR) == '9', "9");
    /* now hold still: 7 + arrivals H,I,J at t+2c, t+3c, t+4c... each read/arrival restarts
     * the 4-character timeout */
    run_to(t + 4 * C115);
    CHECK(chardev_pending(chr) == 0, "all input taken");
    uint64_t last = t + 4 * C115; /* J completes */
    CHECK(u->rx_count == 10, "10 in FIFO (%u)", u->rx_count);
    CHECK(in8(UART_IIR) == 0xc4, "RDA");
    for (int k = 0; k < 3; k++) in8(UART_RBR);
    CHECK(in8(UART_IIR) == 0xc1, "7 < 8");
    fake_now = last + 100;
    in8(UART_RBR); /* read restarts the timer at last+100 */
    run_to(last + 100 + 4 * C115 - 1);
    CHECK(in8(UART_IIR) == 0xc1, "no timeout yet");
    run_to(last + 100 + 4 * C115);
    CHECK(in8(UART_IIR) == 0xcc && irq_level, "character timeout");
    CHECK(in8(UART_RBR) == 'E', "read");
    CHECK(in8(UART_IIR) == 0xc1 && !irq_level, "timeout cleared by the read");
    for (int k = 0; k < 5; k++) in8(UART_RBR);
    CHECK(u->rx_count == 0 && !(in8(UART_LSR) & 1), "empty");
    run_to(fake_now + 10 * C115);
    CHECK(in8(UART_IIR) == 0xc1, "no timeout with an empty FIFO");
}
END_TEST

START_TEST(rx_timeout_trigger14_three_bytes)
{
    set_115200_8n1();
    out8(UART_IIR, 0xc1);
    out8(UART_IER, UART_IER_ERBFI);
    fake_now = 1000;
    inject("abc");
    run_to(1000 + 3 * C115);
    CHECK(in8(UART_IIR) == 0xc1 && in8(UART_LSR) == 0x61, "3 bytes, no interrupt yet");
    run_to(1000 + 7 * C115 - 1);
    CHECK(in8(UART_IIR) == 0xc1, "just before 4 char times");
    run_to(1000 + 7 * C115);
    CHECK(in8(UART_IIR) == 0xcc, "timeout 4 char times after the last arrival");
    out8(UART_IIR, 0xc3); /* RX FIFO reset */
    CHECK(in8(UART_IIR) == 0xc1 && in8(UART_LSR) == 0x60, "RX reset clears data and timeout");
}
END_TEST

START_TEST(loopback_and_overrun)
{
    set_115200_8n1();
    out8(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
    out8(UART_IER, UART_IER_ERBFI | UART_IER_ELSI);
    inject("Z"); /* serial input is disconnected in loopback */
    out8(UART_RBR, 0x55);
    out8(UART_RBR, 0xaa);
    run_to(C115);
    CHECK(outlen == 0, "loopback: nothing on the line");
    CHECK(in8(UART_IIR) == 0x04 && in8(UART_RBR) == 0x55, "looped back after one char time");
    run_to(2 * C115);
    out8(UART_RBR, 0x11);
    run_to(3 * C115);
    CHECK(in8(UART_IIR) == 0x06, "overrun: line status outranks data");
    CHECK(in8(UART_LSR) == 0x63, "OE DR THRE TEMT");
    CHECK(in8(UART_LSR) == 0x61, "OE cleared by the read");
    CHECK(in8(UART_IIR) == 0x04 && in8(UART_RBR) == 0x11, "non-FIFO overrun overwrote the RBR");
    CHECK(chardev_pending(chr) == 1, "Z still waiting");
    out8(UART_MCR, UART_MCR_OUT2);
    run_to(4 * C115);
    CHECK(in8(UART_RBR) == 'Z', "input resumes after loopback");
    /* FIFO overrun keeps the FIFO, loses the new character */
    out8(UART_IIR, 0x07);
    out8(UART_MCR, UART_MCR_LOOP);
    for (int k = 0; k < 16; k++) out8(UART_RBR, (uint8_t)('a' + k));
    run_to(fake_now + 17 * C115);
    CHECK(u->rx_count == 16 && !(in8(UART_LSR) & UART_LSR_OE), "16 in FIFO");
    out8(UART_RBR, 'X');
    run_to(fake_now + C115);
    CHECK(in8(UART_LSR) & UART_LSR_OE, "17th overran");
    for (int k = 0; k < 16; k++) CHECK(in8(UART_RBR) == 'a' + k, "fifo %d", k);
}
END_TEST

START_TEST(modem_status)
{
    out8(UART_MCR, UART_MCR_OUT2);
    out8(UART_IER, UART_IER_EDSSI);
    CHECK(irq_level == 0, "no change yet");
    uart_set_modem_lines(u, UART_MSR_CTS | UART_MSR_DSR); /* carrier lost */
    CHECK(irq_level == 1 && in8(UART_IIR) == 0x00, "modem status interrupt");
    CHECK(in8(UART_MSR) == 0x38, "DDCD with CTS DSR");
    CHECK(in8(UART_MSR) == 0x30 && irq_level == 0, "MSR read clears deltas");
    uart_set_modem_lines(u, UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI);
    CHECK(in8(UART_MSR) == 0x70, "RI rising edge: no TERI");
    uart_set_modem_lines(u, UART_MSR_CTS | UART_MSR_DSR);
    CHECK(in8(UART_MSR) == 0x34, "TERI on RI trailing edge");
    /* loopback wiring */
    out8(UART_MCR, UART_MCR_LOOP);
    CHECK(in8(UART_MSR) == 0x03, "lines drop: DCTS DDSR");
    out8(UART_MCR, UART_MCR_LOOP | 0x0f);
    CHECK(in8(UART_MSR) == 0xfb, "all four: deltas except TERI");
    out8(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
    CHECK(in8(UART_MSR) == 0x2d, "DSR only; RI fell -> TERI");
}
END_TEST

START_TEST(priorities)
{
    set_115200_8n1();
    out8(UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP | UART_MCR_RTS);
    out8(UART_IER, 0x0f);
    /* pending: THRE (enable), MS (RTS change in loopback) */
    CHECK(in8(UART_IIR) == 0x02, "THRE above modem status");
    CHECK(in8(UART_IIR) == 0x00, "then modem status");
    in8(UART_MSR);
    CHECK(in8(UART_IIR) == 0x01, "none");
    out8(UART_RBR, 1);
    out8(UART_RBR, 2);
    out8(UART_RBR, 3);
    run_to(3 * C115);
    /* 3 overwrote 2 in the THR; 1 reached the RBR and 3 overran it */
    CHECK(in8(UART_IIR) == 0x06, "RLS first");
    CHECK(in8(UART_IIR) == 0x06, "RLS stays until LSR read");
    in8(UART_LSR);
    CHECK(in8(UART_IIR) == 0x04, "RDA next; IIR read does not clear THRE behind it");
    in8(UART_RBR);
    CHECK(in8(UART_IIR) == 0x02, "THRE");
    CHECK(in8(UART_IIR) == 0x01, "done");
}
END_TEST

START_TEST(fifo_tx)
{
    set_115200_8n1();
    out8(UART_IIR, 0x07);
    CHECK(in8(UART_LSR) == 0x60, "empty");
    fake_now = 100;
    out8(UART_RBR, 'a');
    /* one byte alone in the FIFO: empty indication held back 1 char less the stop bit */
    CHECK(in8(UART_LSR) == 0x00, "THRE delayed");
    run_to(100 + C115 - 8681 - 1);
    CHECK(in8(UART_LSR) == 0x00, "still delayed");
    run_to(100 + C115 - 8681);
    CHECK(in8(UART_LSR) == 0x20, "THRE after char - bit");
    run_to(100 + C115);
    CHECK(in8(UART_LSR) == 0x60 && outlen == 1, "sent");
    /* a burst of 18: A to the shift register, B..Q fill the FIFO, R is lost */
    uint64_t t = fake_now;
    out8(UART_IER, UART_IER_ETBEI);
    in8(UART_IIR);
    for (int k = 0; k < 18; k++) out8(UART_RBR, (uint8_t)('A' + k));
    CHECK(u->tx_count == 16 && u->tx_busy, "1 shifting, 16 queued: %u", u->tx_count);
    run_to(t + 16 * C115 - 1);
    CHECK(in8(UART_LSR) == 0x00 && in8(UART_IIR) == 0xc1, "FIFO not yet empty");
    run_to(t + 16 * C115);
    CHECK(in8(UART_LSR) == 0x20, "THRE at once: the FIFO held >= 2 bytes");
    CHECK(in8(UART_IIR) == 0xc2, "THRE interrupt");
    run_to(t + 17 * C115);
    CHECK(outlen == 18 && in8(UART_LSR) == 0x60, "17 sent + 1 before: %zu", outlen);
    CHECK(!memcmp(outbuf + 1, "ABCDEFGHIJKLMNOPQ", 17), "order %.17s", (const char *)outbuf + 1);
    /* TX FIFO reset drops queued bytes (not the one shifting) */
    out8(UART_RBR, 'x');
    out8(UART_RBR, 'y');
    out8(UART_RBR, 'z');
    in8(UART_IIR);
    out8(UART_IIR, 0x05);
    CHECK((in8(UART_LSR) & 0x60) == 0x20 && in8(UART_IIR) == 0xc2, "TX reset: THRE");
    run_to(fake_now + 3 * C115);
    CHECK(outlen == 19 && outbuf[18] == 'x', "only x sent");
}
END_TEST

START_TEST(fifo_enable_thre_and_reset)
{
    set_115200_8n1();
    out8(UART_MCR, UART_MCR_OUT2);
    out8(UART_IER, UART_IER_ETBEI);
    CHECK(in8(UART_IIR) == 0x02, "THRE");
    CHECK(!irq_level, "cleared");
    out8(UART_IIR, 0x01);
    CHECK(irq_level && in8(UART_IIR) == 0xc2, "FCR0 change: immediate THRE interrupt");
    out8(UART_IIR, 0x41); /* trigger 4, no FCR0 change */
    CHECK(!irq_level && u->fcr_trigger == 1, "no re-raise");
    out8(UART_IIR, 0x80); /* FCR0 = 0: FIFOs off, trigger not programmed */
    CHECK(!u->fifo_en && u->fcr_trigger == 1, "FIFO off");
    uart_reset(u);
    CHECK(!irq_level && in8(UART_IIR) == 0x01 && in8(UART_LSR) == 0x60, "reset");
}
END_TEST

START_TEST(fixed_char_time)
{
    u->fixed_char_ns = 50;
    out8(UART_RBR, 'q');
    inject("r");
    run_to(50);
    CHECK(outlen == 1 && outbuf[0] == ('q' & 0x1f), "q (5-bit word at reset) after 50 ns");
    CHECK(in8(UART_RBR) == ('r' & 0x1f), "r after 50 ns");
}
END_TEST

START_TEST(determinism)
{
    /* the same injections at the same times give the same byte times */
    uint64_t got[2][4];
    for (int pass = 0; pass < 2; pass++) {
        teardown();
        setup();
        set_115200_8n1();
        out8(UART_IIR, 0x01);
        int n = 0;
        fake_now = 777;
        inject("ab");
        uint64_t t = 777;
        while (n < 4) {
            t += 1000;
            run_to(t);
            if (t == 50777) inject("cd");
            while (in8(UART_LSR) & 1) {
                in8(UART_RBR);
                got[pass][n++] = fake_now;
            }
        }
    }
    CHECK(!memcmp(got[0], got[1], sizeof got[0]), "same times");
    CHECK(got[0][0] == 777 + 87000 && got[0][1] == 777 + 174000, "polled every 1000 ns");
}
END_TEST

/* ---- chardev ------------------------------------------------------------------------------- */

static int exit_calls;
static void on_exit_req(void *opaque) { exit_calls++; }
static uint8_t rec[64];
static size_t reclen;
static void on_record(void *opaque, const uint8_t *b, size_t n)
{
    memcpy(rec + reclen, b, n);
    reclen += n;
}
static int notified;
static void on_input(void *opaque) { notified++; }

START_TEST(chardev_specs)
{
    char err[128];
    CHECK(!chardev_open("bogus", err, sizeof err) && strstr(err, "bogus"), "bad spec");
    CHECK(!chardev_open("file:", err, sizeof err), "empty path");
    CHECK(!chardev_open("file:/nonexistent/dir/x", err, sizeof err), "unopenable path");
    char path[] = "/tmp/turtles-uart-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    close(fd);
    char spec[64];
    snprintf(spec, sizeof spec, "file:%s", path);
    struct chardev *f = chardev_open(spec, err, sizeof err);
    CHECK(f && f->kind == CHARDEV_FILE && chardev_fd(f) == -1, "file backend");
    chardev_write(f, (const uint8_t *)"hello", 5);
    CHECK(!chardev_poll(f), "no input on a file");
    chardev_close(f);
    FILE *r = fopen(path, "r");
    char buf[16] = {0};
    CHECK(r && fread(buf, 1, sizeof buf, r) == 5 && !strcmp(buf, "hello"), "file content");
    fclose(r);
    unlink(path);
    /* queue limits */
    struct chardev *n = chardev_open("none", err, sizeof err);
    chardev_set_input_handler(n, on_input, NULL);
    notified = 0;
    static uint8_t big[CHARDEV_QUEUE_SIZE + 10];
    CHECK(chardev_inject(n, big, sizeof big) == CHARDEV_QUEUE_SIZE, "queue bounded");
    CHECK(chardev_inject(n, big, 1) == 0 && notified == 1, "full: nothing queued, no notify");
    uint8_t b;
    for (unsigned k = 0; k < CHARDEV_QUEUE_SIZE; k++) ck_assert(chardev_read_byte(n, &b));
    CHECK(!chardev_read_byte(n, &b), "empty");
    chardev_close(n);
}
END_TEST

START_TEST(chardev_mux)
{
    char err[128];
    struct chardev *n = chardev_open("none", err, sizeof err);
    int p[2];
    ck_assert(pipe(p) == 0);
    n->in_fd = p[0]; /* stand-in for stdin */
    n->mux = true;
    exit_calls = 0;
    reclen = 0;
    notified = 0;
    chardev_set_exit_handler(n, on_exit_req, NULL);
    chardev_set_record_handler(n, on_record, NULL);
    chardev_set_input_handler(n, on_input, NULL);
    CHECK(!chardev_poll(n), "nothing yet");
    ck_assert(write(p[1], "a\x01\x01" "b\x01q\x01", 7) == 7);
    CHECK(chardev_poll(n) && notified == 1, "input");
    CHECK(n->q_count == 3 && reclen == 3 && !memcmp(rec, "a\x01" "b", 3), "C-a C-a -> C-a; C-a q dropped");
    CHECK(exit_calls == 0 && n->got_escape, "escape pending across reads");
    ck_assert(write(p[1], "x", 1) == 1);
    CHECK(!chardev_poll(n) && exit_calls == 1, "C-a x: exit request, nothing queued");
    /* chardev_inject bypasses the escape */
    CHECK(chardev_inject(n, (const uint8_t *)"\x01x", 2) == 2 && exit_calls == 1, "inject is raw");
    close(p[1]);
    chardev_poll(n);
    CHECK(chardev_fd(n) == -1, "EOF stops input");
    close(p[0]);
    chardev_close(n);
}
END_TEST

START_TEST(uart_flush_at_exit)
{
    set_115200_8n1();
    out8(UART_IIR, 0x01);
    out8(UART_RBR, 'o');
    out8(UART_RBR, 'k');
    out8(UART_RBR, '\n');
    uart_flush(u);
    CHECK(outlen == 3 && !memcmp(outbuf, "ok\n", 3), "flushed");
    CHECK(in8(UART_LSR) == 0x60, "transmitter empty");
    run_to(10 * C115);
    CHECK(outlen == 3, "nothing twice");
}
END_TEST

static Suite *uart_suite(void)
{
    Suite *s = suite_create("uart");
    TCase *tc = tcase_create("uart16550");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_values);
    tcase_add_test(tc, divisor_latch);
    tcase_add_test(tc, char_times);
    tcase_add_test(tc, tx_timing_nonfifo);
    tcase_add_test(tc, thre_interrupt);
    tcase_add_test(tc, linux_thre_probes);
    tcase_add_test(tc, linux_autoconfig);
    tcase_add_test(tc, rx_basic);
    tcase_add_test(tc, rx_fifo_trigger_and_timeout);
    tcase_add_test(tc, rx_timeout_trigger14_three_bytes);
    tcase_add_test(tc, loopback_and_overrun);
    tcase_add_test(tc, modem_status);
    tcase_add_test(tc, priorities);
    tcase_add_test(tc, fifo_tx);
    tcase_add_test(tc, fifo_enable_thre_and_reset);
    tcase_add_test(tc, fixed_char_time);
    tcase_add_test(tc, determinism);
    tcase_add_test(tc, uart_flush_at_exit);
    suite_add_tcase(s, tc);
    TCase *tc2 = tcase_create("chardev");
    tcase_add_test(tc2, chardev_specs);
    tcase_add_test(tc2, chardev_mux);
    suite_add_tcase(s, tc2);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(uart_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("%lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
