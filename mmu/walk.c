/* The page walker for 32-bit, PAE and 4-level paging (SDM Vol.3A chapter 4). Pure: it reads and
 * updates paging structures through struct walk_mem and returns a result or a #PF error code.
 */
#include "mmu/mmu.h"

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)

/* #PF error code bits (SDM Vol.3A 4.7) */
#define PF_P 0x01
#define PF_W 0x02
#define PF_U 0x04
#define PF_RSVD 0x08
#define PF_ID 0x10

static uint32_t fault_code(const struct walk_params *p, unsigned acc, uint32_t bits)
{
    uint32_t e = bits;
    if (acc & ACC_WRITE) e |= PF_W;
    if (acc & ACC_USER) e |= PF_U;
    /* I/D is reported only with SMEP, or with PAE/4-level paging and EFER.NXE (SDM Vol.3A 4.7) */
    if ((acc & ACC_FETCH) && (p->smep || (p->mode != PG_32 && p->nxe))) e |= PF_ID;
    return e;
}

bool mmu_walk(const struct walk_params *p, const struct walk_mem *m, uint64_t lin, unsigned acc,
              struct walk_result *r, uint32_t *pf_err)
{
    uint64_t addr_mask = ((1ull << p->maxphys) - 1) & ~0xfffull;
    /* Reserved physical-address bits: above MAXPHYADDR up to bit 51 for 4-level paging, where
     * bits 62:52 are ignored (SDM Vol.3A tables 4-14..4-19); up to bit 62 for PAE paging
     * (tables 4-8..4-11). */
    uint64_t rsvd_hi = ((p->mode == PG_PAE ? 1ull << 63 : 1ull << 52) - 1) & ~((1ull << p->maxphys) - 1);
    uint64_t entries[5], entry_addr[5];
    unsigned levels = 0;
    bool rw = true, us = true, nx = false;
    uint64_t pte, page_size;
    uint64_t gpa;

    if (p->mode == PG_32) {
        /* 32-bit paging: 4 KiB, or 4 MiB pages with CR4.PSE (SDM Vol.3A 4.3) */
        uint64_t pde_addr = (p->cr3 & 0xfffff000ull) | ((lin >> 20) & 0xffc);
        uint64_t pde = m->read(m->opaque, pde_addr, 4);
        if (!(pde & PTE_P)) goto not_present;
        entries[levels] = pde;
        entry_addr[levels++] = pde_addr;
        rw &= !!(pde & PTE_RW);
        us &= !!(pde & PTE_US);
        if ((pde & PTE_PS) && p->pse) {
            /* PSE-36: bits 20:13 give physical bits 39:32; bit 21 reserved (SDM Vol.3A 4.3, table 4-4) */
            uint64_t hi = ((pde >> 13) & 0xff) << 32;
            if ((pde & (1ull << 21)) || (hi & ~((1ull << p->maxphys) - 1))) goto reserved;
            gpa = (pde & 0xffc00000ull) | hi | (lin & 0x3fffff);
            page_size = 4ull << 20;
            pte = pde;
        } else {
            uint64_t pte_addr = (pde & 0xfffff000ull) | ((lin >> 10) & 0xffc);
            pte = m->read(m->opaque, pte_addr, 4);
            if (!(pte & PTE_P)) goto not_present;
            entries[levels] = pte;
            entry_addr[levels++] = pte_addr;
            rw &= !!(pte & PTE_RW);
            us &= !!(pte & PTE_US);
            gpa = (pte & 0xfffff000ull) | (lin & 0xfff);
            page_size = 4096;
        }
    } else {
        /* PAE (SDM Vol.3A 4.4) and 4-level paging (4.5) */
        uint64_t table;
        int level;
        if (p->mode == PG_PAE) {
            /* The PDPTE registers, loaded at MOV CR3/CR0/CR4 time (SDM Vol.3A 4.4.1); when the
             * caller has none, the PDPT in memory. */
            uint64_t pdpte = p->pdpte ? p->pdpte[(lin >> 30) & 3]
                                      : m->read(m->opaque, (p->cr3 & 0xffffffe0ull) + ((lin >> 30) & 3) * 8, 8);
            if (!(pdpte & PTE_P)) goto not_present;
            /* PDPTE reserved bits (SDM Vol.3A 4.4.1, table 4-8): 2:1, 8:5, above MAXPHYADDR */
            if ((pdpte & 0x1e6) || (pdpte & rsvd_hi) || (pdpte & PTE_NX)) goto reserved;
            table = pdpte & addr_mask;
            level = 2;
        } else {
            table = p->cr3 & addr_mask;
            level = 4;
        }
        for (;;) {
            unsigned shift = 12 + 9 * (level - 1);
            uint64_t ea = table + ((lin >> shift) & 0x1ff) * 8;
            uint64_t e = m->read(m->opaque, ea, 8);
            if (!(e & PTE_P)) goto not_present;
            if ((e & rsvd_hi) || ((e & PTE_NX) && !p->nxe)) goto reserved;
            entries[levels] = e;
            entry_addr[levels++] = ea;
            rw &= !!(e & PTE_RW);
            us &= !!(e & PTE_US);
            nx |= p->nxe && (e & PTE_NX);
            if (level == 4 && (e & PTE_PS)) goto reserved; /* PS is reserved in a PML4E */
            if (level == 1 || (e & PTE_PS)) {
                if (level == 3 && (e & PTE_PS)) {
                    /* 1 GiB page: bits 29:13 reserved (SDM Vol.3A table 4-16) */
                    if (e & 0x3fffe000ull) goto reserved;
                } else if (level == 2 && (e & PTE_PS)) {
                    if (e & 0x1fe000ull) goto reserved; /* 2 MiB page: bits 20:13 */
                }
                page_size = 1ull << shift;
                gpa = (e & addr_mask & ~(page_size - 1)) | (lin & (page_size - 1));
                pte = e;
                break;
            }
            table = e & addr_mask;
            level--;
        }
    }

    /* Access rights (SDM Vol.3A 4.6) */
    if (acc & ACC_USER) {
        if (!us) goto protection;
        if ((acc & ACC_WRITE) && !rw) goto protection;
        if ((acc & ACC_FETCH) && nx) goto protection;
    } else {
        if ((acc & ACC_WRITE) && !rw && p->wp) goto protection;
        if ((acc & ACC_FETCH) && nx) goto protection;
        if ((acc & ACC_FETCH) && us && p->smep) goto protection;
        if (!(acc & ACC_FETCH) && us && p->smap && ((acc & ACC_IMPLICIT) || !p->ac)) goto protection;
    }

    /* Accessed and dirty flags (SDM Vol.3A 4.8) */
    for (unsigned k = 0; k < levels; k++) {
        uint64_t e = entries[k];
        uint64_t want = e | PTE_A;
        if (k == levels - 1 && (acc & ACC_WRITE)) want |= PTE_D;
        if (want != e) {
            if (p->mode == PG_32)
                m->write(m->opaque, entry_addr[k], (uint32_t)want, 4);
            else
                m->write(m->opaque, entry_addr[k], want, 8);
        }
    }

    r->gpa = gpa;
    r->page_size = page_size;
    r->global = p->pge && (pte & PTE_G) && levels > 0;
    r->writable = rw;
    r->user = us;
    r->nx = nx;
    r->dirty = (pte & PTE_D) || (acc & ACC_WRITE);
    return true;

not_present:
    *pf_err = fault_code(p, acc, 0);
    return false;
reserved:
    *pf_err = fault_code(p, acc, PF_P | PF_RSVD);
    return false;
protection:
    *pf_err = fault_code(p, acc, PF_P);
    return false;
}

bool mmu_pdptes_valid(const uint64_t pdpte[4], uint8_t maxphys)
{
    uint64_t rsvd = 0x1e6ull | ~((1ull << maxphys) - 1); /* bits 2:1, 8:5, and above MAXPHYADDR */
    for (unsigned k = 0; k < 4; k++)
        if ((pdpte[k] & PTE_P) && (pdpte[k] & rsvd)) return false;
    return true;
}
