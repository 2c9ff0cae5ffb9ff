/* ACPI tables, the table-loader script and the AML encoder; the firmware's path end to end through
 * fw_cfg DMA into a fake RAM; `iasl -d` on every table when iasl is installed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bios/acpi.h"
#include "bios/aml.h"
#include "bios/fwcfg.h"
#include "mmu/memmap.h"

static uint64_t rd_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++) v |= (uint64_t)p[k] << (8 * k);
    return v;
}

/* ---- AML encoder ---- */

START_TEST(aml_pkglength)
{
    struct aml a;
    aml_init(&a);
    aml_scope(&a, "\\_SB");
    aml_close(&a);
    /* ScopeOp, PkgLength 6 (itself + 5-byte NameString), '\', "_SB_" */
    static const uint8_t want[] = {0x10, 0x06, 0x5c, '_', 'S', 'B', '_'};
    ck_assert_uint_eq(a.len, sizeof(want));
    ck_assert_mem_eq(a.buf, want, sizeof(want));
    aml_free(&a);

    /* 100-byte body: 2-byte PkgLength, total = 100 + 2 = 0x66 -> 0x46 0x06 */
    aml_init(&a);
    aml_pkg_open(&a);
    for (int k = 0; k < 100; k++) aml_byte(&a, (uint8_t)k);
    aml_close(&a);
    ck_assert_uint_eq(a.len, 102);
    ck_assert_int_eq(a.buf[0], 0x46);
    ck_assert_int_eq(a.buf[1], 0x06);
    ck_assert_int_eq(a.buf[2], 0);
    ck_assert_int_eq(a.buf[101], 99);
    aml_free(&a);

    /* 5000-byte body: 3-byte PkgLength, total 5003 = 0x138B -> 0x8B 0x38 0x01 */
    aml_init(&a);
    aml_pkg_open(&a);
    for (int k = 0; k < 5000; k++) aml_byte(&a, 0);
    aml_close(&a);
    ck_assert_uint_eq(a.len, 5003);
    ck_assert_int_eq(a.buf[0], 0x8b);
    ck_assert_int_eq(a.buf[1], 0x38);
    ck_assert_int_eq(a.buf[2], 0x01);
    ck_assert(!a.oom);
    aml_free(&a);
}
END_TEST

START_TEST(aml_names_ints)
{
    struct aml a;
    aml_init(&a);
    aml_name(&a, "\\_SB.PCI0");
    aml_name(&a, "\\_SB.PCI0.ISA");
    aml_name(&a, "^RTC");
    static const uint8_t want[] = {0x5c, 0x2e, '_', 'S', 'B', '_', 'P', 'C', 'I', '0',
                                   0x5c, 0x2f, 3, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'I', 'S', 'A', '_',
                                   0x5e, 'R', 'T', 'C', '_'};
    ck_assert_uint_eq(a.len, sizeof(want));
    ck_assert_mem_eq(a.buf, want, sizeof(want));
    aml_free(&a);

    aml_init(&a);
    aml_int(&a, 0);
    aml_int(&a, 1);
    aml_int(&a, 0x12);
    aml_int(&a, 0x1234);
    aml_int(&a, 0x12345678);
    aml_int(&a, 0x100000000ull);
    static const uint8_t want2[] = {0x00, 0x01, 0x0a, 0x12, 0x0b, 0x34, 0x12, 0x0c, 0x78, 0x56, 0x34, 0x12,
                                    0x0e, 0, 0, 0, 0, 1, 0, 0, 0};
    ck_assert_uint_eq(a.len, sizeof(want2));
    ck_assert_mem_eq(a.buf, want2, sizeof(want2));
    aml_free(&a);

    ck_assert_uint_eq(aml_eisaid_value("PNP0A03"), 0x030ad041u);
    ck_assert_uint_eq(aml_eisaid_value("PNP0501"), 0x0105d041u);
}
END_TEST

/* ---- tables ---- */

static struct acpi_config cfg;
static struct acpi_blobs blobs;

static void setup(void)
{
    acpi_config_default(&cfg, 256ull << 20);
    ck_assert(acpi_build(&cfg, &blobs));
}
static void teardown(void) { acpi_blobs_free(&blobs); }

static const uint8_t *tab(uint32_t off) { return blobs.tables + off; }

START_TEST(unrelocated_checksums)
{
    const struct acpi_layout *L = &blobs.lay;
    ck_assert_int_eq(acpi_sum(tab(L->dsdt), L->dsdt_len), 0);
    ck_assert_int_eq(acpi_sum(tab(L->fadt), L->fadt_len), 0);
    ck_assert_int_eq(acpi_sum(tab(L->madt), L->madt_len), 0);
    ck_assert_int_eq(acpi_sum(tab(L->hpet), L->hpet_len), 0);
    ck_assert_int_eq(acpi_sum(tab(L->rsdt), L->rsdt_len), 0);
    ck_assert_int_eq(acpi_sum(tab(L->xsdt), L->xsdt_len), 0);
    ck_assert_int_eq(acpi_sum(blobs.rsdp, 20), 0);
    ck_assert_int_eq(acpi_sum(blobs.rsdp, 36), 0);
    ck_assert_uint_eq(blobs.loader_len % 128, 0);
    ck_assert_uint_eq(L->facs % 64, 0);
}
END_TEST

static void check_relocated(const uint8_t *T, const uint8_t *R, uint64_t tbase, uint32_t pm)
{
    const struct acpi_layout *L = &blobs.lay;
    /* RSDP */
    ck_assert_mem_eq(R, "RSD PTR ", 8);
    ck_assert_int_eq(R[15], 2);
    ck_assert_int_eq(acpi_sum(R, 20), 0);
    ck_assert_int_eq(acpi_sum(R, 36), 0);
    ck_assert_uint_eq(rd_le(R + 16, 4), tbase + L->rsdt);
    ck_assert_uint_eq(rd_le(R + 24, 8), tbase + L->xsdt);
    /* RSDT / XSDT list FACP, APIC, HPET */
    static const char *sig[3] = {"FACP", "APIC", "HPET"};
    for (int k = 0; k < 3; k++) {
        uint64_t p32 = rd_le(T + L->rsdt + 36 + 4 * k, 4), p64 = rd_le(T + L->xsdt + 36 + 8 * k, 8);
        ck_assert_uint_eq(p32, p64);
        ck_assert_mem_eq(T + (p32 - tbase), sig[k], 4);
    }
    ck_assert_uint_eq(rd_le(T + L->rsdt + 4, 4), 36 + 12);
    ck_assert_uint_eq(rd_le(T + L->xsdt + 4, 4), 36 + 24);
    /* every table sums to 0 */
    uint32_t offs[6] = {L->dsdt, L->fadt, L->madt, L->hpet, L->rsdt, L->xsdt};
    for (int k = 0; k < 6; k++) ck_assert_int_eq(acpi_sum(T + offs[k], (uint32_t)rd_le(T + offs[k] + 4, 4)), 0);
    /* FADT */
    const uint8_t *F = T + L->fadt;
    ck_assert_int_eq(F[8], 3);
    ck_assert_uint_eq(rd_le(F + 4, 4), 244);
    ck_assert_uint_eq(rd_le(F + 36, 4), tbase + L->facs);
    ck_assert_mem_eq(T + L->facs, "FACS", 4);
    ck_assert_uint_eq(rd_le(F + 40, 4), tbase + L->dsdt);
    ck_assert_uint_eq(rd_le(F + 140, 8), tbase + L->dsdt);
    ck_assert_mem_eq(T + L->dsdt, "DSDT", 4);
    ck_assert_uint_eq(rd_le(F + 46, 2), 9);
    ck_assert_uint_eq(rd_le(F + 48, 4), 0); /* SMI_CMD */
    ck_assert_uint_eq(rd_le(F + 56, 4), pm);
    ck_assert_uint_eq(rd_le(F + 64, 4), pm + 4);
    ck_assert_uint_eq(rd_le(F + 76, 4), pm + 8);
    ck_assert_int_eq(F[88], 4);
    ck_assert_int_eq(F[89], 2);
    ck_assert_int_eq(F[91], 4);
    ck_assert_int_eq(F[108], 0x32);
    /* reset register as SeaBIOS acpi_set_reset_reg wants it: I/O, 8 bits, offset 0 */
    ck_assert_int_eq(F[116], 1);
    ck_assert_int_eq(F[117], 8);
    ck_assert_int_eq(F[118], 0);
    ck_assert_uint_eq(rd_le(F + 120, 8), 0xcf9);
    ck_assert_int_eq(F[128], 6);
    ck_assert(rd_le(F + 112, 4) & (1u << 10));
    ck_assert_uint_eq(rd_le(F + 208 + 4, 8), pm + 8);
}

START_TEST(relocation)
{
    ck_assert(acpi_relocate(&blobs, 0x0ffe0000, 0xf5a00));
    check_relocated(blobs.tables, blobs.rsdp, 0x0ffe0000, 0x600);
}
END_TEST

START_TEST(madt_contents)
{
    const uint8_t *M = tab(blobs.lay.madt);
    ck_assert_mem_eq(M, "APIC", 4);
    ck_assert_uint_eq(rd_le(M + 36, 4), 0xfee00000u);
    ck_assert_uint_eq(rd_le(M + 40, 4), 1);
    static const uint8_t want[] = {
        0, 8, 0, 0, 1, 0, 0, 0,                      /* LAPIC uid 0 id 0 enabled */
        1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0,   /* IOAPIC id 0 at FEC00000 GSI 0 */
        2, 10, 0, 0, 2, 0, 0, 0, 0, 0,               /* IRQ0 -> GSI2 */
        2, 10, 0, 5, 5, 0, 0, 0, 0x0d, 0,            /* IRQ5 level high */
        2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0,            /* IRQ9 (SCI) level high */
        2, 10, 0, 10, 10, 0, 0, 0, 0x0d, 0,
        2, 10, 0, 11, 11, 0, 0, 0, 0x0d, 0,
        4, 6, 0xff, 0, 0, 1,                         /* LAPIC NMI all CPUs LINT1 */
    };
    ck_assert_uint_eq(blobs.lay.madt_len, 44 + sizeof(want));
    ck_assert_mem_eq(M + 44, want, sizeof(want));
    const uint8_t *H = tab(blobs.lay.hpet);
    ck_assert_mem_eq(H, "HPET", 4);
    ck_assert_uint_eq(rd_le(H + 36, 4), 0x8086a201u);
    ck_assert_int_eq(H[40], 0);
    ck_assert_int_eq(H[41], 64);
    ck_assert_uint_eq(rd_le(H + 44, 8), 0xfed00000u);
}
END_TEST

static bool has_bytes(const uint8_t *p, size_t n, const void *needle, size_t m)
{
    for (size_t k = 0; k + m <= n; k++)
        if (!memcmp(p + k, needle, m)) return true;
    return false;
}

START_TEST(dsdt_contents)
{
    const uint8_t *D = tab(blobs.lay.dsdt);
    size_t n = blobs.lay.dsdt_len;
    /* Name(_S5, Package(4){0,0,0,0}) */
    static const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
    ck_assert(has_bytes(D, n, s5, sizeof(s5)));
    /* COM1 resources: IO 0x3F8 len 8, IRQ4 */
    static const uint8_t com[] = {0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08, 0x22, 0x10, 0x00, 0x79, 0x00};
    ck_assert(has_bytes(D, n, com, sizeof(com)));
    /* HPET Memory32Fixed at FED00000 */
    static const uint8_t hp[] = {0x86, 0x09, 0x00, 0x00, 0x00, 0x00, 0xd0, 0xfe, 0x00, 0x04, 0, 0};
    ck_assert(has_bytes(D, n, hp, sizeof(hp)));
    /* _HID EisaId PNP0A03, PNP0B00, PNP0303, PNP0103 */
    uint32_t ids[4] = {aml_eisaid_value("PNP0A03"), aml_eisaid_value("PNP0B00"), aml_eisaid_value("PNP0303"),
                       aml_eisaid_value("PNP0103")};
    for (int k = 0; k < 4; k++) {
        uint8_t h[9] = {0x08, '_', 'H', 'I', 'D', 0x0c, (uint8_t)ids[k], (uint8_t)(ids[k] >> 8),
                        (uint8_t)(ids[k] >> 16)};
        ck_assert(has_bytes(D, n, h, sizeof(h)));
    }
    /* _PIC method storing Arg0 into PICF */
    static const uint8_t pic[] = {0x14, 0x0c, '_', 'P', 'I', 'C', 0x01, 0x70, 0x68, 'P', 'I', 'C', 'F'};
    ck_assert(has_bytes(D, n, pic, sizeof(pic)));
}
END_TEST

START_TEST(no_hpet_two_cpus)
{
    acpi_blobs_free(&blobs);
    cfg.hpet = false;
    cfg.ncpus = 2;
    ck_assert(acpi_build(&cfg, &blobs));
    ck_assert_uint_eq(blobs.lay.rsdt_len, 36 + 8);
    ck_assert(acpi_relocate(&blobs, 0x100000, 0xf0000));
    ck_assert_int_eq(acpi_sum(tab(blobs.lay.madt), blobs.lay.madt_len), 0);
    ck_assert_int_eq(tab(blobs.lay.madt)[44 + 8 + 3], 1); /* second LAPIC id 1 */
    cfg.ncpus = 0;
    acpi_blobs_free(&blobs);
    ck_assert(!acpi_build(&cfg, &blobs));
}
END_TEST

/* ---- the firmware's path: fw_cfg DMA reads into RAM, then the loader script (as SeaBIOS runs it
 * in romfile_loader.c) at the addresses it would allocate ---- */

static struct fwcfg fw;
static struct memmap *mem;
static uint8_t *ram;
static uint16_t pmba = 0xb000;
static uint16_t get_pmba(void *o) { return pmba; }

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static uint32_t dma_read_file(const char *name, uint32_t dst)
{
    /* look the file up in the directory through DMA as SeaBIOS does */
    uint8_t *d = ram + 0x1000;
    uint32_t desc = 0x800;
    static const uint8_t ctl_dir[4] = {0x00, 0x19, 0x00, 0x0a};
    memcpy(ram + desc, ctl_dir, 4);
    uint8_t len[4] = {0, 0, 0x10, 0};
    memcpy(ram + desc + 4, len, 4);
    memset(ram + desc + 8, 0, 8);
    ram[desc + 14] = 0x10; /* address 0x1000 */
    fwcfg_pio_out(&fw, 0x518, __builtin_bswap32(desc), 4);
    ck_assert_uint_eq(be32(ram + desc), 0);
    uint32_t count = be32(d);
    for (uint32_t k = 0; k < count; k++) {
        const uint8_t *e = d + 4 + 64 * k;
        if (strcmp((const char *)e + 8, name)) continue;
        uint32_t size = be32(e);
        uint16_t key = (uint16_t)(e[4] << 8 | e[5]);
        uint8_t c[16] = {(uint8_t)(key >> 8), (uint8_t)key, 0, 0x0a,
                         (uint8_t)(size >> 24), (uint8_t)(size >> 16), (uint8_t)(size >> 8), (uint8_t)size,
                         0, 0, 0, 0, (uint8_t)(dst >> 24), (uint8_t)(dst >> 16), (uint8_t)(dst >> 8), (uint8_t)dst};
        memcpy(ram + desc, c, 16);
        fwcfg_pio_out(&fw, 0x518, __builtin_bswap32(desc), 4);
        ck_assert_uint_eq(be32(ram + desc), 0);
        return size;
    }
    ck_abort_msg("file %s not in directory", name);
    return 0;
}

START_TEST(through_fwcfg)
{
    mem = memmap_create(1 << 24);
    ram = memmap_add_backed(mem, 0, 1 << 24, REG_RAM, "ram");
    ck_assert(fwcfg_init(&fw, NULL, mem, true));
    struct acpi_state st;
    acpi_config_default(&st.cfg, 1 << 24);
    st.cfg.current_pm_base = get_pmba; /* as if OVMF had programmed PMBA = 0xB000 */
    ck_assert(acpi_fwcfg_install(&st, &fw));
    ck_assert_uint_eq(st.built_pm_base, 0x600);

    uint32_t lsize = dma_read_file("etc/table-loader", 0x10000);
    ck_assert_uint_eq(st.built_pm_base, 0xb000); /* rebuilt on first read */
    const uint32_t rsdp_at = 0xf5a00, tables_at = 0x200000;
    uint32_t rsize = dma_read_file("etc/acpi/rsdp", rsdp_at);
    uint32_t tsize = dma_read_file("etc/acpi/tables", tables_at);
    ck_assert_uint_eq(rsize, 36);
    /* run the script from guest memory: the same semantics as SeaBIOS, in a tiny re-implementation */
    for (uint32_t at = 0; at < lsize; at += 128) {
        const uint8_t *e = ram + 0x10000 + at;
        uint32_t cmd = (uint32_t)rd_le(e, 4);
        const char *f = (const char *)e + 4;
        uint32_t base = !strcmp(f, "etc/acpi/tables") ? tables_at : rsdp_at;
        uint32_t size = !strcmp(f, "etc/acpi/tables") ? tsize : rsize;
        if (cmd == 1) {
            ck_assert_uint_eq(rd_le(e + 64, 1), !strcmp(f, "etc/acpi/rsdp") ? 2 : 1);
        } else if (cmd == 2) {
            uint32_t src = !strcmp((const char *)e + 60, "etc/acpi/tables") ? tables_at : rsdp_at;
            uint32_t off = (uint32_t)rd_le(e + 116, 4);
            unsigned sz = e[120];
            ck_assert_uint_le(off + sz, size);
            uint64_t v = rd_le(ram + base + off, sz) + src;
            for (unsigned k = 0; k < sz; k++) ram[base + off + k] = (uint8_t)(v >> (8 * k));
        } else if (cmd == 3) {
            uint32_t off = (uint32_t)rd_le(e + 60, 4), start = (uint32_t)rd_le(e + 64, 4);
            uint32_t len = (uint32_t)rd_le(e + 68, 4);
            ck_assert_uint_le(start + len, size);
            ram[base + off] = (uint8_t)(ram[base + off] - acpi_sum(ram + base + start, len));
        } else {
            ck_abort_msg("unexpected loader command %u", cmd);
        }
    }
    /* same layout as a direct build with PMBA 0xB000 */
    acpi_blobs_free(&blobs);
    cfg = st.cfg;
    ck_assert(acpi_build(&cfg, &blobs));
    check_relocated(ram + tables_at, ram + rsdp_at, tables_at, 0xb000);
    ck_assert_uint_eq(rd_le(ram + tables_at + blobs.lay.fadt + 56, 4), 0xb000);
    fwcfg_destroy(&fw);
    memmap_destroy(mem);
}
END_TEST

/* ---- iasl ---- */

static int run_iasl(const char *dir, const char *name, const uint8_t *p, uint32_t len)
{
    char path[512], cmd[1200];
    snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(p, 1, len, f), len);
    fclose(f);
    /* any "Error"/"Warning"/"Invalid"/"Incorrect checksum" in iasl's output fails the check */
    snprintf(cmd, sizeof(cmd),
             "cd %s && iasl -d %s.dat > %s.log 2>&1 && ! grep -qiE 'error|warning|invalid|incorrect' %s.log "
             "%s.dsl",
             dir, name, name, name, name);
    return system(cmd);
}

START_TEST(iasl_disassembles)
{
    if (system("command -v iasl > /dev/null 2>&1") != 0) {
        fprintf(stderr, "test_acpi: iasl not installed, skipping the disassembly check\n");
        return;
    }
    char dir[] = "/tmp/turtles-acpi-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert(acpi_relocate(&blobs, 0x0ffe0000, 0xf5a00));
    const struct acpi_layout *L = &blobs.lay;
    ck_assert_int_eq(run_iasl(dir, "dsdt", tab(L->dsdt), L->dsdt_len), 0);
    ck_assert_int_eq(run_iasl(dir, "facp", tab(L->fadt), L->fadt_len), 0);
    ck_assert_int_eq(run_iasl(dir, "apic", tab(L->madt), L->madt_len), 0);
    ck_assert_int_eq(run_iasl(dir, "hpet", tab(L->hpet), L->hpet_len), 0);
    ck_assert_int_eq(run_iasl(dir, "rsdt", tab(L->rsdt), L->rsdt_len), 0);
    ck_assert_int_eq(run_iasl(dir, "xsdt", tab(L->xsdt), L->xsdt_len), 0);
    ck_assert_int_eq(run_iasl(dir, "facs", tab(L->facs), 64), 0);
    /* no RSDP: iasl 20200925 rejects a binary RSDP ("does not contain a valid ACPI table": it has
     * no standard header); unrelocated_checksums/relocation check it instead */
    /* the disassembled DSDT recompiles without errors or warnings */
    char cmd[600];
    snprintf(cmd, sizeof(cmd),
             "cd %s && iasl -p re dsdt.dsl > re.log 2>&1 && grep -q '0 Errors, 0 Warnings' re.log", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("acpi");
    TCase *a = tcase_create("aml");
    tcase_add_test(a, aml_pkglength);
    tcase_add_test(a, aml_names_ints);
    suite_add_tcase(s, a);
    TCase *t = tcase_create("tables");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, unrelocated_checksums);
    tcase_add_test(t, relocation);
    tcase_add_test(t, madt_contents);
    tcase_add_test(t, dsdt_contents);
    tcase_add_test(t, no_hpet_two_cpus);
    tcase_add_test(t, through_fwcfg);
    tcase_add_test(t, iasl_disassembles);
    tcase_set_timeout(t, 30);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
