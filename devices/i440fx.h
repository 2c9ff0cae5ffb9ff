/* Intel 82441FX PMC (i440FX host bridge), PCI 00:00.0, as QEMU `pc` presents it: 8086:1237
 * revision 02, subsystem 1af4:1100 (SeaBIOS needs it to detect QEMU), PAM shadow control
 * (0x59-0x5F) and SMRAM control (0x72). SMM is not emulated: SMRAM is stored with its lock rules
 * but never changes the memory map.
 *
 * PAM: 13 segments of the 0xC0000-0xFFFFF BIOS area. Each has two attribute bits:
 *   RE (bit 0 of the nibble) 1 = reads go to DRAM, 0 = reads go to PCI/ISA (ROM, option ROMs)
 *   WE (bit 1 of the nibble) 1 = writes go to DRAM, 0 = writes go to PCI/ISA (dropped for ROM)
 *   register  bits 5:4 / 1:0
 *   0x59 PAM0 0xF0000-0xFFFFF (64K) / reserved
 *   0x5A PAM1 0xC4000-0xC7FFF       / 0xC0000-0xC3FFF
 *   0x5B PAM2 0xCC000-0xCFFFF       / 0xC8000-0xCBFFF
 *   0x5C PAM3 0xD4000-0xD7FFF       / 0xD0000-0xD3FFF
 *   0x5D PAM4 0xDC000-0xDFFFF       / 0xD8000-0xDBFFF
 *   0x5E PAM5 0xE4000-0xE7FFF       / 0xE0000-0xE3FFF
 *   0x5F PAM6 0xEC000-0xEFFFF       / 0xE8000-0xEBFFF
 */
#ifndef DEVICES_I440FX_H
#define DEVICES_I440FX_H

#include "devices/pci.h"

#define I440FX_PAM0 0x59
#define I440FX_SMRAM 0x72
#define I440FX_PAM_SEGMENTS 13
#define PAM_RE 0x1
#define PAM_WE 0x2

/* SMRAM control (82441FX 3.2.20): bit 6 D_OPEN, 5 D_CLS, 4 D_LCK, 3 G_SMRAME, 2:0 C_BASE_SEG=010 */
#define SMRAM_D_OPEN 0x40
#define SMRAM_D_CLS 0x20
#define SMRAM_D_LCK 0x10
#define SMRAM_G_SMRAME 0x08

struct i440fx {
    struct pci_dev dev;
    uint8_t pam[I440FX_PAM_SEGMENTS]; /* attributes last reported to the board */
    /* Board hook: segment seg [base, base+size) now has attributes attr (PAM_RE | PAM_WE). Called
     * for every segment at reset and for each segment whose attributes change on a config write,
     * immediately (the guest may execute from the area on the next instruction). */
    void (*pam_update)(void *opaque, int seg, uint32_t base, uint32_t size, unsigned attr);
    void *opaque;
};

/* Initializes the function (devfn 0); the caller then does pci_bus_add(bus, &s->dev), sets
 * pam_update and calls i440fx_reset. Never raises. */
void i440fx_init(struct i440fx *s);
/* Power-on state: PAM all 0 (everything to PCI/ROM), reported for all 13 segments. */
void i440fx_reset(struct i440fx *s);
/* Segment seg's range; returns false for a bad index. */
bool i440fx_pam_segment(int seg, uint32_t *base, uint32_t *size);
/* Segment seg's current attributes from the PAM registers. */
unsigned i440fx_pam_attr(const struct i440fx *s, int seg);

#endif
