/* The EPT page walker (SDM Vol.3C 28.2). See mmu/ept.h. */
#include "mmu/ept.h"

#define EPTE_LARGE (1ull << 7)
#define EPTE_A (1ull << 8)
#define EPTE_D (1ull << 9)

bool ept_eptp_valid(uint64_t eptp, uint8_t maxphys, bool ad_ok)
{
    unsigned mt = eptp & 7;
    if (mt != 0 && mt != 6) return false;         /* UC and WB are the supported types */
    if (((eptp >> 3) & 7) != 3) return false;      /* 4-level walk */
    if ((eptp & (1ull << 6)) && !ad_ok) return false;
    if (eptp & 0xf80) return false;                /* bits 11:7 reserved */
    if (eptp >> maxphys) return false;
    return true;
}

/* A present entry is misconfigured (SDM Vol.3C 28.2.3.1) when it is write-only or
 * write/execute, execute-only without support, has reserved bits set, or a leaf has a
 * reserved memory type. level: 4 PML4E .. 1 PTE; leaf says the entry maps a page. */
static bool misconfigured(const struct ept_params *p, uint64_t e, int level, bool leaf)
{
    unsigned rwx = e & 7;
    if (rwx == EPT_W || rwx == (EPT_W | EPT_X)) return true;
    if (rwx == EPT_X && !p->exec_only) return true;
    if ((e & ((1ull << 52) - 1)) >> p->maxphys) return true; /* bits 51:N */
    if (!leaf) {
        /* non-leaf: bits 7:3 (PML4E, PDPTE) or 6:3 (PDE) reserved */
        return (e & (level >= 3 ? 0xf8ull : 0x78ull)) != 0;
    }
    unsigned mt = (e >> 3) & 7;
    if (mt == 2 || mt == 3 || mt == 7) return true;
    if (level == 3 && (e & 0x3ffff000ull)) return true; /* 1 GiB page: bits 29:12 */
    if (level == 2 && (e & 0x1ff000ull)) return true;   /* 2 MiB page: bits 20:12 */
    return false;
}

enum ept_status ept_walk(const struct ept_params *p, const struct walk_mem *m, uint64_t gpa,
                         unsigned acc, struct ept_result *r)
{
    uint64_t addr_mask = ((1ull << p->maxphys) - 1) & ~0xfffull;
    bool ad = (p->eptp >> 6) & 1;
    uint64_t table = p->eptp & addr_mask;
    uint64_t ent_addr[4], ent[4];
    unsigned perms = EPT_R | EPT_W | EPT_X;
    int n = 0;
    r->perms = 0;
    r->dirty_set = r->accessed = r->dirty = false;
    for (int level = 4; level >= 1; level--) {
        unsigned shift = 12 + 9 * (unsigned)(level - 1);
        uint64_t ea = table + ((gpa >> shift) & 0x1ff) * 8;
        uint64_t e = m->read(m->opaque, ea, 8);
        if (!(e & 7)) return EPT_VIOLATION; /* not present: perms reported as 0 */
        bool leaf = level == 1 || ((level == 2 || level == 3) && (e & EPTE_LARGE));
        if (level == 4 && (e & EPTE_LARGE)) return EPT_MISCONFIG; /* bit 7 reserved in a PML4E */
        if (misconfigured(p, e, level, leaf)) return EPT_MISCONFIG;
        perms &= (unsigned)e & 7;
        ent_addr[n] = ea;
        ent[n++] = e;
        if (leaf) {
            uint64_t size = 1ull << shift;
            r->perms = perms;
            /* SDM Vol.3C 28.2.3.2: a violation when the access is not allowed by every entry */
            if (!(perms & acc)) return EPT_VIOLATION;
            /* 28.2.4: accessed flags on the path, dirty on the leaf for writes. 28.2.5: when
             * a flag must be set and the caller says none may be (a full page-modification
             * log), none is and the access does not happen. */
            if (ad) {
                uint64_t want[4];
                bool change = false;
                for (int k = 0; k < n; k++) {
                    want[k] = ent[k] | EPTE_A;
                    if (k == n - 1 && (acc & EPT_W)) want[k] |= EPTE_D;
                    change |= want[k] != ent[k];
                }
                if (change && p->ad_blocked) return EPT_AD_BLOCKED;
                for (int k = 0; k < n; k++)
                    if (want[k] != ent[k]) m->write(m->opaque, ent_addr[k], want[k], 8);
                r->dirty_set = (want[n - 1] & ~ent[n - 1] & EPTE_D) != 0;
                r->accessed = true;
                r->dirty = (want[n - 1] & EPTE_D) != 0;
            }
            r->hpa = (e & addr_mask & ~(size - 1)) | (gpa & (size - 1));
            r->page_size = size;
            r->memtype = (unsigned)(e >> 3) & 7;
            return EPT_OK;
        }
        table = e & addr_mask;
    }
    return EPT_VIOLATION; /* not reached */
}
