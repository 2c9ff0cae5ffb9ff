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
    memset(t->ng_map, 0, sizeof t->ng_map);
    t->ng_exact = true;
    if (t->large_shifts) {
        memset(t->large_filter, 0, sizeof t->large_filter);
        t->large_shifts = 0;
    }
    tlb_bump_epochs(t);
}

void tlb_bump_epochs(struct tlb *t)
{
    t->epoch += TLB_EPOCH_STEP;
    t->gepoch += TLB_EPOCH_STEP;
    if (t->link_shifts) {
        memset(t->link_filter, 0, sizeof t->link_filter);
        t->link_shifts = 0;
    }
}

/* Whether a block link may lead into the page of lin (tlb_note_link). */
static bool linked_page(const struct tlb *t, uint64_t lin)
{
    if (t->link_shifts & (1u << TLB_LINK_ANY)) return true;
    for (unsigned sh = 12; sh <= 30; sh++) {
        if (!(t->link_shifts & (1u << sh))) continue;
        unsigned h = tlb_large_hash(lin, sh);
        if (t->link_filter[h / 64] & (1ull << (h % 64))) return true;
    }
    return false;
}

/* MOV to CR3 without PCID-preservation: drops all non-global translations (SDM Vol.3A 4.10.4.1).
 * Global ones stay, and so do the block links made through them (gepoch). */
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
        memset(t->ng_map, 0, sizeof t->ng_map);
        return;
    }
    if (t->ng_exact) {
        /* only the slots filled with non-global entries since the map was last emptied */
        for (unsigned w = 0; w < sizeof t->ng_map / sizeof t->ng_map[0]; w++) {
            uint64_t bits = t->ng_map[w];
            t->ng_map[w] = 0;
            while (bits) {
                uint32_t f = w * 64 + (uint32_t)__builtin_ctzll(bits);
                bits &= bits - 1;
                /* the slot may have been refilled with a global entry since */
                if (!(t->info[FILL_U(f)][FILL_TY(f)][FILL_K(f)] & TLBF_GLOBAL))
                    t->e[FILL_U(f)][FILL_TY(f)][FILL_K(f)].tag = TLB_INVALID;
            }
        }
        return;
    }
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++)
                if (!(t->info[u][ty][k] & TLBF_GLOBAL)) t->e[u][ty][k].tag = TLB_INVALID;
    memset(t->ng_map, 0, sizeof t->ng_map);
    t->ng_exact = true;
}

void tlb_set_pcid(struct tlb *t, uint16_t pcid)
{
    if (t->pcid == pcid) return;
    tlb_flush_nonglobal(t);
    t->pcid = pcid;
}

/* Drops the cached pieces of large pages that contain lin, looking at the slots j..j+n-1. */
static void flush_large_pieces(struct tlb *t, uint64_t lin, unsigned j, unsigned n)
{
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned i = 0; i < n; i++) {
                unsigned k = (j + i) & TLB_MASK;
                unsigned sh = TLBF_SHIFT(t->info[u][ty][k]);
                if (sh && ((t->e[u][ty][k].tag ^ lin) >> sh) == 0) t->e[u][ty][k].tag = TLB_INVALID;
            }
}

/* INVLPG: every translation for the page, global or not (SDM Vol.3A 4.10.4.1), and the block
 * links into it. Entries filled
 * from a large page are 4 KiB pieces of it that may sit at any index; they go when the page
 * they were cut from (its size is in info) contains lin. The large-page filter says whether
 * lin's 2 MiB, 4 MiB or 1 GiB page can have pieces cached; only then are slots scanned: the
 * 512 a 2 MiB page's pieces can occupy, or all of them for the larger sizes. */
void tlb_flush_page(struct tlb *t, uint64_t lin)
{
    unsigned k = (lin >> 12) & TLB_MASK;
    uint64_t tag = lin & ~0xfffull;
    /* only links into this page depend on its translation */
    if (linked_page(t, lin)) tlb_bump_epochs(t);
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            if (t->e[u][ty][k].tag == tag) t->e[u][ty][k].tag = TLB_INVALID;
    if (!t->large_shifts) return;
    bool all = false, two_mib = false;
    for (unsigned sh = 21; sh <= 30; sh++) {
        if (!(t->large_shifts & (1u << sh))) continue;
        unsigned h = tlb_large_hash(lin, sh);
        if (!(t->large_filter[h / 64] & (1ull << (h % 64)))) continue;
        if (sh == 21) two_mib = true;
        else all = true;
    }
    if (all)
        flush_large_pieces(t, lin, 0, TLB_SIZE);
    else if (two_mib)
        flush_large_pieces(t, lin, (unsigned)(lin >> 12) & ~511u & TLB_MASK, 512);
}

/* Drops every write translation (a page became a code page). */
void tlb_flush_writes(struct tlb *t)
{
    for (unsigned u = 0; u < 2; u++)
        for (unsigned k = 0; k < TLB_SIZE; k++) t->e[u][TLB_W][k].tag = TLB_INVALID;
}
