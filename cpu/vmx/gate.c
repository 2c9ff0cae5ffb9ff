/* VMX non-root operation (SDM Vol.3C chapter 25): the decode-time intercept gate, exceptions and
 * event delivery, task-switch exits, asynchronous exits, held debug traps and the CR0/CR4 read
 * shadows.
 *
 * When the decode context says "VMX non-root" (CTX_VMX), every catalogue entry with an intercept
 * class gets op_vmx_gate instead of its handler. The gate applies the exceptions that have
 * priority over VM exits (SDM Vol.3C 25.1.1: #UD, privilege-level faults, I/O-permission #GP),
 * decides from the current controls whether the instruction exits, and otherwise runs the plain
 * handler. Code outside non-root operation never sees the gate.
 */
#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"
#include "mmu/ept.h"
#include "mmu/memmap.h"

const struct op_handlers *cpu_handler_table(void);

static void run_plain(struct cpu *c, const struct insn *i)
{
    const struct op_handlers *h = &cpu_handler_table()[i->op];
    ((i->pfx & PFX_MEM) ? h->m : h->r)(c, i);
}

NORETURN void vmx_exit_trap(struct cpu *c, uint32_t reason, uint64_t qual)
{
    struct vmx *x = c->vmx;
    /* The instruction completed, so blocking by MOV SS has ended, but its debug traps (single
     * step, data breakpoints, and those MOV SS held back) have lower priority than this exit
     * and stay pending (SDM Vol.3C 29.1.2, 27.3.4). */
    uint32_t held = (c->dbp_pending | c->dbp_hit) & PDBG_B0_3;
    bool enabled = c->dbp_hit || (c->dbp_pending & DBP_ENABLED);
    x->dbg_trap |= held | (enabled ? PDBG_ENABLED_BP : 0) | ((c->rflags & FL_TF) ? PDBG_BS : 0);
    c->dbp_pending = c->dbp_hit = 0;
    c->in_shadow = false;
    x->exit_reason = reason;
    x->exit_qual = qual;
    x->exit_insn = false;
    longjmp(c->jb, 5);
}

NORETURN void vmx_exit_insn(struct cpu *c, uint32_t reason, uint64_t qual)
{
    struct vmx *x = c->vmx;
    x->exit_reason = reason;
    x->exit_qual = qual;
    x->exit_insn = true;
    x->exit_insn_len = c->cur ? c->cur->len : 0;
    longjmp(c->jb, 3);
}

/* Task switches (SDM Vol.3C 25.4.2): a VM exit replaces every task switch, after the task gate,
 * new TSS selector and new TSS descriptor checks (task.c and its callers make them first) and
 * before anything is changed; whether a page fault on the old or new TSS comes first is
 * implementation-specific, and turtles does not touch either TSS before the exit.
 *   exit qualification (27.2.1, table 27-2): 15:0 the selector of the new TSS; 31:30 the source:
 *       0 CALL, 1 IRET, 2 JMP, 3 a task gate in the IDT
 *   instruction length (27.2.5): for CALL, IRET and JMP, and for a task gate reached while
 *       delivering a software interrupt or a (privileged) software exception (INT n, INT3, INTO,
 *       INT1, or such an event injected by VM entry: then the VM-entry instruction length)
 *   IDT-vectoring information (27.2.4): the event whose delivery met the task gate
 *       (vmx_do_exit reports deliv_info)
 *   guest RIP: the instruction (fault-like); for an event, its return point as a fault in its
 *       delivery would report it (the INT n itself for a software interrupt)
 *   guest RFLAGS.RF (27.3.3): what the old TSS would have received */
NORETURN void vmx_exit_task_switch(struct cpu *c, uint16_t tss_sel, int why, uint32_t rf)
{
    struct vmx *x = c->vmx;
    unsigned src;
    switch (why) {
    case TS_CALL: src = 0; break;
    case TS_IRET: src = 1; break;
    case TS_JMP: src = 2; break;
    default: src = 3; break;
    }
    x->exit_reason = EXIT_TASK_SWITCH;
    x->exit_qual = tss_sel | (uint64_t)src << 30;
    x->exit_insn = src != 3;
    x->exit_insn_len = c->cur ? c->cur->len : 0;
    if (src == 3 && x->deliv_info) {
        unsigned t = (x->deliv_info >> 8) & 7;
        if (t == INTR_TYPE_SW_INT || t == INTR_TYPE_PRIV_SW_EXC || t == INTR_TYPE_SW_EXC) {
            x->exit_insn = true;
            x->exit_insn_len = x->deliv_injected ? x->inject_len : c->cur ? c->cur->len : 0;
        }
    }
    c->rflags |= rf;
    /* the run loop rolls RIP back to the instruction (or the event's return point) and exits */
    longjmp(c->jb, 3);
}

/* Instruction-information field for an instruction with a memory or register operand
 * (SDM Vol.3C 27.2.5, tables 27-10..27-14): scaling 1:0, reg1 6:3, address size 9:7,
 * register form 10, segment 17:15, index 21:18 (+invalid 22), base 26:23 (+invalid 27),
 * reg2 31:28. */
uint32_t vmx_insn_info(const struct insn *i, unsigned reg2)
{
    uint32_t v = (uint32_t)(i->asz - 1) << 7 | (reg2 & 0xf) << 28;
    if (!(i->pfx & PFX_MEM)) return v | 1u << 10 | (uint32_t)(i->rm & 0xf) << 3;
    v |= i->scale & 3u;
    v |= (uint32_t)(i->seg & 7) << 15;
    if (i->index == REG_NONE) v |= 1u << 22; else v |= (uint32_t)(i->index & 0xf) << 18;
    if (i->base == REG_NONE || i->base == REG_RIP) v |= 1u << 27; else v |= (uint32_t)(i->base & 0xf) << 23;
    return v;
}

/* Exit qualification of an instruction with a memory operand (SDM Vol.3C 27.2.1): the
 * sign-extended displacement, or 0 for a register operand. With RIP-relative addressing the
 * base is reported invalid and the qualification is the displacement plus the RIP of the next
 * instruction (the effective address; EIP-relative with a 32-bit address size). RIP has already
 * advanced past the instruction when a gate runs. */
static uint64_t insn_disp_qual(const struct cpu *c, const struct insn *i)
{
    if (!(i->pfx & PFX_MEM)) return 0;
    uint64_t q = (uint64_t)(int64_t)i->disp;
    if (i->base == REG_RIP) {
        q += RIP(c);
        if (i->asz != 3) q &= 0xffffffffull;
    }
    return q;
}

/* ---- CR0/CR4 guest/host masks and read shadows (SDM Vol.3C 25.3) ---- */
uint64_t vmx_read_cr_shadowed(const struct cpu *c, unsigned n, uint64_t actual)
{
    const uint64_t *f = c->vmx->f;
    uint64_t mask = n == 0 ? f[VF_CR0_GUEST_HOST_MASK] : f[VF_CR4_GUEST_HOST_MASK];
    uint64_t shadow = n == 0 ? f[VF_CR0_READ_SHADOW] : f[VF_CR4_READ_SHADOW];
    return (actual & ~mask) | (shadow & mask);
}

/* MOV to CR0/CR4 exits when a bit owned by the host (mask = 1) would differ from its read
 * shadow (SDM Vol.3C 25.1.3); otherwise only the guest-owned bits change. Returns the value to
 * write. */
static uint64_t cr_write_filter(struct cpu *c, unsigned n, uint64_t v, uint64_t qual)
{
    const uint64_t *f = c->vmx->f;
    uint64_t mask = n == 0 ? f[VF_CR0_GUEST_HOST_MASK] : f[VF_CR4_GUEST_HOST_MASK];
    uint64_t shadow = n == 0 ? f[VF_CR0_READ_SHADOW] : f[VF_CR4_READ_SHADOW];
    if ((v ^ shadow) & mask) vmx_exit_insn(c, EXIT_CR_ACCESS, qual);
    uint64_t cur = n == 0 ? c->cr0 : c->cr4;
    return (v & ~mask) | (cur & mask);
}

/* CR-access exit qualification (SDM Vol.3C 27.2.1, table 27-3). */
static uint64_t cr_qual(unsigned cr, unsigned access, unsigned gpr)
{
    return cr | access << 4 | (uint64_t)gpr << 8;
}

static void gate_cr_read(struct cpu *c, const struct insn *i)
{
    struct vmx *x = c->vmx;
    if (i->op == OP_smsw) {
        /* SMSW reads the shadowed CR0 (SDM Vol.3C 25.3), after the UMIP check */
        cpu_check_umip(c);
        uint64_t v = vmx_read_cr_shadowed(c, 0, c->cr0);
        if (i->pfx & PFX_MEM) wr16(c, i->seg, ea(c, i), (uint16_t)v);
        else set_reg(c, i->rm, i->osz, i->osz == 1 ? (uint16_t)v : v);
        return;
    }
    unsigned n = i->reg;
    if (!(n == 0 || n == 2 || n == 3 || n == 4 || (n == 8 && c->mode64))) raise_ud(c);
    if (c->cpl) raise_gp(c, 0);
    if (n == 3 && (x->proc & CPU_CR3_STORE_EXITING)) vmx_exit_insn(c, EXIT_CR_ACCESS, cr_qual(3, 1, i->rm));
    if (n == 8 && (x->proc & CPU_CR8_STORE_EXITING)) vmx_exit_insn(c, EXIT_CR_ACCESS, cr_qual(8, 1, i->rm));
    if (n == 8 && (x->proc & CPU_TPR_SHADOW)) {
        /* CR8 reads VTPR[7:4] from the virtual-APIC page (SDM Vol.3C 29.3) */
        c->gpr[i->rm] = (phys_read(c->mem, x->f[VF_VIRTUAL_APIC_PAGE_ADDR] + 0x80, 4) >> 4) & 0xf;
        return;
    }
    if (n == 0 || n == 4) {
        uint64_t v = vmx_read_cr_shadowed(c, n, n == 0 ? c->cr0 : c->cr4);
        c->gpr[i->rm] = c->mode64 ? v : (uint32_t)v;
        return;
    }
    run_plain(c, i);
}

static void gate_cr_write(struct cpu *c, const struct insn *i)
{
    struct vmx *x = c->vmx;
    const uint64_t *f = x->f;
    if (i->op == OP_clts) {
        if (c->cpl) raise_gp(c, 0);
        /* CLTS exits when the host owns TS and the shadow has TS set (25.1.3) */
        if ((f[VF_CR0_GUEST_HOST_MASK] & CR0_TS) && (f[VF_CR0_READ_SHADOW] & CR0_TS))
            vmx_exit_insn(c, EXIT_CR_ACCESS, cr_qual(0, 2, 0));
        if (!(f[VF_CR0_GUEST_HOST_MASK] & CR0_TS)) run_plain(c, i);
        return;
    }
    if (i->op == OP_lmsw) {
        if (c->cpl) raise_gp(c, 0);
        bool mem = (i->pfx & PFX_MEM) != 0;
        uint16_t src = mem ? rd16(c, i->seg, ea(c, i)) : (uint16_t)c->gpr[i->rm];
        uint64_t mask = f[VF_CR0_GUEST_HOST_MASK], shadow = f[VF_CR0_READ_SHADOW];
        /* 25.1.3: LMSW exits if a host-owned bit among PE/MP/EM/TS would change, or PE would be
         * set while the shadow has it clear */
        bool ex = ((mask & CR0_PE) && !(shadow & CR0_PE) && (src & CR0_PE)) ||
                  (((src ^ shadow) & mask) & (CR0_MP | CR0_EM | CR0_TS));
        if (ex) {
            if (mem) {
                x->exit_gla = (c->seg[i->seg].eff_base + ea(c, i)) & c->lin_mask;
                x->exit_gla_valid = true;
            }
            vmx_exit_insn(c, EXIT_CR_ACCESS, cr_qual(0, 3, 0) | (mem ? 1u << 6 : 0) | (uint64_t)src << 16);
        }
        /* only guest-owned bits change; PE can be set, never cleared */
        uint64_t own = ~mask & 0xf;
        uint64_t v = (c->cr0 & ~own) | (src & own);
        if (c->cr0 & CR0_PE) v |= CR0_PE;
        cpu_write_cr(c, 0, v);
        return;
    }
    unsigned n = i->reg;
    if (!(n == 0 || n == 2 || n == 3 || n == 4 || (n == 8 && c->mode64))) raise_ud(c);
    if (c->cpl) raise_gp(c, 0);
    uint64_t v = c->mode64 ? c->gpr[i->rm] : (uint32_t)c->gpr[i->rm];
    uint64_t q = cr_qual(n, 0, i->rm);
    switch (n) {
    case 0: case 4:
        cpu_write_cr(c, n, cr_write_filter(c, n, v, q));
        return;
    case 3:
        if (x->proc & CPU_CR3_LOAD_EXITING) {
            /* no exit when the value matches one of the first CR3-target-count targets (25.1.3) */
            bool hit = false;
            for (unsigned k = 0; k < f[VF_CR3_TARGET_COUNT] && k < 4; k++)
                if (f[VF_CR3_TARGET_VALUE0 + k] == v) hit = true;
            if (!hit) vmx_exit_insn(c, EXIT_CR_ACCESS, q);
        }
        break;
    case 8:
        if (x->proc & CPU_CR8_LOAD_EXITING) vmx_exit_insn(c, EXIT_CR_ACCESS, q);
        if (x->proc & CPU_TPR_SHADOW) {
            /* MOV to CR8 writes VTPR (bits 7:4 = the value, the rest of the dword 0) and then
             * virtualizes the TPR: without virtual-interrupt delivery, a VTPR class below the
             * TPR threshold is a trap-like VM exit; with it, PPR virtualization and the
             * evaluation of pending virtual interrupts (SDM Vol.3C 29.3, 29.1.2) */
            if (v >> 4) raise_gp(c, 0);
            phys_write(c->mem, f[VF_VIRTUAL_APIC_PAGE_ADDR] + 0x80, (uint32_t)(v << 4), 4);
            if (vmx_apicv_tpr(c)) vmx_exit_trap(c, EXIT_TPR_BELOW_THRESHOLD, 0);
            return;
        }
        break;
    default: break;
    }
    run_plain(c, i);
}

/* I/O instructions (SDM Vol.3C 25.1.3): the I/O-permission #GP comes first; then unconditional
 * I/O exiting or the bitmaps (A: ports 0-7FFF, B: 8000-FFFF), where an access that wraps past
 * FFFF always exits. Exit qualification: table 27-5. */
static void gate_io(struct cpu *c, const struct insn *i)
{
    struct vmx *x = c->vmx;
    bool str = op_info[i->op].attr & A_STR;
    bool in, imm = false;
    unsigned size;
    uint16_t port;
    switch (i->op) {
    case OP_in_ALIb: case OP_in_eAXIb: in = true; imm = true; break;
    case OP_out_IbAL: case OP_out_IbeAX: in = false; imm = true; break;
    case OP_in_ALDX: case OP_in_eAXDX: case OP_insb: case OP_insv: in = true; break;
    default: in = false; break;
    }
    switch (i->op) {
    case OP_in_ALIb: case OP_out_IbAL: case OP_in_ALDX: case OP_out_DXAL: case OP_insb: case OP_outsb: size = 1; break;
    default: size = i->osz == 1 ? 2 : 4; break;
    }
    port = imm ? (uint16_t)i->imm : (uint16_t)c->gpr[2];
    cpu_check_io(c, port, size);
    bool ex;
    if (x->proc & CPU_USE_IO_BITMAPS) {
        ex = false;
        for (unsigned k = 0; k < size; k++) {
            uint32_t p = (uint32_t)port + k;
            if (p > 0xffff) {
                ex = true;
                break;
            }
            uint64_t bm = p < 0x8000 ? x->f[VF_IO_BITMAP_A] : x->f[VF_IO_BITMAP_B];
            if ((phys_read(c->mem, bm + ((p & 0x7fff) >> 3), 1) >> (p & 7)) & 1) ex = true;
        }
    } else {
        ex = (x->proc & CPU_UNCOND_IO_EXITING) != 0;
    }
    if (!ex) {
        run_plain(c, i);
        return;
    }
    bool rep = str && (i->pfx & (PFX_REP | PFX_REPNE));
    uint64_t q = (size - 1) | (in ? 8u : 0) | (str ? 16u : 0) | (rep ? 32u : 0) | (imm ? 64u : 0) |
                 (uint64_t)port << 16;
    if (str) {
        /* string I/O: guest-linear address of the memory operand and the instruction information
         * (address size 9:7, segment 17:15; SDM Vol.3C 27.2.5 table 27-8) */
        unsigned seg = in ? SEG_ES : i->seg;
        uint64_t off = (in ? c->gpr[7] : c->gpr[6]) & sz_mask(i->asz);
        x->exit_gla = (c->seg[seg].eff_base + off) & c->lin_mask;
        x->exit_gla_valid = true;
        x->exit_insn_info = (uint32_t)(i->asz - 1) << 7 | (uint32_t)(in ? SEG_ES : i->seg) << 15;
    }
    vmx_exit_insn(c, EXIT_IO_INSTRUCTION, q);
}

/* RDMSR/WRMSR (SDM Vol.3C 25.1.3): #GP at CPL > 0 first; then MSR bitmaps when enabled: read
 * bitmap low (0-1FFF) at offset 0, high (C0000000-C0001FFF) at 1024, write bitmaps at 2048 and
 * 3072; MSRs outside both ranges always exit. An x2APIC MSR that does not exit may then be
 * virtualized (29.5, "virtualize x2APIC mode"). */
static void gate_msr(struct cpu *c, const struct insn *i)
{
    struct vmx *x = c->vmx;
    if (c->cpl) raise_gp(c, 0);
    bool wr = i->op == OP_wrmsr;
    uint32_t idx = (uint32_t)c->gpr[1];
    bool ex = true;
    if (x->proc & CPU_USE_MSR_BITMAPS) {
        uint64_t base = x->f[VF_MSR_BITMAP] + (wr ? 2048 : 0);
        if (idx <= 0x1fff)
            ex = (phys_read(c->mem, base + (idx >> 3), 1) >> (idx & 7)) & 1;
        else if (idx >= 0xc0000000u && idx <= 0xc0001fffu)
            ex = (phys_read(c->mem, base + 1024 + ((idx & 0x1fff) >> 3), 1) >> (idx & 7)) & 1;
    }
    if (ex) vmx_exit_insn(c, wr ? EXIT_WRMSR : EXIT_RDMSR, 0);
    if ((x->proc2 & SEC_VIRT_X2APIC) && idx >= 0x800 && idx <= 0x8ff && vmx_apicv_msr(c, idx, wr)) return;
    run_plain(c, i);
}

/* VMFUNC in non-root operation (SDM Vol.3C 25.5.6, 30.3 VMFUNC): #UD without "enable VM
 * functions"; a VM exit (59) for a function that is not enabled or fails; function 0, EPTP
 * switching, loads entry ECX of the EPTP list if it is a valid EPTP. Not privileged. */
static void vmfunc(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (!(x->proc2 & SEC_ENABLE_VMFUNC)) raise_ud(c);
    uint64_t fn = (uint32_t)c->gpr[0];
    if (fn > 63 || !((x->f[VF_VM_FUNCTION_CONTROLS] >> fn) & 1)) vmx_exit_insn(c, EXIT_VMFUNC, 0);
    uint64_t idx = (uint32_t)c->gpr[1];
    if (idx >= 512) vmx_exit_insn(c, EXIT_VMFUNC, 0);
    uint64_t eptp = phys_read(c->mem, x->f[VF_EPTP_LIST_ADDRESS] + 8 * idx, 8);
    if (!ept_eptp_valid(eptp, x->caps.maxphys, (x->caps.ept_vpid >> 21) & 1)) vmx_exit_insn(c, EXIT_VMFUNC, 0);
    x->f[VF_EPT_POINTER] = eptp;
    /* combined translations belong to the old EPTP: with VPIDs the new EPTP gets its own
     * context (28.3.3.1), without them the shared TLB is flushed */
    if (x->tlb_active)
        vmx_tlb_select_guest(c);
    else
        tlb_flush_all(c->tlb);
}

/* VMCS shadowing (SDM Vol.3C 24.10, 30.3 VMREAD/VMWRITE): with the control on, a VMREAD or
 * VMWRITE whose field encoding (below 8000H) has a clear bit in the VMREAD/VMWRITE bitmap
 * works on the shadow VMCS named by the VMCS link pointer instead of exiting. Returns true when
 * the instruction was done that way. May raise (#GP at CPL > 0, operand faults). */
static bool shadow_access(struct cpu *c, const struct insn *i, bool write)
{
    struct vmx *x = c->vmx;
    if (!(x->proc2 & SEC_VMCS_SHADOWING)) return false;
    uint64_t enc = c->mode64 ? c->gpr[i->reg] : (uint32_t)c->gpr[i->reg];
    if (enc >> 15) return false;
    uint64_t bm = x->f[write ? VF_VMWRITE_BITMAP : VF_VMREAD_BITMAP];
    if ((phys_read(c->mem, bm + (enc >> 3), 1) >> (enc & 7)) & 1) return false;
    if (c->cpl) raise_gp(c, 0);
    uint64_t link = x->f[VF_VMCS_LINK_POINTER];
    uint64_t v = 0;
    if (write) {
        if (i->pfx & PFX_MEM) v = c->mode64 ? rd64(c, i->seg, ea(c, i)) : rd32(c, i->seg, ea(c, i));
        else v = c->mode64 ? c->gpr[i->rm] : (uint32_t)c->gpr[i->rm];
    }
    if (link == ~0ull) {
        set_arith_flags(c, FL_CF); /* VMfailInvalid */
        return true;
    }
    struct vmcs_access a = vmcs_lookup(enc);
    unsigned err = 0;
    if (a.id < 0) err = VMXERR_UNSUPPORTED_FIELD;
    else if (write && vmcs_fields[a.id].type == VT_EXIT_INFO && !((x->caps.misc >> 29) & 1))
        err = VMXERR_VMWRITE_READ_ONLY;
    if (err) {
        /* VMfailValid: the error goes to the VMCS the guest works on, the shadow VMCS */
        int e = vmcs_lookup(0x4400).id;
        phys_write(c->mem, link + VMCS_OFF_FIELDS + 8u * (unsigned)e, err, 8);
        set_arith_flags(c, FL_ZF);
        return true;
    }
    uint64_t slot = link + VMCS_OFF_FIELDS + 8u * (unsigned)a.id;
    uint64_t stored = phys_read(c->mem, slot, 8);
    if (write) {
        phys_write(c->mem, slot, vmcs_field_put(stored, a, v), 8);
    } else {
        v = vmcs_field_get(stored, a);
        if (i->pfx & PFX_MEM) {
            if (c->mode64) wr64(c, i->seg, ea(c, i), v);
            else wr32(c, i->seg, ea(c, i), (uint32_t)v);
        } else {
            set_reg(c, i->rm, c->mode64 ? 3 : 2, v);
        }
    }
    set_arith_flags(c, 0); /* VMsucceed */
    return true;
}

/* The #UD conditions of the VMX instructions that precede their VM exit in non-root operation
 * (SDM Vol.3C 30.3: CR0.PE = 0, RFLAGS.VM = 1, or compatibility mode). */
static void gate_vmx_insn(struct cpu *c, const struct insn *i)
{
    struct vmx *x = c->vmx;
    static const struct { uint16_t op; uint8_t reason; } map[] = {
        {OP_vmcall, EXIT_VMCALL}, {OP_vmclear, EXIT_VMCLEAR}, {OP_vmlaunch, EXIT_VMLAUNCH},
        {OP_vmptrld, EXIT_VMPTRLD}, {OP_vmptrst, EXIT_VMPTRST}, {OP_vmread, EXIT_VMREAD},
        {OP_vmresume, EXIT_VMRESUME}, {OP_vmwrite, EXIT_VMWRITE}, {OP_vmxoff, EXIT_VMXOFF},
        {OP_vmxon, EXIT_VMXON}, {OP_invept, EXIT_INVEPT}, {OP_invvpid, EXIT_INVVPID},
        {OP_vmfunc, EXIT_VMFUNC},
    };
    unsigned reason = EXIT_VMCALL;
    for (unsigned k = 0; k < sizeof map / sizeof map[0]; k++)
        if (map[k].op == i->op) reason = map[k].reason;
    if (reason == EXIT_VMFUNC) {
        vmfunc(c);
        return;
    }
    /* INVEPT/INVVPID are #UD when the capability MSR does not report them (30.3) */
    if (reason == EXIT_INVEPT && !((x->caps.ept_vpid >> 20) & 1)) raise_ud(c);
    if (reason == EXIT_INVVPID && !((x->caps.ept_vpid >> 32) & 1)) raise_ud(c);
    if (reason != EXIT_VMCALL &&
        (!(c->cr0 & CR0_PE) || (c->rflags & FL_VM) || ((c->efer & EFER_LMA) && !c->mode64)))
        raise_ud(c);
    unsigned reg2 = 0;
    switch (reason) {
    case EXIT_VMREAD: case EXIT_VMWRITE: case EXIT_INVEPT: case EXIT_INVVPID: reg2 = i->reg; break;
    default: break;
    }
    if ((reason == EXIT_VMREAD || reason == EXIT_VMWRITE) && shadow_access(c, i, reason == EXIT_VMWRITE)) return;
    uint64_t q = insn_disp_qual(c, i);
    if (reason != EXIT_VMCALL && reason != EXIT_VMLAUNCH && reason != EXIT_VMRESUME && reason != EXIT_VMXOFF)
        x->exit_insn_info = vmx_insn_info(i, reg2);
    vmx_exit_insn(c, reason, q);
}

/* Descriptor-table exiting (SDM Vol.3C 25.1.3; instruction information tables 27-10, 27-11). */
static void gate_desc(struct cpu *c, const struct insn *i)
{
    struct vmx *x = c->vmx;
    if (!(x->proc2 & SEC_DESC_TABLE_EXITING)) {
        run_plain(c, i);
        return;
    }
    unsigned id;
    bool gdt_idt;
    switch (i->op) {
    case OP_sgdt: id = 0; gdt_idt = true; break;
    case OP_sidt: id = 1; gdt_idt = true; break;
    case OP_lgdt: id = 2; gdt_idt = true; break;
    case OP_lidt: id = 3; gdt_idt = true; break;
    case OP_sldt: id = 0; gdt_idt = false; break;
    case OP_str: id = 1; gdt_idt = false; break;
    case OP_lldt: id = 2; gdt_idt = false; break;
    default: id = 3; gdt_idt = false; break; /* LTR */
    }
    /* privilege and mode faults come first (25.1.1) */
    if ((id >= 2) && c->cpl) raise_gp(c, 0);
    if (!gdt_idt && (!(c->cr0 & CR0_PE) || (c->rflags & FL_VM))) raise_ud(c);
    if (id < 2) cpu_check_umip(c);
    uint32_t info = vmx_insn_info(i, 0) | id << 28;
    if (gdt_idt) info = (info & ~(0xfu << 3) & ~(1u << 10)) | (i->osz >= 2 ? 1u << 11 : 0);
    x->exit_insn_info = info;
    vmx_exit_insn(c, gdt_idt ? EXIT_GDTR_IDTR : EXIT_LDTR_TR,
                  insn_disp_qual(c, i));
}

/* PAUSE-loop exiting (SDM Vol.3C 25.1.3): at CPL 0, a PAUSE more than PLE_Gap TSC ticks after
 * the previous one starts a loop; a PAUSE more than PLE_Window ticks after the start of its loop
 * exits. Time is the virtual TSC, so the result is deterministic. The first PAUSE after a VM
 * entry starts a loop. */
static void pause_loop(struct cpu *c)
{
    struct vmx *x = c->vmx;
    uint64_t now = cpu_vtime(c) + c->tsc_offset;
    uint64_t gap = (uint32_t)x->f[VF_PLE_GAP], window = (uint32_t)x->f[VF_PLE_WINDOW];
    bool first = !x->ple_valid || now - x->ple_last > gap;
    x->ple_last = now;
    x->ple_valid = true;
    if (first) {
        x->ple_first = now;
        return;
    }
    if (now - x->ple_first > window) vmx_exit_insn(c, EXIT_PAUSE, 0);
}

static void gate(struct cpu *c, const struct insn *i)
{
    struct vmx *x = c->vmx;
    switch (op_info[i->op].icpt) {
    case IC_CPUID: vmx_exit_insn(c, EXIT_CPUID, 0);
    case IC_INVD:
        if (c->cpl) raise_gp(c, 0);
        vmx_exit_insn(c, EXIT_INVD, 0);
    case IC_XSETBV:
        if (!(c->cr4 & CR4_OSXSAVE)) raise_ud(c);
        if (c->cpl) raise_gp(c, 0);
        vmx_exit_insn(c, EXIT_XSETBV, 0);
    case IC_HLT:
        if (c->cpl) raise_gp(c, 0);
        if (x->proc & CPU_HLT_EXITING) vmx_exit_insn(c, EXIT_HLT, 0);
        break;
    case IC_INVLPG:
        if (c->cpl) raise_gp(c, 0);
        if (x->proc & CPU_INVLPG_EXITING)
            vmx_exit_insn(c, EXIT_INVLPG, (c->seg[i->seg].eff_base + ea(c, i)) & c->lin_mask);
        break;
    case IC_RDPMC:
        if (c->cpl && !(c->cr4 & CR4_PCE)) raise_gp(c, 0);
        if (x->proc & CPU_RDPMC_EXITING) vmx_exit_insn(c, EXIT_RDPMC, 0);
        break;
    case IC_RDTSC:
        if ((c->cr4 & CR4_TSD) && c->cpl) raise_gp(c, 0);
        if (x->proc & CPU_RDTSC_EXITING) vmx_exit_insn(c, EXIT_RDTSC, 0);
        break;
    case IC_RDTSCP:
        /* RDTSCP is #UD in non-root operation unless "enable RDTSCP" (25.3) */
        if (!(x->proc2 & SEC_ENABLE_RDTSCP)) raise_ud(c);
        if ((c->cr4 & CR4_TSD) && c->cpl) raise_gp(c, 0);
        if (x->proc & CPU_RDTSC_EXITING) vmx_exit_insn(c, EXIT_RDTSCP, 0);
        break;
    case IC_WBINVD:
        if (c->cpl) raise_gp(c, 0);
        if (x->proc2 & SEC_WBINVD_EXITING) vmx_exit_insn(c, EXIT_WBINVD, 0);
        break;
    case IC_PAUSE:
        if (x->proc & CPU_PAUSE_EXITING) vmx_exit_insn(c, EXIT_PAUSE, 0);
        if ((x->proc2 & SEC_PAUSE_LOOP_EXITING) && c->cpl == 0) pause_loop(c);
        break;
    case IC_MONITOR:
        if (c->cpl) raise_gp(c, 0);
        if (x->proc & CPU_MONITOR_EXITING) vmx_exit_insn(c, EXIT_MONITOR, 0);
        break;
    case IC_MWAIT:
        if (c->cpl) raise_gp(c, 0);
        if (x->proc & CPU_MWAIT_EXITING) vmx_exit_insn(c, EXIT_MWAIT, 0);
        break;
    case IC_RDRAND:
    case IC_RDSEED: {
        /* "RDRAND exiting" (bit 11) and "RDSEED exiting" (bit 16) of the secondary controls
         * (SDM Vol.3C 25.1.3); the #UD cases (no CPUID bit, LOCK, memory operand) came first
         * in the decoder (25.1.1). Instruction information: destination register in bits 6:3,
         * operand size in bits 12:11 (0 = 16, 1 = 32, 2 = 64 bits) (27.2.5, table 27-12). */
        bool seed = op_info[i->op].icpt == IC_RDSEED;
        if (!(x->proc2 & (seed ? SEC_RDSEED_EXITING : SEC_RDRAND_EXITING))) break;
        x->exit_insn_info = (uint32_t)(i->rm & 0xf) << 3 | (uint32_t)(i->osz - 1) << 11;
        vmx_exit_insn(c, seed ? EXIT_RDSEED : EXIT_RDRAND, 0);
    }
    case IC_INVPCID:
        /* SDM Vol.3C 25.3: #UD unless "enable INVPCID", before any other exception; then the
         * CPL #GP (25.1.1); with "INVLPG exiting" a VM exit (25.1.3, reason 58) before the
         * operand is read, its qualification the displacement (27.2.1) and its instruction
         * information as INVEPT's with the type register in bits 31:28 (27.2.5) */
        if (!(x->proc2 & SEC_ENABLE_INVPCID)) raise_ud(c);
        if (c->cpl) raise_gp(c, 0);
        if (x->proc & CPU_INVLPG_EXITING) {
            x->exit_insn_info = vmx_insn_info(i, i->reg);
            vmx_exit_insn(c, EXIT_INVPCID, insn_disp_qual(c, i));
        }
        break;
    case IC_XSAVES: {
        /* XSAVES/XRSTORS are #UD unless "enable XSAVES/XRSTORS" (SDM Vol.3C 25.3). With it,
         * they exit when EDX:EAX & IA32_XSS & the XSS-exiting bitmap is not zero (25.1.3,
         * 24.6.19). #UD and the CPL #GP come before the exit (25.1.1); #NM, the alignment #GP
         * and memory faults come from the instruction itself, after it. IA32_XSS accepts only
         * 0 here (XSS_SUPPORTED), so this exit cannot occur yet. */
        if (!(x->proc2 & SEC_ENABLE_XSAVES) || !(c->cr4 & CR4_OSXSAVE)) raise_ud(c);
        if (c->cpl) raise_gp(c, 0);
        uint64_t mask = cpu_edx_eax(c);
        if (mask & c->xss & x->f[VF_XSS_EXITING_BITMAP]) {
            x->exit_insn_info = vmx_insn_info(i, 0); /* 27.2.5: as INVEPT, reg2 undefined */
            vmx_exit_insn(c, i->op == OP_x87_xsaves ? EXIT_XSAVES : EXIT_XRSTORS, insn_disp_qual(c, i));
        }
        break;
    }
    case IC_DR:
        /* MOV-DR exits are the exception to 25.1.1: they take priority over the CPL #GP and
         * the CR4.DE #UD for DR4/DR5 (SDM Vol.3C 25.1.3), and over the DR7.GD #DB, which is
         * not among the faults that precede VM exits. REX.R (DR8-DR15) stays #UD first. The
         * plain handler makes all these checks when there is no exit. */
        if (i->reg > 7) raise_ud(c);
        if (x->proc & CPU_MOV_DR_EXITING)
            vmx_exit_insn(c, EXIT_DR_ACCESS, (i->reg & 7) | (i->op == OP_mov_RdDd ? 16u : 0) | (uint64_t)i->rm << 8);
        break;
    case IC_CR_READ: gate_cr_read(c, i); return;
    case IC_CR_WRITE: gate_cr_write(c, i); return;
    case IC_IO: gate_io(c, i); return;
    case IC_MSR: gate_msr(c, i); return;
    case IC_DESC: gate_desc(c, i); return;
    case IC_VMX: gate_vmx_insn(c, i); return;
    case IC_IRET:
        /* IRET ends (virtual-)NMI blocking (SDM Vol.3C 25.3: with virtual NMIs, IRET removes
         * virtual-NMI blocking). The blocking it found is kept for an EPT violation or a
         * page-modification log-full exit during it (27.2.1 bit 12, cpu/vmx/ept.c). */
        x->iret_nmi_blocked = (x->pin & PIN_VIRTUAL_NMIS) ? x->vnmi_blocked : c->nmi_blocked;
        /* ... also when IRET faults (25.3), so before it runs. Blocking by NMI: with "NMI
         * exiting" 0 IRET operates normally and unblocks NMIs (the plain handler); with 1 it
         * leaves that blocking alone (25.3), so only the return itself runs. */
        if (x->pin & PIN_VIRTUAL_NMIS) x->vnmi_blocked = false;
        x->in_iret = true; /* a fault on it is reported with bit 12 (vmx_deliver_hook) */
        if (x->pin & PIN_NMI_EXITING)
            cpu_iret(c, i->osz);
        else
            run_plain(c, i);
        x->in_iret = false;
        return;
    default: break;
    }
    run_plain(c, i);
}

/* Threaded dispatch (cpu_priv.h cpu_next_insn): every handler runs the rest of its block. When
 * the gate ran the plain handler, that handler did; when the gate did the instruction itself,
 * c->cur is still this instruction and the gate continues the block. (At a block's last
 * instruction the end marker leaves cur there too: calling it again is harmless.) */
void op_vmx_gate(struct cpu *c, const struct insn *i)
{
    gate(c, i);
    if (c->cur == i) cpu_next_insn(c, i);
}

/* ---- exceptions and event delivery ---- */

/* SDM Vol.3C 25.2: an exception exits when its bit in the exception bitmap is set; for #PF the
 * bit is combined with the error-code mask/match test. */
bool vmx_exception_exits(const struct cpu *c, int vec, uint32_t err)
{
    const struct vmx *x = c->vmx;
    bool bit = (x->exc_bitmap >> vec) & 1;
    if (vec != EXC_PF) return bit;
    uint32_t mask = (uint32_t)x->f[VF_PAGE_FAULT_ERROR_CODE_MASK];
    uint32_t match = (uint32_t)x->f[VF_PAGE_FAULT_ERROR_CODE_MATCH];
    bool eq = (err & mask) == match;
    return eq ? bit : !bit;
}

/* Called at the start of every event delivery in non-root operation (cpu/interrupt.c). Returns
 * when the event is to be delivered through the guest IDT; when it causes a VM exit instead,
 * performs the exit and longjmps to the run loop. Events injected by VM entry never exit
 * through the exception bitmap (SDM Vol.3C 26.5.1). */
void vmx_deliver_hook(struct cpu *c, int vec, int ev_type, bool has_err, uint32_t err)
{
    struct vmx *x = c->vmx;
    bool injected = x->in_injection;
    x->in_injection = false;
    unsigned type;
    switch (ev_type) {
    case EV_EXT: type = INTR_TYPE_EXT; break;
    case EV_NMI: type = INTR_TYPE_NMI; break;
    case EV_EXC: type = INTR_TYPE_HW_EXC; break;
    case EV_PRIVSOFT: type = INTR_TYPE_PRIV_SW_EXC; break;
    default:
        /* INT3 and INTO are software exceptions; INT n is a software interrupt (24.8.3) */
        type = c->cur && (c->cur->op == OP_int3 || c->cur->op == OP_into) ? INTR_TYPE_SW_EXC : INTR_TYPE_SW_INT;
        break;
    }
    uint32_t info = INTR_INFO_VALID | type << 8 | (uint32_t)vec | (has_err ? INTR_INFO_ERR_VALID : 0);
    /* 27.2.2 bit 12, "NMI unblocking due to IRET": a fault on IRET that found (virtual-)NMI
     * blocking, which the IRET has already removed (25.3). Left 0 where the SDM leaves it
     * undefined: NMI exiting without virtual NMIs, a valid IDT-vectoring information, #DF; an
     * IRET raises no #DB fault of its own (an instruction breakpoint is taken before it). */
    bool unblock = type == INTR_TYPE_HW_EXC && !injected && !x->deliv_info && vec != EXC_DF &&
                   vec != EXC_DB && x->in_iret && x->iret_nmi_blocked &&
                   ((x->pin & PIN_VIRTUAL_NMIS) || !(x->pin & PIN_NMI_EXITING));
    x->in_iret = false;
    bool ex = false;
    if (type == INTR_TYPE_NMI) ex = (x->pin & PIN_NMI_EXITING) != 0;
    else if (type == INTR_TYPE_HW_EXC || type == INTR_TYPE_SW_EXC || type == INTR_TYPE_PRIV_SW_EXC)
        ex = vmx_exception_exits(c, vec, err);
    if (injected) ex = false;
    if (!ex) {
        /* remember the event: an exit during its delivery reports it (27.2.4) */
        x->deliv_info = info;
        x->deliv_err = err;
        x->deliv_injected = injected;
        return;
    }
    /* 27.2.2: VM-exit interruption information; 27.2.4: IDT-vectoring information of the event
     * whose delivery caused this one */
    x->exit_intr_info = info | (unblock ? INTR_INFO_NMI_UNBLOCK : 0);
    x->exit_intr_err = has_err ? err : 0;
    if (x->deliv_info) {
        x->idt_vec_info = x->deliv_info;
        x->idt_vec_err = x->deliv_err;
        /* 27.2.5: a fault during delivery of a software interrupt or (privileged) software
         * exception reports the length of its instruction; for an injected one, the VM-entry
         * instruction length */
        unsigned dtype = (x->deliv_info >> 8) & 7;
        if (dtype == INTR_TYPE_SW_INT || dtype == INTR_TYPE_PRIV_SW_EXC || dtype == INTR_TYPE_SW_EXC) {
            x->exit_insn = true;
            x->exit_insn_len = x->deliv_injected ? x->inject_len : c->cur ? c->cur->len : 0;
        }
    }
    x->deliv_info = 0;
    if (type == INTR_TYPE_SW_EXC || type == INTR_TYPE_PRIV_SW_EXC) {
        /* the exit happens instead of the instruction: RIP is the INT3/INTO/INT1 itself, and the
         * instruction length is reported for reinjection (27.2.5) */
        RIP(c) = cpu_insn_rip(c);
        x->exit_insn = true;
        x->exit_insn_len = c->cur ? c->cur->len : 0;
    }
    uint64_t qual = 0;
    if (vec == EXC_DB && type == INTR_TYPE_HW_EXC) {
        /* a #DB that exits leaves DR6 and DR7 alone; the qualification has B0-B3, BD and BS
         * (SDM Vol.3C 27.1, 27.2.1 table 27-1) */
        qual = c->db_cause;
        c->db_cause = 0;
    }
    if (vec == EXC_PF && type == INTR_TYPE_HW_EXC) {
        /* the qualification is the faulting linear address; a #PF that exits leaves CR2 alone
         * (SDM Vol.3C 27.1, 27.2.1) */
        qual = c->cr2;
        c->cr2 = c->cr2_prev;
    }
    vmx_do_exit(c, EXIT_EXCEPTION_NMI, qual);
    /* an NMI that causes a VM exit blocks NMIs after it, in VMX root operation, until the host's
     * next IRET: it is delivered to the host as an exit instead of through the IDT (Vol.3A
     * 6.7.1; KVM relies on this and runs its NMI handler, whose IRET unblocks them). The guest's
     * interruptibility state saved by the exit does not have it (25.3: no NMI blocking). */
    if (type == INTR_TYPE_NMI) c->nmi_blocked = true;
    longjmp(c->jb, 4);
}

/* At an instruction boundary in non-root operation (something pending, the end of a run, or
 * halted): event injection, then the asynchronous exits by priority (SDM Vol.3C 26.7, 25.2).
 * Returns true when something happened. */
bool vmx_check_events(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (x->inject_pending) {
        x->inject_pending = false;
        vmx_update_pending(c);
        /* a fault during delivery leaves RIP at the injected event's "instruction" (27.2.4) */
        c->insn_rip = RIP(c) - x->inject_len;
        c->cur = NULL;
        if (x->inject_type == EV_EXC) c->cur_exc = x->inject_vec;
        x->in_injection = true;
        cpu_deliver_event(c, x->inject_vec, (enum event_type)x->inject_type, x->inject_has_err, x->inject_err);
        c->cur_exc = -1;
        x->deliv_info = 0;
        if (vmx_mtf_on(x)) x->mtf_pending = true; /* MTF exit after the injection (25.5.2) */
        vmx_update_pending(c);
        return true;
    }
    /* APIC-write emulation after a virtualized write (SDM Vol.3C 29.4.3.2) and the
     * TPR-below-threshold exit after VM entry (26.7.7) come before SMIs, INIT and lower priority
     * events, so before a pending MTF exit */
    uint64_t aq;
    uint32_t ar = vmx_apicv_pending_trap(c, &aq);
    if (ar) {
        vmx_do_exit(c, ar, aq);
        return true;
    }
    /* INIT and SIPI (25.2): INIT has the priority of external hardware interventions, below
     * the TPR-threshold and APIC-write traps above (26.7.7) and above pending MTF exits and
     * everything after them (25.5.2). An INIT exit does nothing else: no register, memory or
     * local APIC state changes, and the activity state is saved as it was (27.3.4). In
     * wait-for-SIPI INIT is blocked (26.6.2) and stays latched (cpu/init.c init_blocked; KVM
     * drops it instead). A SIPI exits only from wait-for-SIPI (cpu_sipi discards it
     * otherwise: 26.6.2, the active, HLT and shutdown states block SIPIs), with its vector as
     * the qualification (27.2.1), and leaves the activity state alone. */
    if (c->pending & PEND_INIT) {
        if (c->init_pending && !c->wait_sipi) {
            c->init_pending = false;
            cpu_update_init(c);
            vmx_do_exit(c, EXIT_INIT, 0);
            return true;
        }
        c->sipi_pending = false;
        cpu_update_init(c);
        if (c->wait_sipi) {
            vmx_do_exit(c, EXIT_SIPI, c->sipi_vector);
            return true;
        }
    }
    /* wait-for-SIPI blocks every other event: external interrupts, NMIs, INIT and SMIs
     * (26.6.2), and the VMX-preemption timer, NMI-window and interrupt-window exits do not
     * occur in it (25.2, 26.6.5, 26.6.6); the MTF and pending debug exceptions stay pending */
    if (c->wait_sipi) return false;
    if (x->mtf_pending) {
        /* a pending MTF exit comes before debug traps, NMIs and interrupts (SDM Vol.3C 25.5.2,
         * 26.7.8) */
        x->mtf_pending = false;
        vmx_do_exit(c, EXIT_MONITOR_TRAP_FLAG, 0);
        return true;
    }
    if (x->dbg_trap && !c->vmx_shutdown) {
        /* pending debug exceptions: a #DB trap with the priority of "traps on the previous
         * instruction", above the preemption timer, NMIs, the NMI and interrupt windows and
         * external interrupts; it updates DR6 unless the exception bitmap makes it exit
         * (SDM Vol.3C 26.6.3). It ends a HLT state. */
        uint32_t p = x->dbg_trap;
        x->dbg_trap = 0;
        vmx_update_pending(c);
        c->halted = 0;
        c->insn_rip = RIP(c);
        c->cur = NULL;
        c->db_cause = (uint16_t)(p & (PDBG_B0_3 | PDBG_BS));
        cpu_deliver_event(c, EXC_DB, EV_EXC, false, 0);
        /* an MTF exit follows an event delivered before the first instruction (25.5.2) */
        if (vmx_mtf_on(x)) x->mtf_pending = true;
        vmx_update_pending(c);
        return true;
    }
    /* 25.2 priorities: the VMX-preemption timer, then NMI-window exiting, then NMIs, then
     * interrupt-window exiting, then external interrupts. Each of them ends a
     * guest HLT; the activity state saved is the one before the exit (27.3.4), so c->halted
     * stays set for save_guest and load_host clears it. The first three also end the shutdown
     * state (25.2: they wake the processor from the states an NMI wakes it from; an NMI
     * delivered through the guest IDT resumes it, cpu_take_nmi); the pending debug exceptions
     * above wait in it. */
    if ((x->pin & PIN_PREEMPTION_TIMER) && cpu_vtime(c) >= x->preempt_deadline) {
        vmx_do_exit(c, EXIT_PREEMPTION_TIMER, 0);
        return true;
    }
    if ((x->proc & CPU_NMI_WINDOW_EXITING) && !x->vnmi_blocked &&
        !((c->pending & PEND_INHIBIT) && c->inhibit_movss)) {
        /* NMI window: no virtual-NMI blocking and no blocking by MOV SS (25.2) */
        vmx_do_exit(c, EXIT_NMI_WINDOW, 0);
        return true;
    }
    /* an NMI (25.2: below NMI-window exits, above interrupt-window exits), held by blocking by
     * NMI and the STI/MOV SS shadow as outside VMX (cpu_take_nmi). With "NMI exiting" it is a VM
     * exit with the NMI's interruption information (27.2.2; "acknowledge interrupt on exit" is
     * for external interrupts only) that leaves the guest's NMI blocking as it was (25.3), blocks
     * NMIs in VMX root operation (vmx_deliver_hook explains) and ends a guest HLT, whose activity
     * state the exit saves; without it, it is delivered through the guest IDT. */
    if ((c->pending & PEND_NMI) && !c->nmi_blocked && !(c->pending & PEND_INHIBIT)) {
        if (!(x->pin & PIN_NMI_EXITING)) return cpu_take_nmi(c);
        c->pending &= ~PEND_NMI;
        x->exit_intr_info = INTR_INFO_VALID | INTR_TYPE_NMI << 8 | EXC_NMI;
        x->exit_intr_err = 0;
        vmx_do_exit(c, EXIT_EXCEPTION_NMI, 0);
        c->nmi_blocked = true;
        return true;
    }
    /* the shutdown state blocks external interrupts (26.6.2), and so their exits and
     * interrupt-window exits (25.2 lists only HLT and MWAIT as states those wake) */
    if (c->vmx_shutdown) return false;
    if ((x->proc & CPU_INTR_WINDOW_EXITING) && (c->rflags & FL_IF) && !(c->pending & PEND_INHIBIT)) {
        vmx_do_exit(c, EXIT_INTERRUPT_WINDOW, 0);
        return true;
    }
    /* virtual-interrupt delivery has the priority of interrupt-window exits, above external
     * interrupts (SDM Vol.3C 29.2.2) */
    if (x->vintr_recognized && vmx_apicv_deliver(c)) return true;
    if ((x->pin & PIN_EXT_INTR_EXITING) && (c->pending & PEND_INTR)) {
        uint32_t info = 0;
        if (x->exit_ctl & EXIT_ACK_INTR_ON_EXIT) {
            int vec = c->irq_ack ? c->irq_ack(c->machine) : -1;
            if (vec < 0) {
                c->pending &= ~PEND_INTR; /* withdrawn before the acknowledge */
                return false;
            }
            /* the notification vector of posted interrupts is processed, not exited for
             * (SDM Vol.3C 29.6) */
            if ((x->pin & PIN_POSTED_INTR) && vmx_apicv_posted(c, vec)) return true;
            info = INTR_INFO_VALID | INTR_TYPE_EXT << 8 | (uint32_t)vec;
        }
        x->exit_intr_info = info;
        vmx_do_exit(c, EXIT_EXTERNAL_INTERRUPT, 0);
        return true;
    }
    return false;
}

/* SDM Vol.3C 25.2: external interrupts exit regardless of RFLAGS.IF and so end a guest HLT;
 * the VMX-preemption timer counts down in HLT and its exit ends it too (25.5.1). */
bool vmx_halt_wakeup(const struct cpu *c, uint64_t *at)
{
    const struct vmx *x = c->vmx;
    *at = (x->pin & PIN_PREEMPTION_TIMER) ? x->preempt_deadline : UINT64_MAX;
    return (x->pin & PIN_EXT_INTR_EXITING) != 0;
}

/* Keeps PEND_VMX set exactly while an asynchronous control needs looking at. */
void vmx_update_pending(struct cpu *c)
{
    struct vmx *x = c->vmx;
    /* external interrupts raise PEND_INTR themselves, and the preemption timer shortens the run
     * (cpu/exec.c clamp_run_end) */
    bool at_once = x->inject_pending || x->mtf_pending || x->dbg_trap || x->apic_write_pending || x->apic_step ||
                   x->tpr_exit_pending || (x->proc & (CPU_NMI_WINDOW_EXITING | CPU_MONITOR_TRAP_FLAG));
    /* interrupt-window exiting (SDM Vol.3C 25.2) and the delivery of a recognized virtual
     * interrupt (29.2.2) act only at a boundary where RFLAGS.IF = 1 */
    bool if_gated = x->vintr_recognized || (x->proc & CPU_INTR_WINDOW_EXITING);
    x->pend_if_only = !at_once;
    if (x->guest && (at_once || if_gated))
        c->pending |= PEND_VMX;
    else
        c->pending &= ~PEND_VMX;
}

bool vmx_events_due(const struct cpu *c)
{
    return !c->vmx->pend_if_only || (c->rflags & FL_IF);
}

bool vmx_hold_debug_trap(struct cpu *c, uint32_t pdbg)
{
    struct vmx *x = c->vmx;
    if (!(x->mtf_pending || x->apic_write_pending || x->tpr_exit_pending)) return false;
    x->dbg_trap |= pdbg;
    vmx_update_pending(c);
    return true;
}

bool vmx_step_one(struct cpu *c)
{
    struct vmx *x = c->vmx;
    bool one = x->apic_step;
    x->apic_step = false;
    if (vmx_mtf_on(x)) {
        x->mtf_pending = true; /* the MTF exit follows the instruction (SDM Vol.3C 25.5.2) */
        one = true;
    }
    vmx_update_pending(c);
    return one;
}
