/* TLB flush operations. Entries are filled in mmu/access.c. */
#include <string.h>

#include "mmu/mmu.h"

/* Slot of fill-log code f */
#define FILL_U(f) (((f) >> TLB_BITS) / TLB_TYPES)
#define FILL_TY(f) (((f) >> TLB_BITS) % TLB_TYPES)
#define FILL_K(f) ((f) & TLB_MASK)

void tlb_flush_all(struct tlb *t)
{
    if (t->nfill <= TLB_FILL_LOG) {
        for (uint32_t n = 0; n < t->nfill; n++) {
            uint32_t f = t->fill[n];
            t->e[FILL_U(f)][FILL_TY(f)][FILL_K(f)].tag = TLB_INVALID;
            t->info[FILL_U(f)][FILL_TY(f)][FILL_K(f)] = 0;
        }
    } else {
        memset(t->e, 0xff, sizeof t->e); /* tag = TLB_INVALID; addend value irrelevant */
        memset(t->info, 0, sizeof t->info);
    }
    t->nfill = 0;
    t->has_large = false;
    t->epoch += TLB_EPOCH_STEP;
}

/* MOV to CR3 without PCID-preservation: drops all non-global translations (SDM Vol.3A 4.10.4.1). */
void tlb_flush_nonglobal(struct tlb *t)
{
    t->epoch += TLB_EPOCH_STEP;
    if (t->nfill <= TLB_FILL_LOG) {
        /* only logged slots can be valid: drop the non-global ones, keep logging the rest */
        uint32_t kept = 0;
        for (uint32_t n = 0; n < t->nfill; n++) {
            uint32_t f = t->fill[n];
            if (t->info[FILL_U(f)][FILL_TY(f)][FILL_K(f)] & TLBF_GLOBAL)
                t->fill[kept++] = f;
            else
                t->e[FILL_U(f)][FILL_TY(f)][FILL_K(f)].tag = TLB_INVALID;
        }
        t->nfill = kept;
        return;
    }
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++)
                if (!(t->info[u][ty][k] & TLBF_GLOBAL)) t->e[u][ty][k].tag = TLB_INVALID;
}

/* INVLPG: every translation for the page, global or not (SDM Vol.3A 4.10.4.1). Entries filled
 * from a large page are 4 KiB pieces of it that may sit at any index, so while such pieces are
 * cached every entry is checked: it goes when the page it was cut from (its size is in info)
 * contains lin. */
void tlb_flush_page(struct tlb *t, uint64_t lin)
{
    unsigned k = (lin >> 12) & TLB_MASK;
    uint64_t tag = lin & ~0xfffull;
    t->epoch += TLB_EPOCH_STEP;
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            if (t->e[u][ty][k].tag == tag) t->e[u][ty][k].tag = TLB_INVALID;
    if (!t->has_large) return;
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned j = 0; j < TLB_SIZE; j++) {
                unsigned sh = TLBF_SHIFT(t->info[u][ty][j]);
                if (sh && ((t->e[u][ty][j].tag ^ lin) >> sh) == 0) t->e[u][ty][j].tag = TLB_INVALID;
            }
}

/* Drops every write translation (a page became a code page). */
void tlb_flush_writes(struct tlb *t)
{
    for (unsigned u = 0; u < 2; u++)
        for (unsigned k = 0; k < TLB_SIZE; k++) t->e[u][TLB_W][k].tag = TLB_INVALID;
}
