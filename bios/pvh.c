/* PVH direct boot (see pvh.h for the references cited as [pvh], [start_info.h], [ELF]).
 *
 * Guest memory layout:
 *   0x6000  GDT (shared with the other loaders: flat code 0x10, flat data 0x18)
 *   0x7000  struct hvm_start_info (EBX), 56 bytes
 *   0x7040  module list: one struct hvm_modlist_entry for the initrd
 *   0x7080  memory map: struct hvm_memmap_table_entry[], up to 0x8000
 *   0x20000 command line (QEMU's address for direct boots), at most PVH_CMDLINE_MAX bytes
 *   kernel  where its PT_LOAD program headers' p_paddr say
 *   high    initrd, page aligned, as high as RAM below 4 GiB allows, clear of the kernel
 */
#include "bios/pvh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/memmap.h"

#define PVH_INFO_ADDR 0x7000u
#define PVH_MODLIST_ADDR 0x7040u
#define PVH_MEMMAP_ADDR 0x7080u
#define PVH_INFO_END 0x8000u
#define PVH_MEMMAP_MAX ((PVH_INFO_END - PVH_MEMMAP_ADDR) / PVH_MEMMAP_ENTRY_SIZE)
#define PVH_CMDLINE_ADDR 0x20000u
#define PVH_CMDLINE_MAX 0x10000u

#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr32(uint8_t *p, uint32_t v)
{
    for (unsigned k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k));
}
static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

bool pvh_is_elf(const uint8_t *img, size_t len)
{
    return len >= 4 && !memcmp(img, "\x7f" "ELF", 4);
}

/* Scans one PT_NOTE segment, file bytes [off, off+size), for the Xen PHYS32_ENTRY note. Each note
 * is {u32 namesz, u32 descsz, u32 type, name padded to 4, desc padded to 4} in both ELF classes
 * [ELF "Note Section"]. Returns 1 if found (*entry set), 0 if not, -1 on a malformed note. */
static int scan_notes(const uint8_t *img, uint64_t off, uint64_t size, uint64_t *entry)
{
    uint64_t p = off, end = off + size;
    while (end - p >= 12) {
        uint64_t namesz = rd32(img + p), descsz = rd32(img + p + 4);
        uint32_t type = rd32(img + p + 8);
        uint64_t name = p + 12;
        uint64_t desc = name + ((namesz + 3) & ~3ull);
        uint64_t next = desc + ((descsz + 3) & ~3ull);
        if (desc > end || desc + descsz > end) return -1;
        /* the name is "Xen" with its terminating NUL, namesz 4 [elfnote.h] */
        if (type == PVH_ELFNOTE_PHYS32_ENTRY && namesz == 4 && !memcmp(img + name, "Xen", 4)) {
            if (descsz == 4) *entry = rd32(img + desc);
            else if (descsz == 8) *entry = rd64(img + desc);
            else return -1;
            return 1;
        }
        if (next >= end) break;
        p = next;
    }
    return 0;
}

bool pvh_parse(const uint8_t *img, size_t len, struct pvh_image *pi, char *err, size_t errlen)
{
    memset(pi, 0, sizeof *pi);
    if (!pvh_is_elf(img, len) || len < 16) {
        snprintf(err, errlen, "not an ELF file");
        return false;
    }
    /* e_ident: EI_CLASS 1 = ELF32, 2 = ELF64; EI_DATA 1 = little-endian [ELF "ELF Header"] */
    if (img[4] != 1 && img[4] != 2) {
        snprintf(err, errlen, "ELF file has an unknown class %u", img[4]);
        return false;
    }
    if (img[5] != 1) {
        snprintf(err, errlen, "ELF file is not little-endian");
        return false;
    }
    pi->elf64 = img[4] == 2;
    size_t ehsize = pi->elf64 ? 64 : 52;
    if (len < ehsize) {
        snprintf(err, errlen, "ELF header is truncated (%zu bytes)", len);
        return false;
    }
    pi->machine = rd16(img + 18);
    if (pi->machine != EM_386 && pi->machine != EM_X86_64) {
        snprintf(err, errlen, "ELF file is for machine %u, not x86", pi->machine);
        return false;
    }
    /* e_phoff, e_phentsize, e_phnum: ELF32 at 28, 42, 44; ELF64 at 32, 54, 56 */
    uint64_t phoff = pi->elf64 ? rd64(img + 32) : rd32(img + 28);
    unsigned phentsize = rd16(img + (pi->elf64 ? 54 : 42));
    unsigned phnum = rd16(img + (pi->elf64 ? 56 : 44));
    unsigned phmin = pi->elf64 ? 56 : 32;
    if (phnum == 0 || phentsize < phmin || phoff > len ||
        (uint64_t)phentsize * phnum > len - phoff) {
        snprintf(err, errlen, "ELF program headers are missing or truncated (%u at 0x%llx, %u "
                              "bytes each, file %zu bytes)",
                 phnum, (unsigned long long)phoff, phentsize, len);
        return false;
    }
    bool have_note = false;
    uint64_t entry = 0;
    pi->load_lo = UINT64_MAX;
    for (unsigned k = 0; k < phnum; k++) {
        const uint8_t *ph = img + phoff + (size_t)k * phentsize;
        uint32_t type = rd32(ph);
        if (type != PT_LOAD && type != PT_NOTE) continue;
        /* Elf32_Phdr: p_offset 4, p_paddr 12, p_filesz 16, p_memsz 20;
         * Elf64_Phdr: p_offset 8, p_paddr 24, p_filesz 32, p_memsz 40 [ELF "Program Header"] */
        uint64_t off = pi->elf64 ? rd64(ph + 8) : rd32(ph + 4);
        uint64_t paddr = pi->elf64 ? rd64(ph + 24) : rd32(ph + 12);
        uint64_t filesz = pi->elf64 ? rd64(ph + 32) : rd32(ph + 16);
        uint64_t memsz = pi->elf64 ? rd64(ph + 40) : rd32(ph + 20);
        if (off > len || filesz > len - off) {
            snprintf(err, errlen, "ELF segment %u (file bytes [0x%llx, +0x%llx)) lies outside the "
                                  "%zu-byte file",
                     k, (unsigned long long)off, (unsigned long long)filesz, len);
            return false;
        }
        if (type == PT_NOTE) {
            if (have_note) continue;
            int r = scan_notes(img, off, filesz, &entry);
            if (r < 0) {
                snprintf(err, errlen, "ELF note segment %u is malformed", k);
                return false;
            }
            have_note = r > 0;
            continue;
        }
        if (memsz == 0) continue;
        if (filesz > memsz) {
            snprintf(err, errlen, "ELF segment %u has more file bytes than memory bytes", k);
            return false;
        }
        /* the entry runs with paging off, so everything must be reachable with 32-bit
         * physical addresses [pvh] */
        if (paddr >= 0x100000000ull || memsz > 0x100000000ull - paddr) {
            snprintf(err, errlen, "ELF segment %u [0x%llx, +0x%llx) lies beyond 4 GiB", k,
                     (unsigned long long)paddr, (unsigned long long)memsz);
            return false;
        }
        if (pi->nseg == PVH_MAX_SEGS) {
            snprintf(err, errlen, "ELF file has more than %u loadable segments", PVH_MAX_SEGS);
            return false;
        }
        pi->seg[pi->nseg++] = (struct pvh_seg){paddr, off, filesz, memsz};
        if (paddr < pi->load_lo) pi->load_lo = paddr;
        if (paddr + memsz > pi->load_hi) pi->load_hi = paddr + memsz;
    }
    if (!pi->nseg) {
        snprintf(err, errlen, "ELF file has no loadable segment");
        return false;
    }
    if (!have_note) {
        snprintf(err, errlen, "ELF file has no PVH entry note (Xen ELF note type %u, "
                              "XEN_ELFNOTE_PHYS32_ENTRY); a kernel built without CONFIG_PVH "
                              "cannot be booted this way",
                 PVH_ELFNOTE_PHYS32_ENTRY);
        return false;
    }
    if (entry >= 0x100000000ull) {
        snprintf(err, errlen, "PVH entry point 0x%llx is beyond 4 GiB", (unsigned long long)entry);
        return false;
    }
    /* not an ABI rule, but an entry outside the loaded bytes can only be a broken image */
    bool inside = false;
    for (unsigned k = 0; k < pi->nseg; k++)
        if (entry >= pi->seg[k].paddr && entry - pi->seg[k].paddr < pi->seg[k].filesz) inside = true;
    if (!inside) {
        snprintf(err, errlen, "PVH entry point 0x%llx is not in a loaded segment",
                 (unsigned long long)entry);
        return false;
    }
    pi->entry = (uint32_t)entry;
    return true;
}

void pvh_start_info_encode(uint8_t out[PVH_START_INFO_SIZE], const struct pvh_start_info *si)
{
    memset(out, 0, PVH_START_INFO_SIZE);
    wr32(out + PVH_SI_MAGIC, PVH_START_MAGIC);
    wr32(out + PVH_SI_VERSION, PVH_START_VERSION);
    wr32(out + PVH_SI_FLAGS, si->flags);
    wr32(out + PVH_SI_NR_MODULES, si->nr_modules);
    wr64(out + PVH_SI_MODLIST_PADDR, si->modlist_paddr);
    wr64(out + PVH_SI_CMDLINE_PADDR, si->cmdline_paddr);
    wr64(out + PVH_SI_RSDP_PADDR, si->rsdp_paddr);
    wr64(out + PVH_SI_MEMMAP_PADDR, si->memmap_paddr);
    wr32(out + PVH_SI_MEMMAP_ENTRIES, si->memmap_entries);
}

static bool overlaps(uint64_t lo1, uint64_t hi1, uint64_t lo2, uint64_t hi2)
{
    return lo1 < hi2 && lo2 < hi1;
}

/* Does [lo, hi) touch the GDT, the start_info page or the command line? */
static bool clashes_fixed(uint64_t lo, uint64_t hi, uint64_t gdt_addr, uint64_t cmdline_len)
{
    return overlaps(lo, hi, gdt_addr, gdt_addr + BOOT_GDT_SIZE) ||
           overlaps(lo, hi, PVH_INFO_ADDR, PVH_INFO_END) ||
           overlaps(lo, hi, PVH_CMDLINE_ADDR, PVH_CMDLINE_ADDR + cmdline_len);
}

static bool clashes_kernel(const struct pvh_image *pi, uint64_t lo, uint64_t hi)
{
    for (unsigned k = 0; k < pi->nseg; k++)
        if (overlaps(lo, hi, pi->seg[k].paddr, pi->seg[k].paddr + pi->seg[k].memsz)) return true;
    return false;
}

/* The initrd goes at the top of the highest RAM range below 4 GiB that holds it clear of the
 * kernel and the fixed areas (QEMU also puts it at the top of low RAM). Returns false if none. */
static bool place_initrd(const struct boot_e820 *map, unsigned nmap, const struct pvh_image *pi,
                         uint64_t gdt_addr, uint64_t cmdline_len, uint64_t size, uint64_t *at)
{
    bool found = false;
    for (unsigned k = 0; k < nmap; k++) {
        if (map[k].type != BOOT_E820_RAM) continue;
        uint64_t lo = map[k].addr, hi = map[k].addr + map[k].size;
        if (hi > 0x100000000ull) hi = 0x100000000ull;
        if (hi <= lo || hi - lo < size) continue;
        /* try the top, then just below each kernel segment that is in the way */
        uint64_t cand[PVH_MAX_SEGS + 1];
        unsigned nc = 0;
        cand[nc++] = (hi - size) & ~0xFFFull;
        for (unsigned s = 0; s < pi->nseg; s++)
            if (pi->seg[s].paddr >= size) cand[nc++] = (pi->seg[s].paddr - size) & ~0xFFFull;
        for (unsigned c = 0; c < nc; c++) {
            uint64_t a = cand[c];
            if (a < lo || a + size > hi) continue;
            if (clashes_kernel(pi, a, a + size) || clashes_fixed(a, a + size, gdt_addr, cmdline_len))
                continue;
            if (!found || a > *at) *at = a;
            found = true;
        }
    }
    return found;
}

bool pvh_boot_image(struct memmap *m, const struct pvh_config *cfg, const uint8_t *img, size_t len,
                    const uint8_t *initrd, size_t initrd_len, struct boot_entry *e,
                    struct pvh_boot_info *info, char *err, size_t errlen)
{
    struct pvh_boot_info bi;
    memset(&bi, 0, sizeof bi);
    if (!pvh_parse(img, len, &bi.img, err, errlen)) return false;
    const struct pvh_image *pi = &bi.img;

    struct boot_e820 defmap[8];
    const struct boot_e820 *map = cfg->e820;
    unsigned nmap = cfg->e820_count;
    if (!map || !nmap) {
        nmap = boot_e820_pc(cfg->ram_size, 0xC0000000ull, defmap, ARRAY_SIZE(defmap));
        map = defmap;
    }
    if (nmap > PVH_MEMMAP_MAX) {
        snprintf(err, errlen, "E820 map has %u entries; at most %u fit at 0x%x", nmap,
                 (unsigned)PVH_MEMMAP_MAX, PVH_MEMMAP_ADDR);
        return false;
    }
    uint64_t gdt_addr = cfg->gdt_addr ? cfg->gdt_addr : 0x6000;
    const char *cmdline = cfg->cmdline ? cfg->cmdline : "";
    uint64_t cmdline_len = strlen(cmdline) + 1;
    if (cmdline_len > PVH_CMDLINE_MAX) {
        snprintf(err, errlen, "command line is %llu bytes; at most %u fit",
                 (unsigned long long)cmdline_len - 1, PVH_CMDLINE_MAX - 1);
        return false;
    }

    /* ---- check every placement before writing anything ---- */
    if (!boot_e820_covers(map, nmap, gdt_addr, BOOT_GDT_SIZE) ||
        !boot_e820_covers(map, nmap, PVH_INFO_ADDR, PVH_INFO_END - PVH_INFO_ADDR) ||
        !boot_e820_covers(map, nmap, PVH_CMDLINE_ADDR, cmdline_len) ||
        overlaps(gdt_addr, gdt_addr + BOOT_GDT_SIZE, PVH_INFO_ADDR, PVH_INFO_END)) {
        snprintf(err, errlen, "the PVH boot areas (GDT 0x%llx, start info 0x%x, command line "
                              "0x%x) are not usable RAM",
                 (unsigned long long)gdt_addr, PVH_INFO_ADDR, PVH_CMDLINE_ADDR);
        return false;
    }
    for (unsigned k = 0; k < pi->nseg; k++) {
        uint64_t lo = pi->seg[k].paddr, hi = lo + pi->seg[k].memsz;
        if (!boot_e820_covers(map, nmap, lo, hi - lo)) {
            snprintf(err, errlen, "PVH kernel segment [0x%llx, 0x%llx) is not usable RAM (too "
                                  "little memory?)",
                     (unsigned long long)lo, (unsigned long long)hi);
            return false;
        }
        if (clashes_fixed(lo, hi, gdt_addr, cmdline_len)) {
            snprintf(err, errlen, "PVH kernel segment [0x%llx, 0x%llx) overlaps the GDT at 0x%llx, "
                                  "the start info [0x%x, 0x%x) or the command line at 0x%x",
                     (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)gdt_addr,
                     PVH_INFO_ADDR, PVH_INFO_END, PVH_CMDLINE_ADDR);
            return false;
        }
    }
    if (initrd && initrd_len) {
        if (!place_initrd(map, nmap, pi, gdt_addr, cmdline_len, initrd_len, &bi.initrd_addr)) {
            snprintf(err, errlen, "initrd (%zu bytes) does not fit in RAM below 4 GiB clear of "
                                  "the kernel [0x%llx, 0x%llx)",
                     initrd_len, (unsigned long long)pi->load_lo, (unsigned long long)pi->load_hi);
            return false;
        }
        bi.initrd_size = initrd_len;
    }

    /* ---- the start info page: start_info, module list, memory map [start_info.h] ---- */
    uint8_t page[PVH_INFO_END - PVH_INFO_ADDR];
    memset(page, 0, sizeof page);
    struct pvh_start_info si = {
        .cmdline_paddr = PVH_CMDLINE_ADDR,
        .rsdp_paddr = cfg->acpi_rsdp,
        .memmap_paddr = PVH_MEMMAP_ADDR,
        .memmap_entries = nmap,
    };
    if (bi.initrd_size) {
        /* hvm_modlist_entry {paddr, size, cmdline_paddr (0: none), reserved} */
        uint8_t *me = page + (PVH_MODLIST_ADDR - PVH_INFO_ADDR);
        wr64(me, bi.initrd_addr);
        wr64(me + 8, bi.initrd_size);
        si.nr_modules = 1;
        si.modlist_paddr = PVH_MODLIST_ADDR;
        bi.modlist_addr = PVH_MODLIST_ADDR;
    }
    for (unsigned k = 0; k < nmap; k++) {
        /* hvm_memmap_table_entry {addr, size, u32 type (E820 numbering), reserved} */
        uint8_t *me = page + (PVH_MEMMAP_ADDR - PVH_INFO_ADDR) + PVH_MEMMAP_ENTRY_SIZE * k;
        wr64(me, map[k].addr);
        wr64(me + 8, map[k].size);
        wr32(me + 16, map[k].type);
    }
    pvh_start_info_encode(page, &si);
    bi.start_info_addr = PVH_INFO_ADDR;
    bi.memmap_addr = PVH_MEMMAP_ADDR;
    bi.cmdline_addr = PVH_CMDLINE_ADDR;

    /* ---- write guest memory ---- */
    bool ok = boot_write(m, PVH_INFO_ADDR, page, sizeof page) &&
              boot_write(m, PVH_CMDLINE_ADDR, cmdline, cmdline_len);
    for (unsigned k = 0; ok && k < pi->nseg; k++) {
        const struct pvh_seg *s = &pi->seg[k];
        ok = boot_write(m, s->paddr, img + s->off, s->filesz) &&
             boot_write(m, s->paddr + s->filesz, NULL, s->memsz - s->filesz);
    }
    if (ok && bi.initrd_size) ok = boot_write(m, bi.initrd_addr, initrd, initrd_len);
    if (ok) ok = boot_flat32_entry(m, gdt_addr, e);
    if (!ok) {
        snprintf(err, errlen, "cannot write the PVH kernel to guest memory (the E820 map does "
                              "not match the machine's RAM)");
        return false;
    }
    /* Entry state [pvh]: EBX = start_info; CR0.PE = 1 with the other writable bits clear (ET is
     * read-only 1, SDM Vol.3A 2.5); CR4 = 0 (the board applies this right after reset, which
     * clears it); CS flat 32-bit code, DS/ES flat 32-bit data (SS, FS, GS too); TR an active
     * 32-bit TSS with base 0 and limit 0x67; EFLAGS.VM = IF = TF = 0. */
    e->rbx = PVH_INFO_ADDR;
    e->rip = pi->entry;
    e->tr.limit = 0x67;
    if (info) *info = bi;
    return true;
}

bool pvh_boot_load(struct memmap *m, const struct pvh_config *cfg, const char *kernel_path,
                   const char *initrd_path, struct boot_entry *e, struct pvh_boot_info *info,
                   char *err, size_t errlen)
{
    uint8_t *img = NULL, *rd = NULL;
    size_t len = 0, rdlen = 0;
    char sub[512];
    bool ok = boot_read_file(kernel_path, true, 256ull << 20, &img, &len, err, errlen);
    if (ok && initrd_path)
        ok = boot_read_file(initrd_path, false, 4095ull << 20, &rd, &rdlen, err, errlen);
    if (ok) {
        ok = pvh_boot_image(m, cfg, img, len, rd, rdlen, e, info, sub, sizeof sub);
        if (!ok) snprintf(err, errlen, "%s: %s", kernel_path, sub);
    }
    boot_free_file(img, len);
    boot_free_file(rd, rdlen);
    return ok;
}
