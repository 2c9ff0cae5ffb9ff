/* The guest-physical address space: RAM, ROM and MMIO regions.
 *
 * All RAM and ROM live in one host allocation (host[0..host_size)), so a host pointer identifies a
 * backing page uniquely; per-page write stamps and code flags for self-modifying-code detection are
 * indexed by host page number. MMIO regions call device callbacks. Devices never longjmp.
 */
#ifndef MMU_MEMMAP_H
#define MMU_MEMMAP_H

#include "emu/compiler.h"

struct mmio_ops {
    uint64_t (*read)(void *opaque, uint64_t off, unsigned size);
    void (*write)(void *opaque, uint64_t off, uint64_t val, unsigned size);
};

enum region_kind { REG_RAM, REG_ROM, REG_MMIO, REG_UNASSIGNED /* reads all-ones, ignores writes */ };

struct region {
    uint64_t base, size;
    enum region_kind kind;
    uint64_t host_off; /* RAM/ROM: offset into memmap.host */
    const struct mmio_ops *ops;
    void *opaque;
    const char *name;
};

#define MEMMAP_MAX_REGIONS 64

struct memmap {
    uint8_t *host;
    uint64_t host_size, host_used;
    uint32_t *stamp;   /* per host page: bumped when a page holding decoded code is written */
    uint8_t *code;     /* per host page: decoded code exists */
    struct region regions[MEMMAP_MAX_REGIONS];
    unsigned nregions; /* later regions take priority over earlier ones where they overlap */
    const struct region *last; /* one-entry lookup cache, valid for [last_lo, last_hi) */
    uint64_t last_lo, last_hi;
    uint64_t generation;       /* bumped when the map changes: TLBs must be flushed */
};

/* Creates a map with room for total bytes of RAM+ROM backing. Returns NULL on allocation failure. */
struct memmap *memmap_create(uint64_t backing_bytes);
void memmap_destroy(struct memmap *m);
/* Allocates backing for a RAM or ROM region and maps it; returns the host pointer or NULL. */
uint8_t *memmap_add_backed(struct memmap *m, uint64_t base, uint64_t size, enum region_kind kind,
                           const char *name);
/* Maps an alias of existing backing (e.g. the BIOS ROM at 0xE0000 and at 4G-128K). */
bool memmap_add_alias(struct memmap *m, uint64_t base, uint64_t size, enum region_kind kind,
                      uint64_t host_off, const char *name);
bool memmap_add_mmio(struct memmap *m, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                     void *opaque, const char *name);
/* Adds a region that can later be remapped with memmap_remap (PAM shadowing, BARs). Returns its
 * index, or -1. It starts unassigned. */
int memmap_add_remappable(struct memmap *m, uint64_t base, uint64_t size, const char *name);
/* Reserves size bytes (rounded up to pages) of RAM/ROM backing without mapping them, for regions
 * that appear later (a PCI BAR's memory, an option ROM). Returns the host offset, or UINT64_MAX
 * when the backing is exhausted. */
uint64_t memmap_alloc(struct memmap *m, uint64_t size);
/* Moves region idx to [base, base+size); size 0 switches it off (it then matches no address).
 * Bumps the generation: the CPU must flush its TLBs (cpu_memmap_changed). */
void memmap_move(struct memmap *m, int idx, uint64_t base, uint64_t size);
/* Points region idx at other backing: RAM/ROM at host_off, MMIO with ops, or unassigned. Bumps the
 * generation: the CPU must flush its TLBs and decoded code (cpu_memmap_changed). */
void memmap_remap(struct memmap *m, int idx, enum region_kind kind, uint64_t host_off,
                  const struct mmio_ops *ops, void *opaque);
/* The region containing gpa, or NULL (unassigned: reads all-ones, writes ignored). */
const struct region *memmap_find(struct memmap *m, uint64_t gpa);

/* Physical accesses of 1, 2, 4 or 8 bytes that may cross region boundaries. Never raise. */
uint64_t phys_read(struct memmap *m, uint64_t gpa, unsigned size);
void phys_write(struct memmap *m, uint64_t gpa, uint64_t val, unsigned size);
/* Host pointer for gpa when it is RAM (or ROM when !write), else NULL. */
uint8_t *phys_host(struct memmap *m, uint64_t gpa, bool write);
/* Bulk copies (loaders, DMA). Return false if any byte is not RAM. */
bool phys_copy_to(struct memmap *m, uint64_t gpa, const void *src, uint64_t len);

/* Self-modifying code: note that a write hit host page hp (host offset >> 12). */
static inline void memmap_code_write(struct memmap *m, uint64_t hp)
{
    if (m->code[hp]) {
        m->code[hp] = 0;
        m->stamp[hp]++;
    }
}

#endif
