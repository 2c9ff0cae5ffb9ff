; smc -- self-modifying code in 64-bit mode: code copied to RAM is patched
; (a) by an instruction just ahead in the same basic block, (b) through a
; different linear alias of the same physical page, (c) after it has
; already been executed once; the new bytes must execute. (d) and (e): an
; instruction that runs on into the next page, after it has run once, sees
; (d) a write to either page and (e) the next page mapped elsewhere (INVLPG:
; SDM Vol.3A 4.10.4.1 says the next fetch then uses the new translation). (f)
; and (g): a code page reached from one call site is mapped elsewhere, then
; MOV to CR3 or INVLPG: the new page's code runs.
; SDM Vol.3A 11.6 (self-modifying code: a write to a code location that is
; currently cached in the processor causes the associated cache line to be
; invalidated; for cross-modifying code through another linear address
; Intel requires a serializing instruction - we use a jump, which is enough
; for the same-processor case per 11.6, plus CPUID in (b) to be safe).
%define TESTNAME "smc"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"

CODE    equ 0x300000            ; RAM code page (identity mapped)
ALIAS   equ 0x40000000          ; second mapping of the same page
PAGE_A  equ 0x302000            ; (e): pages mapped after ALIAS's first
PAGE_B  equ 0x303000
PAGE_C  equ 0x304000            ; (f): pages mapped at ALIAS+0x2000
PAGE_D  equ 0x305000
PAGE_E  equ 0x306000            ; (h): ALIAS+0x3000
PAGE_F  equ 0x307000            ; (h): ALIAS+0x4000, then PAGE_G
PAGE_G  equ 0x308000
PAGE_H  equ 0x309000            ; (h): ALIAS+0x13000
PT64    equ LM_PT_END
PD1     equ LM_PD + 0x1000

bits 16
main:
    ENTER_PM32
    ENTER_LM
    call idt64_init
    ; alias: PD1[0] -> PT64, PT64[0] -> CODE
    mov edi, PT64
    mov ecx, 512
    xor eax, eax
    rep stosq
    mov qword [PT64], CODE | 3
    mov qword [PD1], PT64 | 3
    mov rax, cr3
    mov cr3, rax

    ; (a) patch the immediate of an instruction a few bytes ahead
    mov esi, blk_a
    mov edi, CODE
    mov ecx, blk_a_end - blk_a
    rep movsb
    mov eax, CODE
    call rax
    CHECK32 eax, 0x22222222, "store patches an instruction ahead in the same block"
    ; run it again: the patched value must persist (same value stored)
    mov eax, CODE
    call rax
    CHECK32 eax, 0x22222222, "second run"

    ; (b) patch through a different linear alias, then execute
    mov esi, blk_b
    mov edi, CODE + 0x100
    mov ecx, blk_b_end - blk_b
    rep movsb
    mov eax, CODE + 0x100
    call rax
    CHECK32 eax, 0x33333333, "original code runs"
    mov dword [ALIAS + 0x100 + (blk_b_imm - blk_b)], 0x44444444
    mov eax, CODE + 0x100
    call rax
    CHECK32 eax, 0x44444444, "write through alias is seen by execution"
    ; and execute through the alias after writing through the identity map
    mov dword [CODE + 0x100 + (blk_b_imm - blk_b)], 0x55555555
    mov rax, ALIAS + 0x100
    call rax
    CHECK32 eax, 0x55555555, "execution through alias sees direct write"

    ; (c) loop that rewrites its own next instruction each iteration
    mov esi, blk_c
    mov edi, CODE + 0x200
    mov ecx, blk_c_end - blk_c
    rep movsb
    mov eax, CODE + 0x200
    call rax
    CHECK32 eax, 10, "loop rewriting its own body (10 iterations)"
    CHECK32 ebx, 1+2+3+4+5+6+7+8+9+10, "each iteration saw the freshly written immediate"

    ; (d) mov eax, imm32 at CODE+0xFFE: opcode and the immediate's low byte on the
    ; first page, its other three bytes and a RET on the next one
    mov byte [CODE + 0xffe], 0xb8
    mov byte [CODE + 0xfff], 0x11
    mov dword [CODE + 0x1000], 0xc3223344
    mov eax, CODE + 0xffe
    call call_rax
    CHECK32 eax, 0x22334411, "instruction across a page boundary"
    mov eax, CODE + 0xffe
    call call_rax
    CHECK32 eax, 0x22334411, "again (from the decoded-block cache)"
    mov dword [CODE + 0x1000], 0xc3665544
    mov eax, CODE + 0xffe
    call call_rax
    CHECK32 eax, 0x66554411, "a write to its second page is seen"
    mov byte [CODE + 0xfff], 0x77
    mov eax, CODE + 0xffe
    call call_rax
    CHECK32 eax, 0x66554477, "a write to its first page is seen"

    ; (e) the same bytes through ALIAS (PT64[0] -> CODE); ALIAS+0x1000 maps page A,
    ; then page B
    mov dword [PAGE_A], 0xc3aabbcc
    mov dword [PAGE_B], 0xc3ddeeff
    mov qword [PT64 + 8], PAGE_A | 3
    invlpg [ALIAS + 0x1000]
    mov rax, ALIAS + 0xffe
    call call_rax
    CHECK32 eax, 0xaabbcc77, "next page mapped to page A"
    mov rax, ALIAS + 0xffe
    call call_rax
    CHECK32 eax, 0xaabbcc77, "again (from the decoded-block cache)"
    mov qword [PT64 + 8], PAGE_B | 3
    invlpg [ALIAS + 0x1000]
    mov rax, ALIAS + 0xffe
    call call_rax
    CHECK32 eax, 0xddeeff77, "next page remapped to page B (INVLPG)"

    ; (f) code at ALIAS+0x2000 in a non-global page, run twice from one call site; then a MOV
    ; to CR3 with ALIAS+0x2000 mapped elsewhere: the new page's code runs (SDM Vol.3A 4.10.4.1:
    ; the CR3 write invalidates non-global translations, and block links made through them)
    mov byte [PAGE_C], 0xb8              ; mov eax, 0xc1c1c1c1; ret
    mov dword [PAGE_C + 1], 0xc1c1c1c1
    mov byte [PAGE_C + 5], 0xc3
    mov byte [PAGE_D], 0xb8              ; mov eax, 0xd1d1d1d1; ret
    mov dword [PAGE_D + 1], 0xd1d1d1d1
    mov byte [PAGE_D + 5], 0xc3
    mov qword [PT64 + 16], PAGE_C | 3
    invlpg [ALIAS + 0x2000]
    mov rax, ALIAS + 0x2000
    call call_rax
    mov rax, ALIAS + 0x2000
    call call_rax
    CHECK32 eax, 0xc1c1c1c1, "non-global code page, run twice"
    mov qword [PT64 + 16], PAGE_D | 3
    mov rax, cr3
    mov cr3, rax
    mov rax, ALIAS + 0x2000
    call call_rax
    CHECK32 eax, 0xd1d1d1d1, "after MOV to CR3 the page's new mapping runs"

    ; (g) the same with INVLPG of that one page instead of the CR3 write
    mov rax, ALIAS + 0x2000
    call call_rax
    mov qword [PT64 + 16], PAGE_C | 3
    invlpg [ALIAS + 0x2abc]
    mov rax, ALIAS + 0x2000
    call call_rax
    CHECK32 eax, 0xc1c1c1c1, "after INVLPG the page's new mapping runs"

    ; (h) a JMP rel32 at ALIAS+0x3FFD whose two high displacement bytes lie on the next page:
    ; FF FF (page F) jumps back to ALIAS+0x3100, 00 00 (page G) on to ALIAS+0x13100. Nothing
    ; after the JMP runs on the next page, so only the JMP's own bytes tie it to that page.
    mov byte [PAGE_E + 0x100], 0xb8        ; mov eax, 0xe1e1e1e1; ret
    mov dword [PAGE_E + 0x101], 0xe1e1e1e1
    mov byte [PAGE_E + 0x105], 0xc3
    mov byte [PAGE_H + 0x100], 0xb8        ; mov eax, 0xe2e2e2e2; ret
    mov dword [PAGE_H + 0x101], 0xe2e2e2e2
    mov byte [PAGE_H + 0x105], 0xc3
    mov byte [PAGE_E + 0xffd], 0xe9        ; jmp rel32 = 0xFFFFF0FE or 0x0000F0FE
    mov word [PAGE_E + 0xffe], 0xf0fe
    mov word [PAGE_F], 0xffff
    mov word [PAGE_G], 0
    mov qword [PT64 + 3 * 8], PAGE_E | 3
    mov qword [PT64 + 4 * 8], PAGE_F | 3
    mov qword [PT64 + 0x13 * 8], PAGE_H | 3
    invlpg [ALIAS + 0x3000]
    invlpg [ALIAS + 0x4000]
    invlpg [ALIAS + 0x13000]
    mov rax, ALIAS + 0x3ffd
    call call_rax
    mov rax, ALIAS + 0x3ffd
    call call_rax
    CHECK32 eax, 0xe1e1e1e1, "JMP across a page boundary, run twice"
    mov qword [PT64 + 4 * 8], PAGE_G | 3
    invlpg [ALIAS + 0x4000]
    mov rax, ALIAS + 0x3ffd
    call call_rax
    CHECK32 eax, 0xe2e2e2e2, "its second page remapped (INVLPG): the new displacement is used"
    FINISH

; one call site for (d) and (e), so that a repeated call can reach its target
; through the run loop's block link rather than a lookup
call_rax:
    call rax
    ret

; position-independent code blocks copied to RAM
blk_a:
    mov dword [rel .imm], 0x22222222
.ins:
    db 0xB8                     ; mov eax, imm32
.imm:
    dd 0x11111111
    ret
blk_a_end:

blk_b:
    db 0xB8
blk_b_imm:
    dd 0x33333333
    ret
blk_b_end:

blk_c:
    xor ebx, ebx
    xor ecx, ecx
.top:
    inc ecx
    mov [rel .imm], ecx         ; rewrite the immediate of the next insn
    db 0x81, 0xC3               ; add ebx, imm32
.imm:
    dd 0
    cmp ecx, 10
    jb .top
    mov eax, ecx
    ret
blk_c_end:
END_IMAGE
