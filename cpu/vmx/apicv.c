/* APIC virtualization in VMX non-root operation (SDM Vol.3C chapter 29): the virtual-APIC page,
 * TPR, PPR, EOI and self-IPI virtualization, the evaluation and delivery of virtual interrupts,
 * accesses to the APIC-access page (APIC-access VM exits, virtualized reads and writes,
 * APIC-write emulation and its exits), and posted-interrupt processing.
 *
 * RVI and SVI (24.4.2, the guest interrupt status) are kept in the cached VMCS field while the
 * guest runs: VM entry "loads" them by reading it and VM exit "saves" them by leaving it there
 * (26.3.2.5, 27.3.4). The virtual-APIC page is a physical address, read and written directly.
 *
 * Accesses to the APIC-access page come here from the TLB-miss path (mmu/access.c), which never
 * caches a translation to that page in the guest's context. A virtualized write must be followed
 * by APIC-write emulation as soon as its instruction completes (29.4.3.2), before the next one;
 * the run loop looks at events only between blocks, so a write by an instruction that is not the
 * last of the block being run restarts that instruction alone (apic_step), the way a fault would
 * restart it, and the emulation then runs at the boundary right after it (vmx_check_events).
 */
#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"
#include "mmu/memmap.h"

_Static_assert(VF_EOI_EXIT_BITMAP3 - VF_EOI_EXIT_BITMAP0 == 3, "EOI-exit bitmaps 0-3 in order");

/* Virtual-APIC page offsets (29.1.1) */
enum {
    VAPIC_TPR = 0x080, VAPIC_PPR = 0x0a0, VAPIC_EOI = 0x0b0, VAPIC_ISR = 0x100, VAPIC_IRR = 0x200,
    VAPIC_ICR_LO = 0x300, VAPIC_ICR_HI = 0x310,
};

static uint32_t vapic_rd(struct cpu *c, unsigned off)
{
    return (uint32_t)phys_read(c->mem, c->vmx->f[VF_VIRTUAL_APIC_PAGE_ADDR] + off, 4);
}
static void vapic_wr(struct cpu *c, unsigned off, uint32_t v)
{
    phys_write(c->mem, c->vmx->f[VF_VIRTUAL_APIC_PAGE_ADDR] + off, v, 4);
}

/* VISR and VIRR (29.1.1): bit x is bit (x & 1FH) of the dword at base | ((x & E0H) >> 1). */
static void vreg_bit(struct cpu *c, unsigned base, unsigned vec, bool set)
{
    unsigned off = base | ((vec & 0xe0) >> 1);
    uint32_t v = vapic_rd(c, off), bit = 1u << (vec & 31);
    vapic_wr(c, off, set ? v | bit : v & ~bit);
}
/* The highest vector set in VISR or VIRR, or 0 when none is (29.1.4, 29.2.2). */
static unsigned vreg_highest(struct cpu *c, unsigned base)
{
    for (int k = 7; k >= 0; k--) {
        uint32_t v = vapic_rd(c, base | (unsigned)k << 4);
        if (v) return (unsigned)k * 32 + 31 - (unsigned)__builtin_clz(v);
    }
    return 0;
}

/* Guest interrupt status: RVI bits 7:0, SVI bits 15:8 (24.4.2) */
static unsigned rvi(const struct vmx *x) { return x->f[VF_GUEST_INTERRUPT_STATUS] & 0xff; }
static unsigned svi(const struct vmx *x) { return (x->f[VF_GUEST_INTERRUPT_STATUS] >> 8) & 0xff; }
static void set_status(struct vmx *x, unsigned rv, unsigned sv)
{
    x->f[VF_GUEST_INTERRUPT_STATUS] = (rv & 0xff) | (sv & 0xff) << 8;
}

/* 29.1.3 PPR virtualization */
static void ppr_virt(struct cpu *c)
{
    uint32_t vtpr = vapic_rd(c, VAPIC_TPR);
    unsigned s = svi(c->vmx);
    vapic_wr(c, VAPIC_PPR, ((vtpr >> 4) & 0xf) >= (s >> 4) ? vtpr & 0xff : s & 0xf0);
}

/* 29.2.1 evaluation of pending virtual interrupts */
static void evaluate(struct cpu *c)
{
    struct vmx *x = c->vmx;
    unsigned vppr = vapic_rd(c, VAPIC_PPR);
    x->vintr_recognized = !(x->proc & CPU_INTR_WINDOW_EXITING) && (rvi(x) >> 4) > ((vppr >> 4) & 0xf);
    vmx_update_pending(c);
}

/* 29.1.2 TPR virtualization */
uint32_t vmx_apicv_tpr(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (!(x->proc2 & SEC_VIRT_INTR_DELIVERY))
        return ((vapic_rd(c, VAPIC_TPR) >> 4) & 0xf) < (x->f[VF_TPR_THRESHOLD] & 0xf) ? EXIT_TPR_BELOW_THRESHOLD : 0;
    ppr_virt(c);
    evaluate(c);
    return 0;
}

/* 29.1.4 EOI virtualization: returns EXIT_VIRTUALIZED_EOI (trap-like, qualification = the vector)
 * when the vector's bit in the EOI-exit bitmap is set, else 0. */
static uint32_t eoi_virt(struct cpu *c, uint64_t *qual)
{
    struct vmx *x = c->vmx;
    unsigned vec = svi(x);
    vreg_bit(c, VAPIC_ISR, vec, false);
    set_status(x, rvi(x), vreg_highest(c, VAPIC_ISR));
    ppr_virt(c);
    if ((x->f[VF_EOI_EXIT_BITMAP0 + vec / 64] >> (vec % 64)) & 1) {
        *qual = vec;
        return EXIT_VIRTUALIZED_EOI;
    }
    evaluate(c);
    return 0;
}

/* 29.1.5 self-IPI virtualization */
static void self_ipi(struct cpu *c, unsigned vec)
{
    struct vmx *x = c->vmx;
    vreg_bit(c, VAPIC_IRR, vec, true);
    if (vec > rvi(x)) set_status(x, vec, svi(x));
    evaluate(c);
}

/* 29.5 virtualizing MSR-based APIC accesses. The MSR bitmaps have been checked (no exit); the
 * special cases follow, each of them also when the local APIC is not in x2APIC mode. */
bool vmx_apicv_msr(struct cpu *c, uint32_t idx, bool write)
{
    struct vmx *x = c->vmx;
    uint64_t page = x->f[VF_VIRTUAL_APIC_PAGE_ADDR];
    bool vid = (x->proc2 & SEC_VIRT_INTR_DELIVERY) != 0;
    if (!write) {
        /* RDMSR of 808H (TPR), or with APIC-register virtualization of any MSR of the range:
         * EDX:EAX = the 8 bytes at offset (ECX & FFH) << 4 of the virtual-APIC page */
        if (idx != 0x808 && !(x->proc2 & SEC_APIC_REGISTER_VIRT)) return false;
        uint64_t v = phys_read(c->mem, page + ((idx & 0xffu) << 4), 8);
        c->gpr[0] = (uint32_t)v;
        c->gpr[2] = v >> 32;
        return true;
    }
    uint64_t v = cpu_edx_eax(c);
    uint64_t qual;
    switch (idx) {
    case 0x808:
        /* TPR: #GP(0) for any of bits 63:8; EDX:EAX to bytes 87H:80H, then TPR virtualization
         * (29.1.2: a trap-like TPR-below-threshold exit without virtual-interrupt delivery) */
        if (v >> 8) raise_gp(c, 0);
        phys_write(c->mem, page + VAPIC_TPR, v, 8);
        if (vmx_apicv_tpr(c)) vmx_exit_trap(c, EXIT_TPR_BELOW_THRESHOLD, 0);
        return true;
    case 0x80b:
        /* EOI, with virtual-interrupt delivery: #GP(0) unless EDX:EAX = 0; EOI virtualization
         * (29.1.4: a trap-like EOI-induced exit when the vector's EOI-exit bit is set) */
        if (!vid) return false;
        if (v) raise_gp(c, 0);
        if (eoi_virt(c, &qual)) vmx_exit_trap(c, EXIT_VIRTUALIZED_EOI, qual);
        return true;
    case 0x83f:
        /* SELF IPI, with virtual-interrupt delivery: #GP(0) for any of bits 63:8; a vector with
         * EAX[7:4] non-zero is self-IPI virtualization (29.1.5), vectors 0-15 an APIC-write exit
         * as if the value had been written to offset 3F0H of the APIC-access page (29.4.3.3),
         * so the value is on the virtual-APIC page there for the VMM */
        if (!vid) return false;
        if (v >> 8) raise_gp(c, 0);
        if (v & 0xf0) {
            self_ipi(c, (unsigned)v);
            return true;
        }
        vapic_wr(c, 0x3f0, (uint32_t)v);
        vmx_exit_trap(c, EXIT_APIC_WRITE, 0x3f0);
    default:
        /* everything else operates normally: the local APIC's MSR, #GP(0) outside x2APIC mode */
        return false;
    }
}

/* 29.4.3.2 APIC-write emulation of a virtualized write at page offset off: returns the exit
 * reason of a trap-like VM exit it causes (APIC write, TPR below threshold, virtualized EOI),
 * else 0. */
static uint32_t write_emulation(struct cpu *c, unsigned off, uint64_t *qual)
{
    struct vmx *x = c->vmx;
    bool vid = (x->proc2 & SEC_VIRT_INTR_DELIVERY) != 0;
    *qual = off; /* 29.4.3.3: an APIC-write exit reports the page offset of the write */
    switch (off & ~3u) {
    case VAPIC_TPR: /* bytes 3:1 of VTPR cleared, then TPR virtualization */
        vapic_wr(c, VAPIC_TPR, vapic_rd(c, VAPIC_TPR) & 0xff);
        *qual = 0;
        return vmx_apicv_tpr(c);
    case VAPIC_EOI: /* with virtual-interrupt delivery: VEOI cleared, then EOI virtualization */
        if (!vid) return EXIT_APIC_WRITE;
        vapic_wr(c, VAPIC_EOI, 0);
        return eoi_virt(c, qual);
    case VAPIC_ICR_LO: {
        /* a self-IPI is virtualized: reserved bits 31:20, 17:16, 13 and delivery status (12)
         * clear, shorthand (19:18) self, edge (15 = 0), fixed (10:8 = 0), vector 7:4 not 0 */
        uint32_t icr = vapic_rd(c, VAPIC_ICR_LO);
        if (vid && !(icr & 0xfff33000u) && ((icr >> 18) & 3) == 1 && !(icr & 0x8000u) && !(icr & 0x700u) &&
            (icr & 0xf0u)) {
            self_ipi(c, icr & 0xff);
            return 0;
        }
        return EXIT_APIC_WRITE;
    }
    case VAPIC_ICR_HI: /* bytes 2:0 of VICR_HI cleared; nothing else happens */
        vapic_wr(c, VAPIC_ICR_HI, vapic_rd(c, VAPIC_ICR_HI) & 0xff000000u);
        return 0;
    default:
        return EXIT_APIC_WRITE;
    }
}

/* Is an access at page offset off (entirely within the low 4 bytes of a 16-byte region) one the
 * controls virtualize? Reads: 29.4.2, writes: 29.4.3.1. */
static bool offset_virtualized(const struct vmx *x, unsigned off, bool write)
{
    if (!(x->proc2 & (SEC_APIC_REGISTER_VIRT | SEC_VIRT_INTR_DELIVERY))) return off == VAPIC_TPR;
    if (!(x->proc2 & SEC_APIC_REGISTER_VIRT)) return off == VAPIC_TPR || off == VAPIC_EOI || off == VAPIC_ICR_LO;
    /* APIC-register virtualization: the registers of the two lists */
    unsigned reg = off & 0xff0;
    switch (reg) {
    case 0x020: /* local APIC ID */
    case 0x080: case 0x0b0: case 0x0d0: case 0x0e0: case 0x0f0: /* TPR, EOI, LDR, DFR, SVR */
    case 0x280: case 0x300: case 0x310: case 0x380: case 0x3e0: /* ESR, ICR, initial count, DCR */
        return true;
    case 0x030: /* version: read only */
        return !write;
    default:
        if (reg >= 0x320 && reg <= 0x370) return true; /* the LVT entries */
        return !write && reg >= 0x100 && reg <= 0x270;  /* ISR, TMR, IRR: read only */
    }
}

/* The access that led to an APIC-access VM exit occurred during delivery of a software
 * interrupt or software exception: the exit reports that instruction's length (27.2.5). */
static void note_soft_delivery(struct vmx *x, const struct cpu *c)
{
    unsigned t = (x->deliv_info >> 8) & 7;
    x->exit_insn = false;
    if (x->deliv_info && (t == INTR_TYPE_SW_INT || t == INTR_TYPE_PRIV_SW_EXC || t == INTR_TYPE_SW_EXC)) {
        x->exit_insn = true;
        x->exit_insn_len = x->deliv_injected ? x->inject_len : c->cur ? c->cur->len : 0;
    }
}

/* An APIC-access VM exit (reason 44), fault-like: the run loop rolls RIP back to the
 * instruction, and an event being delivered goes to the IDT-vectoring information (27.2.4).
 * Qualification (27.2.1, table 27-6): page offset 11:0, access type 15:12. */
static NORETURN void access_exit(struct cpu *c, unsigned off, unsigned type)
{
    struct vmx *x = c->vmx;
    note_soft_delivery(x, c);
    x->exit_reason = EXIT_APIC_ACCESS;
    x->exit_qual = off | type << 12;
    longjmp(c->jb, 3);
}

/* Access types of table 27-6 */
enum { AT_READ = 0, AT_WRITE = 1, AT_FETCH = 2, AT_EVENT = 3, AT_GPA_EVENT = 10, AT_GPA = 15 };

uint64_t vmx_apic_access(struct cpu *c, uint64_t pa, unsigned acc, unsigned size, int how)
{
    struct vmx *x = c->vmx;
    unsigned off = (unsigned)(pa & 0xfff);
    bool write = how == APIC_ACC_WRITE || how == APIC_ACC_PROBE;
    /* 29.4.2 and 29.4.3.1: the access exits when the TPR shadow is off, for a fetch, for more
     * than 32 bits, outside the low 4 bytes of a 16-byte region, at an offset the controls do not
     * virtualize, or within an operation that already virtualized a write (a write then only
     * repeats at the same offset and size) */
    bool ok = (x->proc & CPU_TPR_SHADOW) && !(acc & ACC_FETCH) && how != APIC_ACC_NODATA && size >= 1 &&
              (off & 0xf) + size <= 4 && offset_virtualized(x, off, write);
    if (ok && x->apic_write_pending) ok = write && x->apic_write_off == off && x->apic_write_size == size;
    if (!ok) {
        /* 27.2.1: a read-modify-write reports a write, as a #PF error code would */
        unsigned type = (acc & ACC_FETCH) ? AT_FETCH : x->deliv_info ? AT_EVENT : (acc & ACC_WRITE) ? AT_WRITE : AT_READ;
        access_exit(c, off, type);
    }
    if (write) {
        if (c->blk_first && c->cur + 1 < c->blk_end) {
            /* more instructions of this block would run before the emulation: restart this
             * one on its own (its earlier effects are redone, as after a #PF) */
            x->apic_step = true;
            vmx_update_pending(c);
            RIP(c) = cpu_insn_rip(c);
            longjmp(c->jb, 2);
        }
        if (how == APIC_ACC_WRITE) {
            x->apic_write_pending = true;
            x->apic_write_off = (uint16_t)off;
            x->apic_write_size = (uint8_t)size;
            vmx_update_pending(c);
        }
    }
    /* the access goes to the same offset on the virtual-APIC page */
    return x->f[VF_VIRTUAL_APIC_PAGE_ADDR] + off;
}

NORETURN void vmx_apic_access_gpa(struct cpu *c, uint64_t gpa)
{
    /* 29.4.6.1: never virtualized; qualification bits 11:0 are undefined, turtles reports the
     * page offset */
    access_exit(c, (unsigned)(gpa & 0xfff), c->vmx->deliv_info ? AT_GPA_EVENT : AT_GPA);
}

void vmx_apicv_entry(struct cpu *c)
{
    struct vmx *x = c->vmx;
    const uint64_t *f = x->f;
    x->apic_access_page = (x->proc2 & SEC_VIRT_APIC_ACCESSES) ? f[VF_APIC_ACCESS_ADDR] : ~0ull;
    x->vintr_recognized = x->apic_write_pending = x->apic_step = x->tpr_exit_pending = false;
    if (x->proc2 & SEC_VIRT_INTR_DELIVERY) {
        /* 26.3.2.5: RVI and SVI from the guest interrupt status, PPR virtualization, then the
         * evaluation of pending virtual interrupts; a recognized one is delivered after any
         * injected event (vmx_check_events) */
        ppr_virt(c);
        evaluate(c);
    } else if ((x->proc & CPU_TPR_SHADOW) && (x->proc2 & SEC_VIRT_APIC_ACCESSES)) {
        /* 26.7.7: without the entry check (26.2.1.1), a threshold above VTPR[7:4] is a
         * TPR-below-threshold exit right after VM entry and any injection */
        x->tpr_exit_pending = (f[VF_TPR_THRESHOLD] & 0xf) > ((vapic_rd(c, VAPIC_TPR) >> 4) & 0xf);
    }
}

uint32_t vmx_apicv_pending_trap(struct cpu *c, uint64_t *qual)
{
    struct vmx *x = c->vmx;
    uint32_t r = 0;
    *qual = 0;
    if (x->apic_write_pending) {
        /* 29.4.3.2: after the operation that wrote; not blocked by RFLAGS.IF, STI or MOV SS */
        x->apic_write_pending = false;
        r = write_emulation(c, x->apic_write_off, qual);
    } else if (x->tpr_exit_pending) {
        x->tpr_exit_pending = false;
        r = EXIT_TPR_BELOW_THRESHOLD;
    }
    vmx_update_pending(c);
    return r;
}

bool vmx_apicv_posted(struct cpu *c, int vec)
{
    struct vmx *x = c->vmx;
    if ((unsigned)vec != (x->f[VF_POSTED_INTR_NV] & 0xff)) return false;
    /* 29.6: the 64-byte descriptor holds PIR (bits 255:0) and ON (bit 256) */
    uint64_t d = x->f[VF_POSTED_INTR_DESC_ADDR];
    /* 3. clear ON, leaving the rest of the descriptor alone */
    phys_write(c->mem, d + 32, phys_read(c->mem, d + 32, 1) & ~1u, 1);
    /* 4. dismiss the notification: write 0 to the local APIC's EOI register: MSR 80BH in
     * x2APIC mode (whose MMIO interface is off, SDM Vol.3A 11.12.2), else at the IA32_APIC_BASE
     * address, where the board maps it */
    uint64_t base = c->apic ? c->apic_base_get(c->apic) : c->apic_base;
    if ((base & (1ull << 10)) && c->apic && c->apic_msr_write)
        (void)c->apic_msr_write(c->apic, 0x80b, 0);
    else
        phys_write(c->mem, (base & ~0xfffull & ((1ull << x->caps.maxphys) - 1)) + 0xb0, 0, 4);
    /* 5. PIR into VIRR, PIR cleared; 6. RVI = max(RVI, highest PIR bit) */
    unsigned rv = rvi(x);
    for (unsigned k = 0; k < 8; k++) {
        uint32_t pir = (uint32_t)phys_read(c->mem, d + 4 * k, 4);
        if (!pir) continue;
        phys_write(c->mem, d + 4 * k, 0, 4);
        vapic_wr(c, VAPIC_IRR | k << 4, vapic_rd(c, VAPIC_IRR | k << 4) | pir);
        unsigned hi = k * 32 + 31 - (unsigned)__builtin_clz(pir);
        if (hi > rv) rv = hi;
    }
    set_status(x, rv, svi(x));
    /* 7. evaluation; a recognized virtual interrupt is delivered at once (vmx_check_events) */
    evaluate(c);
    return true;
}

bool vmx_apicv_deliver(struct cpu *c)
{
    struct vmx *x = c->vmx;
    /* 29.2.2: RFLAGS.IF = 1, no blocking by STI or MOV SS, interrupt-window exiting 0 */
    if (!x->vintr_recognized || !(c->rflags & FL_IF) || (c->pending & PEND_INHIBIT) ||
        (x->proc & CPU_INTR_WINDOW_EXITING))
        return false;
    unsigned vec = rvi(x);
    vreg_bit(c, VAPIC_ISR, vec, true);
    set_status(x, rvi(x), vec);
    vapic_wr(c, VAPIC_PPR, vec & 0xf0);
    vreg_bit(c, VAPIC_IRR, vec, false);
    set_status(x, vreg_highest(c, VAPIC_IRR), vec);
    x->vintr_recognized = false; /* recognition ceases with the delivery */
    vmx_update_pending(c);
    c->halted = 0; /* it wakes the processor as an external interrupt would */
    c->insn_rip = RIP(c);
    cpu_deliver_event(c, (int)vec, EV_EXT, false, 0);
    return true;
}
