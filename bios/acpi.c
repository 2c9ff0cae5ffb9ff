/* ACPI table generation. Table formats: ACPI 6.5 specification, chapter 5 ("ACPI Software
 * Programming Model"): 5.2.5 RSDP, 5.2.6 header, 5.2.7 RSDT, 5.2.8 XSDT, 5.2.9 FADT, 5.2.10 FACS,
 * 5.2.11.1 DSDT, 5.2.12 MADT; the IA-PC HPET specification 1.0a section 3.2.4 for the HPET table.
 * Values mirror what QEMU's pc machine presents (PLATFORM.md A.2, A.3.2, B.7). */
#include "bios/acpi.h"

#include <stdlib.h>
#include <string.h>

#include "bios/aml.h"
#include "bios/fwcfg.h"

#define OEM_ID "TURTLE"     /* 6 bytes */
#define OEM_TABLE_ID "TURTLEPC" /* 8 bytes */
#define OEM_REVISION 1
#define CREATOR_ID "TRTL"
#define CREATOR_REVISION 1

#define FILE_RSDP "etc/acpi/rsdp"
#define FILE_TABLES "etc/acpi/tables"
#define FILE_LOADER "etc/table-loader"

#define HDR_LEN 36
#define FACS_LEN 64
#define FADT_LEN 244 /* revision 3 (ACPI 2.0 layout, up to X_GPE1_BLK) */
#define HPET_LEN 56

static void w8(uint8_t *p, uint32_t off, uint8_t v) { p[off] = v; }
static void w16(uint8_t *p, uint32_t off, uint16_t v)
{
    p[off] = (uint8_t)v;
    p[off + 1] = (uint8_t)(v >> 8);
}
static void w32(uint8_t *p, uint32_t off, uint32_t v)
{
    for (int k = 0; k < 4; k++) p[off + k] = (uint8_t)(v >> (8 * k));
}
static void w64(uint8_t *p, uint32_t off, uint64_t v)
{
    for (int k = 0; k < 8; k++) p[off + k] = (uint8_t)(v >> (8 * k));
}
static uint64_t r64(const uint8_t *p, uint32_t off, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++) v |= (uint64_t)p[off + k] << (8 * k);
    return v;
}

uint8_t acpi_sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    for (size_t k = 0; k < len; k++) s = (uint8_t)(s + p[k]);
    return s;
}

/* 5.2.6 System Description Table Header. Checksum (offset 9) set later. */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    w32(t, 4, len);
    w8(t, 8, rev);
    w8(t, 9, 0);
    memcpy(t + 10, OEM_ID, 6);
    memcpy(t + 16, OEM_TABLE_ID, 8);
    w32(t, 24, OEM_REVISION);
    memcpy(t + 28, CREATOR_ID, 4);
    w32(t, 32, CREATOR_REVISION);
}
static void fix_checksum(uint8_t *t, uint32_t len, uint32_t cks_off)
{
    t[cks_off] = 0;
    t[cks_off] = (uint8_t)(0 - acpi_sum(t, len));
}

/* 5.2.3.2 Generic Address Structure: space id, bit width, bit offset, access size, address. */
static void gas(uint8_t *p, uint32_t off, uint8_t space, uint8_t width, uint8_t access, uint64_t addr)
{
    w8(p, off, space);
    w8(p, off + 1, width);
    w8(p, off + 2, 0);
    w8(p, off + 3, access);
    w64(p, off + 4, addr);
}
#define GAS_MEM 0
#define GAS_IO 1

void acpi_config_default(struct acpi_config *c, uint64_t below_4g)
{
    memset(c, 0, sizeof(*c));
    c->ncpus = 1;
    c->pm_base = 0x600; /* SeaBIOS "Moving pm_base to 0x600" when etc/table-loader exists */
    c->sci_irq = 9;
    c->lapic_base = 0xfee00000u;
    c->ioapic_base = 0xfec00000u;
    c->ioapic_id = 0;
    c->hpet = true;
    c->hpet_base = 0xfed00000u;
    c->hpet_block_id = 0x8086a201u;
    c->pci_hole_start = below_4g;
    c->pci_hole_end = 0xfebfffffu; /* up to the IOAPIC */
    c->s5_slp_typ = 0;
    c->reset_port = 0xcf9;
    c->reset_value = 0x06;
    c->pirq_irq[0] = 10;
    c->pirq_irq[1] = 10;
    c->pirq_irq[2] = 11;
    c->pirq_irq[3] = 11;
}

/* ---------------------------------------------------------------- DSDT */

static void name_hid(struct aml *a, const char *eisa)
{
    aml_name_decl(a, "_HID");
    aml_eisaid(a, eisa);
}

static void isa_dev(struct aml *a, const char *name, const char *hid, int uid, const struct aml *crs)
{
    aml_device(a, name);
    name_hid(a, hid);
    if (uid >= 0) aml_name_int(a, "_UID", (uint64_t)uid);
    aml_name_int(a, "_STA", 0x0f); /* present, enabled, shown, functioning (6.3.7) */
    aml_name_decl(a, "_CRS");
    aml_restemplate(a, crs);
    aml_close(a);
}

static void build_dsdt(const struct acpi_config *c, struct aml *a)
{
    struct aml r;
    char nm[8];

    /* \PICF and \_PIC (5.8.1 "_PIC Method": Arg0 0 = PIC mode, 1 = APIC mode). The interrupt
     * links below give the same ISA IRQs in both modes, so the value is only recorded. */
    aml_name_int(a, "PICF", 0);
    aml_method(a, "_PIC", 1, false);
    aml_store(a);
    aml_arg(a, 0);
    aml_name(a, "PICF");
    aml_close(a);

    /* \_S5: 7.4.2 "\_Sx (System States)": Package {SLP_TYPa, SLP_TYPb, reserved, reserved} */
    aml_name_decl(a, "_S5");
    aml_package(a, 4);
    aml_int(a, c->s5_slp_typ);
    aml_int(a, c->s5_slp_typ);
    aml_int(a, 0);
    aml_int(a, 0);
    aml_close(a);

    aml_scope(a, "\\_SB");

    /* processors: ACPI0007 devices whose _UID matches the MADT Processor UID (8.4 "Declaring
     * Processors") */
    for (unsigned k = 0; k < c->ncpus; k++) {
        nm[0] = 'C';
        nm[1] = "0123456789ABCDEF"[(k >> 8) & 15];
        nm[2] = "0123456789ABCDEF"[(k >> 4) & 15];
        nm[3] = "0123456789ABCDEF"[k & 15];
        nm[4] = 0;
        aml_device(a, nm);
        aml_name_decl(a, "_HID");
        aml_string(a, "ACPI0007");
        aml_name_int(a, "_UID", k);
        aml_close(a);
    }

    /* PCI host bridge (PNP0A03) */
    aml_device(a, "PCI0");
    name_hid(a, "PNP0A03"); /* no _ADR: "requires either a _HID or _ADR, but not both" (6.1) */
    aml_name_int(a, "_UID", 0);
    aml_init(&r);
    res_word_bus(&r, 0x00, 0xff);
    res_io(&r, 0xcf8, 0xcf8, 1, 8); /* the config mechanism #1 ports, consumed by the bridge */
    res_word_io(&r, 0x0000, 0x0cf7);
    res_word_io(&r, 0x0d00, 0xffff);
    res_dword_mem(&r, true, 0x000a0000u, 0x000bffffu); /* legacy VGA window */
    if (c->pci_hole_end > c->pci_hole_start)
        res_dword_mem(&r, false, (uint32_t)c->pci_hole_start, (uint32_t)c->pci_hole_end);
    if (c->pci_hole64_size)
        res_qword_mem(&r, false, c->pci_hole64_start, c->pci_hole64_start + c->pci_hole64_size - 1);
    aml_name_decl(a, "_CRS");
    aml_restemplate(a, &r);
    aml_free(&r);

    /* _PRT (6.2.13): {Address = (device << 16) | 0xFFFF, Pin 0-3 = INTA-D, Source, Index 0}.
     * PIIX3 routes device d, pin p to PIRQ (p + d - 1) & 3 (SeaBIOS pciinit.c
     * piix_pci_slot_get_irq; QEMU piix pci_slot_get_pirq). */
    aml_name_decl(a, "_PRT");
    aml_package(a, 128);
    for (unsigned dev = 0; dev < 32; dev++)
        for (unsigned pin = 0; pin < 4; pin++) {
            char link[5] = {'L', 'N', 'K', (char)('A' + ((pin + dev - 1) & 3)), 0};
            aml_package(a, 4);
            aml_int(a, (uint64_t)dev << 16 | 0xffff);
            aml_int(a, pin);
            aml_name(a, link);
            aml_int(a, 0);
            aml_close(a);
        }
    aml_close(a);

    /* PIIX3 PCI-to-ISA bridge 00:01.0 and its ISA devices */
    aml_device(a, "ISA");
    aml_name_int(a, "_ADR", 0x00010000);

    aml_init(&r);
    res_io(&r, 0x70, 0x70, 1, 8);
    res_irq_noflags(&r, 1u << 8);
    isa_dev(a, "RTC", "PNP0B00", -1, &r);
    aml_free(&r);

    aml_init(&r);
    res_io(&r, 0x60, 0x60, 1, 1);
    res_io(&r, 0x64, 0x64, 1, 1);
    res_irq_noflags(&r, 1u << 1);
    isa_dev(a, "KBD", "PNP0303", -1, &r);
    aml_free(&r);

    /* the i8042 aux port: without a PNP0F13 node Linux's i8042 PnP probe disables AUX */
    aml_init(&r);
    res_irq_noflags(&r, 1u << 12);
    isa_dev(a, "MOU", "PNP0F13", -1, &r);
    aml_free(&r);

    aml_init(&r);
    res_io(&r, 0x3f8, 0x3f8, 1, 8);
    res_irq_noflags(&r, 1u << 4);
    isa_dev(a, "COM1", "PNP0501", 1, &r);
    aml_free(&r);

    aml_close(a); /* ISA */
    aml_close(a); /* PCI0 */

    /* PCI interrupt links (PNP0C0F, 6.2.13): fixed to the ISA IRQ the firmware programs into
     * PIIX3 PIRQRC[A-D] (0x60-0x63 = 10,10,11,11 [EXP trace.txt]). Level, active-high, shared:
     * the polarity QEMU's links and MADT overrides give these IRQs. _SRS accepts the only
     * possible setting. */
    for (unsigned k = 0; k < 4; k++) {
        char link[5] = {'L', 'N', 'K', (char)('A' + k), 0};
        aml_device(a, link);
        name_hid(a, "PNP0C0F");
        aml_name_int(a, "_UID", k);
        aml_name_int(a, "_STA", 0x0b); /* present, enabled, functioning, not shown in UI */
        aml_init(&r);
        res_ext_irq(&r, true, false, true, c->pirq_irq[k]);
        aml_name_decl(a, "_PRS");
        aml_restemplate(a, &r);
        aml_name_decl(a, "_CRS");
        aml_restemplate(a, &r);
        aml_free(&r);
        aml_method(a, "_SRS", 1, false);
        aml_close(a);
        aml_close(a);
    }

    if (c->hpet) {
        aml_init(&r);
        res_mem32_fixed(&r, false, c->hpet_base, 0x400);
        aml_device(a, "HPET");
        name_hid(a, "PNP0103");
        aml_name_int(a, "_UID", 0);
        aml_name_int(a, "_STA", 0x0f);
        aml_name_decl(a, "_CRS");
        aml_restemplate(a, &r);
        aml_close(a);
        aml_free(&r);
    }

    aml_close(a); /* \_SB */
}

/* ---------------------------------------------------------------- loader script */

struct loader {
    uint8_t *p;
    uint32_t n, cap;
    bool oom;
};

static uint8_t *loader_entry(struct loader *l, uint32_t cmd)
{
    if (l->oom) return NULL;
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 32;
        uint8_t *q = realloc(l->p, (size_t)cap * ACPI_LOADER_ENTRY_SIZE);
        if (!q) {
            l->oom = true;
            return NULL;
        }
        l->p = q;
        l->cap = cap;
    }
    uint8_t *e = l->p + (size_t)l->n++ * ACPI_LOADER_ENTRY_SIZE;
    memset(e, 0, ACPI_LOADER_ENTRY_SIZE);
    w32(e, 0, cmd);
    return e;
}

/* SeaBIOS romfile_loader.h: struct romfile_loader_entry_s { u32 command; union { alloc {char
 * file[56]; u32 align; u8 zone;}, pointer {char dest[56]; char src[56]; u32 offset; u8 size;},
 * cksum {char file[56]; u32 offset; u32 start; u32 length;} }; pad to 128 } */
static void ld_allocate(struct loader *l, const char *file, uint32_t align, uint8_t zone)
{
    uint8_t *e = loader_entry(l, ACPI_LOADER_ALLOCATE);
    if (!e) return;
    strncpy((char *)e + 4, file, ACPI_LOADER_FILESZ - 1);
    w32(e, 60, align);
    w8(e, 64, zone);
}
static void ld_pointer(struct loader *l, const char *dest, const char *src, uint32_t off, uint8_t size)
{
    uint8_t *e = loader_entry(l, ACPI_LOADER_ADD_POINTER);
    if (!e) return;
    strncpy((char *)e + 4, dest, ACPI_LOADER_FILESZ - 1);
    strncpy((char *)e + 60, src, ACPI_LOADER_FILESZ - 1);
    w32(e, 116, off);
    w8(e, 120, size);
}
static void ld_checksum(struct loader *l, const char *file, uint32_t cks_off, uint32_t start, uint32_t len)
{
    uint8_t *e = loader_entry(l, ACPI_LOADER_ADD_CHECKSUM);
    if (!e) return;
    strncpy((char *)e + 4, file, ACPI_LOADER_FILESZ - 1);
    w32(e, 60, cks_off);
    w32(e, 64, start);
    w32(e, 68, len);
}

/* ---------------------------------------------------------------- build */

static uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) & ~(a - 1); }

bool acpi_build(const struct acpi_config *c, struct acpi_blobs *out)
{
    memset(out, 0, sizeof(*out));
    if (c->ncpus == 0 || c->ncpus > ACPI_MAX_CPUS) return false;

    struct aml dsdt_body;
    aml_init(&dsdt_body);
    build_dsdt(c, &dsdt_body);
    if (dsdt_body.oom || dsdt_body.depth) {
        aml_free(&dsdt_body);
        return false;
    }

    struct acpi_layout *L = &out->lay;
    /* MADT: header + 8, LAPIC 8 each, IOAPIC 12, 4 overrides x 10 (IRQ0, 5, 9, 10, 11 -> 5),
     * LAPIC NMI 6 */
    static const uint8_t level_irqs[] = {5, 9, 10, 11};
    L->dsdt_len = HDR_LEN + (uint32_t)dsdt_body.len;
    L->fadt_len = FADT_LEN;
    L->madt_len = HDR_LEN + 8 + 8 * c->ncpus + 12 + 10 * (1 + (uint32_t)sizeof(level_irqs)) + 6;
    L->hpet_len = c->hpet ? HPET_LEN : 0;
    unsigned ntab = c->hpet ? 3 : 2; /* FADT, MADT, HPET in RSDT/XSDT */
    L->rsdt_len = HDR_LEN + 4 * ntab;
    L->xsdt_len = HDR_LEN + 8 * ntab;

    /* FACS first: it must be 64-byte aligned (5.2.10), and the blob is allocated 64-aligned */
    uint32_t off = 0;
    L->facs = off;
    off += FACS_LEN;
    L->dsdt = off;
    off = align_up(off + L->dsdt_len, 8);
    L->fadt = off;
    off = align_up(off + L->fadt_len, 8);
    L->madt = off;
    off = align_up(off + L->madt_len, 8);
    L->hpet = off;
    off = align_up(off + L->hpet_len, 8);
    L->rsdt = off;
    off = align_up(off + L->rsdt_len, 8);
    L->xsdt = off;
    off += L->xsdt_len;
    out->tables_len = off;
    uint8_t *T = calloc(1, off);
    if (!T) {
        aml_free(&dsdt_body);
        return false;
    }
    out->tables = T;

    /* FACS (5.2.10): signature, length, hardware signature 0, waking vectors 0, version */
    memcpy(T + L->facs, "FACS", 4);
    w32(T, L->facs + 4, FACS_LEN);
    w8(T, L->facs + 32, 1);

    /* DSDT (5.2.11.1): revision 2 = 64-bit AML integers */
    header(T + L->dsdt, "DSDT", L->dsdt_len, 2);
    memcpy(T + L->dsdt + HDR_LEN, dsdt_body.buf, dsdt_body.len);
    aml_free(&dsdt_body);

    /* FADT (5.2.9, Table 5.9), revision 3 */
    uint8_t *F = T + L->fadt;
    header(F, "FACP", FADT_LEN, 3);
    w32(F, 36, L->facs);          /* FIRMWARE_CTRL (patched by the loader) */
    w32(F, 40, L->dsdt);          /* DSDT (patched) */
    w8(F, 44, 1);                 /* reserved (ACPI 1.0 INT_MODEL: multiple APIC), as QEMU */
    w8(F, 45, 0);                 /* Preferred_PM_Profile: unspecified */
    w16(F, 46, c->sci_irq);       /* SCI_INT */
    /* SMI_CMD = 0, ACPI_ENABLE = ACPI_DISABLE = 0: no SMM (PLATFORM.md A.3.3). "If zero, this
     * field indicates that the system does not support System Management mode" and OSPM then
     * treats the hardware as already in ACPI mode (ACPICA acpi_hw_get_mode). */
    w32(F, 48, 0);
    w32(F, 56, c->pm_base);       /* PM1a_EVT_BLK */
    w32(F, 64, c->pm_base + 4u);  /* PM1a_CNT_BLK */
    w32(F, 76, c->pm_base + 8u);  /* PM_TMR_BLK */
    w32(F, 80, c->gpe0_len ? c->gpe0_base : 0u); /* GPE0_BLK */
    w8(F, 88, 4);                 /* PM1_EVT_LEN */
    w8(F, 89, 2);                 /* PM1_CNT_LEN */
    w8(F, 91, 4);                 /* PM_TMR_LEN */
    w8(F, 92, c->gpe0_len);       /* GPE0_BLK_LEN */
    w16(F, 96, 0x0fff);           /* P_LVL2_LAT > 100: C2 not supported */
    w16(F, 98, 0xffff);           /* P_LVL3_LAT > 1000: C3 not supported */
    w8(F, 108, 0x32);             /* CENTURY: CMOS index of the century byte */
    /* IAPC_BOOT_ARCH (5.2.9.3): bit 0 LEGACY_DEVICES, bit 1 8042. Linux treats a clear 8042 bit
     * in a revision >= 2 FADT as "no i8042" (arch/x86/kernel/acpi/boot.c). */
    w16(F, 109, 0x0003);
    /* Flags (Table 5.10): WBINVD(0) | PROC_C1(2) | SLP_BUTTON(5) | RTC_S4(7) | RESET_REG_SUP(10) |
     * USE_PLATFORM_CLOCK(15); TMR_VAL_EXT(8) clear: the PIIX4 PM timer is 24 bits. */
    w32(F, 112, 1u << 0 | 1u << 2 | 1u << 5 | 1u << 7 | 1u << 10 | 1u << 15);
    /* RESET_REG: 8-bit I/O register (SeaBIOS acpi_set_reset_reg requires width 8, offset 0) */
    gas(F, 116, GAS_IO, 8, 1, c->reset_port);
    w8(F, 128, c->reset_value);   /* RESET_VALUE */
    w64(F, 132, 0);               /* X_FIRMWARE_CTRL: 0, FIRMWARE_CTRL is used */
    w64(F, 140, L->dsdt);         /* X_DSDT (patched) */
    /* extended blocks, consistent with the 32-bit ones (bit width = length * 8) */
    gas(F, 148, GAS_IO, 32, 0, c->pm_base);        /* X_PM1a_EVT_BLK */
    gas(F, 172, GAS_IO, 16, 0, c->pm_base + 4u);   /* X_PM1a_CNT_BLK */
    gas(F, 208, GAS_IO, 32, 0, c->pm_base + 8u);   /* X_PM_TMR_BLK */
    if (c->gpe0_len) gas(F, 220, GAS_IO, (uint8_t)(c->gpe0_len * 8), 0, c->gpe0_base); /* X_GPE0_BLK */

    /* MADT (5.2.12) */
    uint8_t *M = T + L->madt;
    header(M, "APIC", L->madt_len, 1);
    w32(M, 36, c->lapic_base);
    w32(M, 40, 1); /* PCAT_COMPAT: dual 8259s present */
    uint32_t m = 44;
    for (unsigned k = 0; k < c->ncpus; k++) {
        /* 5.2.12.2 Processor Local APIC: type 0, len 8, UID, APIC ID, flags (bit 0 enabled) */
        w8(M, m, 0);
        w8(M, m + 1, 8);
        w8(M, m + 2, (uint8_t)k);
        w8(M, m + 3, (uint8_t)k);
        w32(M, m + 4, 1);
        m += 8;
    }
    /* 5.2.12.3 I/O APIC: type 1, len 12, ID, reserved, address, GSI base */
    w8(M, m, 1);
    w8(M, m + 1, 12);
    w8(M, m + 2, c->ioapic_id);
    w32(M, m + 4, c->ioapic_base);
    w32(M, m + 8, 0);
    m += 12;
    /* 5.2.12.5 Interrupt Source Override: type 2, len 10, bus 0 (ISA), source, GSI, MPS INTI
     * flags (bits 1:0 polarity, 3:2 trigger; 0 = conforms to the bus). ISA IRQ0 (PIT) is on
     * IOAPIC pin 2. */
    w8(M, m, 2);
    w8(M, m + 1, 10);
    w8(M, m + 2, 0);
    w8(M, m + 3, 0);
    w32(M, m + 4, 2);
    w16(M, m + 8, 0);
    m += 10;
    for (unsigned k = 0; k < sizeof(level_irqs); k++) {
        /* SCI and the PCI link IRQs: level-triggered (11b), active-high (01b) = 0x000D, as QEMU */
        w8(M, m, 2);
        w8(M, m + 1, 10);
        w8(M, m + 2, 0);
        w8(M, m + 3, level_irqs[k]);
        w32(M, m + 4, level_irqs[k]);
        w16(M, m + 8, 0x000d);
        m += 10;
    }
    /* 5.2.12.7 Local APIC NMI: type 4, len 6, UID 0xFF = all processors, flags 0, LINT1 */
    w8(M, m, 4);
    w8(M, m + 1, 6);
    w8(M, m + 2, 0xff);
    w16(M, m + 3, 0);
    w8(M, m + 5, 1);
    m += 6;

    /* HPET table (IA-PC HPET spec 1.0a, 3.2.4): event timer block ID (= GCAP_ID[31:0]), base
     * address GAS (memory, 64-bit), HPET number, minimum clock tick, page protection */
    if (c->hpet) {
        uint8_t *H = T + L->hpet;
        header(H, "HPET", HPET_LEN, 1);
        w32(H, 36, c->hpet_block_id);
        gas(H, 40, GAS_MEM, 64, 0, c->hpet_base);
        w8(H, 52, 0);
        w16(H, 53, 0x80);
        w8(H, 55, 0);
    }

    /* RSDT / XSDT entries: FADT, MADT, HPET (offsets, patched by the loader) */
    uint32_t entries[3] = {L->fadt, L->madt, L->hpet};
    header(T + L->rsdt, "RSDT", L->rsdt_len, 1);
    header(T + L->xsdt, "XSDT", L->xsdt_len, 1);
    for (unsigned k = 0; k < ntab; k++) {
        w32(T, L->rsdt + HDR_LEN + 4 * k, entries[k]);
        w64(T, L->xsdt + HDR_LEN + 8 * k, entries[k]);
    }

    /* RSDP (5.2.5.3), revision 2 */
    uint8_t *R = out->rsdp;
    memcpy(R, "RSD PTR ", 8);
    memcpy(R + 9, OEM_ID, 6);
    w8(R, 15, 2);
    w32(R, 16, L->rsdt);
    w32(R, 20, 36);
    w64(R, 24, L->xsdt);

    /* The loader script. Order matters: a table's pointers are patched before its checksum. */
    struct loader ld = {0};
    ld_allocate(&ld, FILE_RSDP, 16, ACPI_LOADER_ZONE_FSEG); /* SeaBIOS finds the RSDP in FSEG */
    ld_allocate(&ld, FILE_TABLES, 64, ACPI_LOADER_ZONE_HIGH);
    ld_checksum(&ld, FILE_TABLES, L->dsdt + 9, L->dsdt, L->dsdt_len);
    ld_pointer(&ld, FILE_TABLES, FILE_TABLES, L->fadt + 36, 4);
    ld_pointer(&ld, FILE_TABLES, FILE_TABLES, L->fadt + 40, 4);
    ld_pointer(&ld, FILE_TABLES, FILE_TABLES, L->fadt + 140, 8);
    ld_checksum(&ld, FILE_TABLES, L->fadt + 9, L->fadt, L->fadt_len);
    ld_checksum(&ld, FILE_TABLES, L->madt + 9, L->madt, L->madt_len);
    if (c->hpet) ld_checksum(&ld, FILE_TABLES, L->hpet + 9, L->hpet, L->hpet_len);
    for (unsigned k = 0; k < ntab; k++) ld_pointer(&ld, FILE_TABLES, FILE_TABLES, L->rsdt + HDR_LEN + 4 * k, 4);
    ld_checksum(&ld, FILE_TABLES, L->rsdt + 9, L->rsdt, L->rsdt_len);
    for (unsigned k = 0; k < ntab; k++) ld_pointer(&ld, FILE_TABLES, FILE_TABLES, L->xsdt + HDR_LEN + 8 * k, 8);
    ld_checksum(&ld, FILE_TABLES, L->xsdt + 9, L->xsdt, L->xsdt_len);
    ld_pointer(&ld, FILE_RSDP, FILE_TABLES, 16, 4);
    ld_pointer(&ld, FILE_RSDP, FILE_TABLES, 24, 8);
    ld_checksum(&ld, FILE_RSDP, 8, 0, 20);  /* 5.2.5.3: checksum of the first 20 bytes */
    ld_checksum(&ld, FILE_RSDP, 32, 0, 36); /* extended checksum of the whole structure */
    if (ld.oom) {
        free(ld.p);
        acpi_blobs_free(out);
        return false;
    }
    out->loader = ld.p;
    out->loader_len = ld.n * ACPI_LOADER_ENTRY_SIZE;

    /* checksums valid for base 0, so the blobs are self-consistent before relocation too */
    fix_checksum(T + L->dsdt, L->dsdt_len, 9);
    fix_checksum(T + L->fadt, L->fadt_len, 9);
    fix_checksum(T + L->madt, L->madt_len, 9);
    if (c->hpet) fix_checksum(T + L->hpet, L->hpet_len, 9);
    fix_checksum(T + L->rsdt, L->rsdt_len, 9);
    fix_checksum(T + L->xsdt, L->xsdt_len, 9);
    fix_checksum(R, 20, 8);
    fix_checksum(R, 36, 32);
    return true;
}

void acpi_blobs_free(struct acpi_blobs *b)
{
    free(b->tables);
    free(b->loader);
    memset(b, 0, sizeof(*b));
}

/* The loader semantics of SeaBIOS romfile_loader.c: ADD_POINTER adds the source blob's address to
 * the little-endian value of `size` bytes at dest+offset; ADD_CHECKSUM subtracts the byte sum of
 * [start, start+length) from the byte at offset. */
bool acpi_relocate(struct acpi_blobs *b, uint64_t tables_gpa, uint64_t rsdp_gpa)
{
    for (uint32_t at = 0; at + ACPI_LOADER_ENTRY_SIZE <= b->loader_len; at += ACPI_LOADER_ENTRY_SIZE) {
        const uint8_t *e = b->loader + at;
        uint32_t cmd = (uint32_t)r64(e, 0, 4);
        const char *f1 = (const char *)e + 4;
        uint8_t *blob1 = !strcmp(f1, FILE_TABLES) ? b->tables : !strcmp(f1, FILE_RSDP) ? b->rsdp : NULL;
        uint32_t len1 = blob1 == b->tables ? b->tables_len : 36;
        if (cmd == ACPI_LOADER_ALLOCATE) continue;
        if (!blob1) return false;
        if (cmd == ACPI_LOADER_ADD_POINTER) {
            const char *f2 = (const char *)e + 60;
            uint64_t base;
            if (!strcmp(f2, FILE_TABLES))
                base = tables_gpa;
            else if (!strcmp(f2, FILE_RSDP))
                base = rsdp_gpa;
            else
                return false;
            uint32_t off = (uint32_t)r64(e, 116, 4);
            unsigned size = e[120];
            if ((size != 1 && size != 2 && size != 4 && size != 8) || off + size > len1) return false;
            uint64_t v = r64(blob1, off, size) + base;
            for (unsigned k = 0; k < size; k++) blob1[off + k] = (uint8_t)(v >> (8 * k));
        } else if (cmd == ACPI_LOADER_ADD_CHECKSUM) {
            uint32_t off = (uint32_t)r64(e, 60, 4), start = (uint32_t)r64(e, 64, 4);
            uint32_t len = (uint32_t)r64(e, 68, 4);
            if (off >= len1 || start + len > len1 || start + len < start) return false;
            blob1[off] = (uint8_t)(blob1[off] - acpi_sum(blob1 + start, len));
        }
    }
    return true;
}

/* ---------------------------------------------------------------- fw_cfg */

static bool publish(struct acpi_state *st, struct fwcfg *fw, bool add);

/* QEMU rebuilds its tables when the guest first reads them (acpi_build_update), so the FADT shows
 * the PM base the firmware has just programmed into PIIX4 PMBA. */
static void on_select(void *opaque, struct fwcfg *fw, uint16_t key)
{
    struct acpi_state *st = opaque;
    if (!st->cfg.current_pm_base) return;
    uint16_t base = st->cfg.current_pm_base(st->cfg.pm_opaque);
    if (base && base != st->built_pm_base) {
        st->cfg.pm_base = base;
        publish(st, fw, false);
    }
}

static bool publish(struct acpi_state *st, struct fwcfg *fw, bool add)
{
    struct acpi_blobs b;
    if (!acpi_build(&st->cfg, &b)) return false;
    bool ok;
    if (add)
        ok = fwcfg_add_file_ex(fw, FILE_TABLES, b.tables, b.tables_len, false, on_select, st) &&
             fwcfg_add_file_ex(fw, FILE_RSDP, b.rsdp, 36, false, on_select, st) &&
             fwcfg_add_file_ex(fw, FILE_LOADER, b.loader, b.loader_len, false, on_select, st);
    else
        ok = fwcfg_update_file(fw, FILE_TABLES, b.tables, b.tables_len) &&
             fwcfg_update_file(fw, FILE_RSDP, b.rsdp, 36) &&
             fwcfg_update_file(fw, FILE_LOADER, b.loader, b.loader_len);
    if (ok) st->built_pm_base = st->cfg.pm_base;
    acpi_blobs_free(&b);
    return ok;
}

bool acpi_fwcfg_install(struct acpi_state *st, struct fwcfg *fw) { return publish(st, fw, true); }
