#include "bios/load.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mmu/memmap.h"

#define BIOS_MAX (16u << 20)

bool bios_load(struct memmap *m, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open firmware '%s': %s", path, strerror(errno));
        return false;
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        snprintf(err, errlen, "cannot read firmware '%s'", path);
        fclose(f);
        return false;
    }
    long size = ftell(f);
    rewind(f);
    if (size <= 0 || size > (long)BIOS_MAX || (size % 65536) != 0) {
        snprintf(err, errlen,
                 "firmware '%s' has size %ld; it must be a non-empty multiple of 64 KiB, at most 16 MiB",
                 path, size);
        fclose(f);
        return false;
    }
    uint64_t base = (1ull << 32) - (uint64_t)size;
    uint8_t *p = memmap_add_backed(m, base, (uint64_t)size, REG_ROM, "bios");
    if (!p) {
        snprintf(err, errlen, "out of memory mapping firmware");
        fclose(f);
        return false;
    }
    if (fread(p, 1, (size_t)size, f) != (size_t)size) {
        snprintf(err, errlen, "short read from firmware '%s'", path);
        fclose(f);
        return false;
    }
    fclose(f);
    uint64_t low = size < 0x20000 ? (uint64_t)size : 0x20000;
    uint64_t host_off = (uint64_t)(p - m->host) + (uint64_t)size - low;
    if (!memmap_add_alias(m, 0x100000 - low, low, REG_ROM, host_off, "bios-low")) {
        snprintf(err, errlen, "cannot map firmware below 1 MiB");
        return false;
    }
    return true;
}
