/* The cache of guest-physical mappings (SDM Vol.3C 28.3.1, 28.3.3). See mmu/ept_cache.h. */
#include "mmu/ept_cache.h"

void eptc_flush_all(struct ept_cache *t)
{
    for (unsigned k = 0; k < EPTC_SIZE; k++) t->e[k].ep4ta = EPTC_NONE;
    t->flushes++;
}

void eptc_flush_ep4ta(struct ept_cache *t, uint64_t ep4ta)
{
    for (unsigned k = 0; k < EPTC_SIZE; k++)
        if (t->e[k].ep4ta == ep4ta) t->e[k].ep4ta = EPTC_NONE;
    t->flushes++;
}

void eptc_flush_gpa(struct ept_cache *t, uint64_t ep4ta, uint64_t gpa)
{
    struct eptc_entry *e = &t->e[eptc_index(ep4ta, gpa)];
    if (e->ep4ta == ep4ta && e->gpage == (gpa & ~0xfffull)) e->ep4ta = EPTC_NONE;
}

void eptc_fill(struct ept_cache *t, uint64_t ep4ta, uint64_t gpa, const struct ept_result *r)
{
    struct eptc_entry *e = &t->e[eptc_index(ep4ta, gpa)];
    e->ep4ta = ep4ta;
    e->gpage = gpa & ~0xfffull;
    e->hinfo = (r->hpa & ~0xfffull) | (r->perms & EPTC_PERMS) | (uint64_t)(r->memtype & 7) << EPTC_MT_POS |
               (r->accessed ? EPTC_A : 0) | (r->dirty ? EPTC_D : 0);
}
