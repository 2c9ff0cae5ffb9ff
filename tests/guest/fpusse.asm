; fpusse -- x87/SSE state and arithmetic in 64-bit mode: FNINIT defaults,
; FXSAVE image layout and FXRSTOR, FSAVE/FRSTOR (32-bit format), exact
; 80-bit results under different precision/rounding controls, C1/PE,
; MXCSR flags from SSE operations, LDMXCSR reserved bits, #NM for FXSAVE
; and SSE with CR0.TS, #UD for SSE with CR0.EM, XSAVE/XRSTOR/XGETBV/XSETBV.
; SDM Vol.1 8.1.5 (x87 control word: PC bits 9:8, RC bits 11:10), 8.1.3
; (FSW: C1 = round-up indicator on inexact), 8.3.x constants (FLDPI rounded
; per RC), 8.6 / Table 8-x (FNINIT: FCW 037FH, FSW 0, FTW empty), 10.5.1
; and Vol.2A FXSAVE Table 3-53 (64-bit layout: FCW 0, FSW 2, abridged FTW 4,
; MXCSR 24, MXCSR_MASK 28, ST0 32, XMM0 160), Vol.1 8.1.10/Figure 8-9
; (FSAVE 32-bit protected-mode image: FCW 0, FSW 4, FTW 8, ST0 28),
; 10.2.3 (MXCSR flags IE 0, ZE 2, PE 5; default 1F80H), 11.5.2 (QNaN
; floating-point indefinite 0FFC00000H), Vol.2A LDMXCSR (#GP(0) reserved
; bits), Vol.3A 2.5 / Table 2-2 (CR0.EM/TS: #NM for FXSAVE and SSE with
; TS=1, #UD for SSE with EM=1), Vol.1 13.3 / Vol.2C XSETBV (#GP(0) if
; XCR0[0]=0 or XCR0[2:1]=10b), 13.6-13.8 (XSAVE header XSTATE_BV at 512).
%define TESTNAME "fpusse"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"

KDATA   equ 0x9000
FXA     equ 0xB000              ; 512-byte FXSAVE area (16-aligned)
FXB     equ 0xB400
FSA     equ 0xB800              ; FSAVE area
XSA     equ 0xC000              ; XSAVE area (64-aligned)
TMP     equ 0xBC00

%macro SETCW 1
    mov word [TMP], %1
    fldcw [TMP]
%endmacro
%macro FSTSW_AX 0
    xor eax, eax
    fnstsw ax
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
    call idt64_init
    mov rax, cr0
    and eax, ~((1 << 2) | (1 << 3))         ; EM=0 TS=0
    or eax, (1 << 1) | (1 << 5)             ; MP NE
    mov cr0, rax
    mov rax, cr4
    or eax, (1 << 9) | (1 << 10)            ; OSFXSR OSXMMEXCPT
    mov cr4, rax
    PRINTLN "fpusse: long mode"

    ; ---------------------------------------------- FNINIT / FXSAVE layout
    fninit
    fnstcw [TMP]
    CHECK16 word [TMP], 0x037F, "FNINIT: FCW = 037FH"
    FSTSW_AX
    CHECK32 eax, 0, "FNINIT: FSW = 0"
    fld1
    fldpi
    fxsave [FXA]
    CHECK16 word [FXA + 0], 0x037F, "FXSAVE: FCW at 0"
    CHECK16 word [FXA + 2], 0x3000, "FXSAVE: FSW at 2 (TOP=6)"
    movzx eax, byte [FXA + 4]
    CHECK32 eax, 0xC0, "FXSAVE: abridged FTW at 4 (regs 6,7 valid)"
    CHECK32 dword [FXA + 24], 0x1F80, "FXSAVE: MXCSR at 24 = 1F80H (default)"
    mov eax, [FXA + 28]
    and eax, 0xFFBF
    CHECK32 eax, 0xFFBF, "FXSAVE: MXCSR_MASK at 28 (bits 0-15 except DAZ)"
    CHECK qword [FXA + 32], 0xC90FDAA22168C235, "FXSAVE: ST0 = pi mantissa (RC nearest)"
    CHECK16 word [FXA + 40], 0x4000, "FXSAVE: ST0 exponent"
    CHECK qword [FXA + 48], 0x8000000000000000, "FXSAVE: ST1 = 1.0 mantissa"
    CHECK16 word [FXA + 56], 0x3FFF, "FXSAVE: ST1 exponent"
    mov rax, 0x1122334455667788
    movq xmm0, rax
    pinsrq xmm0, rax, 1
    fxsave [FXA]
    CHECK qword [FXA + 168], 0x1122334455667788, "FXSAVE: XMM0 at 160"
    ; FXRSTOR round trip
    fninit
    pxor xmm0, xmm0
    fxrstor [FXA]
    fxsave [FXB]
    CHECK qword [FXB + 32], 0xC90FDAA22168C235, "FXRSTOR restores ST0"
    CHECK16 word [FXB + 2], 0x3000, "FXRSTOR restores FSW/TOP"
    movq rax, xmm0
    CHECK rax, 0x1122334455667788, "FXRSTOR restores XMM0"

    ; ---------------------------------------------- FSAVE / FRSTOR
    fnsave [FSA]
    fnstcw [TMP]
    CHECK16 word [TMP], 0x037F, "FNSAVE reinitializes the FPU"
    CHECK16 word [FSA + 0], 0x037F, "FSAVE image: FCW"
    CHECK16 word [FSA + 4], 0x3000, "FSAVE image: FSW"
    CHECK16 word [FSA + 8], 0x0FFF, "FSAVE image: full tag word (6,7 valid)"
    CHECK qword [FSA + 28], 0xC90FDAA22168C235, "FSAVE image: ST0"
    frstor [FSA]
    fstp tword [TMP]
    CHECK qword [TMP], 0xC90FDAA22168C235, "FRSTOR restores ST0"
    fninit

    ; ---------------------------------------------- exact arithmetic
    ; 1/3 with PC = single / double / extended, RC = nearest / zero
%macro ONE_THIRD 3              ; FCW, expected mantissa, desc
    fninit
    SETCW %1
    fld1
    mov dword [TMP + 16], 3
    fidiv dword [TMP + 16]
    fstp tword [TMP]
    CHECK qword [TMP], %2, %3
%endmacro
    ONE_THIRD 0x007F, 0xAAAAAB0000000000, "1/3, PC=single, RC=nearest"
    ONE_THIRD 0x027F, 0xAAAAAAAAAAAAA800, "1/3, PC=double, RC=nearest"
    ONE_THIRD 0x037F, 0xAAAAAAAAAAAAAAAB, "1/3, PC=extended, RC=nearest"
    CHECK16 word [TMP + 8], 0x3FFD, "... exponent"
    ONE_THIRD 0x0F7F, 0xAAAAAAAAAAAAAAAA, "1/3, PC=extended, RC=zero"
    fninit
    fld1
    mov dword [TMP + 16], 3
    fidiv dword [TMP + 16]
    FSTSW_AX
    and eax, 0x0220
    CHECK32 eax, 0x0220, "1/3 rounded up: FSW.C1=1 and PE"
    fninit
    SETCW 0x0F7F
    fld1
    fidiv dword [TMP + 16]
    FSTSW_AX
    and eax, 0x0220
    CHECK32 eax, 0x0020, "1/3 truncated: C1=0, PE=1"
    fninit
    mov dword [TMP + 16], 2
    fild dword [TMP + 16]
    fsqrt
    fstp tword [TMP]
    CHECK qword [TMP], 0xB504F333F9DE6484, "FSQRT(2) mantissa"
    fninit
    SETCW 0x0B7F                            ; RC = up
    fldpi
    fstp tword [TMP]
    CHECK qword [TMP], 0xC90FDAA22168C235, "FLDPI with RC=up"
    SETCW 0x077F                            ; RC = down
    fldpi
    fstp tword [TMP]
    CHECK qword [TMP], 0xC90FDAA22168C234, "FLDPI with RC=down (rounded per RC)"
    fninit

    ; ---------------------------------------------- SSE / MXCSR
    mov dword [TMP], 0x1F80
    ldmxcsr [TMP]
    mov eax, 0x3F800000                     ; 1.0f
    movd xmm1, eax
    xorps xmm2, xmm2
    divss xmm1, xmm2
    movd eax, xmm1
    CHECK32 eax, 0x7F800000, "DIVSS 1/0 masked: +inf"
    stmxcsr [TMP]
    mov eax, [TMP]
    and eax, 0x3F
    CHECK32 eax, 0x04, "... MXCSR.ZE"
    mov dword [TMP], 0x1F80
    ldmxcsr [TMP]
    mov eax, 0xBF800000                     ; -1.0f
    movd xmm1, eax
    sqrtss xmm1, xmm1
    movd eax, xmm1
    CHECK32 eax, 0xFFC00000, "SQRTSS(-1): QNaN floating-point indefinite"
    stmxcsr [TMP]
    mov eax, [TMP]
    and eax, 0x3F
    CHECK32 eax, 0x01, "... MXCSR.IE"
    mov dword [TMP], 0x1F80
    ldmxcsr [TMP]
    mov eax, 0x501502F9                     ; 1e10f
    movd xmm1, eax
    cvttss2si eax, xmm1
    CHECK32 eax, 0x80000000, "CVTTSS2SI out of range: integer indefinite"
    mov eax, 0x3F800000
    movd xmm1, eax
    mov eax, 0x40400000                     ; 3.0f
    movd xmm2, eax
    divss xmm1, xmm2
    movd eax, xmm1
    CHECK32 eax, 0x3EAAAAAB, "DIVSS 1/3 = 3EAAAAABH"
    stmxcsr [TMP]
    mov eax, [TMP]
    and eax, 0x3F
    CHECK32 eax, 0x21, "... MXCSR.PE (IE sticky from before)"
    mov dword [TMP], 0x00011F80             ; reserved bit 16
    TRY .mxr
    ldmxcsr [TMP]
.mxr:
    CHECK_EXC 13, 0, "LDMXCSR with a reserved bit: #GP(0)"
    mov dword [TMP], 0x1F80
    ldmxcsr [TMP]

    ; ---------------------------------------------- #NM / #UD
    mov rax, cr0
    or eax, 1 << 3                          ; TS
    mov cr0, rax
    TRY .nm1r
    fxsave [FXB]
.nm1r:
    CHECK_EXC 7, NOERR, "FXSAVE with CR0.TS=1: #NM"
    TRY .nm2r
    addps xmm1, xmm2
.nm2r:
    CHECK_EXC 7, NOERR, "ADDPS with CR0.TS=1: #NM"
    clts
    mov rax, cr0
    or eax, 1 << 2                          ; EM
    mov cr0, rax
    TRY .ud1r
    addps xmm1, xmm2
.ud1r:
    CHECK_EXC 6, NOERR, "ADDPS with CR0.EM=1: #UD"
    TRY .nm3r
    fld1
.nm3r:
    CHECK_EXC 7, NOERR, "FLD1 with CR0.EM=1: #NM"
    mov rax, cr0
    and eax, ~(1 << 2)
    mov cr0, rax

    ; ---------------------------------------------- XSAVE
    mov eax, 1
    cpuid
    bt ecx, 26
    jc .xs
    SKIP "XSAVE (CPUID.1:ECX[26]=0)"
    jmp .xsd
.xs:
    mov rax, cr4
    bts rax, 18                             ; OSXSAVE
    mov cr4, rax
    xor ecx, ecx
    xgetbv
    CHECK32 eax, 1, "XCR0 after reset = 1 (x87)"
    xor ecx, ecx
    xor edx, edx
    mov eax, 2
    TRY .xb1r
    xsetbv
.xb1r:
    CHECK_EXC 13, 0, "XSETBV XCR0 without x87 bit: #GP(0)"
    xor ecx, ecx
    xor edx, edx
    mov eax, 3
    xsetbv
    xgetbv
    CHECK32 eax, 3, "XSETBV XCR0 = 3 (x87+SSE)"
    mov edi, XSA
    mov ecx, 0x400 / 4
    xor eax, eax
    rep stosd
    fninit
    fldpi
    mov rax, 0x5566778899AABBCC
    movq xmm0, rax
    mov eax, 3
    xor edx, edx
    xsave [XSA]
    mov eax, [XSA + 512]
    and eax, 3
    CHECK32 eax, 3, "XSAVE: XSTATE_BV = x87|SSE (both not in init state)"
    CHECK qword [XSA + 32], 0xC90FDAA22168C235, "XSAVE: legacy area ST0"
    CHECK qword [XSA + 160], 0x5566778899AABBCC, "XSAVE: legacy area XMM0"
    fninit
    pxor xmm0, xmm0
    mov eax, 3
    xor edx, edx
    xrstor [XSA]
    movq rax, xmm0
    CHECK rax, 0x5566778899AABBCC, "XRSTOR restores XMM0"
    fstp tword [TMP]
    CHECK qword [TMP], 0xC90FDAA22168C235, "XRSTOR restores ST0"
    mov eax, 3
    xor edx, edx
    TRY .xs1r
    xsave [XSA + 8]
.xs1r:
    CHECK_EXC 13, 0, "XSAVE to a non-64-byte-aligned area: #GP(0)"
.xsd:
    FINISH
END_IMAGE
