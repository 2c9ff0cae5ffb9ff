/* Unit tests of the direct loaders (bios/linuxboot.c, bios/multiboot.c) on synthetic images built
 * in memory and a plain RAM-only memmap:
 *   Linux boot protocol: header parsing and its errors, kernel/initrd/cmdline placement, zero-page
 *   fields (setup header copy, type_of_loader, E820 table, screen_info), the 32-bit entry state and
 *   GDT (boot.rst "32-bit Boot Protocol"); a real Debian bzImage when one is available
 *   (TURTLES_TEST_BZIMAGE, else /tmp/lbk/root/boot/vmlinuz-*; skipped when absent).
 *   Multiboot 1: header search, a.out kludge and ELF32 loading (bss zeroing, entry translation),
 *   modules with the -initrd syntax, the information structure and the entry state; gzip images.
 */
#include "bios/linuxboot.h"
#include "bios/multiboot.h"
#include "mmu/memmap.h"

#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

#define RAM (128ull << 20)

static struct memmap *mem;
static struct boot_e820 map[8];
static unsigned nmap;
static char err[512];

static void setup(void)
{
    mem = memmap_create(RAM);
    ck_assert(mem);
    ck_assert(memmap_add_backed(mem, 0, RAM, REG_RAM, "ram"));
    memset(mem->host, 0xAA, RAM); /* so that zeroing (bss, zero page) is visible */
    nmap = boot_e820_pc(RAM, 0xC0000000ull, map, 8);
    err[0] = 0;
}

static void teardown(void)
{
    memmap_destroy(mem);
}

static uint32_t g32(uint64_t gpa) { return (uint32_t)phys_read(mem, gpa, 4); }
static uint16_t g16(uint64_t gpa) { return (uint16_t)phys_read(mem, gpa, 2); }
static uint8_t g8(uint64_t gpa) { return (uint8_t)phys_read(mem, gpa, 1); }
static uint64_t g64(uint64_t gpa) { return phys_read(mem, gpa, 8); }

static void p16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void p32(uint8_t *p, uint32_t v) { p16(p, (uint16_t)v); p16(p + 2, (uint16_t)(v >> 16)); }
static void p64(uint8_t *p, uint64_t v) { p32(p, (uint32_t)v); p32(p + 4, (uint32_t)(v >> 32)); }

/* ---------------------------------------------------------------- synthetic bzImage */

struct bz {
    uint8_t *img;
    size_t len;
};

/* A protocol-2.15 bzImage like Debian's (relocatable, 2 MiB alignment) but with a small payload
 * and pref_address/init_size scaled to fit 128 MiB: setup_sects 3, payload bytes k*7+1. */
static struct bz make_bz(size_t payload, uint16_t version, uint32_t init_size)
{
    unsigned sects = 3;
    struct bz b;
    b.len = (sects + 1) * 512 + payload;
    b.img = calloc(1, b.len);
    ck_assert(b.img);
    uint8_t *h = b.img;
    h[0x1F1] = (uint8_t)sects;
    p32(h + 0x1F4, (uint32_t)((payload + 15) / 16)); /* syssize */
    p16(h + 0x1FE, 0xAA55);
    h[0x200] = 0xEB;
    h[0x201] = 0x6A; /* header ends at 0x202 + 0x6A = 0x26C */
    memcpy(h + 0x202, "HdrS", 4);
    p16(h + 0x206, version);
    h[0x211] = 0x01;                 /* LOADED_HIGH */
    p32(h + 0x214, 0x100000);        /* code32_start */
    p32(h + 0x22C, 0x7FFFFFFF);      /* initrd_addr_max */
    p32(h + 0x230, 0x200000);        /* kernel_alignment */
    h[0x234] = 1;                    /* relocatable */
    h[0x235] = 0x15;
    p16(h + 0x236, 0x7F);            /* xloadflags */
    p32(h + 0x238, 0x7FF);           /* cmdline_size */
    p64(h + 0x250, 0);               /* setup_data */
    p64(h + 0x258, 0x1000000);       /* pref_address */
    p32(h + 0x260, init_size);       /* init_size */
    p32(h + 0x264, 0x190);           /* handover_offset: a marker for the header copy */
    p32(h + 0x268, 0x12345);         /* kernel_info_offset */
    for (size_t k = 0; k < payload; k++) b.img[(sects + 1) * 512 + k] = (uint8_t)(k * 7 + 1);
    return b;
}

START_TEST(test_linux_parse)
{
    struct bz b = make_bz(4096, 0x020F, 0x400000);
    struct linux_header h;
    CHECK(linux_parse_header(b.img, b.len, &h, err, sizeof err), "parse: %s", err);
    CHECK(h.version == 0x020F, "version %x", h.version);
    CHECK(h.setup_sects == 3 && h.setup_size == 2048, "setup %u %llu", h.setup_sects,
          (unsigned long long)h.setup_size);
    CHECK(h.kernel_size == 4096, "kernel size %llu", (unsigned long long)h.kernel_size);
    CHECK(h.syssize == 256, "syssize %u", h.syssize);
    CHECK(h.loadflags == 1 && h.xloadflags == 0x7F && h.relocatable == 1, "flags");
    CHECK(h.kernel_alignment == 0x200000 && h.min_alignment == 0x15, "alignment");
    CHECK(h.pref_address == 0x1000000 && h.init_size == 0x400000, "pref/init");
    CHECK(h.cmdline_size == 0x7FF && h.initrd_addr_max == 0x7FFFFFFF, "cmdline/initrd max");
    CHECK(h.header_end == 0x26C, "header end %x", h.header_end);

    /* setup_sects 0 means 4 */
    struct bz b4 = make_bz(4096 + 512, 0x020F, 0x400000);
    b4.img[0x1F1] = 0;
    p32(b4.img + 0x1F4, 4096 / 16);
    CHECK(linux_parse_header(b4.img, b4.len, &h, err, sizeof err), "parse: %s", err);
    CHECK(h.setup_size == 5 * 512 && h.kernel_size == 4096, "setup_sects 0 -> 4: %llu %llu",
          (unsigned long long)h.setup_size, (unsigned long long)h.kernel_size);
    free(b4.img);

    /* bad magic */
    b.img[0x202] = 'X';
    CHECK(!linux_parse_header(b.img, b.len, &h, err, sizeof err) && strstr(err, "HdrS"),
          "bad magic: %s", err);
    b.img[0x202] = 'H';
    /* too old */
    p16(b.img + 0x206, 0x0201);
    CHECK(!linux_parse_header(b.img, b.len, &h, err, sizeof err) && strstr(err, "too old"),
          "old protocol: %s", err);
    /* old protocol defaults */
    p16(b.img + 0x206, 0x0202);
    CHECK(linux_parse_header(b.img, b.len, &h, err, sizeof err), "2.02: %s", err);
    CHECK(h.initrd_addr_max == 0x37FFFFFF && h.cmdline_size == 255 && h.relocatable == 0 &&
              h.pref_address == 0x100000 && h.init_size == 0 && h.xloadflags == 0,
          "2.02 defaults");
    p16(b.img + 0x206, 0x020F);
    /* zImage */
    b.img[0x211] = 0;
    CHECK(!linux_parse_header(b.img, b.len, &h, err, sizeof err) && strstr(err, "zImage"),
          "zImage: %s", err);
    b.img[0x211] = 1;
    /* truncated */
    CHECK(!linux_parse_header(b.img, b.len - 100, &h, err, sizeof err) && strstr(err, "truncated"),
          "truncated: %s", err);
    CHECK(!linux_parse_header(b.img, 300, &h, err, sizeof err) && strstr(err, "short"),
          "short: %s", err);
    free(b.img);
}
END_TEST

static void check_gdt_and_flat(const struct boot_entry *e, uint64_t gdt)
{
    CHECK(e->gdt_base == gdt && e->gdt_limit == 31, "gdtr %llx/%x", (unsigned long long)e->gdt_base,
          e->gdt_limit);
    CHECK(g64(gdt) == 0 && g64(gdt + 8) == 0, "null descriptors");
    CHECK(g64(gdt + 0x10) == 0x00CF9B000000FFFFull, "code descriptor %llx",
          (unsigned long long)g64(gdt + 0x10));
    CHECK(g64(gdt + 0x18) == 0x00CF93000000FFFFull, "data descriptor %llx",
          (unsigned long long)g64(gdt + 0x18));
    CHECK(e->cs.sel == 0x10 && e->cs.base == 0 && e->cs.limit == 0xFFFFFFFFu && e->cs.ar == 0xC09B,
          "cs %x %x", e->cs.sel, e->cs.ar);
    const struct boot_seg *d[] = {&e->ds, &e->es, &e->ss, &e->fs, &e->gs};
    for (unsigned k = 0; k < 5; k++)
        CHECK(d[k]->sel == 0x18 && d[k]->base == 0 && d[k]->limit == 0xFFFFFFFFu &&
                  d[k]->ar == 0xC093,
              "data seg %u: %x %x", k, d[k]->sel, d[k]->ar);
    CHECK((e->cr0 & 0x80000001u) == 1, "PE=1 PG=0: %llx", (unsigned long long)e->cr0);
    CHECK(e->rflags == 2, "IF=0: %llx", (unsigned long long)e->rflags);
}

START_TEST(test_linux_load)
{
    struct bz b = make_bz(10000, 0x020F, 0x800000);
    uint8_t rd[5000];
    for (unsigned k = 0; k < sizeof rd; k++) rd[k] = (uint8_t)(k ^ 0x5A);
    struct linux_boot_config cfg = {.cmdline = "console=ttyS0 root=/dev/ram0", .ram_size = RAM,
                                    .e820 = map, .e820_count = nmap};
    struct boot_entry e;
    struct linux_boot_info li;
    CHECK(linux_boot_image(mem, &cfg, b.img, b.len, rd, sizeof rd, &e, &li, err, sizeof err),
          "load: %s", err);
    /* kernel at 1 MiB */
    CHECK(li.kernel_addr == 0x100000 && li.kernel_size == 10000, "kernel placement");
    CHECK(memcmp(mem->host + 0x100000, b.img + 2048, 10000) == 0, "kernel bytes");
    /* footprint: align_up(1M, 2M) = 2M < pref 16M, so [16M, 16M+8M), and the image at 1M */
    CHECK(li.footprint_lo == 0x100000 && li.footprint_hi == 0x1800000, "footprint %llx-%llx",
          (unsigned long long)li.footprint_lo, (unsigned long long)li.footprint_hi);
    /* initrd: highest page-aligned spot below the top of RAM */
    uint64_t want = (RAM - sizeof rd) & ~0xFFFull;
    CHECK(li.initrd_addr == want && li.initrd_size == sizeof rd, "initrd at %llx",
          (unsigned long long)li.initrd_addr);
    CHECK(memcmp(mem->host + want, rd, sizeof rd) == 0, "initrd bytes");
    /* command line */
    CHECK(strcmp((char *)mem->host + 0x20000, cfg.cmdline) == 0, "cmdline");
    /* zero page */
    uint64_t bp = 0x7000;
    CHECK(li.boot_params_addr == bp, "bp addr");
    CHECK(g8(bp + 0x1F1) == 3 && g32(bp + 0x202) == 0x53726448 && g16(bp + 0x206) == 0x020F,
          "header copy");
    CHECK(g32(bp + 0x264) == 0x190 && g32(bp + 0x268) == 0x12345, "header copy to its end");
    CHECK(g32(bp + 0x26C) == 0, "nothing copied past the header end");
    CHECK(g8(bp + 0x1EF) == 0, "sentinel zero");
    CHECK(g8(bp + 0x210) == 0xFF, "type_of_loader %x", g8(bp + 0x210));
    CHECK(g16(bp + 0x1FA) == 0xFFFF, "vid_mode");
    CHECK(g8(bp + 0x211) == 0x01, "loadflags %x", g8(bp + 0x211));
    CHECK(g32(bp + 0x214) == 0x100000, "code32_start");
    CHECK(g32(bp + 0x218) == want && g32(bp + 0x21C) == sizeof rd, "ramdisk fields");
    CHECK(g32(bp + 0xC0) == 0 && g32(bp + 0xC4) == 0 && g32(bp + 0xC8) == 0, "ext fields");
    CHECK(g32(bp + 0x228) == 0x20000, "cmd_line_ptr");
    CHECK(g64(bp + 0x70) == 0, "no rsdp");
    CHECK(g8(bp + 0x1E8) == nmap && nmap == 4, "e820_entries %u", g8(bp + 0x1E8));
    for (unsigned k = 0; k < nmap; k++) {
        uint64_t ent = bp + 0x2D0 + 20 * k;
        CHECK(g64(ent) == map[k].addr && g64(ent + 8) == map[k].size && g32(ent + 16) == map[k].type,
              "e820[%u]", k);
    }
    CHECK(g32(bp + 0x2D0 + 20 * nmap) == 0, "e820 end zero");
    CHECK(g32(bp + 0x1E0) == (RAM - 0x100000) >> 10, "alt_mem_k %u", g32(bp + 0x1E0));
    CHECK(g8(bp + 0x0F) == 0 && g8(bp + 0x06) == 0, "no VGA in screen_info");
    CHECK(g16(bp + 0x02) == 0xFFFF, "ext_mem_k capped");
    /* entry */
    check_gdt_and_flat(&e, 0x6000);
    CHECK(e.rip == 0x100000, "rip");
    CHECK(e.rsi == bp && e.rbx == 0 && e.rbp == 0 && e.rdi == 0, "gprs");
    free(b.img);
}
END_TEST

START_TEST(test_linux_options)
{
    /* initrd_addr_max below the RAM top; VGA text; RSDP; other addresses; no initrd */
    struct bz b = make_bz(4096, 0x020F, 0x400000);
    p32(b.img + 0x22C, 0x37FFFFF); /* initrd must end at or below 56 MiB - 1 */
    static uint8_t rd[0x3000];
    struct linux_boot_config cfg = {.e820 = map, .e820_count = nmap, .vga_text = true,
                                    .acpi_rsdp = 0xF5A40, .boot_params_addr = 0x10000,
                                    .cmdline_addr = 0x30000, .gdt_addr = 0x500,
                                    .load_addr = 0x200000};
    struct boot_entry e;
    struct linux_boot_info li;
    CHECK(linux_boot_image(mem, &cfg, b.img, b.len, rd, sizeof rd, &e, &li, err, sizeof err),
          "load: %s", err);
    CHECK(li.initrd_addr == 0x3800000 - 0x3000, "initrd below initrd_addr_max: %llx",
          (unsigned long long)li.initrd_addr);
    CHECK(li.footprint_lo == 0x200000 && li.footprint_hi == 0x1400000, "footprint %llx-%llx",
          (unsigned long long)li.footprint_lo, (unsigned long long)li.footprint_hi);
    uint64_t bp = 0x10000;
    CHECK(g8(bp + 0x06) == 3 && g8(bp + 0x07) == 80 && g8(bp + 0x0E) == 25 && g8(bp + 0x0F) == 0x22,
          "screen_info");
    CHECK(g64(bp + 0x70) == 0xF5A40, "rsdp");
    CHECK(g32(bp + 0x228) == 0x30000 && g8(0x30000) == 0, "empty cmdline");
    CHECK(g32(bp + 0x214) == 0x200000 && e.rip == 0x200000, "code32_start");
    check_gdt_and_flat(&e, 0x500);
    CHECK(e.rsi == bp, "esi");

    /* no initrd: fields zero */
    memset(mem->host, 0xAA, RAM);
    cfg.vga_text = false;
    CHECK(linux_boot_image(mem, &cfg, b.img, b.len, NULL, 0, &e, &li, err, sizeof err), "load: %s",
          err);
    CHECK(g32(bp + 0x218) == 0 && g32(bp + 0x21C) == 0 && li.initrd_size == 0, "no initrd");
    /* default map from ram_size when none is given */
    cfg.e820 = NULL;
    cfg.e820_count = 0;
    cfg.ram_size = 32ull << 20;
    CHECK(linux_boot_image(mem, &cfg, b.img, b.len, rd, sizeof rd, &e, &li, err, sizeof err),
          "load: %s", err);
    CHECK(li.initrd_addr == (32ull << 20) - 0x3000, "initrd under 32 MiB: %llx",
          (unsigned long long)li.initrd_addr);
    CHECK(g8(bp + 0x1E8) == 4 && g64(bp + 0x2D0 + 3 * 20 + 8) == (31ull << 20), "default e820");
    free(b.img);
}
END_TEST

START_TEST(test_linux_errors)
{
    struct linux_boot_config cfg = {.e820 = map, .e820_count = nmap};
    struct boot_entry e;
    /* decompression footprint beyond RAM */
    struct bz b = make_bz(4096, 0x020F, 0x8000000);
    CHECK(!linux_boot_image(mem, &cfg, b.img, b.len, NULL, 0, &e, NULL, err, sizeof err) &&
              strstr(err, "does not fit in RAM"),
          "init_size too big: %s", err);
    free(b.img);
    /* initrd too big for the space above the kernel */
    b = make_bz(4096, 0x020F, 0x400000);
    size_t big = RAM - 0x1400000 + 0x1000;
    uint8_t *rd = calloc(1, big);
    CHECK(!linux_boot_image(mem, &cfg, b.img, b.len, rd, big, &e, NULL, err, sizeof err) &&
              strstr(err, "initrd"),
          "initrd too big: %s", err);
    free(rd);
    /* command line longer than cmdline_size */
    char line[3000];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = 0;
    cfg.cmdline = line;
    CHECK(!linux_boot_image(mem, &cfg, b.img, b.len, NULL, 0, &e, NULL, err, sizeof err) &&
              strstr(err, "command line"),
          "cmdline: %s", err);
    cfg.cmdline = NULL;
    /* zero page over the kernel */
    cfg.boot_params_addr = 0x100800;
    CHECK(!linux_boot_image(mem, &cfg, b.img, b.len, NULL, 0, &e, NULL, err, sizeof err) &&
              strstr(err, "overlaps"),
          "overlap: %s", err);
    cfg.boot_params_addr = 0;
    /* zero page in the reserved EBDA */
    cfg.boot_params_addr = 0x9F000;
    CHECK(!linux_boot_image(mem, &cfg, b.img, b.len, NULL, 0, &e, NULL, err, sizeof err) &&
              strstr(err, "usable"),
          "reserved: %s", err);
    cfg.boot_params_addr = 0;
    /* unreadable file */
    CHECK(!linux_boot_load(mem, &cfg, "/nonexistent/vmlinuz", NULL, &e, NULL, err, sizeof err) &&
              strstr(err, "cannot open"),
          "missing file: %s", err);
    /* good kernel, missing initrd */
    char path[] = "/tmp/turtles-bzXXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    ck_assert(write(fd, b.img, b.len) == (ssize_t)b.len);
    close(fd);
    CHECK(!linux_boot_load(mem, &cfg, path, "/nonexistent/initrd", &e, NULL, err, sizeof err) &&
              strstr(err, "/nonexistent/initrd"),
          "missing initrd: %s", err);
    struct linux_boot_info li;
    CHECK(linux_boot_load(mem, &cfg, path, path, &e, &li, err, sizeof err), "file load: %s", err);
    CHECK(li.initrd_size == b.len && memcmp(mem->host + li.initrd_addr, b.img, b.len) == 0,
          "initrd from file");
    unlink(path);
    free(b.img);
}
END_TEST

static const char *find_real_kernel(char *buf, size_t n)
{
    const char *env = getenv("TURTLES_TEST_BZIMAGE");
    if (env && *env) return env;
    glob_t g;
    const char *r = NULL;
    if (glob("/tmp/lbk/root/boot/vmlinuz-*", 0, NULL, &g) == 0 && g.gl_pathc) {
        snprintf(buf, n, "%s", g.gl_pathv[0]);
        r = buf;
    }
    globfree(&g);
    return r;
}

START_TEST(test_linux_real)
{
    char path[4096];
    const char *k = find_real_kernel(path, sizeof path);
    if (!k || access(k, R_OK) != 0) {
        printf("linuxboot: no real bzImage (set TURTLES_TEST_BZIMAGE): skipped\n");
        return;
    }
    uint8_t *img;
    size_t len;
    CHECK(boot_read_file(k, false, 256u << 20, &img, &len, err, sizeof err), "read: %s", err);
    struct linux_header h;
    CHECK(linux_parse_header(img, len, &h, err, sizeof err), "parse: %s", err);
    /* PLATFORM.md A.6.1: the team's kernel */
    CHECK(h.version >= 0x020F, "protocol %x", h.version);
    CHECK(h.loadflags & LINUX_LOADED_HIGH, "LOADED_HIGH");
    CHECK(h.xloadflags & LINUX_XLF_KERNEL_64, "XLF_KERNEL_64");
    CHECK(h.relocatable && h.kernel_alignment == 0x200000, "relocatable");
    CHECK(h.pref_address == 0x1000000 && h.init_size > h.kernel_size, "pref %llx init %x",
          (unsigned long long)h.pref_address, h.init_size);
    CHECK(h.cmdline_size >= 255, "cmdline_size");
    struct linux_boot_config cfg = {.cmdline = "console=ttyS0 earlyprintk=serial", .e820 = map,
                                    .e820_count = nmap};
    struct boot_entry e;
    struct linux_boot_info li;
    uint8_t rd[4096] = {1, 2, 3};
    CHECK(linux_boot_image(mem, &cfg, img, len, rd, sizeof rd, &e, &li, err, sizeof err),
          "load: %s", err);
    CHECK(memcmp(mem->host + 0x100000, img + h.setup_size, h.kernel_size) == 0, "kernel bytes");
    CHECK(li.initrd_addr >= li.footprint_hi && li.initrd_addr + sizeof rd <= RAM, "initrd");
    CHECK(g32(0x7000 + 0x202) == 0x53726448 && g8(0x7000 + 0x210) == 0xFF, "zero page");
    CHECK(e.rip == 0x100000 && e.rsi == 0x7000, "entry");
    printf("linuxboot: %s protocol %u.%02u, %llu KiB, init_size 0x%x\n", k, h.version >> 8,
           h.version & 0xFF, (unsigned long long)(h.kernel_size >> 10), h.init_size);
    boot_free_file(img, len);
}
END_TEST

/* ---------------------------------------------------------------- multiboot */

static void mb_header(uint8_t *p, uint32_t flags)
{
    p32(p, MULTIBOOT_HEADER_MAGIC);
    p32(p + 4, flags);
    p32(p + 8, (uint32_t)-(MULTIBOOT_HEADER_MAGIC + flags));
}

/* a.out-kludge image: 0x40 bytes of code, header at 0x40, data to 0x1800, bss to 0x3000 */
static uint8_t *make_aout(size_t *len)
{
    *len = 0x1800;
    uint8_t *img = calloc(1, *len);
    for (size_t k = 0; k < *len; k++) img[k] = (uint8_t)(k * 3 + 5);
    mb_header(img + 0x40, MB_HF_PAGE_ALIGN | MB_HF_MEMORY_INFO | MB_HF_AOUT_KLUDGE);
    p32(img + 0x4C, 0x100040);  /* header_addr */
    p32(img + 0x50, 0x100000);  /* load_addr */
    p32(img + 0x54, 0x101800);  /* load_end_addr */
    p32(img + 0x58, 0x103000);  /* bss_end_addr */
    p32(img + 0x5C, 0x100010);  /* entry_addr */
    return img;
}

START_TEST(test_mb_aout)
{
    size_t len;
    uint8_t *img = make_aout(&len);
    uint32_t off;
    CHECK(multiboot_find_header(img, len, &off) && off == 0x40, "header at %x", off);
    struct multiboot_config cfg = {.cmdline = "console=com1", .e820 = map, .e820_count = nmap};
    struct boot_entry e;
    struct multiboot_boot_info mi;
    CHECK(multiboot_boot_image(mem, &cfg, img, len, "xen.gz", &e, &mi, err, sizeof err), "load: %s",
          err);
    CHECK(mi.aout_kludge && mi.load_lo == 0x100000 && mi.load_hi == 0x103000, "footprint");
    CHECK(memcmp(mem->host + 0x100000, img, 0x1800) == 0, "image bytes");
    bool zero = true;
    for (unsigned k = 0x101800; k < 0x103000; k++) zero &= mem->host[k] == 0;
    CHECK(zero, "bss zeroed");
    CHECK(mem->host[0x103000] == 0xAA, "nothing past bss");
    CHECK(e.rip == 0x100010 && e.rax == 0x2BADB002 && e.rbx == 0x9500, "entry regs");
    check_gdt_and_flat(&e, 0x6000);
    uint64_t mbi = 0x9500;
    uint32_t fl = g32(mbi);
    CHECK(fl == (MB_IF_MEMORY | MB_IF_BOOTDEV | MB_IF_CMDLINE | MB_IF_MODS | MB_IF_MMAP |
                 MB_IF_LOADER_NAME),
          "flags %x", fl);
    CHECK(g32(mbi + 4) == 639 && g32(mbi + 8) == (RAM - 0x100000) / 1024, "mem %u %u",
          g32(mbi + 4), g32(mbi + 8));
    CHECK(g32(mbi + 12) == 0x8000FFFF, "boot device");
    CHECK(strcmp((char *)mem->host + g32(mbi + 16), "xen.gz console=com1") == 0, "cmdline '%s'",
          (char *)mem->host + g32(mbi + 16));
    CHECK(g32(mbi + 20) == 0, "no modules");
    CHECK(strcmp((char *)mem->host + g32(mbi + 64), "turtles") == 0, "loader name");
    CHECK(g32(mbi + 44) == 24 * nmap && g32(mbi + 48) == 0x9000, "mmap fields");
    for (unsigned k = 0; k < nmap; k++) {
        uint64_t me = 0x9000 + 24 * k;
        CHECK(g32(me) == 20 && g64(me + 4) == map[k].addr && g64(me + 12) == map[k].size &&
                  g32(me + 20) == map[k].type,
              "mmap[%u]", k);
    }
    free(img);
}
END_TEST

/* ELF32 with two PT_LOADs: .text linked at 0xC0100000 loaded at 0x200000 (entry virtual), .data
 * at 0x300000 with bss. */
static uint8_t *make_elf(size_t *len, uint8_t cls)
{
    *len = 0x3000;
    uint8_t *img = calloc(1, *len);
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = cls;
    img[5] = 1;
    img[6] = 1;
    p16(img + 16, 2);           /* ET_EXEC */
    p16(img + 18, 3);           /* EM_386 */
    p32(img + 20, 1);
    p32(img + 24, 0xC0100020);  /* e_entry */
    p32(img + 28, 52);          /* e_phoff */
    p16(img + 40, 52);
    p16(img + 42, 32);
    p16(img + 44, 3);
    uint8_t *ph = img + 52;
    p32(ph, 1); p32(ph + 4, 0x1000); p32(ph + 8, 0xC0100000); p32(ph + 12, 0x200000);
    p32(ph + 16, 0x800); p32(ph + 20, 0x800);
    ph += 32;
    p32(ph, 4); /* PT_NOTE: ignored */
    ph += 32;
    p32(ph, 1); p32(ph + 4, 0x2000); p32(ph + 8, 0x300000); p32(ph + 12, 0x300000);
    p32(ph + 16, 0x1000); p32(ph + 20, 0x5000);
    for (size_t k = 0x1000; k < *len; k++) img[k] = (uint8_t)(k + 9);
    mb_header(img + 0x200, 0);
    return img;
}

static char *write_temp(const void *data, size_t n)
{
    char *path = strdup("/tmp/turtles-mbXXXXXX");
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    ck_assert(write(fd, data, n) == (ssize_t)n);
    close(fd);
    return path;
}

START_TEST(test_mb_elf_modules)
{
    size_t len;
    uint8_t *img = make_elf(&len, 1);
    uint8_t m1[5000], m2[100];
    for (unsigned k = 0; k < sizeof m1; k++) m1[k] = (uint8_t)(k * 11);
    memset(m2, 0x42, sizeof m2);
    char *f1 = write_temp(m1, sizeof m1), *f2 = write_temp(m2, sizeof m2);
    char mods[256];
    snprintf(mods, sizeof mods, "%s root=/dev/sda a,,b,%s", f1, f2);
    struct multiboot_config cfg = {.modules = mods, .e820 = map, .e820_count = nmap};
    struct boot_entry e;
    struct multiboot_boot_info mi;
    CHECK(multiboot_boot_image(mem, &cfg, img, len, "kut.elf", &e, &mi, err, sizeof err),
          "load: %s", err);
    CHECK(!mi.aout_kludge && mi.load_lo == 0x200000 && mi.load_hi == 0x305000, "footprint %llx-%llx",
          (unsigned long long)mi.load_lo, (unsigned long long)mi.load_hi);
    CHECK(e.rip == 0x200020, "entry translated to physical: %llx", (unsigned long long)e.rip);
    CHECK(memcmp(mem->host + 0x200000, img + 0x1000, 0x800) == 0, "text");
    CHECK(mem->host[0x200800] == 0xAA, "text memsz respected");
    CHECK(memcmp(mem->host + 0x300000, img + 0x2000, 0x1000) == 0, "data");
    bool zero = true;
    for (unsigned k = 0x301000; k < 0x305000; k++) zero &= mem->host[k] == 0;
    CHECK(zero, "bss zeroed");
    /* modules: page aligned after the image */
    CHECK(mi.nmods == 2 && mi.mod_start[0] == 0x305000 && mi.mod_end[0] == 0x305000 + sizeof m1,
          "mod0 %llx", (unsigned long long)mi.mod_start[0]);
    CHECK(mi.mod_start[1] == 0x307000 && mi.mod_end[1] == 0x307000 + sizeof m2, "mod1 %llx",
          (unsigned long long)mi.mod_start[1]);
    CHECK(memcmp(mem->host + 0x305000, m1, sizeof m1) == 0 &&
              memcmp(mem->host + 0x307000, m2, sizeof m2) == 0,
          "module bytes");
    uint64_t mbi = 0x9500;
    CHECK(g32(mbi + 20) == 2 && g32(mbi + 24) == 0x9600, "mods fields");
    CHECK(g32(0x9600) == 0x305000 && g32(0x9604) == 0x305000 + sizeof m1 && g32(0x960C) == 0 &&
              g32(0x9610) == 0x307000 && g32(0x9614) == 0x307000 + sizeof m2,
          "module list");
    char want[200];
    snprintf(want, sizeof want, "%s root=/dev/sda a,b", f1);
    CHECK(strcmp((char *)mem->host + g32(0x9608), want) == 0, "mod0 string '%s'",
          (char *)mem->host + g32(0x9608));
    CHECK(strcmp((char *)mem->host + g32(0x9618), f2) == 0, "mod1 string");
    CHECK(strcmp((char *)mem->host + g32(mbi + 16), "kut.elf ") == 0, "cmdline");

    /* missing module: error, nothing half done matters */
    snprintf(mods, sizeof mods, "%s,/nonexistent/mod", f1);
    CHECK(!multiboot_boot_image(mem, &cfg, img, len, "k", &e, &mi, err, sizeof err) &&
              strstr(err, "/nonexistent/mod"),
          "missing module: %s", err);
    unlink(f1);
    unlink(f2);
    free(f1);
    free(f2);
    free(img);
}
END_TEST

START_TEST(test_mb_errors)
{
    size_t len;
    struct multiboot_config cfg = {.e820 = map, .e820_count = nmap};
    struct boot_entry e;
    uint32_t off;
    uint8_t *img = make_elf(&len, 1);
    /* bad checksum */
    img[0x208] ^= 1;
    CHECK(!multiboot_find_header(img, len, &off), "bad checksum found");
    CHECK(!multiboot_boot_image(mem, &cfg, img, len, "k", &e, NULL, err, sizeof err) &&
              strstr(err, "no multiboot header"),
          "no header: %s", err);
    img[0x208] ^= 1;
    /* header beyond 8 KiB */
    uint8_t *big = calloc(1, 0x4000);
    mb_header(big + 0x2000, 0);
    CHECK(!multiboot_find_header(big, 0x4000, &off), "header past 8 KiB");
    mb_header(big + 0x1FF4, 0);
    CHECK(multiboot_find_header(big, 0x4000, &off) && off == 0x1FF4, "header at the 8 KiB end");
    /* misaligned header */
    memset(big, 0, 0x4000);
    mb_header(big + 0x102, 0);
    CHECK(!multiboot_find_header(big, 0x4000, &off), "misaligned header");
    free(big);
    /* unsupported required flag */
    mb_header(img + 0x200, 0x8);
    CHECK(!multiboot_boot_image(mem, &cfg, img, len, "k", &e, NULL, err, sizeof err) &&
              strstr(err, "unsupported"),
          "flags: %s", err);
    /* video flag is tolerated */
    mb_header(img + 0x200, MB_HF_VIDEO_MODE);
    CHECK(multiboot_boot_image(mem, &cfg, img, len, "k", &e, NULL, err, sizeof err), "video: %s",
          err);
    free(img);
    /* ELF64 */
    img = make_elf(&len, 2);
    CHECK(!multiboot_boot_image(mem, &cfg, img, len, "k", &e, NULL, err, sizeof err) &&
              strstr(err, "64-bit"),
          "elf64: %s", err);
    free(img);
    /* neither ELF nor a.out kludge */
    img = calloc(1, 0x1000);
    mb_header(img + 0x10, 0);
    CHECK(!multiboot_boot_image(mem, &cfg, img, 0x1000, "k", &e, NULL, err, sizeof err) &&
              strstr(err, "ELF"),
          "not elf: %s", err);
    free(img);
    /* a.out image beyond RAM */
    img = make_aout(&len);
    p32(img + 0x4C, 0x10000040);
    p32(img + 0x50, 0x10000000);
    p32(img + 0x54, 0x10001800);
    p32(img + 0x58, 0x10003000);
    CHECK(!multiboot_boot_image(mem, &cfg, img, len, "k", &e, NULL, err, sizeof err) &&
              strstr(err, "does not fit in RAM"),
          "beyond RAM: %s", err);
    /* a.out into the information area */
    p32(img + 0x4C, 0x8040);
    p32(img + 0x50, 0x8000);
    p32(img + 0x54, 0x9800);
    p32(img + 0x58, 0);
    CHECK(!multiboot_boot_image(mem, &cfg, img, len, "k", &e, NULL, err, sizeof err) &&
              strstr(err, "overlaps"),
          "overlap: %s", err);
    /* a.out truncated */
    p32(img + 0x4C, 0x100040);
    p32(img + 0x50, 0x100000);
    p32(img + 0x54, 0x102000);
    CHECK(!multiboot_boot_image(mem, &cfg, img, len, "k", &e, NULL, err, sizeof err) &&
              strstr(err, "truncated"),
          "truncated: %s", err);
    /* load_end 0: the rest of the file */
    p32(img + 0x54, 0);
    p32(img + 0x58, 0);
    struct multiboot_boot_info mi;
    CHECK(multiboot_boot_image(mem, &cfg, img, len, "k", &e, &mi, err, sizeof err) &&
              mi.load_hi == 0x101800,
          "load_end 0: %s", err);
    free(img);
    CHECK(!multiboot_boot_load(mem, &cfg, "/nonexistent/xen", &e, NULL, err, sizeof err) &&
              strstr(err, "cannot open"),
          "missing: %s", err);
}
END_TEST

START_TEST(test_mb_gzip)
{
    size_t len;
    uint8_t *img = make_aout(&len);
    char path[] = "/tmp/turtles-mbgzXXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    gzFile gz = gzdopen(fd, "wb");
    ck_assert(gz);
    ck_assert(gzwrite(gz, img, (unsigned)len) == (int)len);
    gzclose(gz);
    struct multiboot_config cfg = {.cmdline = "dom0_mem=512M", .e820 = map, .e820_count = nmap};
    struct boot_entry e;
    struct multiboot_boot_info mi;
    CHECK(multiboot_boot_load(mem, &cfg, path, &e, &mi, err, sizeof err), "gz load: %s", err);
    CHECK(memcmp(mem->host + 0x100000, img, len) == 0 && e.rip == 0x100010, "gz contents");
    char want[128];
    snprintf(want, sizeof want, "%s dom0_mem=512M", path);
    CHECK(strcmp((char *)mem->host + mi.cmdline_addr, want) == 0, "cmdline with path");
    unlink(path);
    free(img);
}
END_TEST

/* Debian's xen-4.17-amd64.gz (gzip of an ELF32 with a multiboot 1 header, flags 0x3, one
 * PT_LOAD at 0x200000; PLATFORM.md A.6.2) with the real bzImage as dom0 module: skipped when
 * absent (TURTLES_TEST_XEN, else /tmp/lbk/root/boot/xen-*.gz). */
START_TEST(test_mb_real_xen)
{
    char xen[4096], kern[4096];
    const char *env = getenv("TURTLES_TEST_XEN");
    glob_t g;
    xen[0] = 0;
    if (env && *env) snprintf(xen, sizeof xen, "%s", env);
    else if (glob("/tmp/lbk/root/boot/xen-*.gz", 0, NULL, &g) == 0) {
        if (g.gl_pathc) snprintf(xen, sizeof xen, "%s", g.gl_pathv[0]);
        globfree(&g);
    }
    const char *k = find_real_kernel(kern, sizeof kern);
    if (!xen[0] || access(xen, R_OK) != 0 || !k || access(k, R_OK) != 0) {
        printf("multiboot: no real Xen + bzImage (set TURTLES_TEST_XEN): skipped\n");
        return;
    }
    char mods[8300];
    snprintf(mods, sizeof mods, "%s console=hvc0", k);
    struct multiboot_config cfg = {.cmdline = "console=com1 loglvl=all", .modules = mods,
                                   .e820 = map, .e820_count = nmap};
    struct boot_entry e;
    struct multiboot_boot_info mi;
    CHECK(multiboot_boot_load(mem, &cfg, xen, &e, &mi, err, sizeof err), "xen: %s", err);
    CHECK(!mi.aout_kludge && (mi.header_flags & 0xFFFF) == 3, "header flags %x", mi.header_flags);
    CHECK(mi.load_lo == 0x200000 && e.rip >= 0x200000 && e.rip < mi.load_hi, "entry %llx",
          (unsigned long long)e.rip);
    CHECK(mi.nmods == 1 && (mi.mod_start[0] & 0xFFF) == 0 && mi.mod_start[0] >= mi.load_hi,
          "dom0 module");
    CHECK(g32(mi.mod_start[0] + 0x202) == 0x53726448, "module is the bzImage");
    printf("multiboot: %s [0x%llx, 0x%llx) entry 0x%llx, dom0 at 0x%llx\n", xen,
           (unsigned long long)mi.load_lo, (unsigned long long)mi.load_hi,
           (unsigned long long)e.rip, (unsigned long long)mi.mod_start[0]);
}
END_TEST

/* boot_read_file: a plain file is mapped (and the caller's writes stay private), gzip data is
 * decompressed only with gunzip, an empty file, a FIFO read as a stream, the size limit on both
 * paths, and a missing file. */
static void write_file(const char *path, const uint8_t *data, size_t len, bool gz)
{
    if (gz) {
        gzFile g = gzopen(path, "wb");
        ck_assert(g);
        ck_assert(gzwrite(g, data, (unsigned)len) == (int)len);
        gzclose(g);
        return;
    }
    FILE *f = fopen(path, "wb");
    ck_assert(f);
    ck_assert(fwrite(data, 1, len, f) == len);
    fclose(f);
}

START_TEST(test_read_file)
{
    enum { N = 3 * 4096 + 123 };
    static uint8_t data[N];
    for (unsigned k = 0; k < N; k++) data[k] = (uint8_t)(k * 7 + (k >> 8));
    char dir[] = "/tmp/turtles-readXXXXXX";
    ck_assert(mkdtemp(dir));
    char plain[64], gzp[64], empty[64], fifo[64], missing[64];
    snprintf(plain, sizeof plain, "%s/plain", dir);
    snprintf(gzp, sizeof gzp, "%s/gz", dir);
    snprintf(empty, sizeof empty, "%s/empty", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(missing, sizeof missing, "%s/missing", dir);
    write_file(plain, data, N, false);
    write_file(gzp, data, N, true);
    write_file(empty, data, 0, false);
    uint8_t *b;
    size_t len;

    CHECK(boot_read_file(plain, false, 1 << 20, &b, &len, err, sizeof err), "plain: %s", err);
    CHECK(len == N && memcmp(b, data, N) == 0, "plain contents");
    b[0] ^= 0xFF; /* private: the file keeps its byte */
    boot_free_file(b, len);
    CHECK(boot_read_file(plain, true, 1 << 20, &b, &len, err, sizeof err), "plain gunzip: %s", err);
    CHECK(len == N && memcmp(b, data, N) == 0, "a file that is not gzip passes unchanged");
    boot_free_file(b, len);

    CHECK(boot_read_file(gzp, true, 1 << 20, &b, &len, err, sizeof err), "gz: %s", err);
    CHECK(len == N && memcmp(b, data, N) == 0, "gz decompressed");
    boot_free_file(b, len);
    CHECK(boot_read_file(gzp, false, 1 << 20, &b, &len, err, sizeof err), "gz raw: %s", err);
    CHECK(len > 2 && len < N && b[0] == 0x1f && b[1] == 0x8b, "without gunzip the gzip bytes");
    boot_free_file(b, len);

    CHECK(boot_read_file(empty, false, 1 << 20, &b, &len, err, sizeof err), "empty: %s", err);
    CHECK(b != NULL && len == 0, "empty file: a buffer of length 0");
    boot_free_file(b, len);

    CHECK(!boot_read_file(plain, false, 8192, &b, &len, err, sizeof err) && b == NULL,
          "plain over the limit");
    CHECK(strstr(err, "larger than") != NULL, "limit message: %s", err);
    err[0] = 0;
    CHECK(!boot_read_file(gzp, true, 8192, &b, &len, err, sizeof err) && b == NULL,
          "gz over the limit");
    CHECK(strstr(err, "larger than") != NULL, "gz limit message: %s", err);
    CHECK(!boot_read_file(missing, false, 1 << 20, &b, &len, err, sizeof err), "missing");
    CHECK(strstr(err, "cannot open") != NULL, "missing message: %s", err);
    /* a directory opens but cannot be read; the message names it, not zlib's descriptor */
    CHECK(!boot_read_file(dir, true, 1 << 20, &b, &len, err, sizeof err), "directory");
    CHECK(strstr(err, dir) != NULL && strstr(err, "<fd:") == NULL, "directory message: %s", err);

    /* a FIFO cannot be mapped: it is read as a stream */
    ck_assert(mkfifo(fifo, 0600) == 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        FILE *f = fopen(fifo, "wb");
        if (!f || fwrite(data, 1, N, f) != N) _exit(1);
        fclose(f);
        _exit(0);
    }
    CHECK(boot_read_file(fifo, false, 1 << 20, &b, &len, err, sizeof err), "fifo: %s", err);
    CHECK(len == N && memcmp(b, data, N) == 0, "fifo contents");
    boot_free_file(b, len);
    int st;
    waitpid(pid, &st, 0);

    CHECK(boot_read_file(plain, false, 1 << 20, &b, &len, err, sizeof err), "plain again");
    CHECK(b[0] == data[0], "the earlier write did not reach the file");
    boot_free_file(b, len);
    unlink(plain);
    unlink(gzp);
    unlink(empty);
    unlink(fifo);
    rmdir(dir);
}
END_TEST

START_TEST(test_e820_pc)
{
    struct boot_e820 m[8];
    unsigned n = boot_e820_pc(6ull << 30, 0xC0000000ull, m, 8);
    CHECK(n == 5, "n %u", n);
    CHECK(m[0].addr == 0 && m[0].size == 0x9FC00 && m[0].type == 1, "base");
    CHECK(m[1].addr == 0x9FC00 && m[1].type == 2 && m[2].addr == 0xF0000 && m[2].type == 2, "holes");
    CHECK(m[3].addr == 0x100000 && m[3].size == 0xC0000000ull - 0x100000, "low");
    CHECK(m[4].addr == 1ull << 32 && m[4].size == (6ull << 30) - 0xC0000000ull, "high");
    CHECK(boot_e820_covers(m, n, 0x100000, 0x1000000), "covers");
    CHECK(!boot_e820_covers(m, n, 0x9F000, 0x2000), "EBDA not RAM");
    CHECK(!boot_e820_covers(m, n, 0xBFFFF000, 0x2000), "hole");
    struct boot_e820 split[2] = {{0x100000, 0x100000, 1}, {0x200000, 0x100000, 1}};
    CHECK(boot_e820_covers(split, 2, 0x180000, 0x100000), "adjacent entries");
}
END_TEST

static Suite *loaders_suite(void)
{
    Suite *s = suite_create("loaders");
    TCase *tc = tcase_create("linux");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_e820_pc);
    tcase_add_test(tc, test_read_file);
    tcase_add_test(tc, test_linux_parse);
    tcase_add_test(tc, test_linux_load);
    tcase_add_test(tc, test_linux_options);
    tcase_add_test(tc, test_linux_errors);
    tcase_add_test(tc, test_linux_real);
    suite_add_tcase(s, tc);
    TCase *mb = tcase_create("multiboot");
    tcase_add_checked_fixture(mb, setup, teardown);
    tcase_add_test(mb, test_mb_aout);
    tcase_add_test(mb, test_mb_elf_modules);
    tcase_add_test(mb, test_mb_errors);
    tcase_add_test(mb, test_mb_gzip);
    tcase_add_test(mb, test_mb_real_xen);
    suite_add_tcase(s, mb);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(loaders_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("loaders: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
