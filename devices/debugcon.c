#include "devices/debugcon.h"

static uint32_t con_in(void *opaque, uint16_t port, unsigned size) { return 0xe9; }
static void con_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct debugcon *d = opaque;
    if (!d->out) return;
    fputc((int)(val & 0xff), d->out);
    if ((val & 0xff) == '\n') fflush(d->out);
}
static const struct pio_ops con_ops = {con_in, con_out};

bool debugcon_init(struct debugcon *d, struct bus *b, uint16_t port, FILE *out)
{
    d->out = out;
    return bus_add_pio(b, port, 1, &con_ops, d);
}

static uint32_t exit_in(void *opaque, uint16_t port, unsigned size) { return 0xffffffffu; }
static void exit_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct debugexit *d = opaque;
    if (d->fired) return;
    d->fired = true;
    d->status = (int)(((val << 1) | 1) & 0xff);
    if (d->notify) d->notify(d->opaque);
}
static const struct pio_ops exit_ops = {exit_in, exit_out};

bool debugexit_init(struct debugexit *d, struct bus *b, uint16_t port)
{
    d->fired = false;
    d->status = 0;
    /* QEMU's isa-debug-exit with iosize 4 claims 4 ports */
    return bus_add_pio(b, port, 4, &exit_ops, d);
}
