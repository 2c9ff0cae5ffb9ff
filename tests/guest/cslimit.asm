; cslimit -- instruction fetches and the CS limit in 32-bit protected mode.
; SDM Vol.3A 5.3: every byte of an instruction must lie within the code
; segment's limit, or the fetch raises #GP(0); the saved EIP is the
; instruction's. Two code segments share base 0: the flat SEL_CODE32 and
; small ones whose limits end inside code that has just run under the flat
; one, so an emulator that caches decoded code must not reuse what it decoded
; under the larger limit:
;   1. code never run before runs on past the limit: #GP at the first
;      instruction that does not fit;
;   2. the same after the code ran under the flat segment (its blocks cached);
;   3. the first instruction itself crosses the limit, after running flat;
;   4. a short JMP (taken twice under the flat segment) into code that runs
;      past the limit;
;   5. an instruction that crosses a page boundary and the limit.
; The #GP handler records the fault and far-jumps back to the flat segment
; through FARPTR (no IRET: KVM on the machine these tests were checked on
; cannot emulate the IRET back into a small segment).
%define TESTNAME "cslimit"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "idt.inc"

SEL_SMALL9 equ SEL_FREE + 0x00  ; code, base 0, limit 0x90FF (byte granular)
SEL_SMALLA equ SEL_FREE + 0x08  ; code, base 0, limit 0xA0FF
SEL_SMALLB equ SEL_FREE + 0x10  ; code, base 0, limit 0xB0FF
SEL_SMALLD equ SEL_FREE + 0x18  ; code, base 0, limit 0xE001
FARPTR  equ 0xC000              ; m16:32 (not in a page with code: writing it leaves their blocks cached)
T1      equ 0x90FD              ; nop x3, then at 0x9100 (past 0x90FF): jmp far [FARPTR]
T3      equ 0x9080              ; jmp short T3TGT
T3TGT   equ 0x90F9              ; nop x4, running on into T1
T2      equ 0xA0FE              ; mov eax, imm32 (0xA0FE-0xA102), jmp far [FARPTR]
T4      equ 0xB0FB              ; nop x2, mov eax, imm32 (0xB0FD-0xB101)
T5      equ 0xDFFE              ; mov eax, imm32 across a page boundary (0xDFFE-0xE002)

; far jump to SEL:OFF, returning (by #GP and the stub, or by the code's own
; jmp far [FARPTR]) at label RET
%macro GO 3
    mov dword [FARPTR], %3
    mov word [FARPTR + 4], SEL_CODE32
    jmp %1:%2
%endmacro

; arm the #GP handler: no fault recorded yet
%macro ARM 0
    mov dword [EXC_VEC], 0xFFFFFFFF
    mov dword [EXC_RIP], 0
%endmacro
%macro CHECK_GP 1
    CHECK32 dword [EXC_VEC], 13, {%1, ": vector"}
    CHECK32 dword [EXC_ERR], 0, {%1, ": error code"}
%endmacro

bits 16
main:
    ENTER_PM32
    call idt32_init
    SET_GATE 13, gp_handler, 0x8E
    mov dword [GDT_BASE + SEL_SMALL9], 0x000090FF
    mov dword [GDT_BASE + SEL_SMALL9 + 4], 0x00409B00
    mov dword [GDT_BASE + SEL_SMALLA], 0x0000A0FF
    mov dword [GDT_BASE + SEL_SMALLA + 4], 0x00409B00
    mov dword [GDT_BASE + SEL_SMALLB], 0x0000B0FF
    mov dword [GDT_BASE + SEL_SMALLB + 4], 0x00409B00
    mov dword [GDT_BASE + SEL_SMALLD], 0x0000E001
    mov dword [GDT_BASE + SEL_SMALLD + 4], 0x00409B00
    ; the code: T1, T3 and its target in page 0x9000; T2 in 0xA000, T4 in
    ; 0xB000
    mov word [T3], 0xEB | ((T3TGT - (T3 + 2)) << 8)
    mov dword [T3TGT], 0x90909090
    mov dword [T1], 0xFF909090      ; nop x3 and the first byte of jmp far
    mov byte [T1 + 4], 0x2D
    mov dword [T1 + 5], FARPTR
    mov dword [T4], 0x44B89090      ; nop, nop, mov eax, 0x11223344
    mov dword [T4 + 4], 0x00112233
    mov byte [T2], 0xB8             ; mov eax, 0x11223344
    mov dword [T2 + 1], 0x11223344
    mov word [T2 + 5], 0x2DFF       ; jmp far [FARPTR]
    mov dword [T2 + 7], FARPTR
    mov byte [T5], 0xB8             ; mov eax, 0x55667788
    mov dword [T5 + 1], 0x55667788
    mov word [T5 + 5], 0x2DFF       ; jmp far [FARPTR]
    mov dword [T5 + 7], FARPTR

    ; ---- 1. never run: runs on past the limit
    ARM
    GO SEL_SMALLB, T4, .c1
.c1:
    CHECK_GP "mov crossing the CS limit, never run before: #GP(0)"
    CHECK32 dword [EXC_RIP], T4 + 2, "... saved EIP = the mov"
    CHECK32 dword [EXC_CS], SEL_SMALLB, "... saved CS = the small segment"

    ; ---- 2. run under the flat segment, then under the small one
    xor eax, eax
    GO SEL_CODE32, T1, .c2a
.c2a:
    CHECK32 eax, 0, "flat segment: the code runs (1)"
    ARM
    GO SEL_SMALL9, T1, .c2
.c2:
    CHECK_GP "after running flat: past the limit #GP(0)"
    CHECK32 dword [EXC_RIP], T1 + 3, "... saved EIP = the first instruction past the limit"

    ; ---- 3. the first instruction crosses the limit, after running flat
    xor eax, eax
    GO SEL_CODE32, T2, .c3a
.c3a:
    CHECK32 eax, 0x11223344, "flat segment: the code runs (2)"
    xor eax, eax
    ARM
    GO SEL_SMALLA, T2, .c3
.c3:
    CHECK_GP "after running flat: first instruction crosses the limit: #GP(0)"
    CHECK32 dword [EXC_RIP], T2, "... saved EIP = that instruction"
    CHECK32 eax, 0, "... which did not run"

    ; ---- 4. a short JMP, taken twice under the flat segment
    GO SEL_CODE32, T3, .c4a
.c4a:
    GO SEL_CODE32, T3, .c4b
.c4b:
    OK "flat segment: JMP into the code runs"
    ARM
    GO SEL_SMALL9, T3, .c4
.c4:
    CHECK_GP "JMP into code that runs past the limit: #GP(0)"
    CHECK32 dword [EXC_RIP], T1 + 3, "... saved EIP = the first instruction past the limit"

    ; ---- 5. across a page boundary and the limit
    xor eax, eax
    GO SEL_CODE32, T5, .c5a
.c5a:
    CHECK32 eax, 0x55667788, "flat segment: the code runs (3)"
    xor eax, eax
    ARM
    GO SEL_SMALLD, T5, .c5
.c5:
    CHECK_GP "instruction across a page boundary and the limit: #GP(0)"
    CHECK32 dword [EXC_RIP], T5, "... saved EIP = that instruction"
    CHECK32 eax, 0, "... which did not run"
    FINISH

bits 32
; #GP: records the error code, EIP and CS, then leaves through FARPTR with
; the stack as it was before the fault
gp_handler:
    mov dword [EXC_VEC], 13
    pop dword [EXC_ERR]
    pop dword [EXC_RIP]
    pop dword [EXC_CS]
    add esp, 4                  ; EFLAGS
    jmp far [FARPTR]
END_IMAGE
