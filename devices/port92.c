/* System Control Port A (port 0x92). Intel 82371AB PIIX4 datasheet, "Port 92h": bit 1
 * ALT_A20_GATE (1 = A20 enabled), bit 0 FAST_INIT (a 0 -> 1 transition resets the processor),
 * bits 7:2 reserved. Declared in devices/i8042.h (the other A20/reset source). */
#include "devices/i8042.h"

static uint32_t port92_in(void *opaque, uint16_t port, unsigned size)
{
    const struct port92 *p = opaque;
    return p->val;
}

static void port92_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct port92 *p = opaque;
    uint8_t old = p->val;
    p->val = val & 0x03;
    if (p->set_a20) p->set_a20(p->opaque, p->val & 0x02);
    if ((p->val & 1) && !(old & 1) && p->reset) p->reset(p->opaque);
}

static const struct pio_ops port92_ops = {port92_in, port92_out};

bool port92_init(struct port92 *p, struct bus *b)
{
    p->val = 0; /* PIIX4 default 00h; the trace's first read is 0x00 */
    p->set_a20 = NULL;
    p->reset = NULL;
    p->opaque = NULL;
    return bus_add_pio(b, 0x92, 1, &port92_ops, p);
}

void port92_reset(struct port92 *p) { p->val &= 0x02; }
