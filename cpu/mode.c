/* Mode bookkeeping: recomputes the decode mode key and the derived per-mode values whenever
 * CR0, CR4, EFER, CS or RFLAGS.VM change. */
#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"

void cpu_update_mode(struct cpu *c)
{
    bool lma = (c->efer & EFER_LMA) != 0;
    bool pe = (c->cr0 & CR0_PE) != 0;
    bool vm = pe && (c->rflags & FL_VM) && !lma;
    /* SDM Vol.3A 2.2 / 5.2.1: 64-bit mode = IA-32e mode with CS.L = 1 */
    c->mode64 = lma && (c->seg[SEG_CS].ar & AR_L);
    c->lin_mask = c->mode64 ? ~0ull : 0xffffffffull;
    uint32_t ctx;
    if (c->mode64)
        ctx = CTX_MODE64;
    else if (pe && !vm && (c->seg[SEG_CS].ar & AR_DB))
        ctx = CTX_MODE32;
    else
        ctx = CTX_MODE16;
    if (c->cr0 & CR0_EM) ctx |= CTX_EM;
    if (c->cr0 & CR0_TS) ctx |= CTX_TS;
    if (!(c->cr4 & CR4_OSFXSR)) ctx |= CTX_NOFXSR;
    if (!pe || vm) ctx |= CTX_RMV86;
    if (c->vmx && c->vmx->guest) ctx |= CTX_VMX;
    if (!pe) c->cpl = 0;
    else if (vm) c->cpl = 3;
    c->tlb_user = c->cpl == 3;
    c->tlb_cls = c->tlb->e[c->tlb_user];
    c->ctx = ctx;
    c->chain_key = ctx | (uint32_t)c->tlb_user << 8;
    tlb_sync_mode(c); /* paging mode or (outside 64-bit mode) CS may have changed */
    c->dctx.flags = ctx;
    for (unsigned s = 0; s < 6; s++) seg_update_checks(c, s);
}
