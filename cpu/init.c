/* INIT and start-up IPIs (SDM Vol.3A 9.4 MP initialization, 10.1 table 10-1, 11.6.1 ICR
 * delivery modes INIT and Start-Up; Vol.3C 23.8 INIT blocking in VMX root operation, 25.2 INIT
 * and SIPI VM exits).
 *
 * An INIT is latched (init_pending) when the local APIC delivers it and acted on at the next
 * instruction boundary. Outside VMX operation that is the processor INIT below; in VMX non-root
 * operation a VM exit (cpu/vmx/gate.c vmx_check_events); in VMX root operation and in a guest's
 * wait-for-SIPI state it is blocked and stays latched until VMXOFF or a VM entry (into another
 * activity state) makes it visible (cpu_update_init). A SIPI is
 * recognised only in the wait-for-SIPI state and discarded otherwise (9.4.2, Vol.3C 25.2).
 *
 * turtles' one CPU is the bootstrap processor: IA32_APIC_BASE.BSP (bit 8) is set at RESET and
 * read-only (devices/lapic.c lapic_set_base ignores writes to it, as QEMU does), so after INIT
 * it runs from the reset vector. The wait-for-SIPI path is that of an application processor
 * (the BSP flag clear), kept for SMP and reached today through a VM entry with activity state 3.
 */
#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"

/* INIT is blocked in VMX root operation (VMXON executed, not in a guest; Vol.3C 23.8), and in
 * VMX non-root operation by the wait-for-SIPI activity state (26.6.2: it blocks external
 * interrupts, NMIs, INIT and SMIs). Outside VMX, an application processor in wait-for-SIPI
 * takes an INIT (and waits again). */
static bool init_blocked(const struct cpu *c)
{
    return c->vmx && c->vmx->root && (!c->vmx->guest || c->wait_sipi);
}

void cpu_update_init(struct cpu *c)
{
    if (c->sipi_pending || (c->init_pending && !init_blocked(c)))
        c->pending |= PEND_INIT;
    else
        c->pending &= ~PEND_INIT;
}

void cpu_init_signal(struct cpu *c)
{
    c->init_pending = true; /* INIT is an edge: one latch (a second one merges with it) */
    cpu_update_init(c);
    /* an INIT the running instruction sent itself (an ICR write) acts right after it */
    if (c->pending & PEND_INIT) cpu_cut_block(c);
}

void cpu_sipi(struct cpu *c, uint8_t vector)
{
    if (!c->wait_sipi) return; /* not waiting for one: discarded (9.4.2; Vol.3C 25.2) */
    c->sipi_pending = true;
    c->sipi_vector = vector;
    cpu_update_init(c);
}

bool cpu_init_wakes_halt(const struct cpu *c)
{
    return !init_blocked(c);
}

static bool is_bsp(const struct cpu *c)
{
    uint64_t base = c->apic ? c->apic_base_get(c->apic) : c->apic_base;
    return (base >> 8) & 1;
}

/* The processor INIT (table 10-1, column INIT): the registers as after RESET, except that CR0.CD
 * and CR0.NW keep their values (footnote: bit 4 set, the other bits cleared) and that INIT
 * leaves alone the x87 and SSE state (registers, FCW/FSW/FTW, MXCSR), XCR0 and IA32_XSS, the
 * MTRRs, the TSC and every other MSR (IA32_APIC_BASE, PAT, SYSENTER/SYSCALL MSRs,
 * IA32_FEATURE_CONTROL), and memory. A pending NMI is dropped and NMI blocking cleared. The
 * local APIC takes its INIT state (11.4.7.3: the APIC ID and IA32_APIC_BASE kept). An
 * application processor then waits for a SIPI (9.4.2); the BSP starts at FFFFFFF0. */
static void processor_init(struct cpu *c)
{
    LOG(LOG_CPU_RESET, "INIT at %04x:%016llx\n", c->seg[SEG_CS].sel, (unsigned long long)RIP(c));
    c->pending &= PEND_STOP | PEND_TIMER | PEND_INTR; /* the board's requests and the INTR line */
    c->init_pending = c->sipi_pending = false;
    cpu_reset_regs(c, (c->cr0 & (CR0_CD | CR0_NW)) | CR0_ET);
    cpu_update_debug(c);
    c->insn_rip = RIP(c);
    c->cur = NULL;
    if (c->apic && c->apic_init) c->apic_init(c->apic);
    if (!is_bsp(c)) {
        c->wait_sipi = true;
        c->halted = 1;
    }
}

/* A SIPI ends wait-for-SIPI: real mode at VV00:0000, i.e. CS selector VV00H, base 000VV000H
 * (11.6.1 Start-Up; 9.4.4). */
static void sipi_start(struct cpu *c, uint8_t vector)
{
    LOG(LOG_CPU_RESET, "SIPI vector %02x\n", vector);
    c->wait_sipi = false;
    c->halted = 0;
    seg_set_cache(c, &c->seg[SEG_CS], SEG_CS, (uint16_t)(vector << 8), (uint64_t)vector << 12, 0xffff,
                  AR_P | AR_S | 0x3);
    RIP(c) = c->insn_rip = 0;
    c->cur = NULL;
    cpu_update_mode(c);
}

bool cpu_take_init(struct cpu *c)
{
    if (c->ctx & CTX_VMX) return false; /* VMX non-root: VM exits (vmx_check_events) */
    bool done = false;
    if (c->init_pending && !init_blocked(c)) {
        processor_init(c);
        done = true;
    } else if (c->sipi_pending) {
        c->sipi_pending = false;
        if (c->wait_sipi) sipi_start(c, c->sipi_vector);
        done = true;
    }
    cpu_update_init(c);
    return done;
}
