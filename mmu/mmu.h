/* Memory management: TLB layout, the page walker and the slow access paths.
 *
 * TLB entry tag (linear page, low 12 bits zero) and addend: host = (uint8_t *)(addend + lin).
 * A lookup compares e->tag with lin & (~0xfff | (size - 1)), so misaligned accesses miss for free
 * and take the slow path, which splits page-crossing accesses and looks the others up again by
 * page alone before it walks. addend is never 0 for a valid entry.
 */
#ifndef MMU_MMU_H
#define MMU_MMU_H

#include "emu/compiler.h"

#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_MASK (TLB_SIZE - 1)
#define TLB_INVALID (~0ull)
#define TLB_FILL_LOG 64
#define TLBF_GLOBAL 1ull /* tlb.info: the translation is global (CR4.PGE and the G bit) */
#define TLB_LARGE_FILTER_BITS 4096
_Static_assert(TLB_BITS >= 9, "tlb_flush_page scans 512 slots for a 2 MiB page");

enum { TLB_R, TLB_W, TLB_X, TLB_TYPES };

struct tlb_entry {
    uint64_t tag;
    uintptr_t addend;
};

struct tlb {
    /* [user class (CPL 3)][access type][index] */
    struct tlb_entry e[2][TLB_TYPES][TLB_SIZE];
    /* cold side info per entry: guest-physical page | TLBF_* flags */
    uint64_t info[2][TLB_TYPES][TLB_SIZE];
    /* bit s: a piece of a 2^s-byte page was cached since the last full flush (s = 21, 22, 30);
     * 0 when no large page has pieces in the TLB */
    uint32_t large_shifts;
    /* Filter of the large pages with cached pieces (bit tlb_large_hash(lin, s) set for each;
     * cleared by full flushes): INVLPG scans for pieces only when lin's large page may have
     * some, instead of at every INVLPG once any large page was cached. */
    uint64_t large_filter[TLB_LARGE_FILTER_BITS / 64];
    uint64_t epoch;  /* bumped by flushes of fetch translations and by mode changes: invalidates
                      * block chaining (tlb_flush_writes leaves fetch entries and the epoch alone).
                      * Steps by TLB_EPOCH_STEP: the low bits name the TLB (0 the host's, 1..7 the
                      * VMX guest contexts), so an epoch value belongs to one TLB only */
    uint64_t gepoch; /* bumped with epoch, except by tlb_flush_nonglobal: a link to a block whose
                      * page has a global fetch translation is checked against it, so it survives
                      * a MOV to CR3 (same low bits as epoch) */
    /* Filter of the pages that block links lead into since the epochs last went up together
     * (bit tlb_large_hash(lin, s) of the 2^s-byte page, s = 12 for 4 KiB; link_shifts has bit s
     * set for each size noted, and TLB_LINK_ANY for a link whose page is not known): INVLPG of a
     * page that no link leads into leaves the epochs, and so every chain, alone. */
    uint64_t link_filter[TLB_LARGE_FILTER_BITS / 64];
    uint32_t link_shifts;
    uint64_t mode_fp; /* the paging-mode bits the entries and chains were made under (cpu_priv.h) */
    /* The PCID the non-global entries were made under (0 while CR4.PCIDE = 0). Entries are not
     * tagged one by one: a TLB holds the translations of one PCID (plus global ones), and
     * tlb_set_pcid drops them when another PCID becomes current (SDM Vol.3A 4.10.1). */
    uint16_t pcid;
    /* Fill log: the slots filled since the last full flush while there were at most
     * TLB_FILL_LOG of them (nfill counts up to TLB_FILL_LOG + 1, "too many, or unknown"), so a
     * flush after a few fills (a VM entry or exit without VPIDs, a CR3 write) touches only those
     * slots instead of all 6 x TLB_SIZE. A TLB whose contents were not made by tlb_fill starts
     * with nfill = TLB_FILL_LOG + 1. */
    uint32_t nfill;
    uint32_t fill[TLB_FILL_LOG];
    /* The slots (flat index [u][ty][k]) that may hold a non-global entry, when ng_exact: a MOV
     * to CR3 then drops just those instead of scanning every slot. tlb_log_fill sets the bits;
     * a TLB made behind tlb_fill's back (zeroed) has ng_exact false until a full flush. */
    uint64_t ng_map[2 * TLB_TYPES * TLB_SIZE / 64];
    bool ng_exact;
};

/* Records that slot [u][ty][k] was filled (mmu/access.c does the fill, and calls this once the
 * slot's info is set). */
static inline void tlb_log_fill(struct tlb *t, unsigned u, unsigned ty, unsigned k)
{
    uint32_t n = t->nfill;
    uint32_t f = (uint32_t)((u * TLB_TYPES + ty) << TLB_BITS | k);
    if (n < TLB_FILL_LOG) t->fill[n] = f;
    if (n <= TLB_FILL_LOG) t->nfill = n + 1;
    if (!(t->info[u][ty][k] & TLBF_GLOBAL)) t->ng_map[f / 64] |= 1ull << (f % 64);
}
/* Bit of the large-page filter for the 2^sh-byte page containing lin. */
static inline unsigned tlb_large_hash(uint64_t lin, unsigned sh)
{
    uint64_t key = (lin >> sh) << 5 | sh;
    return (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 52) & (TLB_LARGE_FILTER_BITS - 1);
}
/* Records that a piece of the 2^sh-byte page containing lin is being cached. */
static inline void tlb_note_large(struct tlb *t, uint64_t lin, unsigned sh)
{
    unsigned h = tlb_large_hash(lin, sh);
    t->large_filter[h / 64] |= 1ull << (h % 64);
    t->large_shifts |= 1u << sh;
}
/* Records that a block link leads into the 2^sh-byte page containing lin (sh = 12 for 4 KiB, or
 * TLB_LINK_ANY when it is not known: then every INVLPG cuts the links). */
#define TLB_LINK_ANY 31u
static inline void tlb_note_link(struct tlb *t, uint64_t lin, unsigned sh)
{
    if (sh != TLB_LINK_ANY) {
        unsigned h = tlb_large_hash(lin, sh);
        t->link_filter[h / 64] |= 1ull << (h % 64);
    }
    t->link_shifts |= 1u << sh;
}
#define TLB_EPOCH_STEP 8u
/* info bits 1-5: log2 of the size of the page an entry was cut from when larger than 4 KiB (21,
 * 22 or 30), 0 for a 4 KiB page */
#define TLBF_SHIFT_POS 1
#define TLBF_SHIFT(info) ((unsigned)((info) >> TLBF_SHIFT_POS) & 31)

/* Access kinds for the walker (bit layout matches the #PF error code where it can). */
#define ACC_WRITE 0x02
#define ACC_USER 0x04
#define ACC_FETCH 0x10
#define ACC_IMPLICIT 0x100 /* implicit supervisor access (descriptor tables, TSS) */

/* Paging formats */
enum paging_mode { PG_NONE, PG_32, PG_PAE, PG_4LEVEL };

/* Physical-memory access used by the walker for page-table reads and A/D writes. */
struct walk_mem {
    void *opaque;
    uint64_t (*read)(void *opaque, uint64_t gpa, unsigned size);
    void (*write)(void *opaque, uint64_t gpa, uint64_t val, unsigned size);
};

struct walk_params {
    enum paging_mode mode;
    uint64_t cr3;
    bool wp, nxe, pse, smep, smap, pge, ac; /* CR0.WP, EFER.NXE, CR4.PSE/SMEP/SMAP/PGE, RFLAGS.AC */
    uint8_t maxphys;                        /* physical address width */
    const uint64_t *pdpte;                  /* PAE: the 4 PDPTE registers (NULL: read the PDPT) */
};
/* PAE: true when the 4 PDPTEs read from memory have no reserved bits set in present entries
 * (SDM Vol.3A 4.4.1, table 4-8). */
bool mmu_pdptes_valid(const uint64_t pdpte[4], uint8_t maxphys);

struct walk_result {
    uint64_t gpa;       /* translated physical address */
    uint64_t page_size; /* 4K, 2M, 4M or 1G */
    bool global, writable, user, nx, dirty;
};

/* Translates lin for the access kind acc (ACC_*). Sets A bits (and D on writes) as the SDM says.
 * Returns true on success; on a fault, returns false with *pf_err the #PF error code
 * (SDM Vol.3A 4.7). Never raises. */
bool mmu_walk(const struct walk_params *p, const struct walk_mem *m, uint64_t lin, unsigned acc,
              struct walk_result *r, uint32_t *pf_err) WARN_UNUSED;

/* Cuts every block link made under t: both epochs go up, the link filter empties. */
void tlb_bump_epochs(struct tlb *t);
void tlb_flush_all(struct tlb *t);
void tlb_flush_nonglobal(struct tlb *t);
void tlb_flush_page(struct tlb *t, uint64_t lin);
void tlb_flush_writes(struct tlb *t);
/* Makes pcid the TLB's current PCID: when it differs from the one its non-global entries were
 * made under, those entries go (SDM Vol.3A 4.10.2.3-4.10.2.4: a translation made for one PCID is never
 * used for another; global ones serve every PCID). Never raises. */
void tlb_set_pcid(struct tlb *t, uint16_t pcid);

#endif
