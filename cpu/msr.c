/* Model-specific registers (SDM Vol.4 table 2-2, architectural MSRs). An MSR not listed here does
 * not exist: RDMSR/WRMSR raise #GP(0). */
#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"
#include "cpu/vmx/vmx.h"

#define MSR_TSC 0x10
#define MSR_PLATFORM_ID 0x17
#define MSR_APIC_BASE 0x1b
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_ARCH_CAPABILITIES 0x10a
#define MSR_BIOS_SIGN_ID 0x8b
#define MSR_MTRRCAP 0xfe
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_MISC_ENABLE 0x1a0
#define MSR_DEBUGCTL 0x1d9
#define MSR_MTRR_PHYS_FIRST 0x200
#define MSR_MTRR_PHYS_LAST 0x20f
#define MSR_MTRR_FIX64K 0x250
#define MSR_MTRR_FIX16K_80000 0x258
#define MSR_MTRR_FIX16K_A0000 0x259
#define MSR_MTRR_FIX4K_FIRST 0x268
#define MSR_MTRR_FIX4K_LAST 0x26f
#define MSR_PAT 0x277
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_XSS 0xda0
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

static int fixed_mtrr_index(uint32_t idx)
{
    if (idx == MSR_MTRR_FIX64K) return 0;
    if (idx == MSR_MTRR_FIX16K_80000) return 1;
    if (idx == MSR_MTRR_FIX16K_A0000) return 2;
    if (idx >= MSR_MTRR_FIX4K_FIRST && idx <= MSR_MTRR_FIX4K_LAST) return 3 + (int)(idx - MSR_MTRR_FIX4K_FIRST);
    return -1;
}

/* SDM Vol.3A 11.12.1.2: MSRs 800H-8FFH are the x2APIC registers; outside x2APIC mode (or on a
 * model without x2APIC) every access is #GP(0), as for any MSR that does not exist. */
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff
static bool x2apic_msr(const struct cpu *c, uint32_t idx)
{
    return idx >= MSR_X2APIC_FIRST && idx <= MSR_X2APIC_LAST && c->model->x2apic && c->apic;
}

bool msr_read(struct cpu *c, uint32_t idx, uint64_t *v)
{
    const struct cpu_model *m = c->model;
    int fx;
    if (x2apic_msr(c, idx)) return c->apic_msr_read && c->apic_msr_read(c->apic, idx, v);
    switch (idx) {
    case MSR_TSC: *v = cpu_tsc(c); return true;
    case MSR_PLATFORM_ID: *v = 0; return m->vendor == VENDOR_INTEL;
    case MSR_APIC_BASE: *v = c->apic ? c->apic_base_get(c->apic) : c->apic_base; return true;
    case MSR_FEATURE_CONTROL: *v = c->feature_control; return m->vendor == VENDOR_INTEL;
    case MSR_BIOS_SIGN_ID: *v = 0; return true;
    case MSR_MTRRCAP: *v = m->mtrr ? (8u | 1u << 8 | 1u << 10) : 0; return m->mtrr; /* 8 var, fixed, WC */
    case MSR_SYSENTER_CS: *v = c->sysenter_cs; return true;
    case MSR_SYSENTER_ESP: *v = c->sysenter_esp; return true;
    case MSR_SYSENTER_EIP: *v = c->sysenter_eip; return true;
    case MSR_MISC_ENABLE: *v = c->misc_enable; return m->vendor == VENDOR_INTEL;
    /* SDM Vol.4 table 2-2: IA32_DEBUGCTL exists on every P6-family and later CPU. None of its
     * features (LBR, BTF, ...) is implemented, so it reads as 0. */
    case MSR_DEBUGCTL: *v = 0; return true;
    case MSR_ARCH_CAPABILITIES: *v = CPU_ARCH_CAPABILITIES; return m->vendor == VENDOR_INTEL; /* read-only */
    case MSR_PAT: *v = c->pat; return true;
    case MSR_MTRR_DEF_TYPE: *v = c->mtrr_def_type; return m->mtrr;
    /* IA32_XSS (SDM Vol.1 13.3; Vol.4 table 2-2): exists when CPUID.(EAX=0DH,ECX=1):EAX[3] */
    case MSR_XSS: *v = c->xss; return (c->features & FEATURE_BIT(FEAT_XSAVES)) != 0;
    case MSR_EFER: *v = c->efer; return true;
    case MSR_STAR: *v = c->star; return true;
    case MSR_LSTAR: *v = c->lstar; return true;
    case MSR_CSTAR: *v = c->cstar; return true;
    case MSR_FMASK: *v = c->fmask; return true;
    case MSR_FS_BASE: *v = c->seg[SEG_FS].base; return true;
    case MSR_GS_BASE: *v = c->seg[SEG_GS].base; return true;
    case MSR_KERNEL_GS_BASE: *v = c->kernel_gs_base; return true;
    case MSR_TSC_AUX: *v = c->tsc_aux; return (c->features & FEATURE_BIT(FEAT_RDTSCP)) != 0;
    default: break;
    }
    if (idx >= MSR_MTRR_PHYS_FIRST && idx <= MSR_MTRR_PHYS_LAST && m->mtrr) {
        *v = c->mtrr_var[idx - MSR_MTRR_PHYS_FIRST];
        return true;
    }
    if (idx >= MSR_IA32_VMX_BASIC && idx <= MSR_IA32_VMX_VMFUNC) return vmx_msr_read(c, idx, v); /* read-only */
    if ((fx = fixed_mtrr_index(idx)) >= 0 && m->mtrr) {
        *v = c->mtrr_fixed[fx];
        return true;
    }
    return false;
}

/* Memory type encodings valid in PAT and MTRRs: 0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC- (PAT only) */
static bool valid_memtype(unsigned t, bool pat) { return t == 0 || t == 1 || t == 4 || t == 5 || t == 6 || (pat && t == 7); }

bool msr_write(struct cpu *c, uint32_t idx, uint64_t v)
{
    const struct cpu_model *m = c->model;
    int fx;
    if (x2apic_msr(c, idx)) return c->apic_msr_write && c->apic_msr_write(c->apic, idx, v);
    switch (idx) {
    case MSR_TSC: c->tsc_offset = v - cpu_vtime(c); return true;
    case MSR_APIC_BASE:
        /* bits 7:0, 9, above MAXPHYADDR, and 10 (EXTD) without x2APIC are reserved (SDM Vol.3A
         * 11.4.4, 11.12.1); the LAPIC refuses the invalid mode transitions (11.12.5) */
        if (v & ((m->x2apic ? 0x2ffull : 0x6ffull) | ~((1ull << m->maxphys) - 1))) return false;
        if (c->apic) return c->apic_base_set(c->apic, v);
        c->apic_base = v;
        return true;
    case MSR_FEATURE_CONTROL:
        if (m->vendor != VENDOR_INTEL) return false;
        if (c->feature_control & 1) return false; /* locked until reset (SDM Vol.3C 23.7) */
        /* bit 0 lock; bit 2 VMX outside SMX, only when VMX exists; bit 1 (VMX in SMX) needs SMX */
        if (v & ~(c->vmx ? 0x5ull : 0x1ull)) return false;
        c->feature_control = v;
        return true;
    case MSR_BIOS_SIGN_ID: return true;
    case MSR_SYSENTER_CS: c->sysenter_cs = v & 0xffff; return true;
    case MSR_SYSENTER_ESP:
        if (!is_canonical(v)) return false;
        c->sysenter_esp = v;
        return true;
    case MSR_SYSENTER_EIP:
        if (!is_canonical(v)) return false;
        c->sysenter_eip = v;
        return true;
    case MSR_MISC_ENABLE:
        if (m->vendor != VENDOR_INTEL) return false;
        c->misc_enable = (c->misc_enable & ~1ull) | (v & 1); /* fast-strings is the only writable bit here */
        return true;
    case MSR_DEBUGCTL: return v == 0; /* no feature bit is implemented: setting one is #GP */
    case MSR_PAT:
        for (unsigned k = 0; k < 8; k++)
            if (!valid_memtype((v >> (8 * k)) & 0xff, true)) return false;
        c->pat = v;
        return true;
    case MSR_XSS:
        /* IA32_XSS holds the enabled supervisor state components (SDM Vol.1 13.3); none is
         * supported (CPUID.(EAX=0DH,ECX=1):ECX/EDX = 0), so every set bit is #GP */
        if (!(c->features & FEATURE_BIT(FEAT_XSAVES)) || (v & ~XSS_SUPPORTED)) return false;
        c->xss = v;
        return true;
    case MSR_MTRR_DEF_TYPE:
        if (!m->mtrr || (v & ~0xcffull) || !valid_memtype(v & 0xff, false)) return false;
        c->mtrr_def_type = v;
        return true;
    case MSR_EFER: {
        /* SDM Vol.3A 2.2.1: reserved bits #GP; LME cannot change while paging is enabled; LMA
         * is read-only (writes are ignored). */
        uint64_t valid = EFER_LME | EFER_LMA;
        if (c->features & FEATURE_BIT(FEAT_SYSCALL)) valid |= EFER_SCE;
        if (m->nx) valid |= EFER_NXE;
        if (v & ~valid) return false;
        if ((c->cr0 & CR0_PG) && ((v ^ c->efer) & EFER_LME)) return false;
        uint64_t old = c->efer;
        c->efer = (v & ~EFER_LMA) | (c->efer & EFER_LMA);
        if ((old ^ c->efer) & EFER_NXE) cpu_tlb_flush(c, true);
        return true;
    }
    case MSR_STAR: c->star = v; return true;
    case MSR_LSTAR:
        if (!is_canonical(v)) return false;
        c->lstar = v;
        return true;
    case MSR_CSTAR:
        if (!is_canonical(v)) return false;
        c->cstar = v;
        return true;
    case MSR_FMASK: c->fmask = v & 0xffffffffull; return true;
    case MSR_FS_BASE: case MSR_GS_BASE: {
        if (!is_canonical(v)) return false;
        unsigned s = idx == MSR_FS_BASE ? SEG_FS : SEG_GS;
        c->seg[s].base = v;
        seg_update_checks(c, s);
        return true;
    }
    case MSR_KERNEL_GS_BASE:
        if (!is_canonical(v)) return false;
        c->kernel_gs_base = v;
        return true;
    case MSR_TSC_AUX:
        if (!(c->features & FEATURE_BIT(FEAT_RDTSCP)) || (v >> 32)) return false;
        c->tsc_aux = v;
        return true;
    default: break;
    }
    if (idx >= MSR_MTRR_PHYS_FIRST && idx <= MSR_MTRR_PHYS_LAST && m->mtrr) {
        c->mtrr_var[idx - MSR_MTRR_PHYS_FIRST] = v;
        return true;
    }
    if ((fx = fixed_mtrr_index(idx)) >= 0 && m->mtrr) {
        c->mtrr_fixed[fx] = v;
        return true;
    }
    return false;
}
