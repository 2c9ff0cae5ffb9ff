/* Direct kernel boot without firmware (PLATFORM.md A.6): the Linux x86 boot protocol's 32-bit
 * entry. The shared pieces (guest E820 map, flat 32-bit entry state, loader file reading) are also
 * used by bios/multiboot.c.
 *
 * The loaders only write guest memory (through struct memmap) and describe the CPU state the guest
 * must start in (struct boot_entry); the board applies that state to struct cpu.
 */
#ifndef BIOS_LINUXBOOT_H
#define BIOS_LINUXBOOT_H

#include "emu/compiler.h"

struct memmap;

/* ---- E820 memory map (ACPI 6.4 15.1 "INT 15H, E820H"; the zero page copy of it) ---- */
#define BOOT_E820_RAM 1
#define BOOT_E820_RESERVED 2
#define BOOT_E820_ACPI 3
#define BOOT_E820_NVS 4
#define BOOT_E820_UNUSABLE 5

struct boot_e820 {
    uint64_t addr, size;
    uint32_t type;
};

/* Fills out[0..max) with the map a PC with ram_size bytes of RAM presents, RAM below 4 GiB being
 * capped at below_4g (the start of the PCI hole; RAM above it is mapped from 4 GiB):
 *   [0, 0x9FC00) RAM, [0x9FC00, 0xA0000) reserved (EBDA), [0xF0000, 0x100000) reserved (BIOS),
 *   [1 MiB, min(ram, below_4g)) RAM, [4 GiB, 4 GiB + rest) RAM.
 * Returns the number of entries written. Never fails for max >= 5. */
unsigned boot_e820_pc(uint64_t ram_size, uint64_t below_4g, struct boot_e820 *out, unsigned max);

/* ---- CPU state at kernel entry ---- */

/* A segment register as the board should load it: the selector and its descriptor cache. ar uses
 * the VMX access-rights layout (SDM Vol.3C 25.4.1 Table 25-2), the same as struct cpu's AR_*:
 *   bits 3:0 type, 4 S, 6:5 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G.
 * limit is byte-granular (0xFFFFFFFF for a flat 4 GiB segment with G=1, limit 0xFFFFF). */
struct boot_seg {
    uint16_t sel;
    uint64_t base;
    uint32_t limit;
    uint32_t ar;
};

struct boot_entry {
    struct boot_seg cs, ds, es, fs, gs, ss;
    struct boot_seg tr; /* an active (busy) 32-bit TSS, as after reset unless a protocol says */
    uint64_t gdt_base;
    uint16_t gdt_limit;
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t rip, rflags;
    uint64_t cr0; /* PE | ET: protected mode, paging and caches as after firmware (CD=NW=0) */
};

/* Selectors of the boot GDT (boot.rst "32-bit boot protocol": __BOOT_CS, __BOOT_DS). */
#define BOOT_CS 0x10
#define BOOT_DS 0x18
#define BOOT_GDT_SIZE 32 /* 4 descriptors: null, null, code, data */

/* Writes a 4-entry GDT at gdt_addr (flat 4 GiB 32-bit code at BOOT_CS, data at BOOT_DS) and fills
 * *e with flat 32-bit protected mode, paging off, IF=0, all GPRs zero, EFLAGS=2, TR as after
 * reset (selector 0, base 0, limit 0xFFFF, busy 32-bit TSS). The caller then
 * sets rip and the protocol's registers. Returns false if gdt_addr is not RAM. */
bool boot_flat32_entry(struct memmap *m, uint64_t gdt_addr, struct boot_entry *e);

/* ---- helpers shared by the loaders ---- */

/* Reads a whole file into a buffer (*buf, *len) that the caller may write to (privately) and
 * releases with boot_free_file. With gunzip, a gzip file is decompressed transparently (other
 * files are read as they are). At most max_len bytes. Returns false with a message. */
bool boot_read_file(const char *path, bool gunzip, uint64_t max_len, uint8_t **buf, size_t *len,
                    char *err, size_t errlen);

/* Releases a buffer from boot_read_file (len as it returned). */
void boot_free_file(uint8_t *buf, size_t len);

/* Copies len bytes to guest-physical gpa, which must be RAM (src NULL: writes zeroes).
 * Returns false if any byte is not RAM. */
bool boot_write(struct memmap *m, uint64_t gpa, const void *src, uint64_t len);

/* True if [addr, addr+len) lies entirely in RAM entries of the E820 map. */
bool boot_e820_covers(const struct boot_e820 *map, unsigned n, uint64_t addr, uint64_t len);

/* ---- Linux bzImage ---- */

/* Setup header fields (boot.rst "The Real-Mode Kernel Header"); fields the kernel's protocol
 * version does not have hold the documented defaults. */
struct linux_header {
    uint16_t version;          /* 0x206, e.g. 0x020F = 2.15 */
    uint8_t setup_sects;       /* 0x1F1, 0 read as 4 */
    uint32_t syssize;          /* 0x1F4, in 16-byte paragraphs */
    uint8_t loadflags;         /* 0x211 */
    uint32_t code32_start;     /* 0x214 */
    uint32_t initrd_addr_max;  /* 0x22C, 0x37FFFFFF before 2.03 */
    uint32_t kernel_alignment; /* 0x230, 2.05+ */
    uint8_t relocatable;       /* 0x234, 2.05+ */
    uint8_t min_alignment;     /* 0x235, 2.10+ (log2) */
    uint16_t xloadflags;       /* 0x236, 2.12+ */
    uint32_t cmdline_size;     /* 0x238, 2.06+; 255 before */
    uint64_t pref_address;     /* 0x258, 2.10+; 0x100000 before */
    uint32_t init_size;        /* 0x260, 2.10+ */
    uint32_t header_end;       /* 0x202 + byte[0x201]: end of the setup header */
    uint64_t setup_size;       /* (setup_sects + 1) * 512: file offset of the protected-mode code */
    uint64_t kernel_size;      /* bytes of protected-mode code in the file */
};

#define LINUX_LOADED_HIGH 0x01   /* loadflags bit 0 */
#define LINUX_CAN_USE_HEAP 0x80  /* loadflags bit 7 */
#define LINUX_XLF_KERNEL_64 0x01 /* xloadflags bit 0 */
#define LINUX_XLF_CAN_BE_LOADED_ABOVE_4G 0x02

/* Parses and validates a bzImage's setup header. Errors: too short, no "HdrS" magic, protocol
 * older than 2.02, not a bzImage (LOADED_HIGH clear), protected-mode part shorter than syssize.
 * Never touches guest memory. */
bool linux_parse_header(const uint8_t *img, size_t len, struct linux_header *h, char *err,
                        size_t errlen);

struct linux_boot_config {
    const char *cmdline;                /* NULL: empty */
    uint64_t ram_size;                  /* used only to build a default map when e820 is NULL */
    const struct boot_e820 *e820;       /* the guest's memory map; NULL: boot_e820_pc(ram, 3 GiB) */
    unsigned e820_count;
    uint64_t load_addr;                 /* protected-mode kernel; 0: 1 MiB (QEMU's choice) */
    uint64_t boot_params_addr;          /* zero page; 0: 0x7000 */
    uint64_t cmdline_addr;              /* 0: 0x20000 (as QEMU) */
    uint64_t gdt_addr;                  /* 0: 0x6000 */
    uint64_t acpi_rsdp;                 /* 0: not given (the kernel scans 0xE0000-0xFFFFF) */
    bool vga_text;                      /* screen_info describes an 80x25 colour VGA text screen */
};

/* Where things went (for logs and tests). */
struct linux_boot_info {
    struct linux_header hdr;
    uint64_t kernel_addr, kernel_size;
    uint64_t footprint_lo, footprint_hi; /* where the kernel decompresses itself (init_size) */
    uint64_t initrd_addr, initrd_size;
    uint64_t cmdline_addr, boot_params_addr, gdt_addr;
};

/* Loads a bzImage (and optional initrd) held in memory: copies the protected-mode code to the
 * load address, places the initrd at the highest page-aligned RAM address below
 * min(initrd_addr_max, 4 GiB) that clears the kernel's footprint, writes the command line and the
 * zero page (setup header copy, type_of_loader 0xFF, E820 table, screen_info) and the GDT, and
 * fills *e with the 32-bit boot protocol entry state (boot.rst "32-bit Boot Protocol").
 * info may be NULL. Returns false with a message; guest memory may then be partly written. */
bool linux_boot_image(struct memmap *m, const struct linux_boot_config *cfg, const uint8_t *kernel,
                      size_t kernel_len, const uint8_t *initrd, size_t initrd_len,
                      struct boot_entry *e, struct linux_boot_info *info, char *err,
                      size_t errlen);

/* Same, reading the bzImage and the initrd (NULL: none) from files. */
bool linux_boot_load(struct memmap *m, const struct linux_boot_config *cfg, const char *kernel_path,
                     const char *initrd_path, struct boot_entry *e, struct linux_boot_info *info,
                     char *err, size_t errlen);

#endif
