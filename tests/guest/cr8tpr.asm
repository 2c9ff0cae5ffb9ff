; cr8tpr -- CR8 is the local APIC's task-priority class (SDM Vol.3A 11.8.6.1): a CR8 write sets
; TPR[7:4] and clears TPR[3:0]; a TPR write through the APIC page shows in CR8[3:0]. Also checks
; CPUID.1:EDX.APIC and IA32_APIC_BASE (enabled, BSP, base 0xFEE00000).
%define TESTNAME "cr8tpr"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
APIC_TPR equ 0xfee00080
bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    mov eax, 1
    cpuid
    and edx, 1 << 9
    CHECK32 edx, 1 << 9, "CPUID.1:EDX.APIC set"
    mov ecx, 0x1b
    rdmsr
    and eax, 0xfffff900
    CHECK32 eax, 0xfee00900, "IA32_APIC_BASE: base FEE00000, enabled, BSP"
    mov edi, APIC_TPR                   ; zero-extended: a disp32 would sign-extend
    mov eax, 5
    mov cr8, rax
    mov eax, [rdi]
    CHECK32 eax, 0x50, "CR8=5 sets TPR to 0x50"
    mov dword [rdi], 0x7a
    mov rax, cr8
    CHECK32 eax, 7, "TPR=0x7A reads back as CR8=7"
    xor eax, eax
    mov cr8, rax
    mov eax, [rdi]
    CHECK32 eax, 0, "CR8=0 clears TPR"
    FINISH
END_IMAGE
