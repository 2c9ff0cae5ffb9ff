/* VMX: the capability MSRs, the VMX instructions, VM entry, VM exit and the intercept gate
 * (SDM Vol.3C chapters 23-31, Vol.3D Appendix A). See docs/architecture.md "VMX".
 *
 * The CPU is in one of three VMX states: outside VMX operation, VMX root operation (after
 * VMXON) and VMX non-root operation (between a VM entry and the next VM exit). In non-root
 * operation struct cpu holds the guest's architectural state; the host's state lives only in
 * the VMCS host-state area, exactly as on hardware.
 */
#ifndef CPU_VMX_VMX_H
#define CPU_VMX_VMX_H

#include "cpu/vmx/vmcs.h"
#include "mmu/ept_cache.h"
#include "mmu/mmu.h"

struct cpu;
struct insn;

/* ---- controls (SDM Vol.3C 24.6-24.8) ---- */
/* pin-based VM-execution controls (table 24-5) */
#define PIN_EXT_INTR_EXITING (1u << 0)
#define PIN_NMI_EXITING (1u << 3)
#define PIN_VIRTUAL_NMIS (1u << 5)
#define PIN_PREEMPTION_TIMER (1u << 6)
#define PIN_POSTED_INTR (1u << 7)
/* primary processor-based VM-execution controls (table 24-6) */
#define CPU_INTR_WINDOW_EXITING (1u << 2)
#define CPU_USE_TSC_OFFSETTING (1u << 3)
#define CPU_HLT_EXITING (1u << 7)
#define CPU_INVLPG_EXITING (1u << 9)
#define CPU_MWAIT_EXITING (1u << 10)
#define CPU_RDPMC_EXITING (1u << 11)
#define CPU_RDTSC_EXITING (1u << 12)
#define CPU_CR3_LOAD_EXITING (1u << 15)
#define CPU_CR3_STORE_EXITING (1u << 16)
#define CPU_CR8_LOAD_EXITING (1u << 19)
#define CPU_CR8_STORE_EXITING (1u << 20)
#define CPU_TPR_SHADOW (1u << 21)
#define CPU_NMI_WINDOW_EXITING (1u << 22)
#define CPU_MOV_DR_EXITING (1u << 23)
#define CPU_UNCOND_IO_EXITING (1u << 24)
#define CPU_USE_IO_BITMAPS (1u << 25)
#define CPU_MONITOR_TRAP_FLAG (1u << 27)
#define CPU_USE_MSR_BITMAPS (1u << 28)
#define CPU_MONITOR_EXITING (1u << 29)
#define CPU_PAUSE_EXITING (1u << 30)
#define CPU_SECONDARY_CONTROLS (1u << 31)
/* secondary processor-based VM-execution controls (table 24-7) */
#define SEC_VIRT_APIC_ACCESSES (1u << 0)
#define SEC_ENABLE_EPT (1u << 1)
#define SEC_DESC_TABLE_EXITING (1u << 2)
#define SEC_ENABLE_RDTSCP (1u << 3)
#define SEC_VIRT_X2APIC (1u << 4)
#define SEC_ENABLE_VPID (1u << 5)
#define SEC_WBINVD_EXITING (1u << 6)
#define SEC_UNRESTRICTED_GUEST (1u << 7)
#define SEC_APIC_REGISTER_VIRT (1u << 8)
#define SEC_VIRT_INTR_DELIVERY (1u << 9)
#define SEC_PAUSE_LOOP_EXITING (1u << 10)
#define SEC_RDRAND_EXITING (1u << 11)
#define SEC_ENABLE_INVPCID (1u << 12)
#define SEC_ENABLE_VMFUNC (1u << 13)
#define SEC_VMCS_SHADOWING (1u << 14)
#define SEC_RDSEED_EXITING (1u << 16)
#define SEC_ENABLE_PML (1u << 17)
#define SEC_ENABLE_XSAVES (1u << 20)
/* VM-exit controls (table 24-11) */
#define EXIT_SAVE_DEBUG_CONTROLS (1u << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE (1u << 9)
#define EXIT_ACK_INTR_ON_EXIT (1u << 15)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)
#define EXIT_SAVE_PREEMPTION_TIMER (1u << 22)
/* VM-entry controls (table 24-12) */
#define ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define ENTRY_IA32E_MODE (1u << 9)
#define ENTRY_SMM (1u << 10)
#define ENTRY_DEACT_DUAL_MONITOR (1u << 11)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)

/* Default1 classes: reserved bits that the non-TRUE capability MSRs report as must-be-1
 * (SDM Vol.3D A.2) */
#define PIN_DEFAULT1 0x00000016u
#define CPU_DEFAULT1 0x0401e172u
#define EXIT_DEFAULT1 0x00036dffu
#define ENTRY_DEFAULT1 0x000011ffu

/* ---- basic exit reasons (SDM Vol.3D Appendix C) ---- */
enum vmx_exit_reason {
    EXIT_EXCEPTION_NMI = 0, EXIT_EXTERNAL_INTERRUPT = 1, EXIT_TRIPLE_FAULT = 2, EXIT_INIT = 3,
    EXIT_SIPI = 4, EXIT_IO_SMI = 5, EXIT_OTHER_SMI = 6, EXIT_INTERRUPT_WINDOW = 7,
    EXIT_NMI_WINDOW = 8, EXIT_TASK_SWITCH = 9, EXIT_CPUID = 10, EXIT_GETSEC = 11, EXIT_HLT = 12,
    EXIT_INVD = 13, EXIT_INVLPG = 14, EXIT_RDPMC = 15, EXIT_RDTSC = 16, EXIT_RSM = 17,
    EXIT_VMCALL = 18, EXIT_VMCLEAR = 19, EXIT_VMLAUNCH = 20, EXIT_VMPTRLD = 21, EXIT_VMPTRST = 22,
    EXIT_VMREAD = 23, EXIT_VMRESUME = 24, EXIT_VMWRITE = 25, EXIT_VMXOFF = 26, EXIT_VMXON = 27,
    EXIT_CR_ACCESS = 28, EXIT_DR_ACCESS = 29, EXIT_IO_INSTRUCTION = 30, EXIT_RDMSR = 31,
    EXIT_WRMSR = 32, EXIT_INVALID_GUEST_STATE = 33, EXIT_MSR_LOADING = 34, EXIT_MWAIT = 36,
    EXIT_MONITOR_TRAP_FLAG = 37, EXIT_MONITOR = 39, EXIT_PAUSE = 40, EXIT_MCE_DURING_ENTRY = 41,
    EXIT_TPR_BELOW_THRESHOLD = 43, EXIT_APIC_ACCESS = 44, EXIT_VIRTUALIZED_EOI = 45,
    EXIT_GDTR_IDTR = 46, EXIT_LDTR_TR = 47, EXIT_EPT_VIOLATION = 48, EXIT_EPT_MISCONFIG = 49,
    EXIT_INVEPT = 50, EXIT_RDTSCP = 51, EXIT_PREEMPTION_TIMER = 52, EXIT_INVVPID = 53,
    EXIT_WBINVD = 54, EXIT_XSETBV = 55, EXIT_APIC_WRITE = 56, EXIT_RDRAND = 57, EXIT_INVPCID = 58,
    EXIT_VMFUNC = 59, EXIT_ENCLS = 60, EXIT_RDSEED = 61, EXIT_PML_FULL = 62, EXIT_XSAVES = 63,
    EXIT_XRSTORS = 64,
    EXIT_REASON_COUNT
};
#define EXIT_REASON_ENTRY_FAIL (1u << 31)
/* Name of a basic exit reason ("CPUID"), or "?" */
const char *vmx_exit_reason_name(unsigned reason);

/* ---- VM-instruction error numbers (SDM Vol.3C 30.4, table 30-1) ---- */
enum vmx_insn_error {
    VMXERR_VMCALL_IN_ROOT = 1, VMXERR_VMCLEAR_BAD_ADDR = 2, VMXERR_VMCLEAR_VMXON_PTR = 3,
    VMXERR_VMLAUNCH_NOT_CLEAR = 4, VMXERR_VMRESUME_NOT_LAUNCHED = 5,
    VMXERR_VMRESUME_AFTER_VMXOFF = 6, VMXERR_ENTRY_BAD_CONTROLS = 7, VMXERR_ENTRY_BAD_HOST = 8,
    VMXERR_VMPTRLD_BAD_ADDR = 9, VMXERR_VMPTRLD_VMXON_PTR = 10, VMXERR_VMPTRLD_BAD_REVISION = 11,
    VMXERR_UNSUPPORTED_FIELD = 12, VMXERR_VMWRITE_READ_ONLY = 13, VMXERR_VMXON_IN_ROOT = 15,
    VMXERR_ENTRY_MOV_SS = 26, VMXERR_INVEPT_INVVPID_OPERAND = 28,
};

/* Interruption-information format (SDM Vol.3C 24.8.3, 24.9.2): vector 7:0, type 10:8,
 * error code valid 11, NMI unblocking due to IRET 12, valid 31 */
#define INTR_INFO_VALID (1u << 31)
#define INTR_INFO_ERR_VALID (1u << 11)
#define INTR_INFO_NMI_UNBLOCK (1u << 12)
enum { INTR_TYPE_EXT = 0, INTR_TYPE_NMI = 2, INTR_TYPE_HW_EXC = 3, INTR_TYPE_SW_INT = 4,
       INTR_TYPE_PRIV_SW_EXC = 5, INTR_TYPE_SW_EXC = 6, INTR_TYPE_OTHER = 7 };

/* Guest interruptibility state (SDM Vol.3C 24.4.2, table 24-3) */
#define INTR_BLOCK_STI (1u << 0)
#define INTR_BLOCK_MOV_SS (1u << 1)
#define INTR_BLOCK_SMI (1u << 2)
#define INTR_BLOCK_NMI (1u << 3)
/* Pending debug exceptions (SDM Vol.3C 24.4.2, table 24-4): B0-B3 3:0, an enabled breakpoint
 * matched 12, single step 14 */
#define PDBG_B0_3 0xfu
#define PDBG_ENABLED_BP (1u << 12)
#define PDBG_BS (1u << 14)
/* Activity states (SDM Vol.3C 24.4.2) */
enum { ACTIVITY_ACTIVE = 0, ACTIVITY_HLT = 1, ACTIVITY_SHUTDOWN = 2, ACTIVITY_WAIT_SIPI = 3 };

/* The capability MSRs 0x480-0x491 (SDM Vol.3D Appendix A), computed once from what this
 * implementation supports and the CPU model. */
struct vmx_caps {
    uint64_t basic, pin, proc, exit, entry, misc, cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1,
        vmcs_enum, proc2, ept_vpid, true_pin, true_proc, true_exit, true_entry, vmfunc;
    uint8_t maxphys;
};
#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_VMFUNC 0x491

/* A guest TLB context: the translations of one VPID and EPTP (SDM Vol.3C 28.3.1: translations
 * are tagged by VPID and EPTP). The host's (VPID 0) is the CPU's own tlb_host. */
#define VMX_TLB_SLOTS 4 /* at most TLB_EPOCH_STEP - 1 */
struct vmx_tlb_slot {
    bool valid;
    uint16_t vpid;
    uint64_t eptp; /* EPTP, or ~0 without EPT */
    uint64_t apic_page; /* the APIC-access page kept out of t, or ~0 */
    uint64_t used;      /* when it was last made active (least recently used is reused) */
    struct tlb t;
};

/* VMX state of one logical processor. */
struct vmx {
    bool root;          /* in VMX operation (VMXON executed, VMXOFF not yet) */
    bool guest;         /* VMX non-root operation */
    uint64_t vmxon_ptr;
    uint64_t cur;       /* current-VMCS pointer; VMCS_PTR_NONE when invalid */
    bool launched;      /* launch state of the current VMCS */
    uint64_t f[VF_COUNT]; /* the current VMCS, cached */
    struct vmx_caps caps;
    /* controls of the running guest, copied at VM entry */
    uint32_t pin, proc, proc2, exit_ctl, entry_ctl, exc_bitmap;
    /* the pending VM exit of an instruction (two-phase exit, see vmx_exit_insn) and the exit
     * information being collected for the next exit */
    uint32_t exit_reason;
    uint64_t exit_qual;
    bool exit_insn;           /* instruction-caused: length and information are reported */
    uint8_t exit_insn_len;
    uint32_t exit_insn_info;
    uint64_t exit_gla;
    bool exit_gla_valid;
    uint32_t exit_intr_info, exit_intr_err; /* VM-exit interruption information */
    uint32_t idt_vec_info, idt_vec_err;     /* IDT-vectoring information */
    uint32_t deliv_info, deliv_err; /* the event being delivered right now (interruption format) */
    /* event injection of the last VM entry, delivered at the first instruction boundary */
    bool inject_pending, in_injection, inject_has_err;
    uint8_t inject_type, inject_vec, inject_len;
    bool deliv_injected; /* deliv_info is an event injected by VM entry */
    uint32_t inject_err;
    bool vnmi_blocked;  /* virtual-NMI blocking (virtual NMIs, SDM Vol.3C 25.3) */
    bool iret_nmi_blocked; /* (virtual-)NMI blocking when the guest's last IRET started */
    bool in_iret;          /* the guest's IRET is running: a fault now is a fault on IRET */
    bool mtf_pending;   /* a monitor-trap-flag exit is due at the next boundary (25.5.2) */
    /* debug traps (PDBG_* bits) pending at the next boundary: from the pending-debug-exceptions
     * field at VM entry (26.6.3), or the traps of an instruction held back by a trap-like VM
     * exit or MTF exit that comes first (25.5.2, 27.3.4). Delivered by vmx_check_events. */
    uint32_t dbg_trap;
    /* PAUSE-loop exiting: TSC of the last PAUSE and of the first PAUSE of the current loop */
    bool ple_valid;
    uint64_t ple_last, ple_first;
    /* VMX-preemption timer: the virtual time at which it reaches 0 (SDM Vol.3C 25.5.1) */
    uint64_t preempt_deadline;
    uint8_t preempt_shift;
    /* TLB contexts kept across VM entries and exits when the guest uses VPIDs; the active one
     * while a guest runs with a VPID, else NULL */
    struct vmx_tlb_slot tlbs[VMX_TLB_SLOTS];
    struct vmx_tlb_slot *tlb_active;
    uint64_t tlb_clock;
    /* why the last VM entry check failed (for -d vmx and unit tests) */
    const char *fail_why;
    /* APIC virtualization (SDM Vol.3C chapter 29, cpu/vmx/apicv.c). RVI and SVI live in the
     * cached guest-interrupt-status field while the guest runs. */
    uint64_t apic_access_page;   /* APIC-access address of the running guest (page aligned) */
    bool vintr_recognized;       /* a pending virtual interrupt is recognized (29.2.1) */
    bool pend_if_only;           /* PEND_VMX is set only for events that wait for RFLAGS.IF = 1
                                  * (vmx_update_pending, vmx_events_due) */
    bool apic_write_pending;     /* a virtualized write awaits APIC-write emulation (29.4.3.2) */
    uint16_t apic_write_off;     /* its page offset and size */
    uint8_t apic_write_size;
    bool apic_step;              /* run the next guest instruction alone (see vmx_apic_access) */
    bool tpr_exit_pending;       /* TPR-below-threshold exit right after VM entry (26.7.7) */
    /* guest-physical mappings of every EP4TA (28.3.1), used by vmx_ept_try; last, it is big */
    struct ept_cache eptc;
};
#define VMCS_PTR_NONE (~0ull)

/* Fills caps for a CPU whose model supports VMX. Pure apart from reading the model. */
void vmx_caps_init(struct vmx_caps *caps, const struct cpu *c);
/* RDMSR of 0x480-0x491: false when the MSR does not exist on this CPU (#GP). */
bool vmx_msr_read(const struct cpu *c, uint32_t idx, uint64_t *v);

/* ---- VM-entry checks, pure (SDM Vol.3C 26.2, 26.3.1) ----
 * Each returns 0 when the checks pass. On failure *why names the failed rule. */
/* 26.2.1: VM-execution, VM-exit and VM-entry control fields: VMXERR_ENTRY_BAD_CONTROLS. */
int vmx_check_controls(const uint64_t *f, const struct vmx_caps *caps, const char **why);
/* 26.2.2-26.2.4: host-state area: VMXERR_ENTRY_BAD_HOST. */
int vmx_check_host(const uint64_t *f, const struct vmx_caps *caps, const char **why);
/* 26.3.1: guest-state area: EXIT_INVALID_GUEST_STATE, with *qual the exit qualification
 * (0, or 4 for the VMCS link pointer). PDPTE checks are done by the caller, which reads memory. */
int vmx_check_guest(const uint64_t *f, const struct vmx_caps *caps, const char **why,
                    uint64_t *qual);

/* ---- the CPU side (cpu/vmx/) ---- */
/* Allocates the VMX state when the CPU model has VMX. */
void vmx_init(struct cpu *c);
/* RESET/INIT: leaves VMX operation (SDM Vol.3C 23.8: INIT is blocked in root operation; RESET
 * leaves it). */
void vmx_reset(struct cpu *c);
/* Records an instruction-caused VM exit and longjmps to the run loop, which rolls RIP back to the
 * instruction and calls vmx_do_exit (SDM Vol.3C 27.1: the exit happens instead of the
 * instruction). May raise: always longjmps. */
NORETURN void vmx_exit_insn(struct cpu *c, uint32_t reason, uint64_t qual);
/* Performs a VM exit now (the world switch): saves guest state, records the exit information,
 * loads host state (SDM Vol.3C 27.2-27.6). The exit reason and qualification come from the
 * arguments; instruction length and information from c->vmx when instruction-caused. Never
 * raises (a failure loading host state is a VMX abort, which shuts the CPU down). */
void vmx_do_exit(struct cpu *c, uint32_t reason, uint64_t qual);
/* Exceptions in non-root operation (SDM Vol.3C 25.2): true when vector/error cause a VM exit
 * per the exception bitmap and the #PF error-code mask/match; the caller then calls
 * vmx_exit_exception. */
bool vmx_exception_exits(const struct cpu *c, int vec, uint32_t err);
/* VM exit for an exception or NMI (reason 0) with the interruption information, and the
 * IDT-vectoring information of an event being delivered (prev_vec >= 0). Never raises. */
void vmx_exit_exception(struct cpu *c, int vec, bool has_err, uint32_t err, int type);
/* Asynchronous events at an instruction boundary: external interrupt exiting, interrupt
 * window. Returns true when a VM exit happened. Never raises. */
bool vmx_check_events(struct cpu *c);
/* The decode-time gate: installed instead of the handler of every instruction with an
 * intercept class when decoding for non-root operation. */
void op_vmx_gate(struct cpu *c, const struct insn *i);
/* CR0/CR4 as the guest reads them (guest/host masks and read shadows, SDM Vol.3C 25.3). */
uint64_t vmx_read_cr_shadowed(const struct cpu *c, unsigned n, uint64_t actual);
/* Prints the current VMCS with field names (monitor and -d vmx). */
void vmx_dump_vmcs(const struct cpu *c, void *file);
/* VMLAUNCH/VMRESUME after their own checks: 0 = in the guest; > 0 = VMfailValid number (controls
 * or host state); < 0 = the entry failed as a VM exit and host state is loaded. Never raises. */
int vmx_enter(struct cpu *c, bool launch);
/* Event delivery hook in non-root operation (cpu/interrupt.c): returns when the event is to be
 * delivered; a VM exit instead performs the exit and longjmps to the run loop. */
void vmx_deliver_hook(struct cpu *c, int vec, int ev_type, bool has_err, uint32_t err);
/* What ends a halt in non-root operation (cpu_halt_wakeup): true when external interrupts exit
 * whatever RFLAGS.IF; *at = the VMX-preemption timer's deadline or UINT64_MAX. Never raises. */
bool vmx_halt_wakeup(const struct cpu *c, uint64_t *at);
/* For -d profile: 0 outside VMX non-root operation, else 1 + the guest's VPID (0 without "enable
 * VPID"), so that samples of different guests (KVM's L2 and, through its VMCS02, L3) stay apart. */
uint32_t vmx_profile_tag(const struct cpu *c);
/* Sets or clears PEND_VMX from the running guest's asynchronous controls. */
void vmx_update_pending(struct cpu *c);
/* With PEND_VMX set, at the end of a block: whether cpu_run must look at the VMX events now.
 * Those that wait for RFLAGS.IF = 1 are not due while IF = 0: the instructions that can set IF
 * end their blocks, so they are looked at again in time. */
bool vmx_events_due(const struct cpu *c);
/* Instruction-information field of an instruction's operand (SDM Vol.3C 27.2.5). Pure. */
uint32_t vmx_insn_info(const struct insn *i, unsigned reg2);
/* ---- EPT (cpu/vmx/ept.c) ---- */
/* A failed EPT translation, kept until the VM exit is taken. */
struct ept_fail {
    uint64_t gpa, lin;
    unsigned acc, perms;   /* EPT_R/W/X of the access; permissions of the path */
    bool misconfig, lin_valid, final;
    bool pml_full;         /* not a violation: a page-modification log-full event (28.2.5) */
};
/* True when EPT is in use: VMX non-root with "enable EPT". */
#define VMX_EPT_ACTIVE(c) (((c)->ctx & CTX_VMX) && ((c)->vmx->proc2 & SEC_ENABLE_EPT))
/* Translates gpa for acc (EPT_R/W/X) through the guest's EPT, setting EPT accessed and dirty
 * flags and logging newly dirty pages with "enable PML" (SDM Vol.3C 28.2.4, 28.2.5). false:
 * *fail describes the violation, misconfiguration or log-full event. Never raises. */
bool vmx_ept_try(struct cpu *c, uint64_t gpa, unsigned acc, uint64_t *hpa, struct ept_fail *fail);
/* The EPT-violation, misconfiguration or page-modification log-full VM exit for a failed
 * translation. Always longjmps. */
NORETURN void vmx_ept_exit(struct cpu *c, const struct ept_fail *f);
/* The EP4TA of an EPTP: bits N-1:12, the address of the EPT PML4 table (SDM Vol.3C 28.3.1). */
uint64_t vmx_ep4ta(const struct cpu *c, uint64_t eptp);
/* Drops every cached guest-physical mapping (RESET, a change of the physical memory map). Does
 * nothing on a CPU without VMX. Never raises. */
void vmx_ept_cache_flush(struct cpu *c);
/* vmx_ept_try, taking the exit on failure (the access is the final one for lin). May raise. */
uint64_t vmx_ept_gpa(struct cpu *c, uint64_t gpa, unsigned acc, uint64_t lin, bool lin_valid);
/* INVEPT/INVVPID after the common checks: 0, or the VM-instruction error number. */
unsigned vmx_invept(struct cpu *c, uint64_t type, uint64_t desc_lo, uint64_t desc_hi);
unsigned vmx_invvpid(struct cpu *c, uint64_t type, uint64_t desc_lo, uint64_t desc_hi);

/* Task switches in non-root operation (SDM Vol.3C 25.4.2): called by the task switch after the
 * checks that come first (task gate, new TSS selector and descriptor, the new TSS limit) and
 * before it changes anything; why is the enum ts_reason (cpu_priv.h), rf the RF the old task's
 * EFLAGS image would get (27.3.3). The VM exit (reason 9) happens instead. Always longjmps. */
NORETURN void vmx_exit_task_switch(struct cpu *c, uint16_t tss_sel, int why, uint32_t rf);
/* The debug traps of an instruction (pdbg: PDBG_* bits) when a trap-like VM exit, APIC-write
 * emulation or an MTF exit is pending at the boundary after it: they have priority over debug
 * traps (SDM Vol.3C 25.5.2, 29.1.2), so the traps are kept pending (saved in the pending debug
 * exceptions field if that exit happens) and true is returned. Else false: deliver them now.
 * Never raises. */
bool vmx_hold_debug_trap(struct cpu *c, uint32_t pdbg);

/* Trap-like VM exit after the current instruction completed (TPR below threshold): records
 * and longjmps; the instruction counts as retired. */
NORETURN void vmx_exit_trap(struct cpu *c, uint32_t reason, uint64_t qual);
/* Monitor trap flag on: the run loop executes the guest one instruction at a time. */
static inline bool vmx_mtf_on(const struct vmx *x) { return (x->proc & CPU_MONITOR_TRAP_FLAG) != 0; }
/* At an instruction boundary with PEND_VMX: true when the next guest instruction must run alone
 * (the monitor trap flag, whose exit it arms, or an instruction restarted by vmx_apic_access).
 * Never raises. */
bool vmx_step_one(struct cpu *c);

/* ---- APIC virtualization (cpu/vmx/apicv.c, SDM Vol.3C chapter 29) ---- */
/* True when physical address pa is on the APIC-access page of a guest running with "virtualize
 * APIC accesses" (29.4). Such pages never get TLB entries in the guest's context. */
#define VMX_APIC_ACCESS_HIT(c, pa)                                                                 \
    (((c)->ctx & CTX_VMX) && ((c)->vmx->proc2 & SEC_VIRT_APIC_ACCESSES) &&                       \
     ((pa) & ~0xfffull) == (c)->vmx->apic_access_page)
/* How a linear access to the APIC-access page uses its data (vmx_apic_access). */
enum { APIC_ACC_READ, APIC_ACC_WRITE, APIC_ACC_PROBE, APIC_ACC_NODATA };
/* A linear access of size bytes (0: a page-crossing part) that translated to physical address pa
 * on the APIC-access page (29.4.1-29.4.3): acc is the walker's access kind (ACC_*), how one of
 * APIC_ACC_*. Either takes the APIC-access VM exit (longjmps) or returns the physical address to
 * use instead, on the virtual-APIC page; a virtualized write is remembered for APIC-write
 * emulation after the instruction. May longjmp. */
uint64_t vmx_apic_access(struct cpu *c, uint64_t pa, unsigned acc, unsigned size, int how);
/* A guest-physical access (EPT on: guest paging structures, PDPTE loads) whose translation is on
 * the APIC-access page: always an APIC-access VM exit (29.4.6.1). Always longjmps. */
NORETURN void vmx_apic_access_gpa(struct cpu *c, uint64_t gpa);
/* TPR virtualization (29.1.2) after VTPR was written: returns EXIT_TPR_BELOW_THRESHOLD when
 * a trap-like exit is due, else 0. Never raises. */
uint32_t vmx_apicv_tpr(struct cpu *c);
/* RDMSR (write false) or WRMSR of MSR idx in 800H-8FFH in non-root operation with "virtualize
 * x2APIC mode", once the MSR bitmaps let it through (29.5): true when it was virtualized through
 * the virtual-APIC page (RDMSR's EDX:EAX set), false when the instruction operates normally.
 * May raise #GP(0) or take a trap-like VM exit (TPR below threshold, EOI-induced, APIC write). */
bool vmx_apicv_msr(struct cpu *c, uint32_t idx, bool write);
/* VM entry (26.3.2.5, 26.7.7): RVI/SVI, PPR virtualization and the evaluation of pending virtual
 * interrupts; arms the TPR-below-threshold exit that follows entry. Never raises. */
void vmx_apicv_entry(struct cpu *c);
/* At an instruction boundary (vmx_check_events): APIC-write emulation of a virtualized write, or
 * the TPR-threshold exit after entry. Returns the reason of the trap-like VM exit the caller
 * must take (with *qual), or 0. Never raises. */
uint32_t vmx_apicv_pending_trap(struct cpu *c, uint64_t *qual);
/* An external interrupt acknowledged with vector vec while "process posted interrupts" is 1:
 * when vec is the notification vector, posted-interrupt processing (29.6) and true; else false
 * (the external-interrupt exit happens). Never raises. */
bool vmx_apicv_posted(struct cpu *c, int vec);
/* Virtual-interrupt delivery (29.2.2) when a virtual interrupt is recognized and not blocked;
 * returns true when one was delivered. May longjmp (faults or exits during delivery). */
bool vmx_apicv_deliver(struct cpu *c);

/* The saved TLB contexts: dropped (a change that invalidates every translation, e.g. the
 * physical memory map), or their write entries dropped (a page became a code page). */
void vmx_tlb_drop_saved(struct cpu *c);
void vmx_tlb_flush_writes_saved(struct cpu *c);
/* Makes the running guest's TLB context the one of its VPID and current EPTP (after VM entry or
 * an EPTP switch). */
void vmx_tlb_select_guest(struct cpu *c);

/* -d vmx lines */
void vmx_log_exit(const struct cpu *c, uint32_t reason, uint64_t qual);
void vmx_log_entry(const struct cpu *c, bool launch);

#endif
