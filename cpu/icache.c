#include "cpu/icache.h"

#include <stdlib.h>
#include <string.h>

struct icache *icache_create(void) { return calloc(1, sizeof(struct icache)); }
void icache_destroy(struct icache *ic) { free(ic); }
void icache_flush(struct icache *ic)
{
    for (unsigned k = 0; k < (1u << ICACHE_BITS); k++) ic->blocks[k].valid = 0;
}
