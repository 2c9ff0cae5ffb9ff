; vmexit -- VM-exit round-trip benchmark for VMX (turtles): a 64-bit guest runs CPUID in a loop;
; each CPUID exits; the host moves the guest past it and resumes. ITER round trips, then exit.
; nasm -f bin -I tests/guest/include -DITER=1000000 bench/vmexit.asm -o vmexit.bin
%define TESTNAME "vmexit"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
%ifndef ITER
%define ITER 1000000
%endif

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    call vmx_on
    lea rdi, [rel guest]
    call vmx_fresh_vmcs
    mov rax, HOST_RSP
    vmwrite rax, rsp
    mov rax, HOST_RIP
    lea rdx, [rel .exit]
    vmwrite rax, rdx
    mov r12, ITER
    mov r13, GUEST_RIP
    mov r14, EXIT_INSN_LEN
    vmlaunch
    PRINTLN "vmexit: VMLAUNCH failed"
    EXIT 1
.exit:                                  ; every VM exit lands here
    dec r12
    jz .done
    vmread rbx, r13
    vmread rcx, r14
    add rbx, rcx
    vmwrite r13, rbx
    vmresume
    PRINTLN "vmexit: VMRESUME failed"
    EXIT 1
.done:
    PRINTLN "PASS vmexit"
    EXIT 0

guest:
    xor eax, eax
    cpuid
    jmp guest
END_IMAGE
