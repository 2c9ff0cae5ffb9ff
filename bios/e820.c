#include "bios/e820.h"

void e820_split(uint64_t ram_size, uint64_t *below_4g, uint64_t *above_4g)
{
    /* QEMU hw/i386/pc_piix.c (pc_init1): lowmem = 0xe0000000; with gigabyte_align (all machine
     * types since 1.7) lowmem = 0xc0000000 once ram_size >= 0xe0000000. PLATFORM.md A.1: the 32-bit
     * PCI window then starts at 0x80000000/0xC0000000 (SeaBIOS i440fx_mem_addr_setup). */
    uint64_t lowmem = 0xe0000000ull;
    if (ram_size >= lowmem) lowmem = 0xc0000000ull;
    if (ram_size >= lowmem) {
        *below_4g = lowmem;
        *above_4g = ram_size - lowmem;
    } else {
        *below_4g = ram_size;
        *above_4g = 0;
    }
}

static unsigned add(struct e820_entry *e, unsigned n, uint64_t addr, uint64_t len, uint32_t type)
{
    if (!len || n >= E820_MAX_ENTRIES) return n;
    e[n].addr = addr;
    e[n].len = len;
    e[n].type = type;
    return n + 1;
}

unsigned e820_fwcfg_map(uint64_t ram_size, struct e820_entry *e)
{
    uint64_t lo, hi;
    unsigned n = 0;
    e820_split(ram_size, &lo, &hi);
    /* QEMU pc_memory_init: e820_add_entry(0, below_4g_mem_size, E820_RAM) and, when present,
     * e820_add_entry(0x100000000, above_4g_mem_size, E820_RAM); SeaBIOS qemu_early_e820 takes
     * RamSize from the end of the RAM entry below 4G [EXP seabios-debug.txt: "qemu/e820: addr 0 len
     * 0x10000000 [RAM]"]. */
    n = add(e, n, 0, lo, E820_RAM);
    n = add(e, n, 1ull << 32, hi, E820_RAM);
    return n;
}

unsigned e820_bios_map(uint64_t ram_size, uint64_t bios_size, struct e820_entry *e)
{
    uint64_t lo, hi;
    unsigned n = 0;
    e820_split(ram_size, &lo, &hi);
    /* The layout SeaBIOS reports through INT 15h E820 on QEMU pc [EXP seabios-debug.txt "e820 map
     * has 7 items"]: 639 KiB conventional RAM, the 1 KiB EBDA, the 0xF0000 BIOS segment, extended
     * RAM from 1 MiB, the flash image below 4 GiB. */
    uint64_t conv = lo < 0x9fc00 ? lo : 0x9fc00;
    n = add(e, n, 0, conv, E820_RAM);
    if (lo > 0x9fc00) n = add(e, n, 0x9fc00, 0x400, E820_RESERVED);
    n = add(e, n, 0xf0000, 0x10000, E820_RESERVED);
    if (lo > 0x100000) n = add(e, n, 0x100000, lo - 0x100000, E820_RAM);
    if (bios_size) n = add(e, n, (1ull << 32) - bios_size, bios_size, E820_RESERVED);
    n = add(e, n, 1ull << 32, hi, E820_RAM);
    return n;
}

size_t e820_pack(const struct e820_entry *e, unsigned n, uint8_t *out)
{
    for (unsigned k = 0; k < n; k++) {
        uint8_t *p = out + k * E820_ENTRY_SIZE;
        for (int b = 0; b < 8; b++) p[b] = (uint8_t)(e[k].addr >> (8 * b));
        for (int b = 0; b < 8; b++) p[8 + b] = (uint8_t)(e[k].len >> (8 * b));
        for (int b = 0; b < 4; b++) p[16 + b] = (uint8_t)(e[k].type >> (8 * b));
    }
    return (size_t)n * E820_ENTRY_SIZE;
}
