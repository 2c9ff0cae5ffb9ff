/* Unit tests of the PVH loader (bios/pvh.c) on synthetic ELF images built in memory and a plain
 * RAM-only memmap: ELF64 and ELF32 parsing, the XEN_ELFNOTE_PHYS32_ENTRY note among others
 * (4- and 8-byte descriptors), segment loading with bss zeroing, the hvm_start_info layout
 * (start_info.h, version 1) with its module list and memory map, the initrd placement, the entry
 * state (pvh.pandoc), and malformed or misplaced images, which must fail with a message and
 * leave guest memory untouched. A real vmlinux is checked when one is available
 * (TURTLES_TEST_VMLINUX, else ~/.cache/turtles/images/linux-guest/vmlinux; skipped when absent).
 */
#include "bios/pvh.h"
#include "mmu/memmap.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    memset(mem->host, 0xAA, RAM); /* so that zeroing (bss) and stray writes are visible */
    nmap = boot_e820_pc(RAM, 0xC0000000ull, map, 8);
    err[0] = 0;
}

static void teardown(void)
{
    memmap_destroy(mem);
}

static uint32_t g32(uint64_t gpa) { return (uint32_t)phys_read(mem, gpa, 4); }
static uint64_t g64(uint64_t gpa) { return phys_read(mem, gpa, 8); }

static void p16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void p32(uint8_t *p, uint32_t v) { p16(p, (uint16_t)v); p16(p + 2, (uint16_t)(v >> 16)); }
static void p64(uint8_t *p, uint64_t v) { p32(p, (uint32_t)v); p32(p + 4, (uint32_t)(v >> 32)); }

/* ---------------------------------------------------------------- synthetic ELF */

/* Layout: ELF header, 3 program headers (PT_LOAD text, PT_LOAD data+bss, PT_NOTE), notes at
 * 0x100 (a Xen GUEST_OS note, then the PHYS32_ENTRY note), text bytes [0x200, 0x500) at pa0,
 * data bytes [0x500, 0x600) at pa1 followed by 0x1F00 bytes of bss. */
#define IMG_LEN 0x600u
#define TEXT_OFF 0x200u
#define TEXT_SZ 0x300u
#define DATA_OFF 0x500u
#define DATA_SZ 0x100u
#define DATA_MEMSZ 0x2000u

struct elfp {
    bool elf64;
    uint16_t machine;
    unsigned descsz;      /* 4 or 8 */
    uint32_t note_type;   /* 18 for PVH */
    const char *note_name;
    uint64_t entry;       /* the note's value */
    uint64_t pa0, pa1;
};

static struct elfp defp(bool elf64)
{
    return (struct elfp){elf64, elf64 ? 62 : 3, 4, 18, "Xen", 0x100010, 0x100000, 0x200000};
}

static uint8_t *make_elf(const struct elfp *p)
{
    uint8_t *img = calloc(1, IMG_LEN);
    ck_assert(img);
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = p->elf64 ? 2 : 1;
    img[5] = 1; /* little-endian */
    img[6] = 1; /* EV_CURRENT */
    p16(img + 16, 2); /* ET_EXEC */
    p16(img + 18, p->machine);
    unsigned phoff = p->elf64 ? 64 : 52, phsz = p->elf64 ? 56 : 32;
    if (p->elf64) {
        p64(img + 24, 0xffffffff80100000ull); /* e_entry: the native entry, not used */
        p64(img + 32, phoff);
        p16(img + 54, (uint16_t)phsz);
        p16(img + 56, 3);
    } else {
        p32(img + 24, 0x100000);
        p32(img + 28, phoff);
        p16(img + 42, (uint16_t)phsz);
        p16(img + 44, 3);
    }
    /* notes */
    uint8_t *n = img + 0x100;
    p32(n, 4); p32(n + 4, 6); p32(n + 8, 6); memcpy(n + 12, "Xen", 4); memcpy(n + 16, "linux", 6);
    n += 24;
    size_t nl = strlen(p->note_name) + 1;
    p32(n, (uint32_t)nl); p32(n + 4, p->descsz); p32(n + 8, p->note_type);
    memcpy(n + 12, p->note_name, nl);
    uint8_t *d = n + 12 + ((nl + 3) & ~3u);
    if (p->descsz == 8) p64(d, p->entry);
    else p32(d, (uint32_t)p->entry);
    size_t notes_len = (size_t)(d + ((p->descsz + 3) & ~3u) - (img + 0x100));
    for (unsigned k = TEXT_OFF; k < IMG_LEN; k++) img[k] = (uint8_t)(k * 7 + 1);
    /* program headers: {type, offset, vaddr, paddr, filesz, memsz} */
    struct { uint32_t type; uint64_t off, vaddr, paddr, filesz, memsz; } ph[3] = {
        {1, TEXT_OFF, 0xffffffff80000000ull + p->pa0, p->pa0, TEXT_SZ, TEXT_SZ},
        {1, DATA_OFF, 0, p->pa1, DATA_SZ, DATA_MEMSZ},
        {4, 0x100, 0xffffffff80000000ull, 0, notes_len, notes_len},
    };
    for (unsigned k = 0; k < 3; k++) {
        uint8_t *h = img + phoff + k * phsz;
        p32(h, ph[k].type);
        if (p->elf64) {
            p32(h + 4, 5);
            p64(h + 8, ph[k].off);
            p64(h + 16, ph[k].vaddr);
            p64(h + 24, ph[k].paddr);
            p64(h + 32, ph[k].filesz);
            p64(h + 40, ph[k].memsz);
        } else {
            p32(h + 4, (uint32_t)ph[k].off);
            p32(h + 8, (uint32_t)ph[k].vaddr);
            p32(h + 12, (uint32_t)ph[k].paddr);
            p32(h + 16, (uint32_t)ph[k].filesz);
            p32(h + 20, (uint32_t)ph[k].memsz);
        }
    }
    return img;
}

/* Offset of program header k's field (ELF64 layout) */
#define PH64(k, field) (64u + 56u * (k) + (field))

/* ---------------------------------------------------------------- tests */

START_TEST(test_start_info_layout)
{
    /* [start_info.h]: magic 0, version 4, flags 8, nr_modules 12, modlist 16, cmdline 24,
     * rsdp 32, memmap 40, memmap_entries 48, reserved 52; 56 bytes */
    uint8_t b[PVH_START_INFO_SIZE + 8];
    memset(b, 0xEE, sizeof b);
    struct pvh_start_info si = {0x11223344, 5, 0x1111111122222222ull, 0x3333333344444444ull,
                                0x5555555566666666ull, 0x7777777788888888ull, 9};
    pvh_start_info_encode(b, &si);
    uint8_t want[56] = {0x78, 0xC5, 0x6E, 0x33, 1, 0, 0, 0, 0x44, 0x33, 0x22, 0x11, 5, 0, 0, 0,
                        0x22, 0x22, 0x22, 0x22, 0x11, 0x11, 0x11, 0x11,
                        0x44, 0x44, 0x44, 0x44, 0x33, 0x33, 0x33, 0x33,
                        0x66, 0x66, 0x66, 0x66, 0x55, 0x55, 0x55, 0x55,
                        0x88, 0x88, 0x88, 0x88, 0x77, 0x77, 0x77, 0x77, 9, 0, 0, 0, 0, 0, 0, 0};
    for (unsigned k = 0; k < 56; k++) CHECK(b[k] == want[k], "byte %u: %02x, want %02x", k, b[k], want[k]);
    CHECK(b[56] == 0xEE, "wrote past the structure");
    /* "xEn3" with bit 7 of 'E' set */
    CHECK(PVH_START_MAGIC == ((uint32_t)'x' | (uint32_t)('E' | 0x80) << 8 | (uint32_t)'n' << 16 |
                              (uint32_t)'3' << 24), "magic");
}
END_TEST

START_TEST(test_parse)
{
    for (int c = 0; c < 2; c++) {
        struct elfp p = defp(c == 1);
        if (c == 0) p.descsz = 8; /* both widths in both classes over the two iterations */
        uint8_t *img = make_elf(&p);
        struct pvh_image pi;
        CHECK(pvh_is_elf(img, IMG_LEN), "is_elf");
        CHECK(pvh_parse(img, IMG_LEN, &pi, err, sizeof err), "parse elf%d: %s", c ? 64 : 32, err);
        CHECK(pi.elf64 == (c == 1) && pi.machine == p.machine, "class/machine");
        CHECK(pi.entry == 0x100010, "entry 0x%x", pi.entry);
        CHECK(pi.nseg == 2, "nseg %u", pi.nseg);
        CHECK(pi.seg[0].paddr == 0x100000 && pi.seg[0].off == TEXT_OFF && pi.seg[0].filesz == TEXT_SZ &&
                  pi.seg[0].memsz == TEXT_SZ, "seg 0");
        CHECK(pi.seg[1].paddr == 0x200000 && pi.seg[1].filesz == DATA_SZ && pi.seg[1].memsz == DATA_MEMSZ,
              "seg 1");
        CHECK(pi.load_lo == 0x100000 && pi.load_hi == 0x200000 + DATA_MEMSZ, "footprint");
        free(img);
    }
    uint8_t notelf[8] = {'M', 'Z', 0, 0};
    CHECK(!pvh_is_elf(notelf, sizeof notelf), "MZ is not ELF");
}
END_TEST

START_TEST(test_load)
{
    struct elfp p = defp(true);
    uint8_t *img = make_elf(&p);
    uint8_t rd[5000];
    for (unsigned k = 0; k < sizeof rd; k++) rd[k] = (uint8_t)(k * 13 + 3);
    struct pvh_config cfg = {.cmdline = "console=ttyS0 root=/dev/ram", .e820 = map,
                             .e820_count = nmap, .acpi_rsdp = 0xF0000};
    struct boot_entry e;
    struct pvh_boot_info bi;
    CHECK(pvh_boot_image(mem, &cfg, img, IMG_LEN, rd, sizeof rd, &e, &bi, err, sizeof err),
          "load: %s", err);
    /* segments at p_paddr, bss zeroed, nothing beyond memsz */
    CHECK(!memcmp(mem->host + 0x100000, img + TEXT_OFF, TEXT_SZ), "text bytes");
    CHECK(!memcmp(mem->host + 0x200000, img + DATA_OFF, DATA_SZ), "data bytes");
    bool bss0 = true;
    for (unsigned k = DATA_SZ; k < DATA_MEMSZ; k++) bss0 &= mem->host[0x200000 + k] == 0;
    CHECK(bss0, "bss zeroed");
    CHECK(mem->host[0x200000 + DATA_MEMSZ] == 0xAA && mem->host[0x100000 + TEXT_SZ] == 0xAA,
          "wrote past a segment");
    /* start_info at EBX */
    CHECK(e.rbx == 0x7000 && bi.start_info_addr == 0x7000, "ebx 0x%llx", (unsigned long long)e.rbx);
    CHECK(g32(0x7000) == 0x336ec578 && g32(0x7004) == 1 && g32(0x7008) == 0, "magic/version/flags");
    CHECK(g32(0x700C) == 1, "nr_modules %u", g32(0x700C));
    uint64_t modlist = g64(0x7010), cmdline = g64(0x7018), memmap = g64(0x7028);
    CHECK(g64(0x7020) == 0xF0000, "rsdp_paddr");
    CHECK(g32(0x7030) == nmap && g32(0x7034) == 0, "memmap_entries %u", g32(0x7030));
    /* command line */
    CHECK(cmdline == bi.cmdline_addr && cmdline != 0 &&
              !strcmp((char *)mem->host + cmdline, "console=ttyS0 root=/dev/ram"), "cmdline");
    /* module list: {paddr, size, cmdline_paddr, reserved} */
    uint64_t ra = g64(modlist);
    CHECK(modlist == bi.modlist_addr && ra == bi.initrd_addr && g64(modlist + 8) == sizeof rd &&
              g64(modlist + 16) == 0 && g64(modlist + 24) == 0, "module entry");
    CHECK((ra & 0xFFF) == 0 && ra + sizeof rd <= RAM, "initrd at 0x%llx", (unsigned long long)ra);
    CHECK(ra >= bi.img.load_hi || ra + sizeof rd <= bi.img.load_lo, "initrd overlaps the kernel");
    CHECK(ra + sizeof rd > RAM - 0x2000, "initrd not at the top of RAM: 0x%llx", (unsigned long long)ra);
    CHECK(!memcmp(mem->host + ra, rd, sizeof rd), "initrd bytes");
    /* memory map: {addr, size, u32 type, u32 reserved} == the E820 map given */
    for (unsigned k = 0; k < nmap; k++) {
        uint64_t me = memmap + 24 * k;
        CHECK(g64(me) == map[k].addr && g64(me + 8) == map[k].size && g32(me + 16) == map[k].type &&
                  g32(me + 20) == 0, "memmap entry %u", k);
    }
    /* the areas do not overlap each other */
    CHECK(modlist >= 0x7000 + PVH_START_INFO_SIZE && memmap >= modlist + 32 &&
              memmap + 24 * nmap <= 0x8000, "start info page layout");
    /* entry state [pvh] */
    CHECK(e.rip == 0x100010, "rip");
    CHECK(e.cr0 == 0x11, "cr0 0x%llx: PE (and the fixed ET) only", (unsigned long long)e.cr0);
    CHECK(!(e.rflags & ((1u << 9) | (1u << 8) | (1u << 17))), "IF/TF/VM clear");
    CHECK(e.cs.base == 0 && e.cs.limit == 0xFFFFFFFFu && (e.cs.ar & 0x1F) == 0x1B &&
              (e.cs.ar & 0x4000), "cs flat 32-bit code");
    const struct boot_seg *ds[3] = {&e.ds, &e.es, &e.ss};
    for (unsigned k = 0; k < 3; k++)
        CHECK(ds[k]->base == 0 && ds[k]->limit == 0xFFFFFFFFu && (ds[k]->ar & 0x1F) == 0x13 &&
                  (ds[k]->ar & 0x4000), "data segment %u flat 32-bit", k);
    CHECK(e.tr.base == 0 && e.tr.limit == 0x67 && (e.tr.ar & 0x8F) == 0x8B && !(e.tr.ar & 0x10),
          "tr: active 32-bit TSS, base 0, limit 0x67");
    /* the GDT the selectors name holds the same flat descriptors */
    CHECK(e.gdt_base == 0x6000 && g64(0x6000 + BOOT_CS) == 0x00CF9B000000FFFFull &&
              g64(0x6000 + BOOT_DS) == 0x00CF93000000FFFFull, "gdt");
    free(img);
}
END_TEST

START_TEST(test_load_elf32_no_initrd)
{
    struct elfp p = defp(false);
    p.descsz = 8;
    uint8_t *img = make_elf(&p);
    struct pvh_config cfg = {.ram_size = RAM}; /* default map, no cmdline, no RSDP */
    struct boot_entry e;
    struct pvh_boot_info bi;
    CHECK(pvh_boot_image(mem, &cfg, img, IMG_LEN, NULL, 0, &e, &bi, err, sizeof err), "load: %s", err);
    CHECK(!memcmp(mem->host + 0x100000, img + TEXT_OFF, TEXT_SZ), "text bytes");
    CHECK(g32(0x700C) == 0 && g64(0x7010) == 0, "no modules: nr_modules 0, modlist_paddr 0");
    CHECK(g64(0x7020) == 0, "no RSDP: rsdp_paddr 0");
    CHECK(g32(0x7030) == nmap, "default memory map has %u entries", g32(0x7030));
    CHECK(mem->host[g64(0x7018)] == 0, "empty command line");
    CHECK(e.rip == 0x100010 && e.rbx == 0x7000, "entry");
    free(img);
}
END_TEST

/* Expects the load to fail with a message containing want, leaving guest memory untouched. */
static void expect_fail(const uint8_t *img, size_t len, const uint8_t *rd, size_t rdlen,
                        const char *want, const char *what)
{
    struct pvh_config cfg = {.cmdline = "x", .e820 = map, .e820_count = nmap, .acpi_rsdp = 0xF0000};
    struct boot_entry e;
    err[0] = 0;
    CHECK(!pvh_boot_image(mem, &cfg, img, len, rd, rdlen, &e, NULL, err, sizeof err),
          "%s: loaded", what);
    CHECK(err[0] && strstr(err, want), "%s: message '%s' lacks '%s'", what, err, want);
    CHECK(g32(0x7000) == 0xAAAAAAAAu && mem->host[0x100000] == 0xAA && mem->host[0x20000] == 0xAA,
          "%s: guest memory written", what);
}

START_TEST(test_errors)
{
    struct elfp p = defp(true);
    uint8_t *good = make_elf(&p);
    uint8_t *img = malloc(IMG_LEN);
    ck_assert(img);

    /* every truncation fails cleanly (the last segment ends at the end of the file) */
    for (size_t len = 0; len < IMG_LEN; len++) {
        struct pvh_image pi;
        CHECK(!pvh_parse(good, len, &pi, err, sizeof err), "truncated to %zu: parsed", len);
        CHECK(err[0], "truncated to %zu: no message", len);
    }
    expect_fail(good, 40, NULL, 0, "truncated", "short header");

#define MUT(stmt, want, what)                                                                      \
    do {                                                                                           \
        memcpy(img, good, IMG_LEN);                                                                \
        stmt;                                                                                      \
        expect_fail(img, IMG_LEN, NULL, 0, want, what);                                            \
    } while (0)
    MUT(img[0] = 0, "not an ELF", "bad magic");
    MUT(img[4] = 3, "class", "bad class");
    MUT(img[5] = 2, "little-endian", "big-endian");
    MUT(p16(img + 18, 40), "not x86", "ARM machine");
    MUT(p16(img + 56, 0), "program headers", "no program headers");
    MUT(p64(img + 32, 0x5F0), "program headers", "program headers past the end");
    MUT(p64(img + 32, ~0ull - 8), "program headers", "huge e_phoff");
    MUT(p16(img + 54, 20), "program headers", "small e_phentsize");
    MUT(p64(img + PH64(0, 8), 0x590), "outside", "segment data past the end");
    MUT(p64(img + PH64(0, 32), ~0ull), "outside", "huge p_filesz");
    MUT(p64(img + PH64(1, 40), 0x10), "more file bytes", "filesz > memsz");
    MUT(p64(img + PH64(0, 24), 0xFFFFFF00ull), "beyond 4 GiB", "segment crossing 4 GiB");
    MUT(p64(img + PH64(0, 24), 0x1ull << 40), "beyond 4 GiB", "segment above 4 GiB");
    MUT((p32(img + PH64(0, 0), 0), p32(img + PH64(1, 0), 0)), "no loadable", "no PT_LOAD");
    MUT(p32(img + PH64(2, 0), 0), "no PVH entry note", "no PT_NOTE");
    /* the note: wrong type, wrong owner, bad sizes */
    MUT(p32(img + 0x100 + 24 + 8, 17), "no PVH entry note", "note type 17");
    MUT(memcpy(img + 0x100 + 24 + 12, "Xex", 4), "no PVH entry note", "note owner Xex");
    MUT(p32(img + 0x100 + 24 + 4, 2), "malformed", "descsz 2");
    MUT(p32(img + 0x100 + 24 + 4, 0x7FFFFFFF), "malformed", "descsz past the segment");
    MUT(p32(img + 0x100, 0xFFFFFFFF), "malformed", "namesz huge");
    MUT(p32(img + 0x100 + 24 + 16, 0x300000), "not in a loaded segment", "entry outside");
    MUT(p32(img + 0x100 + 24 + 16, 0x100300), "not in a loaded segment", "entry in no file byte");
    /* placement: outside RAM, over the boot areas */
    MUT(p64(img + PH64(1, 24), RAM - 0x1000), "not usable RAM", "bss beyond RAM");
    MUT(p64(img + PH64(1, 24), 0xA0000), "not usable RAM", "segment in the VGA hole");
    MUT(p64(img + PH64(1, 24), 0x7000), "overlaps", "segment over the start info");
    MUT(p64(img + PH64(1, 24), 0x5000), "overlaps", "segment over the GDT");
    MUT(p64(img + PH64(1, 24), 0x1F000), "overlaps", "segment over the command line");
#undef MUT
    /* a note with an 8-byte value above 4 GiB */
    p.descsz = 8;
    p.entry = 0x100000010ull;
    uint8_t *hi = make_elf(&p);
    expect_fail(hi, IMG_LEN, NULL, 0, "beyond 4 GiB", "entry above 4 GiB");
    free(hi);
    /* an initrd that cannot fit anywhere below the RAM's end */
    size_t big = RAM - 0x100000;
    uint8_t *rd = calloc(1, big);
    ck_assert(rd);
    expect_fail(good, IMG_LEN, rd, big, "initrd", "initrd larger than free RAM");
    free(rd);
    /* a command line too long for its area */
    char *cl = malloc(0x10001);
    ck_assert(cl);
    memset(cl, 'a', 0x10000);
    cl[0x10000] = 0;
    struct pvh_config cfg = {.cmdline = cl, .e820 = map, .e820_count = nmap};
    struct boot_entry e;
    CHECK(!pvh_boot_image(mem, &cfg, good, IMG_LEN, NULL, 0, &e, NULL, err, sizeof err) &&
              strstr(err, "command line"), "long command line: %s", err);
    free(cl);
    free(img);
    free(good);
}
END_TEST

START_TEST(test_fuzz_headers)
{
    /* Random byte changes in the headers and notes (a fixed LCG, so the run is reproducible):
     * parsing must never read outside the image (run under ASan by scripts/test.sh) and what it
     * accepts must be consistent. */
    struct elfp p = defp(true);
    uint8_t *good = make_elf(&p);
    uint8_t *img = malloc(IMG_LEN);
    ck_assert(img);
    uint32_t x = 12345;
    unsigned accepted = 0;
    for (unsigned it = 0; it < 20000; it++) {
        memcpy(img, good, IMG_LEN);
        unsigned nb = 1 + it % 4;
        for (unsigned b = 0; b < nb; b++) {
            x = x * 1103515245u + 12345u;
            unsigned off = (x >> 8) % 0x200;
            x = x * 1103515245u + 12345u;
            img[off] = (uint8_t)(x >> 16);
        }
        struct pvh_image pi;
        err[0] = 0;
        if (pvh_parse(img, IMG_LEN, &pi, err, sizeof err)) {
            accepted++;
            bool inside = false;
            for (unsigned k = 0; k < pi.nseg; k++) {
                CHECK(pi.seg[k].off + pi.seg[k].filesz <= IMG_LEN, "segment outside the file");
                CHECK(pi.seg[k].paddr + pi.seg[k].memsz <= 0x100000000ull, "segment beyond 4 GiB");
                inside |= pi.entry >= pi.seg[k].paddr && pi.entry - pi.seg[k].paddr < pi.seg[k].filesz;
            }
            CHECK(inside, "accepted an entry outside the segments");
        } else {
            CHECK(err[0], "rejected without a message");
        }
    }
    printf("pvh: fuzz: %u of 20000 mutated images accepted\n", accepted);
    CHECK(accepted > 0 && accepted < 20000, "fuzz accepted %u", accepted);
    free(img);
    free(good);
}
END_TEST

START_TEST(test_initrd_below_kernel)
{
    /* a kernel at the top of RAM pushes the initrd below it */
    struct elfp p = defp(true);
    p.pa1 = RAM - DATA_MEMSZ;
    uint8_t *img = make_elf(&p);
    uint8_t rd[0x3000];
    memset(rd, 0x5A, sizeof rd);
    struct pvh_config cfg = {.e820 = map, .e820_count = nmap};
    struct boot_entry e;
    struct pvh_boot_info bi;
    CHECK(pvh_boot_image(mem, &cfg, img, IMG_LEN, rd, sizeof rd, &e, &bi, err, sizeof err), "load: %s", err);
    CHECK(bi.initrd_addr == p.pa1 - sizeof rd, "initrd at 0x%llx, want just below the kernel",
          (unsigned long long)bi.initrd_addr);
    CHECK(!memcmp(mem->host + bi.initrd_addr, rd, sizeof rd), "initrd bytes");
    free(img);
}
END_TEST

START_TEST(test_real_vmlinux)
{
    char path[4096];
    const char *v = getenv("TURTLES_TEST_VMLINUX");
    if (!v) {
        const char *home = getenv("HOME");
        snprintf(path, sizeof path, "%s/.cache/turtles/images/linux-guest/vmlinux", home ? home : "/root");
        v = path;
    }
    if (access(v, R_OK) != 0) {
        printf("pvh: no vmlinux (images/extract-vmlinux.sh, or set TURTLES_TEST_VMLINUX): skipped\n");
        return;
    }
    uint8_t *img;
    size_t len;
    CHECK(boot_read_file(v, false, 256u << 20, &img, &len, err, sizeof err), "read: %s", err);
    struct pvh_image pi;
    CHECK(pvh_parse(img, len, &pi, err, sizeof err), "parse: %s", err);
    /* Debian's x86-64 vmlinux: ELF64, loaded from 16 MiB (CONFIG_PHYSICAL_START) */
    CHECK(pi.elf64 && pi.machine == 62, "ELF64 x86-64");
    CHECK(pi.load_lo == 0x1000000, "load_lo 0x%llx", (unsigned long long)pi.load_lo);
    CHECK(pi.entry > pi.load_lo && pi.entry < pi.load_hi, "entry 0x%x", pi.entry);
    /* the entry is pvh_start_xen's 32-bit code: it begins with cld (0xFC) */
    for (unsigned k = 0; k < pi.nseg; k++)
        if (pi.entry >= pi.seg[k].paddr && pi.entry - pi.seg[k].paddr < pi.seg[k].filesz)
            CHECK(img[pi.seg[k].off + (pi.entry - pi.seg[k].paddr)] == 0xFC, "entry byte");
    printf("pvh: %s: %u segments [0x%llx, 0x%llx), PVH entry 0x%x\n", v, pi.nseg,
           (unsigned long long)pi.load_lo, (unsigned long long)pi.load_hi, pi.entry);
    boot_free_file(img, len);
}
END_TEST

static Suite *pvh_suite(void)
{
    Suite *s = suite_create("pvh");
    TCase *tc = tcase_create("pvh");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_start_info_layout);
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_load);
    tcase_add_test(tc, test_load_elf32_no_initrd);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_fuzz_headers);
    tcase_add_test(tc, test_initrd_below_kernel);
    tcase_add_test(tc, test_real_vmlinux);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pvh_suite());
    srunner_set_fork_status(sr, CK_NOFORK); /* checks are counted across tests */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    printf("pvh: %lu checks\n", n_checks);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
