/* The stdvga PCI function (QEMU `-vga std`): 1234:1111 revision 2, class 03/00/00 (VGA
 * compatible), subsystem 1af4:1100. BAR0: the linear framebuffer (prefetchable memory, the size
 * of video memory); BAR2: the 4 KiB register block; the expansion ROM BAR carries the VGA BIOS,
 * which SeaBIOS copies to 0xC0000 and runs. Values as QEMU 7.2 reports them to SeaBIOS
 * (/work/shared/reference/traces/trace.txt: ID, revision/class dword 0x03000002, BAR sizing
 * 0xff000008 and 0xfffff000, ROM BAR sizing 0xffff0000). */
#include "devices/vga.h"

bool vga_pci_init(struct vga *v, struct pci_bus *bus, uint8_t devfn, uint64_t vram_off,
                  uint64_t rom_off, uint32_t rom_size)
{
    struct pci_dev *d = &v->dev;
    pci_dev_init(d, "VGA", devfn, VGA_PCI_VENDOR, VGA_PCI_DEVICE, 0x02, 0x030000, 0x00);
    pci_set_word(d->cfg + PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
    pci_set_word(d->cfg + PCI_SUBSYSTEM_ID, 0x1100);
    pci_register_bar_backed(d, 0, PCI_BAR_MEM32, v->vram_size, true, vram_off);
    pci_register_bar(d, 2, PCI_BAR_MEM32, VGA_BAR2_SIZE, false, NULL, &vga_bar2_mmio_ops, v);
    if (rom_size) pci_register_bar_backed(d, PCI_ROM_SLOT, PCI_BAR_ROM, rom_size, false, rom_off);
    d->owner = v;
    pci_dev_seal(d);
    return pci_bus_add(bus, d);
}

void vga_pci_reset(struct vga *v) { pci_dev_reset(&v->dev); }
