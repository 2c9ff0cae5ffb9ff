/* Decoded-instruction cache: basic blocks of decoded instructions keyed by (guest-physical address
 * of the first instruction, decode mode key). A block never crosses a page; it records the write
 * stamp of its page, and a write to a page holding decoded code bumps the stamp (mmu/memmap.h), so
 * stale blocks are detected at lookup.
 *
 * Blocks are packed one after another in an arena, each as long as its instructions need, and a
 * direct-mapped index of ICACHE_BITS buckets points at the newest block of each hash. A block is
 * never changed once built (a page write makes it stale through the stamp; a new decode goes to
 * new space), so a link to it stays right for as long as the arena holds it. When the arena is
 * full, icache_reserve empties it: every block and the whole index go at once (icache.flushes
 * counts that), so the run loop must drop block pointers it holds across a lookup when flushes
 * changes.
 *
 * An instruction that crosses into the next page is a block of its own, with the second page's
 * index and stamp too; lookup_block checks that the next page still translates to the same
 * guest-physical page before it uses such a block.
 */
#ifndef CPU_ICACHE_H
#define CPU_ICACHE_H

#include <stddef.h>

#include "cpu/decode/insn.h"

#define BLOCK_MAX 32
#define BLOCK_LINKS 4
#define ICACHE_BITS 19
#define ICACHE_ARENA_BYTES ((size_t)128 << 20)

/* Chaining: up to BLOCK_LINKS successor blocks (a block can leave at each taken conditional
 * branch and at its end), each valid while the RIP matches, the TLB epoch is unchanged (no
 * flush, mode or CPL change since), the chain key is the same and the target's page was not
 * written. A new successor takes a free slot, else the slots in turn (block.link_next). */
struct block_link {
    const struct block *to;
    uint64_t rip;
    uint64_t epoch;
    uint32_t key; /* cpu.chain_key when made */
    uint32_t global; /* the target's page has a global fetch translation: epoch is tlb.gepoch */
};

/* Laid out for the host's cache: the 32-byte header the run loop checks when it enters a block
 * and the first instruction share one 64-byte line; the links, needed only when the block is
 * left, come after the end marker (block_links). */
struct block {
    _Alignas(64) uint64_t gpa;
    uint32_t ctx;
    uint32_t stamp; /* memmap.stamp[hpage] when decoded */
    uint32_t hpage; /* host page index (for the stamp) */
    uint16_t n;
    uint8_t link_next;
    uint8_t cross;  /* one instruction that runs on into the next page: */
    uint32_t hpage2; /* that page's host page index */
    uint32_t stamp2; /* and its stamp */
    struct insn insn[]; /* insn[n] is the end marker (cpu_insn_end_marker), then the links */
};
_Static_assert(offsetof(struct block, insn) == 32, "block header and insn[0] share a cache line");

static inline struct block_link *block_links(const struct block *b)
{
    return (struct block_link *)(void *)&((struct block *)b)->insn[b->n + 1];
}

/* Bytes of guest code a cached block was decoded from (kept in its end marker's imm): the run
 * loop checks them against the CS limit outside 64-bit mode. */
static inline uint64_t block_extent(const struct block *b) { return b->insn[b->n].imm; }

/* Bytes a block of n instructions takes in the arena (64-byte multiples keep headers aligned). */
static inline size_t block_bytes(unsigned n)
{
    size_t sz = offsetof(struct block, insn) + (n + 1) * sizeof(struct insn) +
                BLOCK_LINKS * sizeof(struct block_link);
    return (sz + 63) & ~(size_t)63;
}

struct icache {
    struct block *index[1u << ICACHE_BITS];
    uint8_t *arena;
    size_t arena_bytes;        /* ICACHE_ARENA_BYTES, or what icache_create_sized was given */
    size_t used;               /* arena bytes in use */
    uint64_t lookups, misses;  /* lookup_block calls (chain misses) and decodes */
    uint64_t stale;            /* decodes of a block whose page was written since */
    uint64_t flushes;          /* times the arena was emptied (full, or icache_flush) */
};

/* Direct links of same-page jumps. The insn.disp of a Jcc, JMP rel or CALL rel (which have no
 * ModRM displacement) holds JLINK_NONE until the run loop links it, JLINK_NEVER when its target
 * lies outside the page it was decoded from, else the arena position of the target block. */
#define JLINK_NONE 0u
#define JLINK_NEVER 1u
static inline uint32_t icache_jlink(const struct icache *ic, const struct block *b)
{
    return (uint32_t)(((size_t)((const uint8_t *)b - ic->arena)) >> 6) + 2;
}
static inline const struct block *icache_jlink_block(const struct icache *ic, uint32_t l)
{
    return (const struct block *)(const void *)(ic->arena + ((size_t)(l - 2) << 6));
}

static inline struct block **icache_slot(struct icache *ic, uint64_t gpa, uint32_t ctx)
{
    uint64_t h = (gpa ^ (gpa >> ICACHE_BITS) ^ ((uint64_t)ctx << 5)) & ((1u << ICACHE_BITS) - 1);
    return &ic->index[h];
}

/* A cache with an arena of ICACHE_ARENA_BYTES, or of arena_bytes (at least one block of BLOCK_MAX
 * instructions; tests use small ones to empty it often). NULL when out of memory. */
struct icache *icache_create(void);
struct icache *icache_create_sized(size_t arena_bytes);
void icache_destroy(struct icache *ic);
/* Empties the cache: no block from before stays reachable through the index, and the arena is
 * reused from its start. */
void icache_flush(struct icache *ic);

/* Room for a block of up to BLOCK_MAX instructions at the arena's end, emptying the arena first
 * when it is full. The block is built there and kept with icache_commit. */
static inline struct block *icache_reserve(struct icache *ic)
{
    if (ic->used + block_bytes(BLOCK_MAX) > ic->arena_bytes) icache_flush(ic);
    return (struct block *)(void *)(ic->arena + ic->used);
}

/* Keeps the block just built at the reserved place (its n set) and indexes it at slot. Its links
 * start empty. */
static inline void icache_commit(struct icache *ic, struct block **slot, struct block *b)
{
    struct block_link *l = block_links(b);
    for (unsigned k = 0; k < BLOCK_LINKS; k++) l[k].to = NULL;
    b->link_next = 0;
    ic->used += block_bytes(b->n);
    *slot = b;
}

#endif
