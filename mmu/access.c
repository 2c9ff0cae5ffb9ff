/* Slow memory-access paths: translation with TLB fill, page-crossing and MMIO accesses, alignment
 * checks, implicit supervisor accesses. Part of the CPU library (it raises guest faults).
 */
#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"
#include "mmu/ept.h"
#include "mmu/memmap.h"

static uint64_t walk_read(void *opaque, uint64_t gpa, unsigned size)
{
    return phys_read(opaque, gpa, size);
}
static void walk_write(void *opaque, uint64_t gpa, uint64_t val, unsigned size)
{
    phys_write(opaque, gpa, val, size);
}

/* Self-modifying code: a write that bumped the running block's page stamp ends the block after
 * the current instruction, so the next instruction is decoded from the new bytes. The block is
 * stale anyway (its stamp no longer matches), so the next instruction's handler is replaced by one
 * that leaves the block; the run loop itself does not test anything per instruction. */
static inline void check_smc(struct cpu *c)
{
    if (c->blk_first && *c->blk_stamp != c->blk_stamp_val) {
        struct insn *next = (struct insn *)c->cur + 1;
        if (next < c->blk_end) next->fn = op_leave_block;
    }
}

/* The guest's own page walk under EPT: every paging-structure access is a guest-physical access
 * translated through the EPT (SDM Vol.3C 28.2.2). A failed translation is recorded and the walk
 * sees a not-present entry, which ends it; translate() then takes the EPT exit instead of #PF.
 * With EPT A/D flags on, these accesses count as writes (28.2.3.2). */
struct ept_walk_ctx {
    struct cpu *c;
    bool failed;
    bool apic; /* the entry is on the APIC-access page (SDM Vol.3C 29.4.6.1) */
    struct ept_fail fail;
};
static bool gw_xlate(struct ept_walk_ctx *g, uint64_t gpa, unsigned acc, uint64_t *hpa)
{
    if (g->failed) return false;
    if ((g->c->vmx->f[VF_EPT_POINTER] >> 6) & 1) acc = EPT_W;
    if (vmx_ept_try(g->c, gpa, acc, hpa, &g->fail)) {
        if (likely(!VMX_APIC_ACCESS_HIT(g->c, *hpa))) return true;
        g->apic = true;
        g->fail.gpa = gpa;
    }
    g->failed = true;
    return false;
}
static uint64_t gw_read(void *opaque, uint64_t gpa, unsigned size)
{
    struct ept_walk_ctx *g = opaque;
    uint64_t hpa;
    return gw_xlate(g, gpa, EPT_R, &hpa) ? phys_read(g->c->mem, hpa, size) : 0;
}
static void gw_write(void *opaque, uint64_t gpa, uint64_t val, unsigned size)
{
    struct ept_walk_ctx *g = opaque;
    uint64_t hpa;
    if (gw_xlate(g, gpa, EPT_W, &hpa)) phys_write(g->c->mem, hpa, val, size);
}

static unsigned ept_acc(unsigned acc) { return acc & ACC_FETCH ? EPT_X : acc & ACC_WRITE ? EPT_W : EPT_R; }

static enum paging_mode paging_mode(const struct cpu *c)
{
    if (!(c->cr0 & CR0_PG)) return PG_NONE;
    if (!(c->cr4 & CR4_PAE)) return PG_32;
    return (c->efer & EFER_LMA) ? PG_4LEVEL : PG_PAE;
}

/* Translates lin for acc; fills the TLB entry of the given type when the page is RAM (or ROM for
 * reads and fetches). Returns the guest-physical address. May raise #PF. size and how describe
 * the access for the APIC-access page of a VMX guest (vmx_apic_access). */
static uint64_t translate(struct cpu *c, uint64_t lin, unsigned acc, int type, unsigned size, int how)
{
    uint64_t gpa;
    bool global = false, fill_ok = true;
    unsigned shift = 12; /* log2 of the size of the page lin is in */
    enum paging_mode pm = paging_mode(c);
    bool ept = VMX_EPT_ACTIVE(c);
    if (pm == PG_NONE) {
        gpa = lin & c->a20_mask;
    } else {
        struct walk_params p = {
            .mode = pm,
            .cr3 = c->cr3,
            .wp = (c->cr0 & CR0_WP) != 0,
            .nxe = (c->efer & EFER_NXE) != 0,
            .pse = (c->cr4 & CR4_PSE) != 0,
            .smep = (c->cr4 & CR4_SMEP) != 0,
            .smap = (c->cr4 & CR4_SMAP) != 0,
            .pge = (c->cr4 & CR4_PGE) != 0,
            .ac = (c->rflags & FL_AC) != 0,
            .maxphys = 40,
            .pdpte = pm == PG_PAE ? c->pdpte : NULL,
        };
        struct walk_mem wm = {c->mem, walk_read, walk_write};
        struct ept_walk_ctx g = {c, false, false, {0}};
        if (ept) wm = (struct walk_mem){&g, gw_read, gw_write};
        struct walk_result r;
        uint32_t err;
        bool ok = mmu_walk(&p, &wm, lin, acc, &r, &err);
        if (unlikely(g.failed)) {
            if (g.apic) vmx_apic_access_gpa(c, g.fail.gpa);
            g.fail.lin = lin;
            g.fail.lin_valid = true;
            vmx_ept_exit(c, &g.fail);
        }
        if (!ok) cpu_raise_pf(c, lin, err);
        gpa = r.gpa & c->a20_mask;
        global = r.global;
        shift = (unsigned)__builtin_ctzll(r.page_size);
        /* Supervisor data accesses to user pages under SMAP depend on RFLAGS.AC: never cached. */
        if (!(acc & ACC_USER) && r.user && p.smap) fill_ok = false;
    }
    if (ept) gpa = vmx_ept_gpa(c, gpa, ept_acc(acc), lin, true);
    /* VMX: the APIC-access page is never cached, so every access to it is checked here */
    if (unlikely(VMX_APIC_ACCESS_HIT(c, gpa))) return vmx_apic_access(c, gpa, acc, size, how);
    if (c->dbp_count && cpu_page_has_data_bp(c, lin & ~0xfffull)) fill_ok = false;
    if (type >= 0 && fill_ok) {
        uint8_t *h = phys_host(c->mem, gpa & ~0xfffull, type == TLB_W);
        unsigned u = (acc & ACC_USER) ? 1 : 0;
        if (h && type == TLB_W && c->mem->code[(uint64_t)(h - c->mem->host) >> 12]) h = NULL;
        if (h) {
            uint64_t page = lin & ~0xfffull;
            uintptr_t addend = (uintptr_t)h - (uintptr_t)page;
            if (addend != 0) {
                unsigned k = (lin >> 12) & TLB_MASK;
                c->tlb->e[u][type][k].tag = page;
                c->tlb->e[u][type][k].addend = addend;
                c->tlb->info[u][type][k] = (gpa & ~0xfffull) | (global ? TLBF_GLOBAL : 0) |
                                          (shift > 12 ? (uint64_t)shift << TLBF_SHIFT_POS : 0);
                if (shift > 12) tlb_note_large(c->tlb, lin, shift);
                tlb_log_fill(c->tlb, u, (unsigned)type, k);
            }
        }
    }
    return gpa;
}

uint64_t cpu_read_gpa(struct cpu *c, uint64_t gpa, unsigned size)
{
    if (VMX_EPT_ACTIVE(c)) {
        uint64_t hpa = vmx_ept_gpa(c, gpa, EPT_R, 0, false);
        if (unlikely(VMX_APIC_ACCESS_HIT(c, hpa))) vmx_apic_access_gpa(c, gpa);
        gpa = hpa;
    }
    return phys_read(c->mem, gpa, size);
}

uint64_t mmu_translate(struct cpu *c, uint64_t lin, unsigned acc)
{
    return translate(c, lin, acc, -1, 0, APIC_ACC_NODATA);
}

/* The host address of lin when the TLB holds its page for an access of type ty by the class of
 * acc, else NULL. The fast paths compare tags with the access's alignment folded in, so a
 * misaligned access, or an access whose handler probes before writing, comes here with a page the
 * TLB may well hold. A processor may use a TLB entry for the page number of an access instead
 * of walking (SDM Vol.3A 4.10.3.2): an entry is only filled when its walk set the accessed and,
 * for writes, the dirty flags (4.8), and never for pages every access of which must be looked at
 * (MMIO, the APIC-access page, code pages for writes, pages with data breakpoints). */
static inline uint8_t *tlb_host(struct cpu *c, unsigned ty, uint64_t lin, unsigned acc)
{
    unsigned k = (lin >> 12) & TLB_MASK;
    const struct tlb_entry *e = &c->tlb->e[(acc & ACC_USER) ? 1 : 0][ty][k];
    return e->tag == (lin & ~0xfffull) ? (uint8_t *)(e->addend + (uintptr_t)lin) : NULL;
}

/* #AC: misaligned data access at CPL 3 with CR0.AM and RFLAGS.AC (SDM Vol.3A 6.15, interrupt 17). */
static void check_alignment(struct cpu *c, uint64_t lin, unsigned size, unsigned acc)
{
    if ((acc & ACC_USER) && (lin & (size - 1)) && (c->cr0 & CR0_AM) && (c->rflags & FL_AC))
        cpu_raise(c, EXC_AC, 0);
}

uint64_t mmu_read_slow(struct cpu *c, uint64_t lin, unsigned size, unsigned acc)
{
    check_alignment(c, lin, size, acc);
    if (c->dbp_count) cpu_check_data_bp(c, lin, size, (acc & ACC_WRITE) != 0);
    unsigned first = 0x1000 - (unsigned)(lin & 0xfff);
    if (first >= size) {
        const uint8_t *h = tlb_host(c, (acc & ACC_WRITE) ? TLB_W : TLB_R, lin, acc);
        if (h) {
            uint64_t v = 0;
            memcpy(&v, h, size); /* little-endian host */
            return v;
        }
        uint64_t gpa = translate(c, lin, acc, TLB_R, size, APIC_ACC_READ);
        return phys_read(c->mem, gpa, size);
    }
    /* Page-crossing: translate both pages before reading anything. */
    uint64_t lin2 = (lin + first) & c->lin_mask;
    uint64_t gpa1 = translate(c, lin, acc, TLB_R, 0, APIC_ACC_READ);
    uint64_t gpa2 = translate(c, lin2, acc, TLB_R, 0, APIC_ACC_READ);
    uint64_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        uint64_t g = k < first ? gpa1 + k : gpa2 + (k - first);
        v |= phys_read(c->mem, g, 1) << (8 * k);
    }
    return v;
}

void mmu_write_slow(struct cpu *c, uint64_t lin, unsigned size, uint64_t val, unsigned acc)
{
    check_alignment(c, lin, size, acc);
    if (c->dbp_count) cpu_check_data_bp(c, lin, size, true);
    unsigned first = 0x1000 - (unsigned)(lin & 0xfff);
    if (first >= size) {
        uint8_t *h = tlb_host(c, TLB_W, lin, acc);
        if (h) {
            memcpy(h, &val, size); /* little-endian host; no code on a page the TLB writes */
            return;
        }
        uint64_t gpa = translate(c, lin, acc, TLB_W, size, APIC_ACC_WRITE);
        phys_write(c->mem, gpa, val, size);
        check_smc(c);
        return;
    }
    uint64_t lin2 = (lin + first) & c->lin_mask;
    uint64_t gpa1 = translate(c, lin, acc, TLB_W, 0, APIC_ACC_WRITE);
    uint64_t gpa2 = translate(c, lin2, acc, TLB_W, 0, APIC_ACC_WRITE);
    for (unsigned k = 0; k < size; k++) {
        uint64_t g = k < first ? gpa1 + k : gpa2 + (k - first);
        phys_write(c->mem, g, (val >> (8 * k)) & 0xff, 1);
    }
    check_smc(c);
}

uint64_t seg_read_miss(struct cpu *c, unsigned s, uint64_t lin, unsigned size, unsigned acc)
{
    if (c->mode64 && unlikely(!is_canonical(lin))) cpu_seg_fault(c, s, lin - c->seg[s].eff_base);
    return mmu_read_slow(c, lin, size, acc);
}

void seg_write_miss(struct cpu *c, unsigned s, uint64_t lin, unsigned size, uint64_t val, unsigned acc)
{
    if (c->mode64 && unlikely(!is_canonical(lin))) cpu_seg_fault(c, s, lin - c->seg[s].eff_base);
    mmu_write_slow(c, lin, size, val, acc);
}

void cpu_probe_write(struct cpu *c, unsigned s, uint64_t off, unsigned size)
{
    uint64_t lin = seg_lin(c, s, off, size, SEG_OK_W);
    unsigned acc = ACC_WRITE | (c->tlb_user ? ACC_USER : 0);
    uint64_t last = (lin + size - 1) & c->lin_mask;
    bool cross = (last >> 12) != (lin >> 12);
    if (tlb_host(c, TLB_W, lin, acc) && (!cross || tlb_host(c, TLB_W, last, acc))) return;
    translate(c, lin, acc, -1, cross ? 0 : size, APIC_ACC_PROBE);
    /* a fault on the second page reports that page's first byte in CR2 */
    if (cross) translate(c, last & ~0xfffull, acc, -1, 0, APIC_ACC_PROBE);
}

uint64_t sys_read(struct cpu *c, uint64_t lin, unsigned size)
{
    lin &= c->lin_mask;
    uint64_t v = 0;
    for (unsigned k = 0; k < size;) {
        uint64_t a = (lin + k) & c->lin_mask;
        unsigned chunk = 0x1000 - (unsigned)(a & 0xfff);
        if (chunk > size - k) chunk = size - k;
        uint64_t gpa = translate(c, a, ACC_IMPLICIT, -1, chunk == size ? size : 0, APIC_ACC_READ);
        for (unsigned j = 0; j < chunk; j++) v |= phys_read(c->mem, gpa + j, 1) << (8 * (k + j));
        k += chunk;
    }
    return v;
}

void sys_write(struct cpu *c, uint64_t lin, unsigned size, uint64_t v)
{
    lin &= c->lin_mask;
    uint64_t last = (lin + size - 1) & c->lin_mask;
    bool cross = (last >> 12) != (lin >> 12);
    uint64_t gpa1 = translate(c, lin, ACC_IMPLICIT | ACC_WRITE, -1, cross ? 0 : size, APIC_ACC_WRITE);
    uint64_t gpa2 = cross ? translate(c, last & ~0xfffull, ACC_IMPLICIT | ACC_WRITE, -1, 0, APIC_ACC_WRITE) : 0;
    unsigned first = 0x1000 - (unsigned)(lin & 0xfff);
    for (unsigned k = 0; k < size; k++) {
        uint64_t g = k < first ? gpa1 + k : gpa2 + (k - first);
        phys_write(c->mem, g, (v >> (8 * k)) & 0xff, 1);
    }
    check_smc(c);
}

/* Instruction fetch translation: returns the host pointer of lin's page (or NULL for MMIO) and
 * the guest-physical address. May raise #PF. */
uint8_t *mmu_fetch_page(struct cpu *c, uint64_t lin, uint64_t *gpa_out);
uint8_t *mmu_fetch_page(struct cpu *c, uint64_t lin, uint64_t *gpa_out)
{
    unsigned acc = ACC_FETCH | (c->tlb_user ? ACC_USER : 0);
    const struct tlb_entry *e = &c->tlb_cls[TLB_X][(lin >> 12) & TLB_MASK];
    if (e->tag == (lin & ~0xfffull)) {
        *gpa_out = (c->tlb->info[c->tlb_user][TLB_X][(lin >> 12) & TLB_MASK] & ~0xfffull) | (lin & 0xfff);
        return (uint8_t *)(e->addend + (uintptr_t)lin);
    }
    uint64_t gpa = translate(c, lin, acc, TLB_X, 1, APIC_ACC_READ);
    *gpa_out = gpa;
    return phys_host(c->mem, gpa, false);
}
