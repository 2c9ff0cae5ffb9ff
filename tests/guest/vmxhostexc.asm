; vmxhostexc -- the host after a VM exit caused by a guest exception (SDM Vol.3C 27.2.2, 27.5):
; the guest's #GP exits through the exception bitmap, and the host's next #GP is delivered as a
; plain #GP, not combined with the guest's into a #DF (Vol.3A 6.15: the exit ended the guest's
; event delivery). Also IA32_DEBUGCTL (Vol.4 table 2-2), which KVM reads around every VM entry:
; it exists, reads 0, takes 0, and refuses the unimplemented BTF bit with #GP(0).
%define TESTNAME "vmxhostexc"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
MSR_DEBUGCTL equ 0x1d9
bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup

    ; IA32_DEBUGCTL
    TRY .dbg1
    mov ecx, MSR_DEBUGCTL
    mov eax, 0x5a5a
    mov edx, eax
    rdmsr
    ENDTRY
.dbg1:
    CHECK32 dword [EXC_VEC], -1, "RDMSR IA32_DEBUGCTL does not fault"
    CHECK32 eax, 0, "IA32_DEBUGCTL reads 0 (low)"
    CHECK32 edx, 0, "IA32_DEBUGCTL reads 0 (high)"
    TRY .dbg2
    xor eax, eax
    xor edx, edx
    wrmsr
    ENDTRY
.dbg2:
    CHECK32 dword [EXC_VEC], -1, "WRMSR IA32_DEBUGCTL, 0 does not fault"
    TRY .dbg3
    mov eax, 2
    wrmsr
    ENDTRY
.dbg3:
    CHECK_EXC 13, 0, "WRMSR IA32_DEBUGCTL.BTF (not implemented): #GP(0)"

    call vmx_on
    lea rdi, [rel guest]
    call vmx_fresh_vmcs
    VMW EXC_BITMAP, 1 << 13
    xor edi, edi
    call vmx_enter
    CHECK32 eax, 0, "VMLAUNCH enters the guest"
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 0, "the guest's #GP exits through the exception bitmap (0)"
    VMR rbx, EXIT_INTR_INFO
    CHECK32 ebx, 0x80000b0d, "interruption info: valid, error code, hardware exception, #GP"
    VMR rbx, EXIT_INTR_ERR
    CHECK32 ebx, 0, "error code 0"
    VMR rbx, IDT_VEC_INFO
    CHECK32 ebx, 0, "no IDT-vectoring information"

    ; the host's own #GP right after the exit: a plain #GP(0), not a #DF
    TRY .gp1
    mov ecx, 0xdead
    rdmsr
    ENDTRY
.gp1:
    CHECK_EXC 13, 0, "host RDMSR of a missing MSR after the exit: #GP(0)"
    ; and a contributory fault after that one is still a single fault
    TRY .gp2
    mov ecx, 0xdead
    rdmsr
    ENDTRY
.gp2:
    CHECK_EXC 13, 0, "a second host #GP: #GP(0)"

    vmxoff
    FINISH

guest:
    mov rax, 0x8000000000000000
    mov rax, [rax]              ; non-canonical: #GP(0)
    jmp $
END_IMAGE
