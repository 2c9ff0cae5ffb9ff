; loop -- benchmark guest: enters 64-bit mode and runs a tight integer loop of 5 instructions per
; iteration, ITER iterations (default 400 million = 2 billion instructions), then exits.
; nasm -f bin -I tests/guest/include -DITER=400000000 bench/loop.asm -o loop.bin
%define TESTNAME "loop"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%ifndef ITER
%define ITER 400000000
%endif

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    mov rcx, ITER
    xor eax, eax
    mov ebx, 1
    xor edx, edx
.l: add rax, rbx
    xor rdx, rax
    inc rbx
    dec rcx
    jnz .l
    PRINTLN "PASS loop"
    EXIT 0
END_IMAGE
