/* Unit tests of the PIIX3 IDE controller (devices/ide.c) and the disk images (devices/blockdev.c),
 * driven through the port bus with a fake clock (a variable we advance), fake IRQ lines (levels
 * and rising edges) and a small guest memory for bus-master DMA. Expected values come from
 * ATA/ATAPI-6 (signatures, status/error bits, protocols), MMC-3/SPC-3 (packet commands) and the
 * PIIX3 datasheet (bus-master registers). */
#include "devices/ide.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmu/memmap.h"

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

static uint64_t fake_now;
static uint64_t fake_icount(void *opaque) { return fake_now; }

static int irq_level[16], irq_edges[16];
static void fake_irq(void *opaque, int n, int level)
{
    if (level && !irq_level[n]) irq_edges[n]++;
    irq_level[n] = level;
}

static struct clock clk;
static struct bus *bus;
static struct memmap *mem;
static struct ide_ctrl *ide;
static char disk_path[64], cd_path[64];
#define DISK_SECTORS 200
#define CD_BLOCKS 40
#define BM 0xc000 /* where the test maps the bus-master block */

static uint8_t disk_byte(uint64_t off) { return (uint8_t)(off * 7 + off / 512 + 3); }
static uint8_t cd_byte(uint64_t off) { return (uint8_t)(off * 13 + off / 2048 + 1); }

static void make_file(char *path, const char *tmpl, uint64_t size, uint8_t (*f)(uint64_t))
{
    strcpy(path, tmpl);
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    uint8_t *b = malloc(size);
    for (uint64_t k = 0; k < size; k++) b[k] = f(k);
    ck_assert(write(fd, b, size) == (ssize_t)size);
    close(fd);
    free(b);
}

static uint8_t inb(uint16_t p) { return (uint8_t)bus_in(bus, p, 1); }
static uint16_t inw(uint16_t p) { return (uint16_t)bus_in(bus, p, 2); }
static void outb(uint16_t p, uint8_t v) { bus_out(bus, p, v, 1); }
static void outw(uint16_t p, uint16_t v) { bus_out(bus, p, v, 2); }
static void advance(uint64_t ns)
{
    fake_now += ns;
    clock_run_timers(&clk);
}

/* which: bit 0 = disk at primary master, bit 1 = CD-ROM at secondary master */
static void setup_with(unsigned which, enum blockdev_mode mode)
{
    fake_now = 0;
    memset(irq_level, 0, sizeof irq_level);
    memset(irq_edges, 0, sizeof irq_edges);
    clock_init(&clk, fake_icount, NULL);
    bus = bus_create();
    mem = memmap_create(1 << 20);
    ck_assert(memmap_add_backed(mem, 0, 1 << 20, REG_RAM, "ram"));
    ide = calloc(1, sizeof *ide);
    ck_assert(ide_init(ide, bus, &clk, mem, (struct irq_line){fake_irq, NULL, 14},
                       (struct irq_line){fake_irq, NULL, 15}));
    ck_assert(bus_add_pio(bus, BM, 16, &ide_bm_ops, ide));
    char err[256];
    make_file(disk_path, "/tmp/ide-disk-XXXXXX", DISK_SECTORS * 512, disk_byte);
    make_file(cd_path, "/tmp/ide-cd-XXXXXX", CD_BLOCKS * 2048, cd_byte);
    if (which & 1) {
        struct blockdev *bd = blockdev_open(disk_path, mode, err, sizeof err);
        ck_assert_msg(bd, "%s", err);
        ck_assert(ide_attach(ide, 0, 0, bd, false, err, sizeof err));
    }
    if (which & 2) {
        struct blockdev *bd = blockdev_open(cd_path, BLOCKDEV_READONLY, err, sizeof err);
        ck_assert_msg(bd, "%s", err);
        ck_assert(ide_attach(ide, 1, 0, bd, true, err, sizeof err));
    }
    ide_reset(ide);
}
static void setup(void) { setup_with(3, BLOCKDEV_SNAPSHOT); }
static void teardown(void)
{
    ide_destroy(ide);
    free(ide);
    bus_destroy(bus);
    memmap_destroy(mem);
    unlink(disk_path);
    unlink(cd_path);
}

/* Issues an ATA command on the primary channel with LBA28 addressing and waits for it. */
static void ata_cmd(uint8_t cmd, uint32_t lba, uint8_t count)
{
    outb(0x1f6, (uint8_t)(0xe0 | (lba >> 24 & 0xf)));
    outb(0x1f2, count);
    outb(0x1f3, (uint8_t)lba);
    outb(0x1f4, (uint8_t)(lba >> 8));
    outb(0x1f5, (uint8_t)(lba >> 16));
    outb(0x1f7, cmd);
    CHECK(inb(0x3f6) & 0x80, "BSY right after the command");
    advance(IDE_CMD_DELAY_NS);
}

static void read_words(uint16_t port, uint16_t *w, unsigned n)
{
    for (unsigned k = 0; k < n; k++) w[k] = inw(port);
}

START_TEST(test_empty_channel)
{
    teardown();
    setup_with(0, BLOCKDEV_SNAPSHOT);
    /* QEMU trace: every register of an empty channel reads 00h */
    CHECK(inb(0x1f7) == 0, "status");
    outb(0x1f6, 0xa0);
    outb(0x1f2, 0x55);
    outb(0x1f3, 0xaa);
    CHECK(inb(0x1f2) == 0 && inb(0x1f3) == 0 && inb(0x1f6) == 0, "registers read 0");
    CHECK(inb(0x376) == 0, "alt status");
}
END_TEST

START_TEST(test_signature_absent_slave)
{
    CHECK(inb(0x1f7) == 0x50, "ATA status after reset: DRDY|DSC, got %02x", inb(0x1f7));
    CHECK(inb(0x1f1) == 0x01, "diagnostic code");
    CHECK(inb(0x1f2) == 1 && inb(0x1f3) == 1 && inb(0x1f4) == 0 && inb(0x1f5) == 0, "ATA signature");
    /* ATAPI signature on the secondary master; DRDY clear */
    CHECK(inb(0x174) == 0x14 && inb(0x175) == 0xeb, "ATAPI signature");
    CHECK(inb(0x177) == 0x00, "ATAPI status after reset");
    /* absent device 1: status 00h, the other registers behave (SeaBIOS's 55h/AAh probe) */
    outb(0x1f6, 0xb0);
    CHECK(inb(0x1f7) == 0 && inb(0x3f6) == 0, "absent slave status");
    outb(0x1f2, 0x55);
    outb(0x1f3, 0xaa);
    CHECK(inb(0x1f2) == 0x55 && inb(0x1f3) == 0xaa && inb(0x1f6) == 0xb0, "register file");
    outb(0x1f7, 0xec); /* ignored by the absent device */
    advance(10000);
    CHECK(inb(0x1f7) == 0 && irq_edges[14] == 0, "no response from absent slave");
    outb(0x1f6, 0xa0);
    CHECK(inb(0x1f7) == 0x50, "master idle");
}
END_TEST

START_TEST(test_identify)
{
    ata_cmd(0xec, 0, 0);
    CHECK(inb(0x3f6) == 0x58, "DRQ after the delay, got %02x", inb(0x3f6));
    CHECK(irq_level[14] && irq_edges[14] == 1, "IRQ 14 raised");
    CHECK(inb(0x1f7) == 0x58 && !irq_level[14], "status read acknowledges");
    uint16_t w[256];
    read_words(0x1f0, w, 256);
    CHECK(inb(0x1f7) == 0x50, "done, status %02x", inb(0x1f7));
    CHECK(w[0] == 0x0040, "word 0");
    CHECK(w[60] == DISK_SECTORS && w[61] == 0, "LBA28 capacity");
    CHECK(w[100] == DISK_SECTORS && w[83] & (1 << 10), "LBA48 capacity");
    CHECK(w[49] & 0x0300, "LBA + DMA");
    CHECK(w[27] == ('T' << 8 | 'U') && w[28] == ('R' << 8 | 'T'), "model string");
    CHECK((w[93] & 0xdf61) == 0x4041, "device 0 answers for absent device 1 (SeaBIOS check)");
    CHECK(irq_edges[14] == 1, "no interrupt after the last block");
}
END_TEST

static void read_sectors_pio(uint8_t *out, unsigned n, unsigned per_block)
{
    for (unsigned s = 0; s < n; s += per_block) {
        CHECK(inb(0x1f7) == 0x58, "DRQ for block at sector %u", s);
        unsigned cnt = n - s < per_block ? n - s : per_block;
        for (unsigned k = 0; k < cnt * 256; k++) {
            uint16_t v = inw(0x1f0);
            out[(s * 256 + k) * 2] = (uint8_t)v;
            out[(s * 256 + k) * 2 + 1] = (uint8_t)(v >> 8);
        }
    }
}

START_TEST(test_read_sectors)
{
    uint8_t buf[3 * 512];
    ata_cmd(0x20, 5, 3);
    read_sectors_pio(buf, 3, 1);
    CHECK(inb(0x1f7) == 0x50, "done");
    CHECK(irq_edges[14] == 3, "one interrupt per DRQ block (%d)", irq_edges[14]);
    for (unsigned k = 0; k < sizeof buf; k++) CHECK(buf[k] == disk_byte(5 * 512 + k), "data at %u", k);
    /* 32-bit data port accesses */
    ata_cmd(0x20, 7, 1);
    CHECK(inb(0x1f7) == 0x58, "DRQ");
    uint32_t d0 = bus_in(bus, 0x1f0, 4);
    CHECK(d0 == (uint32_t)(disk_byte(3584) | disk_byte(3585) << 8 | disk_byte(3586) << 16 |
                           (uint32_t)disk_byte(3587) << 24), "dword read");
}
END_TEST

START_TEST(test_write_snapshot)
{
    ata_cmd(0x30, 10, 2);
    CHECK(inb(0x1f7) == 0x58 && irq_edges[14] == 0, "first block: DRQ without interrupt");
    for (unsigned k = 0; k < 256; k++) outw(0x1f0, (uint16_t)(0xa500 + k));
    CHECK(inb(0x1f7) == 0x58 && irq_edges[14] == 1, "second block: DRQ + interrupt");
    for (unsigned k = 0; k < 256; k++) outw(0x1f0, (uint16_t)(0x5a00 + k));
    CHECK(irq_level[14] && inb(0x1f7) == 0x50, "completion interrupt");
    uint8_t buf[1024];
    ata_cmd(0x20, 10, 2);
    read_sectors_pio(buf, 2, 1);
    CHECK(buf[0] == 0x00 && buf[1] == 0xa5 && buf[512] == 0x00 && buf[513] == 0x5a && buf[1023] == 0x5a,
          "written data read back");
    /* the file itself is untouched */
    FILE *f = fopen(disk_path, "rb");
    fseek(f, 10 * 512, SEEK_SET);
    CHECK(fgetc(f) == disk_byte(10 * 512), "image unchanged (copy-on-write overlay)");
    fclose(f);
}
END_TEST

START_TEST(test_read_only_disk)
{
    teardown();
    setup_with(1, BLOCKDEV_READONLY);
    ata_cmd(0x30, 0, 1);
    CHECK(inb(0x1f7) == 0x51 && inb(0x1f1) == 0x04, "write to a read-only disk aborts");
}
END_TEST

START_TEST(test_multiple)
{
    ata_cmd(0xc6, 0, 0); /* SET MULTIPLE 0 disables multiple mode (16 at power-on) */
    ata_cmd(0xc4, 0, 4);
    CHECK(inb(0x1f7) == 0x51 && inb(0x1f1) == 0x04, "abort without multiple mode");
    ata_cmd(0xc6, 0, 3);
    CHECK(inb(0x1f7) == 0x51, "3 is not a power of two");
    ata_cmd(0xc6, 0, 4);
    CHECK(inb(0x1f7) == 0x50, "SET MULTIPLE 4");
    irq_edges[14] = 0;
    uint8_t buf[6 * 512];
    ata_cmd(0xc4, 20, 6);
    read_sectors_pio(buf, 6, 4);
    CHECK(irq_edges[14] == 2, "two DRQ blocks (4 + 2 sectors)");
    for (unsigned k = 0; k < sizeof buf; k++) CHECK(buf[k] == disk_byte(20 * 512 + k), "data");
    ata_cmd(0xec, 0, 0);
    uint16_t w[256];
    read_words(0x1f0, w, 256);
    CHECK(w[59] == 0x0104 && w[47] == 0x8010, "identify reports the multiple setting");
}
END_TEST

START_TEST(test_lba48_and_chs)
{
    /* READ SECTORS EXT: LBA 0x000000000021, count 0x0002, written high byte first */
    outb(0x1f6, 0x40);
    outb(0x1f2, 0x00);
    outb(0x1f2, 0x02);
    outb(0x1f3, 0x00);
    outb(0x1f3, 0x21);
    outb(0x1f4, 0);
    outb(0x1f4, 0);
    outb(0x1f5, 0);
    outb(0x1f5, 0);
    outb(0x3f6, 0x80); /* HOB: read back the previous contents */
    CHECK(inb(0x1f2) == 0x00 && inb(0x1f3) == 0x00, "HOB read");
    outb(0x3f6, 0x00);
    CHECK(inb(0x1f2) == 0x02 && inb(0x1f3) == 0x21, "current read");
    outb(0x1f7, 0x24);
    advance(IDE_CMD_DELAY_NS);
    uint8_t buf[1024];
    read_sectors_pio(buf, 2, 1);
    CHECK(buf[0] == disk_byte(0x21 * 512) && buf[1023] == disk_byte(0x23 * 512 - 1), "EXT data");
    /* CHS with 16 heads / 63 sectors: C/H/S 0/1/1 = LBA 63 */
    outb(0x1f6, 0xaf);
    outb(0x1f2, 63);
    outb(0x1f7, 0x91);
    advance(IDE_CMD_DELAY_NS);
    CHECK(inb(0x1f7) == 0x50, "INITIALIZE DEVICE PARAMETERS");
    outb(0x1f6, 0xa1);
    outb(0x1f2, 1);
    outb(0x1f3, 1);
    outb(0x1f4, 0);
    outb(0x1f5, 0);
    outb(0x1f7, 0x20);
    advance(IDE_CMD_DELAY_NS);
    read_sectors_pio(buf, 1, 1);
    CHECK(buf[0] == disk_byte(63 * 512) && buf[511] == disk_byte(64 * 512 - 1), "CHS data");
    /* beyond the end: IDNF */
    ata_cmd(0x20, DISK_SECTORS - 1, 2);
    CHECK(inb(0x1f7) == 0x51 && inb(0x1f1) == 0x10, "IDNF");
    ata_cmd(0x40, 0, 10);
    CHECK(inb(0x1f7) == 0x50, "READ VERIFY");
    ata_cmd(0xe7, 0, 0);
    CHECK(inb(0x1f7) == 0x50, "FLUSH CACHE");
    outb(0x1f1, 0x03);
    ata_cmd(0xef, 0, 0x22); /* SET FEATURES: transfer mode MWDMA2 */
    CHECK(inb(0x1f7) == 0x50, "SET FEATURES xfer mode");
    ata_cmd(0xee, 0, 0);
    CHECK(inb(0x1f7) == 0x51 && inb(0x1f1) == 0x04, "unknown command aborts");
}
END_TEST

START_TEST(test_nien_and_srst)
{
    outb(0x3f6, 0x02); /* nIEN */
    ata_cmd(0xe7, 0, 0);
    CHECK(!irq_level[14] && irq_edges[14] == 0, "nIEN masks INTRQ");
    outb(0x3f6, 0x00);
    CHECK(irq_level[14], "pending interrupt shows once nIEN clears");
    inb(0x1f7);
    CHECK(!irq_level[14], "acknowledged");
    /* software reset */
    outb(0x1f6, 0xe5);
    outb(0x1f4, 0x33);
    outb(0x3f6, 0x06);
    CHECK(inb(0x3f6) == 0x80, "BSY during SRST");
    outb(0x3f6, 0x02);
    CHECK(inb(0x3f6) == 0x80, "BSY until the reset completes");
    advance(IDE_CMD_DELAY_NS);
    CHECK(inb(0x1f7) == 0x50 && inb(0x1f1) == 0x01 && inb(0x1f4) == 0 && inb(0x1f2) == 1, "reset done");
    CHECK(irq_edges[14] == 1, "no interrupt for the reset");
}
END_TEST

static void put_prd(uint32_t at, uint32_t addr, uint32_t len, bool eot)
{
    phys_write(mem, at, addr, 4);
    phys_write(mem, at + 4, (len & 0xffff) | (eot ? 0x80000000u : 0), 4);
}

START_TEST(test_dma)
{
    put_prd(0x1000, 0x20000, 1024, false);
    put_prd(0x1008, 0x30000, 1024, true);
    bus_out(bus, BM + 4, 0x1000, 4);
    outb(BM + 0, 0x08);             /* read: device -> memory */
    outb(BM + 2, 0x06);             /* clear INTR/ERROR */
    ata_cmd(0xc8, 40, 4);           /* READ DMA */
    CHECK(!irq_level[14], "waits for the bus master");
    outb(BM + 0, 0x09);
    CHECK(inb(BM + 2) & 0x01, "ACTIVE");
    advance(IDE_CMD_DELAY_NS);
    CHECK(irq_level[14] && inb(BM + 2) == 0x04, "INTR, not ACTIVE (EOT used up): %02x", inb(BM + 2));
    outb(BM + 0, 0x08);
    CHECK(inb(0x1f7) == 0x50, "device done");
    outb(BM + 2, 0x04);
    CHECK(inb(BM + 2) == 0, "INTR cleared by writing 1");
    for (unsigned k = 0; k < 1024; k++) {
        CHECK(phys_read(mem, 0x20000 + k, 1) == disk_byte(40 * 512 + k), "first PRD %u", k);
        CHECK(phys_read(mem, 0x30000 + k, 1) == disk_byte(42 * 512 + k), "second PRD %u", k);
    }
    /* WRITE DMA EXT from memory, then read back by PIO */
    for (unsigned k = 0; k < 512; k++) phys_write(mem, 0x40000 + k, (uint8_t)(k ^ 0x5c), 1);
    put_prd(0x1010, 0x40000, 512, true);
    bus_out(bus, BM + 4, 0x1010, 4);
    outb(BM + 0, 0x00);
    outb(0x1f6, 0x40);
    outb(0x1f2, 0);
    outb(0x1f2, 1);
    outb(0x1f3, 0);
    outb(0x1f3, 50);
    outb(0x1f4, 0);
    outb(0x1f4, 0);
    outb(0x1f5, 0);
    outb(0x1f5, 0);
    outb(0x1f7, 0x35);
    outb(BM + 0, 0x01);
    advance(2 * IDE_CMD_DELAY_NS);
    CHECK(inb(BM + 2) & 0x04, "write DMA done");
    outb(BM + 0, 0x00);
    uint8_t buf[512];
    ata_cmd(0x20, 50, 1);
    read_sectors_pio(buf, 1, 1);
    CHECK(buf[0] == 0x5c && buf[511] == (uint8_t)(511 ^ 0x5c), "DMA-written data");
    /* PRD table longer than the transfer: ACTIVE stays with INTR */
    put_prd(0x1020, 0x50000, 4096, true);
    bus_out(bus, BM + 4, 0x1020, 4);
    outb(BM + 2, 0x04);
    outb(BM + 0, 0x08);
    ata_cmd(0xc8, 0, 1);
    outb(BM + 0, 0x09);
    advance(IDE_CMD_DELAY_NS);
    CHECK(inb(BM + 2) == 0x05, "INTR + ACTIVE when the PRDs outlast the transfer");
}
END_TEST

/* ---- ATAPI ---- */

/* Sends a packet command on the secondary channel; returns after the command phase. */
static void packet(const uint8_t cdb[12], uint16_t limit, bool dma)
{
    outb(0x176, 0xa0);
    outb(0x171, dma ? 1 : 0);
    outb(0x174, (uint8_t)limit);
    outb(0x175, (uint8_t)(limit >> 8));
    outb(0x177, 0xa0);
    advance(IDE_CMD_DELAY_NS);
    CHECK(inb(0x376) == 0x58 && inb(0x172) == 0x01, "command packet phase (DRQ, CoD)");
    for (unsigned k = 0; k < 6; k++) outw(0x170, (uint16_t)(cdb[2 * k] | cdb[2 * k + 1] << 8));
    CHECK(inb(0x376) & 0x80, "BSY while executing");
    advance(IDE_CMD_DELAY_NS);
}

/* Reads a PIO data-in reply; returns its length. */
static unsigned packet_data(uint8_t *out, unsigned max)
{
    unsigned n = 0;
    while (inb(0x376) & 0x08) {
        CHECK(inb(0x172) == 0x02, "data phase: IO=1 CoD=0");
        unsigned bc = inb(0x174) | inb(0x175) << 8;
        inb(0x177);
        for (unsigned k = 0; k < bc; k += 2) {
            uint16_t v = inw(0x170);
            if (n + k < max) out[n + k] = (uint8_t)v;
            if (n + k + 1 < max) out[n + k + 1] = (uint8_t)(v >> 8);
        }
        n += bc;
    }
    CHECK(inb(0x172) == 0x03, "status phase: IO=1 CoD=1");
    return n;
}

START_TEST(test_atapi_identify)
{
    outb(0x176, 0xa0);
    outb(0x177, 0xec);
    advance(IDE_CMD_DELAY_NS);
    CHECK(inb(0x177) == 0x51 && inb(0x171) == 0x04, "IDENTIFY DEVICE aborts");
    CHECK(inb(0x174) == 0x14 && inb(0x175) == 0xeb, "with the signature");
    outb(0x177, 0xa1);
    advance(IDE_CMD_DELAY_NS);
    CHECK(inb(0x177) == 0x58, "IDENTIFY PACKET DEVICE data");
    uint16_t w[256];
    read_words(0x170, w, 256);
    CHECK(w[0] == 0x85c0, "word 0: ATAPI CD-ROM removable");
    CHECK(inb(0x177) == 0x50, "done");
    /* DEVICE RESET */
    outb(0x177, 0x08);
    advance(IDE_CMD_DELAY_NS);
    CHECK(inb(0x177) == 0x00 && inb(0x174) == 0x14, "DEVICE RESET");
}
END_TEST

START_TEST(test_atapi_read_pio)
{
    static const uint8_t rd[12] = {0x28, 0, 0, 0, 0, 3, 0, 0, 2, 0, 0, 0};
    irq_edges[15] = 0;
    packet(rd, 1024, false);
    CHECK(irq_edges[15] == 1 && inb(0x174) == 0x00 && inb(0x175) == 0x04, "1024-byte DRQ blocks");
    static uint8_t buf[4096];
    unsigned n = packet_data(buf, sizeof buf);
    CHECK(n == 4096, "4096 bytes (%u)", n);
    CHECK(irq_edges[15] == 5, "4 data interrupts + status (%d)", irq_edges[15]);
    CHECK(inb(0x177) == 0x50, "completion status");
    for (unsigned k = 0; k < n; k++) CHECK(buf[k] == cd_byte(3 * 2048 + k), "data %u", k);
    /* READ(12) with an odd limit: blocks of limit-1 bytes */
    static const uint8_t rd12[12] = {0xa8, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0};
    packet(rd12, 1001, false);
    CHECK((inb(0x174) | inb(0x175) << 8) == 1000, "odd limit rounded down");
    n = packet_data(buf, sizeof buf);
    CHECK(n == 2048 && buf[2047] == cd_byte(2048 + 2047), "READ(12)");
}
END_TEST

START_TEST(test_atapi_commands)
{
    uint8_t b[256];
    static const uint8_t tur[12] = {0};
    packet(tur, 0, false);
    CHECK(inb(0x177) == 0x50 && inb(0x172) == 0x03, "TEST UNIT READY");
    static const uint8_t inq[12] = {0x12, 0, 0, 0, 36, 0};
    packet(inq, 36, false);
    CHECK(packet_data(b, sizeof b) == 36 && b[0] == 5 && b[1] == 0x80 && !memcmp(b + 8, "TURTLES ", 8), "INQUIRY");
    static const uint8_t cap[12] = {0x25};
    packet(cap, 8, false);
    CHECK(packet_data(b, sizeof b) == 8 && b[3] == CD_BLOCKS - 1 && b[6] == 0x08, "READ CAPACITY");
    static const uint8_t toc[12] = {0x43, 0x02, 0, 0, 0, 0, 0, 0, 100, 0};
    packet(toc, 100, false);
    CHECK(packet_data(b, sizeof b) == 20, "TOC length");
    CHECK(b[1] == 18 && b[2] == 1 && b[3] == 1 && b[6] == 1 && b[14] == 0xaa, "TOC tracks");
    CHECK(b[9] == 0 && b[10] == 2 && b[11] == 0, "track 1 at 00:02:00 MSF");
    CHECK(b[17] == 0 && b[18] == 2 && b[19] == 40, "lead-out MSF = 40 + 150 frames");
    static const uint8_t ses[12] = {0x43, 0, 1, 0, 0, 0, 0, 0, 12, 0};
    packet(ses, 12, false);
    CHECK(packet_data(b, sizeof b) == 12 && b[1] == 10, "TOC format 1");
    static const uint8_t gesn[12] = {0x4a, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0};
    packet(gesn, 8, false);
    CHECK(packet_data(b, sizeof b) == 8 && b[2] == 4 && b[5] == 2, "GET EVENT STATUS: media present");
    static const uint8_t ms[12] = {0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 128, 0};
    packet(ms, 128, false);
    CHECK(packet_data(b, sizeof b) == 28 && b[8] == 0x2a && b[9] == 0x12, "MODE SENSE page 2A");
    static const uint8_t gc[12] = {0x46, 0, 0, 0, 0, 0, 0, 0, 64, 0};
    packet(gc, 64, false);
    CHECK(packet_data(b, sizeof b) == 32 && b[7] == 0x08, "GET CONFIGURATION: CD-ROM profile");
    /* errors and sense */
    static const uint8_t bad[12] = {0xff};
    packet(bad, 0, false);
    CHECK(inb(0x177) == 0x51 && inb(0x171) == 0x50, "CHECK CONDITION, ILLEGAL REQUEST");
    static const uint8_t rs[12] = {0x03, 0, 0, 0, 18, 0};
    packet(rs, 18, false);
    CHECK(packet_data(b, sizeof b) == 18 && b[0] == 0x70 && b[2] == 5 && b[12] == 0x20, "REQUEST SENSE");
    static const uint8_t far[12] = {0x28, 0, 0, 0, 0, CD_BLOCKS, 0, 0, 1, 0};
    packet(far, 2048, false);
    CHECK(inb(0x177) == 0x51 && inb(0x171) == 0x50, "LBA out of range");
    /* lock, refused eject, unlock, eject, not ready, load, unit attention */
    static const uint8_t lock[12] = {0x1e, 0, 0, 0, 1};
    static const uint8_t unlock[12] = {0x1e};
    static const uint8_t eject[12] = {0x1b, 0, 0, 0, 2};
    static const uint8_t load[12] = {0x1b, 0, 0, 0, 3};
    packet(lock, 0, false);
    packet(eject, 0, false);
    CHECK(inb(0x177) == 0x51, "eject refused while locked");
    packet(unlock, 0, false);
    packet(eject, 0, false);
    CHECK(inb(0x177) == 0x50, "ejected");
    packet(tur, 0, false);
    CHECK(inb(0x177) == 0x51 && inb(0x171) == 0x20, "NOT READY without medium");
    packet(load, 0, false);
    packet(tur, 0, false);
    CHECK(inb(0x171) == 0x60, "UNIT ATTENTION after loading");
    packet(tur, 0, false);
    CHECK(inb(0x177) == 0x50, "ready again");
}
END_TEST

START_TEST(test_atapi_dma)
{
    put_prd(0x1000, 0x20000, 4096, true);
    bus_out(bus, BM + 8 + 4, 0x1000, 4);
    outb(BM + 8, 0x08);
    static const uint8_t rd[12] = {0x28, 0, 0, 0, 0, 5, 0, 0, 2, 0};
    packet(rd, 0xfffe, true);
    CHECK(!irq_level[15], "waits for the bus master");
    outb(BM + 8, 0x09);
    advance(IDE_CMD_DELAY_NS);
    CHECK(irq_level[15] && inb(BM + 10) == 0x04, "DMA done");
    CHECK(inb(0x177) == 0x50 && inb(0x172) == 0x03, "status phase");
    for (unsigned k = 0; k < 4096; k++) CHECK(phys_read(mem, 0x20000 + k, 1) == cd_byte(5 * 2048 + k), "data");
    CHECK(!(inb(BM + 2) & 0x04), "primary bus master untouched");
}
END_TEST

/* ---- blockdev and -drive ---- */

START_TEST(test_drive_parse)
{
    struct drive_spec d;
    char err[256];
    CHECK(drive_parse("file=a.img,format=raw", &d, err, sizeof err) && d.mode == BLOCKDEV_SNAPSHOT &&
          d.media == DRIVE_DISK && d.index == -1 && !strcmp(d.file, "a.img"), "defaults: snapshot disk");
    drive_spec_release(&d);
    CHECK(drive_parse("file=a.img,snapshot=off", &d, err, sizeof err) && d.mode == BLOCKDEV_WRITETHROUGH, "snapshot=off");
    drive_spec_release(&d);
    CHECK(drive_parse("file=a.img,rw=on,index=3", &d, err, sizeof err) && d.mode == BLOCKDEV_WRITETHROUGH &&
          d.index == 3, "rw=on");
    drive_spec_release(&d);
    CHECK(drive_parse("file=a.img,readonly=on", &d, err, sizeof err) && d.mode == BLOCKDEV_READONLY, "readonly");
    drive_spec_release(&d);
    CHECK(drive_parse("media=cdrom,file=x.iso", &d, err, sizeof err) && d.mode == BLOCKDEV_READONLY &&
          d.media == DRIVE_CDROM, "cdrom");
    drive_spec_release(&d);
    CHECK(!drive_parse("file=a.img,format=qcow2", &d, err, sizeof err), "qcow2 refused");
    CHECK(!drive_parse("format=raw", &d, err, sizeof err), "file required");
    CHECK(!drive_parse("file=a,bogus=1", &d, err, sizeof err), "unknown key");
    CHECK(!drive_parse("file=a,index=4", &d, err, sizeof err), "bad index");
    struct drive_spec t[DRIVE_MAX] = {{0}};
    struct drive_spec s = {.file = "x", .index = 2};
    CHECK(drive_place(t, &s, err, sizeof err) && t[2].file, "placed at 2");
    CHECK(!drive_place(t, &s, err, sizeof err), "2 taken");
    s.index = -1;
    CHECK(drive_place(t, &s, err, sizeof err) && t[0].file && t[0].index == 0, "first free");
    CHECK(!blockdev_open("/nonexistent/x.img", BLOCKDEV_READONLY, err, sizeof err) && strstr(err, "cannot open"),
          "clear error for a missing file");
}
END_TEST

START_TEST(test_blockdev_modes)
{
    char err[256];
    struct blockdev *bd = blockdev_open(cd_path, BLOCKDEV_WRITETHROUGH, err, sizeof err);
    ck_assert(bd);
    uint8_t v = 0x77, r = 0;
    CHECK(blockdev_write(bd, 70000, &v, 1) && blockdev_flush(bd), "write-through");
    blockdev_close(bd);
    bd = blockdev_open(cd_path, BLOCKDEV_SNAPSHOT, err, sizeof err);
    CHECK(blockdev_read(bd, 70000, &r, 1) && r == 0x77, "reached the file");
    v = 0x11;
    CHECK(blockdev_write(bd, 70000, &v, 1) && blockdev_read(bd, 70000, &r, 1) && r == 0x11, "overlay");
    CHECK(blockdev_read(bd, 65535, &r, 1) && r == cd_byte(65535), "overlay chunk keeps file data");
    CHECK(!blockdev_read(bd, CD_BLOCKS * 2048, &r, 1), "past the end");
    blockdev_close(bd);
    bd = blockdev_open(cd_path, BLOCKDEV_READONLY, err, sizeof err);
    CHECK(blockdev_read(bd, 70000, &r, 1) && r == 0x77 && !blockdev_write(bd, 0, &v, 1), "readonly");
    blockdev_close(bd);
}
END_TEST

static Suite *ide_suite(void)
{
    Suite *s = suite_create("ide");
    TCase *tc = tcase_create("ide");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_empty_channel);
    tcase_add_test(tc, test_signature_absent_slave);
    tcase_add_test(tc, test_identify);
    tcase_add_test(tc, test_read_sectors);
    tcase_add_test(tc, test_write_snapshot);
    tcase_add_test(tc, test_read_only_disk);
    tcase_add_test(tc, test_multiple);
    tcase_add_test(tc, test_lba48_and_chs);
    tcase_add_test(tc, test_nien_and_srst);
    tcase_add_test(tc, test_dma);
    tcase_add_test(tc, test_atapi_identify);
    tcase_add_test(tc, test_atapi_read_pio);
    tcase_add_test(tc, test_atapi_commands);
    tcase_add_test(tc, test_atapi_dma);
    tcase_add_test(tc, test_drive_parse);
    tcase_add_test(tc, test_blockdev_modes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ide_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("ide: %lu checks\n", n_checks);
    return failed ? 1 : 0;
}
