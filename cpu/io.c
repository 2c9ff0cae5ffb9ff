/* Port I/O from the CPU side, and virtual time. */
#include "cpu/cpu_priv.h"
#include "devices/bus.h"

/* An access takes the bus time the board gave its port (devices/bus.h), charged after the
 * device has seen it. */
uint32_t cpu_io_in(struct cpu *c, uint16_t port, unsigned size)
{
    uint32_t v = bus_in(c->bus, port, size);
    unsigned ns = bus_pio_time(c->bus, port);
    if (ns) cpu_charge_ns(c, &c->io_ns, ns);
    return v;
}

void cpu_io_out(struct cpu *c, uint16_t port, unsigned size, uint32_t v)
{
    bus_out(c->bus, port, v, size);
    unsigned ns = bus_pio_time(c->bus, port);
    if (ns) cpu_charge_ns(c, &c->io_ns, ns);
}

/* The TSC counts guest nanoseconds (retired instructions plus halted time): deterministic, no
 * host time. */
#include "cpu/vmx/vmx.h"

/* In VMX non-root operation with "use TSC offsetting", RDTSC, RDTSCP and RDMSR of IA32_TSC see
 * the TSC offset added (SDM Vol.3C 25.3). */
uint64_t cpu_tsc(const struct cpu *c)
{
    uint64_t t = cpu_vtime(c) + c->tsc_offset;
    if (unlikely(c->ctx & CTX_VMX) && (c->vmx->proc & CPU_USE_TSC_OFFSETTING)) t += c->vmx->f[VF_TSC_OFFSET];
    return t;
}
