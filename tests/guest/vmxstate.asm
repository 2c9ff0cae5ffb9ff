; vmxstate -- the state-transfer controls (SDM Vol.3C 24.7.1, 24.8.1, 26.3.2.1, 27.3.1, 27.5.1):
; "load IA32_EFER"/"save IA32_EFER"/"load IA32_EFER" on exit, the same for IA32_PAT, "load debug
; controls"/"save debug controls" (DR7), with their checks on the values (26.2.2, 26.3.1.1);
; what a VM exit does without them (EFER.LMA/LME from the host address-space size, the rest of
; EFER kept; DR7 = 400H; PAT kept) and the "IA-32e mode guest" control updated from EFER.LMA.
%define TESTNAME "vmxstate"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
MSRBM   equ VMX_SCRATCH
EFER    equ 0xc0000080
PAT     equ 0x277
%macro RDMSR64 2                            ; RDMSR64 reg64 (not rax/rcx/rdx), msr
    mov ecx, %2
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov %1, rax
%endmacro
bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    call vmx_on
    xor edi, edi
    call vmx_fresh_vmcs
    mov edi, MSRBM
    mov ecx, 0x1000
    xor eax, eax
    rep stosb
    VMW MSR_BITMAP, MSRBM                   ; RDMSR/WRMSR run in the guest
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_MSR_BITMAPS | PROC_MOV_DR
    RDMSR64 r12, EFER                       ; the host's: LME | LMA
    RDMSR64 r13, PAT

    ; ---- IA32_EFER ----
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E | ENTRY_LOAD_EFER
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER
    lea rbx, [r12 + 1]                      ; + SCE
    VMW GUEST_EFER, rbx
    VMW HOST_EFER, rbx
    RUN g_efer
    VCHECK32 EXIT_REASON, 18, "load/save/load EFER: the guest runs"
    lea rbx, [r12 + 1]
    CHECK r8, rbx, "the guest reads the EFER loaded on entry (SCE set)"
    VCHECK GUEST_EFER, r12, "save EFER: the guest's SCE=0 saved"
    RDMSR64 r8, EFER
    lea rbx, [r12 + 1]
    CHECK r8, rbx, "load EFER on exit: the host's EFER from HOST_EFER"
    mov rbx, r12
    btr rbx, 10
    VMW GUEST_EFER, rbx
    RUN g_efer
    VCHECK32 EXIT_REASON, 0x80000021, "guest EFER.LMA=0 for an IA-32e guest: entry fails"
    VMW GUEST_EFER, r12
    VMW HOST_EFER, 0x400
    RUN g_efer
    VCHECK32 VM_INSN_ERROR, 8, "host EFER.LME=0 with a 64-bit host: VMfailValid(8)"
    ; without the controls: the guest inherits EFER, and the exit sets only LMA/LME
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64
    mov ecx, EFER
    mov rax, r12
    xor edx, edx
    wrmsr                                   ; host SCE = 0
    RUN g_efer_sce
    VCHECK32 EXIT_REASON, 18, "EFER controls off: the guest sets SCE"
    RDMSR64 r8, EFER
    lea rbx, [r12 + 1]
    CHECK r8, rbx, "... and the host keeps it after the exit (27.5.1)"
    VCHECKM ENTRY_CTLS, ENTRY_IA32E, ENTRY_IA32E, "IA-32e mode guest = the guest's EFER.LMA on exit"
    mov ecx, EFER
    mov rax, r12
    xor edx, edx
    wrmsr

    ; ---- IA32_PAT ----
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E | ENTRY_LOAD_PAT
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_SAVE_PAT | EXIT_LOAD_PAT
    mov rbx, 0x0606060606060606
    VMW GUEST_PAT, rbx
    mov rbx, 0x0001050400010504
    VMW HOST_PAT, rbx
    RUN g_pat
    VCHECK32 EXIT_REASON, 18, "load/save/load PAT: the guest runs"
    mov rbx, 0x0606060606060606
    CHECK r8, rbx, "the guest reads the PAT loaded on entry"
    mov rbx, 0x0404040404040404
    VCHECK GUEST_PAT, rbx, "save PAT: the guest's value"
    RDMSR64 r8, PAT
    mov rbx, 0x0001050400010504
    CHECK r8, rbx, "load PAT on exit: the host's PAT from HOST_PAT"
    VMW GUEST_PAT, 0x02
    RUN g_pat
    VCHECK32 EXIT_REASON, 0x80000021, "guest PAT with memory type 2: entry fails"
    VMW GUEST_PAT, 0x06
    VMW HOST_PAT, 0x0300
    RUN g_pat
    VCHECK32 VM_INSN_ERROR, 8, "host PAT with memory type 3: VMfailValid(8)"
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64
    RUN g_pat
    RDMSR64 r8, PAT
    mov rbx, 0x0404040404040404
    CHECK r8, rbx, "PAT controls off: the guest's PAT stays after the exit"
    mov ecx, PAT
    mov rax, r13
    mov rdx, r13
    shr rdx, 32
    wrmsr

    ; ---- debug controls: DR7 (MOV-DR exiting off) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E | ENTRY_LOAD_DEBUG
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_SAVE_DEBUG
    VMW GUEST_DR7, 0x700
    RUN g_dr7
    VCHECK32 EXIT_REASON, 18, "load/save debug controls: the guest runs"
    CHECK r8, 0x700, "the guest reads the DR7 loaded on entry"
    VCHECK GUEST_DR7, 0x500, "save debug controls: the guest's DR7"
    mov rax, dr7
    CHECK rax, 0x400, "the host's DR7 after the exit is 400H"
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64
    VMW GUEST_DR7, 0x700
    RUN g_dr7
    VCHECK GUEST_DR7, 0x700, "without save debug controls the DR7 field is not written"
    FINISH

; ---- guest code ----
g_efer:
    mov ecx, EFER
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov r8, rax
    btr eax, 0                              ; SCE
    shr rdx, 32
    wrmsr
    vmcall
g_efer_sce:
    mov ecx, EFER
    rdmsr
    bts eax, 0
    wrmsr
    vmcall
g_pat:
    mov ecx, PAT
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov r8, rax
    mov eax, 0x04040404
    mov edx, eax
    wrmsr
    vmcall
g_dr7:
    mov r8, dr7
    mov eax, 0x500
    mov dr7, rax
    vmcall
END_IMAGE
