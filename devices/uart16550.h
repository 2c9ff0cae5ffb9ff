/* National Semiconductor PC16550D UART (the PC's COM1-COM4), on the virtual clock.
 *
 * Registers (offset from base; DLAB = LCR bit 7)            [PC16550D Table II]
 *   +0  read RBR / write THR      (DLAB=1: DLL, divisor low)
 *   +1  IER                       (DLAB=1: DLM, divisor high)
 *   +2  read IIR / write FCR
 *   +3  LCR   +4 MCR   +5 LSR   +6 MSR   +7 SCR
 *
 * Timing: the baud clock is 1.8432 MHz / 16 / divisor. One character (start bit, 5-8 data bits,
 * optional parity, 1/1.5/2 stop bits, from LCR) takes a fixed number of guest nanoseconds. The
 * transmitter shifts one character per character time from the THR (or the 16-byte transmit FIFO)
 * and hands it to the chardev when its last stop bit is out; the receiver takes one byte from the
 * chardev's queue when idle, and the byte lands in RBR / the receive FIFO one character time
 * later. Input is flow-controlled: a byte is only taken from the chardev when the RBR / FIFO has
 * room, so host input is never lost to overruns (overruns happen in loopback).
 *
 * The interrupt output reaches the irq_line only when MCR.OUT2 is set and loopback is off (on a PC
 * the OUT2 pin gates the IRQ driver; in loopback the pin is forced inactive). */
#ifndef DEVICES_UART16550_H
#define DEVICES_UART16550_H

#include "devices/bus.h"
#include "devices/chardev.h"
#include "machine/clock.h"

#define UART_COM1_BASE 0x3f8 /* IRQ 4 */
#define UART_COM2_BASE 0x2f8 /* IRQ 3 */
#define UART_COM3_BASE 0x3e8 /* IRQ 4 */
#define UART_COM4_BASE 0x2e8 /* IRQ 3 */

#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ 1843200u /* the PC's crystal: divisor 1 = 115200 baud */

/* register offsets */
#define UART_RBR 0 /* THR on write, DLL with DLAB */
#define UART_IER 1 /* DLM with DLAB */
#define UART_IIR 2 /* FCR on write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

/* IER */
#define UART_IER_ERBFI 0x01 /* received data available (and FIFO character timeout) */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI 0x04  /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */

/* IIR:  7 6   5 4   3 2 1   0
 *      FIFOs  0 0   int ID  no interrupt pending */
#define UART_IIR_NO_INT 0x01
#define UART_IIR_RLS 0x06
#define UART_IIR_RDA 0x04
#define UART_IIR_CTI 0x0c /* character timeout (FIFO mode) */
#define UART_IIR_THRE 0x02
#define UART_IIR_MS 0x00
#define UART_IIR_FIFOS 0xc0

/* FCR:  7 6      5 4  3         2          1          0
 *      RX trigger  -  DMA mode  XMIT reset  RCVR reset FIFO enable */
#define UART_FCR_ENABLE 0x01
#define UART_FCR_RX_RESET 0x02
#define UART_FCR_TX_RESET 0x04
#define UART_FCR_DMA 0x08

/* LCR:  7    6      5           4    3    2     1 0
 *      DLAB break stick-parity EPS  PEN  STB   WLS (5 + n data bits) */
#define UART_LCR_WLS 0x03
#define UART_LCR_STB 0x04
#define UART_LCR_PEN 0x08
#define UART_LCR_BREAK 0x40
#define UART_LCR_DLAB 0x80

/* MCR:  7 6 5   4     3     2     1    0 */
/*       0 0 0  LOOP  OUT2  OUT1  RTS  DTR */
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

/* LSR */
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_RXFE 0x80 /* error in RCVR FIFO */

/* MSR */
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

struct uart {
    /* wiring */
    struct clock *clk;
    struct irq_line irq;
    struct chardev *chr; /* may be NULL: output discarded, no input */
    uint16_t base;
    /* Board knob: if nonzero, every character takes this many ns instead of the baud-rate time
     * (e.g. to make a 9600-baud console fast). 0 (default) = exact timing. */
    uint64_t fixed_char_ns;

    /* registers */
    uint8_t ier, lcr, mcr, scr;
    uint16_t divisor;
    bool fifo_en;        /* FCR0 */
    uint8_t fcr_trigger; /* FCR7:6 */
    bool fcr_dma;        /* FCR3 (only the RXRDY/TXRDY pins; stored) */
    uint8_t lsr_err;     /* OE PE FE BI, cleared by an LSR read */
    uint8_t msr_delta;   /* MSR 3:0, cleared by an MSR read */
    uint8_t lines;       /* current CTS DSR RI DCD as MSR 7:4 */
    uint8_t ext_lines;   /* what the outside world drives on those inputs (as MSR 7:4) */
    uint8_t rbr_last;    /* RBR content when nothing is pending */

    /* receiver */
    uint8_t rx_fifo[UART_FIFO_SIZE]; /* in non-FIFO mode only entry 0 (the RBR) is used */
    unsigned rx_head, rx_count;
    bool rx_busy; /* a character is in the receiver shift register */
    uint8_t rsr;
    uint64_t rx_end; /* guest ns the character in the RSR completes */
    bool timeout_pending;

    /* transmitter */
    uint8_t tx_fifo[UART_FIFO_SIZE]; /* non-FIFO mode: one entry (the THR) */
    unsigned tx_head, tx_count;
    bool tx_busy; /* a character is in the transmitter shift register */
    uint8_t tsr;
    uint64_t tx_end; /* guest ns the character in the TSR has its last stop bit out */
    bool thr_pending;  /* THRE interrupt latched (cleared by IIR read or THR write) */
    bool thre_delayed; /* FIFO mode: empty indication held back (PC16550D 8.11 B) */
    bool tx_two_bytes; /* FIFO held two bytes at once since THRE was last 1 */

    bool irq_level;
    struct timer tx_timer, rx_timer, timeout_timer, thre_timer;
};

/* Claims ports [base, base+8), sets power-on state (divisor 12 = 9600 baud, SCR 0) and resets.
 * irq is the line to the PIC (IRQ4 for COM1/COM3, IRQ3 for COM2/COM4). chr may be NULL.
 * Registers itself as chr's input handler. Returns false if a port is already taken. */
bool uart_init(struct uart *u, struct bus *b, struct clock *clk, uint16_t base, struct irq_line irq,
               struct chardev *chr);
/* Master reset [PC16550D Table IV]: IER, FCR, LCR, MCR cleared, LSR = THRE|TEMT, FIFOs and shift
 * registers cleared, MSR deltas cleared; divisor and SCR unchanged. Lowers the IRQ. */
void uart_reset(struct uart *u);
/* Sends whatever is still in the transmitter (shift register and THR/FIFO) to the chardev at
 * once; for the board at exit, so the last line printed before an exit is not lost. */
void uart_flush(struct uart *u);
/* Sets the external modem inputs (bits UART_MSR_CTS|DSR|RI|DCD); the default is CTS|DSR|DCD
 * (a terminal that is connected). Changes set the MSR delta bits. */
void uart_set_modem_lines(struct uart *u, uint8_t lines);
/* Guest ns one character takes with the current LCR and divisor. */
uint64_t uart_char_ns(const struct uart *u);
/* Port callbacks (exposed for tests; the bus calls them). */
uint32_t uart_ioport_read(void *opaque, uint16_t port, unsigned size);
void uart_ioport_write(void *opaque, uint16_t port, uint32_t val, unsigned size);

#endif
