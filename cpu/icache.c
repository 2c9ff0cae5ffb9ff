#include "cpu/icache.h"

#include "mmu/hostmem.h"

#include <stdlib.h>
#include <string.h>

struct icache *icache_create(void) { return icache_create_sized(ICACHE_ARENA_BYTES); }

struct icache *icache_create_sized(size_t arena_bytes)
{
    if (arena_bytes < block_bytes(BLOCK_MAX)) arena_bytes = block_bytes(BLOCK_MAX);
    struct icache *ic = hostmem_alloc(sizeof(struct icache), true); /* zeroed: an empty index */
    if (!ic) return NULL;
    ic->arena = hostmem_alloc(arena_bytes, true); /* touched only as blocks fill it */
    if (!ic->arena) {
        hostmem_free(ic, sizeof *ic);
        return NULL;
    }
    ic->arena_bytes = arena_bytes;
    return ic;
}

void icache_destroy(struct icache *ic)
{
    if (!ic) return;
    hostmem_free(ic->arena, ic->arena_bytes);
    hostmem_free(ic, sizeof *ic);
}

void icache_flush(struct icache *ic)
{
    memset(ic->index, 0, sizeof ic->index);
    ic->used = 0;
    ic->flushes++;
}
