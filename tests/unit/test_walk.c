/* Unit tests of the pure page walker mmu_walk (mmu/walk.c): page tables are built in a RAM buffer
 * read and written through struct walk_mem callbacks, in every paging format (SDM Vol.3A 4.3 32-bit,
 * 4.4 PAE, 4.5 4-level). Checked: translations (gpa, page size, global), accessed/dirty updates
 * (4.8), reserved bits (tables 4-4..4-20), and the #PF error code (4.7) for every kind of
 * violation, with access rights (4.6) compared against an independent reference model.
 *
 * Cases tagged .bug name an entry of tests/unit/UNIT-FINDINGS.md that the walker does not yet
 * satisfy. They fail like any other case; with TURTLES_UNIT_XFAIL=1 in the environment they are
 * expected failures instead (an unexpected pass is printed as XPASS so the tag can be dropped).
 */
#include "mmu/mmu.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Paging-structure entry bits (SDM Vol.3A 4.3-4.5) */
#define P (1ull << 0)
#define RW (1ull << 1)
#define US (1ull << 2)
#define PWT (1ull << 3)
#define PCD (1ull << 4)
#define A (1ull << 5)
#define D (1ull << 6)
#define PS (1ull << 7)
#define G (1ull << 8)
#define PAT_L (1ull << 12) /* PAT bit of a large-page entry */
#define XD (1ull << 63)
#define B(n) (1ull << (n))

/* #PF error code (SDM Vol.3A 4.7, figure 4-12) */
#define E_P 0x01u
#define E_W 0x02u
#define E_U 0x04u
#define E_RSVD 0x08u
#define E_ID 0x10u

#define K4 0x1000ull
#define M2 0x200000ull
#define M4 0x400000ull
#define G1 0x40000000ull

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

/* ---- guest RAM holding the paging structures ---- */
#define RAM_SIZE 0x10000u
static uint8_t ram[RAM_SIZE];
static unsigned n_writes, n_bad;

static uint64_t ram_read(void *opaque, uint64_t gpa, unsigned size)
{
    (void)opaque;
    uint64_t v = 0;
    if ((size != 4 && size != 8) || (gpa & (size - 1))) n_bad++;
    if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size) return 0; /* open bus: reads as not present */
    memcpy(&v, ram + gpa, size);
    return v;
}

static void ram_write(void *opaque, uint64_t gpa, uint64_t val, unsigned size)
{
    (void)opaque;
    n_writes++;
    if ((size != 4 && size != 8) || (gpa & (size - 1)) || gpa >= RAM_SIZE || RAM_SIZE - gpa < size) {
        n_bad++;
        return;
    }
    memcpy(ram + gpa, &val, size);
}

static const struct walk_mem wmem = {NULL, ram_read, ram_write};

static uint64_t ram_get(uint64_t a, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, ram + a, size);
    return v;
}

/* ---- building one translation chain ---- */
struct chain {
    enum paging_mode mode;
    uint64_t lin;
    unsigned nlev;  /* entries from the top level down to the leaf */
    uint64_t fl[4]; /* non-address bits of each entry, top first (address filled in) */
    uint64_t pa;    /* leaf page base (for a 32-bit 4 MiB page, bits 39:32 go to PDE 20:13) */
};

static uint64_t ent_addr[4], ent_val[4];
static unsigned ent_size, ent_n;

static unsigned top_level(enum paging_mode m) { return m == PG_4LEVEL ? 4 : m == PG_PAE ? 3 : 2; }

static uint64_t entry_index(enum paging_mode m, unsigned level, uint64_t lin)
{
    if (m == PG_32) return level == 2 ? (lin >> 22) & 0x3ff : (lin >> 12) & 0x3ff;
    if (m == PG_PAE && level == 3) return (lin >> 30) & 3;
    return (lin >> (12 + 9 * (level - 1))) & 0x1ff;
}

static uint64_t leaf_size(enum paging_mode m, unsigned level)
{
    return level == 1 ? K4 : level == 2 ? (m == PG_32 ? M4 : M2) : G1;
}

/* Writes the chain into RAM (clearing the previous one) and returns CR3 (with PWT/PCD set, which
 * the walker must ignore). */
static uint64_t build(const struct chain *ch)
{
    for (unsigned k = 0; k < ent_n; k++) memset(ram + ent_addr[k], 0, ent_size);
    unsigned top = top_level(ch->mode);
    ent_size = ch->mode == PG_32 ? 4 : 8;
    ent_n = ch->nlev;
    uint64_t base[4] = {0x1000, 0x2000, 0x3000, 0x4000};
    if (ch->mode == PG_PAE) base[0] = 0x1020; /* CR3 bits 31:5 locate the PDPT (4.4.1) */
    for (unsigned k = 0; k < ch->nlev; k++) {
        unsigned level = top - k;
        uint64_t v = ch->fl[k];
        if (k + 1 < ch->nlev)
            v |= base[k + 1];
        else if (ch->mode == PG_32 && level == 2)
            v |= (ch->pa & 0xffc00000ull) | (((ch->pa >> 32) & 0xff) << 13); /* table 4-4 */
        else
            v |= ch->pa;
        ent_addr[k] = base[k] + entry_index(ch->mode, level, ch->lin) * ent_size;
        ent_val[k] = v;
        memcpy(ram + ent_addr[k], &v, ent_size);
    }
    return base[0] | PWT | PCD;
}

static struct walk_params params(enum paging_mode m)
{
    struct walk_params p = {.mode = m, .maxphys = 40};
    return p;
}

/* The default chain: present, writable, user at every level; large leaf when nlev is short. */
static struct chain mk(enum paging_mode m, unsigned nlev, uint64_t lin, uint64_t pa)
{
    struct chain ch = {.mode = m, .lin = lin, .nlev = nlev, .pa = pa};
    for (unsigned k = 0; k < 4; k++) ch.fl[k] = P | RW | US;
    unsigned leaf_level = top_level(m) - nlev + 1;
    if (leaf_level > 1) ch.fl[nlev - 1] |= PS;
    if (m == PG_PAE) ch.fl[0] = P; /* PDPTE: only P, PWT, PCD are defined (table 4-8) */
    return ch;
}

static const char *mode_name(enum paging_mode m)
{
    return m == PG_32 ? "32-bit" : m == PG_PAE ? "PAE" : m == PG_4LEVEL ? "4-level" : "none";
}

static bool xfail_enabled(void)
{
    const char *e = getenv("TURTLES_UNIT_XFAIL");
    return e && *e && *e != '0';
}

/* ============================ translations ============================ */

struct xcase {
    enum paging_mode mode;
    unsigned nlev;
    uint64_t lin, pa;
    uint64_t leaf_extra; /* extra leaf bits (PAT, ignored bits) that must not affect the gpa */
    uint8_t maxphys;
    bool pse;
};

static const struct xcase xcases[] = {
    /* 32-bit paging, 4 KiB (SDM Vol.3A 4.3, tables 4-5/4-6) */
    {PG_32, 2, 0x00000000, 0x00000000, 0, 40, false},
    {PG_32, 2, 0x12345678, 0xabcde000, 0, 40, false},
    {PG_32, 2, 0xfffff123, 0xfffff000, B(7) | B(9) | B(11), 40, true}, /* PAT bit 7, ignored 11:9 */
    {PG_32, 2, 0x80400fff, 0x00001000, 0, 32, false},
    /* 32-bit paging, 4 MiB pages with PSE-36 (table 4-4) */
    {PG_32, 1, 0x00000000, 0x00000000, 0, 40, true},
    {PG_32, 1, 0x12345678, 0x12c00000, 0, 32, true},
    {PG_32, 1, 0xffc01234, 0xf5ffc00000ull, PAT_L, 40, true}, /* bits 39:32 = 0xf5, PAT ignored */
    {PG_32, 1, 0x803fffff, 0xf00400000ull, 0, 36, true},    /* bits 35:32 with MAXPHYADDR 36 */
    /* PAE (4.4): 4 KiB and 2 MiB */
    {PG_PAE, 3, 0x00000000, 0x00000000, 0, 40, false},
    {PG_PAE, 3, 0xc0123456, 0xfedcba9000ull, B(7) | B(9) | B(11), 40, false}, /* PAT, ignored 11:9 */
    {PG_PAE, 3, 0x7fffffff, 0x000fffff000ull, 0, 40, false},
    {PG_PAE, 2, 0x40321abc, 0xabc00000ull & ~(M2 - 1), 0, 40, false},
    {PG_PAE, 2, 0xffffffff, 0xffffe00000ull, PAT_L, 40, false},
    /* 4-level (4.5): 4 KiB, 2 MiB, 1 GiB */
    {PG_4LEVEL, 4, 0x0000000000000000ull, 0x0, 0, 40, false},
    {PG_4LEVEL, 4, 0x00007fffdeadbeefull, 0x123456000ull, B(7) | B(52) | B(58) | B(62), 40, false},
    {PG_4LEVEL, 4, 0xffff800000001234ull, 0xfffffff000ull, 0, 40, false},
    {PG_4LEVEL, 4, 0xffffffffffffffffull, 0xffffffffff000ull, 0, 52, false},
    {PG_4LEVEL, 3, 0x00007f0012345678ull, 0x3456600000ull, PAT_L, 40, false},
    {PG_4LEVEL, 3, 0xffff8000001fffffull, 0xffffe00000ull, B(55), 40, false},
    {PG_4LEVEL, 2, 0x00000040abcdef01ull, 0x80c0000000ull, PAT_L | B(61), 40, false},
    {PG_4LEVEL, 2, 0xffffffffffffffffull, 0xfffffc0000000ull, 0, 52, false},
};

static void check_translation(const struct xcase *x, unsigned acc, bool pge, bool leaf_g)
{
    struct chain ch = mk(x->mode, x->nlev, x->lin, x->pa);
    ch.fl[x->nlev - 1] |= x->leaf_extra | (leaf_g ? G : 0);
    struct walk_params p = params(x->mode);
    p.cr3 = build(&ch);
    p.maxphys = x->maxphys;
    p.pse = x->pse || x->mode != PG_32;
    p.pge = pge;
    p.nxe = true;
    struct walk_result r;
    uint32_t err = 0xdead;
    n_bad = 0;
    bool ok = mmu_walk(&p, &wmem, x->lin, acc, &r, &err);
    unsigned leaf_level = top_level(x->mode) - x->nlev + 1;
    uint64_t size = leaf_size(x->mode, leaf_level);
    uint64_t want = x->pa + (x->lin & (size - 1));
    if (x->mode != PG_4LEVEL) want = x->pa + (x->lin & 0xffffffffull & (size - 1));
    CHECK(ok, "%s lin %#llx acc %#x: faulted with %#x", mode_name(x->mode),
          (unsigned long long)x->lin, acc, err);
    CHECK(r.gpa == want, "%s lin %#llx: gpa %#llx, want %#llx", mode_name(x->mode),
          (unsigned long long)x->lin, (unsigned long long)r.gpa, (unsigned long long)want);
    CHECK(r.page_size == size, "%s lin %#llx: page size %#llx, want %#llx", mode_name(x->mode),
          (unsigned long long)x->lin, (unsigned long long)r.page_size, (unsigned long long)size);
    CHECK(r.global == (pge && leaf_g), "%s lin %#llx: global %d (pge %d, G %d)", mode_name(x->mode),
          (unsigned long long)x->lin, r.global, pge, leaf_g);
    CHECK(r.writable && r.user && !r.nx, "%s: rights w%d u%d nx%d", mode_name(x->mode), r.writable,
          r.user, r.nx);
    CHECK(n_bad == 0, "bad RAM access (size, alignment or range)");
    /* A/D (SDM Vol.3A 4.8): A on every entry used; D only on the leaf, only for writes; PAE PDPTEs
     * have no A bit (bit 5 reserved, table 4-8) and are not written. */
    for (unsigned k = 0; k < x->nlev; k++) {
        uint64_t got = ram_get(ent_addr[k], ent_size);
        uint64_t exp = ent_val[k];
        if (!(x->mode == PG_PAE && k == 0)) exp |= A;
        if (k == x->nlev - 1 && (acc & ACC_WRITE)) exp |= D;
        CHECK(got == exp, "%s lin %#llx acc %#x: entry %u is %#llx, want %#llx", mode_name(x->mode),
              (unsigned long long)x->lin, acc, k, (unsigned long long)got, (unsigned long long)exp);
    }
    CHECK(r.dirty == !!(acc & ACC_WRITE), "dirty %d for acc %#x", r.dirty, acc);
}

START_TEST(test_translate)
{
    const struct xcase *x = &xcases[_i];
    static const unsigned accs[] = {0, ACC_WRITE, ACC_FETCH, ACC_USER, ACC_USER | ACC_WRITE,
                                    ACC_USER | ACC_FETCH};
    for (unsigned a = 0; a < ARRAY_SIZE(accs); a++) check_translation(x, accs[a], false, false);
    check_translation(x, 0, true, false);
    check_translation(x, 0, false, true);
    check_translation(x, ACC_WRITE, true, true);
}
END_TEST

/* CR4.PSE = 0: PS in a 32-bit PDE is ignored, the PDE references a page table (SDM Vol.3A 4.3). */
START_TEST(test_pse_off)
{
    struct chain ch = mk(PG_32, 2, 0x00c01234, 0x7654000);
    ch.fl[0] |= PS;
    struct walk_params p = params(PG_32);
    p.cr3 = build(&ch);
    struct walk_result r;
    uint32_t err;
    CHECK(mmu_walk(&p, &wmem, ch.lin, 0, &r, &err), "PSE off: faulted %#x", err);
    CHECK(r.gpa == 0x7654234 && r.page_size == K4, "PSE off: gpa %#llx size %#llx",
          (unsigned long long)r.gpa, (unsigned long long)r.page_size);
    CHECK(ram_get(ent_addr[1], 4) == (ent_val[1] | A), "PSE off: PTE accessed");
}
END_TEST

/* Two translations sharing upper levels: A is set on the shared entries, D only on the written
 * leaf; an already dirty leaf stays dirty on a read; D never set on non-leaf entries. */
START_TEST(test_ad_sticky)
{
    struct chain ch = mk(PG_4LEVEL, 4, 0x1000, 0x5000);
    ch.fl[3] |= A | D;
    struct walk_params p = params(PG_4LEVEL);
    p.cr3 = build(&ch);
    struct walk_result r;
    uint32_t err;
    CHECK(mmu_walk(&p, &wmem, ch.lin, 0, &r, &err), "read faulted");
    CHECK(r.dirty, "leaf with D reports dirty on read");
    CHECK(ram_get(ent_addr[3], 8) == ent_val[3], "leaf A/D kept");
    for (unsigned k = 0; k < 3; k++)
        CHECK(ram_get(ent_addr[k], 8) == (ent_val[k] | A), "level %u A only", k);
    /* a write: non-leaf entries never get D */
    CHECK(mmu_walk(&p, &wmem, ch.lin, ACC_WRITE, &r, &err), "write faulted");
    for (unsigned k = 0; k < 3; k++)
        CHECK(!(ram_get(ent_addr[k], 8) & D), "level %u has D after a write", k);
    /* everything already set: a walk writes nothing */
    n_writes = 0;
    CHECK(mmu_walk(&p, &wmem, ch.lin, ACC_WRITE, &r, &err), "write faulted");
    CHECK(n_writes == 0, "%u writes when A/D were already set", n_writes);
    /* 32-bit entries are written as 4 bytes (the next entry must survive) */
    struct chain c32 = mk(PG_32, 2, 0x00401000, 0x9000);
    p = params(PG_32);
    p.cr3 = build(&c32);
    uint32_t neighbour = 0xfffffffe;
    memcpy(ram + ent_addr[1] + 4, &neighbour, 4);
    CHECK(mmu_walk(&p, &wmem, c32.lin, ACC_WRITE, &r, &err), "32-bit write faulted");
    CHECK(ram_get(ent_addr[1] + 4, 4) == neighbour, "32-bit A/D write clobbered the next PTE");
    CHECK(ram_get(ent_addr[1], 4) == (ent_val[1] | A | D), "32-bit PTE A|D");
    memset(ram + ent_addr[1] + 4, 0, 4);
}
END_TEST

/* Faulting walks set no A/D bit (as implemented). The SDM (Vol.3A 4.8) requires A only on entries
 * "used as part of linear-address translation"; for a translation that faults it does not say
 * whether A is set on the upper entries that were read, so the emulator sets nothing. */
START_TEST(test_ad_on_fault)
{
    static const enum paging_mode modes[] = {PG_32, PG_PAE, PG_4LEVEL};
    for (unsigned mi = 0; mi < 3; mi++) {
        enum paging_mode m = modes[mi];
        unsigned n = top_level(m);
        for (unsigned kind = 0; kind < 3; kind++) {
            struct chain ch = mk(m, n, 0x00403000, 0x8000);
            struct walk_params p = params(m);
            unsigned acc = ACC_WRITE | ACC_USER;
            if (kind == 0) ch.fl[n - 1] &= ~P;        /* not present leaf */
            if (kind == 1) ch.fl[n - 1] &= ~RW;       /* protection */
            if (kind == 2 && m != PG_32) ch.fl[n - 1] |= XD; /* reserved (NXE = 0) */
            if (kind == 2 && m == PG_32) { ch.nlev = 1; ch.fl[0] |= PS | B(21); ch.pa = 0; p.pse = true; }
            p.cr3 = build(&ch);
            struct walk_result r;
            uint32_t err;
            CHECK(!mmu_walk(&p, &wmem, ch.lin, acc, &r, &err), "%s kind %u: no fault", mode_name(m),
                  kind);
            for (unsigned k = 0; k < ch.nlev; k++)
                CHECK(ram_get(ent_addr[k], ent_size) == ent_val[k],
                      "%s fault kind %u: entry %u changed to %#llx", mode_name(m), kind, k,
                      (unsigned long long)ram_get(ent_addr[k], ent_size));
        }
    }
}
END_TEST

/* ============================ not present ============================ */

/* Clearing P at any level faults with P=0 in the error code, whatever the other bits hold (all
 * other bits ignored: tables 4-6, 4-8, 4-20 "not present" formats). */
START_TEST(test_not_present)
{
    static const struct { enum paging_mode m; unsigned n; } shapes[] = {
        {PG_32, 2}, {PG_32, 1}, {PG_PAE, 3}, {PG_PAE, 2}, {PG_4LEVEL, 4}, {PG_4LEVEL, 3}, {PG_4LEVEL, 2}};
    static const unsigned accs[] = {0, ACC_WRITE, ACC_USER, ACC_USER | ACC_WRITE, ACC_FETCH,
                                    ACC_USER | ACC_FETCH, ACC_IMPLICIT, ACC_IMPLICIT | ACC_WRITE};
    for (unsigned s = 0; s < ARRAY_SIZE(shapes); s++)
        for (unsigned k = 0; k < shapes[s].n; k++)
            for (unsigned junk = 0; junk < 2; junk++)
                for (unsigned a = 0; a < ARRAY_SIZE(accs); a++)
                    for (unsigned f = 0; f < 4; f++) { /* smep, nxe */
                        enum paging_mode m = shapes[s].m;
                        struct chain ch = mk(m, shapes[s].n, 0x7fc03000, 0x6000);
                        ch.fl[k] &= ~P;
                        if (junk) ch.fl[k] |= (m == PG_32 ? 0xfffffffeull & 0xffe : 0xfff0000000000ffeull);
                        struct walk_params p = params(m);
                        p.pse = true;
                        p.smep = f & 1;
                        p.nxe = f & 2;
                        p.cr3 = build(&ch);
                        struct walk_result r;
                        uint32_t err = 0xdead;
                        unsigned acc = accs[a];
                        uint32_t want = (acc & ACC_WRITE ? E_W : 0) | (acc & ACC_USER ? E_U : 0);
                        if ((acc & ACC_FETCH) && (p.smep || (m != PG_32 && p.nxe))) want |= E_ID;
                        bool ok = mmu_walk(&p, &wmem, ch.lin, acc, &r, &err);
                        CHECK(!ok && err == want,
                              "%s nlev %u: P=0 at entry %u junk %u acc %#x smep %d nxe %d: %s err %#x, want %#x",
                              mode_name(m), ch.nlev, k, junk, acc, p.smep, p.nxe,
                              ok ? "no fault" : "fault", err, want);
                    }
}
END_TEST

/* ============================ reserved bits ============================ */

struct rcase {
    const char *what;
    enum paging_mode mode;
    unsigned nlev, k; /* chain shape and the entry receiving the bits */
    uint64_t bits;
    uint8_t maxphys;
    bool nxe;
    bool rsvd; /* expected: reserved-bit fault (else the translation succeeds) */
    const char *bug;
};

static const struct rcase rcases[] = {
    /* 32-bit paging, 4 MiB page: bit 21 and bits 20:(M-19) (table 4-4, M = min(MAXPHYADDR, 40)) */
    {"32 4M bit 21", PG_32, 1, 0, B(21), 40, false, true, NULL},
    {"32 4M bit 21 M=32", PG_32, 1, 0, B(21), 32, false, true, NULL},
    {"32 4M PA bit 32 with M=32", PG_32, 1, 0, B(13), 32, false, true, NULL},
    {"32 4M PA bit 35 with M=36", PG_32, 1, 0, B(16), 36, false, false, NULL},
    {"32 4M PA bit 36 with M=36", PG_32, 1, 0, B(17), 36, false, true, NULL},
    {"32 4M PA bit 39 with M=40", PG_32, 1, 0, B(20), 40, false, false, NULL},
    {"32 4M PA bit 39 with M=46", PG_32, 1, 0, B(20), 46, false, false, NULL},
    {"32 4M PAT", PG_32, 1, 0, PAT_L, 32, false, false, NULL},
    {"32 PDE ignored bits", PG_32, 2, 0, B(6) | B(8) | B(9) | B(10) | B(11), 32, false, false, NULL},
    {"32 PTE all low bits", PG_32, 2, 1, 0xff8, 32, false, false, NULL},
    /* PAE PDPTE (table 4-8): 2:1, 8:5, 63:M reserved */
    {"PAE PDPTE bit 1", PG_PAE, 3, 0, B(1), 40, true, true, NULL},
    {"PAE PDPTE bit 2", PG_PAE, 3, 0, B(2), 40, true, true, NULL},
    {"PAE PDPTE bit 5", PG_PAE, 3, 0, B(5), 40, true, true, NULL},
    {"PAE PDPTE bit 6", PG_PAE, 3, 0, B(6), 40, true, true, NULL},
    {"PAE PDPTE bit 7", PG_PAE, 3, 0, B(7), 40, true, true, NULL},
    {"PAE PDPTE bit 8", PG_PAE, 3, 0, B(8), 40, true, true, NULL},
    {"PAE PDPTE bit 63 NXE=1", PG_PAE, 3, 0, XD, 40, true, true, NULL},
    {"PAE PDPTE bit 63 NXE=0", PG_PAE, 3, 0, XD, 40, false, true, NULL},
    {"PAE PDPTE bit 40 M=40", PG_PAE, 3, 0, B(40), 40, false, true, NULL},
    {"PAE PDPTE bit 51 M=40", PG_PAE, 3, 0, B(51), 40, false, true, NULL},
    {"PAE PDPTE bit 52", PG_PAE, 3, 0, B(52), 40, false, true, "F1"},
    {"PAE PDPTE bit 62", PG_PAE, 3, 0, B(62), 40, false, true, "F1"},
    {"PAE PDPTE PWT/PCD/ignored", PG_PAE, 3, 0, PWT | PCD | B(9) | B(10) | B(11), 40, false, false, NULL},
    /* PAE PDE/PTE (tables 4-9..4-11): 62:M reserved, 63 reserved unless NXE, 2M: 20:13 */
    {"PAE PDE bit 63 NXE=0", PG_PAE, 3, 1, XD, 40, false, true, NULL},
    {"PAE PTE bit 63 NXE=0", PG_PAE, 3, 2, XD, 40, false, true, NULL},
    {"PAE PTE bit 63 NXE=1", PG_PAE, 3, 2, XD, 40, true, false, NULL},
    {"PAE PDE bit 36 M=36", PG_PAE, 3, 1, B(36), 36, false, true, NULL},
    {"PAE PTE bit 39 M=36", PG_PAE, 3, 2, B(39), 36, false, true, NULL},
    {"PAE PTE bit 35 M=36", PG_PAE, 3, 2, B(35), 36, false, false, NULL},
    {"PAE PTE bit 52", PG_PAE, 3, 2, B(52), 40, false, true, "F1"},
    {"PAE PDE bit 55", PG_PAE, 3, 1, B(55), 40, false, true, "F1"},
    {"PAE PTE bit 62", PG_PAE, 3, 2, B(62), 40, true, true, "F1"},
    {"PAE 2M bit 13", PG_PAE, 2, 1, B(13), 40, false, true, NULL},
    {"PAE 2M bit 20", PG_PAE, 2, 1, B(20), 40, false, true, NULL},
    {"PAE 2M PAT", PG_PAE, 2, 1, PAT_L, 40, false, false, NULL},
    {"PAE 2M bit 58", PG_PAE, 2, 1, B(58), 40, false, true, "F1"},
    {"PAE 2M bit 63 NXE=0", PG_PAE, 2, 1, XD, 40, false, true, NULL},
    /* 4-level (tables 4-14..4-20): 51:M reserved; 62:52 ignored (PK ignored with CR4.PKE=0);
     * 63 reserved unless NXE; PS reserved in a PML4E; 1G: 29:13; 2M: 20:13 */
    {"4L PML4E PS", PG_4LEVEL, 4, 0, PS, 40, false, true, NULL},
    {"4L PML4E bit 40 M=40", PG_4LEVEL, 4, 0, B(40), 40, false, true, NULL},
    {"4L PML4E bit 51 M=40", PG_4LEVEL, 4, 0, B(51), 40, false, true, NULL},
    {"4L PDPTE bit 46 M=46", PG_4LEVEL, 4, 1, B(46), 46, false, true, NULL},
    {"4L PDE bit 36 M=36", PG_4LEVEL, 4, 2, B(36), 36, false, true, NULL},
    {"4L PTE bit 36 M=36", PG_4LEVEL, 4, 3, B(36), 36, false, true, NULL},
    {"4L PTE bit 51 M=51", PG_4LEVEL, 4, 3, B(51), 51, false, true, NULL},
    {"4L PTE bit 51 M=52", PG_4LEVEL, 4, 3, B(51), 52, false, false, NULL},
    {"4L PML4E bit 63 NXE=0", PG_4LEVEL, 4, 0, XD, 40, false, true, NULL},
    {"4L PDPTE bit 63 NXE=0", PG_4LEVEL, 4, 1, XD, 40, false, true, NULL},
    {"4L PDE bit 63 NXE=0", PG_4LEVEL, 4, 2, XD, 40, false, true, NULL},
    {"4L PTE bit 63 NXE=0", PG_4LEVEL, 4, 3, XD, 40, false, true, NULL},
    {"4L PTE bit 63 NXE=1", PG_4LEVEL, 4, 3, XD, 40, true, false, NULL},
    {"4L PML4E ignored 62:52", PG_4LEVEL, 4, 0, 0x7ff0000000000000ull, 40, false, false, NULL},
    {"4L PTE ignored 62:52", PG_4LEVEL, 4, 3, 0x7ff0000000000000ull, 40, false, false, NULL},
    {"4L PML4E ignored 6, 11:8", PG_4LEVEL, 4, 0, B(6) | 0xf00, 40, false, false, NULL},
    {"4L PTE PAT/G/ignored", PG_4LEVEL, 4, 3, B(7) | G | 0xe00, 40, false, false, NULL},
    {"4L 1G bit 13", PG_4LEVEL, 2, 1, B(13), 40, false, true, NULL},
    {"4L 1G bit 29", PG_4LEVEL, 2, 1, B(29), 40, false, true, NULL},
    {"4L 1G bit 21", PG_4LEVEL, 2, 1, B(21), 40, false, true, NULL},
    {"4L 1G PAT", PG_4LEVEL, 2, 1, PAT_L, 40, false, false, NULL},
    {"4L 1G bit 45 M=40", PG_4LEVEL, 2, 1, B(45), 40, false, true, NULL},
    {"4L 2M bit 13", PG_4LEVEL, 3, 2, B(13), 40, false, true, NULL},
    {"4L 2M bit 20", PG_4LEVEL, 3, 2, B(20), 40, false, true, NULL},
    {"4L 2M PAT", PG_4LEVEL, 3, 2, PAT_L, 40, false, false, NULL},
    {"4L 2M bit 63 NXE=0", PG_4LEVEL, 3, 2, XD, 40, false, true, NULL},
};

static void reserved_case(const struct rcase *rc, unsigned acc, bool *failed, char *msg, size_t msz)
{
    struct chain ch = mk(rc->mode, rc->nlev, 0x40201000, 0);
    ch.fl[rc->k] |= rc->bits;
    struct walk_params p = params(rc->mode);
    p.maxphys = rc->maxphys;
    p.nxe = rc->nxe;
    p.pse = true;
    p.cr3 = build(&ch);
    struct walk_result r;
    uint32_t err = 0xdead;
    bool ok = mmu_walk(&p, &wmem, ch.lin, acc, &r, &err);
    uint32_t want = E_P | E_RSVD | (acc & ACC_WRITE ? E_W : 0) | (acc & ACC_USER ? E_U : 0);
    if ((acc & ACC_FETCH) && (rc->mode != PG_32 && rc->nxe)) want |= E_ID;
    n_checks++;
    if (rc->rsvd && (ok || err != want)) {
        *failed = true;
        snprintf(msg, msz, "%s acc %#x: %s err %#x, want reserved-bit fault %#x", rc->what, acc,
                 ok ? "no fault" : "fault", err, want);
    } else if (!rc->rsvd && !ok) {
        *failed = true;
        snprintf(msg, msz, "%s acc %#x: fault %#x, want success", rc->what, acc, err);
    }
}

START_TEST(test_reserved)
{
    const struct rcase *rc = &rcases[_i];
    static const unsigned accs[] = {0, ACC_WRITE, ACC_USER, ACC_USER | ACC_WRITE, ACC_USER | ACC_FETCH};
    bool failed = false;
    char msg[256] = "";
    for (unsigned a = 0; a < ARRAY_SIZE(accs) && !failed; a++) {
        if ((accs[a] & ACC_FETCH) && (rc->bits & XD) && !rc->rsvd) continue; /* NX protection */
        reserved_case(rc, accs[a], &failed, msg, sizeof msg);
    }
    if (rc->bug && xfail_enabled()) {
        if (!failed) printf("XPASS: %s (UNIT-FINDINGS.md %s)\n", rc->what, rc->bug);
        return;
    }
    ck_assert_msg(!failed, "%s%s%s%s", msg, rc->bug ? " [UNIT-FINDINGS.md " : "",
                  rc->bug ? rc->bug : "", rc->bug ? "]" : "");
}
END_TEST

/* A reserved bit at an upper level wins over a not-present entry below it (the walk stops), and
 * over a protection violation; a reserved bit in a not-present entry is ignored. */
START_TEST(test_reserved_precedence)
{
    struct walk_params p = params(PG_4LEVEL);
    struct walk_result r;
    uint32_t err;
    struct chain ch = mk(PG_4LEVEL, 4, 0x1234000, 0x1000);
    ch.fl[1] |= B(45);
    ch.fl[3] &= ~P;
    p.cr3 = build(&ch);
    CHECK(!mmu_walk(&p, &wmem, ch.lin, ACC_USER, &r, &err) && err == (E_P | E_RSVD | E_U),
          "rsvd above not-present: err %#x", err);
    ch = mk(PG_4LEVEL, 4, 0x1234000, 0x1000);
    ch.fl[0] &= ~US;
    ch.fl[3] |= XD; /* NXE = 0: reserved */
    p.cr3 = build(&ch);
    CHECK(!mmu_walk(&p, &wmem, ch.lin, ACC_USER | ACC_WRITE, &r, &err) &&
              err == (E_P | E_RSVD | E_W | E_U),
          "rsvd with a U/S violation: err %#x", err);
    ch = mk(PG_4LEVEL, 4, 0x1234000, 0x1000);
    ch.fl[2] = XD | B(45) | PS | RW; /* not present: everything else ignored */
    p.cr3 = build(&ch);
    CHECK(!mmu_walk(&p, &wmem, ch.lin, ACC_WRITE, &r, &err) && err == E_W,
          "not-present entry with reserved bits: err %#x", err);
}
END_TEST

/* ============================ access rights ============================ */

/* Reference model of SDM Vol.3A 4.6.1 for one access. u: user-mode address (U/S=1 at every level);
 * w: R/W=1 at every level; x_dis: XD=1 at some level with NXE=1. */
enum { K_UR, K_UW, K_UX, K_SR, K_SW, K_SX, K_IR, K_IW, K_KINDS };
static const unsigned kind_acc[K_KINDS] = {ACC_USER, ACC_USER | ACC_WRITE, ACC_USER | ACC_FETCH, 0,
                                           ACC_WRITE, ACC_FETCH, ACC_IMPLICIT,
                                           ACC_IMPLICIT | ACC_WRITE};

static bool ref_allowed(unsigned kind, bool u, bool w, bool x_dis, bool wp, bool smep, bool smap, bool ac)
{
    switch (kind) {
    case K_UR: return u;
    case K_UW: return u && w; /* CR0.WP does not matter for user accesses */
    case K_UX: return u && !x_dis;
    case K_SR: return !u || !smap || ac;
    case K_SW:
        if (u && smap && !ac) return false;
        return !wp || w;
    case K_SX:
        if (u && smep) return false;
        return !x_dis; /* SMAP does not apply to fetches */
    case K_IR: return !u || !smap;                            /* implicit: AC ignored */
    case K_IW: return (!u || !smap) && (!wp || w);
    }
    return false;
}

struct shape {
    enum paging_mode m;
    unsigned nlev;
};
static const struct shape rshapes[] = {
    {PG_32, 2}, {PG_32, 1}, {PG_PAE, 3}, {PG_PAE, 2}, {PG_4LEVEL, 4}, {PG_4LEVEL, 3}, {PG_4LEVEL, 2},
};

START_TEST(test_rights)
{
    const struct shape *s = &rshapes[_i];
    enum paging_mode m = s->m;
    unsigned n = s->nlev;
    unsigned first = m == PG_PAE ? 1 : 0; /* PAE PDPTEs carry no R/W, U/S, XD */
    unsigned long walks = 0;
    for (unsigned us_clr = first; us_clr <= n; us_clr++)      /* entry with U/S=0, n: none */
        for (unsigned rw_clr = first; rw_clr <= n; rw_clr++)  /* entry with R/W=0, n: none */
            for (unsigned xd_set = first; xd_set <= n; xd_set++) /* entry with XD=1, n: none */
                for (unsigned f = 0; f < 32; f++) {
                    bool wp = f & 1, nxe = f & 2, smep = f & 4, smap = f & 8, ac = f & 16;
                    if (xd_set < n && (m == PG_32 || !nxe)) continue; /* XD needs NXE */
                    struct chain ch = mk(m, n, 0xbfe01000, 0x40000000);
                    if (us_clr < n) ch.fl[us_clr] &= ~US;
                    if (rw_clr < n) ch.fl[rw_clr] &= ~RW;
                    if (xd_set < n) ch.fl[xd_set] |= XD;
                    struct walk_params p = params(m);
                    p.wp = wp;
                    p.nxe = nxe;
                    p.smep = smep;
                    p.smap = smap;
                    p.ac = ac;
                    p.pse = true;
                    bool u = us_clr == n, w = rw_clr == n, x_dis = xd_set < n;
                    for (unsigned kind = 0; kind < K_KINDS; kind++) {
                        unsigned acc = kind_acc[kind];
                        p.cr3 = build(&ch);
                        struct walk_result r;
                        uint32_t err = 0xdead;
                        bool ok = mmu_walk(&p, &wmem, ch.lin, acc, &r, &err);
                        bool want_ok = ref_allowed(kind, u, w, x_dis, wp, smep, smap, ac);
                        uint32_t want = E_P | (acc & ACC_WRITE ? E_W : 0) | (acc & ACC_USER ? E_U : 0);
                        if ((acc & ACC_FETCH) && (smep || (m != PG_32 && nxe))) want |= E_ID;
                        walks++;
                        n_checks++;
                        if (ok != want_ok || (!ok && err != want) ||
                            (ok && (r.user != u || r.writable != w || r.nx != x_dis)))
                            ck_abort_msg("%s nlev %u: U/S=0 at %d R/W=0 at %d XD at %d, wp%d nxe%d smep%d "
                                         "smap%d ac%d acc %#x: %s err %#x (u%d w%d nx%d), want %s err %#x",
                                         mode_name(m), n, us_clr < n ? (int)us_clr : -1,
                                         rw_clr < n ? (int)rw_clr : -1, xd_set < n ? (int)xd_set : -1,
                                         wp, nxe, smep, smap, ac, acc, ok ? "ok" : "fault", ok ? 0 : err,
                                         ok ? r.user : -1, ok ? r.writable : -1, ok ? r.nx : -1,
                                         want_ok ? "ok" : "fault", want_ok ? 0 : want);
                    }
                }
    ck_assert(walks > 1000);
}
END_TEST

/* Hand-written anchors for the rules above (explicit error codes). */
struct anchor {
    const char *what;
    enum paging_mode m;
    unsigned k;       /* entry modified (of a 4 KiB chain) */
    uint64_t clr, set; /* bits cleared / set in it */
    unsigned acc;
    bool wp, nxe, smep, smap, ac;
    int err; /* -1: success */
};
static const struct anchor anchors[] = {
    {"user read, supervisor PDE", PG_4LEVEL, 2, US, 0, ACC_USER, 0, 0, 0, 0, 0, E_P | E_U},
    {"user write, read-only PML4E", PG_4LEVEL, 0, RW, 0, ACC_USER | ACC_WRITE, 0, 0, 0, 0, 0, E_P | E_W | E_U},
    {"user write, read-only PTE, WP=1", PG_4LEVEL, 3, RW, 0, ACC_USER | ACC_WRITE, 1, 0, 0, 0, 0, E_P | E_W | E_U},
    {"user read, read-only PTE", PG_4LEVEL, 3, RW, 0, ACC_USER, 1, 0, 0, 0, 0, -1},
    {"supervisor write, read-only PDPTE, WP=0", PG_4LEVEL, 1, RW, 0, ACC_WRITE, 0, 0, 0, 0, 0, -1},
    {"supervisor write, read-only PDPTE, WP=1", PG_4LEVEL, 1, RW, 0, ACC_WRITE, 1, 0, 0, 0, 0, E_P | E_W},
    {"supervisor write, read-only user PTE, WP=1", PG_4LEVEL, 3, RW, 0, ACC_WRITE, 1, 0, 0, 0, 0, E_P | E_W},
    {"user fetch, XD PTE", PG_4LEVEL, 3, 0, XD, ACC_USER | ACC_FETCH, 0, 1, 0, 0, 0, E_P | E_U | E_ID},
    {"supervisor fetch, XD PML4E", PG_4LEVEL, 0, 0, XD, ACC_FETCH, 0, 1, 0, 0, 0, E_P | E_ID},
    {"supervisor read, XD PTE", PG_4LEVEL, 3, 0, XD, 0, 0, 1, 0, 0, 0, -1},
    {"PAE user fetch, XD PDE", PG_PAE, 1, 0, XD, ACC_USER | ACC_FETCH, 0, 1, 0, 0, 0, E_P | E_U | E_ID},
    {"SMEP: supervisor fetch, user page", PG_4LEVEL, 3, 0, 0, ACC_FETCH, 0, 0, 1, 0, 0, E_P | E_ID},
    {"SMEP: supervisor fetch, supervisor PDE", PG_4LEVEL, 2, US, 0, ACC_FETCH, 0, 0, 1, 0, 0, -1},
    {"SMEP off: supervisor fetch, user page", PG_4LEVEL, 3, 0, 0, ACC_FETCH, 0, 1, 0, 0, 0, -1},
    {"SMEP, 32-bit: supervisor fetch, user page", PG_32, 1, 0, 0, ACC_FETCH, 0, 0, 1, 0, 0, E_P | E_ID},
    {"SMEP: user fetch, user page", PG_4LEVEL, 3, 0, 0, ACC_USER | ACC_FETCH, 0, 0, 1, 0, 0, -1},
    {"SMAP AC=0: supervisor read, user page", PG_4LEVEL, 3, 0, 0, 0, 0, 0, 0, 1, 0, E_P},
    {"SMAP AC=0: supervisor write, user page", PG_4LEVEL, 3, 0, 0, ACC_WRITE, 0, 0, 0, 1, 0, E_P | E_W},
    {"SMAP AC=1: supervisor read, user page", PG_4LEVEL, 3, 0, 0, 0, 0, 0, 0, 1, 1, -1},
    {"SMAP AC=1: supervisor write, user page", PG_4LEVEL, 3, 0, 0, ACC_WRITE, 1, 0, 0, 1, 1, -1},
    {"SMAP AC=1 WP=1: supervisor write, read-only user page", PG_4LEVEL, 3, RW, 0, ACC_WRITE, 1, 0, 0, 1, 1, E_P | E_W},
    {"SMAP AC=1: implicit read, user page", PG_4LEVEL, 3, 0, 0, ACC_IMPLICIT, 0, 0, 0, 1, 1, E_P},
    {"SMAP AC=1: implicit write, user page", PG_4LEVEL, 3, 0, 0, ACC_IMPLICIT | ACC_WRITE, 0, 0, 0, 1, 1, E_P | E_W},
    {"SMAP AC=0: implicit read, supervisor page", PG_4LEVEL, 0, US, 0, ACC_IMPLICIT, 0, 0, 0, 1, 0, -1},
    {"SMAP: supervisor fetch, user page", PG_4LEVEL, 3, 0, 0, ACC_FETCH, 0, 0, 0, 1, 0, -1},
    {"SMAP: user read, user page", PG_4LEVEL, 3, 0, 0, ACC_USER, 0, 0, 0, 1, 0, -1},
    {"SMAP 32-bit AC=0: supervisor read, user page", PG_32, 0, 0, 0, 0, 0, 0, 0, 1, 0, E_P},
    {"32-bit fetch, not present, no SMEP: no I/D", PG_32, 1, P, 0, ACC_FETCH, 0, 1, 0, 0, 0, 0},
    {"PAE fetch, not present, NXE=0: no I/D", PG_PAE, 2, P, 0, ACC_FETCH, 0, 0, 0, 0, 0, 0},
    {"PAE fetch, not present, NXE=1: I/D", PG_PAE, 2, P, 0, ACC_FETCH, 0, 1, 0, 0, 0, E_ID},
    {"4L user fetch, not present PML4E, SMEP", PG_4LEVEL, 0, P, 0, ACC_USER | ACC_FETCH, 0, 0, 1, 0, 0, E_U | E_ID},
};

START_TEST(test_anchor)
{
    const struct anchor *an = &anchors[_i];
    struct chain ch = mk(an->m, top_level(an->m), 0x00345000, 0x3000);
    ch.fl[an->k] = (ch.fl[an->k] & ~an->clr) | an->set;
    struct walk_params p = params(an->m);
    p.wp = an->wp;
    p.nxe = an->nxe;
    p.smep = an->smep;
    p.smap = an->smap;
    p.ac = an->ac;
    p.cr3 = build(&ch);
    struct walk_result r;
    uint32_t err = 0xdead;
    bool ok = mmu_walk(&p, &wmem, ch.lin, an->acc, &r, &err);
    if (an->err < 0)
        CHECK(ok && r.gpa == 0x3000, "%s: fault %#x", an->what, err);
    else
        CHECK(!ok && err == (uint32_t)an->err, "%s: %s err %#x, want %#x", an->what,
              ok ? "no fault" : "fault", ok ? 0 : err, an->err);
}
END_TEST

static Suite *walk_suite(void)
{
    Suite *s = suite_create("walk");
    TCase *tc = tcase_create("translate");
    tcase_add_loop_test(tc, test_translate, 0, ARRAY_SIZE(xcases));
    tcase_add_test(tc, test_pse_off);
    suite_add_tcase(s, tc);
    tc = tcase_create("accessed_dirty");
    tcase_add_test(tc, test_ad_sticky);
    tcase_add_test(tc, test_ad_on_fault);
    suite_add_tcase(s, tc);
    tc = tcase_create("not_present");
    tcase_add_test(tc, test_not_present);
    suite_add_tcase(s, tc);
    tc = tcase_create("reserved");
    tcase_add_loop_test(tc, test_reserved, 0, ARRAY_SIZE(rcases));
    tcase_add_test(tc, test_reserved_precedence);
    suite_add_tcase(s, tc);
    tc = tcase_create("rights");
    tcase_add_loop_test(tc, test_rights, 0, ARRAY_SIZE(rshapes));
    tcase_add_loop_test(tc, test_anchor, 0, ARRAY_SIZE(anchors));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(walk_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("walk: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
