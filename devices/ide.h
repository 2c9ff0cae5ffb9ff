/* PIIX3 IDE: two legacy ATA channels with master/slave drives and bus-master DMA.
 *
 * Channels (compatibility mode, PIIX3 datasheet 2.3 / ATA/ATAPI-6 7.1):
 *   primary   command block 0x1F0-0x1F7, control 0x3F6, ISA IRQ 14, BMIDE base+0
 *   secondary command block 0x170-0x177, control 0x376, ISA IRQ 15, BMIDE base+8
 * Command block: +0 data (16/32-bit), +1 error/features, +2 sector count, +3 LBA low,
 * +4 LBA mid, +5 LBA high, +6 device, +7 status/command; control: alternate status/device control.
 *
 * Drives: ATA disks (512-byte sectors; PIO, multiple, DMA; CHS, LBA28, LBA48) and ATAPI CD-ROMs
 * (2048-byte sectors; PACKET command set with PIO or DMA data). Each drive holds its own copy of
 * the command block registers; register writes go to both drives of a channel, the command only to
 * the selected one. An absent device 1 reads status 00h and device 0's other registers (ATA/ATAPI-6
 * 9.16.1); a channel with no drives reads 00h everywhere (QEMU's behaviour, the reference trace).
 *
 * Timing: a command completes (or its first data block becomes ready) CMD_DELAY_NS of guest time
 * after it is written; a reset completes CMD_DELAY_NS after SRST is cleared. Later PIO data blocks
 * are ready as soon as the host has transferred the previous one. Deterministic: guest clock only.
 */
#ifndef DEVICES_IDE_H
#define DEVICES_IDE_H

#include "devices/blockdev.h"
#include "devices/bus.h"
#include "machine/clock.h"

struct memmap;

#define IDE_CMD_DELAY_NS 2000u
#define IDE_BUF_SIZE (64u * 1024u) /* staging buffer: a multiple of 512 and 2048 */

enum ide_xfer {
    IDE_XFER_NONE,
    IDE_XFER_PIO_IN,  /* device -> host through the data port */
    IDE_XFER_PIO_OUT, /* host -> device through the data port (ATA writes) */
    IDE_XFER_CDB,     /* receiving the 12-byte ATAPI command packet */
    IDE_XFER_DMA,     /* waiting for / doing a bus-master transfer */
};

enum ide_src { IDE_SRC_BUF, IDE_SRC_DISK };

struct ide_channel;

struct ide_drive {
    struct ide_channel *ch;
    unsigned unit; /* 0 master, 1 slave */
    struct blockdev *bd;
    bool present, atapi;
    /* command block registers (this device's copy); hob_* = previous content (48-bit FIFO) */
    uint8_t feature, nsect, lbal, lbam, lbah, select;
    uint8_t hob_feature, hob_nsect, hob_lbal, hob_lbam, hob_lbah;
    uint8_t status, error;
    bool intrq; /* interrupt pending (cleared by reading Status) */
    /* ATA geometry and settings */
    uint64_t nsectors;         /* 512-byte sectors (ATA) or 2048-byte blocks (ATAPI) */
    uint16_t cyls, heads, spt; /* default CHS geometry */
    uint16_t cur_heads, cur_spt;
    uint8_t mult;      /* sectors per DRQ block for READ/WRITE MULTIPLE; 0 = disabled */
    uint8_t xfer_mode; /* SET FEATURES 03h value; 0 = default PIO */
    /* current command */
    uint8_t cmd;
    struct timer timer;
    unsigned pending; /* what the timer does (ide.c) */
    enum ide_xfer xfer;
    bool is_write;
    enum ide_src src;
    uint64_t lba;        /* next sector to stage (disk transfers) */
    unsigned secsize;    /* 512 or 2048 */
    uint64_t bytes_left; /* of the whole data transfer */
    uint32_t drq_left;   /* of the current DRQ data block */
    uint32_t drq_size;   /* ATA: bytes per DRQ block */
    uint8_t *buf;
    uint32_t buf_pos, buf_len;
    /* ATAPI */
    uint8_t cdb[12];
    uint32_t byte_limit; /* cylinder registers at PACKET */
    bool dma_packet;     /* PACKET with Features.DMA */
    bool pkt;            /* the current transfer belongs to a packet command */
    uint8_t sense_key, asc, ascq;
    bool tray_open, locked, unit_attention;
};

struct ide_ctrl;

struct ide_channel {
    struct ide_ctrl *ctrl;
    unsigned idx;
    struct ide_drive drv[2];
    unsigned sel;  /* DEV bit of the last device register write */
    uint8_t ctl;   /* device control: nIEN (bit 1), SRST (bit 2), HOB (bit 7) */
    struct irq_line irq;
    bool irq_level;
    /* bus master (PIIX3 2.7 BMICx / BMISx / BMIDTPx) */
    uint8_t bm_cmd, bm_status;
    uint32_t bm_prd;
};

struct ide_ctrl {
    struct ide_channel ch[2];
    struct clock *clk;
    struct memmap *mem;
};

/* Claims the legacy ports of both channels. irq14/irq15: the channels' interrupt outputs.
 * mem: guest memory for bus-master DMA. Call ide_reset before running. Returns false if a port is
 * taken. */
bool ide_init(struct ide_ctrl *s, struct bus *io, struct clock *clk, struct memmap *mem,
              struct irq_line irq14, struct irq_line irq15);
/* Attaches an opened image as drive unit (0/1) of channel (0/1). The controller owns bd from
 * then on (ide_destroy closes it). Returns false with a message in err (bad place, size). */
bool ide_attach(struct ide_ctrl *s, unsigned channel, unsigned unit, struct blockdev *bd, bool cdrom,
                char *err, size_t errlen);
/* Hardware reset: every drive gets its signature, transfers stop, bus masters go idle. */
void ide_reset(struct ide_ctrl *s);
/* Closes the images and frees the buffers. */
void ide_destroy(struct ide_ctrl *s);

/* The bus-master block (16 ports: primary at +0, secondary at +8). Give it to
 * piix3_ide_set_bm_ops(sb, &ide_bm_ops, s); the port's low 4 bits select the register (BAR4 is
 * 16-byte aligned). */
extern const struct pio_ops ide_bm_ops;

#endif
