; gates -- far control transfers through call gates and to code segments,
; 16/32/64-bit call gates, conforming code, interrupt vs trap gates, far RET
; to an outer privilege level.
; SDM Vol.3A 5.8.2-5.8.4 (direct calls: conforming code keeps CPL; call gate
; checks: CPL/RPL <= gate DPL, target DPL <= CPL for CALL, = CPL for JMP to
; non-conforming), 5.8.5 (stack switch, parameter copy), 5.8.6 (RET to an
; outer level nulls DS/ES/FS/GS whose DPL < new CPL), 5.8.3.1 (IA-32e call
; gates: 16 bytes, type 0xC only, upper type field 0, target must be a 64-bit
; code segment; new SS = NULL; 8-byte pushes), 6.12.1.3 (interrupt gates
; clear IF, trap gates do not), 6.12.1.1 (INT n: gate DPL < CPL -> #GP with
; error vector*8+2), Vol.2A CALL / JMP / Vol.2B RET "Operation" (#GP/#NP
; selectors).
%define TESTNAME "gates"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "user.inc"

KDATA   equ 0x9000
UDATA   equ 0x38000
SEL_CG16    equ SEL_FREE + 0x00     ; 16-bit call gate DPL0 -> CODE16:cg16_target
SEL_CG32    equ SEL_FREE + 0x08     ; 32-bit call gate DPL0, 3 params -> CODE32
SEL_CONF    equ SEL_FREE + 0x10     ; conforming code, DPL0, 32-bit flat
SEL_CG3CONF equ SEL_FREE + 0x18     ; call gate DPL3 -> CONF:conf_target
SEL_CG0     equ SEL_FREE + 0x20     ; call gate DPL0 -> CODE32 (user: #GP)
SEL_CG3NC   equ SEL_FREE + 0x28     ; call gate DPL3 -> CODE32 (JMP: #GP)
SEL_CGNP    equ SEL_FREE + 0x30     ; call gate not present
SEL_NPCODE  equ SEL_FREE + 0x38     ; code segment not present
SEL_CGNPC   equ SEL_FREE + 0x40     ; call gate -> NPCODE
SEL_CGDATA  equ SEL_FREE + 0x48     ; call gate -> DATA32
SEL_CG64    equ SEL_FREE + 0x50     ; 64-bit call gate DPL3 -> CODE64 (16 bytes)
SEL_CG64T4  equ SEL_FREE + 0x60     ; type-4 (16-bit) gate in IA-32e mode
SEL_CG64BAD equ SEL_FREE + 0x70     ; 64-bit gate, upper type field != 0
SEL_CG64C32 equ SEL_FREE + 0x80     ; 64-bit gate -> CODE32 (not 64-bit)
SEL_CG3P    equ SEL_FREE + 0x90     ; call gate DPL3, 3 params -> CODE32

; GATE32 slot, offset, selector, attrword (P|DPL|type << 8 | params)
%macro GATE32 4
    mov eax, %2
    and eax, 0xFFFF
    or eax, (%3) << 16
    mov [GDT_BASE + (%1)], eax
    mov eax, %2
    and eax, 0xFFFF0000
    or eax, %4
    mov [GDT_BASE + (%1) + 4], eax
%endmacro
%macro GATE64 4                 ; same, plus a zero upper half
    GATE32 %1, %2, %3, %4
    mov dword [GDT_BASE + (%1) + 8], 0
    mov dword [GDT_BASE + (%1) + 12], 0
%endmacro

bits 16
main:
    MASK_PIC
    ENTER_PM32
    call idt32_init
    call tss32_setup
    GATE32 SEL_CG16, ROFS(cg16_target), SEL_CODE16, 0x8400
    GATE32 SEL_CG32, cg32_target, SEL_CODE32, 0x8C03
    mov dword [GDT_BASE + SEL_CONF], 0x0000FFFF
    mov dword [GDT_BASE + SEL_CONF + 4], 0x00CF9F00
    GATE32 SEL_CG3CONF, conf_target, SEL_CONF, 0xEC00
    GATE32 SEL_CG0, cg32_target, SEL_CODE32, 0x8C00
    GATE32 SEL_CG3NC, cg32_target, SEL_CODE32, 0xEC00
    GATE32 SEL_CGNP, cg32_target, SEL_CODE32, 0x6C00
    mov dword [GDT_BASE + SEL_NPCODE], 0x0000FFFF
    mov dword [GDT_BASE + SEL_NPCODE + 4], 0x00CF1B00
    GATE32 SEL_CGNPC, cg32_target, SEL_NPCODE, 0x8C00
    GATE32 SEL_CGDATA, cg32_target, SEL_DATA32, 0x8C00
    GATE32 SEL_CG3P, cg3_param_target, SEL_CODE32, 0xEC03
    PRINTLN "gates: protected mode"

    ; ---------------------------------------------- 16-bit call gate
    jmp SEL_CODE16:ROFS(.in16)
bits 16
.in16:
    mov [KDATA + 0x40], esp
    call SEL_CG16:0
.ret16:
    jmp dword SEL_CODE32:.back32
bits 32
.back32:
    mov eax, [KDATA + 0x40]
    sub eax, [KDATA + 0x44]
    CHECK32 eax, 4, "16-bit call gate: 4-byte frame (5.8.3)"
    CHECK32 dword [KDATA + 0x48], ROFS(.ret16) + (SEL_CODE16 << 16), "16-bit call gate: pushed CS:IP"

    ; ---------------------------------------------- 32-bit gate, same level
    mov [KDATA + 0x40], esp
    call SEL_CG32:0x12345678    ; offset in the instruction is ignored
.ret32:
    mov eax, [KDATA + 0x40]
    sub eax, [KDATA + 0x44]
    CHECK32 eax, 8, "32-bit call gate, same CPL: 8-byte frame, no parameter copy"
    CHECK32 dword [KDATA + 0x48], .ret32, "... pushed EIP"
    CHECK32 dword [KDATA + 0x4C], SEL_CODE32, "... pushed CS"

    ; ---------------------------------------------- gate/segment faults
    TRY .f1r
    call SEL_CGNP:0
.f1r:
    CHECK_EXC 11, SEL_CGNP, "CALL through not-present call gate: #NP(gate)"
    TRY .f2r
    call SEL_CGNPC:0
.f2r:
    CHECK_EXC 11, SEL_NPCODE, "call gate to not-present code: #NP(code sel)"
    TRY .f3r
    call SEL_CGDATA:0
.f3r:
    CHECK_EXC 13, SEL_DATA32, "call gate to a data segment: #GP(code sel)"
    TRY .f4r
    call SEL_NPCODE:0
.f4r:
    CHECK_EXC 11, SEL_NPCODE, "direct CALL to not-present code: #NP(sel)"

    ; ---------------------------------------------- interrupt vs trap gate
    SET_GATE 0x44, int_target, 0x8E
    SET_GATE 0x45, int_target, 0x8F
    sti
    int 0x44
    cli
    mov eax, [KDATA + 0x50]
    and eax, 0x200
    CHECK32 eax, 0, "interrupt gate clears IF (6.12.1.3)"
    mov eax, [KDATA + 0x54]
    and eax, 0x200
    CHECK32 eax, 0x200, "... saved EFLAGS.IF=1"
    sti
    int 0x45
    cli
    mov eax, [KDATA + 0x50]
    and eax, 0x200
    CHECK32 eax, 0x200, "trap gate leaves IF set"

    ; ---------------------------------------------- CPL3 transfers
    mov eax, user_code
    mov edx, 2
    call user32_call
    CHECK32 dword [UDATA + 0x00], SEL_CONF | 3, "CPL3 CALL to conforming DPL0 code: CS.RPL = CPL = 3 (5.8.2.2)"
    CHECK32 dword [UDATA + 0x04], SEL_UDATA | 3, "... no stack switch (SS unchanged)"
    CHECK32 dword [UDATA + 0x08], 8, "... 8-byte frame"
    CHECK32 dword [UDATA + 0x0C], 13, "CPL3 CALL to non-conforming DPL0 code: #GP"
    CHECK32 dword [UDATA + 0x10], SEL_CODE32, "... error = code selector"
    CHECK32 dword [UDATA + 0x14], SEL_CONF | 3, "CPL3 call gate to conforming code: CPL stays 3"
    CHECK32 dword [UDATA + 0x18], SEL_UDATA | 3, "... SS unchanged"
    CHECK32 dword [UDATA + 0x1C], 13, "CPL3 CALL through DPL0 call gate: #GP"
    CHECK32 dword [UDATA + 0x20], SEL_CG0, "... error = gate selector"
    CHECK32 dword [UDATA + 0x24], 13, "CPL3 JMP through call gate to DPL0 non-conforming: #GP"
    CHECK32 dword [UDATA + 0x28], SEL_CODE32, "... error = code selector"
    CHECK32 dword [UDATA + 0x2C], 13, "CPL3 INT 0x44 (DPL0 gate): #GP"
    CHECK32 dword [UDATA + 0x30], 0x44*8+2, "... error = vector*8+2 (6.12.1.1)"
    CHECK32 dword [UDATA + 0x34], 0x4711, "CPL3 call gate with 3 params: copied to the inner stack"

    ; far RET to an outer level (5.8.6)
    call retf_to_user           ; comes back through user32_ret
    mov ax, SEL_DATA32
    mov fs, ax
    mov gs, ax
    CHECK32 dword [UDATA + 0x40], SEL_UCODE32 | 3, "RETF to CPL3: CS"
    CHECK32 dword [UDATA + 0x44], SEL_UDATA | 3, "RETF to CPL3: SS"
    CHECK32 dword [UDATA + 0x48], USTACK_TOP - 0x10, "RETF to CPL3: ESP from the frame"
    CHECK32 dword [UDATA + 0x4C], 0, "RETF to CPL3: DS (DPL0 data) nulled"
    CHECK32 dword [UDATA + 0x50], 0, "RETF to CPL3: FS nulled"

    ; ---------------------------------------------- IA-32e call gates
    ENTER_LM
    call idt64_init
    call tss64_setup
    GATE64 SEL_CG64, cg64_target, SEL_CODE64, 0xEC00
    GATE32 SEL_CG64T4, cg64_target, SEL_CODE64, 0xE400
    GATE64 SEL_CG64BAD, cg64_target, SEL_CODE64, 0xEC00
    mov dword [GDT_BASE + SEL_CG64BAD + 12], 0x00000C00  ; type field in the upper half
    GATE64 SEL_CG64C32, cg64_target, SEL_CODE32, 0xEC00
    PRINTLN "gates: long mode"
    mov eax, user64_code
    mov edx, 2
    call user64_call
    CHECK32 dword [UDATA + 0x80], SEL_CODE64, "64-bit call gate CPL3->0: CS"
    CHECK32 dword [UDATA + 0x84], 0, "... SS = NULL selector (RPL 0) (5.8.5.1)"
    CHECK32 dword [UDATA + 0x88], KSTACK0_TOP - 32, "... RSP = TSS.RSP0 - 32 (4 qword pushes)"
    CHECK32 dword [UDATA + 0x8C], user64_code.r1, "... pushed RIP"
    CHECK32 dword [UDATA + 0x90], SEL_UCODE64 | 3, "... pushed CS"
    CHECK32 dword [UDATA + 0x94], USTACK_TOP, "... pushed RSP"
    CHECK32 dword [UDATA + 0x98], SEL_UDATA | 3, "... pushed SS"
    CHECK32 dword [UDATA + 0x9C], SEL_UCODE64 | 3, "RETFQ back to CPL3: CS"
    CHECK32 dword [UDATA + 0xA0], USTACK_TOP, "RETFQ back to CPL3: RSP"
    CHECK32 dword [UDATA + 0xA4], 13, "IA-32e: 16-bit call gate type: #GP"
    CHECK32 dword [UDATA + 0xA8], SEL_CG64T4, "... error = gate selector"
    CHECK32 dword [UDATA + 0xAC], 13, "IA-32e: call gate upper type != 0: #GP"
    CHECK32 dword [UDATA + 0xB0], SEL_CG64BAD, "... error = gate selector"
    CHECK32 dword [UDATA + 0xB4], 13, "IA-32e: call gate to 32-bit code: #GP"
    CHECK32 dword [UDATA + 0xB8], SEL_CODE32, "... error = code selector"
    FINISH

; ------------------------------------------------------------ targets
bits 16
cg16_target:
    mov [KDATA + 0x44], esp
    mov eax, [esp]
    mov [KDATA + 0x48], eax
    o16 retf
bits 32
cg32_target:
    mov [KDATA + 0x44], esp
    mov eax, [esp]
    mov [KDATA + 0x48], eax
    mov eax, [esp + 4]
    mov [KDATA + 0x4C], eax
    retf
int_target:
    pushfd
    pop eax
    mov [KDATA + 0x50], eax
    mov eax, [esp + 8]
    mov [KDATA + 0x54], eax
    iretd
conf_target:                    ; reached at CPL3 (DS = user data)
    xor eax, eax
    mov ax, cs
    mov [UDATA + 0x60], eax
    mov ax, ss
    mov [UDATA + 0x64], eax
    mov [UDATA + 0x68], esp
    retf
cg3_param_target:               ; CPL0 through SEL_CG32-like gate with 3 params
    mov eax, [esp + 8]
    add eax, [esp + 12]
    add eax, [esp + 16]
    retf 12

retf_to_user:
    mov [USER_SAVED_RSP], esp
    push dword SEL_UDATA | 3
    push dword USTACK_TOP - 0x10
    push dword SEL_UCODE32 | 3
    push dword user_retf
    mov ax, SEL_DATA32          ; DPL0: must be nulled by RETF to CPL3
    mov ds, ax
    mov fs, ax
    mov gs, ax
    retf

user_code:
    ; direct CALL to conforming DPL0 code
    mov [UDATA + 0x6C], esp
    call SEL_CONF:conf_target
    mov eax, [UDATA + 0x60]
    mov [UDATA + 0x00], eax
    mov eax, [UDATA + 0x64]
    mov [UDATA + 0x04], eax
    mov eax, [UDATA + 0x6C]
    sub eax, [UDATA + 0x68]
    mov [UDATA + 0x08], eax
    ; direct CALL to non-conforming DPL0 code
    TRY .u1
    call SEL_CODE32:cg32_target
.u1: mov eax, [EXC_VEC]
    mov [UDATA + 0x0C], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 0x10], eax
    ; call gate DPL3 -> conforming
    call SEL_CG3CONF | 3:0
    mov eax, [UDATA + 0x60]
    mov [UDATA + 0x14], eax
    mov eax, [UDATA + 0x64]
    mov [UDATA + 0x18], eax
    ; call gate DPL0
    TRY .u2
    call SEL_CG0:0
.u2: mov eax, [EXC_VEC]
    mov [UDATA + 0x1C], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 0x20], eax
    ; JMP through a DPL3 gate to non-conforming DPL0 code
    TRY .u3
    jmp SEL_CG3NC | 3:0
.u3: mov eax, [EXC_VEC]
    mov [UDATA + 0x24], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 0x28], eax
    TRY .u4
    int 0x44
.u4: mov eax, [EXC_VEC]
    mov [UDATA + 0x2C], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 0x30], eax
    ENDTRY
    ; call gate DPL3 with 3 dword parameters to CPL0
    push dword 0x4000
    push dword 0x0700
    push dword 0x0011
    call SEL_CG3P | 3:0
    mov [UDATA + 0x34], eax
    int USER_RET_VEC

user_retf:                      ; entered at CPL3 by RETF
    xor eax, eax
    mov ax, cs
    mov [ss:UDATA + 0x40], eax
    mov ax, ss
    mov [ss:UDATA + 0x44], eax
    mov [ss:UDATA + 0x48], esp
    mov ax, ds
    mov [ss:UDATA + 0x4C], eax
    mov ax, fs
    mov [ss:UDATA + 0x50], eax
    mov ax, SEL_UDATA | 3
    mov ds, ax
    mov es, ax
    int USER_RET_VEC            ; user32_ret restores ESP/DS/ES and returns

bits 64
cg64_target:
    xor eax, eax
    mov ax, cs
    mov [UDATA + 0x80], eax
    mov ax, ss
    mov [UDATA + 0x84], eax
    mov [UDATA + 0x88], esp
    mov rax, [rsp]
    mov [UDATA + 0x8C], eax
    mov rax, [rsp + 8]
    mov [UDATA + 0x90], eax
    mov rax, [rsp + 16]
    mov [UDATA + 0x94], eax
    mov rax, [rsp + 24]
    mov [UDATA + 0x98], eax
    o64 retf

user64_code:
    call far [rel .cgptr]
.r1:
    xor eax, eax
    mov ax, cs
    mov [UDATA + 0x9C], eax
    mov [UDATA + 0xA0], esp
    TRY .u1
    call far [rel .t4ptr]
.u1: mov eax, [EXC_VEC]
    mov [UDATA + 0xA4], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 0xA8], eax
    TRY .u2
    call far [rel .badptr]
.u2: mov eax, [EXC_VEC]
    mov [UDATA + 0xAC], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 0xB0], eax
    TRY .u3
    call far [rel .c32ptr]
.u3: mov eax, [EXC_VEC]
    mov [UDATA + 0xB4], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 0xB8], eax
    ENDTRY
    int USER_RET_VEC
.cgptr: dq 0        ; m16:64 (nasm emits REX.W far call)
         dw SEL_CG64 | 3
.t4ptr: dq 0        ; m16:64 (nasm emits REX.W far call)
         dw SEL_CG64T4 | 3
.badptr: dq 0        ; m16:64 (nasm emits REX.W far call)
         dw SEL_CG64BAD | 3
.c32ptr: dq 0        ; m16:64 (nasm emits REX.W far call)
         dw SEL_CG64C32 | 3
END_IMAGE
