/* Control registers (SDM Vol.3A 2.5; Vol.2 MOV—Move to/from Control Registers). */
#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"
#include "cpu/icache.h"
#include "cpu/vmx/vmx.h"
#include "mmu/memmap.h"

void cpu_tlb_flush(struct cpu *c, bool global)
{
    LOG(LOG_MMU, "TLB flush (%s) at %llx\n", global ? "all" : "non-global", (unsigned long long)cpu_insn_rip(c));
    if (global)
        tlb_flush_all(c->tlb);
    else
        tlb_flush_nonglobal(c->tlb);
}

void cpu_tlb_sync_pcid(struct cpu *c)
{
    tlb_set_pcid(c->tlb, (c->cr4 & CR4_PCIDE) ? (uint16_t)(c->cr3 & 0xfff) : 0);
}

/* CR4 bits this CPU implements (writing others is #GP, SDM Vol.3A 2.5). */
uint64_t cpu_cr4_valid(const struct cpu *c)
{
    const struct cpu_model *m = c->model;
    uint64_t v = CR4_TSD | CR4_PSE | CR4_PAE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (m->pge) v |= CR4_PGE;
    if (m->smep) v |= CR4_SMEP;
    if (m->smap) v |= CR4_SMAP;
    if (m->umip) v |= CR4_UMIP;
    if (m->pcid) v |= CR4_PCIDE;
    if (m->fsgsbase && (c->features & FEATURE_BIT(FEAT_FSGSBASE))) v |= CR4_FSGSBASE;
    if (c->features & FEATURE_BIT(FEAT_XSAVE)) v |= CR4_OSXSAVE;
    if (c->features & FEATURE_BIT(FEAT_VMX)) v |= CR4_VMXE;
    return v;
}

/* PAE paging keeps the four PDPTEs in registers, loaded when CR3 is written or when a CR0/CR4
 * write changes the paging mode bits while PAE paging is (or becomes) active; a present PDPTE with
 * reserved bits makes the write fail with #GP(0) (SDM Vol.3A 4.4.1). Returns false on failure,
 * leaving the registers unchanged. */
static bool load_pdptes(struct cpu *c, uint64_t cr0, uint64_t cr3, uint64_t cr4)
{
    if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE) || (c->efer & EFER_LME)) return true;
    uint64_t p[4];
    for (unsigned k = 0; k < 4; k++) p[k] = cpu_read_gpa(c, ((cr3 & 0xffffffe0ull) + 8 * k) & c->a20_mask, 8);
    if (!mmu_pdptes_valid(p, c->model->maxphys)) return false;
    for (unsigned k = 0; k < 4; k++) c->pdpte[k] = p[k];
    return true;
}

void cpu_write_cr(struct cpu *c, unsigned n, uint64_t v)
{
    switch (n) {
    case 0: {
        /* SDM Vol.2 MOV CR0: #GP for reserved bits 63:32, PG without PE, NW without CD */
        if (v >> 32) raise_gp(c, 0);
        v |= CR0_ET; /* ET is hardwired to 1 */
        v &= CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW |
             CR0_CD | CR0_PG;
        if ((v & CR0_PG) && !(v & CR0_PE)) raise_gp(c, 0);
        if ((v & CR0_NW) && !(v & CR0_CD)) raise_gp(c, 0);
        /* SDM Vol.3A 4.10.1, Vol.2 MOV CR: CR0.PG cannot be cleared while CR4.PCIDE = 1 */
        if (!(v & CR0_PG) && (c->cr4 & CR4_PCIDE)) raise_gp(c, 0);
        if (c->vmx && c->vmx->root) {
            /* in VMX operation the CR0 fixed bits cannot change (SDM Vol.3C 23.8); an
             * unrestricted guest may clear PE and PG */
            uint64_t fixed0 = c->vmx->caps.cr0_fixed0;
            if (c->vmx->guest && (c->vmx->proc2 & SEC_UNRESTRICTED_GUEST)) fixed0 &= ~(CR0_PE | CR0_PG);
            if ((v & fixed0) != fixed0) raise_gp(c, 0);
        }
        uint64_t old = c->cr0;
        if (((old ^ v) & (CR0_PG | CR0_CD | CR0_NW)) && !load_pdptes(c, v, c->cr3, c->cr4))
            raise_gp(c, 0);
        if ((v & CR0_PG) && !(old & CR0_PG) && (c->efer & EFER_LME)) {
            /* Activating IA-32e mode (SDM Vol.3A 10.8.5): CR4.PAE required, CS.L must be 0 */
            if (!(c->cr4 & CR4_PAE)) raise_gp(c, 0);
            if (c->seg[SEG_CS].ar & AR_L) raise_gp(c, 0);
            c->efer |= EFER_LMA;
        }
        if (!(v & CR0_PG) && (old & CR0_PG) && (c->efer & EFER_LMA)) {
            /* Leaving IA-32e mode must happen from compatibility mode (SDM Vol.3A 10.8.5.4) */
            if (c->mode64) raise_gp(c, 0);
            c->efer &= ~EFER_LMA;
        }
        c->cr0 = v;
        if ((old ^ v) & (CR0_PG | CR0_WP | CR0_PE)) cpu_tlb_flush(c, true);
        cpu_update_mode(c);
        break;
    }
    case 2: c->cr2 = v; break;
    case 3:
        /* SDM Vol.3A 4.5: in IA-32e mode bits above MAXPHYADDR are reserved (#GP). With
         * CR4.PCIDE, bits 11:0 are the PCID and bit 63 asks not to invalidate that PCID's
         * translations; it is never stored (Vol.3A 4.10.4.1, Vol.2 MOV CR). turtles keeps the
         * translations of the current PCID only, so it always drops the non-global ones:
         * invalidating more than asked is always allowed. */
        if (c->efer & EFER_LMA) {
            if (c->cr4 & CR4_PCIDE) v &= ~(1ull << 63);
            if (v >> c->model->maxphys) raise_gp(c, 0);
        } else {
            v &= 0xffffffffull;
            if (!load_pdptes(c, c->cr0, v, c->cr4)) raise_gp(c, 0);
        }
        c->cr3 = v;
        cpu_tlb_flush(c, false);
        cpu_tlb_sync_pcid(c);
        break;
    case 4: {
        uint64_t old = c->cr4;
        if (v & ~cpu_cr4_valid(c)) raise_gp(c, 0);
        if ((c->efer & EFER_LMA) && !(v & CR4_PAE)) raise_gp(c, 0);
        if (c->vmx && c->vmx->root && !(v & CR4_VMXE)) raise_gp(c, 0); /* SDM Vol.3C 23.8 */
        /* SDM Vol.3A 4.10.1, Vol.2 MOV CR: CR4.PCIDE can be set only in IA-32e mode, and changed
         * from 0 to 1 only while CR3[11:0] = 0 */
        if ((v & CR4_PCIDE) && !(c->efer & EFER_LMA)) raise_gp(c, 0);
        if ((v & CR4_PCIDE) && !(old & CR4_PCIDE) && (c->cr3 & 0xfff)) raise_gp(c, 0);
        if (((old ^ v) & (CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP | CR4_SMAP)) && !load_pdptes(c, c->cr0, c->cr3, v))
            raise_gp(c, 0);
        c->cr4 = v;
        /* 4.10.4.1: clearing PCIDE invalidates everything, global translations included */
        if ((old ^ v) & (CR4_PGE | CR4_PAE | CR4_PSE | CR4_SMEP | CR4_SMAP | CR4_PCIDE))
            cpu_tlb_flush(c, true);
        cpu_tlb_sync_pcid(c);
        cpu_update_mode(c);
        break;
    }
    case 8:
        if (v >> 4) raise_gp(c, 0); /* SDM Vol.3A 10.8.6.1: bits 63:4 reserved */
        c->cr8 = v;
        if (c->apic && c->apic_cr8_set) c->apic_cr8_set(c->apic, (uint8_t)v); /* the TPR */
        break;
    default:
        raise_ud(c);
    }
}

/* The physical memory map changed (PAM, BARs, A20): drop every translation and chain. Decoded
 * blocks are keyed by guest-physical address and check their host page, so they stay valid.
 * Cached guest-physical mappings hold physical addresses, not host pointers, but the EPT paging
 * structures they were read from may now read differently: they go too. */
void cpu_memmap_changed(struct cpu *c)
{
    tlb_flush_all(c->tlb);
    vmx_tlb_drop_saved(c);
    vmx_ept_cache_flush(c);
}
