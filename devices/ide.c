/* PIIX3 IDE controller: ATA disks, ATAPI CD-ROMs, bus-master DMA (see ide.h).
 *
 * Sources: ATA/ATAPI-6 (T13/1410D) for registers, protocols and commands; SFF-8020i / MMC-3 for
 * the ATAPI packet commands; Intel 82371FB/SB (PIIX/PIIX3) datasheet 2.7 for the bus-master
 * registers; SeaBIOS src/hw/ata.c and Linux drivers/ata (libata-sff, ata_piix) for what guests
 * rely on; QEMU's trace (reference/traces) for the empty-channel behaviour. */
#include "devices/ide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/log.h"
#include "mmu/memmap.h"

/* ATA/ATAPI-6 7.15 Status register */
#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DF 0x20
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01
/* ATA/ATAPI-6 7.9 Error register */
#define ER_UNC 0x40
#define ER_IDNF 0x10
#define ER_ABRT 0x04
/* ATA/ATAPI-6 7.9 Device control register */
#define CTL_NIEN 0x02
#define CTL_SRST 0x04
#define CTL_HOB 0x80
/* ATA/ATAPI-6 8.21.3 PACKET: interrupt reason in the Sector Count register */
#define IR_COD 0x01
#define IR_IO 0x02
/* PIIX3 2.7.1/2.7.2 bus master command / status */
#define BM_CMD_START 0x01
#define BM_CMD_READ 0x08 /* bus master writes memory (device -> memory) */
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR 0x02
#define BM_ST_INTR 0x04
#define BM_ST_RW_MASK 0x60 /* drive 0/1 DMA capable: read/write scratch bits */

/* SCSI sense keys (SPC-3 4.5.6) */
#define SK_NO_SENSE 0x0
#define SK_NOT_READY 0x2
#define SK_MEDIUM_ERROR 0x3
#define SK_ILLEGAL_REQUEST 0x5
#define SK_UNIT_ATTENTION 0x6
#define SK_ABORTED_COMMAND 0xb

enum pending { P_NONE, P_RESET, P_CMD, P_PACKET_EXEC, P_DMA };

static void update_irq(struct ide_channel *ch);
static void atapi_exec(struct ide_drive *d);
static void dma_run(struct ide_drive *d);

/* ---- helpers ---- */

static uint64_t now_ns(const struct ide_drive *d) { return clock_ns(d->ch->ctrl->clk); }

static void schedule(struct ide_drive *d, unsigned what)
{
    d->pending = what;
    timer_mod(&d->timer, now_ns(d) + IDE_CMD_DELAY_NS);
}

static void cancel(struct ide_drive *d)
{
    timer_del(&d->timer);
    d->pending = P_NONE;
    d->xfer = IDE_XFER_NONE;
    d->buf_pos = d->buf_len = 0;
    d->bytes_left = 0;
    d->drq_left = 0;
}

static void raise_intrq(struct ide_drive *d)
{
    d->intrq = true;
    update_irq(d->ch);
}

/* ATA/ATAPI-6 9.12 signatures: the registers a device loads after reset / DIAGNOSTIC */
static void set_signature(struct ide_drive *d)
{
    d->nsect = 1;
    d->lbal = 1;
    d->lbam = d->atapi ? 0x14 : 0x00;
    d->lbah = d->atapi ? 0xeb : 0x00;
    d->select = 0; /* device register 00h: device 0 selected */
}

static void ident_string(uint16_t *w, unsigned first, unsigned nwords, const char *s)
{
    /* ATA/ATAPI-6 8.15: two ASCII characters per word, the first in bits 15:8, space padded */
    size_t len = strlen(s);
    for (unsigned k = 0; k < nwords * 2; k++) {
        uint8_t c = k < len ? (uint8_t)s[k] : ' ';
        if (k & 1) w[first + k / 2] |= c;
        else w[first + k / 2] = (uint16_t)(c << 8);
    }
}

static uint16_t reset_result(const struct ide_drive *d)
{
    /* ATA/ATAPI-6 8.15.60 word 93: bits 15:14 = 01; device 0: bit 0 = 1, bits 2:1 = 01 (jumper),
     * bit 3 diagnostics passed, bit 4 PDIAG- and bit 5 DASP- seen (device 1 present), bit 6 device 0
     * responds for device 1 (absent); device 1: bit 8 = 1, bits 10:9 = 01, bit 11 PDIAG- asserted. */
    if (d->unit == 1) return 0x4b00;
    return d->ch->drv[1].present ? 0x403b : 0x404b;
}

static void build_identify(struct ide_drive *d, uint16_t *w)
{
    memset(w, 0, 512);
    char serial[21];
    snprintf(serial, sizeof serial, "TURTLES%u%u", d->ch->idx, d->unit);
    ident_string(w, 10, 10, serial);
    ident_string(w, 23, 4, "0.1.0");
    uint8_t sel_mw = (d->xfer_mode & 0xf8) == 0x20 ? (uint8_t)(1u << (d->xfer_mode & 7)) : 0;
    uint8_t sel_u = (d->xfer_mode & 0xf8) == 0x40 ? (uint8_t)(1u << (d->xfer_mode & 7)) : 0;
    if (d->atapi) {
        /* ATA/ATAPI-6 8.16 IDENTIFY PACKET DEVICE */
        w[0] = 0x8000 | (5 << 8) | 0x80 | (2 << 5); /* ATAPI, CD-ROM, removable, 50 us DRQ, 12-byte */
        ident_string(w, 27, 20, "TURTLES DVD-ROM");
        w[49] = 0x0b00;  /* IORDY, LBA, DMA */
        w[53] = 0x0006;  /* words 64-70 and 88 valid */
        w[63] = (uint16_t)(0x0007 | sel_mw << 8);
        w[64] = 0x0003;  /* PIO modes 3 and 4 */
        w[65] = w[66] = w[67] = w[68] = 120;
        w[80] = 0x007e;  /* ATA/ATAPI-1..6 */
        w[82] = 0x4210;  /* NOP, DEVICE RESET, PACKET */
        w[83] = 0x4000;
        w[84] = 0x4000;
        w[85] = 0x4210;
        w[86] = 0x0000;
        w[87] = 0x4000;
        w[88] = (uint16_t)(0x003f | sel_u << 8);
        w[93] = reset_result(d);
        return;
    }
    /* ATA/ATAPI-6 8.15 IDENTIFY DEVICE */
    w[0] = 0x0040; /* fixed device */
    w[1] = d->cyls;
    w[3] = d->heads;
    w[6] = d->spt;
    ident_string(w, 27, 20, "TURTLES HARDDISK");
    w[47] = 0x8000 | 16; /* READ/WRITE MULTIPLE: up to 16 sectors per block */
    w[49] = 0x0b00;      /* IORDY, LBA, DMA */
    w[50] = 0x4000;
    w[51] = 0x0200;
    w[53] = 0x0007; /* words 54-58, 64-70 and 88 valid */
    uint32_t hs = (uint32_t)d->cur_heads * d->cur_spt;
    uint64_t ccyl = hs ? d->nsectors / hs : 0;
    if (ccyl > 65535) ccyl = 65535;
    uint32_t ccap = (uint32_t)(ccyl * hs);
    w[54] = (uint16_t)ccyl;
    w[55] = d->cur_heads;
    w[56] = d->cur_spt;
    w[57] = (uint16_t)ccap;
    w[58] = (uint16_t)(ccap >> 16);
    w[59] = d->mult ? (uint16_t)(0x0100 | d->mult) : 0;
    uint64_t lba28 = d->nsectors < 0x0fffffff ? d->nsectors : 0x0fffffff;
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    w[63] = (uint16_t)(0x0007 | sel_mw << 8);
    w[64] = 0x0003;
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x007e;
    w[82] = 0x4060; /* NOP, read look-ahead, write cache */
    w[83] = 0x7400; /* FLUSH CACHE EXT, FLUSH CACHE, 48-bit address */
    w[84] = 0x4000;
    w[85] = 0x4060;
    w[86] = 0x3400;
    w[87] = 0x4000;
    w[88] = (uint16_t)(0x003f | sel_u << 8);
    w[93] = reset_result(d);
    for (unsigned k = 0; k < 4; k++) w[100 + k] = (uint16_t)(d->nsectors >> (16 * k));
}

/* ---- interrupt ---- */

static void update_irq(struct ide_channel *ch)
{
    const struct ide_drive *d = &ch->drv[ch->sel];
    /* ATA/ATAPI-6 5.2.9: the selected device drives INTRQ unless nIEN is set */
    bool level = d->present && d->intrq && !(ch->ctl & CTL_NIEN);
    if (level == ch->irq_level) return;
    ch->irq_level = level;
    if (level) ch->bm_status |= BM_ST_INTR; /* PIIX3 2.7.2: set on the IDE interrupt's rising edge */
    irq_set(&ch->irq, level);
}

/* ---- command completion ---- */

static void complete_ok(struct ide_drive *d)
{
    d->xfer = IDE_XFER_NONE;
    d->status = ST_DRDY | ST_DSC;
    d->error = 0;
    raise_intrq(d);
}

static void complete_err(struct ide_drive *d, uint8_t err)
{
    d->xfer = IDE_XFER_NONE;
    d->status = ST_DRDY | ST_DSC | ST_ERR;
    d->error = err;
    raise_intrq(d);
}

/* ATAPI: command done (ATA/ATAPI-6 9.10 PACKET protocol, status phase: CoD=1, IO=1) */
static void atapi_ok(struct ide_drive *d)
{
    d->sense_key = SK_NO_SENSE;
    d->asc = d->ascq = 0;
    d->nsect = IR_COD | IR_IO;
    complete_ok(d);
}

static void atapi_check(struct ide_drive *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
    d->sense_key = key;
    d->asc = asc;
    d->ascq = ascq;
    d->nsect = IR_COD | IR_IO;
    complete_err(d, (uint8_t)(key << 4)); /* error register bits 7:4 = sense key */
}

/* ---- data staging ---- */

/* Stages the next sectors of a disk transfer. Returns false on a host I/O error. */
static bool refill(struct ide_drive *d)
{
    if (d->src != IDE_SRC_DISK) return false;
    uint64_t want = (d->bytes_left + d->secsize - 1) / d->secsize;
    uint64_t max = IDE_BUF_SIZE / d->secsize;
    uint32_t n = (uint32_t)(want < max ? want : max);
    if (!n || !blockdev_read(d->bd, d->lba * d->secsize, d->buf, (size_t)n * d->secsize)) return false;
    d->lba += n;
    d->buf_pos = 0;
    d->buf_len = n * d->secsize;
    return true;
}

static void read_failed(struct ide_drive *d)
{
    LOG(LOG_GUEST_ERRORS, "ide%u.%u: host read error on '%s'\n", d->ch->idx, d->unit, blockdev_path(d->bd));
    if (d->pkt) atapi_check(d, SK_MEDIUM_ERROR, 0x11, 0x00); /* unrecovered read error */
    else complete_err(d, ER_UNC);
}

/* The next PIO-in DRQ block (ATA/ATAPI-6 9.7 PIO data-in, 9.10 PACKET): DRQ and INTRQ. */
static void pio_in_block(struct ide_drive *d)
{
    if (d->buf_pos == d->buf_len && !refill(d)) {
        read_failed(d);
        return;
    }
    uint32_t n;
    if (d->pkt) {
        /* byte count limit (cylinder registers at PACKET): 0 and FFFFh act as FFFEh; an odd limit
         * below the remaining length transfers one byte less so blocks stay word sized */
        uint32_t lim = d->byte_limit;
        if (lim == 0 || lim == 0xffff) lim = 0xfffe;
        if (d->bytes_left > lim) n = lim & ~1u;
        else n = (uint32_t)d->bytes_left;
        d->lbam = (uint8_t)n;
        d->lbah = (uint8_t)(n >> 8);
        d->nsect = IR_IO;
    } else {
        n = d->bytes_left < d->drq_size ? (uint32_t)d->bytes_left : d->drq_size;
    }
    d->drq_left = n;
    d->xfer = IDE_XFER_PIO_IN;
    d->status = ST_DRDY | ST_DSC | ST_DRQ;
    raise_intrq(d);
}

static void start_pio_in(struct ide_drive *d, uint64_t bytes)
{
    d->bytes_left = bytes;
    pio_in_block(d);
}

/* Start the data phase of a command whose data sits in d->buf (len bytes, alloc: host limit). */
static void atapi_reply(struct ide_drive *d, uint32_t len, uint32_t alloc)
{
    d->src = IDE_SRC_BUF;
    d->buf_pos = 0;
    d->buf_len = len;
    uint64_t n = len < alloc ? len : alloc;
    if (!n) {
        atapi_ok(d);
        return;
    }
    d->bytes_left = n;
    if (d->dma_packet) {
        d->xfer = IDE_XFER_DMA;
        d->status = ST_DRDY | ST_DSC | ST_DRQ;
        if (d->ch->bm_cmd & BM_CMD_START) dma_run(d);
        return;
    }
    pio_in_block(d);
}

static void pio_out_block(struct ide_drive *d, bool irq)
{
    d->drq_left = d->bytes_left < d->drq_size ? (uint32_t)d->bytes_left : d->drq_size;
    d->buf_pos = 0;
    d->xfer = IDE_XFER_PIO_OUT;
    d->status = ST_DRDY | ST_DSC | ST_DRQ;
    if (irq) raise_intrq(d);
}

/* The host finished the current DRQ block. */
static void block_done(struct ide_drive *d)
{
    if (d->xfer == IDE_XFER_PIO_IN) {
        if (d->bytes_left) {
            pio_in_block(d);
        } else if (d->pkt) {
            atapi_ok(d);
        } else {
            /* ATA/ATAPI-6 9.7: after the last block, no interrupt */
            d->xfer = IDE_XFER_NONE;
            d->status = ST_DRDY | ST_DSC;
        }
        return;
    }
    if (d->xfer == IDE_XFER_PIO_OUT) {
        if (!blockdev_write(d->bd, d->lba * 512, d->buf, d->buf_pos)) {
            LOG(LOG_GUEST_ERRORS, "ide%u.%u: write refused or failed\n", d->ch->idx, d->unit);
            complete_err(d, blockdev_read_only(d->bd) ? ER_ABRT : ER_UNC);
            return;
        }
        d->lba += d->buf_pos / 512;
        if (d->bytes_left) pio_out_block(d, true);
        else complete_ok(d);
        return;
    }
    if (d->xfer == IDE_XFER_CDB) {
        memcpy(d->cdb, d->buf, 12);
        d->xfer = IDE_XFER_NONE;
        d->status = ST_BSY;
        schedule(d, P_PACKET_EXEC);
    }
}

/* ---- bus-master DMA ---- */

static void mem_write(struct memmap *m, uint64_t gpa, const uint8_t *src, uint32_t n)
{
    while (n) {
        uint32_t in = 4096 - (uint32_t)(gpa & 4095);
        if (in > n) in = n;
        uint8_t *p = phys_host(m, gpa, true);
        if (p) {
            memcpy(p, src, in);
            memmap_code_write(m, (uint64_t)(p - m->host) >> 12);
        } else {
            for (uint32_t k = 0; k < in; k++) phys_write(m, gpa + k, src[k], 1);
        }
        gpa += in;
        src += in;
        n -= in;
    }
}

static void mem_read(struct memmap *m, uint64_t gpa, uint8_t *dst, uint32_t n)
{
    while (n) {
        uint32_t in = 4096 - (uint32_t)(gpa & 4095);
        if (in > n) in = n;
        const uint8_t *p = phys_host(m, gpa, false);
        if (p) memcpy(dst, p, in);
        else
            for (uint32_t k = 0; k < in; k++) dst[k] = (uint8_t)phys_read(m, gpa + k, 1);
        gpa += in;
        dst += in;
        n -= in;
    }
}

/* Runs a whole DMA transfer through the PRD table (PIIX3 2.7.3 / 2.8: each entry is a 32-bit
 * memory address (bit 0 = 0) and a byte count in bits 15:1 (0 = 64 KiB) with EOT in bit 31). */
static void dma_run(struct ide_drive *d)
{
    struct ide_channel *ch = d->ch;
    struct memmap *m = ch->ctrl->mem;
    uint32_t prd = ch->bm_prd & ~3u;
    bool eot = false, io_error = false;
    uint32_t len = 0;
    d->pending = P_NONE;
    for (unsigned entries = 0; d->bytes_left && !eot && !io_error && entries < 8192; entries++, prd += 8) {
        uint32_t addr = (uint32_t)phys_read(m, prd, 4) & ~1u;
        uint32_t cnt = (uint32_t)phys_read(m, prd + 4, 4);
        eot = cnt >> 31;
        len = cnt & 0xfffe;
        if (!len) len = 0x10000;
        while (len && d->bytes_left) {
            if (d->is_write) {
                uint32_t n = IDE_BUF_SIZE - d->buf_pos;
                if (n > len) n = len;
                if (n > d->bytes_left) n = (uint32_t)d->bytes_left;
                mem_read(m, addr, d->buf + d->buf_pos, n);
                d->buf_pos += n;
                d->bytes_left -= n;
                if (d->buf_pos == IDE_BUF_SIZE || !d->bytes_left) {
                    if (!blockdev_write(d->bd, d->lba * 512, d->buf, d->buf_pos)) {
                        io_error = true;
                        break;
                    }
                    d->lba += d->buf_pos / 512;
                    d->buf_pos = 0;
                }
                addr += n;
                len -= n;
            } else {
                if (d->buf_pos == d->buf_len && !refill(d)) {
                    io_error = true;
                    break;
                }
                uint32_t n = d->buf_len - d->buf_pos;
                if (n > len) n = len;
                if (n > d->bytes_left) n = (uint32_t)d->bytes_left;
                mem_write(m, addr, d->buf + d->buf_pos, n);
                d->buf_pos += n;
                d->bytes_left -= n;
                addr += n;
                len -= n;
            }
        }
    }
    /* PIIX3 2.7.2: ACTIVE drops when the last PRD (EOT) has been used up; if the device finishes
     * first, ACTIVE stays set alongside INTR. */
    if ((eot && !len) || d->bytes_left) ch->bm_status &= (uint8_t)~BM_ST_ACTIVE;
    d->xfer = IDE_XFER_NONE;
    if (io_error) {
        if (d->is_write) complete_err(d, blockdev_read_only(d->bd) ? ER_ABRT : ER_UNC);
        else read_failed(d);
    } else if (d->bytes_left) {
        /* PRD table shorter than the transfer: a real device would stall with DRQ set; we end the
         * command with an abort so the guest's error handling runs (documented choice). */
        LOG(LOG_GUEST_ERRORS, "ide%u.%u: PRD table shorter than the transfer\n", ch->idx, d->unit);
        if (d->pkt) atapi_check(d, SK_ABORTED_COMMAND, 0x00, 0x00);
        else complete_err(d, ER_ABRT);
    } else if (d->pkt) {
        atapi_ok(d);
    } else {
        complete_ok(d);
    }
}

/* ---- ATA commands ---- */

static bool ata_lba(struct ide_drive *d, bool lba48, uint64_t *lba)
{
    if (lba48) {
        *lba = (uint64_t)d->hob_lbah << 40 | (uint64_t)d->hob_lbam << 32 | (uint64_t)d->hob_lbal << 24 |
               (uint32_t)d->lbah << 16 | (uint32_t)d->lbam << 8 | d->lbal;
        return true;
    }
    if (d->select & 0x40) {
        *lba = (uint32_t)(d->select & 0xf) << 24 | (uint32_t)d->lbah << 16 | (uint32_t)d->lbam << 8 | d->lbal;
        return true;
    }
    /* CHS (ATA/ATAPI-6 6.2.1): LBA = (cylinder * heads + head) * sectors per track + sector - 1 */
    unsigned cyl = (unsigned)d->lbah << 8 | d->lbam, head = d->select & 0xf, sec = d->lbal;
    if (!sec || sec > d->cur_spt || head >= d->cur_heads) return false;
    *lba = ((uint64_t)cyl * d->cur_heads + head) * d->cur_spt + sec - 1;
    return true;
}

/* Sets up a sector transfer; false (after reporting the error) when the range is bad. */
static bool ata_rw_setup(struct ide_drive *d, bool lba48, bool write)
{
    uint64_t lba;
    uint32_t count = lba48 ? ((uint32_t)d->hob_nsect << 8 | d->nsect) : d->nsect;
    if (!count) count = lba48 ? 65536 : 256;
    if (!ata_lba(d, lba48, &lba) || lba + count > d->nsectors) {
        complete_err(d, ER_IDNF);
        return false;
    }
    if (write && blockdev_read_only(d->bd)) {
        complete_err(d, ER_ABRT);
        return false;
    }
    d->lba = lba;
    d->secsize = 512;
    d->src = IDE_SRC_DISK;
    d->buf_pos = d->buf_len = 0;
    d->bytes_left = (uint64_t)count * 512;
    d->is_write = write;
    return true;
}

static void ata_exec(struct ide_drive *d)
{
    uint8_t c = d->cmd;
    bool lba48 = false;
    d->drq_size = 512;
    switch (c) {
    case 0xec: /* IDENTIFY DEVICE (8.15) */
        if (d->atapi) {
            set_signature(d); /* packet devices abort with their signature (8.15.4) */
            complete_err(d, ER_ABRT);
            return;
        }
        build_identify(d, (uint16_t *)d->buf);
        d->src = IDE_SRC_BUF;
        d->buf_pos = 0;
        d->buf_len = 512;
        start_pio_in(d, 512);
        return;
    case 0xa1: /* IDENTIFY PACKET DEVICE (8.16) */
        if (!d->atapi) break;
        build_identify(d, (uint16_t *)d->buf);
        d->src = IDE_SRC_BUF;
        d->buf_pos = 0;
        d->buf_len = 512;
        /* not a PACKET command: plain PIO data-in, interrupt reason not used */
        start_pio_in(d, 512);
        return;
    case 0xa0: /* PACKET (8.21) */
        if (!d->atapi) break;
        if (d->feature & 0x02) break; /* overlapped: not supported */
        d->dma_packet = d->feature & 0x01;
        d->byte_limit = (uint32_t)d->lbah << 8 | d->lbam;
        d->xfer = IDE_XFER_CDB;
        d->buf_pos = 0;
        d->drq_left = 12;
        d->nsect = IR_COD; /* command packet phase, no interrupt (DRQ type 10b: 50 us) */
        d->status = ST_DRDY | ST_DSC | ST_DRQ;
        return;
    case 0x90: /* EXECUTE DEVICE DIAGNOSTIC (8.11) */
        set_signature(d);
        d->xfer = IDE_XFER_NONE;
        d->status = d->atapi ? 0 : ST_DRDY | ST_DSC;
        d->error = 0x01;
        raise_intrq(d);
        return;
    case 0xef: /* SET FEATURES (8.37) */
        switch (d->feature) {
        case 0x03: { /* set transfer mode */
            uint8_t m = d->nsect;
            if (m <= 0x01 || (m >= 0x08 && m <= 0x0c) || (m >= 0x20 && m <= 0x22) || (m >= 0x40 && m <= 0x45)) {
                d->xfer_mode = m;
                complete_ok(d);
                return;
            }
            break;
        }
        case 0x02: case 0x82: case 0xaa: case 0x55: case 0x66: case 0xcc:
            complete_ok(d); /* write cache / look-ahead / defaults: accepted, no effect */
            return;
        default:
            break;
        }
        complete_err(d, ER_ABRT);
        return;
    case 0xe5: /* CHECK POWER MODE (8.6): active */
        d->nsect = 0xff;
        complete_ok(d);
        return;
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xe6: /* STANDBY/IDLE (IMMEDIATE), SLEEP */
        complete_ok(d);
        return;
    default:
        break;
    }
    if (d->atapi) {
        /* packet devices support only the commands above (ATA/ATAPI-6 Table 5 and 6.x) */
        complete_err(d, ER_ABRT);
        return;
    }
    switch (c) {
    case 0x24: case 0x29: case 0x25: case 0x34: case 0x39: case 0x35: case 0x42: case 0xea:
        lba48 = true;
        break;
    default:
        break;
    }
    switch (c) {
    case 0x20: case 0x21: case 0x24: /* READ SECTORS (EXT) (8.27, 8.28) */
    case 0xc4: case 0x29:            /* READ MULTIPLE (EXT) (8.25, 8.26) */
        if ((c == 0xc4 || c == 0x29) && !d->mult) break;
        if (!ata_rw_setup(d, lba48, false)) return;
        if (c == 0xc4 || c == 0x29) d->drq_size = 512u * d->mult;
        pio_in_block(d);
        return;
    case 0x30: case 0x31: case 0x34: /* WRITE SECTORS (EXT) (8.49, 8.50) */
    case 0xc5: case 0x39:            /* WRITE MULTIPLE (EXT) (8.47, 8.48) */
        if ((c == 0xc5 || c == 0x39) && !d->mult) break;
        if (!ata_rw_setup(d, lba48, true)) return;
        if (c == 0xc5 || c == 0x39) d->drq_size = 512u * d->mult;
        pio_out_block(d, false); /* 9.8 PIO data-out: no interrupt before the first block */
        return;
    case 0xc8: case 0xc9: case 0x25: /* READ DMA (EXT) (8.23, 8.24) */
    case 0xca: case 0xcb: case 0x35: /* WRITE DMA (EXT) (8.45, 8.46) */
        if (!ata_rw_setup(d, lba48, c == 0xca || c == 0xcb || c == 0x35)) return;
        d->xfer = IDE_XFER_DMA;
        d->status = ST_DRDY | ST_DSC | ST_DRQ;
        if (d->ch->bm_cmd & BM_CMD_START) dma_run(d);
        return;
    case 0x40: case 0x41: case 0x42: { /* READ VERIFY SECTORS (EXT) (8.31, 8.32) */
        uint64_t lba;
        uint32_t count = lba48 ? ((uint32_t)d->hob_nsect << 8 | d->nsect) : d->nsect;
        if (!count) count = lba48 ? 65536 : 256;
        if (!ata_lba(d, lba48, &lba) || lba + count > d->nsectors) complete_err(d, ER_IDNF);
        else complete_ok(d);
        return;
    }
    case 0xc6: /* SET MULTIPLE MODE (8.39): 0 disables, else a power of two up to word 47 */
        if (d->nsect > 16 || (d->nsect & (d->nsect - 1))) break;
        d->mult = d->nsect;
        complete_ok(d);
        return;
    case 0x91: /* INITIALIZE DEVICE PARAMETERS (ATA-5 8.16): heads = DH+1, sectors = count */
        if (!d->nsect) break;
        d->cur_heads = (uint16_t)((d->select & 0xf) + 1);
        d->cur_spt = d->nsect;
        complete_ok(d);
        return;
    case 0xe7: case 0xea: /* FLUSH CACHE (EXT) (8.12, 8.13) */
        if (blockdev_flush(d->bd)) complete_ok(d);
        else complete_err(d, ER_ABRT);
        return;
    default:
        if ((c & 0xf0) == 0x10 || (c & 0xf0) == 0x70) { /* RECALIBRATE, SEEK (obsolete): no-ops */
            complete_ok(d);
            return;
        }
        break;
    }
    LOG(LOG_UNIMP, "ide%u.%u: unsupported ATA command %02x\n", d->ch->idx, d->unit, c);
    complete_err(d, ER_ABRT);
}

/* ---- ATAPI packet commands (SPC-3, MMC-3) ---- */

static void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static uint32_t get_be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* MMC-3 Table 3: MSF address = LBA + 150 frames (2 s), 75 frames per second */
static void put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (!msf) {
        put_be32(p, lba);
        return;
    }
    uint32_t f = lba + 150;
    p[0] = 0;
    p[1] = (uint8_t)(f / (75 * 60));
    p[2] = (uint8_t)(f / 75 % 60);
    p[3] = (uint8_t)(f % 75);
}

static uint32_t atapi_read_toc(struct ide_drive *d, uint8_t *b, bool *bad)
{
    const uint8_t *cdb = d->cdb;
    bool msf = cdb[1] & 0x02;
    unsigned format = cdb[2] & 0x0f;
    if (!format) format = cdb[9] >> 6; /* SFF-8020i: format in the control byte's vendor bits */
    unsigned start = cdb[6];
    uint32_t total = (uint32_t)d->nsectors;
    memset(b, 0, 64);
    if (format == 0) {
        /* MMC-3 5.2.24 READ TOC format 0000b: header, track 1 (data, ADR 1, CONTROL 4), lead-out */
        if (start > 1 && start != 0xaa) {
            *bad = true;
            return 0;
        }
        uint32_t n = 4;
        b[2] = 1;
        b[3] = 1;
        if (start <= 1) {
            b[n + 1] = 0x14;
            b[n + 2] = 1;
            put_addr(b + n + 4, 0, msf);
            n += 8;
        }
        b[n + 1] = 0x14;
        b[n + 2] = 0xaa;
        put_addr(b + n + 4, total, msf);
        n += 8;
        put_be16(b, n - 2);
        return n;
    }
    if (format == 1) {
        /* MMC-3 format 0001b: session information (one session starting at track 1, LBA 0) */
        put_be16(b, 10);
        b[2] = 1;
        b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        put_addr(b + 8, 0, msf);
        return 12;
    }
    *bad = true;
    return 0;
}

static uint32_t atapi_mode_page(uint8_t page, uint8_t *p, bool locked)
{
    if (page == 0x01) { /* MMC-3 6.3.4 read/write error recovery */
        memset(p, 0, 8);
        p[0] = 0x01;
        p[1] = 0x06;
        p[3] = 0x05; /* read retry count */
        return 8;
    }
    if (page == 0x2a) { /* MMC-3 6.3.11 CD/DVD capabilities and mechanical status */
        memset(p, 0, 20);
        p[0] = 0x2a;
        p[1] = 0x12;
        p[2] = 0x3b;                       /* reads CD-R, CD-RW, method 2, DVD-ROM, DVD-R */
        p[4] = 0x71;                       /* audio play, composite, digital ports, mode 2 form 1 */
        p[5] = 0xff;                       /* CD-DA and subchannel capabilities */
        p[6] = 0x29 | (locked ? 0x02 : 0); /* tray, eject, lock (+ lock state) */
        put_be16(p + 8, 706 * 4);          /* max read speed (kB/s, obsolete) */
        put_be16(p + 10, 2);               /* volume levels */
        put_be16(p + 12, 512);             /* buffer size (KiB) */
        put_be16(p + 14, 706 * 4);
        return 20;
    }
    return 0;
}

static void atapi_exec(struct ide_drive *d)
{
    const uint8_t *cdb = d->cdb;
    uint8_t *b = d->buf;
    uint8_t op = cdb[0];
    d->pending = P_NONE;
    d->pkt = true;
    bool media = !d->tray_open && d->bd;
    /* commands that report state even without a ready medium (MMC-3 4.1.6) */
    bool always = op == 0x03 || op == 0x12 || op == 0x46 || op == 0x4a || op == 0x1b || op == 0x1e ||
                  op == 0x5a;
    if (d->unit_attention && op != 0x03 && op != 0x12 && op != 0x4a && op != 0x46) {
        d->unit_attention = false;
        atapi_check(d, SK_UNIT_ATTENTION, 0x28, 0x00); /* not ready to ready change, medium changed */
        return;
    }
    if (!media && !always) {
        atapi_check(d, SK_NOT_READY, 0x3a, 0x00); /* medium not present */
        return;
    }
    switch (op) {
    case 0x00: /* TEST UNIT READY */
        atapi_ok(d);
        return;
    case 0x03: { /* REQUEST SENSE (SPC-3 6.27): fixed format */
        memset(b, 0, 18);
        b[0] = 0x70;
        b[2] = d->sense_key;
        b[7] = 10;
        b[12] = d->asc;
        b[13] = d->ascq;
        if (!media && d->sense_key == SK_NO_SENSE) {
            b[2] = SK_NOT_READY;
            b[12] = 0x3a;
        }
        d->sense_key = SK_NO_SENSE;
        d->asc = d->ascq = 0;
        atapi_reply(d, 18, cdb[4]);
        return;
    }
    case 0x12: /* INQUIRY (SPC-3 6.4) */
        if (cdb[1] & 0x01) break; /* no vital product data pages */
        memset(b, 0, 36);
        b[0] = 0x05; /* CD/DVD device */
        b[1] = 0x80; /* removable */
        b[3] = 0x21; /* ATAPI, response data format 1 */
        b[4] = 31;
        memcpy(b + 8, "TURTLES ", 8);
        memcpy(b + 16, "DVD-ROM         ", 16);
        memcpy(b + 32, "0.1 ", 4);
        atapi_reply(d, 36, get_be16(cdb + 3));
        return;
    case 0x1b: /* START STOP UNIT (MMC-3 6.1.33): LoEj with Start=0 ejects, Start=1 loads */
        if (cdb[4] & 0x02) {
            if (!(cdb[4] & 0x01)) {
                if (d->locked) {
                    atapi_check(d, SK_ILLEGAL_REQUEST, 0x53, 0x02); /* medium removal prevented */
                    return;
                }
                d->tray_open = true;
            } else if (d->tray_open) {
                d->tray_open = false;
                d->unit_attention = true;
            }
        }
        atapi_ok(d);
        return;
    case 0x1e: /* PREVENT ALLOW MEDIUM REMOVAL (SPC-3 6.12) */
        d->locked = cdb[4] & 0x01;
        atapi_ok(d);
        return;
    case 0x25: /* READ CAPACITY (MMC-3 6.1.21) */
        put_be32(b, (uint32_t)(d->nsectors ? d->nsectors - 1 : 0));
        put_be32(b + 4, 2048);
        atapi_reply(d, 8, 8);
        return;
    case 0x28: case 0xa8: { /* READ(10), READ(12) (MMC-3 6.1.14) */
        uint32_t lba = get_be32(cdb + 2);
        uint32_t count = op == 0x28 ? get_be16(cdb + 7) : get_be32(cdb + 6);
        if ((uint64_t)lba + count > d->nsectors) {
            atapi_check(d, SK_ILLEGAL_REQUEST, 0x21, 0x00); /* LBA out of range */
            return;
        }
        if (!count) {
            atapi_ok(d);
            return;
        }
        d->src = IDE_SRC_DISK;
        d->secsize = 2048;
        d->lba = lba;
        d->is_write = false;
        d->buf_pos = d->buf_len = 0;
        d->bytes_left = (uint64_t)count * 2048;
        if (d->dma_packet) {
            d->xfer = IDE_XFER_DMA;
            d->status = ST_DRDY | ST_DSC | ST_DRQ;
            if (d->ch->bm_cmd & BM_CMD_START) dma_run(d);
            return;
        }
        pio_in_block(d);
        return;
    }
    case 0x2b: /* SEEK(10) */
        atapi_ok(d);
        return;
    case 0x43: { /* READ TOC/PMA/ATIP */
        bool bad = false;
        uint32_t n = atapi_read_toc(d, b, &bad);
        if (bad) break;
        atapi_reply(d, n, get_be16(cdb + 7));
        return;
    }
    case 0x46: { /* GET CONFIGURATION (MMC-3 6.1.4) */
        unsigned rt = cdb[1] & 3, startf = get_be16(cdb + 2);
        bool dvd = d->nsectors > 360000; /* more than a CD's 80 minutes: DVD-ROM profile */
        uint16_t cur = media ? (dvd ? 0x0010 : 0x0008) : 0;
        memset(b, 0, 64);
        uint32_t n = 8;
        put_be16(b + 6, cur);
        if (rt == 3) break;
        if (rt == 2 ? startf == 0 : startf <= 0) { /* Profile List feature (0000h) */
            put_be16(b + n, 0x0000);
            b[n + 2] = 0x03; /* persistent, current */
            b[n + 3] = 8;
            put_be16(b + n + 4, 0x0010);
            b[n + 6] = cur == 0x0010;
            put_be16(b + n + 8, 0x0008);
            b[n + 10] = cur == 0x0008;
            n += 12;
        }
        if (rt == 2 ? startf == 1 : startf <= 1) { /* Core feature (0001h): ATAPI */
            put_be16(b + n, 0x0001);
            b[n + 2] = 0x07; /* version 1, persistent, current */
            b[n + 3] = 8;
            put_be32(b + n + 4, 2); /* physical interface standard: ATAPI */
            n += 12;
        }
        put_be32(b, n - 4);
        atapi_reply(d, n, get_be16(cdb + 7));
        return;
    }
    case 0x4a: { /* GET EVENT STATUS NOTIFICATION (MMC-3 6.1.6); only polled mode */
        if (!(cdb[1] & 0x01)) break;
        memset(b, 0, 8);
        b[3] = 0x10; /* supported classes: media */
        if (cdb[4] & 0x10) {
            put_be16(b, 6);
            b[2] = 0x04; /* media class */
            b[4] = 0;    /* no change */
            b[5] = media ? 0x02 : 0x00;
            atapi_reply(d, 8, get_be16(cdb + 7));
        } else {
            put_be16(b, 2);
            b[2] = 0x80; /* no event available */
            atapi_reply(d, 4, get_be16(cdb + 7));
        }
        return;
    }
    case 0x5a: { /* MODE SENSE(10) (SPC-3 6.10) */
        unsigned pc = cdb[2] >> 6, page = cdb[2] & 0x3f;
        if (pc == 3) {
            atapi_check(d, SK_ILLEGAL_REQUEST, 0x39, 0x00); /* saving parameters not supported */
            return;
        }
        memset(b, 0, 8);
        uint32_t n = 8;
        if (page == 0x3f) {
            n += atapi_mode_page(0x01, b + n, d->locked);
            n += atapi_mode_page(0x2a, b + n, d->locked);
        } else {
            uint32_t k = atapi_mode_page((uint8_t)page, b + n, d->locked);
            if (!k) break;
            n += k;
        }
        if (pc == 1) { /* changeable values: none (page code and length kept) */
            for (uint32_t k = 8; k < n; k += 2u + b[k + 1]) memset(b + k + 2, 0, b[k + 1]);
        }
        put_be16(b, n - 2);
        b[2] = media ? 0x01 : 0x70; /* medium type (SFF-8020i): 120 mm data CD / door closed, no disc */
        atapi_reply(d, n, get_be16(cdb + 7));
        return;
    }
    default:
        break;
    }
    if (op != 0x12 && op != 0x43 && op != 0x46 && op != 0x4a && op != 0x5a)
        LOG(LOG_UNIMP, "ide%u.%u: unsupported ATAPI command %02x\n", d->ch->idx, d->unit, op);
    /* invalid command operation code (20h) or invalid field in CDB (24h) */
    bool known = op == 0x12 || op == 0x43 || op == 0x46 || op == 0x4a || op == 0x5a;
    atapi_check(d, SK_ILLEGAL_REQUEST, known ? 0x24 : 0x20, 0x00);
}

/* ---- timer ---- */

static void reset_drive(struct ide_drive *d)
{
    cancel(d);
    set_signature(d);
    d->error = 0x01; /* diagnostic code: device 0 passed, device 1 passed or not present */
    d->status = d->atapi ? 0 : ST_DRDY | ST_DSC; /* packet devices clear DRDY (9.2) */
    d->intrq = false;
}

static void drive_timer(void *opaque)
{
    struct ide_drive *d = opaque;
    unsigned p = d->pending;
    d->pending = P_NONE;
    switch (p) {
    case P_RESET:
        reset_drive(d);
        update_irq(d->ch);
        break;
    case P_CMD:
        ata_exec(d);
        break;
    case P_PACKET_EXEC:
        atapi_exec(d);
        break;
    case P_DMA:
        if (d->xfer == IDE_XFER_DMA && (d->ch->bm_cmd & BM_CMD_START)) dma_run(d);
        break;
    default:
        break;
    }
}

/* ---- port access ---- */

/* The drive whose registers a read returns (ATA/ATAPI-6 9.16.1: device 0 answers for an absent
 * device 1). NULL: no drive on the channel. */
static struct ide_drive *reg_drive(struct ide_channel *ch)
{
    if (ch->drv[ch->sel].present) return &ch->drv[ch->sel];
    if (ch->drv[ch->sel ^ 1].present) return &ch->drv[ch->sel ^ 1];
    return NULL;
}

static uint8_t read_status(struct ide_channel *ch, bool clear)
{
    struct ide_drive *d = &ch->drv[ch->sel];
    if (!d->present) return 0;
    if (clear && d->intrq) {
        d->intrq = false;
        update_irq(ch);
    }
    return d->status;
}

/* One byte of PIO data from the device; 0xff when no data is pending. */
static uint8_t data_in_byte(struct ide_drive *d)
{
    if (d->xfer != IDE_XFER_PIO_IN || !d->drq_left) return 0xff;
    if (d->buf_pos == d->buf_len && !refill(d)) {
        read_failed(d);
        return 0xff;
    }
    uint8_t v = d->buf[d->buf_pos++];
    d->drq_left--;
    d->bytes_left--;
    return v;
}

static uint32_t data_read(struct ide_channel *ch, unsigned size)
{
    struct ide_drive *d = &ch->drv[ch->sel];
    if (!d->present || d->xfer != IDE_XFER_PIO_IN || !(d->status & ST_DRQ)) {
        LOG(LOG_GUEST_ERRORS, "ide%u: data read with no data pending\n", ch->idx);
        return 0xffffffffu;
    }
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        uint32_t byte = 0xff;
        if (d->xfer == IDE_XFER_PIO_IN && d->drq_left) {
            byte = data_in_byte(d);
            if (!d->drq_left && d->xfer == IDE_XFER_PIO_IN) block_done(d);
        }
        v |= byte << (8 * k);
    }
    return v;
}

static void data_write(struct ide_channel *ch, uint32_t val, unsigned size)
{
    struct ide_drive *d = &ch->drv[ch->sel];
    if (!d->present || (d->xfer != IDE_XFER_PIO_OUT && d->xfer != IDE_XFER_CDB) || !(d->status & ST_DRQ)) {
        LOG(LOG_GUEST_ERRORS, "ide%u: data write with no transfer pending\n", ch->idx);
        return;
    }
    for (unsigned k = 0; k < size && d->drq_left; k++) {
        d->buf[d->buf_pos++] = (uint8_t)(val >> (8 * k));
        d->drq_left--;
        if (d->xfer == IDE_XFER_PIO_OUT) d->bytes_left--;
        if (!d->drq_left) {
            block_done(d);
            break;
        }
    }
}

static void write_command(struct ide_channel *ch, uint8_t cmd)
{
    struct ide_drive *d = &ch->drv[ch->sel];
    if (!d->present) return; /* an absent device ignores commands */
    if (d->atapi && cmd == 0x08) { /* DEVICE RESET is accepted even while busy */
        cancel(d);
        d->status = ST_BSY;
        d->intrq = false;
        update_irq(ch);
        schedule(d, P_RESET);
        return;
    }
    if (d->status & ST_BSY) {
        LOG(LOG_GUEST_ERRORS, "ide%u.%u: command %02x while busy ignored\n", ch->idx, d->unit, cmd);
        return;
    }
    cancel(d);
    d->pkt = false;
    d->cmd = cmd;
    d->status = ST_BSY;
    d->intrq = false;
    update_irq(ch);
    schedule(d, P_CMD);
}

static uint32_t ide_cmd_in(void *opaque, uint16_t port, unsigned size)
{
    struct ide_channel *ch = opaque;
    unsigned reg = port & 7;
    if (reg == 0) return data_read(ch, size);
    struct ide_drive *d = reg_drive(ch);
    if (!d) return 0; /* empty channel: QEMU reads 00h (reference trace) */
    bool hob = ch->ctl & CTL_HOB;
    switch (reg) {
    case 1: return d->error;
    case 2: return hob ? d->hob_nsect : d->nsect;
    case 3: return hob ? d->hob_lbal : d->lbal;
    case 4: return hob ? d->hob_lbam : d->lbam;
    case 5: return hob ? d->hob_lbah : d->lbah;
    case 6: return d->select;
    default: return read_status(ch, true);
    }
}

static void ide_cmd_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct ide_channel *ch = opaque;
    unsigned reg = port & 7;
    uint8_t v = (uint8_t)val;
    if (reg == 0) {
        data_write(ch, val, size);
        return;
    }
    if (reg == 7) {
        write_command(ch, v);
        return;
    }
    ch->ctl &= (uint8_t)~CTL_HOB; /* ATA/ATAPI-6 7.9: a command block write clears HOB */
    for (unsigned u = 0; u < 2; u++) {
        struct ide_drive *d = &ch->drv[u];
        switch (reg) {
        case 1: d->hob_feature = d->feature; d->feature = v; break;
        case 2: d->hob_nsect = d->nsect; d->nsect = v; break;
        case 3: d->hob_lbal = d->lbal; d->lbal = v; break;
        case 4: d->hob_lbam = d->lbam; d->lbam = v; break;
        case 5: d->hob_lbah = d->lbah; d->lbah = v; break;
        case 6: d->select = v; break;
        default: break;
        }
    }
    if (reg == 6) {
        ch->sel = (v >> 4) & 1;
        update_irq(ch);
    }
}

static uint32_t ide_ctl_in(void *opaque, uint16_t port, unsigned size)
{
    struct ide_channel *ch = opaque;
    if (!reg_drive(ch)) return 0;
    return read_status(ch, false); /* alternate status: no interrupt acknowledge */
}

static void ide_ctl_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct ide_channel *ch = opaque;
    uint8_t old = ch->ctl, v = (uint8_t)val;
    ch->ctl = v & (CTL_NIEN | CTL_SRST | CTL_HOB);
    /* ATA/ATAPI-6 9.2 software reset: BSY while SRST is set, the reset completes after it clears */
    for (unsigned u = 0; u < 2; u++) {
        struct ide_drive *d = &ch->drv[u];
        if (!d->present) continue;
        if ((v & CTL_SRST) && !(old & CTL_SRST)) {
            cancel(d);
            d->status = ST_BSY;
            d->intrq = false;
        } else if (!(v & CTL_SRST) && (old & CTL_SRST)) {
            schedule(d, P_RESET);
        }
    }
    update_irq(ch);
}

static const struct pio_ops ide_cmd_ops = {ide_cmd_in, ide_cmd_out};
static const struct pio_ops ide_ctl_ops = {ide_ctl_in, ide_ctl_out};

/* ---- bus-master registers ---- */

static uint8_t bm_read8(struct ide_ctrl *s, unsigned off)
{
    struct ide_channel *ch = &s->ch[off >> 3];
    switch (off & 7) {
    case 0: return ch->bm_cmd;
    case 2: return ch->bm_status;
    case 4: case 5: case 6: case 7: return (uint8_t)(ch->bm_prd >> (8 * ((off & 7) - 4)));
    default: return 0;
    }
}

static void bm_write8(struct ide_ctrl *s, unsigned off, uint8_t v)
{
    struct ide_channel *ch = &s->ch[off >> 3];
    switch (off & 7) {
    case 0: { /* BMICx: bit 0 start/stop, bit 3 read/write control */
        uint8_t old = ch->bm_cmd;
        ch->bm_cmd = v & (BM_CMD_START | BM_CMD_READ);
        if ((v & BM_CMD_START) && !(old & BM_CMD_START)) {
            ch->bm_status |= BM_ST_ACTIVE;
            for (unsigned u = 0; u < 2; u++) {
                struct ide_drive *d = &ch->drv[u];
                if (d->present && d->xfer == IDE_XFER_DMA && d->pending == P_NONE) schedule(d, P_DMA);
            }
        } else if (!(v & BM_CMD_START) && (old & BM_CMD_START)) {
            ch->bm_status &= (uint8_t)~BM_ST_ACTIVE; /* stopping aborts a transfer in progress */
        }
        break;
    }
    case 2: /* BMISx: bits 1 and 2 write-one-to-clear, bits 5 and 6 read/write */
        ch->bm_status = (uint8_t)((ch->bm_status & ~(v & (BM_ST_ERROR | BM_ST_INTR)) & ~BM_ST_RW_MASK) |
                                  (v & BM_ST_RW_MASK));
        break;
    case 4: case 5: case 6: case 7: {
        unsigned sh = 8 * ((off & 7) - 4);
        ch->bm_prd = (ch->bm_prd & ~(0xffu << sh)) | ((uint32_t)v << sh);
        ch->bm_prd &= ~3u; /* BMIDTPx bits 1:0 are reserved (dword aligned) */
        break;
    }
    default:
        break;
    }
}

static uint32_t bm_in(void *opaque, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++) v |= (uint32_t)bm_read8(opaque, (port + k) & 15) << (8 * k);
    return v;
}

static void bm_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    for (unsigned k = 0; k < size; k++) bm_write8(opaque, (port + k) & 15, (uint8_t)(val >> (8 * k)));
}

const struct pio_ops ide_bm_ops = {bm_in, bm_out};

/* ---- setup ---- */

bool ide_init(struct ide_ctrl *s, struct bus *io, struct clock *clk, struct memmap *mem,
              struct irq_line irq14, struct irq_line irq15)
{
    memset(s, 0, sizeof *s);
    s->clk = clk;
    s->mem = mem;
    static const uint16_t cmd_base[2] = {0x1f0, 0x170}, ctl_port[2] = {0x3f6, 0x376};
    for (unsigned c = 0; c < 2; c++) {
        struct ide_channel *ch = &s->ch[c];
        ch->ctrl = s;
        ch->idx = c;
        ch->irq = c ? irq15 : irq14;
        for (unsigned u = 0; u < 2; u++) {
            ch->drv[u].ch = ch;
            ch->drv[u].unit = u;
            timer_init(&ch->drv[u].timer, clk, drive_timer, &ch->drv[u]);
        }
        if (io && (!bus_add_pio(io, cmd_base[c], 8, &ide_cmd_ops, ch) ||
                   !bus_add_pio(io, ctl_port[c], 1, &ide_ctl_ops, ch)))
            return false;
    }
    return true;
}

bool ide_attach(struct ide_ctrl *s, unsigned channel, unsigned unit, struct blockdev *bd, bool cdrom,
                char *err, size_t errlen)
{
    if (channel > 1 || unit > 1 || s->ch[channel].drv[unit].present) {
        snprintf(err, errlen, "IDE place %u.%u is not free", channel, unit);
        return false;
    }
    struct ide_drive *d = &s->ch[channel].drv[unit];
    uint64_t size = blockdev_size(bd);
    if (!cdrom && size < 512) {
        snprintf(err, errlen, "disk image '%s' is smaller than one sector", blockdev_path(bd));
        return false;
    }
    d->buf = calloc(1, IDE_BUF_SIZE);
    if (!d->buf) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    d->bd = bd;
    d->present = true;
    d->atapi = cdrom;
    d->nsectors = cdrom ? size / 2048 : size / 512;
    if (!cdrom) {
        /* default translation: 16 heads, 63 sectors per track, at most 16383 cylinders */
        d->heads = 16;
        d->spt = 63;
        uint64_t cyl = d->nsectors / (16 * 63);
        d->cyls = (uint16_t)(cyl > 16383 ? 16383 : cyl ? cyl : 1);
    }
    return true;
}

void ide_reset(struct ide_ctrl *s)
{
    for (unsigned c = 0; c < 2; c++) {
        struct ide_channel *ch = &s->ch[c];
        ch->sel = 0;
        ch->ctl = 0;
        ch->bm_cmd = 0;
        ch->bm_status = 0;
        ch->bm_prd = 0;
        for (unsigned u = 0; u < 2; u++) {
            struct ide_drive *d = &ch->drv[u];
            reset_drive(d);
            d->feature = d->hob_feature = d->hob_nsect = d->hob_lbal = d->hob_lbam = d->hob_lbah = 0;
            d->mult = d->atapi ? 0 : 16; /* multiple mode on, 16 sectors (QEMU's power-on default) */
            d->xfer_mode = 0;
            d->cur_heads = d->heads;
            d->cur_spt = d->spt;
            d->sense_key = SK_NO_SENSE;
            d->asc = d->ascq = 0;
            d->tray_open = d->locked = d->unit_attention = false;
            d->dma_packet = false;
        }
        if (ch->irq_level) {
            ch->irq_level = false;
            irq_set(&ch->irq, 0);
        }
    }
}

void ide_destroy(struct ide_ctrl *s)
{
    for (unsigned c = 0; c < 2; c++)
        for (unsigned u = 0; u < 2; u++) {
            struct ide_drive *d = &s->ch[c].drv[u];
            timer_del(&d->timer);
            blockdev_close(d->bd);
            free(d->buf);
            d->bd = NULL;
            d->buf = NULL;
            d->present = false;
        }
}
