#include "devices/bus.h"

#include <stdlib.h>

#include "emu/log.h"

struct bus *bus_create(void) { return calloc(1, sizeof(struct bus)); }
void bus_destroy(struct bus *b) { free(b); }

bool bus_add_pio(struct bus *b, uint16_t base, unsigned count, const struct pio_ops *ops, void *opaque)
{
    for (unsigned k = 0; k < count; k++)
        if (base + k > 0xffff || b->ports[base + k].ops) return false;
    for (unsigned k = 0; k < count; k++) b->ports[base + k] = (struct pio_slot){ops, opaque};
    return true;
}

void bus_set_pio_time(struct bus *b, uint16_t base, unsigned count, unsigned ns)
{
    for (unsigned k = 0; k < count && base + k <= 0xffff; k++) b->pio_ns[base + k] = (uint16_t)(ns > 0xffff ? 0xffff : ns);
}

uint32_t bus_in(struct bus *b, uint16_t port, unsigned size)
{
    const struct pio_slot *s = &b->ports[port];
    uint32_t v;
    if (s->ops && s->ops->in)
        v = s->ops->in(s->opaque, port, size);
    else
        v = 0xffffffffu;
    if (size < 4) v &= (1u << (8 * size)) - 1;
    LOG(LOG_IOPORT, "in%c  %04x -> %x\n", "?bw?l"[size], port, v);
    return v;
}

void bus_out(struct bus *b, uint16_t port, uint32_t val, unsigned size)
{
    const struct pio_slot *s = &b->ports[port];
    LOG(LOG_IOPORT, "out%c %04x <- %x\n", "?bw?l"[size], port, val);
    if (s->ops && s->ops->out) s->ops->out(s->opaque, port, val, size);
}
