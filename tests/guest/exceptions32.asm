; exceptions32 -- exception delivery in 32-bit protected mode (CPL0 and
; CPL3): vectors, error codes, saved CS:EIP (fault vs trap), segment-related
; faults with selector error codes, IDT-related error codes.
; SDM Vol.3A 6.3 / Table 6-1, 6.12 (32-bit frame; SS:ESP pushed only on a
; privilege change), 6.13 (error code: EXT=1, IDT=2, TI=4, index), 6.15
; (per-exception conditions), 5.3 (limit checking), 5.4/5.5 (type and
; privilege checks on segment loads), 7.3 (task switch: #TS on a TSS whose
; limit is below 0x67).
; QEMU TCG 7.2 deviations (these checks fail under TCG): #AC is not
; implemented; data-segment limit, null-selector and write-to-code-segment
; checks are not performed (no #GP(0)/#SS(0) for those accesses).
%define TESTNAME "exceptions32"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "idt.inc"
%include "user.inc"

KDATA   equ 0x9000
UDATA   equ 0x38000
SEL_NPDATA  equ SEL_FREE + 0x00     ; data, not present
SEL_SMALLDS equ SEL_FREE + 0x08     ; data, limit 0xFFF
SEL_SMALLSS equ SEL_FREE + 0x10     ; data, limit 0x2FFFF (byte granular), B=1
SEL_BADTSS  equ SEL_FREE + 0x18     ; 32-bit TSS, limit 0x20 (< 0x67)
SEL_ROCODE  equ SEL_FREE + 0x20     ; execute-only code

bits 16
main:
    ENTER_PM32
    call idt32_init
    call tss32_setup
    mov dword [GDT_BASE + SEL_NPDATA], 0x0000FFFF
    mov dword [GDT_BASE + SEL_NPDATA + 4], 0x00CF1300
    mov dword [GDT_BASE + SEL_SMALLDS], 0x00000FFF
    mov dword [GDT_BASE + SEL_SMALLDS + 4], 0x00009300
    mov dword [GDT_BASE + SEL_SMALLSS], 0x0000FFFF
    mov dword [GDT_BASE + SEL_SMALLSS + 4], 0x00429300   ; B=1: 32-bit stack (ESP), SDM 3.4.5
    mov dword [GDT_BASE + SEL_BADTSS], (0x5000 << 16) | 0x20
    mov dword [GDT_BASE + SEL_BADTSS + 4], 0x00008900
    mov dword [GDT_BASE + SEL_ROCODE], 0x0000FFFF
    mov dword [GDT_BASE + SEL_ROCODE + 4], 0x00CF9900
    PRINTLN "exceptions32: in protected mode"

    ; ------------------------------------------------ #DE
    xor ecx, ecx
    mov eax, 1
    xor edx, edx
    TRY .de1r
.de1: div ecx
.de1r:
    CHECK_EXC 0, NOERR, "#DE divide by zero"
    CHECK32 dword [EXC_RIP], .de1, "#DE saved EIP = DIV"
    CHECK32 dword [EXC_CS], SEL_CODE32, "saved CS"
    mov eax, 0x80
    cbw
    mov cl, 0
    TRY .de2r
    mov ax, 0x8000
    mov cl, 1
    div cl                      ; 0x8000/1 does not fit in AL
.de2r:
    CHECK_EXC 0, NOERR, "#DE quotient overflow (DIV r8)"

    ; ------------------------------------------------ #BP / #OF / #BR
    TRY .bpr
    int3
.bpa:
.bpr:
    CHECK_EXC 3, NOERR, "#BP from INT3"
    CHECK32 dword [EXC_RIP], .bpa, "#BP trap: EIP after INT3"
    mov [KDATA], esp
    TRY .of1r
    mov al, 0x7F
    add al, 1                   ; OF=1
    into
.of1a:
.of1r:
    CHECK_EXC 4, NOERR, "#OF from INTO with OF=1"
    CHECK32 dword [EXC_RIP], .of1a, "#OF trap: EIP after INTO"
    mov eax, [KDATA]
    CHECK32 dword [EXC_RSP], eax, "no privilege change: frame on same stack"
    TRY .of2r
    mov al, 1
    add al, 1                   ; OF=0
    into
.of2r:
    ENDTRY
    CHECK32 dword [EXC_VEC], 0xFFFFFFFF, "INTO with OF=0: no exception"
    mov dword [KDATA], 10
    mov dword [KDATA+4], 20
    mov eax, 15
    bound eax, [KDATA]
    OK "BOUND in range: no exception"
    mov eax, 21
    TRY .brr
.br: bound eax, [KDATA]
.brr:
    CHECK_EXC 5, NOERR, "#BR from BOUND out of range"
    CHECK32 dword [EXC_RIP], .br, "#BR fault: EIP = BOUND"

    ; ------------------------------------------------ #DB single-step
    TRY .ssr
    pushfd
    or dword [esp], 0x100
    popfd
    nop
.ssa:
    nop
.ssr:
    CHECK_EXC 1, NOERR, "#DB single-step"
    CHECK32 dword [EXC_RIP], .ssa, "single-step trap EIP"
    mov eax, [EXC_DR6]
    and eax, 0x4000
    CHECK32 eax, 0x4000, "DR6.BS"

    ; ------------------------------------------------ #UD
    TRY .udr
.ud: ud2
.udr:
    CHECK_EXC 6, NOERR, "#UD from UD2"
    CHECK32 dword [EXC_RIP], .ud, "#UD EIP"
    TRY .ud2r
    db 0xF0, 0x90               ; LOCK NOP
.ud2r:
    CHECK_EXC 6, NOERR, "#UD LOCK NOP"
    TRY .ud3r
    db 0x8E, 0xC8               ; mov cs, ax
.ud3r:
    CHECK_EXC 6, NOERR, "#UD MOV CS, r16"

    ; ------------------------------------------------ segment faults
    mov ax, SEL_NPDATA
    TRY .np1r
    mov ds, ax
.np1r:
    CHECK_EXC 11, SEL_NPDATA, "#NP(sel) loading not-present data segment"
    TRY .ss1r
    mov ss, ax
.ss1r:
    CHECK_EXC 12, SEL_NPDATA, "#SS(sel) loading not-present segment into SS"
    mov ax, 0x200
    TRY .gp1r
    mov es, ax
.gp1r:
    CHECK_EXC 13, 0x200, "#GP(sel) selector beyond GDT limit"
    mov ax, SEL_ROCODE
    TRY .gp2r
    mov ds, ax
.gp2r:
    CHECK_EXC 13, SEL_ROCODE, "#GP(sel) execute-only code into DS"
    mov ax, SEL_UDATA | 3
    TRY .gp3r
    mov ss, ax
.gp3r:
    CHECK_EXC 13, SEL_UDATA, "#GP(sel) SS with RPL/DPL != CPL (error has RPL cleared)"
    TRY .gp4r
    mov dword [cs:KDATA], 1     ; write to code segment
.gp4r:
    CHECK_EXC 13, 0, "#GP(0) write through CS"
    mov ax, SEL_SMALLDS
    mov es, ax
    mov eax, [es:0xFFC]
    OK "access within limit 0xFFF"
    TRY .gp5r
.gp5: mov eax, [es:0xFFD]           ; last byte at 0x1000 > limit
.gp5r:
    CHECK_EXC 13, 0, "#GP(0) access crossing segment limit"
    CHECK32 dword [EXC_RIP], .gp5, "#GP EIP"
    xor ax, ax
    mov es, ax                  ; null selector load is fine in DS/ES
    OK "null selector load into ES"
    TRY .gp6r
    mov eax, [es:0]
.gp6r:
    CHECK_EXC 13, 0, "#GP(0) memory access through null ES"
    mov ax, SEL_DATA32
    mov es, ax
    ; #SS(0): SS-relative access beyond the SS limit
    mov [KDATA], esp
    mov ax, SEL_SMALLSS
    mov ss, ax
    mov esp, 0x2FF00
    mov ebp, 0x30010
    TRY .ss2r
    mov eax, [ebp]
.ss2r:
    mov ax, SEL_DATA32
    mov ss, ax
    mov esp, [KDATA]
    CHECK_EXC 12, 0, "#SS(0) SS-relative access beyond SS limit"
    CHECK32 dword [EXC_SS], SEL_SMALLSS, "#SS frame pushed on the small stack"
    ; #TS: task switch to a TSS with limit < 0x67
    TRY .ts1r
    jmp SEL_BADTSS:0
.ts1r:
    CHECK_EXC 10, SEL_BADTSS, "#TS(sel) JMP to TSS with limit < 0x67"

    ; ------------------------------------------------ IDT-related
    SET_GATE 0x41, exc32_stub_65, 0x0E
    TRY .np2r
    int 0x41
.np2r:
    CHECK_EXC 11, 0x41*8+2, "#NP(0x41*8+2) INT through not-present gate"
    SET_GATE 0x41, exc32_stub_65, 0x8E
    mov word [RAM_SCRATCH+0x10], 0x80*8-1
    lidt [RAM_SCRATCH+0x10]
    TRY .gp7r
    int 0x90
.gp7r:
    CHECK_EXC 13, 0x90*8+2, "#GP(0x90*8+2) INT beyond IDT limit"
    mov word [RAM_SCRATCH+0x10], 256*8-1
    lidt [RAM_SCRATCH+0x10]
    SET_GATE 0x43, exc32_stub_67, 0x8F          ; trap gate
    pushfd
    pop ebx
    TRY .tgr
    int 0x43
.tgr:
    CHECK_EXC 0x43, NOERR, "INT through 32-bit trap gate"

    ; ------------------------------------------------ #NM / #MF
    mov eax, cr0
    and eax, ~(1 << 2)
    or eax, (1 << 1) | (1 << 5)
    mov cr0, eax
    fninit
    mov eax, cr0
    or eax, 1 << 3
    mov cr0, eax
    TRY .nmr
    fld1
.nmr:
    CHECK_EXC 7, NOERR, "#NM x87 with CR0.TS=1"
    clts
    mov word [KDATA], 0x037E    ; unmask IE
    fldcw [KDATA]
    fldz
    fsqrt                       ; fine: sqrt(0) = 0
    fld1
    fchs
    fsqrt                       ; invalid -> pending
    TRY .mfr
.mf: fwait
.mfr:
    CHECK_EXC 16, NOERR, "#MF (invalid operation) on FWAIT"
    CHECK32 dword [EXC_RIP], .mf, "#MF EIP = FWAIT"
    fninit

    ; ------------------------------------------------ CPL3
    PRINTLN "exceptions32: CPL3 checks"
    mov eax, user_code
    mov edx, 2
    call user32_call
    CHECK32 dword [UDATA], 13, "CPL3 INT 0x40 (DPL0 gate): #GP"
    CHECK32 dword [UDATA+4], 0x40*8+2, "... error 0x40*8+2"
    CHECK32 dword [UDATA+8], SEL_UCODE32|3, "CPL3 fault: saved CS"
    CHECK32 dword [UDATA+12], USTACK_TOP, "CPL3 fault: saved ESP (stack switch)"
    CHECK32 dword [UDATA+16], SEL_UDATA|3, "CPL3 fault: saved SS"
    CHECK32 dword [UDATA+20], 13, "CPL3 CLI: #GP"
    CHECK32 dword [UDATA+24], 13, "CPL3 load of DPL0 data segment: #GP"
    CHECK32 dword [UDATA+28], SEL_DATA32, "... error = selector"
    mov eax, cr0
    or eax, 1 << 18
    mov cr0, eax
    mov eax, user_ac
    mov edx, 0x40002
    call user32_call
    CHECK32 dword [UDATA], 17, "#AC misaligned access at CPL3 with AM+AC"
    CHECK32 dword [UDATA+4], 0, "#AC error code 0"
    FINISH

bits 32
user_code:
    TRY .u1
    int 0x40
.u1: mov eax, [EXC_VEC]
    mov [UDATA], eax
    mov eax, [EXC_ERR]
    mov [UDATA+4], eax
    mov eax, [EXC_CS]
    mov [UDATA+8], eax
    mov eax, [EXC_RSP]
    mov [UDATA+12], eax
    mov eax, [EXC_SS]
    mov [UDATA+16], eax
    TRY .u2
    cli
.u2: mov eax, [EXC_VEC]
    mov [UDATA+20], eax
    mov ax, SEL_DATA32
    TRY .u3
    mov fs, ax
.u3: mov eax, [EXC_VEC]
    mov [UDATA+24], eax
    mov eax, [EXC_ERR]
    mov [UDATA+28], eax
    ENDTRY
    int USER_RET_VEC

user_ac:
    TRY .a1
    mov eax, [UDATA+0x41]
.a1: mov eax, [EXC_VEC]
    mov [UDATA], eax
    mov eax, [EXC_ERR]
    mov [UDATA+4], eax
    ENDTRY
    int USER_RET_VEC
END_IMAGE
