/* QEMU fw_cfg device (I/O port interface + DMA). Behaviour follows QEMU docs/specs/fw_cfg.rst;
 * the port widths and byte orders follow what SeaBIOS (src/fw/paravirt.c) and OVMF issue, as
 * recorded in /work/shared/reference/traces (PLATFORM.md A.2). */
#include "bios/fwcfg.h"

#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "emu/log.h"
#include "mmu/memmap.h"

/* fw_cfg.rst: "reading the DMA Address Register returns 0x51454d5520434647 ("QEMU CFG")" */
static const char dma_sig[8] = {'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G'};

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static uint32_t bswap32(uint32_t v) { return __builtin_bswap32(v); }

static struct fwcfg_item *item_for(struct fwcfg *fw, uint16_t key)
{
    /* fw_cfg.rst "Selector Register": bit 14 (write channel) is ignored since QEMU 2.4 (writes go
     * through DMA), bit 15 selects the architecture-specific range. */
    uint16_t idx = key & 0x3fff;
    if (key & FW_CFG_ARCH_LOCAL) {
        if (idx >= FWCFG_N_ARCH) return NULL;
        return fw->arch[idx].present ? &fw->arch[idx] : NULL;
    }
    if (idx < FWCFG_N_GENERIC) return fw->generic[idx].present ? &fw->generic[idx] : NULL;
    idx -= FW_CFG_FILE_FIRST;
    if (idx >= fw->nfiles) return NULL;
    return &fw->files[idx];
}

const struct fwcfg_item *fwcfg_item(const struct fwcfg *fw, uint16_t key)
{
    return item_for((struct fwcfg *)fw, key);
}

static void rebuild_dir(struct fwcfg *fw)
{
    memset(fw->dir, 0, sizeof(fw->dir));
    put_be32(fw->dir, fw->nfiles);
    for (unsigned k = 0; k < fw->nfiles; k++) {
        uint8_t *e = fw->dir + 4 + 64 * k;
        put_be32(e, fw->files[k].len);
        put_be16(e + 4, (uint16_t)(FW_CFG_FILE_FIRST + k));
        memcpy(e + 8, fw->files[k].name, FWCFG_NAME_LEN);
    }
    struct fwcfg_item *d = &fw->generic[FW_CFG_FILE_DIR];
    d->data = fw->dir;
    d->len = 4 + 64 * fw->nfiles;
    d->present = true;
}

static bool set_data(struct fwcfg_item *it, const void *data, uint32_t len)
{
    uint8_t *p = NULL;
    if (len) {
        p = malloc(len);
        if (!p) return false;
        if (data)
            memcpy(p, data, len);
        else
            memset(p, 0, len);
    }
    free(it->data);
    it->data = p;
    it->len = len;
    it->present = true;
    return true;
}

bool fwcfg_init(struct fwcfg *fw, struct bus *b, struct memmap *mem, bool dma)
{
    static const struct pio_ops ops = {fwcfg_pio_in, fwcfg_pio_out};
    memset(fw, 0, sizeof(*fw));
    fw->mem = mem;
    fw->dma_enabled = dma && mem;
    fwcfg_add_key(fw, FW_CFG_SIGNATURE, "QEMU", 4);
    /* fw_cfg.rst "FW_CFG_ID": bit 0 traditional interface (always), bit 1 DMA */
    fwcfg_add_i32(fw, FW_CFG_ID, FW_CFG_VERSION | (fw->dma_enabled ? FW_CFG_VERSION_DMA : 0));
    rebuild_dir(fw);
    fwcfg_reset(fw);
    if (!b) return true;
    /* the data port overlaps the selector's 2-byte region (fw_cfg.rst footnote "placement") */
    if (!bus_add_pio(b, FWCFG_PORT_SEL, 2, &ops, fw)) return false;
    if (fw->dma_enabled && !bus_add_pio(b, FWCFG_PORT_DMA, 8, &ops, fw)) return false;
    return true;
}

static void free_item(struct fwcfg *fw, struct fwcfg_item *it)
{
    if (it->data != fw->dir) free(it->data);
    it->data = NULL;
}

void fwcfg_destroy(struct fwcfg *fw)
{
    for (unsigned k = 0; k < FWCFG_N_GENERIC; k++) free_item(fw, &fw->generic[k]);
    for (unsigned k = 0; k < FWCFG_N_ARCH; k++) free_item(fw, &fw->arch[k]);
    for (unsigned k = 0; k < FWCFG_MAX_FILES; k++) free_item(fw, &fw->files[k]);
    fw->nfiles = 0;
}

void fwcfg_reset(struct fwcfg *fw)
{
    fw->cur_key = 0;
    fw->cur_valid = true;
    fw->cur_off = 0;
    fw->dma_addr = 0;
}

bool fwcfg_add_key(struct fwcfg *fw, uint16_t key, const void *data, uint32_t len)
{
    uint16_t idx = key & 0x3fff;
    if (key & 0x4000) return false;
    if (key & FW_CFG_ARCH_LOCAL) {
        if (idx >= FWCFG_N_ARCH) return false;
        return set_data(&fw->arch[idx], data, len);
    }
    if (idx >= FWCFG_N_GENERIC || idx == FW_CFG_FILE_DIR) return false;
    return set_data(&fw->generic[idx], data, len);
}

bool fwcfg_add_i16(struct fwcfg *fw, uint16_t key, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    return fwcfg_add_key(fw, key, b, 2);
}
bool fwcfg_add_i32(struct fwcfg *fw, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    for (int k = 0; k < 4; k++) b[k] = (uint8_t)(v >> (8 * k));
    return fwcfg_add_key(fw, key, b, 4);
}
bool fwcfg_add_i64(struct fwcfg *fw, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    for (int k = 0; k < 8; k++) b[k] = (uint8_t)(v >> (8 * k));
    return fwcfg_add_key(fw, key, b, 8);
}

static int find_file(const struct fwcfg *fw, const char *name)
{
    for (unsigned k = 0; k < fw->nfiles; k++)
        if (!strncmp(fw->files[k].name, name, FWCFG_NAME_LEN)) return (int)k;
    return -1;
}

bool fwcfg_add_file_ex(struct fwcfg *fw, const char *name, const void *data, uint32_t len,
                       bool writable, fwcfg_select_cb cb, void *opaque)
{
    size_t nl = strlen(name);
    if (nl == 0 || nl >= FWCFG_NAME_LEN) return false;
    int at = find_file(fw, name);
    if (at < 0) {
        if (fw->nfiles >= FWCFG_MAX_FILES) return false;
        /* QEMU gives file keys in name order (PLATFORM.md A.2.1 [EXP]): insert sorted */
        unsigned pos = 0;
        while (pos < fw->nfiles && strncmp(fw->files[pos].name, name, FWCFG_NAME_LEN) < 0) pos++;
        memmove(&fw->files[pos + 1], &fw->files[pos], (fw->nfiles - pos) * sizeof(fw->files[0]));
        memset(&fw->files[pos], 0, sizeof(fw->files[0]));
        memcpy(fw->files[pos].name, name, nl);
        fw->nfiles++;
        at = (int)pos;
        if (!set_data(&fw->files[at], data, len)) {
            memmove(&fw->files[pos], &fw->files[pos + 1], (fw->nfiles - pos - 1) * sizeof(fw->files[0]));
            fw->nfiles--;
            memset(&fw->files[fw->nfiles], 0, sizeof(fw->files[0]));
            rebuild_dir(fw);
            return false;
        }
    } else if (!set_data(&fw->files[at], data, len)) {
        return false;
    }
    fw->files[at].writable = writable;
    fw->files[at].select_cb = cb;
    fw->files[at].cb_opaque = opaque;
    rebuild_dir(fw);
    return true;
}

bool fwcfg_add_file(struct fwcfg *fw, const char *name, const void *data, uint32_t len)
{
    return fwcfg_add_file_ex(fw, name, data, len, false, NULL, NULL);
}

bool fwcfg_update_file(struct fwcfg *fw, const char *name, const void *data, uint32_t len)
{
    int at = find_file(fw, name);
    if (at < 0) return false;
    if (!set_data(&fw->files[at], data, len)) return false;
    if (fw->cur_valid && fw->cur_key == FW_CFG_FILE_FIRST + at && fw->cur_off > len) fw->cur_off = len;
    rebuild_dir(fw);
    return true;
}

uint16_t fwcfg_file_key(const struct fwcfg *fw, const char *name)
{
    int at = find_file(fw, name);
    return at < 0 ? 0 : (uint16_t)(FW_CFG_FILE_FIRST + at);
}

/* fw_cfg.rst "Selector Register": selecting resets the data offset to zero. */
static void do_select(struct fwcfg *fw, uint16_t key)
{
    fw->cur_key = key;
    fw->cur_off = 0;
    struct fwcfg_item *it = item_for(fw, key);
    fw->cur_valid = it != NULL;
    if (!it) {
        LOG(LOG_GUEST_ERRORS, "fw_cfg: select of absent key 0x%04x\n", key);
        return;
    }
    if (it->select_cb) it->select_cb(it->cb_opaque, fw, key);
}

/* fw_cfg.rst "Data Register": past the end (or no item) reads return 0. */
static uint8_t data_read_byte(struct fwcfg *fw)
{
    struct fwcfg_item *it = fw->cur_valid ? item_for(fw, fw->cur_key) : NULL;
    if (!it || fw->cur_off >= it->len) return 0;
    return it->data[fw->cur_off++];
}

/* Guest-memory helpers for DMA. Reads of non-RAM go through phys_read (MMIO/unassigned). */
static void dma_to_guest(struct fwcfg *fw, uint64_t gpa, const uint8_t *src, uint32_t len, bool zero)
{
    while (len) {
        uint32_t chunk = 4096 - (uint32_t)(gpa & 4095);
        if (chunk > len) chunk = len;
        uint8_t *p = phys_host(fw->mem, gpa, true);
        if (p && phys_host(fw->mem, gpa + chunk - 1, true) != p + chunk - 1) p = NULL;
        if (p) {
            if (zero)
                memset(p, 0, chunk);
            else
                memcpy(p, src, chunk);
            memmap_code_write(fw->mem, (uint64_t)(p - fw->mem->host) >> 12);
        } else {
            for (uint32_t k = 0; k < chunk; k++) phys_write(fw->mem, gpa + k, zero ? 0 : src[k], 1);
        }
        gpa += chunk;
        if (!zero) src += chunk;
        len -= chunk;
    }
}

static void dma_from_guest(struct fwcfg *fw, uint64_t gpa, uint8_t *dst, uint32_t len)
{
    for (uint32_t k = 0; k < len; k++) dst[k] = (uint8_t)phys_read(fw->mem, gpa + k, 1);
}

/* fw_cfg.rst "Guest-side DMA Interface". Executes the FWCfgDmaAccess at addr synchronously and
 * writes the resulting control word back (0 = done, bit 0 = error). */
static void dma_transfer(struct fwcfg *fw, uint64_t addr)
{
    uint8_t d[16];
    dma_from_guest(fw, addr, d, 16);
    uint32_t control = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
    uint32_t length = (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7];
    uint64_t gpa = 0;
    for (int k = 0; k < 8; k++) gpa = gpa << 8 | d[8 + k];

    /* "if the control field has bit 3 set, the upper 16 bits are interpreted as an index ...
     * This has the same effect as writing the selector register." */
    if (control & FW_CFG_DMA_CTL_SELECT) do_select(fw, (uint16_t)(control >> 16));

    /* read takes precedence over write, write over skip; none of them: no transfer */
    bool rd = false, wr = false;
    if (control & FW_CFG_DMA_CTL_READ)
        rd = true;
    else if (control & FW_CFG_DMA_CTL_WRITE)
        wr = true;
    else if (!(control & FW_CFG_DMA_CTL_SKIP))
        length = 0;

    uint32_t result = 0;
    struct fwcfg_item *it = fw->cur_valid ? item_for(fw, fw->cur_key) : NULL;
    while (length > 0 && !(result & FW_CFG_DMA_CTL_ERROR)) {
        uint32_t len;
        if (!it || !it->len || fw->cur_off >= it->len) {
            /* past the end: reads deliver zeros, writes fail, skips do nothing */
            len = length;
            if (rd) dma_to_guest(fw, gpa, NULL, len, true);
            if (wr) result |= FW_CFG_DMA_CTL_ERROR;
        } else {
            len = it->len - fw->cur_off;
            if (len > length) len = length;
            if (rd) dma_to_guest(fw, gpa, it->data + fw->cur_off, len, false);
            if (wr) {
                /* "QEMU prevents starting or finishing the write beyond the end of the item ...
                 * Truncated writes are dropped entirely. Writes to read-only items are also
                 * rejected." */
                if (!it->writable || len != length)
                    result |= FW_CFG_DMA_CTL_ERROR;
                else
                    dma_from_guest(fw, gpa, it->data + fw->cur_off, len);
            }
            fw->cur_off += len;
        }
        gpa += len;
        length -= len;
    }
    if (result & FW_CFG_DMA_CTL_ERROR)
        LOG(LOG_GUEST_ERRORS, "fw_cfg: DMA error, key 0x%04x control 0x%08x\n", fw->cur_key, control);
    uint8_t c[4];
    put_be32(c, result);
    for (int k = 0; k < 4; k++) phys_write(fw->mem, addr + k, c[k], 1);
}

uint32_t fwcfg_pio_in(void *opaque, uint16_t port, unsigned size)
{
    struct fwcfg *fw = opaque;
    if (port == FWCFG_PORT_SEL || port == FWCFG_PORT_DATA) {
        /* the combined selector/data region accepts byte reads of the data register only */
        if (size != 1) {
            LOG(LOG_GUEST_ERRORS, "fw_cfg: %u-byte read of port 0x%x\n", size, port);
            return 0xffffffffu;
        }
        return data_read_byte(fw);
    }
    if (fw->dma_enabled && port >= FWCFG_PORT_DMA && port < FWCFG_PORT_DMA + 8) {
        /* the register is big-endian: byte k of the port range is byte k of "QEMU CFG" */
        unsigned off = port - FWCFG_PORT_DMA;
        if (off + size > 8) return 0xffffffffu;
        uint32_t v = 0;
        for (unsigned k = 0; k < size; k++) v |= (uint32_t)(uint8_t)dma_sig[off + k] << (8 * k);
        return v;
    }
    return 0xffffffffu;
}

void fwcfg_pio_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct fwcfg *fw = opaque;
    if (port == FWCFG_PORT_SEL && size == 2) {
        do_select(fw, (uint16_t)val);
        return;
    }
    if ((port == FWCFG_PORT_SEL || port == FWCFG_PORT_DATA) && size == 1) {
        /* fw_cfg.rst: "As of QEMU v2.4, writes to the fw_cfg data register are no longer
         * supported, and will be ignored" */
        return;
    }
    if (fw->dma_enabled && port >= FWCFG_PORT_DMA && port < FWCFG_PORT_DMA + 8) {
        /* 32-bit halves, big-endian register: the guest's little-endian OUT must be swapped
         * (SeaBIOS does outl(cpu_to_be32(addr), 0x518)). "A write to the least significant half
         * (at offset 4) triggers an operation." */
        if (size == 4 && port == FWCFG_PORT_DMA) {
            fw->dma_addr = (uint64_t)bswap32(val) << 32 | (fw->dma_addr & 0xffffffffu);
            return;
        }
        if (size == 4 && port == FWCFG_PORT_DMA + 4) {
            uint64_t addr = (fw->dma_addr & ~0xffffffffull) | bswap32(val);
            /* "The value for the register is 0 at startup and after an operation." */
            fw->dma_addr = 0;
            dma_transfer(fw, addr);
            return;
        }
    }
    LOG(LOG_GUEST_ERRORS, "fw_cfg: %u-byte write 0x%x to port 0x%x ignored\n", size, val, port);
}
