/* PIIX3 ISA bridge + IDE configuration, PIIX4 power management.
 * Sources: Intel 82371FB/SB PIIX/PIIX3 datasheet 290550 (2.2 function 0 registers: PIRQRC[A:D]
 * 0x60-0x63, reset defaults; 2.3 IDE function: BMIBA 0x20, IDETIM 0x40); Intel 82371AB PIIX4
 * datasheet 290562 (function 3 PMBA 0x40, DEVACTB 0x58, PMREGMISC 0x80, SMBBA 0x90, SMBHSTCFG
 * 0xD2; PM I/O block PMSTS/PMEN/PMCNTRL/PMTMR); ACPI 6.4 4.8.3 (PM1 event/control, PM timer
 * 3.579545 MHz, TMR_STS on every flip of the timer MSB, SLP_TYP/SLP_EN, SCI_EN) and 5.2.9 FADT.
 * Values the datasheets leave open follow QEMU 7.2 `pc` as recorded in
 * /work/shared/reference/traces/trace.txt (COMMAND 0 at reset, subsystem 1af4:1100, class and
 * revision bytes, BAR4 reading 0xfffffff1 when sized, PMBA 0x601). */
#include "devices/piix.h"

#include "emu/log.h"

/* ---- PIIX3 function 0: PCI-ISA bridge ---- */

/* PIIX3 PIRQRC bits 3:0: IRQ3-7, 9-12, 14, 15 are valid targets; 0-2, 8 and 13 are reserved */
#define PIIX_IRQ_VALID 0xdef8u

static uint16_t pirq_targets(const struct piix3 *s)
{
    uint16_t m = 0;
    for (int p = 0; p < 4; p++) {
        uint8_t r = s->isa.cfg[PIIX_PIRQRC + p];
        if (!(s->pirq_in & (1u << p))) continue;
        if (r & 0x80) continue; /* IRQROUTEEN = 1: routing disabled */
        unsigned irq = r & 0x0f;
        if (PIIX_IRQ_VALID & (1u << irq)) m |= (uint16_t)(1u << irq);
    }
    return m;
}

static void piix3_route(struct piix3 *s)
{
    uint16_t m = pirq_targets(s);
    uint16_t ch = m ^ s->irq_out;
    s->irq_out = m;
    for (int irq = 0; irq < 16; irq++)
        if ((ch & (1u << irq)) && s->irq_set) s->irq_set(s->irq_opaque, irq, (m >> irq) & 1);
}

static void piix3_pirq_set(void *opaque, int pirq, int level)
{
    struct piix3 *s = opaque;
    if (level)
        s->pirq_in |= (uint8_t)(1u << pirq);
    else
        s->pirq_in &= (uint8_t)~(1u << pirq);
    piix3_route(s);
}

static void isa_config_written(struct pci_dev *d, unsigned addr, unsigned size)
{
    if (addr < PIIX_PIRQRC + 4 && addr + size > PIIX_PIRQRC) piix3_route(d->owner);
}

bool piix3_init(struct piix3 *s, struct pci_bus *bus)
{
    struct pci_dev *d = &s->isa;
    /* PIIX3 2.2: 8086:7000, class 06/01/00 ISA bridge, multi-function header */
    pci_dev_init(d, "PIIX3", PCI_DEVFN(1, 0), 0x8086, 0x7000, 0x00, 0x060100, PCI_HEADER_MULTIFUNCTION);
    pci_set_word(d->cfg + PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
    pci_set_word(d->cfg + PCI_SUBSYSTEM_ID, 0x1100);
    pci_set_word(d->cfg + PCI_STATUS, 0x0200); /* DEVSEL timing medium */
    /* Device-specific registers are plain storage (QEMU leaves them writable) except PIRQRC. */
    for (unsigned a = 0x40; a < 0x100; a++) d->wmask[a] = 0xff;
    /* PIIX3 2.2 reset defaults */
    d->cfg[0x4c] = 0x4d; /* IORT */
    d->cfg[0x4e] = 0x03; /* XBCS */
    for (int p = 0; p < 4; p++) {
        d->cfg[PIIX_PIRQRC + p] = 0x80; /* routing disabled */
        d->wmask[PIIX_PIRQRC + p] = 0x8f; /* bits 6:4 reserved */
    }
    d->cfg[0x69] = 0x02; /* TOM */
    d->cfg[0x70] = 0x80; /* MBIRQ0 disabled */
    d->cfg[0x76] = 0x0c; /* MBDMA0 */
    d->cfg[0x77] = 0x0c; /* MBDMA1 */
    d->cfg[0x78] = 0x02; /* PCSC */
    d->cfg[0xa0] = 0x08; /* SMICNTL */
    d->cfg[0xa8] = 0x0f; /* FTMR fast-off timer */
    d->config_written = isa_config_written;
    d->owner = s;
    pci_dev_seal(d);

    struct pci_dev *e = &s->ide;
    /* PIIX3 2.3: 8086:7010, class 01/01/80 (IDE, legacy mode, bus-master capable) */
    pci_dev_init(e, "piix3-ide", PCI_DEVFN(1, 1), 0x8086, 0x7010, 0x00, 0x010180, 0x00);
    pci_set_word(e->cfg + PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
    pci_set_word(e->cfg + PCI_SUBSYSTEM_ID, 0x1100);
    pci_set_word(e->cfg + PCI_STATUS, 0x0280); /* fast back-to-back, DEVSEL medium */
    for (unsigned a = 0x40; a < 0x100; a++) e->wmask[a] = 0xff; /* IDETIM, SIDETIM, ... */
    /* BMIBA: 16 bytes of I/O (trace: sizing reads back 0xfffffff1) */
    pci_register_bar(e, 4, PCI_BAR_IO, 16, false, NULL, NULL, NULL);
    e->owner = s;
    pci_dev_seal(e);

    if (!pci_bus_add(bus, d) || !pci_bus_add(bus, e)) return false;
    bus->pirq_set = piix3_pirq_set;
    bus->pirq_opaque = s;
    s->pirq_in = 0;
    s->irq_out = 0;
    return true;
}

void piix3_reset(struct piix3 *s)
{
    pci_dev_reset(&s->isa);
    pci_dev_reset(&s->ide);
    piix3_route(s); /* PIRQRC back to 0x80: every routed line drops */
}

void piix3_ide_set_bm_ops(struct piix3 *s, const struct pio_ops *ops, void *opaque)
{
    struct pci_bar *b = &s->ide.bar[4];
    struct bus *io = s->ide.bus ? s->ide.bus->io : NULL;
    bool was = b->addr != PCI_BAR_UNMAPPED;
    if (io) pci_io_window_set(io, &b->win, false, 0);
    b->pio = ops;
    b->opaque = opaque;
    b->win.ops = ops;
    b->win.opaque = opaque;
    if (io && was) pci_io_window_set(io, &b->win, true, (uint32_t)b->addr);
}

/* ---- PIIX4 function 3: power management ---- */

#define PM_PMBA 0x40
#define PM_DEVACTB 0x58
#define PM_PMREGMISC 0x80
#define PM_SMBBA 0x90
#define PM_SMBHSTCFG 0xd2
#define PM_BLOCK_SIZE 64

#define PM1_STS_W1C (ACPI_PM1_TMR_STS | ACPI_PM1_BM_STS | ACPI_PM1_GBL_STS | ACPI_PM1_PWRBTN_STS | \
                     ACPI_PM1_RTC_STS | ACPI_PM1_PWRBTNOR_STS | ACPI_PM1_WAK_STS)
#define PM1_EN_MASK (ACPI_PM1_TMR_EN | ACPI_PM1_GBL_EN | ACPI_PM1_PWRBTN_EN | ACPI_PM1_RTC_EN)
/* PM1_CNT storage: SCI_EN, BM_RLD, SLP_TYP; GBL_RLS and SLP_EN are write-only (read 0) */
#define PM1_CNT_MASK (ACPI_PM1_SCI_EN | ACPI_PM1_BM_RLD | (7u << ACPI_PM1_SLP_TYP_SHIFT))

/* ACPI 4.8.3.3: the PM timer counts at 3.579545 MHz. ticks = floor(ns * f / 1e9), computed
 * exactly without 128-bit arithmetic by splitting ns into seconds and remainder. */
static uint64_t pm_ticks(uint64_t ns)
{
    uint64_t sec = ns / CLOCK_NS_PER_SEC, rem = ns % CLOCK_NS_PER_SEC;
    return sec * ACPI_PM_TIMER_HZ + rem * ACPI_PM_TIMER_HZ / CLOCK_NS_PER_SEC;
}

/* The first guest ns at which pm_ticks() reaches t: ceil(t * 1e9 / f). */
static uint64_t pm_ticks_to_ns(uint64_t t)
{
    uint64_t q = t / ACPI_PM_TIMER_HZ, r = t % ACPI_PM_TIMER_HZ;
    return q * CLOCK_NS_PER_SEC + (r * CLOCK_NS_PER_SEC + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ;
}

uint32_t piix4_pm_timer(const struct piix4_pm *s)
{
    return (uint32_t)(pm_ticks(clock_ns(s->clk)) & 0xffffff);
}

/* ACPI 4.8.3.1: TMR_STS is set whenever bit 23 of the 24-bit counter changes. Brings it up to
 * date with the current time. */
static void pm_tmr_sync(struct piix4_pm *s)
{
    uint64_t e = pm_ticks(clock_ns(s->clk)) >> 23;
    if (e != s->tmr_msb_epoch) {
        s->pm1_sts |= ACPI_PM1_TMR_STS;
        s->tmr_msb_epoch = e;
    }
}

static void pm_update_sci(struct piix4_pm *s)
{
    /* ACPI 4.8.3.1/4.8.3.2: an enabled fixed event or GPE raises SCI when SCI_EN selects SCI
     * (with SCI_EN clear it would be an SMI, which is not emulated). */
    bool lvl = (s->pm1_cnt & ACPI_PM1_SCI_EN) &&
               ((s->pm1_sts & s->pm1_en & PM1_EN_MASK) || (s->gpe_sts & s->gpe_en));
    if (lvl != s->sci_level) {
        s->sci_level = lvl;
        irq_set(&s->sci, lvl);
    }
}

static void pm_tmr_arm(struct piix4_pm *s)
{
    if (s->pm1_en & ACPI_PM1_TMR_EN)
        timer_mod(&s->tmr, pm_ticks_to_ns((s->tmr_msb_epoch + 1) << 23));
    else
        timer_del(&s->tmr);
}

static void pm_tmr_fire(void *opaque)
{
    struct piix4_pm *s = opaque;
    pm_tmr_sync(s);
    pm_update_sci(s);
    pm_tmr_arm(s);
}

static void pm_sleep(struct piix4_pm *s, unsigned typ)
{
    /* SLP_TYP values are what the DSDT's \_Sx packages say; QEMU's (and ours): \_S5 = 0,
     * \_S4 = 2 (entered as soft-off), \_S3 = 1 (not supported: the DSDT must not offer it). */
    if (typ == 0 || typ == 2) {
        LOG(LOG_CPU_RESET, "piix4-pm: SLP_EN with SLP_TYP %u: power off\n", typ);
        if (s->power_off) s->power_off(s->opaque);
    } else {
        LOG(LOG_UNIMP, "piix4-pm: sleep state SLP_TYP %u not supported; ignored\n", typ);
    }
}

static uint32_t pm_in(void *opaque, uint16_t port, unsigned size)
{
    struct piix4_pm *s = opaque;
    unsigned off = (unsigned)(port - s->pm_win.base);
    pm_tmr_sync(s);
    pm_update_sci(s);
    uint32_t tmr = piix4_pm_timer(s);
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        unsigned o = off + k;
        uint32_t b;
        switch (o) {
        case 0: case 1: b = s->pm1_sts >> (8 * o); break;
        case 2: case 3: b = s->pm1_en >> (8 * (o - 2)); break;
        case 4: case 5: b = s->pm1_cnt >> (8 * (o - 4)); break;
        /* PM_TMR: 24 bits (FADT TMR_VAL_EXT = 0), bits 31:24 read 0 */
        case 8: case 9: case 10: case 11: b = tmr >> (8 * (o - 8)); break;
        default:
            /* PIIX4 GPSTS/GPEN/GLBSTS/GLBCTL/DEVCTL/... are not emulated: they read as
             * unassigned ports, as on QEMU (SeaBIOS's GLBCTL access at +0x28 reads all-ones) */
            LOG(LOG_UNIMP, "piix4-pm: read of PM register +0x%02x\n", o);
            b = 0xff;
            break;
        }
        v |= (b & 0xff) << (8 * k);
    }
    return v;
}

static void pm_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct piix4_pm *s = opaque;
    unsigned off = (unsigned)(port - s->pm_win.base);
    uint16_t sts_clr = 0, en = s->pm1_en, cnt = s->pm1_cnt;
    bool en_w = false, cnt_w = false;
    for (unsigned k = 0; k < size; k++) {
        unsigned o = off + k;
        uint16_t b = (uint8_t)(val >> (8 * k));
        switch (o) {
        case 0: case 1: sts_clr |= (uint16_t)(b << (8 * o)); break;
        case 2: case 3:
            en = (uint16_t)((en & ~(0xffu << (8 * (o - 2)))) | (b << (8 * (o - 2))));
            en_w = true;
            break;
        case 4: case 5:
            cnt = (uint16_t)((cnt & ~(0xffu << (8 * (o - 4)))) | (b << (8 * (o - 4))));
            cnt_w = true;
            break;
        case 8: case 9: case 10: case 11: break; /* PM_TMR is read-only */
        default:
            LOG(LOG_UNIMP, "piix4-pm: write %02x to PM register +0x%02x ignored\n", (unsigned)b, o);
            break;
        }
    }
    if (sts_clr) {
        /* ACPI 4.8.3.1: status bits are cleared by writing 1; bring TMR_STS up to date first so a
         * flip that already happened is the one being acknowledged */
        pm_tmr_sync(s);
        s->pm1_sts &= (uint16_t)~(sts_clr & PM1_STS_W1C);
    }
    if (en_w) {
        pm_tmr_sync(s);
        s->pm1_en = en & PM1_EN_MASK;
        pm_tmr_arm(s);
    }
    if (cnt_w) {
        s->pm1_cnt = (uint16_t)(cnt & PM1_CNT_MASK);
        /* GBL_RLS would raise an SMI to the BIOS: no SMM, nothing happens */
        if (cnt & ACPI_PM1_SLP_EN) pm_sleep(s, (cnt >> ACPI_PM1_SLP_TYP_SHIFT) & 7);
    }
    pm_update_sci(s);
}

static const struct pio_ops pm_ops = {pm_in, pm_out};

/* GPE0 block (ACPI 4.8.4.1): first half status (write 1 to clear), second half enable. */
static uint32_t gpe_in(void *opaque, uint16_t port, unsigned size)
{
    struct piix4_pm *s = opaque;
    unsigned off = (unsigned)(port - s->gpe0_base);
    uint32_t regs = (uint32_t)s->gpe_sts | ((uint32_t)s->gpe_en << 16), v = 0;
    for (unsigned k = 0; k < size; k++) {
        unsigned o = off + k;
        v |= (o < 4 ? (regs >> (8 * o)) & 0xff : 0xff) << (8 * k);
    }
    return v;
}

static void gpe_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct piix4_pm *s = opaque;
    unsigned off = (unsigned)(port - s->gpe0_base);
    for (unsigned k = 0; k < size; k++) {
        unsigned o = off + k;
        uint16_t b = (uint8_t)(val >> (8 * k));
        if (o < 2)
            s->gpe_sts &= (uint16_t)~(b << (8 * o));
        else if (o < 4)
            s->gpe_en = (uint16_t)((s->gpe_en & ~(0xffu << (8 * (o - 2)))) | (b << (8 * (o - 2))));
    }
    pm_update_sci(s);
}

static const struct pio_ops gpe_ops = {gpe_in, gpe_out};

static void pm_update_io(struct piix4_pm *s)
{
    /* PIIX4: the PM block decodes at PMBA[15:6] when PMREGMISC.PMIOSE (bit 0) is set */
    uint32_t base = pci_get_word(s->dev.cfg + PM_PMBA) & 0xffc0;
    pci_io_window_set(s->io, &s->pm_win, (s->dev.cfg[PM_PMREGMISC] & 1) != 0, base);
}

uint16_t piix4_pm_base(const struct piix4_pm *s)
{
    if (!(s->dev.cfg[PM_PMREGMISC] & 1)) return 0;
    return (uint16_t)(pci_get_word(s->dev.cfg + PM_PMBA) & 0xffc0);
}

static void pm_config_written(struct pci_dev *d, unsigned addr, unsigned size)
{
    if ((addr < PM_PMBA + 4 && addr + size > PM_PMBA) || (addr <= PM_PMREGMISC && addr + size > PM_PMREGMISC))
        pm_update_io(d->owner);
}

bool piix4_pm_init(struct piix4_pm *s, struct pci_bus *bus, struct clock *clk, struct irq_line sci,
                   uint32_t gpe0_base)
{
    struct pci_dev *d = &s->dev;
    /* PIIX4 function 3: 8086:7113 revision 03, class 06/80/00 (other bridge), INTA (SCI) */
    pci_dev_init(d, "PIIX4_PM", PCI_DEVFN(1, 3), 0x8086, 0x7113, 0x03, 0x068000, 0x00);
    pci_set_word(d->cfg + PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
    pci_set_word(d->cfg + PCI_SUBSYSTEM_ID, 0x1100);
    pci_set_word(d->cfg + PCI_STATUS, 0x0280); /* fast back-to-back, DEVSEL medium */
    d->cfg[PCI_INTERRUPT_PIN] = 1;
    for (unsigned a = 0x40; a < 0x100; a++) d->wmask[a] = 0xff;
    /* PMBA: bits 15:6 base, bit 0 hardwired 1 (I/O space indicator), 31:16 reserved */
    pci_set_long(d->cfg + PM_PMBA, 0x00000001);
    pci_set_long(d->wmask + PM_PMBA, 0x0000ffc0);
    /* DEVACTB: bit 25 APMC_EN preset: "SMM already initialized" (QEMU smm=off; PLATFORM.md A.3.3) */
    d->cfg[PM_DEVACTB + 3] = 0x02;
    d->wmask[PM_PMREGMISC] = 0x01;
    for (unsigned a = PM_PMREGMISC + 1; a < PM_PMREGMISC + 4; a++) d->wmask[a] = 0;
    /* SMBBA: bits 15:4 base, bit 0 hardwired 1; no SMBus controller decodes it */
    pci_set_long(d->cfg + PM_SMBBA, 0x00000001);
    pci_set_long(d->wmask + PM_SMBBA, 0x0000fff0);
    d->wmask[PM_SMBHSTCFG] = 0x0f;
    d->config_written = pm_config_written;
    d->owner = s;
    pci_dev_seal(d);

    s->io = bus->io;
    s->clk = clk;
    s->sci = sci;
    s->pm_win = (struct pci_io_window){.ops = &pm_ops, .opaque = s, .count = PM_BLOCK_SIZE};
    s->gpe_win = (struct pci_io_window){.ops = &gpe_ops, .opaque = s, .count = 4};
    s->gpe0_base = gpe0_base;
    s->sci_level = false;
    timer_init(&s->tmr, clk, pm_tmr_fire, s);
    if (!pci_bus_add(bus, d)) return false;
    if (gpe0_base) {
        if (!bus_add_pio(s->io, (uint16_t)gpe0_base, 4, &gpe_ops, s)) return false;
    }
    return true;
}

void piix4_pm_reset(struct piix4_pm *s)
{
    pci_dev_reset(&s->dev);
    s->pm1_sts = 0;
    s->pm1_en = 0;
    /* No SMM: start in ACPI mode (QEMU acpi_pm1_cnt_reset with smm=off sets SCI_EN) */
    s->pm1_cnt = ACPI_PM1_SCI_EN;
    s->gpe_sts = 0;
    s->gpe_en = 0;
    s->apmc = 0;
    s->apms = 0;
    s->tmr_msb_epoch = pm_ticks(clock_ns(s->clk)) >> 23;
    timer_del(&s->tmr);
    pm_update_sci(s);
    pm_update_io(s);
}

void piix4_pm_power_button(struct piix4_pm *s)
{
    s->pm1_sts |= ACPI_PM1_PWRBTN_STS;
    pm_update_sci(s);
}

void piix4_pm_set_gpe(struct piix4_pm *s, unsigned bit)
{
    if (bit >= 16) return;
    s->gpe_sts |= (uint16_t)(1u << bit);
    pm_update_sci(s);
}

/* APM control/status (PIIX4: APMC 0xB2, APMS 0xB3). A write to APMC would raise SMI when
 * DEVACTB.APMC_EN is set; without SMM the ACPI enable/disable commands act directly (QEMU). */
static uint32_t apm_in(void *opaque, uint16_t port, unsigned size)
{
    struct piix4_pm *s = opaque;
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        unsigned p = port + k;
        uint32_t b = p == 0xb2 ? s->apmc : p == 0xb3 ? s->apms : 0xff;
        v |= b << (8 * k);
    }
    return v;
}

static void apm_out(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    struct piix4_pm *s = opaque;
    if (port == 0xb3) {
        s->apms = (uint8_t)val;
        return;
    }
    s->apmc = (uint8_t)val;
    if (size > 1) s->apms = (uint8_t)(val >> 8);
    if (s->apmc == 0xf1) {
        s->pm1_cnt |= ACPI_PM1_SCI_EN;
    } else if (s->apmc == 0xf0) {
        s->pm1_cnt &= (uint16_t)~ACPI_PM1_SCI_EN;
    } else {
        LOG(LOG_UNIMP, "piix4-pm: APM command 0x%02x (SMI not emulated)\n", s->apmc);
    }
    pm_update_sci(s);
}

static const struct pio_ops apm_ops = {apm_in, apm_out};

bool piix4_pm_init_apm(struct piix4_pm *s) { return bus_add_pio(s->io, 0xb2, 2, &apm_ops, s); }
