; profile -- a loop of a block of 30 instructions and a block of one, for tests/profile.sh:
; -d profile must put about 30 of every 31 samples on the long block, the one that was running
; at the sample point (31 instructions a turn, prime to the 4096 of the sampling period, so the
; samples fall at every phase of the loop).
%define TESTNAME "profile"
%include "boot.inc"
bits 16
main:
long_block:
    times 29 inc ax
    jmp short_block
short_block:
    jmp long_block
END_IMAGE
