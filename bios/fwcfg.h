/* QEMU firmware configuration device (fw_cfg), x86 I/O-port flavour, as SeaBIOS and OVMF use it.
 *
 * Ports [QEMU docs/specs/fw_cfg.rst "Register Locations"]:
 *   0x510     selector, 16-bit write, little-endian (writing it resets the data offset)
 *   0x510/511 data, 8-bit read: next byte of the selected item (0 past the end / unknown key)
 *   0x514-51B DMA address, 64-bit BIG-endian: 0x514 = high half, 0x518 = low half; a write to the
 *             low half starts the transfer. Reads return "QEMU CFG".
 *
 * DMA descriptor in guest memory, all fields big-endian:
 *   +0 be32 control   bit0 error, bit1 read, bit2 skip, bit3 select (key in 31:16), bit4 write
 *   +4 be32 length
 *   +8 be64 address
 * On completion the device writes control back as 0 (or just the error bit).
 *
 * File directory (key 0x19): be32 count, then count x {be32 size; be16 select; u16 0; char name[56]}.
 * Integer items are little-endian. Files get keys from 0x20 up in name order, like QEMU.
 *
 * The device owns copies of all item data. It never touches the CPU; DMA goes through memmap.
 */
#ifndef BIOS_FWCFG_H
#define BIOS_FWCFG_H

#include "emu/compiler.h"

struct bus;
struct memmap;

#define FWCFG_PORT_SEL 0x510
#define FWCFG_PORT_DATA 0x511
#define FWCFG_PORT_DMA 0x514

/* Legacy keys [QEMU fw_cfg.rst; linux include/uapi/linux/qemu_fw_cfg.h] */
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MACHINE_ID 0x06
#define FW_CFG_KERNEL_ADDR 0x07
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR 0x0a
#define FW_CFG_INITRD_SIZE 0x0b
#define FW_CFG_BOOT_DEVICE 0x0c
#define FW_CFG_NUMA 0x0d
#define FW_CFG_BOOT_MENU 0x0e
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_KERNEL_ENTRY 0x10
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_ADDR 0x13
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_SETUP_ADDR 0x16
#define FW_CFG_SETUP_SIZE 0x17
#define FW_CFG_SETUP_DATA 0x18
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_ACPI_TABLES 0x8000
#define FW_CFG_SMBIOS_ENTRIES 0x8001
#define FW_CFG_IRQ0_OVERRIDE 0x8002
#define FW_CFG_E820_TABLE 0x8003
#define FW_CFG_HPET 0x8004

/* FW_CFG_ID feature bits */
#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* DMA control bits */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10

#define FWCFG_MAX_FILES 64
#define FWCFG_NAME_LEN 56
#define FWCFG_N_GENERIC FW_CFG_FILE_FIRST  /* keys 0x00..0x1f */
#define FWCFG_N_ARCH 0x10                  /* keys 0x8000..0x800f */

struct fwcfg;
/* Called when the guest selects an item (selector write or DMA select), before any data moves.
 * May replace the item's data with fwcfg_update_file (same size). Never raises. */
typedef void (*fwcfg_select_cb)(void *opaque, struct fwcfg *fw, uint16_t key);

struct fwcfg_item {
    uint8_t *data; /* owned (malloc); NULL when len == 0 */
    uint32_t len;
    bool present;
    bool writable; /* DMA writes allowed (e.g. write-pointer targets) */
    fwcfg_select_cb select_cb;
    void *cb_opaque;
    char name[FWCFG_NAME_LEN]; /* files only */
};

struct fwcfg {
    struct memmap *mem; /* guest memory for DMA; NULL disables DMA */
    bool dma_enabled;
    uint16_t cur_key;  /* as written (bit 14 ignored) */
    bool cur_valid;
    uint32_t cur_off;
    uint64_t dma_addr; /* the DMA address register */
    struct fwcfg_item generic[FWCFG_N_GENERIC];
    struct fwcfg_item files[FWCFG_MAX_FILES]; /* key FW_CFG_FILE_FIRST + index, name-sorted */
    unsigned nfiles;
    struct fwcfg_item arch[FWCFG_N_ARCH];
    uint8_t dir[4 + 64 * FWCFG_MAX_FILES]; /* the FILE_DIR item's bytes (generic[0x19] aliases) */
};

/* Initialises the device: signature "QEMU", ID (bit1 set when mem != NULL and dma), empty file
 * directory. Claims ports 0x510-0x511 and, with DMA, 0x514-0x51B on b (b may be NULL for tests
 * that call the port callbacks directly). Returns false if the ports are taken. */
bool fwcfg_init(struct fwcfg *fw, struct bus *b, struct memmap *mem, bool dma);
/* Frees every item's data. */
void fwcfg_destroy(struct fwcfg *fw);
/* Selector back to 0 and the DMA address register to 0 (the items stay). */
void fwcfg_reset(struct fwcfg *fw);

/* Adds or replaces a numbered item (generic 0x00..0x1f except FILE_DIR, or arch 0x8000..0x800f).
 * Copies data. Returns false for a bad key or out of memory. */
bool fwcfg_add_key(struct fwcfg *fw, uint16_t key, const void *data, uint32_t len);
bool fwcfg_add_i16(struct fwcfg *fw, uint16_t key, uint16_t v); /* little-endian */
bool fwcfg_add_i32(struct fwcfg *fw, uint16_t key, uint32_t v);
bool fwcfg_add_i64(struct fwcfg *fw, uint16_t key, uint64_t v);
/* Adds (or replaces, if the name exists) a named file; keys are reassigned in name order, so look
 * keys up with fwcfg_file_key afterwards. Copies data. Returns false when full/too long/no memory. */
bool fwcfg_add_file(struct fwcfg *fw, const char *name, const void *data, uint32_t len);
/* As fwcfg_add_file, plus a select callback and the DMA-writable flag. */
bool fwcfg_add_file_ex(struct fwcfg *fw, const char *name, const void *data, uint32_t len,
                       bool writable, fwcfg_select_cb cb, void *opaque);
/* Replaces a file's contents; the size may change (the directory is updated). */
bool fwcfg_update_file(struct fwcfg *fw, const char *name, const void *data, uint32_t len);
/* The key of a named file, or 0 when absent. */
uint16_t fwcfg_file_key(const struct fwcfg *fw, const char *name);
/* The item for a key, or NULL. */
const struct fwcfg_item *fwcfg_item(const struct fwcfg *fw, uint16_t key);

/* Port callbacks (exposed for unit tests; the bus calls them). Never raise. */
uint32_t fwcfg_pio_in(void *opaque, uint16_t port, unsigned size);
void fwcfg_pio_out(void *opaque, uint16_t port, uint32_t val, unsigned size);

#endif
