/* Multiboot 1 loader (see multiboot.h). [MB x.y] cites the Multiboot Specification 0.6.96.
 *
 * Guest memory layout:
 *   0x6000  GDT (shared with the Linux loader: flat code 0x10, flat data 0x18)
 *   0x9000  memory map (mmap_addr), at most 53 entries, as QEMU places it
 *   0x9500  boot information structure (EBX), as QEMU places it
 *   0x9600  module list, then the strings (command line, module strings, loader name) up to
 *           0x80000
 *   image   where its ELF program headers or a.out kludge fields say
 *   modules page aligned, one after another, from the first page after the image
 */
#include "bios/multiboot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/memmap.h"

#define MB_MMAP_ADDR 0x9000u
#define MB_MMAP_MAX ((0x9500u - 0x9000u) / 24u)
#define MB_INFO_ADDR 0x9500u
#define MB_INFO_SIZE 0x58u /* through boot_loader_name, apm_table, vbe_* (88 bytes) */
#define MB_MODS_ADDR 0x9600u
#define MB_LOW_END 0x80000u
#define MB_LOADER_NAME "turtles"

/* Boot information offsets [MB 3.3] */
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_BOOT_DEVICE 12
#define MBI_CMDLINE 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_LOADER_NAME 64

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void wr32(uint8_t *p, uint32_t v)
{
    for (unsigned k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k));
}
static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

bool multiboot_find_header(const uint8_t *img, size_t len, uint32_t *offset)
{
    /* "The Multiboot header must be contained completely within the first 8192 bytes of the OS
     * image, and must be longword (32-bit) aligned." magic + flags + checksum = 0 mod 2^32.
     * [MB 3.1.1, 3.1.2] */
    size_t lim = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;
    for (size_t off = 0; off + 12 <= lim; off += 4) {
        if (rd32(img + off) != MULTIBOOT_HEADER_MAGIC) continue;
        if ((uint32_t)(rd32(img + off) + rd32(img + off + 4) + rd32(img + off + 8)) != 0) continue;
        *offset = (uint32_t)off;
        return true;
    }
    return false;
}

/* A piece of the image to put in guest memory: file bytes [off, off+filesz) at paddr, then zeroes
 * up to memsz. */
struct mb_seg {
    uint64_t paddr, off, filesz, memsz;
};
#define MB_MAX_SEGS 32

static bool parse_aout(const uint8_t *img, size_t len, uint32_t hoff, struct mb_seg *seg,
                       uint64_t *entry, char *err, size_t errlen)
{
    /* [MB 3.1.3] address fields at header offsets 12..28 */
    if ((uint64_t)hoff + 32 > len) {
        snprintf(err, errlen, "multiboot header is truncated");
        return false;
    }
    uint32_t header_addr = rd32(img + hoff + 12), load_addr = rd32(img + hoff + 16);
    uint32_t load_end = rd32(img + hoff + 20), bss_end = rd32(img + hoff + 24);
    *entry = rd32(img + hoff + 28);
    /* header_addr is where the header itself lands, so the file offset of load_addr is
     * hoff - (header_addr - load_addr) */
    if (header_addr < load_addr || header_addr - load_addr > hoff) {
        snprintf(err, errlen,
                 "multiboot a.out fields are inconsistent: header_addr 0x%x, load_addr 0x%x at "
                 "file offset 0x%x",
                 header_addr, load_addr, hoff);
        return false;
    }
    uint64_t foff = hoff - (header_addr - load_addr);
    /* load_end_addr 0: "the text and data segments occupy the whole OS image file" */
    uint64_t fsz = load_end ? (uint64_t)load_end - load_addr : len - foff;
    if (load_end && load_end < load_addr) {
        snprintf(err, errlen, "multiboot load_end_addr 0x%x is below load_addr 0x%x", load_end,
                 load_addr);
        return false;
    }
    if (foff + fsz > len) {
        snprintf(err, errlen, "multiboot image is truncated: load_end_addr wants %llu bytes, "
                              "the file has %llu from the load offset",
                 (unsigned long long)fsz, (unsigned long long)(len - foff));
        return false;
    }
    uint64_t msz = fsz;
    /* bss_end_addr 0: no bss */
    if (bss_end) {
        if (bss_end < load_addr + fsz) {
            snprintf(err, errlen, "multiboot bss_end_addr 0x%x is below the loaded data", bss_end);
            return false;
        }
        msz = (uint64_t)bss_end - load_addr;
    }
    *seg = (struct mb_seg){load_addr, foff, fsz, msz};
    return true;
}

static bool parse_elf32(const uint8_t *img, size_t len, struct mb_seg *segs, unsigned *nseg,
                        uint64_t *entry, char *err, size_t errlen)
{
    /* ELF header and program headers (System V ABI, ELF32: e_entry 24, e_phoff 28,
     * e_phentsize 42, e_phnum 44; Phdr: p_type 0, p_offset 4, p_vaddr 8, p_paddr 12,
     * p_filesz 16, p_memsz 20) */
    if (len < 52 || memcmp(img, "\x7f" "ELF", 4) != 0) {
        snprintf(err, errlen, "multiboot image without the a.out kludge flag must be ELF");
        return false;
    }
    if (img[4] == 2) {
        snprintf(err, errlen, "64-bit ELF multiboot images are not supported; give a 32-bit one "
                              "(e.g. objcopy -O elf32-i386)");
        return false;
    }
    if (img[4] != 1 || img[5] != 1) {
        snprintf(err, errlen, "multiboot ELF image is not 32-bit little-endian");
        return false;
    }
    uint16_t machine = rd16(img + 18);
    if (machine != 3 && machine != 62) { /* EM_386, EM_X86_64 */
        snprintf(err, errlen, "multiboot ELF image is for machine %u, not x86", machine);
        return false;
    }
    uint32_t phoff = rd32(img + 28);
    uint16_t phentsize = rd16(img + 42), phnum = rd16(img + 44);
    if (phentsize < 32 || (uint64_t)phoff + (uint64_t)phentsize * phnum > len) {
        snprintf(err, errlen, "multiboot ELF program headers are truncated");
        return false;
    }
    uint32_t e_entry = rd32(img + 24);
    *entry = e_entry;
    bool translated = false;
    unsigned n = 0;
    for (unsigned k = 0; k < phnum; k++) {
        const uint8_t *ph = img + phoff + (size_t)k * phentsize;
        if (rd32(ph) != 1) continue; /* PT_LOAD */
        uint32_t off = rd32(ph + 4), vaddr = rd32(ph + 8), paddr = rd32(ph + 12);
        uint32_t filesz = rd32(ph + 16), memsz = rd32(ph + 20);
        if (memsz == 0) continue;
        if ((uint64_t)off + filesz > len || filesz > memsz) {
            snprintf(err, errlen, "multiboot ELF segment %u lies outside the file", k);
            return false;
        }
        if (n == MB_MAX_SEGS) {
            snprintf(err, errlen, "multiboot ELF image has more than %u loadable segments",
                     MB_MAX_SEGS);
            return false;
        }
        segs[n++] = (struct mb_seg){paddr, off, filesz, memsz};
        /* Segments are loaded at their physical addresses; an entry point given as a virtual
         * address inside a segment linked elsewhere is moved with it (QEMU does the same). */
        if (!translated && vaddr != paddr && e_entry >= vaddr && e_entry - vaddr < memsz) {
            *entry = (uint64_t)e_entry - vaddr + paddr;
            translated = true;
        }
    }
    if (!n) {
        snprintf(err, errlen, "multiboot ELF image has no loadable segment");
        return false;
    }
    *nseg = n;
    return true;
}

/* Splits the -initrd module list: items separated by ',', a doubled ",," standing for a literal
 * comma (QEMU's convention). Each item is "file [args]"; the module's string is the whole item.
 * Returns the number of items (or -1 if there are too many); items[] point into buf. */
static int split_modules(const char *list, char *buf, char **items, int max)
{
    int n = 0;
    char *w = buf;
    const char *p = list;
    items[n++] = w;
    for (; *p; p++) {
        if (*p == ',') {
            if (p[1] == ',') {
                *w++ = ',';
                p++;
                continue;
            }
            *w++ = 0;
            if (n == max) return -1;
            items[n++] = w;
            continue;
        }
        *w++ = *p;
    }
    *w = 0;
    return n;
}

/* Builds the low area (mmap, MBI, module list, strings) in a host buffer mirroring
 * [MB_MMAP_ADDR, MB_LOW_END). */
struct lowbuf {
    uint8_t *b;
    uint32_t used; /* next free guest address for strings */
};

static uint32_t low_string(struct lowbuf *lb, const char *s, bool *ok)
{
    size_t n = strlen(s) + 1;
    if (lb->used + n > MB_LOW_END) {
        *ok = false;
        return 0;
    }
    uint32_t at = lb->used;
    memcpy(lb->b + (at - MB_MMAP_ADDR), s, n);
    lb->used += (uint32_t)n;
    return at;
}

/* Does [lo, hi) intersect the GDT or the boot information area? */
static bool clashes_low(uint64_t lo, uint64_t hi, uint64_t gdt_addr)
{
    return (lo < MB_LOW_END && hi > MB_MMAP_ADDR) || (lo < gdt_addr + BOOT_GDT_SIZE && hi > gdt_addr);
}

bool multiboot_boot_image(struct memmap *m, const struct multiboot_config *cfg, const uint8_t *img,
                          size_t len, const char *kernel_name, struct boot_entry *e,
                          struct multiboot_boot_info *info, char *err, size_t errlen)
{
    struct multiboot_boot_info mi;
    memset(&mi, 0, sizeof mi);
    uint32_t hoff;
    if (!multiboot_find_header(img, len, &hoff)) {
        snprintf(err, errlen, "no multiboot header (magic 0x1BADB002 with a valid checksum) in "
                              "the first 8 KiB");
        return false;
    }
    uint32_t flags = rd32(img + hoff + 4);
    mi.header_offset = hoff;
    mi.header_flags = flags;
    /* "If bits in 0-15 are set that the boot loader doesn't understand, it must fail" (bit 2,
     * video mode, is understood: the table is optional and we provide none) [MB 3.1.2] */
    if (flags & 0xFFF8u) {
        snprintf(err, errlen, "multiboot header requires unsupported features (flags 0x%x)", flags);
        return false;
    }

    struct boot_e820 defmap[8];
    const struct boot_e820 *map = cfg->e820;
    unsigned nmap = cfg->e820_count;
    if (!map || !nmap) {
        nmap = boot_e820_pc(cfg->ram_size, 0xC0000000ull, defmap, ARRAY_SIZE(defmap));
        map = defmap;
    }
    if (nmap > MB_MMAP_MAX) {
        snprintf(err, errlen, "E820 map has %u entries; at most %u fit at 0x%x", nmap,
                 MB_MMAP_MAX, MB_MMAP_ADDR);
        return false;
    }
    uint64_t gdt_addr = cfg->gdt_addr ? cfg->gdt_addr : 0x6000;

    struct mb_seg segs[MB_MAX_SEGS];
    unsigned nseg = 1;
    uint64_t entry;
    /* bit 16: use the header's address fields instead of the executable format [MB 3.1.3] */
    mi.aout_kludge = (flags & MB_HF_AOUT_KLUDGE) != 0;
    if (mi.aout_kludge) {
        if (!parse_aout(img, len, hoff, &segs[0], &entry, err, errlen)) return false;
    } else {
        if (!parse_elf32(img, len, segs, &nseg, &entry, err, errlen)) return false;
    }
    mi.entry = entry;
    mi.load_lo = UINT64_MAX;
    for (unsigned k = 0; k < nseg; k++) {
        uint64_t lo = segs[k].paddr, hi = segs[k].paddr + segs[k].memsz;
        if (hi > 0x100000000ull) {
            snprintf(err, errlen, "multiboot segment [0x%llx, 0x%llx) crosses 4 GiB",
                     (unsigned long long)lo, (unsigned long long)hi);
            return false;
        }
        if (!boot_e820_covers(map, nmap, lo, hi - lo)) {
            snprintf(err, errlen, "multiboot image does not fit in RAM: [0x%llx, 0x%llx) is not "
                                  "usable memory",
                     (unsigned long long)lo, (unsigned long long)hi);
            return false;
        }
        if (clashes_low(lo, hi, gdt_addr)) {
            snprintf(err, errlen, "multiboot image [0x%llx, 0x%llx) overlaps the GDT at 0x%llx or "
                                  "the boot information area [0x%x, 0x%x)",
                     (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)gdt_addr,
                     MB_MMAP_ADDR, MB_LOW_END);
            return false;
        }
        if (lo < mi.load_lo) mi.load_lo = lo;
        if (hi > mi.load_hi) mi.load_hi = hi;
    }

    /* ---- modules: read now so that nothing is written if one is missing ---- */
    char *modbuf = NULL, *items[MULTIBOOT_MAX_MODULES];
    uint8_t *moddata[MULTIBOOT_MAX_MODULES] = {0};
    size_t modlen[MULTIBOOT_MAX_MODULES] = {0};
    int nmods = 0;
    bool ok = true;
    uint8_t *low = NULL;
    if (cfg->modules && *cfg->modules) {
        modbuf = malloc(strlen(cfg->modules) + 1);
        if (!modbuf) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        nmods = split_modules(cfg->modules, modbuf, items, MULTIBOOT_MAX_MODULES);
        if (nmods < 0) {
            snprintf(err, errlen, "more than %d multiboot modules", MULTIBOOT_MAX_MODULES);
            ok = false;
            nmods = 0;
        }
    }
    uint64_t cur = (mi.load_hi + 0xFFF) & ~0xFFFull;
    for (int k = 0; ok && k < nmods; k++) {
        char fname[4096];
        size_t fl = strcspn(items[k], " ");
        if (fl == 0 || fl >= sizeof fname) {
            snprintf(err, errlen, "bad multiboot module name in '%s'", items[k]);
            ok = false;
            break;
        }
        memcpy(fname, items[k], fl);
        fname[fl] = 0;
        if (!boot_read_file(fname, false, 4095ull << 20, &moddata[k], &modlen[k], err, errlen)) {
            ok = false;
            break;
        }
        /* modules go page aligned after the image (QEMU aligns every module whether or not
         * header flag 0 asks for it) [MB 3.1.2 bit 0] */
        mi.mod_start[k] = cur;
        mi.mod_end[k] = cur + modlen[k];
        if (mi.mod_end[k] > 0x100000000ull || !boot_e820_covers(map, nmap, cur, modlen[k]) ||
            clashes_low(cur, mi.mod_end[k], gdt_addr)) {
            snprintf(err, errlen, "multiboot module '%s' (%zu bytes) does not fit in RAM at "
                                  "0x%llx",
                     fname, modlen[k], (unsigned long long)cur);
            ok = false;
            break;
        }
        cur = (mi.mod_end[k] + 0xFFF) & ~0xFFFull;
    }
    mi.nmods = ok ? (unsigned)nmods : 0;

    /* ---- the low area: mmap, MBI, module list, strings ---- */
    if (ok) {
        low = calloc(1, MB_LOW_END - MB_MMAP_ADDR);
        if (!low) {
            snprintf(err, errlen, "out of memory");
            ok = false;
        }
    }
    if (ok && !boot_e820_covers(map, nmap, gdt_addr, BOOT_GDT_SIZE)) {
        snprintf(err, errlen, "GDT at 0x%llx is not in usable RAM", (unsigned long long)gdt_addr);
        ok = false;
    }
    if (ok) {
        struct lowbuf lb = {low, MB_MODS_ADDR + (uint32_t)nmods * 16};
        bool room = true;
        uint8_t *mbi = low + (MB_INFO_ADDR - MB_MMAP_ADDR);
        uint32_t mbflags = MB_IF_MEMORY | MB_IF_BOOTDEV | MB_IF_CMDLINE | MB_IF_MODS | MB_IF_MMAP |
                           MB_IF_LOADER_NAME;
        wr32(mbi + MBI_FLAGS, mbflags);

        /* mem_lower: KiB of memory from 0 (at most 640); mem_upper: KiB from 1 MiB up to the
         * first hole [MB 3.3] */
        uint64_t lower = 0, upper = 0x100000;
        for (bool adv = true; adv;) {
            adv = false;
            for (unsigned k = 0; k < nmap; k++) {
                if (map[k].type != BOOT_E820_RAM) continue;
                if (lower >= map[k].addr && lower - map[k].addr < map[k].size) {
                    lower = map[k].addr + map[k].size;
                    adv = true;
                }
                if (upper >= map[k].addr && upper - map[k].addr < map[k].size) {
                    upper = map[k].addr + map[k].size;
                    adv = true;
                }
            }
        }
        if (lower > 0xA0000) lower = 0xA0000;
        uint64_t upper_kib = (upper - 0x100000) >> 10;
        wr32(mbi + MBI_MEM_LOWER, (uint32_t)(lower >> 10));
        wr32(mbi + MBI_MEM_UPPER, (uint32_t)(upper_kib > 0xFFFFFFFFu ? 0xFFFFFFFFu : upper_kib));
        /* boot_device: BIOS drive 0x80, no partition (0xFF = unused) -- QEMU's value */
        wr32(mbi + MBI_BOOT_DEVICE, 0x8000FFFFu);

        /* the command line starts with the kernel's name, as GRUB legacy and QEMU pass it
         * (Xen skips this first word) */
        const char *name = kernel_name ? kernel_name : "kernel";
        const char *args = cfg->cmdline ? cfg->cmdline : "";
        char *cl = malloc(strlen(name) + strlen(args) + 2);
        if (!cl) {
            ok = false;
            snprintf(err, errlen, "out of memory");
        } else {
            sprintf(cl, "%s %s", name, args);
            mi.cmdline_addr = low_string(&lb, cl, &room);
            wr32(mbi + MBI_CMDLINE, (uint32_t)mi.cmdline_addr);
            free(cl);
        }
        wr32(mbi + MBI_LOADER_NAME, low_string(&lb, MB_LOADER_NAME, &room));

        /* module list: {mod_start, mod_end (exclusive), string, reserved} [MB 3.3] */
        wr32(mbi + MBI_MODS_COUNT, (uint32_t)nmods);
        wr32(mbi + MBI_MODS_ADDR, MB_MODS_ADDR);
        for (int k = 0; k < nmods; k++) {
            uint8_t *md = low + (MB_MODS_ADDR - MB_MMAP_ADDR) + 16 * k;
            wr32(md, (uint32_t)mi.mod_start[k]);
            wr32(md + 4, (uint32_t)mi.mod_end[k]);
            wr32(md + 8, low_string(&lb, items[k], &room));
        }

        /* mmap: entries {u32 size (20, excluding itself), u64 base, u64 length, u32 type} */
        for (unsigned k = 0; k < nmap; k++) {
            uint8_t *me = low + 24 * k;
            wr32(me, 20);
            wr64(me + 4, map[k].addr);
            wr64(me + 12, map[k].size);
            wr32(me + 20, map[k].type);
        }
        wr32(mbi + MBI_MMAP_LENGTH, 24 * nmap);
        wr32(mbi + MBI_MMAP_ADDR, MB_MMAP_ADDR);
        mi.mbi_addr = MB_INFO_ADDR;
        mi.mmap_addr = MB_MMAP_ADDR;

        if (ok && !room) {
            snprintf(err, errlen, "multiboot strings overflow the area below 0x%x", MB_LOW_END);
            ok = false;
        }
        if (ok && !boot_e820_covers(map, nmap, MB_MMAP_ADDR, lb.used - MB_MMAP_ADDR)) {
            snprintf(err, errlen, "multiboot information area [0x%x, 0x%x) is not usable RAM",
                     MB_MMAP_ADDR, lb.used);
            ok = false;
        }
        /* ---- write guest memory ---- */
        if (ok && !boot_write(m, MB_MMAP_ADDR, low, lb.used - MB_MMAP_ADDR)) {
            snprintf(err, errlen, "cannot write the multiboot information");
            ok = false;
        }
    }
    for (unsigned k = 0; ok && k < nseg; k++) {
        if (!boot_write(m, segs[k].paddr, img + segs[k].off, segs[k].filesz) ||
            !boot_write(m, segs[k].paddr + segs[k].filesz, NULL, segs[k].memsz - segs[k].filesz)) {
            snprintf(err, errlen, "multiboot image does not fit in RAM at 0x%llx",
                     (unsigned long long)segs[k].paddr);
            ok = false;
        }
    }
    for (int k = 0; ok && k < nmods; k++) {
        if (!boot_write(m, mi.mod_start[k], moddata[k], modlen[k])) {
            snprintf(err, errlen, "multiboot module %d does not fit in RAM", k);
            ok = false;
        }
    }
    if (ok && !boot_flat32_entry(m, gdt_addr, e)) {
        snprintf(err, errlen, "cannot write the GDT at 0x%llx", (unsigned long long)gdt_addr);
        ok = false;
    }
    if (ok) {
        /* Machine state [MB 3.2]: EAX magic, EBX = physical address of the information
         * structure, CS/DS/ES/FS/GS/SS flat 32-bit, A20 on (the board's job), CR0.PG=0 PE=1,
         * EFLAGS.VM=0 IF=0; ESP, GDTR, IDTR undefined. */
        e->rax = MULTIBOOT_BOOTLOADER_MAGIC;
        e->rbx = MB_INFO_ADDR;
        e->rip = entry;
        e->rsp = MB_MMAP_ADDR; /* undefined by the spec: free low RAM below the information */
    }
    for (int k = 0; k < nmods; k++) boot_free_file(moddata[k], modlen[k]);
    free(modbuf);
    free(low);
    if (ok && info) *info = mi;
    return ok;
}

bool multiboot_boot_load(struct memmap *m, const struct multiboot_config *cfg,
                         const char *kernel_path, struct boot_entry *e,
                         struct multiboot_boot_info *info, char *err, size_t errlen)
{
    uint8_t *img;
    size_t len;
    if (!boot_read_file(kernel_path, true, 256ull << 20, &img, &len, err, errlen)) return false;
    char sub[512];
    bool ok = multiboot_boot_image(m, cfg, img, len, kernel_path, e, info, sub, sizeof sub);
    if (!ok) snprintf(err, errlen, "%s: %s", kernel_path, sub);
    boot_free_file(img, len);
    return ok;
}
