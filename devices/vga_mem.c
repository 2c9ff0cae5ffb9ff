/* The VGA legacy memory window (0xA0000-0xBFFFF): memory map select, chain-4, odd/even and
 * planar accesses with the latches, write modes 0-3, read modes 0-1, map mask, bit mask,
 * set/reset, data rotate and the logical operations. Sources: IBM VGA XGA Technical Reference
 * Manual, "Video Graphics Array", graphics controller and sequencer chapters (the data path
 * figures for write modes 0-3 and the colour-compare read); the vram layout is described in
 * devices/vga.h. */
#include "devices/vga.h"

/* Graphics controller misc register bits 3:2 select where the window answers: 00 A0000-BFFFF,
 * 01 A0000-AFFFF, 10 B0000-B7FFF, 11 B8000-BFFFF. Returns false when off (relative to 0xA0000)
 * is outside the selected window; otherwise rebases it to the start of video memory (plus the
 * VBE bank in the 64 KiB map). */
static bool window(const struct vga *v, uint32_t *off)
{
    uint32_t o = *off & (VGA_LEGACY_SIZE - 1);
    switch ((v->gr[VGA_GR_MISC] >> 2) & 3) {
    case 0: break;
    case 1:
        if (o >= 0x10000) return false;
        o += v->bank_offset;
        break;
    case 2:
        if (o < 0x10000 || o >= 0x18000) return false;
        o -= 0x10000;
        break;
    default:
        if (o < 0x18000) return false;
        o -= 0x18000;
        break;
    }
    *off = o;
    return true;
}

static inline void note_write(struct vga *v, uint32_t idx)
{
    if (v->mem) memmap_code_write(v->mem, (v->vram_off + idx) >> 12);
}

static inline uint32_t load32(const struct vga *v, uint32_t o)
{
    uint32_t i = (o * 4u) & (v->vram_size - 1);
    return (uint32_t)v->vram[i] | ((uint32_t)v->vram[i + 1] << 8) | ((uint32_t)v->vram[i + 2] << 16) |
           ((uint32_t)v->vram[i + 3] << 24);
}

/* A byte replicated into the four plane lanes, or a 4-bit plane set expanded to 0x00/0xFF lanes. */
static inline uint32_t rep4(uint8_t b) { return b * 0x01010101u; }
static inline uint32_t expand_planes(unsigned bits)
{
    return ((bits & 1) ? 0xffu : 0) | ((bits & 2) ? 0xff00u : 0) | ((bits & 4) ? 0xff0000u : 0) |
           ((bits & 8) ? 0xff000000u : 0);
}

uint8_t vga_mem_read(struct vga *v, uint32_t off)
{
    if (!window(v, &off)) return 0xff;
    if (v->sr[VGA_SR_MEMMODE] & 0x08) /* chain-4: the address reaches vram directly */
        return v->vram[off & (v->vram_size - 1)];
    if (v->gr[VGA_GR_MODE] & 0x10) {
        /* host odd/even: A0 selects plane 0/1 (plane 2/3 when GR04 bit 1 is set) */
        unsigned plane = (v->gr[VGA_GR_READ_MAP] & 2) | (off & 1);
        v->latch = load32(v, off >> 1);
        return (uint8_t)(v->latch >> (8 * plane));
    }
    v->latch = load32(v, off);
    if (!(v->gr[VGA_GR_MODE] & 0x08)) /* read mode 0: the plane GR04 selects */
        return (uint8_t)(v->latch >> (8 * (v->gr[VGA_GR_READ_MAP] & 3)));
    /* Read mode 1 (colour compare): a bit is 1 where every plane that GR07 does not mask off
     * equals the matching bit of GR02. */
    uint32_t diff = (v->latch ^ expand_planes(v->gr[VGA_GR_COLOR_CMP])) & expand_planes(v->gr[VGA_GR_DONT_CARE]);
    uint8_t any = (uint8_t)(diff | (diff >> 8) | (diff >> 16) | (diff >> 24));
    return (uint8_t)~any;
}

/* The graphics controller's write data path: returns the four plane bytes to store. */
static uint32_t write_data(const struct vga *v, uint8_t val)
{
    const uint8_t *gr = v->gr;
    unsigned rot = gr[VGA_GR_ROTATE] & 7;
    uint8_t r = (uint8_t)((val >> rot) | (val << ((8 - rot) & 7)));
    uint32_t data, mask;
    switch (gr[VGA_GR_MODE] & 3) {
    case 0: {
        /* rotated byte, replaced by set/reset in the planes GR01 enables */
        uint32_t en = expand_planes(gr[VGA_GR_ENABLE_SR]);
        data = (rep4(r) & ~en) | (expand_planes(gr[VGA_GR_SET_RESET]) & en);
        mask = rep4(gr[VGA_GR_BIT_MASK]);
        break;
    }
    case 1: /* the latches, unchanged */
        return v->latch;
    case 2: /* bits 3:0 of the byte, one per plane, spread over all eight pixels */
        data = expand_planes(val);
        mask = rep4(gr[VGA_GR_BIT_MASK]);
        break;
    default: /* 3: set/reset as the data, the rotated byte ANDed with the bit mask as the mask */
        data = expand_planes(gr[VGA_GR_SET_RESET]);
        mask = rep4(r & gr[VGA_GR_BIT_MASK]);
        break;
    }
    switch ((gr[VGA_GR_ROTATE] >> 3) & 3) { /* logical operation with the latches */
    case 1: data &= v->latch; break;
    case 2: data |= v->latch; break;
    case 3: data ^= v->latch; break;
    default: break;
    }
    return (data & mask) | (v->latch & ~mask);
}

void vga_mem_write(struct vga *v, uint32_t off, uint8_t val)
{
    if (!window(v, &off)) return;
    uint8_t map_mask = v->sr[VGA_SR_MAP_MASK] & 0x0f;
    if (v->sr[VGA_SR_MEMMODE] & 0x08) {
        /* chain-4: A1:A0 select the plane, which the map mask must enable */
        if (map_mask & (1u << (off & 3))) {
            uint32_t i = off & (v->vram_size - 1);
            v->vram[i] = val;
            note_write(v, i);
        }
        return;
    }
    uint32_t o = off;
    unsigned planes = map_mask;
    if (!(v->sr[VGA_SR_MEMMODE] & 0x04)) {
        /* odd/even (SR04 bit 2 clear): even addresses reach planes 0 and 2, odd ones 1 and 3 */
        o = off >> 1;
        planes &= (off & 1) ? 0x0au : 0x05u;
    }
    if (!planes) return;
    uint32_t data = write_data(v, val);
    uint32_t base = (o * 4u) & (v->vram_size - 1);
    for (unsigned p = 0; p < 4; p++)
        if (planes & (1u << p)) v->vram[base + p] = (uint8_t)(data >> (8 * p));
    note_write(v, base);
}

static uint64_t legacy_read(void *opaque, uint64_t off, unsigned size)
{
    uint64_t r = 0;
    for (unsigned k = 0; k < size; k++) r |= (uint64_t)vga_mem_read(opaque, (uint32_t)(off + k)) << (8 * k);
    return r;
}

static void legacy_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    for (unsigned k = 0; k < size; k++) vga_mem_write(opaque, (uint32_t)(off + k), (uint8_t)(val >> (8 * k)));
}

const struct mmio_ops vga_legacy_mmio_ops = {legacy_read, legacy_write};
