; realmode -- real-address mode: arithmetic and flags, segment arithmetic
; (linear = seg*16 + off), 16-bit addressing modes (BP-based default to SS),
; string instructions with REP/REPE/REPNE and DF, IVT interrupts (INT n /
; IRET frame), #DE through the IVT, and segment-limit faults at offset 0xFFFF.
; SDM Vol.3B 21.1 (real-address mode), 21.1.4 (interrupt and exception
; handling in real mode: IVT, FLAGS/CS/IP frame, IF/TF/AC cleared),
; Vol.3B 22.33 / 21.1 "segment wraparound": a word access at offset 0xFFFF
; raises #GP (DS/ES/...) or #SS (SS) on 286 and later, without error code.
; Vol.2A 2.1.5 Table 2-1 (16-bit ModR/M addressing).
; QEMU TCG 7.2 does not check real-mode segment limits: the #GP/#SS checks
; at offset 0xFFFF fail under TCG (it wraps/reads past the limit).
%define TESTNAME "realmode"
%include "boot.inc"
%include "report.inc"

RM_EXC_VEC  equ 0x0600          ; word: last vector seen by a handler
RM_EXC_IP   equ 0x0602          ; word: saved IP
RM_EXC_CS   equ 0x0604
RM_EXC_FL   equ 0x0606          ; saved FLAGS
RM_EXC_RES  equ 0x0608          ; word: IP to resume at (0 = return normally)
RM_FLAGS_IN equ 0x060A          ; FLAGS inside the handler
RM_SP_IN    equ 0x060C          ; SP inside the handler

; install a handler: IVT[vec] = F000:ROFS(handler)
%macro SETVEC 2
    mov word [(%1)*4], ROFS(%2)
    mov word [(%1)*4+2], 0xF000
%endmacro

bits 16
main:
    ; ------------------------------------------------ arithmetic & flags
    mov ax, 0xFFFF
    add ax, 1
    pushf
    pop bx
    and bx, 0x08D5              ; OF SF ZF AF PF CF
    CHECK32 ebx, 0x0055, "ADD FFFF+1: ZF AF PF CF set, OF SF clear"
    mov ax, 0x7FFF
    add ax, 1
    pushf
    pop bx
    and bx, 0x08D5
    CHECK32 ebx, 0x0894, "ADD 7FFF+1: OF SF AF PF"
    mov ax, 0x1234
    mov cx, 0x0100
    mul cx
    CHECK32 eax, 0x3400, "MUL r16 low"
    CHECK16 dx, 0x0012, "MUL r16 high (DX)"
    mov dx, 0x0012
    mov ax, 0x3456
    mov cx, 0x0100
    div cx
    CHECK32 eax, 0x1234, "DIV r16 quotient"
    CHECK16 dx, 0x0056, "DIV r16 remainder"
    mov al, -7
    cbw
    CHECK32 eax, 0xFFF9, "CBW"

    ; ------------------------------------------------ segment arithmetic
    mov ax, 0x1234
    mov es, ax
    mov dword [es:0x0010], 0xA5A5F00D
    mov ax, 0x1235
    mov fs, ax
    CHECK32 dword [fs:0x0000], 0xA5A5F00D, "FS=1235 off=0000 aliases it"
    xor ax, ax
    mov es, ax

    ; ------------------------------------------------ addressing modes
    mov ax, 0x0800
    mov ds, ax                  ; DS base 0x8000
    mov ax, 0x0900
    mov ss, ax                  ; SS base 0x9000 (stack moves, re-set sp)
    mov sp, 0x0F00
    mov word [ds:0x0110], 0x1111
    mov word [ss:0x0110], 0x2222
    mov bx, 0x0100
    mov si, 0x0010
    mov bp, 0x0100
    mov di, 0x0010
    mov ax, [bx+si]
    CHECK32 eax, 0x1111, "[bx+si] uses DS"
    mov ax, [bp+di]
    CHECK32 eax, 0x2222, "[bp+di] uses SS"
    mov ax, [bp+0x10]
    CHECK32 eax, 0x2222, "[bp+disp8] uses SS"
    mov ax, [ds:bp+0x10]
    CHECK32 eax, 0x1111, "DS override on [bp+disp]"
    mov bx, 0xFFF0
    mov ax, [bx+0x120]          ; 16-bit effective address wraps: 0x0110
    CHECK32 eax, 0x1111, "16-bit effective address wraps modulo 64K"
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, STACK16_TOP

    ; ------------------------------------------------ PUSH SP / PUSHA
    mov bx, sp
    push sp
    pop ax
    CHECK32 eax, ebx, "PUSH SP pushes the value before the push (286+)"
    mov ax, 1
    mov cx, 2
    mov dx, 3
    mov bx, 4
    mov bp, 6
    mov si, 7
    mov di, 8
    mov [0x500+0x100], sp       ; scratch
    pusha
    mov bp, sp
    movzx eax, word [bp+14]
    CHECK32 eax, 1, "PUSHA: AX pushed first"
    movzx eax, word [bp+6]
    movzx edx, word [0x600]
    CHECK32 eax, edx, "PUSHA: original SP value pushed"
    movzx eax, word [bp]
    CHECK32 eax, 8, "PUSHA: DI pushed last"
    popa

    ; ------------------------------------------------ string ops
    mov ax, 0x0800
    mov es, ax
    mov ds, ax
    mov di, 0
    mov cx, 16
    mov al, 0xAA
    rep stosb
    CHECK32 ecx, 0, "REP STOSB: CX=0 afterwards"
    CHECK32 edi, 16, "REP STOSB: DI advanced"
    mov si, ROFS(str_src)
    mov di, 0x20
    mov cx, 8
    cs rep movsb                ; CS override on the source
    CHECK32 dword [0x20], 'abcd', "REP MOVSB with CS: source override"
    CHECK32 dword [0x24], 'efgh', "REP MOVSB second half"
    ; backwards with DF=1
    std
    mov si, 0x27
    mov di, 0x37
    mov cx, 8
    rep movsb
    cld
    CHECK32 dword [0x30], 'abcd', "REP MOVSB with DF=1 copies backwards"
    CHECK32 esi, 0x1F, "DF=1: SI decremented"
    ; overlapping forward copy replicates the first byte pattern
    mov byte [0x40], 'x'
    mov byte [0x41], 'y'
    mov si, 0x40
    mov di, 0x42
    mov cx, 6
    rep movsb
    CHECK32 dword [0x44], 'xyxy', "overlapping forward REP MOVSB (bytewise)"
    ; REPE CMPSB stops at the first difference
    mov dword [0x50], 'abcd'
    mov dword [0x58], 'abXd'
    mov si, 0x50
    mov di, 0x58
    mov cx, 4
    repe cmpsb
    pushf
    pop ax
    and eax, 0x40
    CHECK32 eax, 0, "REPE CMPSB: ZF=0 at mismatch"
    CHECK32 ecx, 1, "REPE CMPSB: CX left = 1"
    CHECK32 esi, 0x53, "REPE CMPSB: SI past the mismatching byte"
    ; REPNE SCASB finds a byte
    mov di, 0x20
    mov al, 'f'
    mov cx, 100
    repne scasb
    CHECK32 edi, 0x26, "REPNE SCASB: DI after the match"
    CHECK32 ecx, 94, "REPNE SCASB: CX count"
    ; REP with CX=0 does nothing
    mov cx, 0
    mov di, 0x60
    mov byte [0x60], 0x11
    mov al, 0x22
    rep stosb
    CHECK32 edi, 0x60, "REP with CX=0: no iteration"
    ; LODSW / XLAT
    mov si, 0x20
    lodsw
    CHECK32 eax, 'ab', "LODSW"
    mov bx, 0x20
    mov al, 3
    xlatb
    and eax, 0xFF
    CHECK32 eax, 'd', "XLATB"
    ; LDS
    mov word [0x70], 0x1234
    mov word [0x72], 0x5678
    lds si, [0x70]
    mov ax, ds
    CHECK32 eax, 0x5678, "LDS segment"
    CHECK32 esi, 0x1234, "LDS offset"
    xor ax, ax
    mov ds, ax
    mov es, ax

    ; ------------------------------------------------ INT n / IRET
    MASK_PIC
    SETVEC 0x80, int80_handler
    mov word [RM_EXC_RES], 0
    mov ax, 0x1111
    pushf
    pop bx
    or bx, 0x0200 | 0x0100 & 0  ; keep TF=0
    sti                         ; IF=1 before INT: handler must see IF=0
    mov [0x620], sp
int80_at:
    int 0x80
int80_ret:
    cli
    CHECK32 eax, 0x2222, "INT 0x80 handler ran"
    CHECK16 word [RM_EXC_IP], ROFS(int80_ret), "INT pushes IP of next instruction"
    CHECK16 word [RM_EXC_CS], 0xF000, "INT pushes CS"
    movzx eax, word [RM_EXC_FL]
    and eax, 0x200
    CHECK32 eax, 0x200, "INT pushes FLAGS with IF=1"
    movzx eax, word [RM_FLAGS_IN]
    and eax, 0x300
    CHECK32 eax, 0, "handler runs with IF=0 TF=0"
    movzx eax, word [RM_SP_IN]
    movzx edx, word [0x620]
    sub edx, 6
    CHECK32 eax, edx, "INT pushes 3 words"

    ; ------------------------------------------------ #DE via IVT
    SETVEC 0, exc_handler
    mov word [RM_EXC_VEC], 0xFFFF
    mov word [RM_EXC_RES], ROFS(de_res)
    xor cx, cx
    mov ax, 1
de_at:
    div cx
de_res:
    CHECK16 word [RM_EXC_VEC], 0, "#DE through IVT vector 0"
    CHECK16 word [RM_EXC_IP], ROFS(de_at), "#DE saved IP = DIV (fault)"

    ; ------------------------------------------------ #UD via IVT
    SETVEC 6, exc_handler6
    mov word [RM_EXC_VEC], 0xFFFF
    mov word [RM_EXC_RES], ROFS(ud_res)
ud_at:
    ud2
ud_res:
    CHECK16 word [RM_EXC_VEC], 6, "#UD through IVT vector 6"
    CHECK16 word [RM_EXC_IP], ROFS(ud_at), "#UD saved IP = UD2"

    ; ------------------------------------------------ segment limit at 0xFFFF
    SETVEC 13, exc_handler13
    SETVEC 12, exc_handler12
    mov word [RM_EXC_VEC], 0xFFFF
    mov word [RM_EXC_RES], ROFS(gp_res)
    mov [0x620], sp
    mov bx, 0xFFFF
gp_at:
    mov ax, [bx]                ; word at DS:FFFF crosses the limit
gp_res:
    CHECK16 word [RM_EXC_VEC], 13, "word access at DS:FFFF -> #GP (int 13)"
    CHECK16 word [RM_EXC_IP], ROFS(gp_at), "#GP saved IP = faulting MOV"
    movzx eax, word [RM_SP_IN]
    movzx edx, word [0x620]
    sub edx, 6
    CHECK32 eax, edx, "real-mode #GP pushes no error code"
    mov word [RM_EXC_VEC], 0xFFFF
    mov word [RM_EXC_RES], ROFS(ss_res)
    mov bp, 0xFFFF
ss_at:
    mov ax, [bp]                ; SS-relative
ss_res:
    CHECK16 word [RM_EXC_VEC], 12, "word access at SS:FFFF -> #SS (int 12)"
    mov word [RM_EXC_VEC], 0xFFFF
    mov word [RM_EXC_RES], ROFS(b_res)
    mov al, [bx]                ; byte at FFFF is fine
b_res:
    CHECK16 word [RM_EXC_VEC], 0xFFFF, "byte access at DS:FFFF is fine"

    FINISH

str_src: db "abcdefgh"

; handlers: record IP/CS/FLAGS/SP, resume at RM_EXC_RES if non-zero
int80_handler:
    mov [RM_SP_IN], sp
    push bp
    mov bp, sp
    push ax
    pushf
    pop ax
    mov [RM_FLAGS_IN], ax
    mov ax, [bp+2]
    mov [RM_EXC_IP], ax
    mov ax, [bp+4]
    mov [RM_EXC_CS], ax
    mov ax, [bp+6]
    mov [RM_EXC_FL], ax
    pop ax
    pop bp
    mov ax, 0x2222
    iret

%macro RM_EXC 1
exc_handler%1:
    mov word [RM_EXC_VEC], %1
    jmp exc_common
%endmacro
exc_handler:
    mov word [RM_EXC_VEC], 0
    jmp exc_common
RM_EXC 6
RM_EXC 12
RM_EXC 13
exc_common:
    mov [RM_SP_IN], sp
    push bp
    mov bp, sp
    push ax
    mov ax, [bp+2]
    mov [RM_EXC_IP], ax
    mov ax, [bp+4]
    mov [RM_EXC_CS], ax
    mov ax, [bp+6]
    mov [RM_EXC_FL], ax
    mov ax, [RM_EXC_RES]
    test ax, ax
    jz .ret
    mov [bp+2], ax
    mov word [RM_EXC_RES], 0
.ret:
    pop ax
    pop bp
    iret
END_IMAGE
