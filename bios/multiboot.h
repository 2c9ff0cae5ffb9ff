/* Multiboot 1 direct boot (PLATFORM.md A.6.2), the way QEMU's -kernel does it for images that
 * are not Linux bzImages: kvm-unit-tests, Xen.
 *
 * Reference: the Multiboot Specification 0.6.96 (gnu.org), sections 3.1 "OS image format",
 * 3.2 "Machine state", 3.3 "Boot information format" ([MB 3.x] below).
 */
#ifndef BIOS_MULTIBOOT_H
#define BIOS_MULTIBOOT_H

#include "bios/linuxboot.h"

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u /* EAX at entry [MB 3.2] */
#define MULTIBOOT_SEARCH 8192                 /* header lies in the first 8 KiB [MB 3.1.1] */
#define MULTIBOOT_MAX_MODULES 32

/* Header flags [MB 3.1.2] */
#define MB_HF_PAGE_ALIGN 0x00000001u /* modules page aligned */
#define MB_HF_MEMORY_INFO 0x00000002u /* mem_* (and mmap) required */
#define MB_HF_VIDEO_MODE 0x00000004u /* video mode table wanted (not provided; optional) */
#define MB_HF_AOUT_KLUDGE 0x00010000u /* load address fields in the header are valid */

/* Boot information flags [MB 3.3] */
#define MB_IF_MEMORY 0x001u
#define MB_IF_BOOTDEV 0x002u
#define MB_IF_CMDLINE 0x004u
#define MB_IF_MODS 0x008u
#define MB_IF_MMAP 0x040u
#define MB_IF_LOADER_NAME 0x200u

/* Finds a valid header (magic, checksum) at a 4-byte aligned offset in the first 8 KiB.
 * Returns false if there is none. Never touches guest memory. */
bool multiboot_find_header(const uint8_t *img, size_t len, uint32_t *offset);

struct multiboot_config {
    const char *cmdline;          /* -append; NULL: empty */
    const char *modules;          /* -initrd syntax "file1 args,file2 args" (",," = literal ','); NULL: none */
    uint64_t ram_size;            /* used only to build a default map when e820 is NULL */
    const struct boot_e820 *e820; /* NULL: boot_e820_pc(ram_size, 3 GiB) */
    unsigned e820_count;
    uint64_t gdt_addr;            /* 0: 0x6000 */
};

struct multiboot_boot_info {
    uint32_t header_offset, header_flags;
    bool aout_kludge;
    uint64_t load_lo, load_hi;    /* the image's footprint including bss */
    uint64_t entry;
    unsigned nmods;
    uint64_t mod_start[MULTIBOOT_MAX_MODULES], mod_end[MULTIBOOT_MAX_MODULES];
    uint64_t mbi_addr, mmap_addr, cmdline_addr;
};

/* Loads a Multiboot 1 image held in memory (ELF32 by program headers, or the a.out kludge
 * fields when header flag 16 is set), loads the modules named in cfg->modules from files, page
 * aligned after the image, and builds the boot information structure (mem_lower/upper,
 * boot_device, cmdline "<kernel_name> <cmdline>" as QEMU passes it, mods, mmap from the E820 map,
 * boot_loader_name). Fills *e with the entry state [MB 3.2]: EAX = 0x2BADB002, EBX = MBI
 * address, flat 32-bit protected mode, paging off, IF=0. info may be NULL.
 * Returns false with a message; guest memory may then be partly written. */
bool multiboot_boot_image(struct memmap *m, const struct multiboot_config *cfg, const uint8_t *img,
                          size_t len, const char *kernel_name, struct boot_entry *e,
                          struct multiboot_boot_info *info, char *err, size_t errlen);

/* Same, reading the image from a file (gzip-compressed images are decompressed, so Debian's
 * /boot/xen-*.gz can be given directly). */
bool multiboot_boot_load(struct memmap *m, const struct multiboot_config *cfg,
                         const char *kernel_path, struct boot_entry *e,
                         struct multiboot_boot_info *info, char *err, size_t errlen);

#endif
