/* CPU creation and the power-on / RESET state (SDM Vol.3A 10.1.1, table 10-1). */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"
#include "cpu/icache.h"
#include "cpu/vmx/vmx.h"

const struct op_handlers *cpu_handler_table(void);

struct cpu *cpu_create(const struct cpu_model *model, struct memmap *mem, struct bus *bus)
{
    struct cpu *c = aligned_alloc(64, (sizeof(struct cpu) + 63) & ~(size_t)63);
    if (!c) return NULL;
    memset(c, 0, sizeof *c);
    c->icache = icache_create();
    if (!c->icache) {
        free(c);
        return NULL;
    }
    c->tlb = &c->tlb_host;
    c->tlb_host.nfill = TLB_FILL_LOG + 1; /* zeroed, not flushed: the first flush clears it all */
    c->model = model;
    c->features = model->features;
    c->mem = mem;
    c->bus = bus;
    c->dctx.features = model->features;
    c->dctx.handlers = cpu_handler_table();
    c->dctx.fn_ud = op_ud;
    c->dctx.fn_nm = op_nm;
    c->dctx.fn_gp = op_gp0;
    c->dctx.fn_gate = op_vmx_gate;
    vmx_init(c);
    cpu_rng_seed(c, CPU_RNG_DEFAULT_SEED);
    cpu_reset(c);
    return c;
}

void cpu_destroy(struct cpu *c)
{
    if (!c) return;
    icache_destroy(c->icache);
    free(c->vmx);
    free(c);
}

/* The register state that RESET and INIT both establish (SDM Vol.3A 10.1.1, table 10-1): the
 * general registers (EDX = the processor signature), RIP FFF0 with CS F000 / base FFFF0000, the
 * other segments, GDTR/IDTR/LDTR/TR, CR2-CR4, the debug registers, EFER, and no pending event
 * or blocking. cr0 is the CR0 value to load. The TLBs and decoded blocks are dropped. */
void cpu_reset_regs(struct cpu *c, uint64_t cr0)
{
    memset(c->gpr, 0, sizeof c->gpr);
    c->gpr[2] = c->model->reset_edx; /* EDX = processor signature (family/model/stepping) */
    RIP(c) = 0xfff0;
    c->rflags = FL_FIXED1;
    set_arith_flags(c, 0);
    c->halted = 0;
    c->shutdown = false;
    c->wait_sipi = c->vmx_shutdown = false;
    c->cpl = 0;
    c->cr0 = cr0;
    c->cr2 = c->cr3 = c->cr4 = c->cr8 = 0;
    /* IA32_EFER is not in table 10-1; with CR0.PG = 0 long mode cannot stay active, and it is
     * cleared on INIT as on RESET (KVM and Bochs do the same) */
    c->efer = 0;
    memset(c->dr, 0, sizeof c->dr);
    c->dr[6] = 0xffff0ff0;
    c->dr[7] = 0x400;
    c->gdtr = (struct dtr){0, 0xffff};
    c->idtr = (struct dtr){0, 0xffff};
    c->cur_exc = -1;
    /* CS = F000 with base FFFF0000 (the reset vector is at FFFFFFF0) */
    seg_set_cache(c, &c->seg[SEG_CS], SEG_CS, 0xf000, 0xffff0000ull, 0xffff, AR_P | AR_S | 0x3);
    for (unsigned s = 0; s < 6; s++)
        if (s != SEG_CS) seg_set_cache(c, &c->seg[s], s, 0, 0, 0xffff, AR_P | AR_S | 0x3);
    seg_set_cache(c, &c->ldtr, 0, 0, 0, 0xffff, AR_P | 0x2);
    seg_set_cache(c, &c->tr, 0, 0, 0, 0xffff, AR_P | 0xb);
    c->inhibit_movss = c->nmi_blocked = c->in_shadow = false;
    tlb_flush_all(c->tlb);
    cpu_tlb_sync_pcid(c);
    icache_flush(c->icache);
    cpu_update_mode(c);
}

void cpu_reset(struct cpu *c)
{
    c->pending = 0;
    c->init_pending = c->sipi_pending = false;
    c->xcr0 = 1;
    c->xss = 0;
    c->a20_mask = ~0ull;
    c->star = c->lstar = c->cstar = c->fmask = c->kernel_gs_base = 0;
    c->sysenter_cs = c->sysenter_esp = c->sysenter_eip = 0;
    c->pat = 0x0007040600070406ull;
    c->tsc_offset = 0;
    c->apic_base = 0xfee00000ull | (1ull << 11) | (1ull << 8); /* enabled, BSP */
    c->misc_enable = 1; /* fast-strings */
    c->feature_control = 0;
    vmx_reset(c);
    c->mtrr_def_type = 0;
    memset(c->mtrr_fixed, 0, sizeof c->mtrr_fixed);
    memset(c->mtrr_var, 0, sizeof c->mtrr_var);
    /* x87: FCW 0x40, FSW 0, FTW all empty after RESET (SDM Vol.3A table 10-1) */
    memset(&c->fpu, 0, sizeof c->fpu);
    c->fpu.fcw = 0x40;
    c->fpu.ftw = 0xffff;
    c->mxcsr = 0x1f80;
    memset(c->xmm, 0, sizeof c->xmm);
    cpu_reset_regs(c, CR0_ET | CR0_CD | CR0_NW); /* 0x60000010 */
}
