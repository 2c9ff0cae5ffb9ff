/* The PC memory map (e820) for a RAM size, in the packed 20-byte form QEMU's fw_cfg "etc/e820" and
 * the Linux zero page use: {le64 addr; le64 len; le32 type} (SeaBIOS struct e820_reservation,
 * src/fw/paravirt.c; Linux Documentation/arch/x86/zero-page.rst e820_table). */
#ifndef BIOS_E820_H
#define BIOS_E820_H

#include "emu/compiler.h"

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5

#define E820_ENTRY_SIZE 20
#define E820_MAX_ENTRIES 16

struct e820_entry {
    uint64_t addr, len;
    uint32_t type;
};

/* Splits ram_size into RAM below 4 GiB (from address 0) and RAM remapped above 4 GiB, the way
 * QEMU's i440FX "pc" machine does: everything low if ram_size < 0xE0000000 (3.5 GiB), otherwise
 * 3 GiB low (gigabyte-aligned) and the rest at 4 GiB. Never fails. */
void e820_split(uint64_t ram_size, uint64_t *below_4g, uint64_t *above_4g);

/* What QEMU puts in fw_cfg "etc/e820" for pc: RAM [0, below_4g) as ONE entry (the 640K-1M hole is
 * left to the firmware, which reserves it itself) and RAM [4G, 4G + above_4g). Returns the number of
 * entries written to e (room for E820_MAX_ENTRIES). */
unsigned e820_fwcfg_map(uint64_t ram_size, struct e820_entry *e);

/* The classic BIOS map a firmware hands to an OS, for direct kernel loading: RAM [0, 0x9FC00),
 * reserved EBDA [0x9FC00, 0xA0000), reserved BIOS [0xF0000, 0x100000), RAM [1M, below_4g),
 * reserved BIOS flash [4G - bios_size, 4G) (when bios_size != 0), RAM [4G, 4G + above_4g).
 * Returns the number of entries. */
unsigned e820_bios_map(uint64_t ram_size, uint64_t bios_size, struct e820_entry *e);

/* Packs n entries into out (n * E820_ENTRY_SIZE bytes, little-endian). Returns the byte count. */
size_t e820_pack(const struct e820_entry *e, unsigned n, uint8_t *out);

#endif
