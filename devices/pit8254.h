/* Intel 8254 programmable interval timer (ports 0x40-0x43) and the PC/AT system control port B
 * (port 0x61: counter 2 gate and speaker enable, counter 2 OUT and refresh toggle status).
 *
 * The counters are clocked at 1.193182 MHz of guest time (machine/clock.h). CLK edge k (k >= 1)
 * happens at the first guest nanosecond t with floor(t * 1193182 / 1e9) >= k, so the number of
 * edges up to time t is exact integer arithmetic on t and never drifts. Counter 0's OUT drives
 * irq0 (edges are delivered by a timer at the exact nanosecond of each transition); counters 0
 * and 1 have GATE tied high; counter 2's GATE is port 0x61 bit 0 and its OUT is read back in bit
 * 5. Never raises, never touches the CPU. */
#ifndef DEVICES_PIT8254_H
#define DEVICES_PIT8254_H

#include "devices/bus.h"
#include "machine/clock.h"

#define PIT_HZ 1193182u

struct pit_counter {
    /* programming */
    uint8_t ctrl;       /* the last control word (status bits 5:0 read it back) */
    uint8_t mode;       /* 0-5 */
    uint8_t rw;         /* 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;
    uint16_t cr;        /* count register (as written) */
    bool cr_valid;      /* a complete count was written since the control word */
    bool wr_msb;        /* rw=3: the next write is the MSB */
    uint8_t wr_lsb;     /* rw=3: LSB held until the MSB arrives */
    bool rd_msb;        /* rw=3: the next read is the MSB */
    bool count_latched; /* output latch frozen by a latch command */
    uint16_t ol;        /* latched count */
    bool status_latched;
    uint8_t status;
    bool gate;
    /* counting element: a run loaded with `val` at CLK edge `base` (see pit8254.c) */
    bool loaded;        /* CE holds a count (else: undefined, reads `hold`) */
    bool counting;      /* decrementing (gate enabled / triggered) */
    bool tc_done;       /* modes 0/1/4/5: terminal count already passed */
    bool out_low_hold;  /* OUT level while the CE is not loaded or is frozen (true = low) */
    uint8_t phase;      /* mode 3: 1 = run starts in the low half */
    uint32_t val;       /* count the run started from (decimal if BCD; 0 = 65536 / 10000) */
    uint64_t base;      /* CLK edge at which the run started */
    uint32_t hold;      /* CE value while not counting */
    /* a load scheduled for a later CLK edge (count write, trigger, mode 2/3 reload) */
    bool pend;
    bool pend_reload;   /* mode 2/3: the load waits for the end of the current cycle */
    uint64_t pend_tick;
    uint32_t pend_val;
    uint8_t pend_phase;
    uint64_t null_until; /* NULL COUNT reads 1 while the edge count is below this */
};

struct pit {
    struct pit_counter ctr[3];
    struct clock *clk;
    struct irq_line irq0;
    struct timer timer;  /* next OUT transition of counter 0 */
    uint64_t evt_tick;   /* the edge the timer is armed for */
    bool out0;           /* irq0 level as last driven */
    uint8_t port61;      /* bits 0-3 as written (gate 2, speaker data, parity/IOCHK enables) */
};

/* Claims ports 0x40-0x43 and 0x61, resets. irq0 receives counter 0's OUT. Returns false if a
 * port is taken. Never raises. */
bool pit_init(struct pit *p, struct bus *b, struct clock *clk, struct irq_line irq0);
/* Power-on state: counters unprogrammed (OUT low, no count), port 0x61 = 0. Never raises. */
void pit_reset(struct pit *p);
/* Counter 2's OUT (port 0x61 bit 5) at the current guest time; for a speaker model. */
bool pit_out2(struct pit *p);

#endif
