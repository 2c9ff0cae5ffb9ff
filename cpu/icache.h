/* Decoded-instruction cache: basic blocks of decoded instructions keyed by (guest-physical address
 * of the first instruction, decode mode key). A block never crosses a page; it records the write
 * stamp of its page, and a write to a page holding decoded code bumps the stamp (mmu/memmap.h), so
 * stale blocks are detected at lookup.
 */
#ifndef CPU_ICACHE_H
#define CPU_ICACHE_H

#include <stddef.h>

#include "cpu/decode/insn.h"

#define BLOCK_MAX 32
#define BLOCK_LINKS 4
#define ICACHE_BITS 16

/* Laid out for the cache: the header the run loop checks when it enters a block (32 bytes) and
 * the first instruction share one 64-byte line; the chaining links, needed only when the block is
 * left, come last. */
struct block {
    _Alignas(64) uint64_t gpa;
    uint32_t ctx;
    uint32_t stamp; /* memmap.stamp[hpage] when decoded */
    uint32_t hpage; /* host page index (for the stamp) */
    uint32_t gen;   /* bumped whenever the slot is rebuilt: invalidates links to it */
    uint16_t n;
    uint16_t valid;
    uint32_t link_next;
    struct insn insn[BLOCK_MAX + 1]; /* insn[n] is the end marker (cpu_insn_end_marker) */
    /* Chaining: up to BLOCK_LINKS successor blocks (a block can leave at each taken conditional
     * branch and at its end), each valid while the RIP matches, the TLB epoch is unchanged (no
     * flush, mode or CPL change since), the target slot was not rebuilt and its page was not
     * written. A new successor takes a free slot, else the slots in turn (link_next). */
    struct block_link {
        struct block *to;
        uint64_t rip;
        uint64_t epoch;
        uint32_t gen;
        uint32_t key; /* cpu.chain_key when made */
    } link[BLOCK_LINKS];
};
_Static_assert(offsetof(struct block, insn) == 32, "block header and insn[0] share a cache line");

struct icache {
    struct block blocks[1u << ICACHE_BITS];
    uint64_t lookups, misses; /* lookup_block calls (chain misses) and decodes */
    uint64_t stale;           /* decodes of a block whose page was written since */
};

static inline struct block *icache_slot(struct icache *ic, uint64_t gpa, uint32_t ctx)
{
    uint64_t h = (gpa ^ (gpa >> ICACHE_BITS) ^ ((uint64_t)ctx << 5)) & ((1u << ICACHE_BITS) - 1);
    return &ic->blocks[h];
}

struct icache *icache_create(void);
void icache_destroy(struct icache *ic);
void icache_flush(struct icache *ic);

#endif
