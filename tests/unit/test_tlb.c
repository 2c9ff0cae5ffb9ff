/* Unit tests of the TLB flush operations (mmu/tlb.c) on a struct tlb filled by hand: every class
 * (supervisor/user) and access type (R/W/X), global and non-global entries, large-page tracking
 * and the epoch counter that invalidates block chaining.
 *   tlb_flush_all        everything (SDM Vol.3A 4.10.4.1: MOV to CR4 changing PGE, etc.)
 *   tlb_flush_nonglobal  MOV to CR3: non-global entries only (4.10.4.1)
 *   tlb_flush_page       INVLPG: every entry for the page, global or not (4.10.4.1)
 *   tlb_flush_writes     write entries only (a page became a code page)
 *   tlb_set_pcid         a TLB holds one PCID's translations: another PCID drops the non-global
 *                        ones, the same PCID keeps everything (4.10.1, 4.10.2.3-4.10.2.4)
 */
#include "mmu/mmu.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

static struct tlb *t, *ref;

static void setup(void)
{
    t = malloc(sizeof *t);
    ref = malloc(sizeof *ref);
    ck_assert(t && ref);
}

static void teardown(void)
{
    free(t);
    free(ref);
}

/* Linear page cached at index k of class u, type ty: distinct pages per slot, all mapping to k. */
static uint64_t slot_page(unsigned u, unsigned ty, unsigned k)
{
    return ((uint64_t)(u * TLB_TYPES + ty + 1) << (12 + TLB_BITS)) | ((uint64_t)k << 12);
}

/* Fills every slot with a valid entry; global when (k + ty + u) % 3 == 0. */
static void fill_all(void)
{
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++) {
                uint64_t page = slot_page(u, ty, k);
                bool global = (k + ty + u) % 3 == 0;
                t->e[u][ty][k].tag = page;
                t->e[u][ty][k].addend = (uintptr_t)0x7f0000000000ull + k * 0x1000 + ty * 8 + u;
                t->info[u][ty][k] = (0x100000ull + (uint64_t)k * 0x1000) | (global ? TLBF_GLOBAL : 0);
            }
    t->large_shifts = 0;
    memset(t->large_filter, 0, sizeof t->large_filter);
    t->nfill = TLB_FILL_LOG + 1; /* filled behind the fill log's back: flushes clear it all */
    t->ng_exact = false;         /* and the non-global map does not know these entries */
    t->epoch = 41;
    t->gepoch = 17; /* same low bits (the TLB's number) as epoch */
    memset(t->link_filter, 0, sizeof t->link_filter);
    t->link_shifts = 0;
    memcpy(ref, t, sizeof *t);
}

static bool valid(unsigned u, unsigned ty, unsigned k) { return t->e[u][ty][k].tag != TLB_INVALID; }

/* A kept entry is unchanged: tag, addend and info. */
static bool same(unsigned u, unsigned ty, unsigned k)
{
    return t->e[u][ty][k].tag == ref->e[u][ty][k].tag &&
           t->e[u][ty][k].addend == ref->e[u][ty][k].addend && t->info[u][ty][k] == ref->info[u][ty][k];
}

START_TEST(test_flush_all)
{
    fill_all();
    t->large_shifts = 1u << 21;
    tlb_flush_all(t);
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++) {
                CHECK(!valid(u, ty, k), "entry [%u][%u][%u] still valid", u, ty, k);
                CHECK(!(t->info[u][ty][k] & TLBF_GLOBAL), "entry [%u][%u][%u] still global", u, ty, k);
            }
    CHECK(!t->large_shifts, "large-page state not cleared");
    CHECK(t->epoch == 41 + TLB_EPOCH_STEP, "epoch %llu, want 41 + one step", (unsigned long long)t->epoch);
    CHECK(t->gepoch == 17 + TLB_EPOCH_STEP, "global epoch %llu, want 17 + one step", (unsigned long long)t->gepoch);
    /* a lookup with any page-aligned linear address misses (TLB_INVALID has low bits set) */
    CHECK((TLB_INVALID & 0xfff) != 0, "TLB_INVALID could match a page tag");
    tlb_flush_all(t);
    CHECK(t->epoch == 41 + 2 * TLB_EPOCH_STEP, "epoch %llu after a second flush", (unsigned long long)t->epoch);
    CHECK(t->epoch % TLB_EPOCH_STEP == 41 % TLB_EPOCH_STEP, "the TLB's number (low bits) changed");
}
END_TEST

START_TEST(test_flush_nonglobal)
{
    fill_all();
    t->large_shifts = 1u << 21;
    tlb_flush_nonglobal(t);
    unsigned kept = 0;
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++) {
                bool global = ref->info[u][ty][k] & TLBF_GLOBAL;
                if (global) {
                    CHECK(same(u, ty, k), "global entry [%u][%u][%u] changed", u, ty, k);
                    kept++;
                } else {
                    CHECK(!valid(u, ty, k), "non-global entry [%u][%u][%u] kept", u, ty, k);
                }
            }
    CHECK(kept == (2 * TLB_TYPES * TLB_SIZE + 2) / 3, "kept %u", kept);
    CHECK(t->epoch == 41 + TLB_EPOCH_STEP, "epoch %llu, want 41 + one step", (unsigned long long)t->epoch);
    /* links into pages with global translations stay valid */
    CHECK(t->gepoch == 17, "global epoch %llu changed", (unsigned long long)t->gepoch);
    /* entries already invalid stay invalid, even with a stale global flag */
    tlb_flush_all(t);
    t->info[0][TLB_R][5] = TLBF_GLOBAL;
    tlb_flush_nonglobal(t);
    CHECK(!valid(0, TLB_R, 5), "invalid entry became valid");
    CHECK(t->epoch == 41 + 3 * TLB_EPOCH_STEP, "epoch %llu, want 41 + three steps", (unsigned long long)t->epoch);
}
END_TEST

START_TEST(test_set_pcid)
{
    fill_all();
    t->pcid = 5;
    tlb_set_pcid(t, 5); /* the current PCID again: nothing goes, the epoch stays */
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++) CHECK(same(u, ty, k), "entry [%u][%u][%u] changed", u, ty, k);
    CHECK(t->epoch == 41, "epoch %llu changed for the same PCID", (unsigned long long)t->epoch);
    CHECK(t->pcid == 5, "pcid %u", t->pcid);
    tlb_set_pcid(t, 0x123); /* another PCID: PCID 5's non-global translations must not serve it */
    unsigned kept = 0;
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++) {
                if (ref->info[u][ty][k] & TLBF_GLOBAL) {
                    CHECK(same(u, ty, k), "global entry [%u][%u][%u] not shared with the new PCID", u, ty, k);
                    kept++;
                } else {
                    CHECK(!valid(u, ty, k), "PCID 5's entry [%u][%u][%u] kept for PCID 123H", u, ty, k);
                }
            }
    CHECK(kept == (2 * TLB_TYPES * TLB_SIZE + 2) / 3, "kept %u", kept);
    CHECK(t->pcid == 0x123, "pcid %x, want 123H", t->pcid);
    CHECK(t->epoch == 41 + TLB_EPOCH_STEP, "epoch %llu, want 41 + one step", (unsigned long long)t->epoch);
}
END_TEST

/* INVLPG on a page cached in some slots at its index; other pages at the same index (aliases) and
 * at other indices stay. The offset within the page does not matter. */
struct pcase {
    uint64_t page;
    uint64_t offset;
};
static const struct pcase pcases[] = {
    {0x0000000000000000ull, 0},
    {0x0000000000001000ull, 0xfff},
    {0x00000000fffff000ull, 0x123},
    {0x00007ffffffff000ull, 0x800},
    {0xffff800000042000ull, 0x001},
    {0xfffffffffffff000ull, 0xffe},
    {0x0000000012345000ull, 0x678},
};

START_TEST(test_flush_page)
{
    const struct pcase *pc = &pcases[_i];
    fill_all();
    unsigned k = (pc->page >> 12) & TLB_MASK;
    uint64_t alias = pc->page ^ (1ull << (12 + TLB_BITS)); /* same index, other page */
    /* slot (u, ty) holds: the page for ty != TLB_X or u == 0, its alias otherwise; the page's
     * user R entry is global */
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++) {
            bool mine = ty != TLB_X || u == 0;
            t->e[u][ty][k].tag = mine ? pc->page : alias;
            t->info[u][ty][k] = (u == 1 && ty == TLB_R) ? TLBF_GLOBAL | 0x5000 : 0x5000;
        }
    tlb_note_link(t, pc->page + 0x10, 12); /* a block link leads into the page */
    memcpy(ref, t, sizeof *t);
    tlb_flush_page(t, pc->page | pc->offset);
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned kk = 0; kk < TLB_SIZE; kk++) {
                bool mine = kk == k && (ty != TLB_X || u == 0);
                if (mine)
                    CHECK(!valid(u, ty, kk), "page %#llx: entry [%u][%u][%u] kept",
                          (unsigned long long)pc->page, u, ty, kk);
                else
                    CHECK(same(u, ty, kk), "page %#llx: entry [%u][%u][%u] (tag %#llx) changed",
                          (unsigned long long)pc->page, u, ty, kk,
                          (unsigned long long)ref->e[u][ty][kk].tag);
            }
    CHECK(t->epoch == 41 + TLB_EPOCH_STEP, "epoch %llu, want 41 + one step", (unsigned long long)t->epoch);
    CHECK(t->gepoch == 17 + TLB_EPOCH_STEP, "global epoch %llu, want 17 + one step (INVLPG drops global entries too)",
          (unsigned long long)t->gepoch);
    CHECK(!t->large_shifts, "large-page state set");
}
END_TEST

/* INVLPG cuts block links (bumps both epochs) only when the link filter says a link may lead
 * into the page: 4 KiB pages, a 2 MiB page that contains the address, or an unknown page; a bump
 * empties the filter. */
START_TEST(test_flush_page_links)
{
    fill_all();
    tlb_flush_page(t, 0x7000);
    CHECK(t->epoch == 41 && t->gepoch == 17, "no link: epochs %llu/%llu changed", (unsigned long long)t->epoch,
          (unsigned long long)t->gepoch);
    tlb_note_link(t, 0x5123, 12);
    tlb_flush_page(t, 0x6000);
    CHECK(t->epoch == 41, "a link into another page: epoch %llu changed", (unsigned long long)t->epoch);
    tlb_flush_page(t, 0x5fff);
    CHECK(t->epoch == 41 + TLB_EPOCH_STEP && t->gepoch == 17 + TLB_EPOCH_STEP, "link into the page: epochs %llu/%llu",
          (unsigned long long)t->epoch, (unsigned long long)t->gepoch);
    tlb_flush_page(t, 0x5000);
    CHECK(t->epoch == 41 + TLB_EPOCH_STEP, "the bump emptied the filter: epoch %llu", (unsigned long long)t->epoch);
    tlb_note_link(t, 0x40201000, 21); /* in the 2 MiB page at 0x40200000 */
    tlb_flush_page(t, 0x403ff000);
    CHECK(t->epoch == 41 + 2 * TLB_EPOCH_STEP, "INVLPG inside a linked 2 MiB page: epoch %llu",
          (unsigned long long)t->epoch);
    tlb_note_link(t, 0, TLB_LINK_ANY);
    tlb_flush_page(t, 0x12345000);
    CHECK(t->epoch == 41 + 3 * TLB_EPOCH_STEP, "a link of unknown page: epoch %llu", (unsigned long long)t->epoch);
    tlb_note_link(t, 0x5000, 12);
    tlb_flush_nonglobal(t); /* keeps the filter: links into global pages stay and are noted */
    tlb_flush_page(t, 0x5000);
    CHECK(t->gepoch == 17 + 4 * TLB_EPOCH_STEP, "filter kept across a MOV to CR3: gepoch %llu",
          (unsigned long long)t->gepoch);
}
END_TEST

/* With pieces of large pages cached (at any index), INVLPG drops every piece of the large page
 * that holds the address, and the 4 KiB entries for the address itself, and nothing else. Here
 * the (0, W), (0, X) and (1, R) entries are pieces of 2 MiB pages; the address is in the 2 MiB
 * page of the first (0, W) entry, which holds some or all of the (0, W) and (0, X) pieces
 * depending on TLB_BITS; the other slots hold 4 KiB pages. */
START_TEST(test_flush_page_large)
{
    fill_all();
    for (unsigned k = 0; k < TLB_SIZE; k++) {
        t->info[0][TLB_W][k] |= 21ull << TLBF_SHIFT_POS;
        t->info[0][TLB_X][k] |= 21ull << TLBF_SHIFT_POS;
        t->info[1][TLB_R][k] |= 21ull << TLBF_SHIFT_POS;
        tlb_note_large(t, slot_page(0, TLB_W, k), 21);
        tlb_note_large(t, slot_page(0, TLB_X, k), 21);
        tlb_note_large(t, slot_page(1, TLB_R, k), 21);
    }
    uint64_t addr = slot_page(0, TLB_W, 0) | 0x5123, big = addr & ~0x1fffffull;
    tlb_note_link(t, big + 0x1000, 21); /* a block link leads into another piece of it */
    memcpy(ref, t, sizeof *t);
    tlb_flush_page(t, addr);
    unsigned dropped = 0;
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++) {
                bool in_large = u == 0 && (ty == TLB_W || ty == TLB_X) &&
                                (slot_page(u, ty, k) & ~0x1fffffull) == big;
                dropped += in_large;
                if (in_large)
                    CHECK(!valid(u, ty, k), "piece [%u][%u][%u] of the flushed large page kept", u, ty, k);
                else
                    CHECK(same(u, ty, k), "entry [%u][%u][%u] changed", u, ty, k);
            }
    CHECK(dropped >= TLB_SIZE / 2 && dropped <= 2 * TLB_SIZE, "%u pieces in the flushed page", dropped);
    CHECK(t->large_shifts, "large-page state cleared while pieces remain");
    CHECK(t->epoch > 41, "epoch not bumped for a link into the large page");
    /* a 4 KiB page inside a region of large pieces: only its own entries go */
    fill_all();
    for (unsigned k = 0; k < TLB_SIZE; k++) {
        t->info[1][TLB_R][k] |= 21ull << TLBF_SHIFT_POS;
        tlb_note_large(t, slot_page(1, TLB_R, k), 21);
    }
    memcpy(ref, t, sizeof *t);
    tlb_flush_page(t, slot_page(0, TLB_R, 7));
    CHECK(!valid(0, TLB_R, 7), "page not flushed");
    CHECK(same(1, TLB_R, 7) && same(0, TLB_W, 7) && same(0, TLB_R, 8), "neighbours flushed");
}
END_TEST

/* Pieces of one large page of each size (2 MiB, 4 MiB, 1 GiB), cached at scattered slots of
 * [1][R] among 4 KiB entries and noted in the large-page filter as mmu/access.c does: INVLPG of
 * any address inside the page drops every piece and nothing else; INVLPG of an address in
 * another large page of the same size, or of a 4 KiB page elsewhere, drops none of them. */
static const unsigned large_shifts[] = {21, 22, 30};
START_TEST(test_flush_page_large_sizes)
{
    unsigned sh = large_shifts[_i];
    uint64_t big = 0x7f1240000000ull, size = 1ull << sh; /* 1 GiB aligned, so aligned for all */
    for (int round = 0; round < 3; round++) {
        fill_all();
        unsigned pieces = 0;
        for (unsigned n = 0; n < 40; n++) {
            uint64_t lin = big + ((uint64_t)n * 0x9e3779b1u % (size >> 12) << 12);
            unsigned k = (lin >> 12) & TLB_MASK;
            t->e[1][TLB_R][k].tag = lin;
            t->info[1][TLB_R][k] = 0x200000ull | ((uint64_t)sh << TLBF_SHIFT_POS);
            tlb_note_large(t, lin, sh);
        }
        memcpy(ref, t, sizeof *t);
        uint64_t target = round == 0   ? big + size - 0x10   /* inside: last bytes of the page */
                          : round == 1 ? big + size + 0x3000 /* the next page of that size */
                                       : 0x5000;             /* a 4 KiB page elsewhere */
        tlb_flush_page(t, target);
        for (unsigned u = 0; u < 2; u++)
            for (unsigned ty = 0; ty < TLB_TYPES; ty++)
                for (unsigned k = 0; k < TLB_SIZE; k++) {
                    bool piece = TLBF_SHIFT(ref->info[u][ty][k]) == sh;
                    pieces += piece;
                    if (piece && round == 0)
                        CHECK(!valid(u, ty, k), "2^%u piece at [%u][%u][%u] kept", sh, u, ty, k);
                    else if (ref->e[u][ty][k].tag != (target & ~0xfffull))
                        CHECK(same(u, ty, k), "2^%u, round %d: entry [%u][%u][%u] changed", sh,
                              round, u, ty, k);
                }
        CHECK(pieces >= 20, "only %u pieces cached", pieces);
    }
    /* a full flush empties the filter */
    tlb_flush_all(t);
    CHECK(t->large_shifts == 0, "large-page state left after a full flush");
    for (unsigned w = 0; w < TLB_LARGE_FILTER_BITS / 64; w++)
        CHECK(t->large_filter[w] == 0, "filter word %u left set", w);
}
END_TEST

/* Dropping write translations keeps reads and fetches (both classes), global or not. The epoch is
 * not required to change: chained blocks depend on fetch translations only. */
START_TEST(test_flush_writes)
{
    fill_all();
    t->large_shifts = 1u << 21;
    tlb_flush_writes(t);
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++) {
                if (ty == TLB_W)
                    CHECK(!valid(u, ty, k), "write entry [%u][%u] kept", u, k);
                else
                    CHECK(same(u, ty, k), "entry [%u][%u][%u] changed", u, ty, k);
            }
    CHECK(t->large_shifts, "large-page state cleared by a write flush");
    CHECK(t->epoch >= 41, "epoch went backwards");
}
END_TEST

/* The fill log: after a full flush, flushes touch only the logged slots while there are at most
 * TLB_FILL_LOG fills, and every slot beyond that. Whatever the path, no slot filled since the
 * last full flush survives a full flush, and exactly the global ones survive a CR3-style flush. */
static void log_fills(unsigned n, unsigned step)
{
    for (unsigned j = 0; j < n; j++) {
        unsigned u = j & 1, ty = (j / 2) % TLB_TYPES, k = (j * step) & TLB_MASK;
        t->e[u][ty][k].tag = slot_page(u, ty, k);
        t->e[u][ty][k].addend = 0x1000;
        t->info[u][ty][k] = j % 4 == 0 ? TLBF_GLOBAL : 0;
        tlb_log_fill(t, u, ty, k);
    }
}
static unsigned count_valid(void)
{
    unsigned n = 0;
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++) n += valid(u, ty, k);
    return n;
}
START_TEST(test_fill_log)
{
    static const unsigned counts[] = {0, 1, 5, TLB_FILL_LOG - 1, TLB_FILL_LOG, TLB_FILL_LOG + 1, 300};
    fill_all();
    tlb_flush_all(t); /* unknown contents: the whole TLB */
    CHECK(count_valid() == 0, "%u entries survived the first full flush", count_valid());
    for (unsigned c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        unsigned n = counts[c];
        log_fills(n, 7);
        unsigned filled = count_valid();
        CHECK(filled <= n && (n == 0 || filled > 0), "%u fills gave %u entries", n, filled);
        tlb_flush_all(t);
        CHECK(count_valid() == 0, "%u fills: %u entries survived a full flush", n, count_valid());
        CHECK(t->nfill == 0, "fill log not reset");
        /* CR3-style flush: the global ones stay, and a full flush afterwards still clears them */
        log_fills(n, 13);
        unsigned globals = 0;
        for (unsigned u = 0; u < 2; u++)
            for (unsigned ty = 0; ty < TLB_TYPES; ty++)
                for (unsigned k = 0; k < TLB_SIZE; k++)
                    globals += valid(u, ty, k) && (t->info[u][ty][k] & TLBF_GLOBAL);
        tlb_flush_nonglobal(t);
        CHECK(count_valid() == globals, "%u fills: %u entries after a CR3 flush, want the %u global", n,
              count_valid(), globals);
        tlb_flush_all(t);
        CHECK(count_valid() == 0, "%u fills: globals survived a full flush after a CR3 flush", n);
    }
}
END_TEST

static unsigned count_global(void)
{
    unsigned n = 0;
    for (unsigned u = 0; u < 2; u++)
        for (unsigned ty = 0; ty < TLB_TYPES; ty++)
            for (unsigned k = 0; k < TLB_SIZE; k++) n += valid(u, ty, k) && (t->info[u][ty][k] & TLBF_GLOBAL);
    return n;
}

/* After a full flush, a CR3-style flush drops exactly the slots filled with non-global entries
 * since (the non-global map), over several rounds of more fills than the fill log holds, and a
 * slot refilled with a global entry after a non-global one keeps it. */
START_TEST(test_ng_map)
{
    fill_all();
    tlb_flush_all(t);
    log_fills(300, 7);
    unsigned g = count_global();
    CHECK(g > 0 && count_valid() > g, "setup: %u valid, %u global", count_valid(), g);
    tlb_flush_nonglobal(t);
    CHECK(count_valid() == g, "%u entries after the CR3 flush, want the %u global", count_valid(), g);
    log_fills(300, 11);
    g = count_global();
    tlb_flush_nonglobal(t);
    CHECK(count_valid() == g, "second round: %u entries, want the %u global", count_valid(), g);
    tlb_flush_nonglobal(t);
    CHECK(count_valid() == g, "a flush with no fills since: %u entries, want %u", count_valid(), g);
    /* slot [0][R][900]: non-global, then global, no flush between */
    for (unsigned j = 0; j < TLB_FILL_LOG + 1; j++) tlb_log_fill(t, 1, TLB_W, 1000); /* log overflows */
    t->e[0][TLB_R][900].tag = slot_page(0, TLB_R, 900);
    t->info[0][TLB_R][900] = 0;
    tlb_log_fill(t, 0, TLB_R, 900);
    t->info[0][TLB_R][900] = TLBF_GLOBAL;
    tlb_log_fill(t, 0, TLB_R, 900);
    tlb_flush_nonglobal(t);
    CHECK(valid(0, TLB_R, 900), "a slot refilled with a global entry was dropped");
}
END_TEST

static Suite *tlb_suite(void)
{
    Suite *s = suite_create("tlb");
    TCase *tc = tcase_create("flush");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_flush_all);
    tcase_add_test(tc, test_flush_nonglobal);
    tcase_add_test(tc, test_set_pcid);
    tcase_add_loop_test(tc, test_flush_page, 0, sizeof pcases / sizeof pcases[0]);
    tcase_add_test(tc, test_flush_page_links);
    tcase_add_test(tc, test_flush_page_large);
    tcase_add_loop_test(tc, test_flush_page_large_sizes, 0, 3);
    tcase_add_test(tc, test_flush_writes);
    tcase_add_test(tc, test_fill_log);
    tcase_add_test(tc, test_ng_map);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tlb_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("tlb: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
