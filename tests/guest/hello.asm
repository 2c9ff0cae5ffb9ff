; hello -- smallest smoke test: real mode, print "hello", exit 0.
; Exercises: reset vector far jump (SDM Vol.3A 9.1.4), OUT imm8,AL to 0xE9,
; OUT DX,EAX to 0xF4.
%define TESTNAME "hello"
%include "boot.inc"
%include "report.inc"
bits 16
main:
    PRINTLN "hello"
    mov ax, 0x1234
    add ax, 0x4321
    CHECK32 eax, 0x5555, "16-bit add"
    FINISH
END_IMAGE
