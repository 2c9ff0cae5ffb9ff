; mandel -- the bundled demo: a bare-metal program that starts at the reset vector, switches from
; real mode to protected mode to 64-bit long mode, draws the Mandelbrot set with SSE2 arithmetic on
; the debug console (port 0xE9) and exits through the debug-exit port (0xF4).
; Build: nasm -f bin -I tests/guest/include images/demo/mandel.asm -o mandel.bin
; Run:   turtles -bios mandel.bin -d stats
%define TESTNAME "mandel"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"

WIDTH   equ 78
HEIGHT  equ 32
MAXIT   equ 200

bits 16
main:
    PRINTLN "turtles demo: real mode -> protected mode -> long mode"
    ENTER_PM32
    ENTER_LM
bits 64
    PRINTLN "64-bit long mode, drawing with SSE2:"
    ; CR4.OSFXSR so SSE instructions are allowed (SDM Vol.3A 13.1.3)
    mov rax, cr4
    or rax, 0x600
    mov cr4, rax
    xor r12d, r12d                      ; row
.row:
    ; ci = -1.2 + row * (2.4 / HEIGHT)
    cvtsi2sd xmm1, r12d
    mulsd xmm1, [rel step_y]
    addsd xmm1, [rel y0]
    xor r13d, r13d                      ; column
.col:
    ; cr = -2.1 + col * (3.0 / WIDTH)
    cvtsi2sd xmm0, r13d
    mulsd xmm0, [rel step_x]
    addsd xmm0, [rel x0]
    xorpd xmm2, xmm2                    ; zr
    xorpd xmm3, xmm3                    ; zi
    xor ecx, ecx
.iter:
    movapd xmm4, xmm2
    mulsd xmm4, xmm2                    ; zr^2
    movapd xmm5, xmm3
    mulsd xmm5, xmm3                    ; zi^2
    movapd xmm6, xmm4
    addsd xmm6, xmm5
    comisd xmm6, [rel four]
    ja .escaped
    mulsd xmm3, xmm2
    addsd xmm3, xmm3
    addsd xmm3, xmm1                    ; zi = 2 zr zi + ci
    subsd xmm4, xmm5
    addsd xmm4, xmm0
    movapd xmm2, xmm4                   ; zr = zr^2 - zi^2 + cr
    inc ecx
    cmp ecx, MAXIT
    jb .iter
.escaped:
    ; pick a character by iteration count
    mov eax, ecx
    shr eax, 2
    cmp eax, palette_len - 1
    jbe .ok
    mov eax, palette_len - 1
.ok:
    lea rsi, [rel palette]
    mov al, [rsi + rax]
    out 0xe9, al
    inc r13d
    cmp r13d, WIDTH
    jb .col
    mov al, 10
    out 0xe9, al
    inc r12d
    cmp r12d, HEIGHT
    jb .row
    PRINTLN "PASS mandel"
    EXIT 0

align 8
step_x: dq 0.0384615384615384615        ; 3.0 / 78
step_y: dq 0.075                        ; 2.4 / 32
x0:     dq -2.1
y0:     dq -1.2
four:   dq 4.0
palette: db " .:-=+*#%@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ "
palette_len equ $ - palette
END_IMAGE
