/* Direct Linux boot through the x86 boot protocol's 32-bit entry, without firmware.
 *
 * References: Documentation/arch/x86/boot.rst ("The Real-Mode Kernel Header", "Details of Header
 * Fields", "32-bit Boot Protocol"; cited as [boot.rst]) and Documentation/arch/x86/zero-page.rst
 * ([zero-page.rst]); PLATFORM.md A.6.1.
 *
 * Guest memory layout chosen here (all below 1 MiB outside the kernel's way):
 *   0x6000  GDT (null, null, __BOOT_CS 0x10, __BOOT_DS 0x18)
 *   0x7000  struct boot_params (the zero page, 4 KiB)
 *   0x20000 kernel command line (QEMU uses the same address)
 *   1 MiB   protected-mode kernel (code32_start)
 *   high    initrd, page aligned, as high as RAM and initrd_addr_max allow
 */
#include "bios/linuxboot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mmu/memmap.h"

/* ---------------------------------------------------------------- shared helpers */

unsigned boot_e820_pc(uint64_t ram_size, uint64_t below_4g, struct boot_e820 *out, unsigned max)
{
    uint64_t low = ram_size < below_4g ? ram_size : below_4g;
    struct boot_e820 tmp[5];
    unsigned n = 0;
    uint64_t base_end = low < 0x9FC00 ? low : 0x9FC00;
    tmp[n++] = (struct boot_e820){0, base_end, BOOT_E820_RAM};
    if (low > 0x9FC00) tmp[n++] = (struct boot_e820){0x9FC00, 0x400, BOOT_E820_RESERVED};
    tmp[n++] = (struct boot_e820){0xF0000, 0x10000, BOOT_E820_RESERVED};
    if (low > 0x100000) tmp[n++] = (struct boot_e820){0x100000, low - 0x100000, BOOT_E820_RAM};
    if (ram_size > low) tmp[n++] = (struct boot_e820){1ull << 32, ram_size - low, BOOT_E820_RAM};
    if (n > max) n = max;
    memcpy(out, tmp, n * sizeof *out);
    return n;
}

bool boot_e820_covers(const struct boot_e820 *map, unsigned n, uint64_t addr, uint64_t len)
{
    uint64_t cur = addr, end = addr + len;
    if (end < addr) return false;
    while (cur < end) {
        bool advanced = false;
        for (unsigned k = 0; k < n; k++) {
            if (map[k].type != BOOT_E820_RAM) continue;
            if (cur >= map[k].addr && cur - map[k].addr < map[k].size) {
                cur = map[k].addr + map[k].size;
                advanced = true;
            }
        }
        if (!advanced) return false;
    }
    return true;
}

bool boot_write(struct memmap *m, uint64_t gpa, const void *src, uint64_t len)
{
    const uint8_t *s = src;
    while (len) {
        uint64_t n = 4096 - (gpa & 4095);
        if (n > len) n = len;
        uint8_t *p = phys_host(m, gpa, true);
        /* the whole chunk lies in one page; check it is all in the same RAM backing */
        if (!p || phys_host(m, gpa + n - 1, true) != p + n - 1) return false;
        if (s) {
            memcpy(p, s, n);
            s += n;
        } else {
            memset(p, 0, n);
        }
        memmap_code_write(m, (uint64_t)(p - m->host) >> 12);
        gpa += n;
        len -= n;
    }
    return true;
}

/* Reads the whole of an open stream (gzip through zlib, or plain) into a malloc'd buffer. */
static bool read_stream(const char *path, gzFile gz, FILE *f, uint64_t max_len, uint8_t **buf,
                        size_t *len, char *err, size_t errlen)
{
    size_t cap = 1 << 20, used = 0;
    uint8_t *b = malloc(cap);
    bool ok = b != NULL;
    if (!b) snprintf(err, errlen, "out of memory reading '%s'", path);
    while (ok) {
        if (used == cap) {
            if (cap > max_len) {
                snprintf(err, errlen, "'%s' is larger than %llu MiB", path,
                         (unsigned long long)(max_len >> 20));
                ok = false;
                break;
            }
            uint8_t *nb = realloc(b, cap * 2);
            if (!nb) {
                ok = false;
                snprintf(err, errlen, "out of memory reading '%s'", path);
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t want = cap - used;
        if (want > (1u << 30)) want = 1u << 30;
        size_t got;
        if (gz) {
            int r = gzread(gz, b + used, (unsigned)want);
            if (r < 0) {
                int e;
                const char *msg = gzerror(gz, &e);
                /* a system error: zlib's text would name the descriptor, not the file */
                if (e == Z_ERRNO) msg = strerror(errno);
                snprintf(err, errlen, "cannot read '%s': %s", path, msg);
                ok = false;
                break;
            }
            got = (size_t)r;
        } else {
            got = fread(b + used, 1, want, f);
            if (got == 0 && ferror(f)) {
                snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
                ok = false;
                break;
            }
        }
        if (got == 0) break;
        used += got;
    }
    if (ok && used > max_len) {
        snprintf(err, errlen, "'%s' is larger than %llu MiB", path,
                 (unsigned long long)(max_len >> 20));
        ok = false;
    }
    if (!ok) {
        free(b);
        return false;
    }
    *buf = b;
    *len = used;
    return true;
}

static size_t page_round(size_t n)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t p = pg > 0 ? (size_t)pg : 4096;
    return (n + p - 1) / p * p;
}

/* An empty file reads as a zero-length buffer at this address (never unmapped). */
static uint8_t empty_file[1];

/* A plain file is mapped, not read: its pages come from the page cache and are never copied or
 * zeroed in this process, which for a 100 MiB initrd saves a large share of the loader's time.
 * Anything else (gzip data to decompress, a pipe) is read through read_stream and moved into an
 * anonymous mapping, so that boot_free_file has one way to release every buffer. */
bool boot_read_file(const char *path, bool gunzip, uint64_t max_len, uint8_t **buf, size_t *len,
                    char *err, size_t errlen)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        uint8_t magic[2] = {0, 0};
        bool gz = false;
        if (gunzip && st.st_size >= 2) {
            if (pread(fd, magic, 2, 0) != 2) {
                snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
                close(fd);
                return false;
            }
            gz = magic[0] == 0x1f && magic[1] == 0x8b; /* RFC 1952 2.3.1 ID1, ID2 */
        }
        if (!gz) {
            if ((uint64_t)st.st_size > max_len) {
                snprintf(err, errlen, "'%s' is larger than %llu MiB", path,
                         (unsigned long long)(max_len >> 20));
                close(fd);
                return false;
            }
            if (st.st_size == 0) {
                close(fd);
                *buf = empty_file;
                return true;
            }
            void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
            close(fd); /* the mapping keeps the file */
            if (p == MAP_FAILED) {
                snprintf(err, errlen, "cannot map '%s': %s", path, strerror(errno));
                return false;
            }
            *buf = p;
            *len = (size_t)st.st_size;
            return true;
        }
    }
    /* gzread passes files that are not gzip through unchanged (zlib.h gzread) */
    gzFile gzf = NULL;
    FILE *f = NULL;
    if (gunzip) gzf = gzdopen(fd, "rb");
    else f = fdopen(fd, "rb");
    if (!gzf && !f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        close(fd);
        return false;
    }
    uint8_t *b;
    size_t used;
    bool ok = read_stream(path, gzf, f, max_len, &b, &used, err, errlen);
    if (gzf) gzclose(gzf);
    if (f) fclose(f);
    if (!ok) return false;
    if (used == 0) {
        free(b);
        *buf = empty_file;
        return true;
    }
    void *p = mmap(NULL, page_round(used), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) {
        free(b);
        snprintf(err, errlen, "out of memory reading '%s'", path);
        return false;
    }
    memcpy(p, b, used);
    free(b);
    *buf = p;
    *len = used;
    return true;
}

void boot_free_file(uint8_t *buf, size_t len)
{
    if (!buf || buf == empty_file) return;
    munmap(buf, page_round(len));
}

/* Segment descriptor for a flat 4 GiB segment (SDM Vol.3A 3.4.5 Figure 3-8):
 *   63..56 base 31:24 | 55 G | 54 D/B | 53 L | 52 AVL | 51..48 limit 19:16 | 47 P | 46..45 DPL |
 *   44 S | 43..40 type | 39..16 base 23:0 | 15..0 limit 15:0
 * type 0xB = code execute/read accessed, 0x3 = data read/write accessed (SDM Vol.3A 3.4.5.1). The
 * accessed bits are preset so the descriptors agree with the caches we hand to the board. */
#define AR_CODE32 0xC09Bu /* G, D/B, P, S, type 0xB */
#define AR_DATA32 0xC093u /* G, D/B, P, S, type 0x3 */

static uint64_t flat_descriptor(uint32_t ar)
{
    return 0xFFFFull | ((uint64_t)(ar & 0xFF) << 40) | (0xFull << 48) |
           ((uint64_t)((ar >> 12) & 0xF) << 52);
}

bool boot_flat32_entry(struct memmap *m, uint64_t gdt_addr, struct boot_entry *e)
{
    uint64_t gdt[4] = {0, 0, flat_descriptor(AR_CODE32), flat_descriptor(AR_DATA32)};
    uint8_t raw[BOOT_GDT_SIZE];
    for (unsigned k = 0; k < 4; k++)
        for (unsigned b = 0; b < 8; b++) raw[k * 8 + b] = (uint8_t)(gdt[k] >> (8 * b));
    if (!boot_write(m, gdt_addr, raw, sizeof raw)) return false;

    memset(e, 0, sizeof *e);
    struct boot_seg code = {BOOT_CS, 0, 0xFFFFFFFFu, AR_CODE32};
    struct boot_seg data = {BOOT_DS, 0, 0xFFFFFFFFu, AR_DATA32};
    e->cs = code;
    e->ds = e->es = e->fs = e->gs = e->ss = data;
    /* TR as INIT/reset leaves it: type 11 (busy 32-bit TSS), present (SDM Vol.3A 10.1.1 Table
     * 10-1 "Processor State Following Power-up, Reset, or INIT") */
    e->tr = (struct boot_seg){0, 0, 0xFFFF, 0x8B};
    e->gdt_base = gdt_addr;
    e->gdt_limit = BOOT_GDT_SIZE - 1;
    e->rflags = 0x2;        /* IF=0; bit 1 is reserved as 1 (SDM Vol.1 3.4.3) */
    e->cr0 = 0x11;          /* PE | ET (SDM Vol.3A 2.5); PG=0 */
    return true;
}

/* ---------------------------------------------------------------- bzImage header */

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }
static void put8(uint8_t *p, uint8_t v) { p[0] = v; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* Setup header offsets within the image / boot_params [boot.rst "The Real-Mode Kernel Header"] */
#define HDR_SETUP_SECTS 0x1F1
#define HDR_SYSSIZE 0x1F4
#define HDR_VID_MODE 0x1FA
#define HDR_BOOT_FLAG 0x1FE
#define HDR_JUMP 0x200
#define HDR_HEADER 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21C
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22C
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_MIN_ALIGNMENT 0x235
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260

/* Zero-page fields outside the setup header [zero-page.rst] */
#define BP_SCREEN_INFO 0x000
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0C0
#define BP_EXT_RAMDISK_SIZE 0x0C4
#define BP_EXT_CMD_LINE_PTR 0x0C8
#define BP_ALT_MEM_K 0x1E0
#define BP_E820_ENTRIES 0x1E8
#define BP_E820_TABLE 0x2D0
#define BP_E820_MAX 128 /* E820_MAX_ENTRIES_ZEROPAGE */
#define BP_SIZE 4096

#define LINUX_MIN_PROTOCOL 0x0202

bool linux_parse_header(const uint8_t *img, size_t len, struct linux_header *h, char *err,
                        size_t errlen)
{
    memset(h, 0, sizeof *h);
    if (len < 0x264 + 4) {
        snprintf(err, errlen, "kernel image is too short (%zu bytes) to be a bzImage", len);
        return false;
    }
    /* "HdrS" (0x53726448) at 0x202 marks protocol 2.00+ [boot.rst "header"] */
    if (memcmp(img + HDR_HEADER, "HdrS", 4) != 0) {
        snprintf(err, errlen, "not a Linux bzImage: no \"HdrS\" magic at offset 0x202");
        return false;
    }
    h->version = get16(img + HDR_VERSION);
    if (h->version < LINUX_MIN_PROTOCOL) {
        snprintf(err, errlen, "Linux boot protocol %u.%02u is too old (need 2.02 or later)",
                 h->version >> 8, h->version & 0xFF);
        return false;
    }
    h->setup_sects = img[HDR_SETUP_SECTS];
    /* "If this field is 0, the real value is 4." [boot.rst setup_sects] */
    unsigned sects = h->setup_sects ? h->setup_sects : 4;
    h->setup_size = (uint64_t)(sects + 1) * 512;
    h->header_end = 0x202 + img[0x201]; /* [boot.rst "64-bit BOOT PROTOCOL"] */
    h->syssize = get32(img + HDR_SYSSIZE); /* 32 bits from 2.04 */
    if (h->version < 0x0204) h->syssize &= 0xFFFF;
    h->loadflags = img[HDR_LOADFLAGS];
    h->code32_start = get32(img + HDR_CODE32_START);
    /* initrd_addr_max: "for boot protocols 2.02 or earlier, this field is not present, and the
     * maximum address is 0x37FFFFFF" [boot.rst initrd_addr_max] */
    h->initrd_addr_max = h->version >= 0x0203 ? get32(img + HDR_INITRD_ADDR_MAX) : 0x37FFFFFF;
    if (h->version >= 0x0205) {
        h->kernel_alignment = get32(img + HDR_KERNEL_ALIGNMENT);
        h->relocatable = img[HDR_RELOCATABLE];
    }
    if (h->version >= 0x020A) h->min_alignment = img[HDR_MIN_ALIGNMENT];
    if (h->version >= 0x020C) h->xloadflags = get16(img + HDR_XLOADFLAGS);
    /* cmdline_size: "for protocols prior to 2.06, the maximum command line size is 255"
     * [boot.rst cmdline_size] */
    h->cmdline_size = h->version >= 0x0206 ? get32(img + HDR_CMDLINE_SIZE) : 255;
    if (h->version >= 0x020A) {
        h->pref_address = get64(img + HDR_PREF_ADDRESS);
        h->init_size = get32(img + HDR_INIT_SIZE);
    } else {
        h->pref_address = 0x100000;
    }
    if (h->header_end > 0x290 || h->header_end < HDR_VERSION + 2) {
        snprintf(err, errlen, "bzImage setup header end 0x%x is implausible", h->header_end);
        return false;
    }
    /* a zImage (LOADED_HIGH clear) would need the kernel at 0x10000 and the real-mode path */
    if (!(h->loadflags & LINUX_LOADED_HIGH)) {
        snprintf(err, errlen, "kernel is a zImage (loadflags.LOADED_HIGH clear); only bzImage is "
                              "supported");
        return false;
    }
    if (h->setup_size >= len) {
        snprintf(err, errlen, "bzImage is truncated: setup code (%llu bytes) fills the file",
                 (unsigned long long)h->setup_size);
        return false;
    }
    h->kernel_size = len - h->setup_size;
    if ((uint64_t)h->syssize * 16 > h->kernel_size) {
        snprintf(err, errlen,
                 "bzImage is truncated: syssize says %llu bytes of kernel, the file has %llu",
                 (unsigned long long)h->syssize * 16, (unsigned long long)h->kernel_size);
        return false;
    }
    if (h->relocatable && h->kernel_alignment && (h->kernel_alignment & (h->kernel_alignment - 1))) {
        snprintf(err, errlen, "bzImage kernel_alignment 0x%x is not a power of two",
                 h->kernel_alignment);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- loading */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Where the kernel will run/decompress: a relocatable kernel (2.05+) moves itself to its load
 * address rounded up to kernel_alignment, but never below LOAD_PHYSICAL_ADDR (= pref_address);
 * others run at pref_address. init_size bytes from there are needed
 * [boot.rst init_size, pref_address; arch/x86/boot/compressed/head_64.S startup_32]. */
static void kernel_footprint(const struct linux_header *h, uint64_t load, uint64_t *lo, uint64_t *hi)
{
    uint64_t start = load;
    if (h->version >= 0x020A) {
        if (h->relocatable && h->kernel_alignment) {
            uint64_t a = h->kernel_alignment;
            start = (load + a - 1) & ~(a - 1);
            if (start < h->pref_address) start = h->pref_address;
        } else {
            start = h->pref_address;
        }
    }
    uint64_t size = h->init_size > h->kernel_size ? h->init_size : h->kernel_size;
    *lo = start;
    *hi = start + size;
    /* the compressed image itself stays where it was loaded until it is moved */
    if (load < *lo) *lo = load;
    if (load + h->kernel_size > *hi) *hi = load + h->kernel_size;
}

bool linux_boot_image(struct memmap *m, const struct linux_boot_config *cfg, const uint8_t *kernel,
                      size_t kernel_len, const uint8_t *initrd, size_t initrd_len,
                      struct boot_entry *e, struct linux_boot_info *info, char *err,
                      size_t errlen)
{
    struct linux_boot_info li;
    memset(&li, 0, sizeof li);
    struct linux_header *h = &li.hdr;
    if (!linux_parse_header(kernel, kernel_len, h, err, errlen)) return false;

    struct boot_e820 defmap[8];
    const struct boot_e820 *map = cfg->e820;
    unsigned nmap = cfg->e820_count;
    if (!map || !nmap) {
        nmap = boot_e820_pc(cfg->ram_size, 0xC0000000ull, defmap, ARRAY_SIZE(defmap));
        map = defmap;
    }

    uint64_t load = cfg->load_addr ? cfg->load_addr : 0x100000;
    uint64_t bp_addr = cfg->boot_params_addr ? cfg->boot_params_addr : 0x7000;
    uint64_t cl_addr = cfg->cmdline_addr ? cfg->cmdline_addr : 0x20000;
    uint64_t gdt_addr = cfg->gdt_addr ? cfg->gdt_addr : 0x6000;
    const char *cmdline = cfg->cmdline ? cfg->cmdline : "";
    size_t cl_len = strlen(cmdline);

    /* cmdline_size "does not include the terminating null" [boot.rst cmdline_size] */
    if (cl_len > h->cmdline_size) {
        snprintf(err, errlen, "kernel command line is %zu bytes; this kernel accepts at most %u",
                 cl_len, h->cmdline_size);
        return false;
    }
    /* The 32-bit entry needs everything below 4 GiB: code32_start and the 32-bit pointer fields */
    if (load + h->kernel_size > 0x100000000ull || bp_addr + BP_SIZE > 0x100000000ull ||
        cl_addr + cl_len + 1 > 0x100000000ull) {
        snprintf(err, errlen, "kernel, zero page and command line must lie below 4 GiB");
        return false;
    }
    /* Any load address works for a relocatable kernel: "a relocatable kernel that is loaded at an
     * alignment incompatible with the value in this field will be realigned during kernel
     * initialization" [boot.rst kernel_alignment]; kernel_footprint() accounts for that. */

    li.kernel_addr = load;
    li.kernel_size = h->kernel_size;
    kernel_footprint(h, load, &li.footprint_lo, &li.footprint_hi);
    if (!boot_e820_covers(map, nmap, li.footprint_lo, li.footprint_hi - li.footprint_lo)) {
        snprintf(err, errlen,
                 "kernel does not fit in RAM: it needs [0x%llx, 0x%llx) (init_size 0x%x) as "
                 "usable memory",
                 (unsigned long long)li.footprint_lo, (unsigned long long)li.footprint_hi,
                 h->init_size);
        return false;
    }
    struct {
        uint64_t addr, len;
        const char *what;
    } low[3] = {{gdt_addr, BOOT_GDT_SIZE, "GDT"},
                {bp_addr, BP_SIZE, "zero page"},
                {cl_addr, cl_len + 1, "command line"}};
    for (unsigned k = 0; k < 3; k++) {
        if (!boot_e820_covers(map, nmap, low[k].addr, low[k].len)) {
            snprintf(err, errlen, "%s at 0x%llx is not in usable RAM", low[k].what,
                     (unsigned long long)low[k].addr);
            return false;
        }
        if (overlaps(low[k].addr, low[k].len, li.footprint_lo, li.footprint_hi - li.footprint_lo)) {
            snprintf(err, errlen, "%s at 0x%llx overlaps the kernel", low[k].what,
                     (unsigned long long)low[k].addr);
            return false;
        }
        for (unsigned j = 0; j < k; j++)
            if (overlaps(low[k].addr, low[k].len, low[j].addr, low[j].len)) {
                snprintf(err, errlen, "%s overlaps the %s", low[k].what, low[j].what);
                return false;
            }
    }

    /* initrd: "as high as possible" below initrd_addr_max [boot.rst "Loading The Rest of The
     * Kernel" and initrd_addr_max: the address of the last byte], page aligned like QEMU and
     * GRUB do; kept below 4 GiB because ramdisk_image is filled as a 32-bit field here. */
    if (initrd) {
        uint64_t limit = (uint64_t)h->initrd_addr_max + 1;
        if (limit > 0x100000000ull) limit = 0x100000000ull;
        uint64_t best = 0;
        bool found = false;
        for (unsigned k = 0; k < nmap; k++) {
            if (map[k].type != BOOT_E820_RAM) continue;
            uint64_t lo = map[k].addr, hi = map[k].addr + map[k].size;
            if (hi > limit) hi = limit;
            if (lo < li.footprint_hi) lo = li.footprint_hi;
            if (hi <= lo || hi - lo < initrd_len) continue;
            uint64_t at = (hi - initrd_len) & ~0xFFFull;
            if (at < lo) continue;
            bool clash = false;
            for (unsigned j = 0; j < 3; j++)
                if (overlaps(at, initrd_len, low[j].addr, low[j].len)) clash = true;
            if (clash) continue;
            if (!found || at > best) best = at;
            found = true;
        }
        if (!found) {
            snprintf(err, errlen,
                     "initrd (%zu bytes) does not fit in RAM above the kernel (which ends at "
                     "0x%llx) and below 0x%llx",
                     initrd_len, (unsigned long long)li.footprint_hi, (unsigned long long)limit);
            return false;
        }
        li.initrd_addr = best;
        li.initrd_size = initrd_len;
    }

    /* ---- write guest memory ---- */
    if (!boot_write(m, load, kernel + h->setup_size, h->kernel_size)) {
        snprintf(err, errlen, "kernel does not fit in RAM at 0x%llx", (unsigned long long)load);
        return false;
    }
    if (initrd && !boot_write(m, li.initrd_addr, initrd, initrd_len)) {
        snprintf(err, errlen, "initrd does not fit in RAM at 0x%llx",
                 (unsigned long long)li.initrd_addr);
        return false;
    }
    if (!boot_write(m, cl_addr, cmdline, cl_len + 1)) {
        snprintf(err, errlen, "cannot write the command line at 0x%llx", (unsigned long long)cl_addr);
        return false;
    }

    /* The zero page: zeroed, then the setup header copied from 0x1F1 to its end at the same
     * offsets [boot.rst "64-bit BOOT PROTOCOL"; zero-page.rst]. Leaving the sentinel (0x1EF) zero
     * tells the kernel the rest of boot_params is valid. */
    uint8_t *bp = calloc(1, BP_SIZE);
    if (!bp) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    memcpy(bp + HDR_SETUP_SECTS, kernel + HDR_SETUP_SECTS, h->header_end - HDR_SETUP_SECTS);
    /* vid_mode 0xFFFF = "normal" [boot.rst vid_mode]: no mode change requested */
    put16(bp + HDR_VID_MODE, 0xFFFF);
    /* type_of_loader 0xFF: undefined/unregistered loader [boot.rst type_of_loader] */
    put8(bp + HDR_TYPE_OF_LOADER, 0xFF);
    /* loadflags: keep LOADED_HIGH; QUIET_FLAG, KEEP_SEGMENTS, CAN_USE_HEAP unused on the 32-bit
     * path (no heap: the real-mode setup does not run) */
    put8(bp + HDR_LOADFLAGS, (uint8_t)(h->loadflags & ~LINUX_CAN_USE_HEAP));
    /* code32_start: where the protected-mode kernel was loaded [boot.rst code32_start] */
    put32(bp + HDR_CODE32_START, (uint32_t)load);
    put32(bp + HDR_RAMDISK_IMAGE, (uint32_t)li.initrd_addr);
    put32(bp + HDR_RAMDISK_SIZE, (uint32_t)li.initrd_size);
    put32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(li.initrd_addr >> 32));
    put32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)((uint64_t)li.initrd_size >> 32));
    put32(bp + HDR_CMD_LINE_PTR, (uint32_t)cl_addr);
    put32(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(cl_addr >> 32));
    if (cfg->acpi_rsdp) put64(bp + BP_ACPI_RSDP_ADDR, cfg->acpi_rsdp);

    /* E820 table [zero-page.rst e820_entries/e820_table: 128 x {u64 addr, u64 size, u32 type}] */
    unsigned ne = nmap < BP_E820_MAX ? nmap : BP_E820_MAX;
    if (nmap > BP_E820_MAX) {
        free(bp);
        snprintf(err, errlen, "E820 map has %u entries; the zero page holds %u", nmap, BP_E820_MAX);
        return false;
    }
    put8(bp + BP_E820_ENTRIES, (uint8_t)ne);
    uint64_t ext_kib = 0; /* RAM contiguous from 1 MiB, in KiB, for alt_mem_k */
    for (unsigned k = 0; k < ne; k++) {
        uint8_t *ent = bp + BP_E820_TABLE + 20 * k;
        put64(ent, map[k].addr);
        put64(ent + 8, map[k].size);
        put32(ent + 16, map[k].type);
    }
    {
        uint64_t cur = 0x100000;
        bool adv = true;
        while (adv) {
            adv = false;
            for (unsigned k = 0; k < nmap; k++)
                if (map[k].type == BOOT_E820_RAM && cur >= map[k].addr &&
                    cur - map[k].addr < map[k].size) {
                    cur = map[k].addr + map[k].size;
                    adv = true;
                }
        }
        ext_kib = (cur - 0x100000) >> 10;
    }
    /* alt_mem_k: memory above 1 MiB in KiB, the fallback when E820 is absent [zero-page.rst] */
    put32(bp + BP_ALT_MEM_K, (uint32_t)(ext_kib > 0xFFFFFFFFu ? 0xFFFFFFFFu : ext_kib));

    /* screen_info (include/uapi/linux/screen_info.h): orig_x 0x00, orig_y 0x01, ext_mem_k 0x02,
     * orig_video_mode 0x06, orig_video_cols 0x07, orig_video_ega_bx 0x0A, orig_video_lines 0x0E,
     * orig_video_isVGA 0x0F, orig_video_points 0x10. All zero means "no text console known". */
    uint8_t *si = bp + BP_SCREEN_INFO;
    put16(si + 0x02, (uint16_t)(ext_kib > 0xFFFF ? 0xFFFF : ext_kib));
    if (cfg->vga_text) {
        put8(si + 0x06, 3);       /* mode 3: 80x25 colour text */
        put8(si + 0x07, 80);
        put16(si + 0x0A, 0x0003); /* BH=0 colour, BL=3: EGA+ with 256 KiB (not 0x10 = CGA) */
        put8(si + 0x0E, 25);
        put8(si + 0x0F, 0x22);    /* VIDEO_TYPE_VGAC */
        put16(si + 0x10, 16);     /* character height */
    }
    bool ok = boot_write(m, bp_addr, bp, BP_SIZE);
    free(bp);
    if (!ok) {
        snprintf(err, errlen, "cannot write the zero page at 0x%llx", (unsigned long long)bp_addr);
        return false;
    }

    /* Entry state [boot.rst "32-bit Boot Protocol"]: protected mode, paging off, GDT with flat
     * __BOOT_CS (execute/read) and __BOOT_DS (read/write); CS=__BOOT_CS, DS=ES=SS=__BOOT_DS;
     * interrupts disabled; ESI = boot_params; EBP = EDI = EBX = 0; jump to the 32-bit entry
     * (the load address). FS/GS are not specified; they get __BOOT_DS too. */
    if (!boot_flat32_entry(m, gdt_addr, e)) {
        snprintf(err, errlen, "cannot write the GDT at 0x%llx", (unsigned long long)gdt_addr);
        return false;
    }
    e->rsi = bp_addr;
    e->rbx = e->rbp = e->rdi = 0;
    e->rsp = bp_addr; /* not specified; startup_32 sets its own stack. Points at free low RAM. */
    e->rip = load;

    li.cmdline_addr = cl_addr;
    li.boot_params_addr = bp_addr;
    li.gdt_addr = gdt_addr;
    if (info) *info = li;
    return true;
}

bool linux_boot_load(struct memmap *m, const struct linux_boot_config *cfg, const char *kernel_path,
                     const char *initrd_path, struct boot_entry *e, struct linux_boot_info *info,
                     char *err, size_t errlen)
{
    uint8_t *k = NULL, *rd = NULL;
    size_t klen = 0, rdlen = 0;
    if (!boot_read_file(kernel_path, false, 256ull << 20, &k, &klen, err, errlen)) return false;
    if (initrd_path &&
        !boot_read_file(initrd_path, false, 4095ull << 20, &rd, &rdlen, err, errlen)) {
        boot_free_file(k, klen);
        return false;
    }
    char sub[256];
    bool ok = linux_boot_image(m, cfg, k, klen, initrd_path ? rd : NULL, rdlen, e, info, sub,
                               sizeof sub);
    if (!ok) snprintf(err, errlen, "%s: %s", kernel_path, sub);
    boot_free_file(k, klen);
    boot_free_file(rd, rdlen);
    return ok;
}
