; modes -- walk through the operating modes and back:
;   real -> 16-bit PM -> 32-bit PM -> 64-bit -> compat(32) -> compat(16)
;   -> 64-bit -> compat(32) -> 32-bit PM (paging/LME off) -> 16-bit PM -> real
; At each stage the same byte sequence B8 34 12 90 90 is executed with
; EAX=FFFFFFFF beforehand: with a 16-bit default operand size it is
; "mov ax,0x1234 / nop / nop" (EAX=FFFF1234), with 32-bit (and in 64-bit
; mode) "mov eax,0x90901234".  Byte 0x48 is DEC EAX outside 64-bit mode and
; a REX.W prefix in 64-bit mode (SDM Vol.2A 2.2.1).
; SDM Vol.3A 9.9.1 (switching to PM), 9.9.2 (back to real mode),
; 10.8.5 (IA-32e init), 10.8.5.4 (leaving IA-32e), 5.2.1 / 3.4.5 (CS.L/D).
%define TESTNAME "modes"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"

%macro OPSIZE_PROBE 0           ; -> EAX
    mov eax, 0xFFFFFFFF
    db 0xB8, 0x34, 0x12, 0x90, 0x90
%endmacro

EFER equ 0xC0000080

bits 16
main:
    PRINTLN "stage: real mode"
    OPSIZE_PROBE
    CHECK32 eax, 0xFFFF1234, "real mode: 16-bit default operand size"
    mov eax, cr0
    and eax, 1
    CHECK32 eax, 0, "real mode: CR0.PE=0 after reset"

    ; ---- 16-bit protected mode
    call pm_load_gdt_16
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp SEL_CODE16:ROFS(pm16)
pm16:
    mov ax, SEL_DATA16
    mov ss, ax
    mov ds, ax
    mov es, ax
    PRINTLN "stage: 16-bit protected mode"
    OPSIZE_PROBE
    CHECK32 eax, 0xFFFF1234, "pm16: 16-bit default operand size"
    smsw ax
    and eax, 1
    CHECK32 eax, 1, "pm16: CR0.PE=1"
    mov ax, cs
    CHECK32 eax, SEL_CODE16, "pm16: CS selector"
    jmp dword SEL_CODE32:pm32

bits 32
pm32:
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, STACK_TOP
    PRINTLN "stage: 32-bit protected mode"
    OPSIZE_PROBE
    CHECK32 eax, 0x90901234, "pm32: 32-bit default operand size"
    mov eax, 5
    db 0x48                     ; dec eax
    CHECK32 eax, 4, "pm32: 0x48 is DEC EAX"
    ; 16-bit operand via 0x66 prefix
    mov eax, 0xFFFFFFFF
    db 0x66, 0xB8, 0x34, 0x12
    CHECK32 eax, 0xFFFF1234, "pm32: 0x66 selects 16-bit operand"

    ; ---- long mode
    call lm_build_tables_32
    mov eax, cr4
    or eax, 1 << 5
    mov cr4, eax
    mov eax, LM_PML4
    mov cr3, eax
    mov ecx, EFER
    rdmsr
    or eax, 1 << 8
    wrmsr
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ; now in IA-32e compatibility mode (CS still 32-bit)
    mov ecx, EFER
    rdmsr
    and eax, 1 << 10
    CHECK32 eax, 1 << 10, "EFER.LMA=1 after CR0.PG with LME"
    OPSIZE_PROBE
    CHECK32 eax, 0x90901234, "compat (before far jmp): still 32-bit"
    jmp SEL_CODE64:lm64

bits 64
lm64:
    mov ax, SEL_DATA64
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, STACK_TOP
    PRINTLN "stage: 64-bit mode"
    OPSIZE_PROBE
    CHECK rax, 0x90901234, "64-bit: B8 imm32 zero-extends into RAX"
    mov eax, 5
    db 0x48, 0x90               ; REX.W nop (xchg rax,rax)
    CHECK rax, 5, "64-bit: 0x48 is REX.W, not DEC"
    mov rax, -1
    mov eax, 1
    CHECK rax, 1, "64-bit: 32-bit write zero-extends"
    mov rax, -1
    mov ax, 2
    CHECK rax, 0xFFFFFFFFFFFF0002, "64-bit: 16-bit write preserves upper"
    mov rax, 0x123456789
    push rax
    pop rbx
    CHECK rbx, 0x123456789, "64-bit: push/pop are 64-bit"
    lea rax, [rel $]
    mov rbx, $
    sub rax, rbx
    CHECK rax, -7, "64-bit: RIP-relative addressing"

    ; ---- compatibility mode, 32-bit
    push SEL_CODE32
    push compat32
    retfq
bits 32
compat32:
    PRINTLN "stage: compatibility mode (32-bit CS)"
    OPSIZE_PROBE
    CHECK32 eax, 0x90901234, "compat32: 32-bit default operand size"
    mov eax, 5
    db 0x48
    CHECK32 eax, 4, "compat32: 0x48 is DEC EAX"
    mov ecx, EFER
    rdmsr
    and eax, 1 << 10
    CHECK32 eax, 1 << 10, "compat32: EFER.LMA still 1"
    ; ---- compatibility mode, 16-bit
    jmp SEL_CODE16:ROFS(compat16)
bits 16
compat16:
    PRINTLN "stage: compatibility mode (16-bit CS)"
    OPSIZE_PROBE
    CHECK32 eax, 0xFFFF1234, "compat16: 16-bit default operand size"
    jmp dword SEL_CODE64:lm64b
bits 64
lm64b:
    PRINTLN "stage: back in 64-bit mode"
    OPSIZE_PROBE
    CHECK rax, 0x90901234, "64-bit again"
    ; ---- leave long mode (SDM Vol.3A 10.8.5.4)
    push SEL_CODE32
    push leave32
    retfq
bits 32
leave32:
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax                ; paging off -> LMA=0
    mov ecx, EFER
    rdmsr
    mov ebx, eax
    and eax, ~(1 << 8)
    wrmsr
    and ebx, 1 << 10
    CHECK32 ebx, 0, "EFER.LMA=0 after CR0.PG=0"
    PRINTLN "stage: 32-bit protected mode again"
    OPSIZE_PROBE
    CHECK32 eax, 0x90901234, "pm32 again"
    mov eax, cr4
    and eax, ~(1 << 5)
    mov cr4, eax
    jmp SEL_CODE16:ROFS(back16)
bits 16
back16:
    mov ax, SEL_DATA16          ; real-mode compatible limits (64K, byte gran.)
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov sp, STACK16_TOP
    PRINTLN "stage: 16-bit protected mode again"
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp 0xF000:ROFS(real_again)
real_again:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    PRINTLN "stage: real mode again"
    OPSIZE_PROBE
    CHECK32 eax, 0xFFFF1234, "real mode again: 16-bit operand size"
    ; real-mode segment arithmetic works again: base = selector*16
    mov ax, 0x0100
    mov ds, ax
    mov dword [0x10], 0xCAFEBABE
    xor ax, ax
    mov ds, ax
    CHECK32 dword [0x1010], 0xCAFEBABE, "real mode again: base = seg*16"
    FINISH
END_IMAGE
