/* The board. For now: RAM, firmware ROM, the debug console and debug exit ports. The PC platform
 * (PIC, PIT, UART, ...) comes with issue "The PC platform". */
#include "machine/machine.h"

#include <signal.h>
#undef REG_RIP /* glibc's ucontext register index (_GNU_SOURCE); cpu/decode/insn.h has its own */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "bios/acpi.h"
#include "bios/e820.h"
#include "bios/fwcfg.h"
#include "bios/linuxboot.h"
#include "bios/multiboot.h"
#include "bios/pvh.h"
#include "bios/load.h"
#include "cpu/cpu.h"
#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"
#include "cpu/icache.h"
#include "cpu/vmx/vmx.h"
#include "devices/bus.h"
#include "devices/chardev.h"
#include "devices/debugcon.h"
#include "devices/hpet.h"
#include "devices/i440fx.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "devices/i8042.h"
#include "devices/blockdev.h" /* IDE */
#include "devices/ide.h"      /* IDE */
#include "devices/pci.h"
#include "devices/pic8259.h"
#include "devices/piix.h"
#include "devices/pit8254.h"
#include "devices/rtc.h"
#include "devices/uart16550.h"
#include "devices/vga.h"
#include "emu/log.h"
#include "machine/clock.h"
#include "machine/profile.h"
#include "mmu/memmap.h"

/* The one file-scope variable here: a signal handler has no argument to reach a machine by, and
 * a signal ends the whole process whichever machine runs. */
static volatile sig_atomic_t quit_signal;
void machine_request_quit(int sig) { quit_signal = sig; }
int machine_quit_signal(void) { return quit_signal; }

#define BELOW_4G_LIMIT 0xc0000000ull /* RAM above this goes above 4 GiB (PCI hole) */
/* SeaVGABIOS for the std VGA: Debian's seabios package, then where Fedora and QEMU's own
 * installs keep it */
static const char *const vga_bios_paths[] = {
    "/usr/share/seabios/vgabios-stdvga.bin",
    "/usr/share/seavgabios/vgabios-stdvga.bin",
    "/usr/share/qemu/vgabios-stdvga.bin",
};
#define VGA_ROM_MAX (256u << 10)
#define MAX_BAR_MAPS 16
#define ISA_IO_NS 1000               /* guest ns of an I/O cycle on the ISA side (board_init_pc) */

struct machine {
    struct machine_config cfg;
    struct memmap *mem;
    struct bus *bus;
    struct cpu *cpu;
    struct debugcon con;
    struct debugexit dexit;
    FILE *con_file;
    struct clock clk; /* virtual time: cpu_vtime() of the (single) CPU */
    struct profile *prof; /* -d profile, else NULL */

    /* the QEMU "pc" shape: ISA devices, i440FX/PIIX3/PIIX4, fw_cfg with ACPI tables */
    struct pic pic;
    struct lapic lapic;
    struct lapic *lapics[1];
    struct ioapic ioapic;
    struct hpet hpet;
    struct pit pit;
    struct rtc rtc;
    struct i8042 kbc;
    struct port92 p92;
    struct uart com1;
    struct chardev *serial;
    struct pci_bus pci;
    struct i440fx nb;
    struct piix3 sb;
    struct piix4_pm pm;
    struct fwcfg fw;
    struct acpi_state acpi;
    struct ide_ctrl ide; /* PIIX3 IDE: legacy channels + bus master (devices/ide.c) */
    bool ide_ready;
    uint64_t bios_host_off, bios_size; /* backing of the firmware image */
    struct pam_wo {
        struct machine *m;
        uint32_t base;
    } pam_wo[13];                      /* write-only PAM segments (reads ROM, writes RAM) */
    int pam_region[13];                /* memmap regions of the PAM segments */
    bool reset_requested, poweroff_requested;
    /* ---- display ---- */
    struct vga vga;
    bool vga_ready;
    struct bar_map {
        struct pci_dev *dev;
        int bar;
        int region; /* memmap region following the BAR */
    } bar_maps[MAX_BAR_MAPS];
    unsigned nbar_maps;
    struct machine_ui ui;
};

static uint64_t board_vtime(void *opaque)
{
    struct machine *m = opaque;
    return cpu_vtime(m->cpu);
}

/* A device armed a timer earlier than the end of the CPU's current run: end the run there (the
 * CPU checks at block boundaries, and device accesses end blocks). */
static void board_deadline(void *opaque, uint64_t deadline)
{
    struct machine *m = opaque;
    struct cpu *c = m->cpu;
    uint64_t now = cpu_vtime(c);
    uint64_t end = c->icount + (deadline > now ? deadline - now : 0);
    if (end < c->run_end) c->run_end = end;
}

static void exit_notify(void *opaque)
{
    struct machine *m = opaque;
    m->cpu->pending |= PEND_STOP;
}

static void board_set_intr(void *o, bool level)
{
    struct machine *m = o;
    if (m->cpu) cpu_set_intr(m->cpu, level);
}
/* The local APIC's NMI delivery (ICR IPIs, LVT entries, LINT1 with the APIC disabled) is the
 * CPU's NMI input. The PC's other NMI source, the chipset's SERR#/IOCHK# NMI into LINT1 (gated
 * by port 61h bits 2-3 and port 70h bit 7), has nothing to raise it on this board: no parity
 * errors, no ISA IOCHK# and no PCI SERR#. */
static void board_nmi(void *o)
{
    struct machine *m = o;
    if (m->cpu) cpu_nmi(m->cpu);
}
/* Whether a device interrupt can still become an event of delivery mode dm (NMI, INIT): an
 * IOAPIC pin or LVT LINT0 (the 8259) with that mode. */
static bool board_routes(const struct machine *m, unsigned dm)
{
    return ioapic_routes_mode(&m->ioapic, dm) || lapic_lint0_mode(&m->lapic, dm);
}
/* The local APIC's INIT and Start-Up deliveries (ICR IPIs, an LVT or IOAPIC entry with INIT
 * delivery mode) are the CPU's INIT and SIPI inputs (SDM Vol.3A 11.6.1); the CPU applies INIT
 * to the APIC itself (board_apic_init) when it acts on it. */
static void board_init_signal(void *o)
{
    struct machine *m = o;
    if (m->cpu) cpu_init_signal(m->cpu);
}
static void board_sipi(void *o, uint8_t vector)
{
    struct machine *m = o;
    if (m->cpu) cpu_sipi(m->cpu, vector);
}
static void board_apic_init(void *o)
{
    struct machine *m = o;
    lapic_init_signal(&m->lapic);
}
/* Interrupt routing (the QEMU pc topology): ISA IRQ n goes to 8259 input n and to IOAPIC pin n
 * (IRQ0 to pin 2, as the MADT's override says); the 8259's output enters the LAPIC's LINT0
 * (ExtINT, virtual-wire mode); the LAPIC drives the CPU's INTR and answers its INTA. */
static int board_irq_ack(void *o)
{
    struct machine *m = o;
    return lapic_ack(&m->lapic);
}
static int board_extint_ack(void *o)
{
    struct machine *m = o;
    return pic_ack(&m->pic);
}
static void board_pic_out(void *o, bool level)
{
    struct machine *m = o;
    lapic_lint_set(&m->lapic, 0, level);
}
static void board_isa_irq(void *o, int n, int level)
{
    struct machine *m = o;
    pic_irq_set(&m->pic, n, level);
    ioapic_set_irq(&m->ioapic, n == 0 ? 2 : n, level);
}
static struct irq_line isa_irq(struct machine *m, int n) { return (struct irq_line){board_isa_irq, m, n}; }
static void board_apic_send(void *o, struct lapic *from, const struct apic_msg *msg)
{
    struct machine *m = o;
    apic_bus_send(m->lapics, 1, from, msg);
}
static void board_ioapic_deliver(void *o, const struct apic_msg *msg)
{
    struct machine *m = o;
    apic_bus_send(m->lapics, 1, NULL, msg);
}
static void board_eoi(void *o, uint8_t vector)
{
    struct machine *m = o;
    ioapic_eoi(&m->ioapic, vector);
}
static uint64_t board_apic_base_get(void *o)
{
    struct machine *m = o;
    return lapic_get_base(&m->lapic);
}
static bool board_apic_base_set(void *o, uint64_t v)
{
    struct machine *m = o;
    return lapic_set_base(&m->lapic, v);
}
static bool board_apic_msr_read(void *o, uint32_t idx, uint64_t *v)
{
    struct machine *m = o;
    return lapic_msr_read(&m->lapic, idx, v);
}
static bool board_apic_msr_write(void *o, uint32_t idx, uint64_t v)
{
    struct machine *m = o;
    return lapic_msr_write(&m->lapic, idx, v);
}
static uint8_t board_cr8_get(void *o)
{
    struct machine *m = o;
    return lapic_get_cr8(&m->lapic);
}
static void board_cr8_set(void *o, uint8_t v)
{
    struct machine *m = o;
    lapic_set_cr8(&m->lapic, v);
}
static void board_stop(struct machine *m)
{
    if (m->cpu) m->cpu->pending |= PEND_STOP;
}
static void board_reset_req(void *o)
{
    struct machine *m = o;
    m->reset_requested = true;
    board_stop(m);
}
static void board_pci_reset(void *o, bool hard)
{
    board_reset_req(o);
}
static void board_power_off(void *o)
{
    struct machine *m = o;
    m->poweroff_requested = true;
    board_stop(m);
}
static void board_serial_exit(void *o) { board_power_off(o); }

/* A20: the last writer (keyboard controller or port 0x92) decides, as on QEMU. */
static void board_set_a20(void *o, bool on)
{
    struct machine *m = o;
    uint64_t mask = on ? ~0ull : ~(1ull << 20);
    if (m->cpu && m->cpu->a20_mask != mask) {
        m->cpu->a20_mask = mask;
        cpu_memmap_changed(m->cpu);
    }
}

/* PAM (i440FX 0x59-0x5F): each segment of 0xC0000-0xFFFFF reads from and writes to either the
 * ROM side (the firmware's low alias, or nothing below 0xE0000) or shadow RAM. */
static uint64_t pam_wo_read(void *opaque, uint64_t off, unsigned size);
static void pam_wo_write(void *opaque, uint64_t off, uint64_t val, unsigned size);
static const struct mmio_ops pam_wo_ops = {pam_wo_read, pam_wo_write};

static bool rom_side(struct machine *m, uint64_t gpa, uint64_t *host_off)
{
    uint64_t low = m->bios_size < 0x20000 ? m->bios_size : 0x20000;
    if (gpa < 0x100000 - low) return false;
    *host_off = m->bios_host_off + m->bios_size - (0x100000 - gpa);
    return true;
}
static uint64_t pam_wo_read(void *opaque, uint64_t off, unsigned size)
{
    struct pam_wo *w = opaque;
    uint64_t ho, v = 0;
    if (!rom_side(w->m, w->base + off, &ho)) return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    memcpy(&v, w->m->mem->host + ho, size);
    return v;
}
static void pam_wo_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    struct pam_wo *w = opaque;
    memcpy(w->m->mem->host + w->base + off, &val, size); /* low RAM backing starts at host 0 */
    memmap_code_write(w->m->mem, (w->base + off) >> 12);
}

static void board_pam(void *o, int seg, uint32_t base, uint32_t size, unsigned attr)
{
    struct machine *m = o;
    int idx = m->pam_region[seg];
    uint64_t ho;
    switch (attr & 3) {
    case 0:
        if (rom_side(m, base, &ho))
            memmap_remap(m->mem, idx, REG_ROM, ho, NULL, NULL);
        else
            memmap_remap(m->mem, idx, REG_UNASSIGNED, 0, NULL, NULL);
        break;
    case 1: memmap_remap(m->mem, idx, REG_ROM, base, NULL, NULL); break;
    case 3: memmap_remap(m->mem, idx, REG_RAM, base, NULL, NULL); break;
    default:
        m->pam_wo[seg] = (struct pam_wo){m, base};
        memmap_remap(m->mem, idx, REG_MMIO, 0, &pam_wo_ops, &m->pam_wo[seg]);
        break;
    }
    if (m->cpu) cpu_memmap_changed(m->cpu);
}

/* Memory BARs (PCI 3.0 6.2.5): each decoding BAR gets a memory-map region that follows it. A
 * backed BAR is plain memory (RAM; ROM for the expansion ROM), so guest accesses take the TLB
 * fast path; the others call the device. Regions are created on first use and switched off
 * (size 0) while the BAR does not decode. */
static void board_map_bar(void *o, struct pci_dev *d, int n, uint64_t addr, uint64_t size, bool map)
{
    struct machine *m = o;
    const struct pci_bar *b = &d->bar[n];
    struct bar_map *bm = NULL;
    for (unsigned k = 0; k < m->nbar_maps; k++)
        if (m->bar_maps[k].dev == d && m->bar_maps[k].bar == n) bm = &m->bar_maps[k];
    if (!map) {
        if (bm) memmap_move(m->mem, bm->region, 0, 0);
    } else {
        if (!bm) {
            int idx = m->nbar_maps < MAX_BAR_MAPS ? memmap_add_remappable(m->mem, addr, size, d->name) : -1;
            if (idx < 0) {
                LOG(LOG_GUEST_ERRORS, "pci: no memory-map region left for %s BAR %d\n", d->name, n);
                return;
            }
            bm = &m->bar_maps[m->nbar_maps++];
            *bm = (struct bar_map){d, n, idx};
        }
        memmap_move(m->mem, bm->region, addr, size);
        if (b->backed)
            memmap_remap(m->mem, bm->region, n == PCI_ROM_SLOT ? REG_ROM : REG_RAM, b->backing_off, NULL, NULL);
        else
            memmap_remap(m->mem, bm->region, REG_MMIO, 0, b->mmio, b->opaque);
    }
    if (m->cpu) cpu_memmap_changed(m->cpu);
}

/* ---- VGA wiring: the std VGA at 00:02.0 as on QEMU's pc (devices/vga*.c) ---- */
static bool board_init_vga(struct machine *m, char *err, size_t errlen)
{
    uint64_t vram_off = memmap_alloc(m->mem, VGA_VRAM_SIZE);
    if (vram_off == UINT64_MAX) {
        snprintf(err, errlen, "cannot allocate video memory");
        return false;
    }
    uint8_t *vram = m->mem->host + vram_off;
    if (!vga_init(&m->vga, m->bus, &m->clk, vram, VGA_VRAM_SIZE)) {
        snprintf(err, errlen, "VGA ports are taken");
        return false;
    }
    m->vga.mem = m->mem;
    m->vga.vram_off = vram_off;
    if (!memmap_add_mmio(m->mem, VGA_LEGACY_BASE, VGA_LEGACY_SIZE, &vga_legacy_mmio_ops, &m->vga, "vga-lowmem")) {
        snprintf(err, errlen, "too many memory regions");
        return false;
    }
    /* The VGA BIOS sits behind the expansion ROM BAR, padded to a power of two as QEMU does;
     * SeaBIOS finds it there, copies it to 0xC0000 and runs it. Without the file the adapter
     * works, but nothing initializes it. */
    uint8_t *rom = NULL;
    size_t rom_len = 0;
    uint32_t rom_size = 0;
    uint64_t rom_off = 0;
    char rerr[256] = "";
    bool found = false;
    for (size_t k = 0; k < ARRAY_SIZE(vga_bios_paths) && !found; k++)
        found = boot_read_file(vga_bios_paths[k], false, VGA_ROM_MAX, &rom, &rom_len, rerr, sizeof rerr) && rom_len;
    if (found) {
        rom_size = 2048;
        while (rom_size < rom_len) rom_size <<= 1;
        rom_off = memmap_alloc(m->mem, rom_size);
        if (rom_off == UINT64_MAX) {
            boot_free_file(rom, rom_len);
            snprintf(err, errlen, "cannot allocate the VGA ROM");
            return false;
        }
        memcpy(m->mem->host + rom_off, rom, rom_len);
        boot_free_file(rom, rom_len);
    } else {
        fprintf(stderr, "turtles: no VGA BIOS (%s; Debian package seabios); the VGA is left uninitialized\n",
                vga_bios_paths[0]);
    }
    if (!vga_pci_init(&m->vga, &m->pci, PCI_DEVFN(2, 0), vram_off, rom_off, rom_size)) {
        snprintf(err, errlen, "PCI slot 2 is taken");
        return false;
    }
    m->vga_ready = true;
    return true;
}

static void board_pirq(void *o, int irq, int level)
{
    board_isa_irq(o, irq, level);
}

static uint16_t board_pm_base(void *o) { return piix4_pm_base(o); }

/* ---- IDE wiring ---- */
static bool board_init_ide(struct machine *m, char *err, size_t errlen)
{
    if (!ide_init(&m->ide, m->bus, &m->clk, m->mem, (struct irq_line){pic_irq_set, &m->pic, 14},
                  (struct irq_line){pic_irq_set, &m->pic, 15})) {
        snprintf(err, errlen, "IDE ports are taken");
        return false;
    }
    m->ide_ready = true;
    piix3_ide_set_bm_ops(&m->sb, &ide_bm_ops, &m->ide);
    for (unsigned k = 0; m->cfg.drives && k < DRIVE_MAX; k++) {
        const struct drive_spec *d = &m->cfg.drives[k];
        if (!d->file) continue;
        struct blockdev *bd = blockdev_open(d->file, d->media == DRIVE_CDROM ? BLOCKDEV_READONLY : d->mode,
                                            err, errlen);
        if (!bd) return false;
        if (!ide_attach(&m->ide, k >> 1, k & 1, bd, d->media == DRIVE_CDROM, err, errlen)) {
            blockdev_close(bd);
            return false;
        }
    }
    return true;
}

/* Builds the PC devices (called once the CPU exists). */
static bool board_init_pc(struct machine *m, char *err, size_t errlen)
{
    const struct machine_config *cfg = &m->cfg;
    uint64_t below, above;
    e820_split(cfg->ram_size, &below, &above);

    /* interrupt controller and timers */
    lapic_init(&m->lapic, &m->clk, 0, true);
    m->lapic.set_intr = board_set_intr;
    m->lapic.extint_ack = board_extint_ack;
    m->lapic.nmi = board_nmi;
    m->lapic.init = board_init_signal;
    m->lapic.sipi = board_sipi;
    m->lapic.cpu_opaque = m;
    m->lapic.send_ipi = board_apic_send;
    m->lapic.eoi_broadcast = board_eoi;
    m->lapic.board_opaque = m;
    m->lapic.reset_lint0_extint = true;
    m->lapic.x2apic_supported = m->cpu->model->x2apic;
    m->lapics[0] = &m->lapic;
    memmap_add_mmio(m->mem, 0xfee00000, 0x1000, &lapic_mmio_ops, &m->lapic, "lapic");
    ioapic_init(&m->ioapic, 0, board_ioapic_deliver, m);
    memmap_add_mmio(m->mem, 0xfec00000, 0x1000, &ioapic_mmio_ops, &m->ioapic, "ioapic");
    hpet_init(&m->hpet, &m->clk);
    m->hpet.legacy[0] = isa_irq(m, 0);
    m->hpet.legacy[1] = isa_irq(m, 8);
    m->hpet.ioapic = (struct irq_line){ioapic_set_irq, &m->ioapic, 0};
    memmap_add_mmio(m->mem, 0xfed00000, 0x400, &hpet_mmio_ops, &m->hpet, "hpet");
    m->cpu->apic = m;
    m->cpu->apic_base_get = board_apic_base_get;
    m->cpu->apic_base_set = board_apic_base_set;
    m->cpu->apic_cr8_get = board_cr8_get;
    m->cpu->apic_cr8_set = board_cr8_set;
    m->cpu->apic_msr_read = board_apic_msr_read;
    m->cpu->apic_msr_write = board_apic_msr_write;
    m->cpu->apic_init = board_apic_init;
    pic_init(&m->pic, m->bus, board_pic_out, m);
    m->cpu->irq_ack = board_irq_ack;
    pit_init(&m->pit, m->bus, &m->clk, isa_irq(m, 0));
    rtc_init(&m->rtc, m->bus, &m->clk, isa_irq(m, 8), RTC_DEFAULT_EPOCH);
    if (!rtc_cmos_setup_pc(&m->rtc, below, above, 1, cfg->boot_order ? cfg->boot_order : "cad")) {
        snprintf(err, errlen, "bad boot order '%s' (letters a, c, d, n; at most 3)", cfg->boot_order);
        return false;
    }
    i8042_init(&m->kbc, m->bus, isa_irq(m, 1), isa_irq(m, 12));
    m->kbc.set_a20 = board_set_a20;
    m->kbc.reset = board_reset_req;
    m->kbc.opaque = m;
    port92_init(&m->p92, m->bus);
    m->p92.set_a20 = board_set_a20;
    m->p92.reset = board_reset_req;
    m->p92.opaque = m;

    /* COM1 */
    m->serial = chardev_open(cfg->serial ? cfg->serial : "stdio", err, errlen);
    if (!m->serial) return false;
    chardev_set_exit_handler(m->serial, board_serial_exit, m);
    uart_init(&m->com1, m->bus, &m->clk, UART_COM1_BASE, isa_irq(m, 4), m->serial);
    /* A character takes 1 us of guest time whatever the baud rate: still deterministic, but a
     * 9600-baud console does not cost a million instructions per character (QEMU sends at once). */
    m->com1.fixed_char_ns = 1000;

    /* Port I/O timing. The legacy devices sit behind the PIIX3's ISA bridge (on today's boards,
     * the LPC bus), where an I/O cycle takes about a microsecond: Linux uses a port 0x80 write
     * as its I/O delay, and a 2 us udelay as the alternative (arch/x86/kernel/io_delay.c).
     * Charging it keeps guest code that polls these devices (PIT calibration loops, UART status)
     * from spinning a thousand times longer than on hardware, and gives the PIT time to load a
     * count between two accesses, as Linux's quick PIT calibration expects. Ports 00-FF
     * (PIC, DMA, PIT, port 61, i8042, RTC, POST port 80, port 92, ...), the ELCR and COM1/COM2;
     * PCI devices (IDE, PCI configuration, ACPI) and fw_cfg are not charged. */
    bus_set_pio_time(m->bus, 0x00, 0x100, ISA_IO_NS);
    bus_set_pio_time(m->bus, 0x4d0, 2, ISA_IO_NS);
    bus_set_pio_time(m->bus, 0x2f8, 8, ISA_IO_NS);
    bus_set_pio_time(m->bus, 0x3f8, 8, ISA_IO_NS);

    /* PCI: i440FX host bridge, PIIX3 ISA/IDE, PIIX4 power management */
    pci_bus_init(&m->pci, m->bus);
    m->pci.reset_request = board_pci_reset;
    m->pci.map_mmio = board_map_bar;
    m->pci.board = m;
    for (int seg = 0; seg < 13; seg++) {
        uint32_t base, size;
        i440fx_pam_segment(seg, &base, &size);
        m->pam_region[seg] = memmap_add_remappable(m->mem, base, size, "pam");
        if (m->pam_region[seg] < 0) {
            snprintf(err, errlen, "too many memory regions");
            return false;
        }
    }
    i440fx_init(&m->nb);
    m->nb.pam_update = board_pam;
    m->nb.opaque = m;
    pci_bus_add(&m->pci, &m->nb.dev);
    piix3_init(&m->sb, &m->pci);
    m->sb.irq_set = board_pirq;
    m->sb.irq_opaque = m;
    piix4_pm_init(&m->pm, &m->pci, &m->clk, isa_irq(m, 9), 0);
    m->pm.power_off = board_power_off;
    m->pm.opaque = m;

    /* ---- IDE (devices/ide.c): 0x1F0/0x3F6 IRQ 14, 0x170/0x376 IRQ 15, bus master behind BAR4 ---- */
    if (!board_init_ide(m, err, errlen)) return false;
    if (!cfg->no_vga && !board_init_vga(m, err, errlen)) return false;

    /* fw_cfg: memory map, CPU count, ACPI tables */
    fwcfg_init(&m->fw, m->bus, m->mem, true);
    fwcfg_add_i16(&m->fw, FW_CFG_NB_CPUS, 1);
    fwcfg_add_i16(&m->fw, FW_CFG_MAX_CPUS, 1);
    fwcfg_add_i64(&m->fw, FW_CFG_RAM_SIZE, cfg->ram_size);
    /* NOGRAPHIC makes SeaBIOS mirror its console on COM1 (sercon); QEMU sets it for -nographic.
     * turtles sets it whenever no window shows the screen. */
    fwcfg_add_i16(&m->fw, FW_CFG_NOGRAPHIC, cfg->display_window ? 0 : 1);
    fwcfg_add_i16(&m->fw, FW_CFG_BOOT_MENU, 0);
    fwcfg_add_i32(&m->fw, FW_CFG_IRQ0_OVERRIDE, 1);
    struct e820_entry e[E820_MAX_ENTRIES];
    uint8_t packed[E820_MAX_ENTRIES * E820_ENTRY_SIZE];
    size_t n = e820_pack(e, e820_fwcfg_map(cfg->ram_size, e), packed);
    fwcfg_add_file(&m->fw, "etc/e820", packed, (uint32_t)n);
    acpi_config_default(&m->acpi.cfg, below);
    m->acpi.cfg.ncpus = 1;
    m->acpi.cfg.current_pm_base = board_pm_base;
    m->acpi.cfg.pm_opaque = &m->pm;
    if (!acpi_fwcfg_install(&m->acpi, &m->fw)) {
        snprintf(err, errlen, "cannot build ACPI tables");
        return false;
    }
    return true;
}

/* Direct Linux boot (-kernel): no firmware runs. The BIOS area 0xC0000-0xFFFFF becomes RAM holding
 * the ACPI tables (RSDP in the F segment, where the kernel scans for it; PVH passes its address),
 * the kernel and initrd are loaded by the Linux boot protocol, Multiboot or PVH, and the CPU starts
 * at the protocol's 32-bit entry point. */
static bool board_direct_linux(struct machine *m, char *err, size_t errlen)
{
    const struct machine_config *cfg = &m->cfg;
    uint64_t below, above;
    e820_split(cfg->ram_size, &below, &above);
    for (int seg = 0; seg < 13; seg++) {
        uint32_t base, size;
        i440fx_pam_segment(seg, &base, &size);
        board_pam(m, seg, base, size, 3);
    }
    struct acpi_blobs blobs;
    if (!acpi_build(&m->acpi.cfg, &blobs) || !acpi_relocate(&blobs, 0xe0000, 0xf0000) ||
        blobs.tables_len > 0x10000) {
        snprintf(err, errlen, "cannot build ACPI tables for direct boot");
        return false;
    }
    phys_copy_to(m->mem, 0xe0000, blobs.tables, blobs.tables_len);
    phys_copy_to(m->mem, 0xf0000, blobs.rsdp, sizeof blobs.rsdp);
    acpi_blobs_free(&blobs);

    /* What firmware would have done for the chipset: the PIIX4 PM block at 0x600 (PMBA, PMIOSE)
     * so the FADT's PM timer and PM1 registers exist, and PCI interrupt routing as SeaBIOS sets it
     * (PIRQA-D -> IRQ 10, 10, 11, 11, matching the ACPI _PRT links). */
    pci_config_write(&m->pm.dev, 0x40, 0x601, 4);
    pci_config_write(&m->pm.dev, 0x80, 0x01, 1);
    pci_config_write(&m->sb.isa, 0x60, 0x0b0b0a0a, 4);
    /* IDE: decode both legacy channels (IDETIM/SIDETIM bit 15, as SeaBIOS's piix_ide_setup) */
    pci_config_write(&m->sb.ide, 0x40, 0x8000, 2);
    pci_config_write(&m->sb.ide, 0x42, 0x8000, 2);

    struct boot_e820 map[16];
    unsigned n = boot_e820_pc(cfg->ram_size, below, map, 16);
    struct linux_boot_config lc = {
        .cmdline = cfg->append,
        .ram_size = cfg->ram_size,
        .e820 = map,
        .e820_count = n,
        .acpi_rsdp = 0xf0000,
    };
    struct boot_entry e;
    /* The kernel's format decides the loader, in QEMU's order: a Linux setup header ("HdrS" at
     * 0x202), else a Multiboot 1 header in the first 8 KiB (-initrd then lists the modules), else
     * an ELF file with a PVH entry note (-initrd is its one module). */
    uint8_t *img;
    size_t len;
    if (!boot_read_file(cfg->kernel, true, 256u << 20, &img, &len, err, errlen)) return false;
    bool is_linux = len > 0x206 && !memcmp(img + 0x202, "HdrS", 4);
    uint32_t mb_off;
    bool is_mb = !is_linux && multiboot_find_header(img, len, &mb_off);
    bool is_elf = !is_linux && !is_mb && pvh_is_elf(img, len);
    boot_free_file(img, len);
    if (is_mb) {
        struct multiboot_config mc = {
            .cmdline = cfg->append, .modules = cfg->initrd, .ram_size = cfg->ram_size,
            .e820 = map, .e820_count = n,
        };
        struct multiboot_boot_info mi;
        if (!multiboot_boot_load(m->mem, &mc, cfg->kernel, &e, &mi, err, errlen)) return false;
    } else if (is_elf) {
        struct pvh_config pc = {
            .cmdline = cfg->append, .ram_size = cfg->ram_size, .e820 = map, .e820_count = n,
            .acpi_rsdp = 0xf0000,
        };
        struct pvh_boot_info pi;
        if (!pvh_boot_load(m->mem, &pc, cfg->kernel, cfg->initrd, &e, &pi, err, errlen)) return false;
    } else if (is_linux) {
        struct linux_boot_info info;
        if (!linux_boot_load(m->mem, &lc, cfg->kernel, cfg->initrd, &e, &info, err, errlen)) return false;
    } else {
        snprintf(err, errlen, "%s: not a kernel turtles can boot: no Linux setup header (bzImage), "
                              "no Multiboot header and not an ELF file (PVH)",
                 cfg->kernel);
        return false;
    }

    /* the entry state the loader asked for (the 32-bit boot protocol, Multiboot or PVH) */
    struct cpu *c = m->cpu;
    c->cr0 = e.cr0;
    c->gdtr.base = e.gdt_base;
    c->gdtr.limit = e.gdt_limit;
    const struct boot_seg *segs[6] = {&e.es, &e.cs, &e.ss, &e.ds, &e.fs, &e.gs};
    for (unsigned s = 0; s < 6; s++)
        seg_set_cache(c, &c->seg[s], s, segs[s]->sel, segs[s]->base, segs[s]->limit, segs[s]->ar);
    seg_set_cache(c, &c->tr, 0, e.tr.sel, e.tr.base, e.tr.limit, e.tr.ar);
    c->gpr[0] = e.rax; c->gpr[1] = e.rcx; c->gpr[2] = e.rdx; c->gpr[3] = e.rbx;
    c->gpr[4] = e.rsp; c->gpr[5] = e.rbp; c->gpr[6] = e.rsi; c->gpr[7] = e.rdi;
    c->gpr[REG_RIP] = e.rip;
    cpu_write_rflags(c, e.rflags);
    c->cpl = 0;
    cpu_update_mode(c);
    cpu_memmap_changed(c);
    return true;
}

/* System reset: CPU and devices back to their power-on state (RAM keeps its contents). */
static void board_reset(struct machine *m)
{
    cpu_reset(m->cpu);
    lapic_reset(&m->lapic);
    ioapic_reset(&m->ioapic);
    hpet_reset(&m->hpet);
    pic_reset(&m->pic);
    pit_reset(&m->pit);
    rtc_reset(&m->rtc);
    i8042_reset(&m->kbc);
    port92_reset(&m->p92);
    uart_reset(&m->com1);
    pci_bus_reset(&m->pci);
    i440fx_reset(&m->nb);
    piix3_reset(&m->sb);
    piix4_pm_reset(&m->pm);
    fwcfg_reset(&m->fw);
    ide_reset(&m->ide);
    if (m->vga_ready) {
        vga_reset(&m->vga);
        vga_pci_reset(&m->vga);
    }
    cpu_memmap_changed(m->cpu);
}

struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->cfg = *cfg;
    const struct cpu_model *model = cfg->cpu_model ? cpu_model_find(cfg->cpu_model) : cpu_model_default();
    if (!model) {
        snprintf(err, errlen, "unknown CPU model '%s' (try -cpu help)", cfg->cpu_model);
        goto fail;
    }
    /* backing: RAM, firmware (up to 16 MiB), and video memory plus the VGA ROM */
    m->mem = memmap_create(cfg->ram_size + (16u << 20) + (cfg->no_vga ? 0 : VGA_VRAM_SIZE + VGA_ROM_MAX));
    m->bus = bus_create();
    if (!m->mem || !m->bus) {
        snprintf(err, errlen, "cannot allocate %llu MiB of guest memory",
                 (unsigned long long)(cfg->ram_size >> 20));
        goto fail;
    }
    uint64_t low = cfg->ram_size < BELOW_4G_LIMIT ? cfg->ram_size : BELOW_4G_LIMIT;
    uint8_t *ram = memmap_add_backed(m->mem, 0, cfg->ram_size, REG_RAM, "ram");
    if (!ram) {
        snprintf(err, errlen, "cannot map RAM");
        goto fail;
    }
    /* RAM above the PCI hole is the same backing, mapped from 4 GiB on */
    m->mem->regions[0].size = low;
    if (cfg->ram_size > low &&
        !memmap_add_alias(m->mem, 1ull << 32, cfg->ram_size - low, REG_RAM, low, "ram-high")) {
        snprintf(err, errlen, "cannot map high RAM");
        goto fail;
    }
    const char *bios = cfg->bios ? cfg->bios : cfg->kernel ? NULL : "/usr/share/seabios/bios-256k.bin";
    uint64_t used_before = m->mem->host_used;
    if (bios && !bios_load(m->mem, bios, err, errlen)) goto fail;
    m->bios_host_off = used_before;
    m->bios_size = m->mem->host_used - used_before;

    const char *dc = cfg->debugcon ? cfg->debugcon : "stdio";
    if (!strcmp(dc, "stdio")) {
        m->con_file = stdout;
    } else if (!strcmp(dc, "none")) {
        m->con_file = NULL;
    } else if (!strncmp(dc, "file:", 5)) {
        m->con_file = fopen(dc + 5, "w");
        if (!m->con_file) {
            snprintf(err, errlen, "cannot open debug console file '%s'", dc + 5);
            goto fail;
        }
    } else {
        snprintf(err, errlen, "bad -debugcon '%s' (stdio, none or file:PATH)", dc);
        goto fail;
    }
    debugcon_init(&m->con, m->bus, 0xe9, m->con_file);
    debugexit_init(&m->dexit, m->bus, 0xf4);
    m->dexit.notify = exit_notify;
    m->dexit.opaque = m;

    m->cpu = cpu_create(model, m->mem, m->bus);
    if (!m->cpu) {
        snprintf(err, errlen, "cannot create CPU");
        goto fail;
    }
    m->cpu->machine = m;
    if (cfg->rng_seed_set) cpu_rng_seed(m->cpu, cfg->rng_seed);
    clock_init(&m->clk, board_vtime, m);
    m->clk.deadline_changed = board_deadline;
    if (!board_init_pc(m, err, errlen)) goto fail;
    board_reset(m);
    if (cfg->kernel && !board_direct_linux(m, err, errlen)) goto fail;
    return m;
fail:
    machine_destroy(m);
    return NULL;
}

void machine_destroy(struct machine *m)
{
    if (!m) return;
    if (m->serial) {
        uart_flush(&m->com1);
        chardev_close(m->serial);
    }
    fwcfg_destroy(&m->fw);
    profile_destroy(m->prof);
    if (m->ide_ready) ide_destroy(&m->ide);
    cpu_destroy(m->cpu);
    if (m->con_file && m->con_file != stdout) fclose(m->con_file);
    bus_destroy(m->bus);
    memmap_destroy(m->mem);
    free(m);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int machine_run(struct machine *m)
{
    struct cpu *c = m->cpu;
    int status = 0;
    /* Host time is measured only for the -d stats report; it never reaches the guest. */
    double t0 = now_seconds();
    uint64_t next_sample = UINT64_MAX;
    if (log_mask & LOG_PROFILE) {
        if (!m->prof) m->prof = profile_create();
        if (m->prof) next_sample = c->icount + PROFILE_PERIOD;
    }
    for (;;) {
        if (unlikely(quit_signal)) {
            fprintf(stderr, "turtles: terminating on signal %d\n", (int)quit_signal);
            status = 128 + quit_signal;
            break;
        }
        clock_run_timers(&m->clk);
        /* run to the next timer deadline (virtual time), at most 4 M instructions at a time */
        uint64_t budget = 1ull << 22;
        uint64_t now = clock_ns(&m->clk), next = clock_next_deadline(&m->clk);
        if (next != UINT64_MAX) budget = next > now ? (next - now < budget ? next - now : budget) : 1;
        if (m->cfg.max_insns) {
            if (c->icount >= m->cfg.max_insns) {
                fprintf(stderr, "turtles: instruction limit (%llu) reached at %04x:%016llx\n",
                        (unsigned long long)m->cfg.max_insns, c->seg[SEG_CS].sel,
                        (unsigned long long)c->gpr[REG_RIP]);
                status = 124;
                break;
            }
            if (m->cfg.max_insns - c->icount < budget) budget = m->cfg.max_insns - c->icount;
        }
        /* with a front end, return to it every slice of guest time (a fixed amount of guest time,
         * so the slicing itself is deterministic) */
        if (m->ui.poll && m->ui.slice_ns && budget > m->ui.slice_ns) budget = m->ui.slice_ns;
        if (next_sample != UINT64_MAX && next_sample - c->icount < budget) budget = next_sample - c->icount;
        enum cpu_stop r = cpu_run(c, budget);
        if (c->icount >= next_sample) {
            /* -d profile: the block that was running at the sample point (the run stops at the
             * end of that block); counting the RIP found at the stop instead credited every
             * sample to the block after it */
            profile_add(m->prof, c->seg[SEG_CS].base + c->blk_rip, vmx_profile_tag(c));
            next_sample = c->icount - c->icount % PROFILE_PERIOD + PROFILE_PERIOD;
        }
        if (m->serial) chardev_poll(m->serial);
        if (m->ui.poll) m->ui.poll(m->ui.opaque);
        if (m->poweroff_requested) {
            status = 0;
            break;
        }
        if (m->reset_requested) {
            m->reset_requested = false;
            if (m->cfg.no_reboot) {
                status = 0;
                break;
            }
            board_reset(m);
            continue;
        }
        if (m->dexit.fired) {
            status = m->dexit.status;
            break;
        }
        if (r == CPU_STOP_SHUTDOWN) {
            if (m->cfg.no_reboot) {
                LOG(LOG_CPU_RESET, "shutdown (triple fault); exiting (-no-reboot)\n");
                status = 0;
                break;
            }
            LOG(LOG_CPU_RESET, "shutdown (triple fault); resetting\n");
            board_reset(m);
            continue;
        }
        if (r == CPU_STOP_HALT) {
            /* Halted: skip guest time to the next timer, which may raise an interrupt, or to an
             * event inside the CPU (the VMX-preemption timer). With neither, or interrupts
             * unable to wake the CPU, nothing can. */
            uint64_t at;
            bool can_wake = cpu_halt_wakeup(c, &at);
            /* an NMI ends HLT whatever RFLAGS.IF is (SDM Vol.3A 6.7), if one can still come */
            can_wake = can_wake || (cpu_nmi_wakes_halt(c) && board_routes(m, APIC_DM_NMI));
            /* so does an INIT, and it is all that ends wait-for-SIPI here (one CPU, no SIPI) */
            can_wake = can_wake || (cpu_init_wakes_halt(c) && board_routes(m, APIC_DM_INIT));
            uint64_t nd = can_wake ? clock_next_deadline(&m->clk) : UINT64_MAX;
            if (at < nd) nd = at;
            /* A front end may hold an idle guest back to the wall clock and deliver input that
             * wakes it; host time decides only when the skip happens, not what the guest sees. */
            if ((can_wake || nd != UINT64_MAX) && m->ui.idle && !m->ui.idle(m->ui.opaque, clock_ns(&m->clk), nd))
                continue;
            if (nd != UINT64_MAX) {
                uint64_t t = clock_ns(&m->clk);
                if (nd > t) c->idle_ns += nd - t;
                continue;
            }
            if (can_wake && m->ui.idle) continue; /* a key may still wake it */
            fprintf(stderr, "turtles: CPU halted with nothing to wake it at %04x:%016llx; stopping\n",
                    c->seg[SEG_CS].sel, (unsigned long long)c->gpr[REG_RIP]);
            status = 0;
            break;
        }
    }
    if (log_mask & LOG_VMCS) cpu_dump_vmcs(c, log_file_handle());
    double t = now_seconds() - t0;
    if (m->cfg.stats || (log_mask & LOG_STATS))
        fprintf(stderr, "turtles: %llu instructions in %.3f s (%.1f MIPS); guest time %.3f s, "
                "%.3f s of it halted, %.3f s in PAUSE, %.3f s in port I/O\n",
                (unsigned long long)c->icount, t, t > 0 ? c->icount / t / 1e6 : 0.0,
                (double)cpu_vtime(c) / 1e9, (double)c->idle_ns / 1e9, (double)c->pause_ns / 1e9,
                (double)c->io_ns / 1e9);
    if (log_mask & LOG_STATS)
        fprintf(stderr, "turtles: decoded-block cache: %llu lookups, %llu decodes (%llu of a written page), "
                "emptied %llu times\n",
                (unsigned long long)c->icache->lookups, (unsigned long long)c->icache->misses,
                (unsigned long long)c->icache->stale, (unsigned long long)c->icache->flushes);
    if ((log_mask & LOG_STATS) && c->vmx && c->vmx->eptc.lookups)
        fprintf(stderr, "turtles: EPT guest-physical cache: %llu lookups, %llu hits, %llu invalidations "
                "(INVEPT, reset, memory map)\n",
                (unsigned long long)c->vmx->eptc.lookups, (unsigned long long)c->vmx->eptc.hits,
                (unsigned long long)c->vmx->eptc.flushes);
    if (m->prof) profile_report(m->prof, log_file_handle(), UINT32_MAX);
    if (m->con_file) fflush(m->con_file);
    return status;
}

void machine_set_ui(struct machine *m, const struct machine_ui *ui)
{
    if (ui)
        m->ui = *ui;
    else
        memset(&m->ui, 0, sizeof m->ui);
}

struct vga *machine_vga(struct machine *m) { return m->vga_ready ? &m->vga : NULL; }

int machine_console_fd(struct machine *m, bool *terminal)
{
    const struct chardev *ch = m->serial;
    *terminal = ch && ch->in_fd >= 0 && isatty(ch->in_fd);
    return ch ? ch->in_fd : -1;
}

bool machine_send_keys(struct machine *m, const uint8_t *set2, unsigned n)
{
    return i8042_kbd_queue(&m->kbc, set2, n);
}

void machine_quit(struct machine *m) { board_power_off(m); }
