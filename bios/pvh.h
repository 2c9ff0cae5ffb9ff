/* PVH direct boot (the x86/HVM direct boot ABI), the way QEMU's -kernel does it for an ELF
 * vmlinux: PT_LOAD segments go to their physical addresses and the CPU starts at the 32-bit entry
 * point named by the Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY, with EBX pointing at a struct
 * hvm_start_info.
 *
 * References (cited as [pvh], [start_info.h], [ELF] below):
 *   Xen docs/misc/pvh.pandoc "x86/HVM direct boot ABI" (entry state);
 *   Xen xen/include/public/arch-x86/hvm/start_info.h (start_info, module list and memory map
 *   layouts, version 1);
 *   Xen xen/include/public/elfnote.h (XEN_ELFNOTE_PHYS32_ENTRY = 18, note name "Xen");
 *   System V ABI "ELF Header", "Program Header", "Note Section" (ELF32 and ELF64).
 */
#ifndef BIOS_PVH_H
#define BIOS_PVH_H

#include "bios/linuxboot.h"

#define PVH_ELFNOTE_PHYS32_ENTRY 18u    /* [elfnote.h] */
#define PVH_START_MAGIC 0x336ec578u     /* "xEn3" with bit 7 of 'E' set [start_info.h] */
#define PVH_START_VERSION 1u            /* with memmap_paddr / memmap_entries */
#define PVH_START_INFO_SIZE 56u         /* struct hvm_start_info, version 1 */
#define PVH_MODLIST_ENTRY_SIZE 32u      /* struct hvm_modlist_entry */
#define PVH_MEMMAP_ENTRY_SIZE 24u       /* struct hvm_memmap_table_entry */
#define PVH_MAX_SEGS 32

/* Field offsets of struct hvm_start_info [start_info.h] */
#define PVH_SI_MAGIC 0
#define PVH_SI_VERSION 4
#define PVH_SI_FLAGS 8
#define PVH_SI_NR_MODULES 12
#define PVH_SI_MODLIST_PADDR 16
#define PVH_SI_CMDLINE_PADDR 24
#define PVH_SI_RSDP_PADDR 32
#define PVH_SI_MEMMAP_PADDR 40
#define PVH_SI_MEMMAP_ENTRIES 48

/* A loadable segment: file bytes [off, off+filesz) at paddr, then zeroes up to memsz. */
struct pvh_seg {
    uint64_t paddr, off, filesz, memsz;
};

struct pvh_image {
    bool elf64;
    uint16_t machine;       /* EM_386 (3) or EM_X86_64 (62) */
    uint32_t entry;         /* the PHYS32_ENTRY note's value */
    unsigned nseg;
    struct pvh_seg seg[PVH_MAX_SEGS];
    uint64_t load_lo, load_hi; /* footprint of all segments including bss */
};

/* True if img starts with the ELF magic (the board then treats it as a PVH candidate). */
bool pvh_is_elf(const uint8_t *img, size_t len);

/* Parses an x86 ELF executable (ELF32 or ELF64, little-endian, EM_386 or EM_X86_64): its PT_LOAD
 * segments and the XEN_ELFNOTE_PHYS32_ENTRY note in its PT_NOTE segments (descriptor of 4 or 8
 * bytes, the value below 4 GiB). Errors: not ELF, wrong class/endianness/machine, truncated
 * header, program headers or notes, segments outside the file or beyond 4 GiB, no loadable
 * segment, no PVH note, an entry point outside the loaded bytes. Never touches guest memory. */
bool pvh_parse(const uint8_t *img, size_t len, struct pvh_image *pi, char *err, size_t errlen);

/* The values of a version 1 hvm_start_info. */
struct pvh_start_info {
    uint32_t flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries;
};

/* Encodes si as the 56-byte little-endian structure (magic and version 1 filled in, the
 * reserved word zero) [start_info.h]. */
void pvh_start_info_encode(uint8_t out[PVH_START_INFO_SIZE], const struct pvh_start_info *si);

struct pvh_config {
    const char *cmdline;          /* -append; NULL: empty */
    uint64_t ram_size;            /* used only to build a default map when e820 is NULL */
    const struct boot_e820 *e820; /* NULL: boot_e820_pc(ram_size, 3 GiB) */
    unsigned e820_count;
    uint64_t acpi_rsdp;           /* rsdp_paddr; 0: none */
    uint64_t gdt_addr;            /* 0: 0x6000 */
};

/* Where things went (for logs and tests). */
struct pvh_boot_info {
    struct pvh_image img;
    uint64_t start_info_addr, modlist_addr, memmap_addr, cmdline_addr;
    uint64_t initrd_addr, initrd_size;
};

/* Loads a PVH ELF image held in memory: the segments at their physical addresses (bss zeroed),
 * the command line, the initrd (NULL: none) as the only module at the highest page-aligned RAM
 * address below 4 GiB clear of the kernel, the start_info with the module list and the E820 map,
 * and a flat GDT; fills *e with the entry state [pvh]: 32-bit protected mode, paging off,
 * CR0 = PE (| ET), flat CS/DS/ES/SS/FS/GS, TR an active 32-bit TSS with base 0 and limit 0x67,
 * EFLAGS IF=TF=VM=0, EBX = start_info address. info may be NULL. Checks every placement before
 * writing anything; returns false with a message. */
bool pvh_boot_image(struct memmap *m, const struct pvh_config *cfg, const uint8_t *img, size_t len,
                    const uint8_t *initrd, size_t initrd_len, struct boot_entry *e,
                    struct pvh_boot_info *info, char *err, size_t errlen);

/* Same, reading the kernel and the initrd (NULL: none) from files. */
bool pvh_boot_load(struct memmap *m, const struct pvh_config *cfg, const char *kernel_path,
                   const char *initrd_path, struct boot_entry *e, struct pvh_boot_info *info,
                   char *err, size_t errlen);

#endif
