/* EPT from the CPU side (SDM Vol.3C 28.2, 28.3): translating the guest-physical addresses of a
 * VMX guest, EPT-violation and misconfiguration exits with their qualification (27.2.1 table
 * 27-7), and INVEPT/INVVPID. The walk itself is mmu/ept.c. */
#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"
#include "mmu/ept.h"
#include "mmu/memmap.h"

static uint64_t phys_rd(void *opaque, uint64_t gpa, unsigned size) { return phys_read(opaque, gpa, size); }
static void phys_wr(void *opaque, uint64_t gpa, uint64_t v, unsigned size) { phys_write(opaque, gpa, v, size); }

/* Page-modification logging (SDM Vol.3C 28.2.5): the guest-physical address of an access that
 * set an EPT dirty flag from 0 to 1, bits 11:0 cleared, goes to PML address + 8 * PML index, and
 * the index goes down by 1 (from 0 it wraps to FFFFH, where the log is full). The log is in
 * physical memory, not translated by EPT. */
static void pml_log(struct cpu *c, uint64_t gpa)
{
    struct vmx *x = c->vmx;
    uint16_t idx = (uint16_t)x->f[VF_PML_INDEX];
    phys_write(c->mem, x->f[VF_PML_ADDRESS] + 8ull * idx, gpa & ~0xfffull, 8);
    x->f[VF_PML_INDEX] = (uint16_t)(idx - 1);
}

uint64_t vmx_ep4ta(const struct cpu *c, uint64_t eptp)
{
    return eptp & ((1ull << c->vmx->caps.maxphys) - 1) & ~0xfffull;
}

void vmx_ept_cache_flush(struct cpu *c)
{
    if (c->vmx) eptc_flush_all(&c->vmx->eptc);
}

bool vmx_ept_try(struct cpu *c, uint64_t gpa, unsigned acc, uint64_t *hpa, struct ept_fail *fail)
{
    struct vmx *x = c->vmx;
    uint64_t eptp = x->f[VF_EPT_POINTER];
    uint64_t ep4ta = vmx_ep4ta(c, eptp);
    /* 28.3.1: a cached guest-physical mapping of the current EP4TA; it hits only when the walk
     * would set no accessed or dirty flag (and so log nothing) */
    if (eptc_lookup(&x->eptc, ep4ta, gpa, acc, (eptp >> 6) & 1, hpa)) return true;
    bool pml = (x->proc2 & SEC_ENABLE_PML) != 0;
    /* 28.2.5: before an access that needs an EPT accessed or dirty flag set, a PML index outside
     * 0-511 is a page-modification log-full event: no flag is set and the access does not
     * happen */
    struct ept_params p = {eptp, x->caps.maxphys, (x->caps.ept_vpid & 1) != 0,
                           pml && (uint16_t)x->f[VF_PML_INDEX] > 511};
    struct walk_mem m = {c->mem, phys_rd, phys_wr};
    struct ept_result r;
    enum ept_status st = ept_walk(&p, &m, gpa, acc, &r);
    if (st == EPT_OK) {
        if (pml && r.dirty_set) pml_log(c, gpa);
        eptc_fill(&x->eptc, ep4ta, gpa, &r);
        *hpa = r.hpa;
        return true;
    }
    /* 28.3.3.1: an EPT violation or misconfiguration invalidates the guest-physical mappings of
     * the current EP4TA that would translate the faulting address (a log-full event does not) */
    if (st != EPT_AD_BLOCKED) eptc_flush_gpa(&x->eptc, ep4ta, gpa);
    fail->gpa = gpa;
    fail->acc = acc;
    fail->perms = r.perms;
    fail->misconfig = st == EPT_MISCONFIG;
    fail->pml_full = st == EPT_AD_BLOCKED;
    fail->lin_valid = fail->final = false;
    fail->lin = 0;
    return false;
}

/* Bit 12 of the exit qualification of EPT violations and page-modification log-full events,
 * "NMI unblocking due to IRET" (SDM Vol.3C 27.2.1): set when the access was part of an IRET
 * that found (virtual-)NMI blocking in effect. Such an exit clears that blocking first (27.1).
 * Reported as 0 where the SDM leaves the bit undefined: NMI exiting without virtual NMIs, and
 * exits during event delivery (the IDT-vectoring information is valid). */
static uint64_t iret_nmi_unblock(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (!c->blk_first || !c->cur || c->cur->op != OP_iret || x->deliv_info || !x->iret_nmi_blocked)
        return 0;
    if (x->pin & PIN_VIRTUAL_NMIS)
        x->vnmi_blocked = false;
    else if (x->pin & PIN_NMI_EXITING)
        return 0;
    /* (blocking by NMI itself was cleared by the IRET handler before its first access) */
    return INTR_INFO_NMI_UNBLOCK;
}

NORETURN void vmx_ept_exit(struct cpu *c, const struct ept_fail *f)
{
    struct vmx *x = c->vmx;
    uint64_t qual = 0;
    if (f->pml_full) {
        /* 27.2.1: only bit 12 of the qualification is defined; the guest-physical and
         * guest-linear address fields are undefined for this exit (left alone / 0) */
        qual = iret_nmi_unblock(c);
        LOG(LOG_VMX, "VMX: page-modification log full at gpa=%#llx\n", (unsigned long long)f->gpa);
        x->exit_reason = EXIT_PML_FULL;
    } else {
        x->f[VF_GUEST_PHYSICAL_ADDRESS] = f->gpa;
        x->exit_gla = f->lin;
        x->exit_gla_valid = f->lin_valid;
        if (!f->misconfig) {
            /* 27.2.1 table 27-7: 0 read, 1 write, 2 fetch; 5:3 the permissions of the
             * translation; 7 linear address valid; 8 the access was to the translation of that
             * linear address (1) rather than to a guest paging-structure entry (0); 12 NMI
             * unblocking due to IRET */
            unsigned kind = f->acc & EPT_X ? 4 : f->acc & EPT_W ? 2 : 1;
            qual = kind | (uint64_t)f->perms << 3 | (f->lin_valid ? 1u << 7 : 0) |
                   (f->lin_valid && f->final ? 1u << 8 : 0) | iret_nmi_unblock(c);
        }
        LOG(LOG_VMX, "VMX: EPT %s gpa=%#llx lin=%#llx\n", f->misconfig ? "misconfiguration" : "violation",
            (unsigned long long)f->gpa, (unsigned long long)f->lin);
        x->exit_reason = f->misconfig ? EXIT_EPT_MISCONFIG : EXIT_EPT_VIOLATION;
    }
    x->exit_qual = qual;
    /* the instruction (if any) did not complete; its length is reported as hardware does */
    x->exit_insn = c->blk_first != NULL;
    x->exit_insn_len = c->blk_first && c->cur ? c->cur->len : 0;
    longjmp(c->jb, 3);
}

uint64_t vmx_ept_gpa(struct cpu *c, uint64_t gpa, unsigned acc, uint64_t lin, bool lin_valid)
{
    uint64_t hpa;
    struct ept_fail f;
    if (vmx_ept_try(c, gpa, acc, &hpa, &f)) return hpa;
    f.lin = lin;
    f.lin_valid = lin_valid;
    f.final = true;
    vmx_ept_exit(c, &f);
}

/* INVEPT (SDM Vol.3C 30.3): type 1 single-context (the descriptor's EPTP must be valid), type 2
 * all-context. Combined translations live only in the guest TLB contexts (the host's TLB holds
 * none) and guest-physical ones in the EPT cache (x->eptc): single-context drops the contexts
 * and cached guest-physical mappings of the descriptor's EPT PML4 address (28.3.3.1: mappings
 * are tagged by EP4TA, with any VPID), all-context every context made with EPT and the whole
 * cache. Returns 0 or a VM-instruction error number. */
unsigned vmx_invept(struct cpu *c, uint64_t type, uint64_t desc_lo, uint64_t desc_hi)
{
    struct vmx *x = c->vmx;
    const struct vmx_caps *k = &x->caps;
    (void)desc_hi; /* bits 127:64 are reserved but not checked (30.3 INVEPT) */
    bool single = (k->ept_vpid >> 25) & 1, all = (k->ept_vpid >> 26) & 1;
    if (!((type == 1 && single) || (type == 2 && all))) return VMXERR_INVEPT_INVVPID_OPERAND;
    if (type == 1 && !ept_eptp_valid(desc_lo, k->maxphys, (k->ept_vpid >> 21) & 1))
        return VMXERR_INVEPT_INVVPID_OPERAND;
    for (unsigned n = 0; n < VMX_TLB_SLOTS; n++) {
        struct vmx_tlb_slot *s = &x->tlbs[n];
        if (!s->valid || s->eptp == ~0ull) continue;
        if (type == 2 || ((s->eptp ^ desc_lo) & ~0xfffull) == 0) s->valid = false;
    }
    if (type == 2)
        eptc_flush_all(&x->eptc);
    else
        eptc_flush_ep4ta(&x->eptc, vmx_ep4ta(c, desc_lo));
    return 0;
}

/* INVVPID (SDM Vol.3C 30.3): descriptor bits 63:16 reserved; types 0 (individual address: VPID
 * != 0, canonical address), 1 (single context), 2 (all contexts, every VPID but 0), 3 (single
 * context keeping globals). It runs in root operation, so the contexts it touches are saved
 * ones: type 0 drops the page from the VPID's contexts, 1 drops them, 2 drops all, 3 keeps only
 * their global translations (28.3.3.3). */
unsigned vmx_invvpid(struct cpu *c, uint64_t type, uint64_t desc_lo, uint64_t desc_hi)
{
    struct vmx *x = c->vmx;
    const struct vmx_caps *k = &x->caps;
    if (type > 3 || !((k->ept_vpid >> (40 + type)) & 1)) return VMXERR_INVEPT_INVVPID_OPERAND;
    if (desc_lo >> 16) return VMXERR_INVEPT_INVVPID_OPERAND;
    uint16_t vpid = (uint16_t)desc_lo;
    if (type != 2 && vpid == 0) return VMXERR_INVEPT_INVVPID_OPERAND;
    if (type == 0 && !is_canonical(desc_hi)) return VMXERR_INVEPT_INVVPID_OPERAND;
    for (unsigned n = 0; n < VMX_TLB_SLOTS; n++) {
        struct vmx_tlb_slot *s = &x->tlbs[n];
        if (!s->valid || (type != 2 && s->vpid != vpid)) continue;
        if (type == 0)
            tlb_flush_page(&s->t, desc_hi);
        else if (type == 3)
            tlb_flush_nonglobal(&s->t);
        else
            s->valid = false;
    }
    return 0;
}
