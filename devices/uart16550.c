/* PC16550D UART on the virtual clock; see uart16550.h.
 *
 * Sources: National Semiconductor PC16550D data sheet (June 1995): Table II (register summary),
 * Table IV (reset), 8.1 LCR, 8.3 baud generator, 8.4 LSR, 8.5 FCR, 8.6 IIR (Table V: interrupt
 * priorities and reset rules), 8.7 IER, 8.8 MCR (loopback wiring), 8.9 MSR, 8.10 SCR,
 * 8.11 FIFO interrupt mode; IBM PC/AT serial adapter (OUT2 gates the IRQ driver).
 *
 * Model choices where the data sheet leaves room (all deterministic):
 *  - A byte written to an idle transmitter moves to the shift register at once (THRE set again
 *    at once in non-FIFO mode; in FIFO mode see the 8.11 B delay below); the byte reaches the
 *    chardev when its last stop bit is out, one character time after it started.
 *  - No parity/framing errors or breaks arrive from a chardev, so PE/FE/BI and LSR bit 7 stay 0;
 *    the parity bit only lengthens the frame, and LCR "set break" is stored but has no effect
 *    (no break is sent to the chardev or looped back).
 *  - Divisor 0 counts as 65536 (the divider is a 16-bit down-counter); power-on divisor 12.
 *  - Reading RBR with nothing received returns the last byte read (the stale RBR).
 *  - Bytes are masked to the LCR word length on both transmit and receive. */
#include "devices/uart16550.h"

#include "emu/log.h"

#define NS_PER_SEC 1000000000ull

static void update_irq(struct uart *u);
static void rx_try_start(struct uart *u, uint64_t t);
static void tx_start(struct uart *u, uint64_t t);

/* ---- timing ------------------------------------------------------------------------------- */

/* Frame length in half bit times: start + 5..8 data + parity + 1, 1.5 (5-bit words) or 2 stop
 * bits [PC16550D 8.1: WLS, STB, PEN]. */
static unsigned frame_halfbits(uint8_t lcr)
{
    unsigned wl = 5 + (lcr & UART_LCR_WLS);
    unsigned hb = 2 * (1 + wl + ((lcr & UART_LCR_PEN) ? 1 : 0));
    if (lcr & UART_LCR_STB)
        hb += wl == 5 ? 3 : 4;
    else
        hb += 2;
    return hb;
}

/* Baud rate = clock / (16 * divisor) [PC16550D 8.3]; a half bit is 8 * divisor clock periods.
 * Rounded up to whole ns. */
static uint64_t halfbits_ns(const struct uart *u, unsigned hb)
{
    uint64_t div = u->divisor ? u->divisor : 65536;
    uint64_t num = (uint64_t)hb * div * 8 * NS_PER_SEC;
    return (num + UART_CLOCK_HZ - 1) / UART_CLOCK_HZ;
}

uint64_t uart_char_ns(const struct uart *u)
{
    if (u->fixed_char_ns) return u->fixed_char_ns;
    return halfbits_ns(u, frame_halfbits(u->lcr));
}

static uint64_t bit_ns(const struct uart *u)
{
    if (u->fixed_char_ns) return u->fixed_char_ns * 2 / frame_halfbits(u->lcr);
    return halfbits_ns(u, 2);
}

static uint8_t word_mask(const struct uart *u) { return (uint8_t)(0xffu >> (3 - (u->lcr & UART_LCR_WLS))); }

static uint64_t now(const struct uart *u) { return clock_ns(u->clk); }

/* ---- status -------------------------------------------------------------------------------- */

static bool thre(const struct uart *u) { return u->tx_count == 0 && !u->thre_delayed; }

/* [PC16550D 8.4] */
static uint8_t lsr_value(const struct uart *u)
{
    uint8_t v = u->lsr_err;
    if (u->rx_count) v |= UART_LSR_DR;
    if (thre(u)) {
        v |= UART_LSR_THRE;
        if (!u->tx_busy) v |= UART_LSR_TEMT; /* THR/FIFO and shift register both empty */
    }
    return v; /* bit 7 (error in RCVR FIFO): no errors are ever queued, see the top */
}

static unsigned rx_capacity(const struct uart *u) { return u->fifo_en ? UART_FIFO_SIZE : 1; }

/* Received data available: non-FIFO: RBR full; FIFO: trigger level reached [PC16550D 8.11 A]. */
static bool rda(const struct uart *u)
{
    static const unsigned trig[4] = {1, 4, 8, 14}; /* FCR7:6 [PC16550D 8.5] */
    if (!u->fifo_en) return u->rx_count > 0;
    return u->rx_count >= trig[u->fcr_trigger & 3];
}

/* Highest-priority enabled interrupt [PC16550D Table V]: line status > received data / character
 * timeout > THR empty > modem status. */
static uint8_t iir_id(const struct uart *u)
{
    if ((u->ier & UART_IER_ELSI) && (u->lsr_err & (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)))
        return UART_IIR_RLS;
    if ((u->ier & UART_IER_ERBFI) && rda(u)) return UART_IIR_RDA;
    if ((u->ier & UART_IER_ERBFI) && u->timeout_pending) return UART_IIR_CTI;
    if ((u->ier & UART_IER_ETBEI) && u->thr_pending) return UART_IIR_THRE;
    if ((u->ier & UART_IER_EDSSI) && (u->msr_delta & 0x0f)) return UART_IIR_MS;
    return UART_IIR_NO_INT;
}

/* The chip's INTRPT output goes to the bus IRQ through a driver enabled by OUT2 (PC serial
 * adapter); in loopback the OUT2 pin is forced inactive [PC16550D 8.8], so no IRQ reaches the
 * PIC even though the chip-internal interrupts keep working. */
static void update_irq(struct uart *u)
{
    bool intr = iir_id(u) != UART_IIR_NO_INT;
    bool level = intr && (u->mcr & UART_MCR_OUT2) && !(u->mcr & UART_MCR_LOOP);
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

/* Modem inputs: outside lines, or in loopback RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD
 * [PC16550D 8.8]. Deltas: DCTS/DDSR/DDCD on any change, TERI when RI goes from 1 to 0
 * [PC16550D 8.9]. */
static void update_lines(struct uart *u)
{
    uint8_t nl;
    if (u->mcr & UART_MCR_LOOP) {
        nl = (uint8_t)(((u->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) | ((u->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
                       ((u->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) | ((u->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0));
    } else {
        nl = u->ext_lines & 0xf0;
    }
    uint8_t ch = u->lines ^ nl;
    if (ch & UART_MSR_CTS) u->msr_delta |= UART_MSR_DCTS;
    if (ch & UART_MSR_DSR) u->msr_delta |= UART_MSR_DDSR;
    if ((u->lines & UART_MSR_RI) && !(nl & UART_MSR_RI)) u->msr_delta |= UART_MSR_TERI;
    if (ch & UART_MSR_DCD) u->msr_delta |= UART_MSR_DDCD;
    u->lines = nl;
}

/* ---- receiver ------------------------------------------------------------------------------ */

static void rx_clear(struct uart *u)
{
    u->rx_head = u->rx_count = 0;
    u->timeout_pending = false;
    timer_del(&u->timeout_timer);
}

/* FIFO mode: the character-timeout counter restarts whenever a character enters or leaves the
 * FIFO; it expires 4 character times later with the FIFO non-empty [PC16550D 8.11]. */
static void timeout_restart(struct uart *u, uint64_t t)
{
    if (u->fifo_en && u->rx_count)
        timer_mod(&u->timeout_timer, t + 4 * uart_char_ns(u));
    else
        timer_del(&u->timeout_timer);
}

/* A complete character leaves the receiver shift register at guest time t. */
static void rx_deliver(struct uart *u, uint8_t b, uint64_t t)
{
    b &= word_mask(u);
    if (u->rx_count >= rx_capacity(u)) {
        /* [PC16550D 8.4 OE]: non-FIFO: the RBR is overwritten; FIFO: the FIFO is kept and the
         * character in the shift register is lost */
        u->lsr_err |= UART_LSR_OE;
        if (!u->fifo_en) u->rx_fifo[u->rx_head] = b;
        LOG(LOG_GUEST_ERRORS, "uart %#x: receiver overrun\n", u->base);
        return;
    }
    u->rx_fifo[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = b;
    u->rx_count++;
    timeout_restart(u, t);
}

/* Takes the next byte from the chardev into the receiver shift register if the line is free,
 * loopback is off (the serial input is disconnected in loopback [PC16550D 8.8]) and the RBR/FIFO
 * has room (flow control: host input is never dropped). The character completes one character
 * time after t. */
static void rx_try_start(struct uart *u, uint64_t t)
{
    if (u->rx_busy || (u->mcr & UART_MCR_LOOP) || !chardev_pending(u->chr)) return;
    if (u->rx_count >= rx_capacity(u)) return;
    uint8_t b;
    if (!chardev_read_byte(u->chr, &b)) return;
    u->rx_busy = true;
    u->rsr = b;
    u->rx_end = t + uart_char_ns(u);
    timer_mod(&u->rx_timer, u->rx_end);
}

static void rx_timer_cb(void *opaque)
{
    struct uart *u = opaque;
    if (!u->rx_busy) return;
    u->rx_busy = false;
    rx_deliver(u, u->rsr, u->rx_end);
    rx_try_start(u, u->rx_end); /* back-to-back characters: no gap on the line */
    update_irq(u);
}

static void timeout_timer_cb(void *opaque)
{
    struct uart *u = opaque;
    if (u->fifo_en && u->rx_count) u->timeout_pending = true;
    update_irq(u);
}

static void input_ready(void *opaque)
{
    struct uart *u = opaque;
    rx_try_start(u, now(u));
}

static uint8_t read_rbr(struct uart *u)
{
    uint8_t v = u->rbr_last;
    if (u->rx_count) {
        v = u->rx_fifo[u->rx_head];
        u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
        u->rx_count--;
        u->rbr_last = v;
    }
    uint64_t t = now(u);
    if (u->fifo_en) {
        u->timeout_pending = false; /* cleared by reading the FIFO [PC16550D Table V] */
        timeout_restart(u, t);
    }
    rx_try_start(u, t);
    return v;
}

/* ---- transmitter --------------------------------------------------------------------------- */

static void set_thre(struct uart *u)
{
    u->thre_delayed = false;
    u->tx_two_bytes = false;
    timer_del(&u->thre_timer);
    u->thr_pending = true; /* THRE interrupt [PC16550D Table V] */
}

static void tx_clear(struct uart *u)
{
    u->tx_head = u->tx_count = 0;
    u->thre_delayed = false;
    u->tx_two_bytes = false;
    timer_del(&u->thre_timer);
}

/* The THR/FIFO just became empty because its byte moved to the shift register at time t.
 * FIFO mode: if the FIFO has not held two bytes at once since THRE was last 1, the empty
 * indication is delayed by one character time less the last stop bit [PC16550D 8.11 B]. */
static void tx_now_empty(struct uart *u, uint64_t t)
{
    if (u->fifo_en && !u->tx_two_bytes) {
        u->thre_delayed = true;
        timer_mod(&u->thre_timer, t + uart_char_ns(u) - bit_ns(u));
    } else {
        set_thre(u);
    }
}

static void tx_start(struct uart *u, uint64_t t)
{
    if (u->tx_busy || !u->tx_count) return;
    u->tsr = u->tx_fifo[u->tx_head];
    u->tx_head = (u->tx_head + 1) % UART_FIFO_SIZE;
    u->tx_count--;
    u->tx_busy = true;
    u->tx_end = t + uart_char_ns(u);
    timer_mod(&u->tx_timer, u->tx_end);
    if (!u->tx_count) tx_now_empty(u, t);
}

static void tx_emit(struct uart *u, uint8_t b)
{
    b &= word_mask(u);
    if (u->mcr & UART_MCR_LOOP) {
        /* transmitter output looped into the receiver [PC16550D 8.8]; the line itself idles */
        rx_deliver(u, b, u->tx_end);
    } else if (u->chr) {
        chardev_write(u->chr, &b, 1);
    }
}

static void tx_timer_cb(void *opaque)
{
    struct uart *u = opaque;
    if (!u->tx_busy) return;
    u->tx_busy = false;
    tx_emit(u, u->tsr);
    if (u->thre_delayed && !u->tx_count) set_thre(u); /* only if char_ns - bit_ns rounded to 0 */
    tx_start(u, u->tx_end);
    update_irq(u);
}

static void thre_timer_cb(void *opaque)
{
    struct uart *u = opaque;
    if (u->thre_delayed && !u->tx_count) set_thre(u);
    update_irq(u);
}

static void write_thr(struct uart *u, uint8_t v)
{
    if (u->fifo_en) {
        if (u->tx_count >= UART_FIFO_SIZE) {
            LOG(LOG_GUEST_ERRORS, "uart %#x: write to a full transmit FIFO, byte lost\n", u->base);
        } else {
            u->tx_fifo[(u->tx_head + u->tx_count) % UART_FIFO_SIZE] = v;
            if (++u->tx_count >= 2) u->tx_two_bytes = true;
        }
    } else if (u->tx_count) {
        LOG(LOG_GUEST_ERRORS, "uart %#x: THR written while full, previous byte lost\n", u->base);
        u->tx_fifo[u->tx_head] = v;
    } else {
        u->tx_fifo[u->tx_head] = v;
        u->tx_count = 1;
    }
    /* a THR write clears the THRE interrupt [PC16550D Table V]; a pending delayed empty
     * indication is moot now that the THR/FIFO holds a byte */
    u->thr_pending = false;
    u->thre_delayed = false;
    timer_del(&u->thre_timer);
    tx_start(u, now(u));
}

/* ---- registers ----------------------------------------------------------------------------- */

static void write_fcr(struct uart *u, uint8_t v)
{
    bool en = v & UART_FCR_ENABLE;
    if (en != u->fifo_en) {
        /* changing FCR0 clears both FIFOs; the first THRE interrupt after it is immediate
         * [PC16550D 8.5, 8.11 B] */
        u->fifo_en = en;
        rx_clear(u);
        tx_clear(u);
        set_thre(u);
    }
    if (en) { /* other bits are only programmed with FCR0 = 1 [PC16550D 8.5] */
        if (v & UART_FCR_RX_RESET) rx_clear(u); /* the shift register is not cleared */
        if (v & UART_FCR_TX_RESET) {
            bool was_full = !thre(u);
            tx_clear(u);
            if (was_full) set_thre(u);
        }
        u->fcr_dma = v & UART_FCR_DMA;
        u->fcr_trigger = v >> 6;
    }
    rx_try_start(u, now(u));
}

static uint8_t reg_read(struct uart *u, unsigned off)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    uint8_t v;
    switch (off) {
    case UART_RBR:
        return dlab ? (uint8_t)u->divisor : read_rbr(u);
    case UART_IER:
        return dlab ? (uint8_t)(u->divisor >> 8) : u->ier;
    case UART_IIR:
        v = iir_id(u);
        /* reading the IIR clears a THRE interrupt it reports [PC16550D Table V] */
        if (v == UART_IIR_THRE) u->thr_pending = false;
        return (uint8_t)(v | (u->fifo_en ? UART_IIR_FIFOS : 0));
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR:
        v = lsr_value(u);
        u->lsr_err = 0; /* OE PE FE BI reset by reading the LSR [PC16550D 8.4] */
        return v;
    case UART_MSR:
        v = (uint8_t)(u->lines | u->msr_delta);
        u->msr_delta = 0; /* deltas reset by reading the MSR [PC16550D 8.9] */
        return v;
    default:
        return u->scr;
    }
}

static void reg_write(struct uart *u, unsigned off, uint8_t v)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (off) {
    case UART_RBR:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0xff00) | v);
        else
            write_thr(u, v);
        break;
    case UART_IER:
        if (dlab) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (v << 8));
        } else {
            v &= 0x0f; /* bits 7:4 are always 0 [PC16550D 8.7] */
            /* enabling ETBEI with the THR empty raises the THRE interrupt (the 16550 latches the
             * rising enable; Linux's serial8250 THRE/TXEN probes rely on it) */
            if (!(u->ier & UART_IER_ETBEI) && (v & UART_IER_ETBEI) && thre(u)) u->thr_pending = true;
            u->ier = v;
        }
        break;
    case UART_IIR:
        write_fcr(u, v);
        break;
    case UART_LCR:
        u->lcr = v;
        break;
    case UART_MCR: {
        uint8_t old = u->mcr;
        u->mcr = v & 0x1f; /* bits 7:5 are always 0 [PC16550D 8.8] */
        update_lines(u);
        if ((old & UART_MCR_LOOP) && !(u->mcr & UART_MCR_LOOP)) rx_try_start(u, now(u));
        break;
    }
    case UART_LSR:
    case UART_MSR:
        /* "intended for read operations only ... factory testing" [PC16550D Table II note] */
        LOG(LOG_GUEST_ERRORS, "uart %#x: write %#x to read-only %s ignored\n", u->base, v,
            off == UART_LSR ? "LSR" : "MSR");
        break;
    default:
        u->scr = v;
        break;
    }
}

/* Wider accesses reach an 8-bit ISA device as consecutive byte cycles. */
uint32_t uart_ioport_read(void *opaque, uint16_t port, unsigned size)
{
    struct uart *u = opaque;
    uint32_t v = 0;
    for (unsigned k = 0; k < size && k < 4; k++) {
        unsigned off = (unsigned)(uint16_t)(port + k - u->base);
        uint8_t b = off < 8 ? reg_read(u, off) : 0xff;
        v |= (uint32_t)b << (8 * k);
    }
    update_irq(u);
    return v;
}

void uart_ioport_write(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct uart *u = opaque;
    for (unsigned k = 0; k < size && k < 4; k++) {
        unsigned off = (unsigned)(uint16_t)(port + k - u->base);
        if (off < 8) reg_write(u, off, (uint8_t)(val >> (8 * k)));
    }
    update_irq(u);
}

static const struct pio_ops uart_ops = {uart_ioport_read, uart_ioport_write};

/* ---- lifecycle ----------------------------------------------------------------------------- */

void uart_reset(struct uart *u)
{
    timer_del(&u->tx_timer);
    timer_del(&u->rx_timer);
    /* [PC16550D Table IV] */
    u->ier = 0;
    u->lcr = 0;
    u->mcr = 0;
    u->fifo_en = false;
    u->fcr_trigger = 0;
    u->fcr_dma = false;
    u->lsr_err = 0;
    rx_clear(u);
    tx_clear(u);
    u->rx_busy = u->tx_busy = false;
    u->thr_pending = false;
    u->lines = u->ext_lines & 0xf0;
    u->msr_delta = 0;
    update_irq(u);
    if (chardev_pending(u->chr)) rx_try_start(u, now(u));
}

bool uart_init(struct uart *u, struct bus *b, struct clock *clk, uint16_t base, struct irq_line irq,
               struct chardev *chr)
{
    *u = (struct uart){0};
    u->clk = clk;
    u->irq = irq;
    u->chr = chr;
    u->base = base;
    u->divisor = 12; /* power-on value is undefined; 9600 baud */
    u->ext_lines = UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
    timer_init(&u->tx_timer, clk, tx_timer_cb, u);
    timer_init(&u->rx_timer, clk, rx_timer_cb, u);
    timer_init(&u->timeout_timer, clk, timeout_timer_cb, u);
    timer_init(&u->thre_timer, clk, thre_timer_cb, u);
    uart_reset(u);
    if (chr) chardev_set_input_handler(chr, input_ready, u);
    return b ? bus_add_pio(b, base, 8, &uart_ops, u) : true;
}

void uart_flush(struct uart *u)
{
    if (!(u->mcr & UART_MCR_LOOP)) {
        if (u->tx_busy) tx_emit(u, u->tsr);
        for (unsigned k = 0; k < u->tx_count; k++) tx_emit(u, u->tx_fifo[(u->tx_head + k) % UART_FIFO_SIZE]);
    }
    u->tx_busy = false;
    timer_del(&u->tx_timer);
    tx_clear(u);
    if (u->chr) chardev_flush(u->chr);
}

void uart_set_modem_lines(struct uart *u, uint8_t lines)
{
    u->ext_lines = lines & 0xf0;
    update_lines(u);
    update_irq(u);
}
