#include "cpu/icache.h"

#include "mmu/hostmem.h"

#include <stdlib.h>
#include <string.h>

struct icache *icache_create(void)
{
    return hostmem_alloc(sizeof(struct icache)); /* zeroed, 2 MiB aligned */
}
void icache_destroy(struct icache *ic) { hostmem_free(ic, sizeof *ic); }
void icache_flush(struct icache *ic)
{
    for (unsigned k = 0; k < (1u << ICACHE_BITS); k++) ic->blocks[k].valid = 0;
}
