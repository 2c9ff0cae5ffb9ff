#include "cpu/icache.h"

#include <stdlib.h>
#include <string.h>

struct icache *icache_create(void)
{
    struct icache *ic = aligned_alloc(_Alignof(struct icache), sizeof(struct icache));
    if (ic) memset(ic, 0, sizeof *ic);
    return ic;
}
void icache_destroy(struct icache *ic) { free(ic); }
void icache_flush(struct icache *ic)
{
    for (unsigned k = 0; k < (1u << ICACHE_BITS); k++) ic->blocks[k].valid = 0;
}
