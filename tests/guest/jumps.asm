; jumps -- direct jumps between decoded blocks of one page (turtles' run
; loop lets a taken Jcc, JMP rel or CALL rel go straight on in its target's
; block once it has run there). What the guest must see is plain x86:
; (a) a CALL whose own push overwrites the code at its target: the bytes the
;     push wrote are what runs (SDM Vol.3A 11.6: a write to a code location
;     invalidates what was fetched from it), also after the same CALL ran
;     before with its target unchanged;
; (b) a near JMP in a 16-bit code segment whose IP wraps around 64 KiB (SDM
;     Vol.2 JMP: the target is truncated to 16 bits) lands at the wrapped
;     address in another page, the second time too, and sees that page
;     rewritten (QEMU 7.2 TCG does not wrap: it runs on at 0x410201);
; (c) a self-IPI written through the local APIC's MMIO ICR, followed by a
;     JMP into a loop that was run before: the interrupt is taken promptly
;     (turtles: before the loop's first iteration; KVM on this machine: after
;     about 300), not after the loop has spun for a time slice (over a
;     million iterations).
%define TESTNAME "jumps"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "idt.inc"

TA      equ 0x049090AB          ; (a): the CALL; its target TA+5 = 0x049090B0
TC      equ 0x04A00000          ; (c): the loop
SCRATCH equ 0x04A01000
SEG16   equ SEL_FREE            ; (b): 16-bit code, base 0x400100
S16BASE equ 0x400100
JMPLIN  equ S16BASE + 0xFF00    ; 0x410000: page offset 0
TGTLIN  equ S16BASE + 0x0101    ; 0x400201: where the wrapped IP lands
SAVED_ESP equ DATA_AREA

bits 16
main:
    ENTER_PM32
    call idt32_init
    MASK_PIC

    ; ---- (a) a CALL that overwrites its target with its return address
    mov esi, tpl_a
    mov edi, TA
    mov ecx, tpl_a_end - tpl_a
    rep movsb
    ; first run: the push goes to the normal stack; the target's own bytes
    ; (mov al, 0x11; three NOPs) run
    mov [SAVED_ESP], esp
    mov ebx, .a1
    xor eax, eax
    mov ecx, TA
    jmp ecx
.a1:
    mov esp, [SAVED_ESP]
    CHECK32 eax, 0x11, "CALL: its target's code runs"
    ; second run with ESP just above the target: the 4-byte push writes the
    ; return address 0x049090B0 over the target: B0 90 90 04, i.e. mov al,
    ; 0x90; nop; add al, imm8 with the target's fifth byte (0x90) as imm8
    mov [SAVED_ESP], esp
    mov esp, TA + 5 + 4
    mov ebx, .a2
    xor eax, eax
    mov ecx, TA
    jmp ecx
.a2:
    mov esp, [SAVED_ESP]
    CHECK32 eax, 0x20, "CALL whose push overwrote its target: the pushed bytes run"

    ; ---- (b) a 16-bit near JMP whose IP wraps around 64 KiB
    mov dword [GDT_BASE + SEG16], (DESC(S16BASE, 0xFFFF, 0x9B, 0x0) & 0xFFFFFFFF)
    mov dword [GDT_BASE + SEG16 + 4], (DESC(S16BASE, 0xFFFF, 0x9B, 0x0) >> 32)
    mov esi, tpl_wrap_jmp
    mov edi, JMPLIN
    mov ecx, tpl_wrap_jmp_end - tpl_wrap_jmp
    rep movsb
    mov esi, tpl_wrap_tgt
    mov edi, TGTLIN
    mov ecx, tpl_wrap_tgt_end - tpl_wrap_tgt
    rep movsb
    xor eax, eax
    jmp SEG16:0xFF00
.w1:
    CHECK32 eax, 0x11111111, "16-bit JMP wraps IP to the other page"
    xor eax, eax
    jmp SEG16:0xFF00
.w2:
    CHECK32 eax, 0x22222222, "again (from the decoded-block cache)"
    mov dword [TGTLIN + 2], 0x33333333
    xor eax, eax
    jmp SEG16:0xFF00
.w3:
    CHECK32 eax, 0x33333333, "the wrapped target's page rewritten: the new code runs"

    ; ---- (c) a self-IPI, then a JMP into a loop that has run before
    mov dword [0xFEE000F0], 0x1FF       ; SVR: APIC enabled, spurious vector FFH
    mov esi, tpl_ipi
    mov edi, TC
    mov ecx, tpl_ipi_end - tpl_ipi
    rep movsb
    ; first: the store goes to RAM and the loop runs 1000 times
    mov esi, SCRATCH
    mov eax, 0x12345678
    mov edx, 1000
    mov ebx, TC
    call ebx
    CHECK32 ecx, 1000, "loop ran 1000 times"
    CHECK32 dword [SCRATCH], 0x12345678, "store to RAM"
    ; then: the same store writes the ICR: fixed, self, vector 40H; the loop
    ; has no end of its own
    TRY .i_done
    mov [SAVED_ESP], esp
    mov esi, 0xFEE00300
    mov eax, 0x00044040
    xor edx, edx
    sti
    call ebx
    jmp .i_fail
.i_done:
    cli
    mov esp, [SAVED_ESP]
    mov [SAVED_ESP + 4], ecx
    mov dword [0xFEE000B0], 0           ; EOI
    CHECK_EXC 0x40, NOERR, "self-IPI taken"
    cmp dword [SAVED_ESP + 4], 10000
    jb .i_soon
.i_fail:
    NOTOK "self-IPI taken within 10000 loop iterations"
    jmp .i_end
.i_soon:
    OK "self-IPI taken within 10000 loop iterations"
.i_end:
    FINISH

; (a) copied to TA: the CALL's target starts 5 bytes on, at 0x049090B0
tpl_a:
    call .t
.t:
    db 0xB0, 0x11               ; mov al, 0x11
    db 0x90, 0x90, 0x90         ; nop x3 (the third becomes an imm8)
    jmp ebx
tpl_a_end:

; (c) copied to TC: stores EAX at [ESI], then counts ECX up to EDX
tpl_ipi:
    xor ecx, ecx
    mov [esi], eax
    jmp .l
.l:
    inc ecx
    cmp ecx, edx
    jne .l
    ret
tpl_ipi_end:

; (b) JMPLIN: a near JMP from IP 0xFF00 to 0xFF03 + 0x1FE = 0x10101, which
; wraps to 0x0101
tpl_wrap_jmp:
    db 0xE9
    dw 0x01FE
tpl_wrap_jmp_end:
; TGTLIN (IP 0x0101): mov eax, imm32 (the immediate at +2); the first run
; stores the next value for the second, then back to 32-bit code
bits 16
tpl_wrap_tgt:
    db 0x66, 0xB8
    dd 0x11111111
    cmp eax, 0x11111111         ; 16-bit code: 66 3D imm32
    jne .not1
    db 0x67, 0x66, 0xC7, 0x05   ; mov dword [dword TGTLIN + 2], 0x22222222
    dd TGTLIN + 2               ; (DS is flat)
    dd 0x22222222
    db 0x66, 0xEA               ; jmp dword SEL_CODE32:main.w1
    dd main.w1
    dw SEL_CODE32
.not1:
    cmp eax, 0x22222222
    jne .not2
    db 0x66, 0xEA
    dd main.w2
    dw SEL_CODE32
.not2:
    db 0x66, 0xEA
    dd main.w3
    dw SEL_CODE32
tpl_wrap_tgt_end:
bits 32
END_IMAGE
