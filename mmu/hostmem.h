/* Large host allocations (guest RAM, the decoded-block cache): zeroed anonymous memory, 2 MiB
 * aligned, with transparent huge pages requested where the host has them, so that the host's
 * TLB covers them with few entries. */
#ifndef MMU_HOSTMEM_H
#define MMU_HOSTMEM_H

#include <stddef.h>

/* size zeroed bytes aligned to 2 MiB, or NULL. Free with hostmem_free(p, size). */
void *hostmem_alloc(size_t size);
void hostmem_free(void *p, size_t size);

#endif
