/* See hostmem.h. POSIX mmap; MADV_HUGEPAGE only on hosts that define it (Linux). */
#include "mmu/hostmem.h"

#include <stdint.h>
#include <sys/mman.h>

#define HOSTMEM_ALIGN ((size_t)2 << 20)

static size_t round_up(size_t size) { return (size + HOSTMEM_ALIGN - 1) & ~(HOSTMEM_ALIGN - 1); }

void *hostmem_alloc(size_t size, bool dense)
{
    if (size == 0) size = 1;
    size_t len = round_up(size);
    if (len < size) return NULL; /* overflow */
    /* map one alignment unit more, then unmap the unaligned head and the tail */
    uint8_t *raw = mmap(NULL, len + HOSTMEM_ALIGN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    uintptr_t start = ((uintptr_t)raw + HOSTMEM_ALIGN - 1) & ~(uintptr_t)(HOSTMEM_ALIGN - 1);
    size_t head = start - (uintptr_t)raw;
    if (head) munmap(raw, head);
    size_t tail = HOSTMEM_ALIGN - head;
    if (tail) munmap((uint8_t *)start + len, tail);
#ifdef MADV_HUGEPAGE
    if (dense) madvise((void *)start, len, MADV_HUGEPAGE); /* advice only: failure changes nothing */
#else
    (void)dense;
#endif
    return (void *)start;
}

void hostmem_free(void *p, size_t size)
{
    if (p) munmap(p, round_up(size ? size : 1));
}
