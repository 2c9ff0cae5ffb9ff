/* fw_cfg device and e820 map: driven through the port callbacks with a fake guest RAM. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bios/e820.h"
#include "bios/fwcfg.h"
#include "mmu/memmap.h"

static struct memmap *mem;
static uint8_t *ram;
static struct fwcfg fw;

static void setup(void)
{
    mem = memmap_create(1 << 20);
    ram = memmap_add_backed(mem, 0, 1 << 20, REG_RAM, "ram");
    ck_assert_ptr_nonnull(ram);
    ck_assert(fwcfg_init(&fw, NULL, mem, true));
}
static void teardown(void)
{
    fwcfg_destroy(&fw);
    memmap_destroy(mem);
}

static void sel(uint16_t key) { fwcfg_pio_out(&fw, 0x510, key, 2); }
static uint8_t rd(void) { return (uint8_t)fwcfg_pio_in(&fw, 0x511, 1); }
static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static uint32_t get_be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* Writes a FWCfgDmaAccess at desc and triggers it like SeaBIOS: outl(cpu_to_be32(addr), 0x518). */
static uint32_t dma(uint32_t desc, uint32_t control, uint32_t len, uint64_t addr)
{
    be32(ram + desc, control);
    be32(ram + desc + 4, len);
    be32(ram + desc + 8, (uint32_t)(addr >> 32));
    be32(ram + desc + 12, (uint32_t)addr);
    fwcfg_pio_out(&fw, 0x514, 0, 4);
    fwcfg_pio_out(&fw, 0x518, __builtin_bswap32(desc), 4);
    return get_be32(ram + desc);
}

START_TEST(signature_and_id)
{
    sel(FW_CFG_SIGNATURE);
    ck_assert_int_eq(rd(), 'Q');
    ck_assert_int_eq(rd(), 'E');
    ck_assert_int_eq(rd(), 'M');
    ck_assert_int_eq(rd(), 'U');
    ck_assert_int_eq(rd(), 0); /* past the end */
    sel(FW_CFG_SIGNATURE);     /* reselect resets the offset */
    ck_assert_int_eq(fwcfg_pio_in(&fw, 0x510, 1), 'Q'); /* byte read at 0x510 is data too */
    sel(FW_CFG_ID);
    ck_assert_int_eq(rd(), 3);
    ck_assert_int_eq(rd(), 0);
    /* DMA register reads back "QEMU CFG" in byte order */
    ck_assert_uint_eq(fwcfg_pio_in(&fw, 0x514, 4), 0x554d4551u);
    ck_assert_uint_eq(fwcfg_pio_in(&fw, 0x518, 4), 0x47464320u);
    ck_assert_uint_eq(fwcfg_pio_in(&fw, 0x51b, 1), 'G');
    /* bad width on the data port */
    ck_assert_uint_eq(fwcfg_pio_in(&fw, 0x511, 2), 0xffffffffu);
}
END_TEST

START_TEST(no_dma_without_memory)
{
    struct fwcfg f2;
    ck_assert(fwcfg_init(&f2, NULL, NULL, true));
    fwcfg_pio_out(&f2, 0x510, FW_CFG_ID, 2);
    ck_assert_int_eq(fwcfg_pio_in(&f2, 0x511, 1), 1);
    ck_assert_uint_eq(fwcfg_pio_in(&f2, 0x514, 4), 0xffffffffu);
    fwcfg_destroy(&f2);
}
END_TEST

START_TEST(keys_and_absent)
{
    ck_assert(fwcfg_add_i16(&fw, FW_CFG_NB_CPUS, 0x0102));
    ck_assert(fwcfg_add_i64(&fw, FW_CFG_RAM_SIZE, 0x10000000ull));
    ck_assert(fwcfg_add_i32(&fw, FW_CFG_IRQ0_OVERRIDE, 1));
    ck_assert(!fwcfg_add_key(&fw, FW_CFG_FILE_DIR, "x", 1));
    ck_assert(!fwcfg_add_key(&fw, 0x20, "x", 1));
    sel(FW_CFG_NB_CPUS);
    ck_assert_int_eq(rd(), 2);
    ck_assert_int_eq(rd(), 1);
    ck_assert_int_eq(rd(), 0);
    sel(FW_CFG_RAM_SIZE | 0x4000); /* write-channel bit ignored */
    uint8_t b[8];
    for (int k = 0; k < 8; k++) b[k] = rd();
    ck_assert_int_eq(b[3], 0x10);
    ck_assert_int_eq(b[0] | b[1] | b[2] | b[4] | b[5] | b[6] | b[7], 0);
    sel(FW_CFG_IRQ0_OVERRIDE);
    ck_assert_int_eq(rd(), 1);
    sel(FW_CFG_NUMA); /* absent: reads 0 */
    ck_assert_int_eq(rd(), 0);
    sel(0x8001);
    ck_assert_int_eq(rd(), 0);
    sel(0x7ff);
    ck_assert_int_eq(rd(), 0);
    fwcfg_pio_out(&fw, 0x511, 0x55, 1); /* data writes ignored */
    sel(FW_CFG_NB_CPUS);
    ck_assert_int_eq(rd(), 2);
}
END_TEST

START_TEST(file_directory)
{
    ck_assert(fwcfg_add_file(&fw, "etc/e820", "ABCDEFGHIJ", 10));
    ck_assert(fwcfg_add_file(&fw, "bootorder", NULL, 0));
    ck_assert(fwcfg_add_file(&fw, "etc/boot-fail-wait", "\x10\x27\x00\x00", 4));
    /* name order: bootorder 0x20, etc/boot-fail-wait 0x21, etc/e820 0x22 */
    ck_assert_int_eq(fwcfg_file_key(&fw, "bootorder"), 0x20);
    ck_assert_int_eq(fwcfg_file_key(&fw, "etc/boot-fail-wait"), 0x21);
    ck_assert_int_eq(fwcfg_file_key(&fw, "etc/e820"), 0x22);
    ck_assert_int_eq(fwcfg_file_key(&fw, "nope"), 0);
    sel(FW_CFG_FILE_DIR);
    uint8_t d[4 + 3 * 64];
    for (unsigned k = 0; k < sizeof(d); k++) d[k] = rd();
    ck_assert_int_eq(rd(), 0);
    ck_assert_uint_eq(get_be32(d), 3);
    static const char *names[3] = {"bootorder", "etc/boot-fail-wait", "etc/e820"};
    static const uint32_t sizes[3] = {0, 4, 10};
    for (int k = 0; k < 3; k++) {
        const uint8_t *e = d + 4 + 64 * k;
        ck_assert_uint_eq(get_be32(e), sizes[k]);
        ck_assert_int_eq(e[4] << 8 | e[5], 0x20 + k);
        ck_assert_int_eq(e[6] | e[7], 0);
        ck_assert_str_eq((const char *)e + 8, names[k]);
    }
    sel(0x22);
    ck_assert_int_eq(rd(), 'A');
    ck_assert_int_eq(rd(), 'B');
    /* replace grows the file; the directory follows */
    ck_assert(fwcfg_update_file(&fw, "etc/e820", "0123456789abcdef", 16));
    sel(FW_CFG_FILE_DIR);
    for (unsigned k = 0; k < sizeof(d); k++) d[k] = rd();
    ck_assert_uint_eq(get_be32(d + 4 + 128), 16);
    ck_assert(!fwcfg_update_file(&fw, "nope", "x", 1));
    char longname[70];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[69] = 0;
    ck_assert(!fwcfg_add_file(&fw, longname, "x", 1));
}
END_TEST

START_TEST(dma_read_select_skip)
{
    uint8_t blob[300];
    for (int k = 0; k < 300; k++) blob[k] = (uint8_t)(k * 7 + 1);
    ck_assert(fwcfg_add_file(&fw, "etc/test", blob, 300));
    uint16_t key = fwcfg_file_key(&fw, "etc/test");
    memset(ram + 0x2000, 0xee, 0x400);
    /* select + read 100 bytes */
    ck_assert_uint_eq(dma(0x1000, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 100, 0x2000), 0);
    ck_assert_mem_eq(ram + 0x2000, blob, 100);
    ck_assert_int_eq(ram[0x2000 + 100], 0xee);
    /* skip 50, then read 200: 150 real bytes and 50 zeros */
    ck_assert_uint_eq(dma(0x1000, FW_CFG_DMA_CTL_SKIP, 50, 0), 0);
    ck_assert_uint_eq(dma(0x1000, FW_CFG_DMA_CTL_READ, 200, 0x2100), 0);
    ck_assert_mem_eq(ram + 0x2100, blob + 150, 150);
    for (int k = 150; k < 200; k++) ck_assert_int_eq(ram[0x2100 + k], 0);
    ck_assert_int_eq(ram[0x2100 + 200], 0xee);
    /* the address register is 0 after an operation: a lone low write uses high half 0 */
    ck_assert_uint_eq(fw.dma_addr, 0);
    /* the port interface continues at the DMA offset (past the end -> 0) */
    ck_assert_int_eq(rd(), 0);
    /* select only, then port read */
    ck_assert_uint_eq(dma(0x1000, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT, 0, 0), 0);
    ck_assert_int_eq(rd(), 'Q');
    /* DMA read of an absent key delivers zeros, no error */
    memset(ram + 0x3000, 0xee, 16);
    ck_assert_uint_eq(dma(0x1000, 0x0d << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 8, 0x3000), 0);
    for (int k = 0; k < 8; k++) ck_assert_int_eq(ram[0x3000 + k], 0);
    ck_assert_int_eq(ram[0x3008], 0xee);
}
END_TEST

START_TEST(dma_write)
{
    uint8_t zero[8] = {0};
    ck_assert(fwcfg_add_file_ex(&fw, "etc/wp", zero, 8, true, NULL, NULL));
    ck_assert(fwcfg_add_file(&fw, "etc/ro", zero, 8));
    uint16_t wp = fwcfg_file_key(&fw, "etc/wp"), ro = fwcfg_file_key(&fw, "etc/ro");
    memcpy(ram + 0x2000, "12345678", 8);
    ck_assert_uint_eq(dma(0x1000, (uint32_t)wp << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 8, 0x2000), 0);
    ck_assert_mem_eq(fwcfg_item(&fw, wp)->data, "12345678", 8);
    /* read-only item: error */
    ck_assert_uint_eq(dma(0x1000, (uint32_t)ro << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 8, 0x2000),
                      FW_CFG_DMA_CTL_ERROR);
    ck_assert_mem_eq(fwcfg_item(&fw, ro)->data, zero, 8);
    /* truncated write (past the end): dropped entirely, error */
    memcpy(ram + 0x2000, "abcdefghij", 10);
    ck_assert_uint_eq(dma(0x1000, (uint32_t)wp << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 10, 0x2000),
                      FW_CFG_DMA_CTL_ERROR);
    ck_assert_mem_eq(fwcfg_item(&fw, wp)->data, "12345678", 8);
    /* no operation bit: nothing moves, control cleared */
    ck_assert_uint_eq(dma(0x1000, 0, 8, 0x2000), 0);
}
END_TEST

START_TEST(dma_64bit_address)
{
    ck_assert(fwcfg_add_file(&fw, "etc/x", "hello", 5));
    /* the high half (0x514) is latched until the low half (0x518) triggers */
    fwcfg_pio_out(&fw, 0x514, __builtin_bswap32(1), 4);
    ck_assert_uint_eq(fw.dma_addr >> 32, 1);
    fwcfg_reset(&fw);
    ck_assert_uint_eq(fw.dma_addr, 0);
}
END_TEST

static int cb_calls;
static void on_sel(void *opaque, struct fwcfg *f, uint16_t key)
{
    cb_calls++;
    fwcfg_update_file(f, "etc/cb", "NEW", 3);
}

START_TEST(select_callback)
{
    ck_assert(fwcfg_add_file_ex(&fw, "etc/cb", "OLD", 3, false, on_sel, NULL));
    sel(fwcfg_file_key(&fw, "etc/cb"));
    ck_assert_int_eq(cb_calls, 1);
    ck_assert_int_eq(rd(), 'N');
    ck_assert_uint_eq(dma(0x1000, (uint32_t)fwcfg_file_key(&fw, "etc/cb") << 16 | FW_CFG_DMA_CTL_SELECT |
                                      FW_CFG_DMA_CTL_READ, 3, 0x2000), 0);
    ck_assert_int_eq(cb_calls, 2);
    ck_assert_mem_eq(ram + 0x2000, "NEW", 3);
}
END_TEST

/* ---- e820 ---- */

START_TEST(e820_split_rule)
{
    uint64_t lo, hi;
    e820_split(256ull << 20, &lo, &hi);
    ck_assert_uint_eq(lo, 256ull << 20);
    ck_assert_uint_eq(hi, 0);
    e820_split(0xdfffffffull, &lo, &hi);
    ck_assert_uint_eq(lo, 0xdfffffffull);
    ck_assert_uint_eq(hi, 0);
    e820_split(0xe0000000ull, &lo, &hi);
    ck_assert_uint_eq(lo, 0xc0000000ull);
    ck_assert_uint_eq(hi, 0x20000000ull);
    e820_split(8ull << 30, &lo, &hi);
    ck_assert_uint_eq(lo, 0xc0000000ull);
    ck_assert_uint_eq(hi, (8ull << 30) - 0xc0000000ull);
}
END_TEST

START_TEST(e820_fwcfg_format)
{
    struct e820_entry e[E820_MAX_ENTRIES];
    uint8_t buf[E820_MAX_ENTRIES * E820_ENTRY_SIZE];
    unsigned n = e820_fwcfg_map(256ull << 20, e);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(e820_pack(e, n, buf), 20);
    static const uint8_t want[20] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 1, 0, 0, 0};
    ck_assert_mem_eq(buf, want, 20);
    n = e820_fwcfg_map(4ull << 30, e);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(e820_pack(e, n, buf), 40);
    static const uint8_t want2[20] = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 1, 0, 0, 0};
    ck_assert_mem_eq(buf + 20, want2, 20);
}
END_TEST

START_TEST(e820_bios_layout)
{
    struct e820_entry e[E820_MAX_ENTRIES];
    unsigned n = e820_bios_map(256ull << 20, 256 << 10, e);
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(e[0].addr, 0);
    ck_assert_uint_eq(e[0].len, 0x9fc00);
    ck_assert_uint_eq(e[0].type, E820_RAM);
    ck_assert_uint_eq(e[1].addr, 0x9fc00);
    ck_assert_uint_eq(e[1].len, 0x400);
    ck_assert_uint_eq(e[1].type, E820_RESERVED);
    ck_assert_uint_eq(e[2].addr, 0xf0000);
    ck_assert_uint_eq(e[2].type, E820_RESERVED);
    ck_assert_uint_eq(e[3].addr, 0x100000);
    ck_assert_uint_eq(e[3].len, (256ull << 20) - 0x100000);
    ck_assert_uint_eq(e[3].type, E820_RAM);
    ck_assert_uint_eq(e[4].addr, 0xfffc0000ull);
    ck_assert_uint_eq(e[4].len, 0x40000);
    n = e820_bios_map(6ull << 30, 0, e);
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(e[3].len, 0xc0000000ull - 0x100000);
    ck_assert_uint_eq(e[4].addr, 1ull << 32);
    ck_assert_uint_eq(e[4].len, (6ull << 30) - 0xc0000000ull);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fwcfg");
    TCase *t = tcase_create("fwcfg");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, signature_and_id);
    tcase_add_test(t, no_dma_without_memory);
    tcase_add_test(t, keys_and_absent);
    tcase_add_test(t, file_directory);
    tcase_add_test(t, dma_read_select_skip);
    tcase_add_test(t, dma_write);
    tcase_add_test(t, dma_64bit_address);
    tcase_add_test(t, select_callback);
    suite_add_tcase(s, t);
    TCase *e = tcase_create("e820");
    tcase_add_test(e, e820_split_rule);
    tcase_add_test(e, e820_fwcfg_format);
    tcase_add_test(e, e820_bios_layout);
    suite_add_tcase(s, e);
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
