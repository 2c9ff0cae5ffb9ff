; vmxctl -- the TPR shadow, the monitor trap flag and virtual NMIs (SDM Vol.3C 29.1-29.3,
; 25.5.2, 25.3, 26.2.1.1): CR8 reads and writes go to the virtual-APIC page; a VTPR class below
; the TPR threshold is a trap-like "TPR below threshold" exit; VM entry refuses a threshold above
; VTPR; MTF exits after one guest instruction; an NMI injected with virtual NMIs blocks further
; virtual NMIs until the guest's IRET, and NMI-window exiting fires right after that IRET;
; VMCS shadowing (24.10, 30.3): guest VMREAD/VMWRITE of fields clear in the bitmaps work on the
; shadow VMCS without exiting, set bits exit, and a shadow VMCS cannot be launched.
%define TESTNAME "vmxctl"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

VAPIC           equ TEST_RAM + 0x4000
VIRTUAL_APIC    equ 0x2012               ; VMCS: virtual-APIC address
TPR_THRESHOLD   equ 0x401c
PROC_TPR_SHADOW equ 1 << 21
PROC_NMI_WINDOW equ 1 << 22
PROC_MTF        equ 1 << 27
PIN_NMI         equ 1 << 3
PIN_VNMI        equ 1 << 5
NMI_COUNT       equ RAM_SCRATCH + 0x300
VMREAD_BM       equ TEST_RAM + 0x5000
VMWRITE_BM      equ TEST_RAM + 0x6000
SEC_SHADOW      equ 1 << 14
SEC_PLE         equ 1 << 10
PLE_GAP         equ 0x4020
PLE_WINDOW      equ 0x4022
PLE_COUNT       equ RAM_SCRATCH + 0x330

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    SET_GATE 2, guest_nmi, 0x8e
    call vmx_on

    ; ---- TPR shadow
    mov dword [VAPIC + 0x80], 0x50
    lea rdi, [rel guest_tpr]
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_TPR_SHADOW
    VMW VIRTUAL_APIC, VAPIC
    VMW TPR_THRESHOLD, 6
    xor edi, edi
    call vmx_enter
    CHECK32 eax, 1, "TPR threshold 6 above VTPR class 5: VM entry fails"
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 7, "error 7 (invalid control fields)"
    VMW TPR_THRESHOLD, 3
    xor edi, edi
    call vmx_enter
    CHECK32 eax, 0, "VMLAUNCH with the TPR shadow"
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 43, "CR8 = 2 below threshold 3: TPR-below-threshold exit (43)"
    CHECK32 ebx, 5, "MOV from CR8 read VTPR[7:4] = 5 without an exit"
    mov eax, [VAPIC + 0x80]
    CHECK32 eax, 0x20, "MOV to CR8 wrote VTPR = 0x20"
    VMR rcx, GUEST_RIP
    lea rdx, [rel guest_tpr.after]
    CHECK rcx, rdx, "trap-like: guest RIP is after the MOV to CR8"
    cmp dword [RAM_SCRATCH + 0x310], 0x70
    sete al
    movzx eax, al
    CHECK32 eax, 1, "the earlier CR8 = 7 reached VTPR (0x70) without an exit"

    ; ---- monitor trap flag
    lea rdi, [rel guest_mtf]
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_MTF
    xor edi, edi
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 37, "MTF: exit (37) after one guest instruction"
    VMR rcx, GUEST_RIP
    lea rdx, [rel guest_mtf + 1]
    CHECK rcx, rdx, "guest RIP is the next instruction"
    mov edi, 1
    call vmx_enter
    VMR rcx, GUEST_RIP
    lea rdx, [rel guest_mtf + 2]
    CHECK rcx, rdx, "and again after the second one"

    ; ---- virtual NMIs and NMI-window exiting
    mov dword [NMI_COUNT], 0
    lea rdi, [rel guest_mtf]
    call vmx_fresh_vmcs
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, PIN_NMI | PIN_VNMI
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_NMI_WINDOW
    VMW ENTRY_INTR_INFO, 0x80000202        ; inject an NMI
    xor edi, edi
    call vmx_enter
    CHECK32 eax, 0, "VMLAUNCH injecting an NMI"
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 8, "NMI window opens after the guest's IRET (8)"
    mov eax, [NMI_COUNT]
    CHECK32 eax, 1, "the guest's NMI handler ran once"
    VMR rcx, GUEST_INTERRUPTIBILITY
    and ecx, 8
    CHECK32 ecx, 0, "no virtual-NMI blocking at the exit"
    VMR rcx, GUEST_RIP
    lea rdx, [rel guest_mtf]
    CHECK rcx, rdx, "guest RIP is where the NMI interrupted it"

    ; ---- PAUSE-loop exiting: a PAUSE loop exits once it has run longer than the window
    lea rdi, [rel guest_ple]
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    VMW PROC2_CTLS, SEC_PLE
    VMW PLE_GAP, 1000
    VMW PLE_WINDOW, 20000
    mov dword [PLE_COUNT], 0
    xor edi, edi
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 40, "PAUSE loop longer than PLE_Window: PAUSE exit (40)"
    mov eax, [PLE_COUNT]
    cmp eax, 20
    setae al
    movzx eax, al
    CHECK32 eax, 1, "the loop ran for a while before the exit"

    ; ---- VMCS shadowing
    mov ecx, MSR_VMX_PROCBASED2
    rdmsr
    and edx, SEC_SHADOW
    CHECK32 edx, SEC_SHADOW, "VMCS shadowing allowed"
    or dword [VMCS2_REGION], 1 << 31        ; shadow-VMCS indicator
    mov rax, VMCS2_REGION
    mov [RAM_SCRATCH + 0x118], rax
    vmclear [RAM_SCRATCH + 0x118]
    mov edi, VMREAD_BM
    mov ecx, 0x2000 / 8
    xor eax, eax
    rep stosq
    bts dword [VMREAD_BM + (0x681e >> 3)], 0x681e & 7     ; GUEST_RIP reads exit
    lea rdi, [rel guest_shadow]
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    VMW PROC2_CTLS, SEC_SHADOW
    VMW 0x2026, VMREAD_BM
    VMW 0x2028, VMWRITE_BM
    VMW VMCS_LINK_PTR, VMCS2_REGION
    xor edi, edi
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 23, "VMREAD of a field set in the VMREAD bitmap exits (23)"
    mov rax, [RAM_SCRATCH + 0x320]
    CHECK rax, 0x77, "shadowed VMWRITE then VMREAD of EXIT_REASON: no exit, value kept"
    mov rax, [RAM_SCRATCH + 0x328]
    CHECK rax, 0x40, "shadowed VMREAD of an unsupported field: VMfailValid (ZF)"
    VMR rcx, EXIT_INSN_INFO
    shr ecx, 28
    CHECK32 ecx, 0, "instruction information: reg2 = RAX (the encoding)"
    vmptrld [RAM_SCRATCH + 0x118]
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 0x77, "VMPTRLD of the shadow VMCS shows the guest's VMWRITE"
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 12, "and the error 12 of the guest's failed VMREAD"
    xor edi, edi
    call vmx_enter
    mov rax, [VMX_FAIL_FLAGS]
    and eax, 0x41
    CHECK32 eax, 1, "VMLAUNCH of a shadow VMCS: VMfailInvalid"
    FINISH

guest_tpr:
    mov rax, cr8
    mov rbx, rax
    mov eax, 7
    mov cr8, rax
    mov eax, [VAPIC + 0x80]             ; the guest sees the page too (shared memory here)
    mov [RAM_SCRATCH + 0x310], eax
    mov eax, 2
    mov cr8, rax
.after:
    jmp $

guest_mtf:
    nop
    nop
    nop
    jmp $

guest_ple:
    inc dword [PLE_COUNT]
    pause
    jmp guest_ple

guest_shadow:
    mov eax, 0x4402                     ; EXIT_REASON (read-only: MISC bit 29 allows the write)
    mov ebx, 0x77
    vmwrite rax, rbx
    vmread rcx, rax
    mov [RAM_SCRATCH + 0x320], rcx
    mov eax, 0x7ffe
    vmread rcx, rax
    pushfq
    pop rcx
    and ecx, 0x8d5
    mov [RAM_SCRATCH + 0x328], rcx
    mov eax, 0x681e                     ; GUEST_RIP: set in the VMREAD bitmap
    vmread rdx, rax
    jmp $

guest_nmi:
    inc dword [NMI_COUNT]
    iretq
END_IMAGE
