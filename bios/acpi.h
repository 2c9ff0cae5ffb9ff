/* ACPI tables for the QEMU-pc-shaped board (i440FX + PIIX3 + PIIX4 PM), served to the firmware
 * through fw_cfg's table-loader protocol (QEMU hw/acpi/bios-linker-loader; SeaBIOS
 * src/fw/romfile_loader.[ch]; OVMF OvmfPkg/AcpiPlatformDxe/QemuFwCfgAcpi.c).
 *
 * Blobs:
 *   "etc/acpi/rsdp"   RSDP (revision 2, 36 bytes), allocated in the F segment
 *   "etc/acpi/tables" FACS | DSDT | FACP | APIC | HPET | RSDT | XSDT, allocated high, 64-aligned
 *   "etc/table-loader" 128-byte commands: ALLOCATE both, ADD_POINTER for every address field
 *                      (the blob holds the pointee's offset, the loader adds the blob base),
 *                      ADD_CHECKSUM for every table after its pointers are patched.
 */
#ifndef BIOS_ACPI_H
#define BIOS_ACPI_H

#include "emu/compiler.h"

struct fwcfg;

#define ACPI_MAX_CPUS 32

struct acpi_config {
    unsigned ncpus;          /* processors, local APIC IDs and ACPI UIDs 0..ncpus-1 */
    uint16_t pm_base;        /* PIIX4 PMBA: PM1a_EVT = base, PM1a_CNT = base+4, PM_TMR = base+8 */
    uint16_t gpe0_base;      /* GPE0 block (QEMU: 0xAFE0), 0 = none */
    uint8_t gpe0_len;        /* bytes (QEMU: 4) */
    uint8_t sci_irq;         /* 9 */
    uint32_t lapic_base;     /* 0xFEE00000 */
    uint32_t ioapic_base;    /* 0xFEC00000 */
    uint8_t ioapic_id;       /* 0, as QEMU */
    bool hpet;               /* HPET table + \_SB.HPET device */
    uint32_t hpet_base;      /* 0xFED00000 */
    uint32_t hpet_block_id;  /* HPET GCAP_ID bits 31:0 (QEMU: 0x8086A201) */
    uint64_t pci_hole_start; /* 32-bit PCI MMIO window [start, end] in PCI0._CRS */
    uint64_t pci_hole_end;   /* 0xFEBFFFFF */
    uint64_t pci_hole64_start, pci_hole64_size; /* 64-bit window, size 0 = none */
    uint8_t s5_slp_typ;      /* SLP_TYP for \_S5 (PIIX4 in QEMU: 0) */
    uint16_t reset_port;     /* FADT RESET_REG (I/O): 0xCF9 */
    uint8_t reset_value;     /* 0x06 */
    uint8_t pirq_irq[4];     /* ISA IRQ behind PIRQA-D for the LNKx devices: {10,10,11,11} */
    /* Optional: the PM base the chipset is programmed with right now (PIIX4 PMBA). When set, the
     * tables are rebuilt on the firmware's first read if the base moved (OVMF uses 0xB000, SeaBIOS
     * 0x600), as QEMU does on fw_cfg access. Returns 0 when the PM I/O space is off. */
    uint16_t (*current_pm_base)(void *opaque);
    void *pm_opaque;
};

/* Offsets of the tables inside "etc/acpi/tables" (for tests and direct loaders). */
struct acpi_layout {
    uint32_t facs, dsdt, fadt, madt, hpet, rsdt, xsdt;
    uint32_t dsdt_len, fadt_len, madt_len, hpet_len, rsdt_len, xsdt_len;
};

struct acpi_blobs {
    uint8_t *tables;
    uint32_t tables_len;
    uint8_t rsdp[36];
    uint8_t *loader;
    uint32_t loader_len;
    struct acpi_layout lay;
};

/* ROMFILE_LOADER_* (SeaBIOS src/fw/romfile_loader.h) */
#define ACPI_LOADER_ALLOCATE 1
#define ACPI_LOADER_ADD_POINTER 2
#define ACPI_LOADER_ADD_CHECKSUM 3
#define ACPI_LOADER_WRITE_POINTER 4
#define ACPI_LOADER_ZONE_HIGH 1
#define ACPI_LOADER_ZONE_FSEG 2
#define ACPI_LOADER_ENTRY_SIZE 128
#define ACPI_LOADER_FILESZ 56

/* Defaults for a 1-CPU pc with below_4g bytes of low RAM (PM base 0x600, SCI 9, no GPE block). */
void acpi_config_default(struct acpi_config *c, uint64_t below_4g);
/* Builds all blobs. Tables hold blob-relative offsets in their pointer fields and checksums valid
 * for a load address of 0. Returns false on out-of-memory or a bad config. */
bool acpi_build(const struct acpi_config *c, struct acpi_blobs *out);
void acpi_blobs_free(struct acpi_blobs *b);
/* Runs the loader script on the host copy, as SeaBIOS would after placing "etc/acpi/tables" at
 * tables_gpa and "etc/acpi/rsdp" at rsdp_gpa: patches pointers and checksums in place (for direct
 * kernel loading without firmware, and for tests). Returns false on a malformed script. */
bool acpi_relocate(struct acpi_blobs *b, uint64_t tables_gpa, uint64_t rsdp_gpa);
/* 8-bit sum of len bytes. */
uint8_t acpi_sum(const uint8_t *p, size_t len);

/* fw_cfg installation: builds the blobs and adds the three files. st must live as long as fw (it
 * holds the config for the rebuild-on-read callback). */
struct acpi_state {
    struct acpi_config cfg;
    uint16_t built_pm_base;
};
bool acpi_fwcfg_install(struct acpi_state *st, struct fwcfg *fw);

#endif
