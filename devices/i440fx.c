/* i440FX host bridge. Sources: Intel 82441FX PCI and Memory Controller (PMC) datasheet 290549,
 * 3.2 configuration registers (PAM 0x59-0x5F, SMRAMC 0x72); values observed on QEMU 7.2 `pc`
 * (/work/shared/reference/traces/trace.txt): COMMAND reads 0 at reset, subsystem 1af4:1100. */
#include "devices/i440fx.h"

#include "emu/log.h"

bool i440fx_pam_segment(int seg, uint32_t *base, uint32_t *size)
{
    if (seg < 0 || seg >= I440FX_PAM_SEGMENTS) return false;
    if (seg == 0) {
        *base = 0xf0000;
        *size = 0x10000;
    } else {
        *base = 0xc0000 + (uint32_t)(seg - 1) * 0x4000;
        *size = 0x4000;
    }
    return true;
}

unsigned i440fx_pam_attr(const struct i440fx *s, int seg)
{
    if (seg == 0) return (s->dev.cfg[I440FX_PAM0] >> 4) & 3;
    uint8_t r = s->dev.cfg[I440FX_PAM0 + 1 + (seg - 1) / 2];
    return ((seg - 1) & 1 ? r >> 4 : r) & 3;
}

static void pam_sync(struct i440fx *s, bool force)
{
    for (int seg = 0; seg < I440FX_PAM_SEGMENTS; seg++) {
        unsigned a = i440fx_pam_attr(s, seg);
        if (!force && a == s->pam[seg]) continue;
        s->pam[seg] = (uint8_t)a;
        uint32_t base, size;
        i440fx_pam_segment(seg, &base, &size);
        if (s->pam_update) s->pam_update(s->opaque, seg, base, size, a);
    }
}

static void smram_masks(struct i440fx *s)
{
    /* 82441FX SMRAMC: once D_LCK is set, D_OPEN is cleared and D_OPEN, D_LCK, G_SMRAME (and the
     * hardwired C_BASE_SEG) become read-only until reset; D_CLS stays writable. */
    if (s->dev.cfg[I440FX_SMRAM] & SMRAM_D_LCK) {
        s->dev.cfg[I440FX_SMRAM] &= (uint8_t)~SMRAM_D_OPEN;
        s->dev.wmask[I440FX_SMRAM] = SMRAM_D_CLS;
    } else {
        s->dev.wmask[I440FX_SMRAM] = SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK | SMRAM_G_SMRAME;
    }
}

static void config_written(struct pci_dev *d, unsigned addr, unsigned size)
{
    struct i440fx *s = d->owner;
    if (addr < I440FX_PAM0 + 7 && addr + size > I440FX_PAM0) pam_sync(s, false);
    if (addr <= I440FX_SMRAM && addr + size > I440FX_SMRAM) {
        smram_masks(s);
        /* SMM is not emulated (PLATFORM.md A.3.3): G_SMRAME/D_OPEN never remap 0xA0000-0xBFFFF */
        if ((d->cfg[I440FX_SMRAM] & (SMRAM_G_SMRAME | SMRAM_D_OPEN)) == (SMRAM_G_SMRAME | SMRAM_D_OPEN))
            LOG(LOG_UNIMP, "i440fx: SMRAM opened (0x%02x); SMM is not emulated\n", d->cfg[I440FX_SMRAM]);
    }
}

void i440fx_init(struct i440fx *s)
{
    struct pci_dev *d = &s->dev;
    /* 82441FX 3.2: VID 8086, DID 1237, class 06/00/00 host bridge, single function; QEMU reports
     * revision 02 and its default subsystem 1af4:1100 */
    pci_dev_init(d, "i440FX", PCI_DEVFN(0, 0), 0x8086, 0x1237, 0x02, 0x060000, 0x00);
    pci_set_word(d->cfg + PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
    pci_set_word(d->cfg + PCI_SUBSYSTEM_ID, 0x1100);
    /* Device-specific registers (DRAM control, row boundaries, error reporting, ...) are plain
     * storage here: the memory controller has nothing to configure. QEMU leaves them writable. */
    for (unsigned a = 0x40; a < 0x100; a++) d->wmask[a] = 0xff;
    /* PAM0 bits 5:4 only; PAM1-6 bits 5:4 and 1:0 (bits 7:6, 3:2 reserved) */
    d->wmask[I440FX_PAM0] = 0x30;
    for (unsigned a = I440FX_PAM0 + 1; a <= I440FX_PAM0 + 6; a++) d->wmask[a] = 0x33;
    d->cfg[I440FX_SMRAM] = 0x02; /* C_BASE_SEG = 010: SMRAM at 0xA0000 */
    d->config_written = config_written;
    d->owner = s;
    pci_dev_seal(d);
    smram_masks(s);
}

void i440fx_reset(struct i440fx *s)
{
    pci_dev_reset(&s->dev);
    smram_masks(s);
    pam_sync(s, true);
}
