/* VM-entry checks on the VMCS alone (SDM Vol.3C 26.2 "Checks on VMX Controls and Host-State
 * Area" and 26.3.1 "Checks on the Guest State Area"). Pure: they read VMCS fields and the
 * capability MSRs, never the CPU or memory, so unit tests can break one field of a known-good
 * VMCS and assert which rule failed.
 *
 * Every failing rule is written as `if (CC(condition that fails)) return error;`: CC records the
 * condition's text in *why, which -d vmx prints (the idea of KVM's CC()).
 */
#include "cpu/cpu.h"
#include "cpu/vmx/vmx.h"
#include "mmu/ept.h"

#define CC(x) ((x) ? (*why = #x, true) : false)

static bool canonical(uint64_t a) { return (uint64_t)((int64_t)(a << 16) >> 16) == a; }
static bool above_maxphys(uint64_t a, uint8_t maxphys) { return (a >> maxphys) != 0; }
/* A control vector against its capability MSR (SDM Vol.3D A.3-A.5). */
static bool ctl_ok(uint32_t v, uint64_t cap)
{
    uint32_t must1 = (uint32_t)cap, may1 = (uint32_t)(cap >> 32);
    return (v & must1) == must1 && (v & ~may1) == 0;
}
/* PAT or memory-type values valid for WRMSR (SDM Vol.3C 26.2.2, 26.3.1.1). */
static bool pat_ok(uint64_t pat)
{
    for (unsigned k = 0; k < 8; k++) {
        unsigned t = (pat >> (8 * k)) & 0xff;
        if (!(t == 0 || t == 1 || t == 4 || t == 5 || t == 6 || t == 7)) return false;
    }
    return true;
}
#define EFER_RESERVED (~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))

/* An MSR-store or MSR-load area with a non-zero count (SDM Vol.3C 26.2.1.2, 26.2.1.3): "The
 * lower 4 bits of the ... address must be 0. The address should not set any bits beyond the
 * processor's physical-address width", and neither may the address of the last byte, address +
 * count * 16 - 1. The address is checked on its own too: for an address near 2^64 the sum wraps
 * around and the last-byte check alone would pass. */
static bool msr_area_bad(uint64_t addr, uint64_t count, uint8_t maxphys)
{
    return (addr & 0xf) || above_maxphys(addr, maxphys) || above_maxphys(addr + count * 16 - 1, maxphys);
}

static uint32_t proc2_of(const uint64_t *f)
{
    return (f[VF_CPU_BASED_VM_EXEC_CONTROL] & CPU_SECONDARY_CONTROLS) ? (uint32_t)f[VF_SECONDARY_VM_EXEC_CONTROL] : 0;
}

/* Does the vector push an error code (SDM Vol.3C 26.2.1.3: 8, 10-14, 17, 21)? */
static bool vector_has_error(unsigned v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

/* SDM Vol.3C 26.2.1 */
int vmx_check_controls(const uint64_t *f, const struct vmx_caps *k, const char **why)
{
    const int e = VMXERR_ENTRY_BAD_CONTROLS;
    uint32_t pin = (uint32_t)f[VF_PIN_BASED_VM_EXEC_CONTROL];
    uint32_t proc = (uint32_t)f[VF_CPU_BASED_VM_EXEC_CONTROL];
    uint32_t proc2 = proc2_of(f);
    uint32_t exit = (uint32_t)f[VF_VM_EXIT_CONTROLS];
    uint32_t entry = (uint32_t)f[VF_VM_ENTRY_CONTROLS];
    uint8_t mp = k->maxphys;

    /* 26.2.1.1 VM-execution control fields */
    if (CC(!ctl_ok(pin, k->true_pin))) return e;
    if (CC(!ctl_ok(proc, k->true_proc))) return e;
    if ((proc & CPU_SECONDARY_CONTROLS) && CC(!ctl_ok(proc2, k->proc2))) return e;
    if (CC(f[VF_CR3_TARGET_COUNT] > 4)) return e;
    if (proc & CPU_USE_IO_BITMAPS) {
        if (CC((f[VF_IO_BITMAP_A] & 0xfff) || above_maxphys(f[VF_IO_BITMAP_A], mp))) return e;
        if (CC((f[VF_IO_BITMAP_B] & 0xfff) || above_maxphys(f[VF_IO_BITMAP_B], mp))) return e;
    }
    if ((proc & CPU_USE_MSR_BITMAPS) && CC((f[VF_MSR_BITMAP] & 0xfff) || above_maxphys(f[VF_MSR_BITMAP], mp)))
        return e;
    if (proc & CPU_TPR_SHADOW) {
        uint64_t va = f[VF_VIRTUAL_APIC_PAGE_ADDR];
        if (CC((va & 0xfff) || above_maxphys(va, mp))) return e;
        if (!(proc2 & SEC_VIRT_INTR_DELIVERY) && CC(f[VF_TPR_THRESHOLD] & ~0xfull)) return e;
    }
    if (!(proc & CPU_TPR_SHADOW) &&
        CC(proc2 & (SEC_VIRT_X2APIC | SEC_APIC_REGISTER_VIRT | SEC_VIRT_INTR_DELIVERY)))
        return e;
    /* the APIC-access address; x2APIC mode excludes APIC accesses; virtual-interrupt delivery
     * needs external-interrupt exiting */
    if (proc2 & SEC_VIRT_APIC_ACCESSES) {
        uint64_t aa = f[VF_APIC_ACCESS_ADDR];
        if (CC((aa & 0xfff) || above_maxphys(aa, mp))) return e;
    }
    if ((proc2 & SEC_VIRT_X2APIC) && CC(proc2 & SEC_VIRT_APIC_ACCESSES)) return e;
    if ((proc2 & SEC_VIRT_INTR_DELIVERY) && CC(!(pin & PIN_EXT_INTR_EXITING))) return e;
    /* process posted interrupts: virtual-interrupt delivery, acknowledge interrupt on exit, an
     * 8-bit notification vector, a 64-byte aligned descriptor */
    if (pin & PIN_POSTED_INTR) {
        uint64_t pd = f[VF_POSTED_INTR_DESC_ADDR];
        if (CC(!(proc2 & SEC_VIRT_INTR_DELIVERY))) return e;
        if (CC(!(exit & EXIT_ACK_INTR_ON_EXIT))) return e;
        if (CC(f[VF_POSTED_INTR_NV] & 0xff00)) return e;
        if (CC((pd & 0x3f) || above_maxphys(pd, mp))) return e;
    }
    if (!(pin & PIN_NMI_EXITING) && CC(pin & PIN_VIRTUAL_NMIS)) return e;
    if (!(pin & PIN_VIRTUAL_NMIS) && CC(proc & CPU_NMI_WINDOW_EXITING)) return e;
    if ((proc2 & SEC_ENABLE_VPID) && CC(f[VF_VIRTUAL_PROCESSOR_ID] == 0)) return e;
    if ((proc2 & SEC_UNRESTRICTED_GUEST) && CC(!(proc2 & SEC_ENABLE_EPT))) return e;
    if (proc2 & SEC_VMCS_SHADOWING) {
        if (CC((f[VF_VMREAD_BITMAP] & 0xfff) || above_maxphys(f[VF_VMREAD_BITMAP], mp))) return e;
        if (CC((f[VF_VMWRITE_BITMAP] & 0xfff) || above_maxphys(f[VF_VMWRITE_BITMAP], mp))) return e;
    }
    if (proc2 & SEC_ENABLE_VMFUNC) {
        uint64_t vmf = f[VF_VM_FUNCTION_CONTROLS];
        if (CC(vmf & ~k->vmfunc)) return e;
        if (vmf & 1) { /* EPTP switching */
            if (CC(!(proc2 & SEC_ENABLE_EPT))) return e;
            uint64_t list = f[VF_EPTP_LIST_ADDRESS];
            if (CC((list & 0xfff) || above_maxphys(list, mp))) return e;
        }
    }
    if ((proc2 & SEC_ENABLE_EPT) &&
        CC(!ept_eptp_valid(f[VF_EPT_POINTER], k->maxphys, (k->ept_vpid >> 21) & 1)))
        return e;
    /* enable PML: EPT must be on; the PML address is 4-KByte aligned and within the
     * physical-address width */
    if (proc2 & SEC_ENABLE_PML) {
        if (CC(!(proc2 & SEC_ENABLE_EPT))) return e;
        if (CC((f[VF_PML_ADDRESS] & 0xfff) || above_maxphys(f[VF_PML_ADDRESS], mp))) return e;
    }

    /* 26.2.1.2 VM-exit control fields */
    if (CC(!ctl_ok(exit, k->true_exit))) return e;
    if (!(pin & PIN_PREEMPTION_TIMER) && CC(exit & EXIT_SAVE_PREEMPTION_TIMER)) return e;
    if (f[VF_VM_EXIT_MSR_STORE_COUNT] &&
        CC(msr_area_bad(f[VF_VM_EXIT_MSR_STORE_ADDR], f[VF_VM_EXIT_MSR_STORE_COUNT], mp)))
        return e;
    if (f[VF_VM_EXIT_MSR_LOAD_COUNT] &&
        CC(msr_area_bad(f[VF_VM_EXIT_MSR_LOAD_ADDR], f[VF_VM_EXIT_MSR_LOAD_COUNT], mp)))
        return e;

    /* 26.2.1.3 VM-entry control fields */
    if (CC(!ctl_ok(entry, k->true_entry))) return e;
    uint32_t info = (uint32_t)f[VF_VM_ENTRY_INTR_INFO];
    if (info & INTR_INFO_VALID) {
        unsigned type = (info >> 8) & 7, vec = info & 0xff;
        bool pe = (f[VF_GUEST_CR0] & CR0_PE) != 0;
        bool ug = (proc2 & SEC_UNRESTRICTED_GUEST) != 0;
        if (CC(type == 1 || (type == INTR_TYPE_OTHER && !((k->true_proc >> 32) & CPU_MONITOR_TRAP_FLAG))))
            return e;
        if (CC(type == INTR_TYPE_NMI && vec != 2)) return e;
        if (CC(type == INTR_TYPE_HW_EXC && vec > 31)) return e;
        if (CC(type == INTR_TYPE_OTHER && vec != 0)) return e;
        bool want_err = (!ug || pe) && type == INTR_TYPE_HW_EXC && vector_has_error(vec);
        if (CC(((info & INTR_INFO_ERR_VALID) != 0) != want_err)) return e;
        if (CC(info & 0x7ffff000u)) return e; /* bits 30:12 reserved */
        if ((info & INTR_INFO_ERR_VALID) && CC(f[VF_VM_ENTRY_EXCEPTION_ERROR_CODE] & 0xffff0000u)) return e;
        if (type == INTR_TYPE_SW_INT || type == INTR_TYPE_PRIV_SW_EXC || type == INTR_TYPE_SW_EXC) {
            uint64_t len = f[VF_VM_ENTRY_INSTRUCTION_LEN];
            bool zero_ok = (k->misc >> 30) & 1;
            if (CC(len > 15 || (len == 0 && !zero_ok))) return e;
        }
    }
    if (f[VF_VM_ENTRY_MSR_LOAD_COUNT] &&
        CC(msr_area_bad(f[VF_VM_ENTRY_MSR_LOAD_ADDR], f[VF_VM_ENTRY_MSR_LOAD_COUNT], mp)))
        return e;
    if (CC(entry & (ENTRY_SMM | ENTRY_DEACT_DUAL_MONITOR))) return e;
    return 0;
}

/* SDM Vol.3C 26.2.2-26.2.4 (the part that depends on the processor's current mode, 26.2.4's
 * "outside IA-32e mode" rule, is checked by the caller). */
int vmx_check_host(const uint64_t *f, const struct vmx_caps *k, const char **why)
{
    const int e = VMXERR_ENTRY_BAD_HOST;
    uint64_t cr0 = f[VF_HOST_CR0], cr4 = f[VF_HOST_CR4];
    uint32_t exit = (uint32_t)f[VF_VM_EXIT_CONTROLS];
    bool host64 = (exit & EXIT_HOST_ADDR_SPACE_SIZE) != 0;

    /* 26.2.2 host control registers and MSRs */
    if (CC((cr0 & k->cr0_fixed0) != k->cr0_fixed0 || (cr0 & ~k->cr0_fixed1))) return e;
    if (CC((cr4 & k->cr4_fixed0) != k->cr4_fixed0 || (cr4 & ~k->cr4_fixed1))) return e;
    if (CC(above_maxphys(f[VF_HOST_CR3], k->maxphys))) return e;
    if (CC(!canonical(f[VF_HOST_IA32_SYSENTER_ESP]) || !canonical(f[VF_HOST_IA32_SYSENTER_EIP]))) return e;
    if ((exit & EXIT_LOAD_PAT) && CC(!pat_ok(f[VF_HOST_IA32_PAT]))) return e;
    if (exit & EXIT_LOAD_EFER) {
        uint64_t efer = f[VF_HOST_IA32_EFER];
        if (CC(efer & EFER_RESERVED)) return e;
        if (CC(((efer & EFER_LMA) != 0) != host64 || ((efer & EFER_LME) != 0) != host64)) return e;
    }

    /* 26.2.3 host segment and descriptor-table registers */
    static const int sels[] = {VF_HOST_ES_SELECTOR, VF_HOST_CS_SELECTOR, VF_HOST_SS_SELECTOR,
                               VF_HOST_DS_SELECTOR, VF_HOST_FS_SELECTOR, VF_HOST_GS_SELECTOR,
                               VF_HOST_TR_SELECTOR};
    for (unsigned s = 0; s < sizeof sels / sizeof sels[0]; s++)
        if (CC(f[sels[s]] & 7)) return e; /* RPL and TI must be 0 */
    if (CC(f[VF_HOST_CS_SELECTOR] == 0)) return e;
    if (CC(f[VF_HOST_TR_SELECTOR] == 0)) return e;
    if (!host64 && CC(f[VF_HOST_SS_SELECTOR] == 0)) return e;
    if (CC(!canonical(f[VF_HOST_FS_BASE]) || !canonical(f[VF_HOST_GS_BASE]) ||
           !canonical(f[VF_HOST_GDTR_BASE]) || !canonical(f[VF_HOST_IDTR_BASE]) ||
           !canonical(f[VF_HOST_TR_BASE])))
        return e;

    /* 26.2.4 address-space size */
    if (host64) {
        if (CC(!(cr4 & CR4_PAE))) return e;
        if (CC(!canonical(f[VF_HOST_RIP]))) return e;
    } else {
        if (CC(f[VF_VM_ENTRY_CONTROLS] & ENTRY_IA32E_MODE)) return e;
        if (CC(cr4 & CR4_PCIDE)) return e;
        if (CC(f[VF_HOST_RIP] >> 32)) return e;
    }
    return 0;
}

/* Segment-limit / granularity consistency (SDM Vol.3C 26.3.1.2): limit bits 11:0 not all ones
 * needs G = 0; any of bits 31:20 set needs G = 1. */
static bool gran_ok(uint32_t limit, uint32_t ar)
{
    if ((limit & 0xfff) != 0xfff && (ar & AR_G)) return false;
    if ((limit & 0xfff00000u) && !(ar & AR_G)) return false;
    return true;
}
#define AR_RESERVED 0xfffe0f00u
#define AR_DPL(ar) (((ar) >> 5) & 3)

int vmx_check_guest(const uint64_t *f, const struct vmx_caps *k, const char **why, uint64_t *qual)
{
    const int e = EXIT_INVALID_GUEST_STATE;
    uint32_t proc2 = proc2_of(f);
    uint32_t entry = (uint32_t)f[VF_VM_ENTRY_CONTROLS];
    uint32_t pin = (uint32_t)f[VF_PIN_BASED_VM_EXEC_CONTROL];
    bool ug = (proc2 & SEC_UNRESTRICTED_GUEST) != 0;
    bool ia32e = (entry & ENTRY_IA32E_MODE) != 0;
    uint64_t cr0 = f[VF_GUEST_CR0], cr4 = f[VF_GUEST_CR4];
    uint64_t rflags = f[VF_GUEST_RFLAGS];
    bool v86 = (rflags & FL_VM) != 0;
    *qual = 0;

    /* 26.3.1.1 control registers, debug registers and MSRs */
    uint64_t fixed0 = k->cr0_fixed0;
    if (ug) fixed0 &= ~(CR0_PE | CR0_PG);
    if (CC((cr0 & fixed0) != fixed0 || (cr0 & ~k->cr0_fixed1))) return e;
    if (CC((cr0 & CR0_PG) && !(cr0 & CR0_PE))) return e;
    if (CC((cr4 & k->cr4_fixed0) != k->cr4_fixed0 || (cr4 & ~k->cr4_fixed1))) return e;
    if ((entry & ENTRY_LOAD_DEBUG_CONTROLS) && CC(f[VF_GUEST_IA32_DEBUGCTL] & ~3ull)) return e;
    if (ia32e) {
        if (CC(!(cr0 & CR0_PG) || !(cr4 & CR4_PAE))) return e;
    } else {
        if (CC(cr4 & CR4_PCIDE)) return e;
    }
    if (CC(above_maxphys(f[VF_GUEST_CR3], k->maxphys))) return e;
    if ((entry & ENTRY_LOAD_DEBUG_CONTROLS) && CC(f[VF_GUEST_DR7] >> 32)) return e;
    if (CC(!canonical(f[VF_GUEST_SYSENTER_ESP]) || !canonical(f[VF_GUEST_SYSENTER_EIP]))) return e;
    if ((entry & ENTRY_LOAD_PAT) && CC(!pat_ok(f[VF_GUEST_IA32_PAT]))) return e;
    if (entry & ENTRY_LOAD_EFER) {
        uint64_t efer = f[VF_GUEST_IA32_EFER];
        if (CC(efer & EFER_RESERVED)) return e;
        if (CC(((efer & EFER_LMA) != 0) != ia32e)) return e;
        if ((cr0 & CR0_PG) && CC(((efer & EFER_LMA) != 0) != ((efer & EFER_LME) != 0))) return e;
    }

    /* 26.3.1.2 segment registers */
    uint64_t sel[8], base[8];
    uint32_t lim[8], ar[8];
    for (unsigned s = 0; s < 8; s++) { /* ES CS SS DS FS GS LDTR TR */
        sel[s] = f[VF_GUEST_ES_SELECTOR + s];
        base[s] = f[VF_GUEST_ES_BASE + s];
        lim[s] = (uint32_t)f[VF_GUEST_ES_LIMIT + s];
        ar[s] = (uint32_t)f[VF_GUEST_ES_AR_BYTES + s];
    }
    enum { ES, CS, SS, DS, FS, GS, LDTR, TR };
    bool usable[8];
    for (unsigned s = 0; s < 8; s++) usable[s] = !(ar[s] & AR_UNUSABLE);
    if (CC(sel[TR] & 4)) return e;
    if (usable[LDTR] && CC(sel[LDTR] & 4)) return e;
    if (!v86 && !ug && CC((sel[SS] & 3) != (sel[CS] & 3))) return e;
    if (v86) {
        for (unsigned s = ES; s <= GS; s++) {
            if (CC(base[s] != sel[s] << 4)) return e;
            if (CC(lim[s] != 0xffff)) return e;
            if (CC(ar[s] != 0xf3)) return e;
        }
    }
    if (CC(!canonical(base[TR]) || !canonical(base[FS]) || !canonical(base[GS]))) return e;
    if (usable[LDTR] && CC(!canonical(base[LDTR]))) return e;
    if (CC(base[CS] >> 32)) return e;
    for (unsigned s = ES; s <= DS; s++)
        if (s != CS && usable[s] && CC(base[s] >> 32)) return e;
    if (!v86) {
        unsigned cst = ar[CS] & AR_TYPE;
        /* CS: accessed code (9, 11, 13, 15), or read/write accessed data (3) with unrestricted guest */
        if (CC(!(cst == 9 || cst == 11 || cst == 13 || cst == 15 || (ug && cst == 3)))) return e;
        if (usable[SS] && CC((ar[SS] & AR_TYPE) != 3 && (ar[SS] & AR_TYPE) != 7)) return e;
        for (unsigned s = ES; s <= GS; s++) {
            if (s == CS || s == SS || !usable[s]) continue;
            if (CC(!(ar[s] & 1))) return e;                        /* accessed */
            if (CC((ar[s] & 8) && !(ar[s] & 2))) return e;         /* code must be readable */
        }
        for (unsigned s = ES; s <= GS; s++) {
            if (s != CS && !usable[s]) continue;
            if (CC(!(ar[s] & AR_S))) return e;
            if (CC(!(ar[s] & AR_P))) return e;
            if (CC(ar[s] & AR_RESERVED)) return e;
            if (CC(!gran_ok(lim[s], ar[s]))) return e;
        }
        if (cst == 3 && CC(AR_DPL(ar[CS]) != 0)) return e;
        if ((cst == 9 || cst == 11) && CC(AR_DPL(ar[CS]) != AR_DPL(ar[SS]))) return e;
        if ((cst == 13 || cst == 15) && CC(AR_DPL(ar[CS]) > AR_DPL(ar[SS]))) return e;
        if (!ug && CC(AR_DPL(ar[SS]) != (sel[SS] & 3))) return e;
        if ((cst == 3 || !(cr0 & CR0_PE)) && CC(AR_DPL(ar[SS]) != 0)) return e;
        if (!ug)
            for (unsigned s = ES; s <= GS; s++) {
                if (s == CS || s == SS || !usable[s]) continue;
                if ((ar[s] & AR_TYPE) <= 11 && CC(AR_DPL(ar[s]) < (sel[s] & 3))) return e;
            }
        if (ia32e && (ar[CS] & AR_L) && CC(ar[CS] & AR_DB)) return e;
    }
    /* TR (26.3.1.2): busy 32/64-bit TSS (11), or busy 16-bit TSS (3) outside IA-32e mode */
    unsigned trt = ar[TR] & AR_TYPE;
    if (CC(!(trt == 11 || (trt == 3 && !ia32e)))) return e;
    if (CC(ar[TR] & AR_S)) return e;
    if (CC(!(ar[TR] & AR_P))) return e;
    if (CC(ar[TR] & AR_RESERVED)) return e;
    if (CC(!gran_ok(lim[TR], ar[TR]))) return e;
    if (CC(!usable[TR])) return e;
    if (usable[LDTR]) {
        if (CC((ar[LDTR] & AR_TYPE) != 2)) return e;
        if (CC(ar[LDTR] & AR_S)) return e;
        if (CC(!(ar[LDTR] & AR_P))) return e;
        if (CC(ar[LDTR] & AR_RESERVED)) return e;
        if (CC(!gran_ok(lim[LDTR], ar[LDTR]))) return e;
    }

    /* 26.3.1.3 descriptor-table registers */
    if (CC(!canonical(f[VF_GUEST_GDTR_BASE]) || !canonical(f[VF_GUEST_IDTR_BASE]))) return e;
    if (CC((f[VF_GUEST_GDTR_LIMIT] | f[VF_GUEST_IDTR_LIMIT]) >> 16)) return e;

    /* 26.3.1.4 RIP and RFLAGS */
    uint64_t rip = f[VF_GUEST_RIP];
    if (!ia32e || !(ar[CS] & AR_L)) {
        if (CC(rip >> 32)) return e;
    } else if (CC(!canonical(rip))) {
        return e;
    }
    if (CC(rflags & (~0x3fffffull | 1u << 15 | 1u << 5 | 1u << 3))) return e;
    if (CC(!(rflags & FL_FIXED1))) return e;
    if ((ia32e || !(cr0 & CR0_PE)) && CC(v86)) return e;
    uint32_t info = (uint32_t)f[VF_VM_ENTRY_INTR_INFO];
    bool inject = (info & INTR_INFO_VALID) != 0;
    unsigned itype = (info >> 8) & 7, ivec = info & 0xff;
    if (inject && itype == INTR_TYPE_EXT && CC(!(rflags & FL_IF))) return e;

    /* 26.3.1.5 non-register state */
    uint64_t act = f[VF_GUEST_ACTIVITY_STATE];
    uint64_t intr = f[VF_GUEST_INTERRUPTIBILITY_INFO];
    if (CC(act > 3 || (act && !((k->misc >> (5 + act)) & 1)))) return e;
    if (act == ACTIVITY_HLT && CC(AR_DPL(ar[SS]) != 0)) return e;
    if ((intr & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS)) && CC(act != ACTIVITY_ACTIVE)) return e;
    /* no event can be injected into wait-for-SIPI, only an NMI or a machine check into
     * shutdown */
    if (inject && CC(act == ACTIVITY_WAIT_SIPI)) return e;
    if (inject && act == ACTIVITY_SHUTDOWN &&
        CC(!(itype == INTR_TYPE_NMI || (itype == INTR_TYPE_HW_EXC && ivec == 18))))
        return e;
    if (inject && act == ACTIVITY_HLT &&
        CC(!(itype == INTR_TYPE_EXT || itype == INTR_TYPE_NMI || itype == INTR_TYPE_OTHER ||
             (itype == INTR_TYPE_HW_EXC && (ivec == 1 || ivec == 18)))))
        return e;
    if (CC(intr & ~0x1full)) return e;
    if (CC(intr & 0x10)) return e; /* enclave interruption: no SGX */
    if (CC((intr & INTR_BLOCK_STI) && (intr & INTR_BLOCK_MOV_SS))) return e;
    if ((intr & INTR_BLOCK_STI) && CC(!(rflags & FL_IF))) return e;
    if (inject && itype == INTR_TYPE_EXT && CC(intr & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS))) return e;
    if (inject && itype == INTR_TYPE_NMI && CC(intr & INTR_BLOCK_MOV_SS)) return e;
    if (CC(intr & INTR_BLOCK_SMI)) return e; /* not in SMM */
    if (inject && itype == INTR_TYPE_NMI && (pin & PIN_VIRTUAL_NMIS) && CC(intr & INTR_BLOCK_NMI)) return e;
    uint64_t pdbg = f[VF_GUEST_PENDING_DBG_EXCEPTIONS];
    if (CC(pdbg & ~0x1500full)) return e; /* bits 3:0 B0-B3, 12 enabled bp, 14 BS, 16 RTM */
    if (CC(pdbg & (1u << 16))) return e; /* RTM: no TSX */
    if ((intr & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS)) || act == ACTIVITY_HLT) {
        bool tf = (rflags & FL_TF) != 0;
        bool btf = (entry & ENTRY_LOAD_DEBUG_CONTROLS) && (f[VF_GUEST_IA32_DEBUGCTL] & 2);
        bool bs = (pdbg >> 14) & 1;
        if (CC(tf && !btf && !bs)) return e;
        if (CC((!tf || btf) && bs)) return e;
    }
    uint64_t link = f[VF_VMCS_LINK_POINTER];
    if (link != ~0ull && CC((link & 0xfff) || above_maxphys(link, k->maxphys))) {
        *qual = 4;
        return e;
    }
    return 0;
}
