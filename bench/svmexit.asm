; svmexit -- VM-exit round-trip benchmark for AMD SVM (QEMU TCG emulates SVM, not VMX): a
; 64-bit guest runs CPUID in a loop with the CPUID intercept on; the host advances the guest's
; RIP past it and runs VMRUN again. ITER round trips, then exit. AMD APM Vol.2 chapter 15.
; nasm -f bin -I tests/guest/include -DITER=1000000 bench/svmexit.asm -o svmexit.bin
%define TESTNAME "svmexit"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%ifndef ITER
%define ITER 1000000
%endif

VMCB            equ TEST_RAM
HSAVE           equ TEST_RAM + 0x1000
GUEST_STACK     equ TEST_RAM + 0x10000
; VMCB control area (APM Vol.2 Appendix B, table B-1)
VMCB_ICPT3      equ 0x00c       ; bit 18: CPUID
VMCB_ICPT4      equ 0x010       ; bit 0: VMRUN (must be set)
VMCB_ASID       equ 0x058
VMCB_EXITCODE   equ 0x070
; save area (table B-2), each segment: selector 16, attributes 16, limit 32, base 64
VMCB_ES         equ 0x400
VMCB_CS         equ 0x410
VMCB_SS         equ 0x420
VMCB_DS         equ 0x430
VMCB_GDTR       equ 0x460
VMCB_IDTR       equ 0x480
VMCB_TR         equ 0x490
VMCB_EFER       equ 0x4d0
VMCB_CR4        equ 0x548
VMCB_CR3        equ 0x550
VMCB_CR0        equ 0x558
VMCB_DR7        equ 0x560
VMCB_DR6        equ 0x568
VMCB_RFLAGS     equ 0x570
VMCB_RIP        equ 0x578
VMCB_RSP        equ 0x5d8
VMCB_PAT        equ 0x668

%macro SEG 3            ; offset, selector, attributes (12-bit VMCB form)
    mov word [VMCB + %1], %2
    mov word [VMCB + %1 + 2], %3
    mov dword [VMCB + %1 + 4], 0xffffffff
    mov qword [VMCB + %1 + 8], 0
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    mov eax, 0x80000001
    cpuid
    test ecx, 1 << 2
    jnz .svm
    PRINTLN "svmexit: no SVM"
    EXIT 1
.svm:
    mov ecx, 0xc0000080
    rdmsr
    or eax, 1 << 12                     ; EFER.SVME
    wrmsr
    mov ecx, 0xc0010117                 ; VM_HSAVE_PA
    mov eax, HSAVE
    xor edx, edx
    wrmsr
    mov edi, VMCB
    mov ecx, 0x1000 / 8
    xor eax, eax
    rep stosq
    mov dword [VMCB + VMCB_ICPT3], 1 << 18
    mov dword [VMCB + VMCB_ICPT4], 1
    mov dword [VMCB + VMCB_ASID], 1
    SEG VMCB_ES, SEL_DATA64, 0xc93
    SEG VMCB_CS, SEL_CODE64, 0xa9b
    SEG VMCB_SS, SEL_DATA64, 0xc93
    SEG VMCB_DS, SEL_DATA64, 0xc93
    mov word [VMCB + VMCB_TR], SEL_TSS
    mov word [VMCB + VMCB_TR + 2], 0x08b
    mov dword [VMCB + VMCB_TR + 4], 0x67
    mov qword [VMCB + VMCB_TR + 8], TSS_AREA
    mov dword [VMCB + VMCB_GDTR + 4], GDT_LIMIT
    mov qword [VMCB + VMCB_GDTR + 8], GDT_BASE
    mov dword [VMCB + VMCB_IDTR + 4], 0xfff
    mov qword [VMCB + VMCB_IDTR + 8], IDT_BASE
    mov ecx, 0xc0000080
    rdmsr
    mov [VMCB + VMCB_EFER], eax
    mov rax, cr0
    mov [VMCB + VMCB_CR0], rax
    mov rax, cr3
    mov [VMCB + VMCB_CR3], rax
    mov rax, cr4
    mov [VMCB + VMCB_CR4], rax
    mov qword [VMCB + VMCB_DR7], 0x400
    mov eax, 0xffff0ff0
    mov [VMCB + VMCB_DR6], rax
    mov qword [VMCB + VMCB_RFLAGS], 2
    lea rax, [rel guest]
    mov [VMCB + VMCB_RIP], rax
    mov qword [VMCB + VMCB_RSP], GUEST_STACK
    mov rax, 0x0007040600070406
    mov [VMCB + VMCB_PAT], rax
    mov r12, ITER
    mov eax, VMCB
.run:
    vmrun
    cmp dword [VMCB + VMCB_EXITCODE], 0x72    ; #VMEXIT(CPUID)
    jne .bad
    add qword [VMCB + VMCB_RIP], 2
    mov eax, VMCB
    dec r12
    jnz .run
    PRINTLN "PASS svmexit"
    EXIT 0
.bad:
    PRINTLN "svmexit: unexpected exit code"
    EXIT 1

guest:
    xor eax, eax
    cpuid
    jmp guest
END_IMAGE
