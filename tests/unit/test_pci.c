/* Unit tests of the PCI bus (devices/pci.c), the i440FX host bridge (devices/i440fx.c) and the
 * PIIX3/PIIX4 functions (devices/piix.c), driven only through I/O ports with a fake clock, fake
 * IRQ receivers and fake board hooks. Expected values come from the PCI 3.0 specification, the
 * Intel 82441FX/82371SB/82371AB datasheets, ACPI 6.4 4.8, and QEMU 7.2 `pc` as recorded in
 * /work/shared/reference/traces/trace.txt. */
#include "devices/i440fx.h"
#include "devices/pci.h"
#include "devices/piix.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long n_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        n_checks++;                                                                                \
        ck_assert_msg(cond, __VA_ARGS__);                                                          \
    } while (0)

/* ---- fixture: the board ---- */

struct pam_call {
    int seg;
    uint32_t base, size;
    unsigned attr;
};

static struct board {
    struct bus *io;
    struct clock clk;
    uint64_t now;
    struct pci_bus pci;
    struct i440fx nb;
    struct piix3 sb;
    struct piix4_pm pm;
    struct pam_call pam[64];
    int n_pam;
    int isa_level[16];
    int isa_calls[16];
    int sci_level, sci_calls;
    int resets_hard, resets_soft;
    int power_offs;
    struct {
        int n;
        uint64_t addr, size;
        bool map;
        int bar;
    } mmio[16];
    int n_mmio;
} *B;

static uint64_t fake_icount(void *o) { return ((struct board *)o)->now; }
static void pam_hook(void *o, int seg, uint32_t base, uint32_t size, unsigned attr)
{
    struct board *b = o;
    if (b->n_pam < 64) b->pam[b->n_pam++] = (struct pam_call){seg, base, size, attr};
}
static void isa_hook(void *o, int irq, int level)
{
    struct board *b = o;
    b->isa_level[irq] = level;
    b->isa_calls[irq]++;
}
static void sci_hook(void *o, int n, int level)
{
    struct board *b = o;
    ck_assert_int_eq(n, 9);
    b->sci_level = level;
    b->sci_calls++;
}
static void reset_hook(void *o, bool hard)
{
    struct board *b = o;
    if (hard)
        b->resets_hard++;
    else
        b->resets_soft++;
}
static void poweroff_hook(void *o) { ((struct board *)o)->power_offs++; }
static void mmio_hook(void *o, struct pci_dev *d, int n, uint64_t addr, uint64_t size, bool map)
{
    struct board *b = o;
    if (b->n_mmio < 16) {
        b->mmio[b->n_mmio].bar = n;
        b->mmio[b->n_mmio].addr = addr;
        b->mmio[b->n_mmio].size = size;
        b->mmio[b->n_mmio].map = map;
        b->n_mmio++;
    }
}

static void setup(void)
{
    B = calloc(1, sizeof *B);
    ck_assert(B);
    B->io = bus_create();
    ck_assert(B->io);
    clock_init(&B->clk, fake_icount, B);
    ck_assert(pci_bus_init(&B->pci, B->io));
    B->pci.reset_request = reset_hook;
    B->pci.map_mmio = mmio_hook;
    B->pci.board = B;
    i440fx_init(&B->nb);
    ck_assert(pci_bus_add(&B->pci, &B->nb.dev));
    B->nb.pam_update = pam_hook;
    B->nb.opaque = B;
    ck_assert(piix3_init(&B->sb, &B->pci));
    B->sb.irq_set = isa_hook;
    B->sb.irq_opaque = B;
    struct irq_line sci = {sci_hook, B, 9};
    ck_assert(piix4_pm_init(&B->pm, &B->pci, &B->clk, sci, 0xafe0));
    B->pm.power_off = poweroff_hook;
    B->pm.opaque = B;
    pci_bus_reset(&B->pci);
    i440fx_reset(&B->nb);
    piix3_reset(&B->sb);
    piix4_pm_reset(&B->pm);
    B->n_pam = 0;
}

static void teardown(void)
{
    bus_destroy(B->io);
    free(B);
}

static uint32_t inb_(uint16_t p) { return bus_in(B->io, p, 1); }
static uint32_t inw_(uint16_t p) { return bus_in(B->io, p, 2); }
static uint32_t inl_(uint16_t p) { return bus_in(B->io, p, 4); }
static void outb_(uint16_t p, uint32_t v) { bus_out(B->io, p, v, 1); }
static void outw_(uint16_t p, uint32_t v) { bus_out(B->io, p, v, 2); }
static void outl_(uint16_t p, uint32_t v) { bus_out(B->io, p, v, 4); }

/* Configuration access the way SeaBIOS does it (pci_config_read*: CF8 dword, CFC + (reg & 3)). */
static uint32_t cfg_rd(unsigned devfn, unsigned reg, unsigned size)
{
    outl_(0xcf8, 0x80000000u | (devfn << 8) | (reg & 0xfc));
    return bus_in(B->io, (uint16_t)(0xcfc + (reg & 3)), size);
}
static void cfg_wr(unsigned devfn, unsigned reg, uint32_t v, unsigned size)
{
    outl_(0xcf8, 0x80000000u | (devfn << 8) | (reg & 0xfc));
    bus_out(B->io, (uint16_t)(0xcfc + (reg & 3)), v, size);
}

#define HOST 0x00
#define ISA 0x08
#define IDE 0x09
#define PM 0x0b

/* ---- configuration mechanism ---- */

START_TEST(test_ids_match_trace)
{
    /* trace.txt values */
    CHECK(cfg_rd(HOST, 0, 2) == 0x8086, "host vendor");
    CHECK(cfg_rd(HOST, 0, 4) == 0x12378086, "host id");
    CHECK(cfg_rd(HOST, 2, 2) == 0x1237, "host device word at +2");
    CHECK(cfg_rd(HOST, 0x2c, 2) == 0x1af4, "host subsystem vendor");
    CHECK(cfg_rd(HOST, 0x2e, 2) == 0x1100, "host subsystem id");
    CHECK(cfg_rd(HOST, 0xa, 2) == 0x0600, "host class");
    CHECK(cfg_rd(HOST, 0x8, 4) == 0x06000002, "host class/rev");
    CHECK(cfg_rd(HOST, 0xe, 1) == 0x00, "host header");
    CHECK(cfg_rd(ISA, 0, 4) == 0x70008086, "isa id");
    CHECK(cfg_rd(ISA, 0x8, 4) == 0x06010000, "isa class/rev");
    CHECK(cfg_rd(ISA, 0xa, 2) == 0x0601, "isa class");
    CHECK(cfg_rd(ISA, 0xe, 1) == 0x80, "isa multifunction header");
    CHECK(cfg_rd(IDE, 0, 4) == 0x70108086, "ide id");
    CHECK(cfg_rd(IDE, 0x8, 4) == 0x01018000, "ide class/rev");
    CHECK(cfg_rd(IDE, 0xa, 2) == 0x0101, "ide class");
    CHECK(cfg_rd(IDE, 0xe, 1) == 0x00, "ide header");
    CHECK(cfg_rd(PM, 0, 4) == 0x71138086, "pm id");
    CHECK(cfg_rd(PM, 0x8, 4) == 0x06800003, "pm class/rev");
    CHECK(cfg_rd(PM, 0x2, 2) == 0x7113, "pm device");
    CHECK(cfg_rd(PM, 0x3d, 1) == 0x01, "pm pin A");
    CHECK(cfg_rd(ISA, 0x3d, 1) == 0x00 && cfg_rd(IDE, 0x3d, 1) == 0 && cfg_rd(HOST, 0x3d, 1) == 0, "no pins");
    for (unsigned f = 0; f < 4; f++) {
        unsigned dfs[4] = {HOST, ISA, IDE, PM};
        CHECK(cfg_rd(dfs[f], 0x4, 2) == 0, "COMMAND reads 0 at reset (trace)");
        CHECK(cfg_rd(dfs[f], 0x2c, 4) == 0x11001af4, "subsystem 1af4:1100 on every function");
    }
    /* byte reads at every offset of a dword */
    CHECK(cfg_rd(PM, 0x0, 1) == 0x86 && cfg_rd(PM, 0x1, 1) == 0x80 && cfg_rd(PM, 0x2, 1) == 0x13 &&
              cfg_rd(PM, 0x3, 1) == 0x71,
          "byte lanes");
    CHECK(cfg_rd(PM, 0x2, 2) == 0x7113, "word at CFE");
}
END_TEST

START_TEST(test_absent_and_disabled)
{
    CHECK(cfg_rd(PCI_DEVFN(2, 0), 0, 4) == 0xffffffffu, "empty slot");
    CHECK(cfg_rd(PCI_DEVFN(1, 2), 0, 2) == 0xffff, "absent function 1.2");
    CHECK(cfg_rd(PCI_DEVFN(31, 7), 0, 1) == 0xff, "last devfn");
    outl_(0xcf8, 0x80010000u); /* bus 1 */
    CHECK(inl_(0xcfc) == 0xffffffffu, "other bus");
    outl_(0xcf8, 0x00000000u); /* enable clear */
    CHECK(inl_(0xcfc) == 0xffffffffu, "enable bit clear: no config cycle");
    outl_(0xcfc, 0x12345678);  /* dropped */
    CHECK(cfg_rd(HOST, 0, 4) == 0x12378086, "write with enable clear dropped");
    cfg_wr(PCI_DEVFN(2, 0), 0x4, 0x7, 2); /* write to an empty slot: no effect, no crash */
    /* dword access at CFD runs past the data port: the missing bytes read as all-ones */
    outl_(0xcf8, 0x80000000u);
    CHECK(bus_in(B->io, 0xcfd, 4) == 0xff123780u, "dword at CFD: %x", bus_in(B->io, 0xcfd, 4));
}
END_TEST

START_TEST(test_confadd)
{
    outl_(0xcf8, 0xffffffffu);
    CHECK(inl_(0xcf8) == 0x80fffffcu, "reserved bits 30:24 and 1:0 read 0: %x", inl_(0xcf8));
    outl_(0xcf8, 0x80000858u);
    CHECK(inl_(0xcf8) == 0x80000858u, "latched");
    outb_(0xcf8, 0x00); /* byte writes do not touch CONFADD */
    outw_(0xcf8, 0x0000);
    outb_(0xcfb, 0x00);
    CHECK(inl_(0xcf8) == 0x80000858u, "only dword writes latch");
    CHECK(inb_(0xcf8) == 0xff && inb_(0xcfa) == 0xff && inw_(0xcf8) == 0xffff, "non-dword reads unclaimed");
    pci_bus_reset(&B->pci);
    CHECK(inl_(0xcf8) == 0, "reset clears CONFADD");
}
END_TEST

START_TEST(test_bar_sizing_trace)
{
    unsigned dfs[4] = {HOST, ISA, IDE, PM};
    for (int f = 0; f < 4; f++) {
        for (unsigned r = 0x10; r <= 0x24; r += 4) {
            uint32_t orig = cfg_rd(dfs[f], r, 4);
            cfg_wr(dfs[f], r, 0xffffffffu, 4);
            uint32_t sz = cfg_rd(dfs[f], r, 4);
            cfg_wr(dfs[f], r, orig, 4);
            if (dfs[f] == IDE && r == 0x20) {
                CHECK(orig == 0x1 && sz == 0xfffffff1u, "IDE BAR4 %x %x", orig, sz);
            } else {
                CHECK(orig == 0 && sz == 0, "no BAR at %02x.%x %x", dfs[f], r, sz);
            }
            CHECK(cfg_rd(dfs[f], r, 4) == orig, "restored");
        }
        cfg_wr(dfs[f], 0x30, 0xfffff800u, 4);
        CHECK(cfg_rd(dfs[f], 0x30, 4) == 0, "no ROM BAR");
        cfg_wr(dfs[f], 0x30, 0xfffffffeu, 4);
        CHECK(cfg_rd(dfs[f], 0x30, 4) == 0, "no ROM BAR");
    }
}
END_TEST

START_TEST(test_command_status)
{
    cfg_wr(HOST, 0x4, 0x103, 2);
    CHECK(cfg_rd(HOST, 0x4, 2) == 0x103, "command written");
    cfg_wr(HOST, 0x4, 0xffff, 2);
    CHECK(cfg_rd(HOST, 0x4, 2) == 0x507, "only IO/MEM/MASTER/SERR/INTX_DISABLE: %x", cfg_rd(HOST, 4, 2));
    /* status error bits are write-1-to-clear, the rest read-only */
    B->sb.ide.cfg[PCI_STATUS + 1] |= 0x20; /* received master abort */
    CHECK(cfg_rd(IDE, 0x6, 2) == 0x2280, "status with error: %x", cfg_rd(IDE, 6, 2));
    cfg_wr(IDE, 0x6, 0x0280, 2);
    CHECK(cfg_rd(IDE, 0x6, 2) == 0x2280, "writing 0 keeps it, read-only bits unchanged");
    cfg_wr(IDE, 0x6, 0x2000, 2);
    CHECK(cfg_rd(IDE, 0x6, 2) == 0x0280, "write 1 clears");
    /* dword write covering command and status together */
    cfg_wr(IDE, 0x4, 0xffff0001u, 4);
    CHECK(cfg_rd(IDE, 0x4, 4) == 0x02800001u, "dword command+status: %x", cfg_rd(IDE, 4, 4));
    /* interrupt line is scratch; pin read-only */
    cfg_wr(PM, 0x3c, 0x0a, 1);
    cfg_wr(PM, 0x3c, 0x09, 1);
    cfg_wr(PM, 0x3d, 0x04, 1);
    CHECK(cfg_rd(PM, 0x3c, 2) == 0x0109, "line 9 pin 1");
    /* ID registers are read-only */
    cfg_wr(HOST, 0, 0, 4);
    CHECK(cfg_rd(HOST, 0, 4) == 0x12378086, "IDs read-only");
    i440fx_reset(&B->nb);
    CHECK(cfg_rd(HOST, 0x4, 2) == 0, "reset clears command");
}
END_TEST

START_TEST(test_reset_control)
{
    CHECK(inb_(0xcf9) == 0, "RC 0 at reset");
    outb_(0xcf9, 0x02);
    CHECK(inb_(0xcf9) == 0x02 && B->resets_hard + B->resets_soft == 0, "SRST alone does nothing");
    outb_(0xcf9, 0x06);
    CHECK(B->resets_hard == 1 && B->resets_soft == 0, "RCPU with SRST: hard reset");
    outb_(0xcf9, 0x04);
    CHECK(B->resets_soft == 1 && B->resets_hard == 1, "RCPU alone: soft reset");
    CHECK(inb_(0xcf9) == 0x00, "RCPU reads back 0");
    outw_(0xcf9, 0x0606);
    CHECK(B->resets_hard == 1 && B->resets_soft == 1, "word access ignored");
    /* a dword CONFADD write covering CF9 does not reset */
    outl_(0xcf8, 0x80000600u);
    CHECK(B->resets_hard == 1 && B->resets_soft == 1, "CONFADD write is not RC");
}
END_TEST

/* ---- i440FX ---- */

START_TEST(test_pam_trace)
{
    i440fx_reset(&B->nb);
    CHECK(B->n_pam == 13, "reset reports all 13 segments (%d)", B->n_pam);
    for (int k = 0; k < 13; k++) {
        uint32_t base, size;
        CHECK(i440fx_pam_segment(k, &base, &size), "segment");
        CHECK(B->pam[k].seg == k && B->pam[k].attr == 0 && B->pam[k].base == base && B->pam[k].size == size,
              "reset attr 0 for seg %d", k);
    }
    CHECK(B->pam[0].base == 0xf0000 && B->pam[0].size == 0x10000, "PAM0 is the 64K F segment");
    CHECK(B->pam[1].base == 0xc0000 && B->pam[12].base == 0xec000 && B->pam[12].size == 0x4000, "C-E segs");
    B->n_pam = 0;
    /* SeaBIOS make_bios_writable: reads then writes as in trace.txt */
    CHECK(cfg_rd(HOST, 0x59, 1) == 0, "PAM0 0");
    CHECK(cfg_rd(HOST, 0x58, 4) == 0 && cfg_rd(HOST, 0x5c, 4) == 0, "PAM 0");
    cfg_wr(HOST, 0x58, 0x33333000u, 4);
    CHECK(B->n_pam == 5, "0x58 write changes F seg + PAM1/PAM2 nibbles: %d", B->n_pam);
    CHECK(B->pam[0].seg == 0 && B->pam[0].attr == 3, "F segment RW");
    cfg_wr(HOST, 0x5c, 0x33333333u, 4);
    CHECK(B->n_pam == 13, "all 13 now RW (%d)", B->n_pam);
    for (int k = 0; k < 13; k++) CHECK(i440fx_pam_attr(&B->nb, k) == 3, "seg %d RW", k);
    CHECK(cfg_rd(HOST, 0x58, 4) == 0x33333000u, "readback 58");
    CHECK(cfg_rd(HOST, 0x5c, 4) == 0x33333333u, "readback 5c");
    B->n_pam = 0;
    /* make_bios_readonly */
    cfg_wr(HOST, 0x58, 0x11111000u, 4);
    cfg_wr(HOST, 0x5c, 0x33111111u, 4);
    CHECK(cfg_rd(HOST, 0x58, 4) == 0x11111000u && cfg_rd(HOST, 0x5c, 4) == 0x33111111u, "readback");
    CHECK(B->n_pam == 11, "C0000-E7FFF and F: 11 segments changed (%d)", B->n_pam);
    CHECK(i440fx_pam_attr(&B->nb, 0) == PAM_RE, "F read-only");
    for (int k = 1; k <= 10; k++) CHECK(i440fx_pam_attr(&B->nb, k) == PAM_RE, "seg %d RO", k);
    CHECK(i440fx_pam_attr(&B->nb, 11) == 3 && i440fx_pam_attr(&B->nb, 12) == 3, "E8000-EFFFF RW");
    /* reserved bits */
    B->n_pam = 0;
    cfg_wr(HOST, 0x59, 0xff, 1);
    CHECK(cfg_rd(HOST, 0x59, 1) == 0x30, "PAM0 only bits 5:4");
    cfg_wr(HOST, 0x5a, 0xee, 1);
    CHECK(cfg_rd(HOST, 0x5a, 1) == 0x22, "PAM1 bits 5:4,1:0");
    CHECK(B->n_pam == 3 && B->pam[1].attr == PAM_WE && B->pam[1].base == 0xc0000, "write-only seg reported");
    /* a write that changes nothing reports nothing */
    B->n_pam = 0;
    cfg_wr(HOST, 0x5a, 0x22, 1);
    CHECK(B->n_pam == 0, "no change, no call");
}
END_TEST

START_TEST(test_smram)
{
    CHECK(cfg_rd(HOST, 0x72, 1) == 0x02, "SMRAM default C_BASE_SEG=010");
    cfg_wr(HOST, 0x72, 0x4a, 1);
    CHECK(cfg_rd(HOST, 0x72, 1) == 0x4a, "D_OPEN|G_SMRAME");
    cfg_wr(HOST, 0x72, 0x0a, 1);
    CHECK(cfg_rd(HOST, 0x72, 1) == 0x0a, "closed");
    cfg_wr(HOST, 0x72, 0xff, 1);
    CHECK(cfg_rd(HOST, 0x72, 1) == 0x3a, "lock clears D_OPEN; bit 7 and base read-only: %x",
          cfg_rd(HOST, 0x72, 1));
    cfg_wr(HOST, 0x72, 0x40, 1);
    CHECK(cfg_rd(HOST, 0x72, 1) == 0x1a, "locked: only D_CLS writable: %x", cfg_rd(HOST, 0x72, 1));
    CHECK(B->n_pam == 0, "SMRAM never touches PAM/memory");
    i440fx_reset(&B->nb);
    CHECK(cfg_rd(HOST, 0x72, 1) == 0x02, "reset unlocks");
    cfg_wr(HOST, 0x72, 0x48, 1);
    CHECK(cfg_rd(HOST, 0x72, 1) == 0x4a, "writable again");
}
END_TEST

/* ---- PCI devices on other slots for INTx and BARs ---- */

static struct pci_dev fake[4];
static int fake_io_reads;
static uint32_t fake_in(void *o, uint16_t port, unsigned size)
{
    fake_io_reads++;
    return 0x5a00u | (port & 0xff);
}
static void fake_out(void *o, uint16_t port, uint32_t val, unsigned size) {}
static const struct pio_ops fake_pio = {fake_in, fake_out};
static uint64_t fake_mmio_rd(void *o, uint64_t off, unsigned size) { return 0; }
static void fake_mmio_wr(void *o, uint64_t off, uint64_t v, unsigned size) {}
static const struct mmio_ops fake_mmio = {fake_mmio_rd, fake_mmio_wr};

static struct pci_dev *add_fake(int k, unsigned slot, unsigned pin)
{
    struct pci_dev *d = &fake[k];
    pci_dev_init(d, "fake", PCI_DEVFN(slot, 0), 0x1234, 0x1111, 2, 0x030000, 0);
    d->cfg[PCI_INTERRUPT_PIN] = (uint8_t)pin;
    pci_dev_seal(d);
    ck_assert(pci_bus_add(&B->pci, d));
    return d;
}

START_TEST(test_pirq_routing)
{
    struct pci_dev *a = add_fake(0, 2, 1); /* slot 2 INTA -> PIRQB */
    struct pci_dev *c = add_fake(1, 3, 1); /* slot 3 INTA -> PIRQC */
    struct pci_dev *d = add_fake(2, 4, 1); /* slot 4 INTA -> PIRQD */
    struct pci_dev *e = add_fake(3, 5, 2); /* slot 5 INTB -> PIRQA (1 + 4) & 3 = 1? */
    CHECK(pci_dev_pirq(a) == 1 && pci_dev_pirq(c) == 2 && pci_dev_pirq(d) == 3, "swizzle");
    CHECK(pci_dev_pirq(e) == 1, "slot 5 INTB: (1 + 4) & 3 = 1: %d", pci_dev_pirq(e));
    CHECK(pci_dev_pirq(&B->pm.dev) == 0, "PM pin A on slot 1 -> PIRQA");
    CHECK(cfg_rd(ISA, 0x60, 4) == 0x80808080u, "PIRQRC reset 0x80");
    pci_set_irq(a, 1);
    for (int i = 0; i < 16; i++) CHECK(B->isa_calls[i] == 0, "unrouted: no ISA IRQ");
    /* SeaBIOS routing */
    cfg_wr(ISA, 0x60, 0x0a, 1);
    cfg_wr(ISA, 0x61, 0x0a, 1);
    cfg_wr(ISA, 0x62, 0x0b, 1);
    cfg_wr(ISA, 0x63, 0x0b, 1);
    CHECK(cfg_rd(ISA, 0x60, 4) == 0x0b0b0a0au, "route readback");
    CHECK(B->isa_level[10] == 1 && B->isa_calls[10] == 1, "routing an asserted PIRQ raises IRQ10");
    CHECK(cfg_rd(PCI_DEVFN(2, 0), 0x6, 2) & PCI_STATUS_INTERRUPT, "interrupt status");
    pci_set_irq(c, 1);
    pci_set_irq(d, 1);
    CHECK(B->isa_level[11] == 1 && B->isa_calls[11] == 1, "C and D share IRQ11: one edge");
    pci_set_irq(c, 0);
    CHECK(B->isa_level[11] == 1 && B->isa_calls[11] == 1, "still held by D");
    pci_set_irq(d, 0);
    CHECK(B->isa_level[11] == 0 && B->isa_calls[11] == 2, "released");
    /* two functions on the same PIRQ */
    pci_set_irq(e, 1);
    pci_set_irq(a, 0);
    CHECK(B->isa_level[10] == 1 && B->isa_calls[10] == 1, "PIRQB still held by e");
    pci_set_irq(e, 0);
    CHECK(B->isa_level[10] == 0 && B->isa_calls[10] == 2, "PIRQB low");
    /* INTX_DISABLE masks the pin but leaves status */
    pci_set_irq(a, 1);
    CHECK(B->isa_level[10] == 1, "raised");
    cfg_wr(PCI_DEVFN(2, 0), 0x4, PCI_COMMAND_INTX_DISABLE, 2);
    CHECK(B->isa_level[10] == 0, "INTx disabled");
    CHECK(cfg_rd(PCI_DEVFN(2, 0), 0x6, 2) & PCI_STATUS_INTERRUPT, "status still set");
    cfg_wr(PCI_DEVFN(2, 0), 0x4, 0, 2);
    CHECK(B->isa_level[10] == 1, "re-enabled");
    /* disable routing of PIRQB while asserted; route to reserved IRQ 2/13 */
    cfg_wr(ISA, 0x61, 0x8a, 1);
    CHECK(B->isa_level[10] == 0, "routing disabled drops IRQ10");
    cfg_wr(ISA, 0x61, 0x02, 1);
    CHECK(B->isa_calls[2] == 0, "IRQ2 is reserved");
    cfg_wr(ISA, 0x61, 0x0d, 1);
    CHECK(B->isa_calls[13] == 0, "IRQ13 is reserved");
    cfg_wr(ISA, 0x61, 0x7f, 1);
    CHECK(cfg_rd(ISA, 0x61, 1) == 0x0f && B->isa_level[15] == 1, "bits 6:4 reserved; IRQ15");
    piix3_reset(&B->sb);
    CHECK(B->isa_level[15] == 0, "reset unroutes");
}
END_TEST

START_TEST(test_io_bar_mapping)
{
    piix3_ide_set_bm_ops(&B->sb, &fake_pio, NULL);
    cfg_wr(IDE, 0x20, 0xc000, 4); /* SeaBIOS value */
    CHECK(cfg_rd(IDE, 0x20, 4) == 0xc001u, "BAR4 readback");
    CHECK(inb_(0xc000) == 0xff, "not decoding before COMMAND.IO");
    cfg_wr(IDE, 0x4, 0x103, 2);
    CHECK(inb_(0xc000) == 0x00 && inb_(0xc00f) == 0x0f && fake_io_reads == 2, "decoding 0xc000-0xc00f");
    CHECK(inb_(0xc010) == 0xff, "16 ports only");
    cfg_wr(IDE, 0x20, 0xc101, 4);
    CHECK(cfg_rd(IDE, 0x20, 4) == 0xc101u, "moved");
    CHECK(inb_(0xc000) == 0xff && inb_(0xc101) == 0x01, "old released, new claimed (offset in BAR)");
    cfg_wr(IDE, 0x4, 0x0, 2);
    CHECK(inb_(0xc101) == 0xff, "IO disable unmaps");
    /* never steals a fixed device's ports */
    cfg_wr(IDE, 0x20, 0xcf0, 4);
    cfg_wr(IDE, 0x4, 0x1, 2);
    CHECK(inb_(0xcf0) == 0xf0, "free ports mapped");
    outl_(0xcf8, 0x80000000u);
    CHECK(inl_(0xcfc) == 0x12378086u, "CFC still the PCI host");
    cfg_wr(IDE, 0x20, 0xd000, 4);
    CHECK(inb_(0xcf0) == 0xff, "released");
    outl_(0xcf8, 0x80000000u);
    CHECK(inl_(0xcfc) == 0x12378086u, "CFC not released by the window");
    piix3_reset(&B->sb);
    CHECK(inb_(0xd000) == 0xff && cfg_rd(IDE, 0x20, 4) == 1, "reset unmaps and clears BAR");
}
END_TEST

START_TEST(test_mmio_bar_mapping)
{
    struct pci_dev *v = &fake[0];
    pci_dev_init(v, "vga", PCI_DEVFN(2, 0), 0x1234, 0x1111, 2, 0x030000, 0);
    pci_register_bar(v, 0, PCI_BAR_MEM32, 16u << 20, true, NULL, &fake_mmio, NULL);
    pci_register_bar(v, 2, PCI_BAR_MEM32, 4096, false, NULL, &fake_mmio, NULL);
    pci_register_bar(v, PCI_ROM_SLOT, PCI_BAR_ROM, 65536, false, NULL, &fake_mmio, NULL);
    pci_dev_seal(v);
    ck_assert(pci_bus_add(&B->pci, v));
    unsigned df = PCI_DEVFN(2, 0);
    /* trace.txt VGA sizing */
    CHECK(cfg_rd(df, 0x10, 4) == 0x8, "BAR0 prefetch");
    cfg_wr(df, 0x10, 0xffffffffu, 4);
    CHECK(cfg_rd(df, 0x10, 4) == 0xff000008u, "16M");
    cfg_wr(df, 0x10, 0x8, 4);
    cfg_wr(df, 0x18, 0xffffffffu, 4);
    CHECK(cfg_rd(df, 0x18, 4) == 0xfffff000u, "4K");
    cfg_wr(df, 0x18, 0, 4);
    cfg_wr(df, 0x30, 0xfffff800u, 4);
    CHECK(cfg_rd(df, 0x30, 4) == 0xffff0000u, "ROM 64K");
    cfg_wr(df, 0x30, 0, 4);
    cfg_wr(df, 0x30, 0xfebe0000u, 4);
    cfg_wr(df, 0x18, 0xfebf0000u, 4);
    cfg_wr(df, 0x10, 0xfd000000u, 4);
    CHECK(B->n_mmio == 0, "nothing decodes with COMMAND 0");
    cfg_wr(df, 0x4, 0x103, 2);
    CHECK(B->n_mmio == 2, "BAR0 and BAR2 mapped, ROM not enabled (%d)", B->n_mmio);
    CHECK(B->mmio[0].bar == 0 && B->mmio[0].addr == 0xfd000000u && B->mmio[0].size == (16u << 20) &&
              B->mmio[0].map,
          "BAR0 map");
    CHECK(B->mmio[1].bar == 2 && B->mmio[1].addr == 0xfebf0000u && B->mmio[1].map, "BAR2 map");
    cfg_wr(df, 0x30, 0xfebe0001u, 4);
    CHECK(B->n_mmio == 3 && B->mmio[2].bar == 6 && B->mmio[2].addr == 0xfebe0000u && B->mmio[2].map, "ROM on");
    cfg_wr(df, 0x30, 0xfebe0000u, 4);
    CHECK(B->n_mmio == 4 && B->mmio[3].bar == 6 && !B->mmio[3].map, "ROM off");
    /* sizing while decoding: the all-ones probe disappears from the map, then returns */
    B->n_mmio = 0;
    cfg_wr(df, 0x10, 0xffffffffu, 4);
    CHECK(B->n_mmio == 1 && !B->mmio[0].map && B->mmio[0].addr == 0xfd000000u, "probe unmaps");
    cfg_wr(df, 0x10, 0xfd000000u, 4);
    CHECK(B->n_mmio == 2 && B->mmio[1].map, "restore remaps");
    cfg_wr(df, 0x4, 0x0, 2);
    CHECK(B->n_mmio == 4 && !B->mmio[2].map && !B->mmio[3].map, "MEM off unmaps both");
}
END_TEST

/* ---- PIIX4 PM ---- */

static uint64_t ref_ticks(uint64_t ns) { return (uint64_t)((unsigned __int128)ns * 3579545u / 1000000000u); }
static uint64_t ref_ns_for(uint64_t t)
{
    return (uint64_t)(((unsigned __int128)t * 1000000000u + 3579545u - 1) / 3579545u);
}

static void pm_enable_seabios(void)
{
    /* trace.txt piix4_pm_config_setup */
    cfg_wr(PM, 0x3c, 0x09, 1);
    cfg_wr(PM, 0x40, 0x601, 4);
    cfg_wr(PM, 0x80, 0x1, 1);
    cfg_wr(PM, 0x90, 0x701, 4);
    cfg_wr(PM, 0xd2, 0x09, 1);
}

START_TEST(test_pm_config)
{
    CHECK(cfg_rd(PM, 0x40, 4) == 0x1, "PMBA reset: I/O indicator");
    CHECK(cfg_rd(PM, 0x58, 4) == 0x02000000u, "DEVACTB APMC_EN preset (smm=off)");
    CHECK(cfg_rd(PM, 0x80, 1) == 0 && cfg_rd(PM, 0x90, 4) == 1, "PMREGMISC 0, SMBBA 1");
    CHECK(inl_(0x608) == 0xffffffffu, "PM block not decoding");
    CHECK(piix4_pm_base(&B->pm) == 0, "base 0 while off");
    pm_enable_seabios();
    CHECK(piix4_pm_base(&B->pm) == 0x600, "base 0x600");
    CHECK(cfg_rd(PM, 0x40, 4) == 0x601, "PMBA 0x601");
    CHECK(cfg_rd(PM, 0x90, 4) == 0x701 && cfg_rd(PM, 0xd2, 1) == 0x09, "SMBus regs stored");
    CHECK(inb_(0x700) == 0xff, "no SMBus controller");
    CHECK(inw_(0x604) == ACPI_PM1_SCI_EN, "SCI_EN set at reset (ACPI mode, no SMM)");
    cfg_wr(PM, 0x40, 0xffffffffu, 4);
    CHECK(cfg_rd(PM, 0x40, 4) == 0xffc1u, "PMBA mask");
    CHECK(inw_(0xffc4) == ACPI_PM1_SCI_EN && inw_(0x604) == 0xffff, "moved to 0xffc0");
    cfg_wr(PM, 0x40, 0xb001, 4); /* OVMF */
    CHECK(inw_(0xb004) == ACPI_PM1_SCI_EN && inw_(0xffc4) == 0xffff, "moved to 0xb000");
    cfg_wr(PM, 0x80, 0xff, 1);
    CHECK(cfg_rd(PM, 0x80, 1) == 0x01, "PMREGMISC bit 0 only");
    cfg_wr(PM, 0x80, 0x00, 1);
    CHECK(inw_(0xb004) == 0xffff, "PMIOSE off");
    cfg_wr(PM, 0x58, 0, 4);
    CHECK(cfg_rd(PM, 0x58, 4) == 0, "DEVACTB writable");
    piix4_pm_reset(&B->pm);
    CHECK(cfg_rd(PM, 0x58, 4) == 0x02000000u && cfg_rd(PM, 0x40, 4) == 1, "reset");
}
END_TEST

START_TEST(test_pm_timer_exact)
{
    pm_enable_seabios();
    static const uint64_t times[] = {0, 1, 279, 280, 1000000000ull, 123456789ull, 4686955000ull,
                                     10000000000000ull, 18446744073709551ull, 999999999999999ull};
    for (unsigned k = 0; k < ARRAY_SIZE(times); k++) {
        B->now = times[k];
        uint32_t want = (uint32_t)(ref_ticks(times[k]) & 0xffffff);
        CHECK(inl_(0x608) == want, "t=%llu: %x want %x", (unsigned long long)times[k], inl_(0x608), want);
        CHECK(piix4_pm_timer(&B->pm) == want, "api");
        CHECK(inw_(0x608) == (want & 0xffff) && inb_(0x60a) == ((want >> 16) & 0xff) && inb_(0x60b) == 0,
              "partial reads");
    }
    B->now = 1000000000ull;
    CHECK(inl_(0x608) == 3579545u, "one second");
    outl_(0x608, 0);
    CHECK(inl_(0x608) == 3579545u, "read-only");
    CHECK(inw_(0x606) == 0xffff, "reserved +6");
    CHECK(inl_(0x628) == 0xffffffffu, "GLBCTL unimplemented reads all-ones (QEMU)");
}
END_TEST

START_TEST(test_pm_tmr_sts_and_sci)
{
    pm_enable_seabios();
    uint64_t flip = ref_ns_for(1u << 23);
    B->now = flip - 1;
    CHECK((inw_(0x600) & ACPI_PM1_TMR_STS) == 0, "before the MSB flips");
    B->now = flip;
    CHECK(inw_(0x600) & ACPI_PM1_TMR_STS, "MSB 0->1 sets TMR_STS");
    CHECK(B->sci_level == 0, "not enabled: no SCI");
    outw_(0x600, ACPI_PM1_TMR_STS);
    CHECK((inw_(0x600) & ACPI_PM1_TMR_STS) == 0, "W1C");
    /* enable: a timer is armed at the next flip (MSB 1->0 at 2^24 ticks) */
    outw_(0x602, ACPI_PM1_TMR_EN);
    CHECK(inw_(0x602) == ACPI_PM1_TMR_EN, "TMR_EN");
    uint64_t flip2 = ref_ns_for(2u << 23);
    CHECK(clock_next_deadline(&B->clk) == flip2, "deadline %llu want %llu",
          (unsigned long long)clock_next_deadline(&B->clk), (unsigned long long)flip2);
    B->now = flip2 - 1;
    clock_run_timers(&B->clk);
    CHECK(B->sci_level == 0, "not yet");
    B->now = flip2;
    clock_run_timers(&B->clk);
    CHECK(B->sci_level == 1 && B->sci_calls == 1, "SCI at the flip");
    CHECK(clock_next_deadline(&B->clk) == ref_ns_for(3u << 23), "re-armed");
    outw_(0x600, ACPI_PM1_TMR_STS);
    CHECK(B->sci_level == 0 && B->sci_calls == 2, "ack lowers SCI");
    /* with SCI_EN clear the event is not an SCI */
    outw_(0x604, 0);
    B->now = ref_ns_for(3u << 23);
    clock_run_timers(&B->clk);
    CHECK(B->sci_level == 0 && (inw_(0x600) & ACPI_PM1_TMR_STS), "status without SCI");
    outw_(0x604, ACPI_PM1_SCI_EN);
    CHECK(B->sci_level == 1, "SCI_EN raises the pending event");
    /* disable timer event: SCI drops, timer stopped */
    outw_(0x602, 0);
    CHECK(B->sci_level == 0 && clock_next_deadline(&B->clk) == UINT64_MAX, "TMR_EN off");
    /* lazily noticed flip across several periods sets the bit once */
    outw_(0x600, 0xffff);
    B->now = ref_ns_for(7u << 23) + 5;
    CHECK(inw_(0x600) == ACPI_PM1_TMR_STS, "status: %x", inw_(0x600));
    /* byte-wide write to the high byte of PM1_STS does not clear TMR_STS */
    outb_(0x601, 0xff);
    CHECK(inw_(0x600) == ACPI_PM1_TMR_STS, "high-byte W1C leaves bit 0");
    outb_(0x600, 0x01);
    CHECK(inw_(0x600) == 0, "low byte W1C");
}
END_TEST

START_TEST(test_pm_power_button_gpe)
{
    pm_enable_seabios();
    piix4_pm_power_button(&B->pm);
    CHECK(inw_(0x600) == ACPI_PM1_PWRBTN_STS && B->sci_level == 0, "status, not enabled");
    outw_(0x602, ACPI_PM1_PWRBTN_EN);
    CHECK(B->sci_level == 1, "enabled -> SCI");
    outw_(0x600, ACPI_PM1_PWRBTN_STS);
    CHECK(B->sci_level == 0 && inw_(0x600) == 0, "ack");
    outw_(0x602, 0xffff);
    CHECK(inw_(0x602) == (ACPI_PM1_TMR_EN | ACPI_PM1_GBL_EN | ACPI_PM1_PWRBTN_EN | ACPI_PM1_RTC_EN),
          "PM1_EN mask %x", inw_(0x602));
    outw_(0x602, 0);
    /* GPE0 at 0xafe0 */
    CHECK(inl_(0xafe0) == 0, "GPE0 clear");
    piix4_pm_set_gpe(&B->pm, 1);
    CHECK(inw_(0xafe0) == 0x2 && B->sci_level == 0, "GPE status");
    outw_(0xafe2, 0x2);
    CHECK(B->sci_level == 1 && inl_(0xafe0) == 0x00020002u, "GPE enabled -> SCI");
    outb_(0xafe0, 0x2);
    CHECK(B->sci_level == 0 && inw_(0xafe0) == 0, "GPE W1C");
    CHECK(inb_(0xafe4) == 0xff, "only 4 ports");
}
END_TEST

START_TEST(test_pm_sleep)
{
    pm_enable_seabios();
    outw_(0x604, ACPI_PM1_SCI_EN | (5u << ACPI_PM1_SLP_TYP_SHIFT));
    CHECK(inw_(0x604) == (ACPI_PM1_SCI_EN | (5u << ACPI_PM1_SLP_TYP_SHIFT)) && B->power_offs == 0,
          "SLP_TYP stored, no SLP_EN");
    outw_(0x604, ACPI_PM1_SCI_EN | (1u << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN);
    CHECK(B->power_offs == 0, "S3 not supported");
    CHECK((inw_(0x604) & ACPI_PM1_SLP_EN) == 0, "SLP_EN reads 0");
    outw_(0x604, ACPI_PM1_SCI_EN | ACPI_PM1_GBL_RLS);
    CHECK(inw_(0x604) == ACPI_PM1_SCI_EN, "GBL_RLS write-only");
    /* Linux acpi_hw_legacy_sleep: writes SLP_TYP first, then SLP_TYP|SLP_EN */
    outw_(0x604, ACPI_PM1_SCI_EN | (0u << ACPI_PM1_SLP_TYP_SHIFT));
    outw_(0x604, ACPI_PM1_SCI_EN | (0u << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN);
    CHECK(B->power_offs == 1, "S5 power off");
    outb_(0x605, (uint8_t)((2u << 2) | 0x20)); /* SLP_TYP 2 + SLP_EN in the high byte */
    CHECK(B->power_offs == 2, "S4 as off");
}
END_TEST

START_TEST(test_apm)
{
    ck_assert(piix4_pm_init_apm(&B->pm));
    pm_enable_seabios();
    outb_(0xb3, 0x5a);
    CHECK(inb_(0xb3) == 0x5a, "APMS scratch");
    outb_(0xb2, 0xf0);
    CHECK(inb_(0xb2) == 0xf0 && (inw_(0x604) & ACPI_PM1_SCI_EN) == 0, "ACPI disable");
    outb_(0xb2, 0xf1);
    CHECK(inw_(0x604) & ACPI_PM1_SCI_EN, "ACPI enable");
    CHECK(inw_(0xb2) == 0x5af1, "word read");
}
END_TEST

static Suite *pci_suite(void)
{
    Suite *s = suite_create("pci");
    TCase *t = tcase_create("pci");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_ids_match_trace);
    tcase_add_test(t, test_absent_and_disabled);
    tcase_add_test(t, test_confadd);
    tcase_add_test(t, test_bar_sizing_trace);
    tcase_add_test(t, test_command_status);
    tcase_add_test(t, test_reset_control);
    tcase_add_test(t, test_pam_trace);
    tcase_add_test(t, test_smram);
    tcase_add_test(t, test_pirq_routing);
    tcase_add_test(t, test_io_bar_mapping);
    tcase_add_test(t, test_mmio_bar_mapping);
    tcase_add_test(t, test_pm_config);
    tcase_add_test(t, test_pm_timer_exact);
    tcase_add_test(t, test_pm_tmr_sts_and_sci);
    tcase_add_test(t, test_pm_power_button_gpe);
    tcase_add_test(t, test_pm_sleep);
    tcase_add_test(t, test_apm);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(pci_suite());
    srunner_set_fork_status(r, CK_NOFORK);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    printf("test_pci: %lu checks\n", n_checks);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
