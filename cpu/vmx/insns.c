/* The VMX instructions in VMX root operation (SDM Vol.3C 30.3 pseudocode for each): VMXON,
 * VMXOFF, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME, VMCALL, VMFUNC,
 * INVEPT, INVVPID. In non-root operation they never get here: the decode-time gate turns them
 * into VM exits (cpu/vmx/gate.c).
 *
 * Conventions (SDM Vol.3C 30.2): VMsucceed clears CF, PF, AF, ZF, SF, OF; VMfailInvalid sets CF;
 * VMfailValid(n) sets ZF and stores n in the VM-instruction error field of the current VMCS.
 */
#include "cpu/cpu_priv.h"
#include "cpu/vmx/vmx.h"
#include "mmu/memmap.h"

static void vm_succeed(struct cpu *c) { set_arith_flags(c, 0); }
static void vm_fail_invalid(struct cpu *c) { set_arith_flags(c, FL_CF); }
static void vm_fail_valid(struct cpu *c, unsigned err)
{
    c->vmx->f[VF_VM_INSTRUCTION_ERROR] = err;
    set_arith_flags(c, FL_ZF);
    LOG(LOG_VMX, "VMX: VMfailValid(%u) at %llx\n", err, (unsigned long long)cpu_insn_rip(c));
}
/* VMfail: VMfailValid when there is a current VMCS, otherwise VMfailInvalid. */
static void vm_fail(struct cpu *c, unsigned err)
{
    if (c->vmx->cur != VMCS_PTR_NONE)
        vm_fail_valid(c, err);
    else
        vm_fail_invalid(c);
}

/* The checks every VMX instruction but VMXON and VMCALL starts with in root operation: #UD
 * outside VMX operation, with CR0.PE = 0, in virtual-8086 mode or in compatibility mode;
 * #GP(0) at CPL > 0. May raise. */
static struct vmx *root_checks(struct cpu *c)
{
    struct vmx *x = c->vmx;
    if (!x || !x->root || !(c->cr0 & CR0_PE) || (c->rflags & FL_VM) || ((c->efer & EFER_LMA) && !c->mode64))
        raise_ud(c);
    if (c->cpl) raise_gp(c, 0);
    return x;
}

static bool bad_vmcs_addr(const struct vmx *x, uint64_t a) { return (a & 0xfff) || (a >> x->caps.maxphys); }

/* Writes the cached current VMCS back to its region (our layout, vmcs.h). */
static void vmcs_flush(struct cpu *c)
{
    struct vmx *x = c->vmx;
    for (int k = 0; k < VF_COUNT; k++) phys_write(c->mem, x->cur + VMCS_OFF_FIELDS + 8u * (unsigned)k, x->f[k], 8);
    phys_write(c->mem, x->cur + VMCS_OFF_LAUNCH, x->launched, 4);
}

static void vmcs_fetch(struct cpu *c, uint64_t addr)
{
    struct vmx *x = c->vmx;
    for (int k = 0; k < VF_COUNT; k++) x->f[k] = phys_read(c->mem, addr + VMCS_OFF_FIELDS + 8u * (unsigned)k, 8);
    x->launched = phys_read(c->mem, addr + VMCS_OFF_LAUNCH, 4) == 1;
}

/* The 64-bit physical-address operand of VMXON, VMCLEAR, VMPTRLD. May raise. */
static uint64_t mem_operand64(struct cpu *c, const struct insn *i) { return rd64(c, i->seg, ea(c, i)); }

/* The VMCS-pointer operand of VMCLEAR and VMPTRLD: VMfail(bad) when not 4 KiB aligned or
 * beyond the physical-address width, VMfail(vmxon) when it is the VMXON pointer. May raise. */
static bool vmcs_operand(struct cpu *c, const struct insn *i, unsigned bad, unsigned vmxon, uint64_t *addr)
{
    struct vmx *x = c->vmx;
    *addr = mem_operand64(c, i);
    if (bad_vmcs_addr(x, *addr)) {
        vm_fail(c, bad);
        return false;
    }
    if (*addr == x->vmxon_ptr) {
        vm_fail(c, vmxon);
        return false;
    }
    return true;
}

HANDLER(vmxon)
{
    struct vmx *x = c->vmx;
    if (!x || !(c->cr0 & CR0_PE) || !(c->cr4 & CR4_VMXE) || (c->rflags & FL_VM) ||
        ((c->efer & EFER_LMA) && !c->mode64))
        raise_ud(c);
    if (x->root) {
        if (c->cpl) raise_gp(c, 0);
        vm_fail(c, VMXERR_VMXON_IN_ROOT);
        return;
    }
    const struct vmx_caps *k = &x->caps;
    uint64_t cr0 = c->cr0 & 0xffffffffull;
    /* #GP(0): CPL > 0, A20M, CR0/CR4 outside the fixed bits, IA32_FEATURE_CONTROL not locked
     * or VMX outside SMX not enabled (SDM Vol.3C 23.7) */
    if (c->cpl || c->a20_mask != ~0ull || (cr0 & k->cr0_fixed0) != k->cr0_fixed0 || (cr0 & ~k->cr0_fixed1) ||
        (c->cr4 & k->cr4_fixed0) != k->cr4_fixed0 || (c->cr4 & ~k->cr4_fixed1) ||
        (c->feature_control & 5) != 5)
        raise_gp(c, 0);
    uint64_t addr = mem_operand64(c, i);
    if (bad_vmcs_addr(x, addr)) {
        vm_fail_invalid(c);
        return;
    }
    uint32_t rev = (uint32_t)phys_read(c->mem, addr, 4);
    if (rev != VMCS_REVISION_ID) { /* bits 30:0 the revision, bit 31 must be 0 */
        vm_fail_invalid(c);
        return;
    }
    x->root = true;
    cpu_update_init(c); /* INIT is blocked from here on (SDM Vol.3C 23.8) */
    x->vmxon_ptr = addr;
    x->cur = VMCS_PTR_NONE;
    x->launched = false;
    LOG(LOG_VMX, "VMX: VMXON %llx\n", (unsigned long long)addr);
    vm_succeed(c);
}

HANDLER(vmxoff)
{
    struct vmx *x = root_checks(c);
    if (x->cur != VMCS_PTR_NONE) vmcs_flush(c);
    x->root = false;
    x->cur = VMCS_PTR_NONE;
    LOG(LOG_VMX, "VMX: VMXOFF\n");
    vm_succeed(c);
    /* an INIT held in VMX root operation is no longer blocked: it acts after VMXOFF (SDM
     * Vol.3C 23.8) */
    cpu_update_init(c);
    if (c->pending & PEND_INIT) cpu_cut_block(c);
}

HANDLER(vmclear)
{
    struct vmx *x = root_checks(c);
    uint64_t addr;
    if (!vmcs_operand(c, i, VMXERR_VMCLEAR_BAD_ADDR, VMXERR_VMCLEAR_VMXON_PTR, &addr)) return;
    if (addr == x->cur) {
        vmcs_flush(c);
        x->cur = VMCS_PTR_NONE;
    }
    phys_write(c->mem, addr + VMCS_OFF_LAUNCH, 0, 4); /* launch state "clear" */
    vm_succeed(c);
}

HANDLER(vmptrld)
{
    struct vmx *x = root_checks(c);
    uint64_t addr;
    if (!vmcs_operand(c, i, VMXERR_VMPTRLD_BAD_ADDR, VMXERR_VMPTRLD_VMXON_PTR, &addr)) return;
    uint32_t rev = (uint32_t)phys_read(c->mem, addr, 4);
    /* bit 31 (a shadow VMCS) is accepted because VMCS shadowing is supported */
    if ((rev & ~VMCS_SHADOW_BIT) != VMCS_REVISION_ID) {
        vm_fail(c, VMXERR_VMPTRLD_BAD_REVISION);
        return;
    }
    if (x->cur != addr) {
        if (x->cur != VMCS_PTR_NONE) vmcs_flush(c);
        vmcs_fetch(c, addr);
        x->cur = addr;
    }
    vm_succeed(c);
}

HANDLER(vmptrst)
{
    struct vmx *x = root_checks(c);
    wr64(c, i->seg, ea(c, i), x->cur);
    vm_succeed(c);
}

/* The field encoding from the register operand: 64 bits in 64-bit mode, else 32 bits. */
static uint64_t field_enc(struct cpu *c, const struct insn *i)
{
    return c->mode64 ? c->gpr[i->reg] : (uint32_t)c->gpr[i->reg];
}

HANDLER(vmread)
{
    struct vmx *x = root_checks(c);
    if (x->cur == VMCS_PTR_NONE) {
        vm_fail_invalid(c);
        return;
    }
    struct vmcs_access a = vmcs_lookup(field_enc(c, i));
    if (a.id < 0) {
        vm_fail_valid(c, VMXERR_UNSUPPORTED_FIELD);
        return;
    }
    uint64_t v = vmcs_read_value(x->f, a);
    if (i->pfx & PFX_MEM) {
        if (c->mode64) wr64(c, i->seg, ea(c, i), v);
        else wr32(c, i->seg, ea(c, i), (uint32_t)v);
    } else {
        set_reg(c, i->rm, c->mode64 ? 3 : 2, v);
    }
    vm_succeed(c);
}

HANDLER(vmwrite)
{
    struct vmx *x = root_checks(c);
    uint64_t v;
    if (i->pfx & PFX_MEM)
        v = c->mode64 ? rd64(c, i->seg, ea(c, i)) : rd32(c, i->seg, ea(c, i));
    else
        v = c->mode64 ? c->gpr[i->rm] : (uint32_t)c->gpr[i->rm];
    if (x->cur == VMCS_PTR_NONE) {
        vm_fail_invalid(c);
        return;
    }
    struct vmcs_access a = vmcs_lookup(field_enc(c, i));
    if (a.id < 0) {
        vm_fail_valid(c, VMXERR_UNSUPPORTED_FIELD);
        return;
    }
    if (vmcs_fields[a.id].type == VT_EXIT_INFO && !((x->caps.misc >> 29) & 1)) {
        vm_fail_valid(c, VMXERR_VMWRITE_READ_ONLY);
        return;
    }
    vmcs_write_value(x->f, a, v);
    vm_succeed(c);
}

static void vm_entry_insn(struct cpu *c, bool launch)
{
    struct vmx *x = root_checks(c);
    if (x->cur == VMCS_PTR_NONE) {
        vm_fail_invalid(c);
        return;
    }
    if (phys_read(c->mem, x->cur, 4) & VMCS_SHADOW_BIT) {
        vm_fail_invalid(c); /* a shadow VMCS cannot be launched (30.3 VMLAUNCH) */
        return;
    }
    /* events blocked by MOV SS: this instruction is the one in the MOV SS shadow (30.3) */
    if (c->in_shadow && c->inhibit_movss) {
        vm_fail_valid(c, VMXERR_ENTRY_MOV_SS);
        return;
    }
    if (launch && x->launched) {
        vm_fail_valid(c, VMXERR_VMLAUNCH_NOT_CLEAR);
        return;
    }
    if (!launch && !x->launched) {
        vm_fail_valid(c, VMXERR_VMRESUME_NOT_LAUNCHED);
        return;
    }
    int r = vmx_enter(c, launch);
    if (r > 0) {
        LOG(LOG_VMX | LOG_VMCS, "VMX: %s failed, error %d: %s\n", launch ? "VMLAUNCH" : "VMRESUME", r,
            x->fail_why ? x->fail_why : "?");
        vm_fail_valid(c, (unsigned)r);
        if (log_mask & LOG_VMCS) vmx_dump_vmcs(c, log_file_handle());
    }
}

HANDLER(vmlaunch) { vm_entry_insn(c, true); }
HANDLER(vmresume) { vm_entry_insn(c, false); }

/* VMCALL in root operation: VMfail(1) (no dual-monitor treatment of SMM). */
HANDLER(vmcall)
{
    struct vmx *x = c->vmx;
    if (!x || !x->root || (c->rflags & FL_VM) || ((c->efer & EFER_LMA) && !c->mode64)) raise_ud(c);
    if (c->cpl) raise_gp(c, 0);
    vm_fail(c, VMXERR_VMCALL_IN_ROOT);
}

/* VMFUNC is #UD outside non-root operation (SDM Vol.3C 30.3 VMFUNC). */
HANDLER(vmfunc) { raise_ud(c); }

/* INVEPT/INVVPID (SDM Vol.3C 30.3): #UD when the capability MSR does not report them; the type
 * comes from the register operand (64 bits in 64-bit mode), the 128-bit descriptor from memory. */
static void inv_insn(struct cpu *c, const struct insn *i, bool ept)
{
    struct vmx *x = c->vmx;
    if (!x || !((x->caps.ept_vpid >> (ept ? 20 : 32)) & 1)) raise_ud(c);
    root_checks(c);
    uint64_t type = c->mode64 ? c->gpr[i->reg] : (uint32_t)c->gpr[i->reg];
    uint64_t off = ea(c, i);
    uint64_t lo = rd64(c, i->seg, off), hi = rd64(c, i->seg, (off + 8) & sz_mask(i->asz));
    unsigned err = ept ? vmx_invept(c, type, lo, hi) : vmx_invvpid(c, type, lo, hi);
    if (err)
        vm_fail(c, err);
    else
        vm_succeed(c);
}
HANDLER(invept) { inv_insn(c, i, true); }
HANDLER(invvpid) { inv_insn(c, i, false); }
