/* The PIIX south-bridge functions of QEMU's `pc`:
 *   00:01.0 PIIX3 PCI-ISA bridge (8086:7000): PIRQA-D routing (0x60-0x63) onto ISA IRQs.
 *   00:01.1 PIIX3 IDE (8086:7010): configuration space only; BAR4 = bus-master base (16 ports),
 *           the legacy 0x1F0/0x170 ports are fixed and belong to the IDE device.
 *   00:01.3 PIIX4 power management (8086:7113 rev 03): PMBA (0x40) + PMREGMISC (0x80) place the
 *           ACPI PM block (PM1a_EVT at +0, PM1a_CNT at +4, PM_TMR at +8); SCI on ISA IRQ 9;
 *           optional fixed GPE0 block (QEMU: 0xAFE0, 4 bytes); optional APM ports 0xB2/0xB3.
 *           SMBus base (0x90) is stored but no SMBus controller answers.
 * The ELCR (0x4D0/0x4D1) belongs to the PIC helper. Port 0xCF9 (PIIX3 reset control) is handled
 * by the PCI host code in devices/pci.c.
 */
#ifndef DEVICES_PIIX_H
#define DEVICES_PIIX_H

#include "devices/pci.h"
#include "machine/clock.h"

#define PIIX_PIRQRC 0x60 /* PIRQA..D route control: bit 7 = disable, bits 3:0 = IRQ */

struct piix3 {
    struct pci_dev isa; /* 00:01.0 */
    struct pci_dev ide; /* 00:01.1 */
    uint8_t pirq_in;    /* PIRQ[A..D] input levels, bit n = PIRQn */
    uint16_t irq_out;   /* ISA IRQs the PCI interrupts drive high, bit n = IRQn */
    /* Board hook: the PCI-interrupt contribution to ISA IRQ isa_irq changed. The board ORs it with
     * any ISA source on the same line (PCI lines are level-triggered; ELCR is the PIC's job). */
    void (*irq_set)(void *opaque, int isa_irq, int level);
    void *irq_opaque;
};

/* Initializes both PIIX3 functions, adds them to bus and takes over bus->pirq_set. Returns false
 * if a slot is taken. Call piix3_reset before running. Never raises. */
bool piix3_init(struct piix3 *s, struct pci_bus *bus);
void piix3_reset(struct piix3 *s);
/* Lets the IDE device serve the bus-master block decoded by BAR4 (ops NULL: decode nothing). */
void piix3_ide_set_bm_ops(struct piix3 *s, const struct pio_ops *ops, void *opaque);

/* ACPI fixed-hardware bits (ACPI 6.4 4.8.3.1 PM1 event, 4.8.3.2 PM1 control) */
#define ACPI_PM1_TMR_STS 0x0001
#define ACPI_PM1_BM_STS 0x0010
#define ACPI_PM1_GBL_STS 0x0020
#define ACPI_PM1_PWRBTN_STS 0x0100
#define ACPI_PM1_RTC_STS 0x0400
#define ACPI_PM1_PWRBTNOR_STS 0x0800 /* PIIX4 PMSTS bit 11 */
#define ACPI_PM1_WAK_STS 0x8000
#define ACPI_PM1_TMR_EN 0x0001
#define ACPI_PM1_GBL_EN 0x0020
#define ACPI_PM1_PWRBTN_EN 0x0100
#define ACPI_PM1_RTC_EN 0x0400
#define ACPI_PM1_SCI_EN 0x0001
#define ACPI_PM1_BM_RLD 0x0002
#define ACPI_PM1_GBL_RLS 0x0004
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_EN 0x2000
#define ACPI_PM_TIMER_HZ 3579545u

struct piix4_pm {
    struct pci_dev dev; /* 00:01.3 */
    struct bus *io;
    struct clock *clk;
    struct irq_line sci;          /* wire to ISA IRQ 9 */
    struct pci_io_window pm_win;  /* the 64-byte block at PMBA */
    struct pci_io_window gpe_win; /* GPE0 block, fixed */
    uint32_t gpe0_base;
    uint16_t pm1_sts, pm1_en, pm1_cnt;
    uint16_t gpe_sts, gpe_en;
    uint64_t tmr_msb_epoch; /* (ticks >> 23) when TMR_STS was last brought up to date */
    struct timer tmr;       /* armed at the next timer-MSB flip while TMR_EN is set */
    bool sci_level;
    uint8_t apmc, apms;
    /* Board hook: the guest entered S5 (soft off): SLP_EN with SLP_TYP 0 (QEMU's \_S5) or 2
     * (QEMU's \_S4, treated as off). Must not longjmp. */
    void (*power_off)(void *opaque);
    void *opaque;
};

/* Initializes the function (devfn 00:01.3) and adds it to bus. gpe0_base: fixed GPE0 block
 * (4 ports) or 0 for none. Call piix4_pm_reset before running. Returns false if the slot or the
 * GPE0 ports are taken. Never raises. */
bool piix4_pm_init(struct piix4_pm *s, struct pci_bus *bus, struct clock *clk, struct irq_line sci,
                   uint32_t gpe0_base);
/* Claims the APM ports 0xB2 (APMC) / 0xB3 (APMS). Writing 0xF1/0xF0 to APMC sets/clears SCI_EN
 * (QEMU's ACPI enable/disable commands; use SMI_CMD=0xB2, ACPI_ENABLE=0xF1, ACPI_DISABLE=0xF0 in
 * the FADT, or SMI_CMD=0 since SCI_EN is already set at reset). */
bool piix4_pm_init_apm(struct piix4_pm *s);
/* Power-on state: PM block disabled (PMREGMISC=0), SCI_EN=1 (no SMM: the chipset starts in ACPI
 * mode, as QEMU with smm=off), DEVACTB APMC_EN preset (0x5B=0x02) so SeaBIOS skips SMM setup. */
void piix4_pm_reset(struct piix4_pm *s);
/* The PM block's I/O base (PMBA & 0xFFC0) while PMREGMISC.PMIOSE is set, else 0. Fits
 * acpi_config.current_pm_base (bios/acpi.h) through a one-line wrapper. */
uint16_t piix4_pm_base(const struct piix4_pm *s);
/* PM_TMR value at the current guest time: floor(ns * 3579545 / 10^9) mod 2^24. */
uint32_t piix4_pm_timer(const struct piix4_pm *s);
/* Events the board can inject: power-button press (PWRBTN_STS), GPE0 status bit. */
void piix4_pm_power_button(struct piix4_pm *s);
void piix4_pm_set_gpe(struct piix4_pm *s, unsigned bit);

#endif
