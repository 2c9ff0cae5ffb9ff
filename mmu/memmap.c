/* Guest-physical memory map. */
#include "mmu/memmap.h"

#include "mmu/hostmem.h"

#include <stdlib.h>
#include <string.h>

struct memmap *memmap_create(uint64_t backing_bytes)
{
    struct memmap *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    backing_bytes = (backing_bytes + 0xfff) & ~0xfffull;
    m->host = hostmem_alloc(backing_bytes, false); /* hostmem rounds 0 up to one 2 MiB unit, as free does */
    m->host_size = backing_bytes;
    m->stamp = calloc(backing_bytes / 4096 + 1, sizeof *m->stamp);
    m->code = calloc(backing_bytes / 4096 + 1, 1);
    if (!m->host || !m->stamp || !m->code) {
        memmap_destroy(m);
        return NULL;
    }
    return m;
}

void memmap_destroy(struct memmap *m)
{
    if (!m) return;
    hostmem_free(m->host, m->host_size);
    free(m->stamp);
    free(m->code);
    free(m);
}

static struct region *add_region(struct memmap *m, uint64_t base, uint64_t size, const char *name)
{
    if (m->nregions >= MEMMAP_MAX_REGIONS || size == 0) return NULL;
    struct region *r = &m->regions[m->nregions++];
    memset(r, 0, sizeof *r);
    r->base = base;
    r->size = size;
    r->name = name;
    m->last = NULL;
    m->generation++;
    return r;
}

uint8_t *memmap_add_backed(struct memmap *m, uint64_t base, uint64_t size, enum region_kind kind,
                           const char *name)
{
    uint64_t asize = (size + 0xfff) & ~0xfffull;
    if (m->host_used + asize > m->host_size) return NULL;
    struct region *r = add_region(m, base, size, name);
    if (!r) return NULL;
    r->kind = kind;
    r->host_off = m->host_used;
    m->host_used += asize;
    return m->host + r->host_off;
}

bool memmap_add_alias(struct memmap *m, uint64_t base, uint64_t size, enum region_kind kind,
                      uint64_t host_off, const char *name)
{
    if (host_off + size > m->host_used) return false;
    struct region *r = add_region(m, base, size, name);
    if (!r) return false;
    r->kind = kind;
    r->host_off = host_off;
    return true;
}

bool memmap_add_mmio(struct memmap *m, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                     void *opaque, const char *name)
{
    struct region *r = add_region(m, base, size, name);
    if (!r) return false;
    r->kind = REG_MMIO;
    r->ops = ops;
    r->opaque = opaque;
    return true;
}

/* Later regions win where regions overlap. The one-entry cache remembers the window
 * [last_lo, last_hi) around the last hit in which no higher-priority region intrudes. */
int memmap_add_remappable(struct memmap *m, uint64_t base, uint64_t size, const char *name)
{
    struct region *r = add_region(m, base, size, name);
    if (!r) return -1;
    r->kind = REG_UNASSIGNED;
    return (int)(r - m->regions);
}

uint64_t memmap_alloc(struct memmap *m, uint64_t size)
{
    uint64_t asize = (size + 0xfff) & ~0xfffull;
    if (asize < size || m->host_used + asize > m->host_size) return UINT64_MAX;
    uint64_t off = m->host_used;
    m->host_used += asize;
    return off;
}

void memmap_move(struct memmap *m, int idx, uint64_t base, uint64_t size)
{
    struct region *r = &m->regions[idx];
    r->base = base;
    r->size = size;
    m->last = NULL;
    m->generation++;
}

void memmap_remap(struct memmap *m, int idx, enum region_kind kind, uint64_t host_off,
                  const struct mmio_ops *ops, void *opaque)
{
    struct region *r = &m->regions[idx];
    r->kind = kind;
    r->host_off = host_off;
    r->ops = ops;
    r->opaque = opaque;
    m->last = NULL;
    m->generation++;
}

const struct region *memmap_find(struct memmap *m, uint64_t gpa)
{
    if (m->last && gpa - m->last_lo < m->last_hi - m->last_lo) return m->last;
    for (unsigned k = m->nregions; k-- > 0;) {
        const struct region *r = &m->regions[k];
        if (gpa - r->base < r->size) {
            uint64_t lo = r->base, hi = r->base + r->size;
            for (unsigned j = k + 1; j < m->nregions; j++) {
                const struct region *o = &m->regions[j];
                if (!o->size) continue; /* switched off (memmap_move) */
                uint64_t olo = o->base, ohi = o->base + o->size;
                if (ohi <= gpa && ohi > lo) lo = ohi;
                if (olo > gpa && olo < hi) hi = olo;
            }
            m->last = r;
            m->last_lo = lo;
            m->last_hi = hi;
            return r;
        }
    }
    return NULL;
}

uint8_t *phys_host(struct memmap *m, uint64_t gpa, bool write)
{
    const struct region *r = memmap_find(m, gpa);
    if (!r || r->kind == REG_MMIO || r->kind == REG_UNASSIGNED || (write && r->kind == REG_ROM)) return NULL;
    return m->host + r->host_off + (gpa - r->base);
}

static uint64_t read_byte(struct memmap *m, uint64_t gpa)
{
    const struct region *r = memmap_find(m, gpa);
    if (!r || r->kind == REG_UNASSIGNED) return 0xff;
    if (r->kind == REG_MMIO) return r->ops->read(r->opaque, gpa - r->base, 1) & 0xff;
    return m->host[r->host_off + (gpa - r->base)];
}

uint64_t phys_read(struct memmap *m, uint64_t gpa, unsigned size)
{
    const struct region *r = memmap_find(m, gpa);
    if (r && gpa - r->base + size <= r->size) {
        if (r->kind == REG_MMIO) return r->ops->read(r->opaque, gpa - r->base, size);
        if (r->kind == REG_UNASSIGNED) return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
        const uint8_t *h = m->host + r->host_off + (gpa - r->base);
        uint64_t v = 0;
        /* fixed sizes inline (page walks read 8 bytes at a time); little-endian host */
        if (size == 8) memcpy(&v, h, 8);
        else if (size == 4) memcpy(&v, h, 4);
        else memcpy(&v, h, size);
        return v;
    }
    if ((!r || r->kind == REG_UNASSIGNED) && size == 1) return 0xff;
    uint64_t v = 0;
    for (unsigned k = 0; k < size; k++) v |= read_byte(m, gpa + k) << (8 * k);
    return v;
}

static void write_byte(struct memmap *m, uint64_t gpa, uint8_t b)
{
    const struct region *r = memmap_find(m, gpa);
    if (!r || r->kind == REG_ROM || r->kind == REG_UNASSIGNED) return;
    if (r->kind == REG_MMIO) {
        r->ops->write(r->opaque, gpa - r->base, b, 1);
        return;
    }
    uint64_t off = r->host_off + (gpa - r->base);
    m->host[off] = b;
    memmap_code_write(m, off >> 12);
}

void phys_write(struct memmap *m, uint64_t gpa, uint64_t val, unsigned size)
{
    const struct region *r = memmap_find(m, gpa);
    if (r && gpa - r->base + size <= r->size) {
        if (r->kind == REG_ROM || r->kind == REG_UNASSIGNED) return;
        if (r->kind == REG_MMIO) {
            r->ops->write(r->opaque, gpa - r->base, val, size);
            return;
        }
        uint64_t off = r->host_off + (gpa - r->base);
        memcpy(m->host + off, &val, size);
        memmap_code_write(m, off >> 12);
        if (((off + size - 1) >> 12) != (off >> 12)) memmap_code_write(m, (off + size - 1) >> 12);
        return;
    }
    for (unsigned k = 0; k < size; k++) write_byte(m, gpa + k, (uint8_t)(val >> (8 * k)));
}

bool phys_copy_to(struct memmap *m, uint64_t gpa, const void *src, uint64_t len)
{
    const uint8_t *s = src;
    for (uint64_t k = 0; k < len; k++) {
        uint8_t *p = phys_host(m, gpa + k, true);
        if (!p) return false;
        *p = s[k];
        memmap_code_write(m, (uint64_t)(p - m->host) >> 12);
    }
    return true;
}
