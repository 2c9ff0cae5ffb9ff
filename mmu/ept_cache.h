/* A cache of guest-physical mappings (SDM Vol.3C 28.3.1): translations of guest-physical pages
 * through the EPT, tagged by the EP4TA (EPTP bits N-1:12) they were made under. The processor
 * may keep and use such mappings until they are invalidated (28.3.3.1): by INVEPT, single-
 * context for its EP4TA or all-context for every one, and by an EPT violation or
 * misconfiguration for the mappings of the faulting guest-physical address. It need not notice
 * software changes of the EPT paging structures before that (28.3.3.4 tells software to use
 * INVEPT after them).
 *
 * Direct-mapped, one entry per 4-KByte guest-physical page (a 2-MByte or 1-GByte EPT page is
 * cached piece by piece). An entry keeps what the walk found: the host-physical page, the
 * permissions of the path (EPT_R|W|X of every entry), the leaf's memory type, and, with A/D
 * flags on, whether the walk left every accessed flag and the leaf's dirty flag set.
 *
 *   hinfo:  2:0 permissions  5:3 memory type  6 accessed flags set  7 dirty flag set
 *           63:12 host-physical page
 *
 * A lookup hits only when the full walk would find nothing to do but translate: the cached
 * permissions allow the access (a walk would otherwise report a violation, or find permissions
 * raised since, which software may do without INVEPT), and with A/D on, no accessed or dirty
 * flag needs setting, so no flag write and no page-modification log entry (28.2.5) is ever
 * skipped. Pure: no memory access, never raises.
 */
#ifndef MMU_EPT_CACHE_H
#define MMU_EPT_CACHE_H

#include "mmu/ept.h"

#define EPTC_BITS 10
#define EPTC_SIZE (1u << EPTC_BITS)
#define EPTC_NONE (~0ull) /* ep4ta of an empty entry: never page aligned, so never a key */

#define EPTC_PERMS 7ull
#define EPTC_MT_POS 3
#define EPTC_A (1ull << 6)
#define EPTC_D (1ull << 7)

struct eptc_entry {
    uint64_t ep4ta; /* EPTP bits N-1:12 (bits 11:0 zero), or EPTC_NONE */
    uint64_t gpage; /* guest-physical page (bits 11:0 zero) */
    uint64_t hinfo; /* see above */
};

struct ept_cache {
    struct eptc_entry e[EPTC_SIZE];
    uint64_t lookups, hits; /* for -d stats */
    uint64_t flushes;       /* whole-cache and per-EP4TA invalidations */
};

static inline unsigned eptc_index(uint64_t ep4ta, uint64_t gpa)
{
    return (unsigned)((gpa >> 12) ^ (ep4ta >> 12)) & (EPTC_SIZE - 1);
}

/* Looks up gpa for an access of kind acc (EPT_R, EPT_W or EPT_X) under the EPT whose PML4 table
 * is at ep4ta; ad: A/D flags are enabled in the current EPTP. On a hit sets *hpa and returns
 * true; false means "take the full walk". Never raises. */
static inline bool eptc_lookup(struct ept_cache *t, uint64_t ep4ta, uint64_t gpa, unsigned acc,
                               bool ad, uint64_t *hpa)
{
    const struct eptc_entry *e = &t->e[eptc_index(ep4ta, gpa)];
    t->lookups++;
    if (e->ep4ta != ep4ta || e->gpage != (gpa & ~0xfffull)) return false;
    uint64_t h = e->hinfo;
    if (!(h & acc & EPTC_PERMS)) return false;
    if (ad && (!(h & EPTC_A) || ((acc & EPT_W) && !(h & EPTC_D)))) return false;
    t->hits++;
    *hpa = (h & ~0xfffull) | (gpa & 0xfff);
    return true;
}

/* Empties the cache. Never raises. */
void eptc_flush_all(struct ept_cache *t);
/* Drops the mappings made under ep4ta (INVEPT single-context, SDM Vol.3C 28.3.3.1). */
void eptc_flush_ep4ta(struct ept_cache *t, uint64_t ep4ta);
/* Drops the mapping of gpa's page under ep4ta (an EPT violation or misconfiguration there). */
void eptc_flush_gpa(struct ept_cache *t, uint64_t ep4ta, uint64_t gpa);
/* Records the translation of gpa that a successful walk (EPT_OK) under ep4ta returned in *r.
 * Never raises. */
void eptc_fill(struct ept_cache *t, uint64_t ep4ta, uint64_t gpa, const struct ept_result *r);

#endif
