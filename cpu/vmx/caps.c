/* VMX capability MSRs (SDM Vol.3D Appendix A). They report exactly what this implementation
 * supports: a control is allowed to be 1 only when its behaviour is implemented, and allowed to
 * be 0 only when its 0-setting is. The values are the same on every host. */
#include "cpu/cpu_priv.h"
#include "cpu/cpumodel.h"
#include "cpu/vmx/vmx.h"

/* Controls whose 1-setting is implemented. */
#define PIN_SUPPORTED                                                                              \
    (PIN_EXT_INTR_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS | PIN_PREEMPTION_TIMER | PIN_POSTED_INTR)
#define CPU_SUPPORTED                                                                              \
    (CPU_INTR_WINDOW_EXITING | CPU_USE_TSC_OFFSETTING | CPU_HLT_EXITING | CPU_INVLPG_EXITING |     \
     CPU_MWAIT_EXITING | CPU_RDPMC_EXITING | CPU_RDTSC_EXITING | CPU_CR3_LOAD_EXITING |            \
     CPU_CR3_STORE_EXITING | CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING | CPU_TPR_SHADOW |       \
     CPU_NMI_WINDOW_EXITING | CPU_MOV_DR_EXITING | CPU_UNCOND_IO_EXITING | CPU_USE_IO_BITMAPS |     \
     CPU_MONITOR_TRAP_FLAG | CPU_USE_MSR_BITMAPS | CPU_MONITOR_EXITING | CPU_PAUSE_EXITING |        \
     CPU_SECONDARY_CONTROLS)
#define SEC_SUPPORTED                                                                              \
    (SEC_VIRT_APIC_ACCESSES | SEC_ENABLE_EPT | SEC_DESC_TABLE_EXITING | SEC_VIRT_X2APIC |         \
     SEC_ENABLE_RDTSCP | SEC_ENABLE_VPID | SEC_WBINVD_EXITING | SEC_UNRESTRICTED_GUEST |           \
     SEC_APIC_REGISTER_VIRT | SEC_VIRT_INTR_DELIVERY | SEC_PAUSE_LOOP_EXITING | SEC_ENABLE_VMFUNC | \
     SEC_VMCS_SHADOWING | SEC_ENABLE_PML | SEC_ENABLE_XSAVES)
#define EXIT_SUPPORTED                                                                             \
    (EXIT_SAVE_DEBUG_CONTROLS | EXIT_HOST_ADDR_SPACE_SIZE | EXIT_ACK_INTR_ON_EXIT |                \
     EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PREEMPTION_TIMER)
#define ENTRY_SUPPORTED (ENTRY_LOAD_DEBUG_CONTROLS | ENTRY_IA32E_MODE | ENTRY_LOAD_PAT | ENTRY_LOAD_EFER)

/* Default1 bits that are real controls with a working 0-setting; the TRUE MSRs let them be 0
 * (SDM Vol.3D A.2). All other default1 bits are reserved and stay must-be-1. */
#define CPU_DEFAULT1_OPTIONAL (CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING)
#define EXIT_DEFAULT1_OPTIONAL EXIT_SAVE_DEBUG_CONTROLS
#define ENTRY_DEFAULT1_OPTIONAL ENTRY_LOAD_DEBUG_CONTROLS

/* A capability MSR: bits 31:0 allowed 0-settings (1 = must be 1), 63:32 allowed 1-settings. */
static uint64_t ctl_msr(uint32_t must1, uint32_t may1) { return must1 | (uint64_t)(may1 | must1) << 32; }

/* Preemption-timer rate: the timer counts down each time bit 5 of the TSC changes (A.6). */
#define PREEMPT_RATE 5

void vmx_caps_init(struct vmx_caps *k, const struct cpu *c)
{
    k->maxphys = c->model->maxphys;
    /* A.1: revision, VMCS region size 4096 (bits 44:32), write-back memory type (53:50), INS/OUTS
     * instruction information (54), TRUE controls (55) */
    k->basic = VMCS_REVISION_ID | 4096ull << 32 | 6ull << 50 | 1ull << 54 | 1ull << 55;
    k->pin = ctl_msr(PIN_DEFAULT1, PIN_SUPPORTED);
    k->true_pin = k->pin;
    k->proc = ctl_msr(CPU_DEFAULT1, CPU_SUPPORTED);
    k->true_proc = ctl_msr(CPU_DEFAULT1 & ~CPU_DEFAULT1_OPTIONAL, CPU_SUPPORTED);
    /* RDRAND/RDSEED exiting (25.1.3) may be 1 when the CPU has the instruction */
    uint32_t sec = SEC_SUPPORTED;
    if (c->features & FEATURE_BIT(FEAT_RDRAND)) sec |= SEC_RDRAND_EXITING;
    if (c->features & FEATURE_BIT(FEAT_RDSEED)) sec |= SEC_RDSEED_EXITING;
    /* "enable INVPCID" (25.3) may be 1 when the CPU has INVPCID */
    if (c->features & FEATURE_BIT(FEAT_INVPCID)) sec |= SEC_ENABLE_INVPCID;
    k->proc2 = ctl_msr(0, sec);
    k->exit = ctl_msr(EXIT_DEFAULT1, EXIT_SUPPORTED);
    k->true_exit = ctl_msr(EXIT_DEFAULT1 & ~EXIT_DEFAULT1_OPTIONAL, EXIT_SUPPORTED);
    k->entry = ctl_msr(ENTRY_DEFAULT1, ENTRY_SUPPORTED);
    k->true_entry = ctl_msr(ENTRY_DEFAULT1 & ~ENTRY_DEFAULT1_OPTIONAL, ENTRY_SUPPORTED);
    /* A.6: timer rate, EFER.LMA saved into "IA-32e mode guest" (5), activity states HLT (6),
     * shutdown (7) and wait-for-SIPI (8), 4 CR3-target values (24:16), MSR lists up to 512
     * entries (27:25 = 0), VMWRITE to read-only fields (29), injection with instruction length
     * 0 (30) */
    k->misc = PREEMPT_RATE | 1u << 5 | 1u << 6 | 1u << 7 | 1u << 8 | 4u << 16 | 1u << 29 | 1u << 30;
    /* A.7, A.8: CR0.PE, NE, PG must be 1 in VMX operation; CR4.VMXE must be 1. Bits that may
     * be 1 are the ones this CPU implements. */
    k->cr0_fixed0 = CR0_PE | CR0_NE | CR0_PG;
    k->cr0_fixed1 = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM |
                    CR0_NW | CR0_CD | CR0_PG;
    k->cr4_fixed0 = CR4_VMXE;
    k->cr4_fixed1 = cpu_cr4_valid(c);
    k->vmcs_enum = (uint64_t)vmcs_max_index() << 1; /* A.9 */
    /* A.10: execute-only (0), 4-level walks (6), UC (8) and WB (14) EPTP memory types, 2 MiB (16)
     * and 1 GiB (17) pages, INVEPT (20) single-context (25) and all-context (26), accessed and
     * dirty flags (21); INVVPID (32) of every type (40-43) */
    k->ept_vpid = 1ull << 0 | 1ull << 6 | 1ull << 8 | 1ull << 14 | 1ull << 16 | 1ull << 17 |
                  1ull << 20 | 1ull << 21 | 1ull << 25 | 1ull << 26 | 1ull << 32 | 1ull << 40 |
                  1ull << 41 | 1ull << 42 | 1ull << 43;
    k->vmfunc = 1;   /* A.11: EPTP switching (VM function 0) is the only VM function */
}

bool vmx_msr_read(const struct cpu *c, uint32_t idx, uint64_t *v)
{
    const struct vmx *x = c->vmx;
    if (!x) return false;
    const struct vmx_caps *k = &x->caps;
    bool sec = (k->proc >> 32) & CPU_SECONDARY_CONTROLS;
    switch (idx) {
    case 0x480: *v = k->basic; return true;
    case 0x481: *v = k->pin; return true;
    case 0x482: *v = k->proc; return true;
    case 0x483: *v = k->exit; return true;
    case 0x484: *v = k->entry; return true;
    case 0x485: *v = k->misc; return true;
    case 0x486: *v = k->cr0_fixed0; return true;
    case 0x487: *v = k->cr0_fixed1; return true;
    case 0x488: *v = k->cr4_fixed0; return true;
    case 0x489: *v = k->cr4_fixed1; return true;
    case 0x48a: *v = k->vmcs_enum; return true;
    case 0x48b: *v = k->proc2; return sec;
    case 0x48c: /* exists when EPT or VPID may be enabled (A.10) */
        *v = k->ept_vpid;
        return sec && ((k->proc2 >> 32) & (SEC_ENABLE_EPT | SEC_ENABLE_VPID));
    case 0x48d: *v = k->true_pin; return true;
    case 0x48e: *v = k->true_proc; return true;
    case 0x48f: *v = k->true_exit; return true;
    case 0x490: *v = k->true_entry; return true;
    case 0x491: *v = k->vmfunc; return sec && ((k->proc2 >> 32) & SEC_ENABLE_VMFUNC);
    default: return false;
    }
}
