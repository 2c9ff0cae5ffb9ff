; xsaves -- XSAVEC, XSAVES, XRSTORS, the compacted form of XRSTOR and the
; IA32_XSS MSR in 64-bit mode, with x87 and SSE state (the only components).
; SDM Vol.1 13.2 and Vol.2 CPUID leaf 0DH (ECX=1: EAX bit 1 XSAVEC, bit 3
; XSAVES/XRSTORS/IA32_XSS; EBX = size for XCR0|IA32_XSS; ECX/EDX = XSS bits),
; 13.3 (IA32_XSS, MSR DA0H; unsupported bits #GP), 13.4.2-13.4.3 (header:
; XSTATE_BV at 512, XCOMP_BV at 520, bit 63 = compacted), 13.8.2 (compacted
; XRSTOR: #GP if XCOMP_BV has bits outside XCR0, XSTATE_BV not a subset of
; XCOMP_BV, or header bytes 63:16 not zero; MXCSR := 1F80H when XSTATE_BV[1]
; = 0), 13.10 (XSAVEC: XSTATE_BV = RFBM & XINUSE, XCOMP_BV = RFBM | 1<<63,
; nothing else of the header and not bytes 511:464 written), 13.11 and
; 13.12 (XSAVES/XRSTORS: CPL 0 only, XRSTORS #GP if XCOMP_BV[63] = 0),
; Vol.2 XSAVES/XRSTORS/XSAVEC exceptions (#UD without CR4.OSXSAVE, #NM with
; CR0.TS, #GP(0) unless 64-byte aligned).
%define TESTNAME "xsaves"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "user.inc"

XSA     equ 0xC000              ; XSAVE areas (64-aligned, 1 KiB each)
XSB     equ 0xC400
XSC     equ 0xC800
TMP     equ 0xBC00
UDATA   equ 0x38000             ; results of the CPL3 code
PAT     equ 0xA5A5A5A5A5A5A5A5  ; fill pattern: bytes an instruction must not write
MSR_XSS equ 0xDA0

; fill a 1 KiB area with PAT
%macro FILL 1
    mov rdi, %1
    mov ecx, 1024 / 8
    mov rax, PAT
    rep stosq
%endmacro
; copy a 1 KiB area
%macro COPY 2
    mov rsi, %2
    mov rdi, %1
    mov ecx, 1024 / 8
    rep movsq
%endmacro
%macro SETCW 1
    mov word [TMP], %1
    fldcw [TMP]
%endmacro
%macro MASK 2                   ; EDX:EAX = instruction mask
    mov eax, %1
    mov edx, %2
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
    call idt64_init
    call tss64_setup
    mov rax, cr0
    and eax, ~((1 << 2) | (1 << 3))         ; EM=0 TS=0
    or eax, (1 << 1) | (1 << 5)             ; MP NE
    mov cr0, rax
    mov rax, cr4
    or eax, (1 << 9) | (1 << 10)            ; OSFXSR OSXMMEXCPT
    mov cr4, rax
    PRINTLN "xsaves: long mode"

    ; ---------------------------------------------- CPUID
    mov eax, 1
    cpuid
    bt ecx, 26
    jc .have_xsave
    SKIP "XSAVE (CPUID.1:ECX[26]=0)"
    jmp .done
.have_xsave:
    mov eax, 0xd
    mov ecx, 1
    cpuid
    mov [TMP], eax
    mov [TMP + 4], ebx
    mov [TMP + 8], ecx
    mov [TMP + 12], edx
    and eax, (1 << 1) | (1 << 3)
    cmp eax, (1 << 1) | (1 << 3)
    je .have_xsaves
    SKIP "XSAVEC/XSAVES (CPUID.(EAX=0DH,ECX=1):EAX[1,3])"
    jmp .done
.have_xsaves:
    CHECK32 dword [TMP + 8], 0, "CPUID.(0DH,1).ECX: no supervisor component in IA32_XSS"
    CHECK32 dword [TMP + 12], 0, "CPUID.(0DH,1).EDX = 0"

    ; ---------------------------------------------- IA32_XSS
    mov ecx, MSR_XSS
    rdmsr
    CHECK32 eax, 0, "IA32_XSS reads 0 after reset"
    mov ecx, MSR_XSS
    xor eax, eax
    xor edx, edx
    TRY .w0r
    wrmsr
.w0r:
    CHECK32 dword [EXC_VEC], 0xFFFFFFFF, "WRMSR IA32_XSS = 0: no fault"
    ENDTRY
    mov ecx, MSR_XSS
    mov eax, 1 << 8                         ; PT state: not supported here
    xor edx, edx
    TRY .w1r
    wrmsr
.w1r:
    CHECK_EXC 13, 0, "WRMSR IA32_XSS bit 8 (unsupported): #GP(0)"
    mov ecx, MSR_XSS
    mov eax, 1                              ; x87 is a user component
    xor edx, edx
    TRY .w2r
    wrmsr
.w2r:
    CHECK_EXC 13, 0, "WRMSR IA32_XSS bit 0: #GP(0)"

    ; ---------------------------------------------- #UD without OSXSAVE
    MASK 3, 0
    TRY .u1r
    xsaves [XSA]
.u1r:
    CHECK_EXC 6, NOERR, "XSAVES with CR4.OSXSAVE=0: #UD"
    TRY .u2r
    xsavec [XSA]
.u2r:
    CHECK_EXC 6, NOERR, "XSAVEC with CR4.OSXSAVE=0: #UD"
    TRY .u3r
    xrstors [XSA]
.u3r:
    CHECK_EXC 6, NOERR, "XRSTORS with CR4.OSXSAVE=0: #UD"

    mov rax, cr4
    bts rax, 18                             ; OSXSAVE
    mov cr4, rax
    xor ecx, ecx
    MASK 3, 0
    xsetbv
    mov eax, 0xd
    mov ecx, 1
    cpuid
    CHECK32 ebx, 576, "CPUID.(0DH,1).EBX: compacted size for XCR0|XSS = 3 is 576"

    ; ---------------------------------------------- XSAVEC layout
    FILL XSA
    fninit
    fldpi
    mov rax, 0x5566778899AABBCC
    movq xmm0, rax
    mov dword [TMP], 0x1FA0                 ; default masks + PE flag
    ldmxcsr [TMP]
    MASK -1, -1
    xsavec [XSA]
    CHECK qword [XSA + 512], 3, "XSAVEC: XSTATE_BV = RFBM & XINUSE = 3"
    mov rax, 0x8000000000000003
    CHECK qword [XSA + 520], rax, "XSAVEC: XCOMP_BV = RFBM | bit 63"
    mov rax, PAT
    CHECK qword [XSA + 528], rax, "XSAVEC: header bytes 23:16 not written"
    mov rax, PAT
    CHECK qword [XSA + 568], rax, "XSAVEC: header bytes 63:56 not written"
    mov rax, PAT
    CHECK qword [XSA + 464], rax, "XSAVEC: legacy bytes 511:464 not written"
    CHECK16 word [XSA + 0], 0x037F, "XSAVEC: FCW at 0"
    CHECK qword [XSA + 32], 0xC90FDAA22168C235, "XSAVEC: ST0 at 32"
    CHECK32 dword [XSA + 24], 0x1FA0, "XSAVEC: MXCSR at 24"
    CHECK qword [XSA + 160], 0x5566778899AABBCC, "XSAVEC: XMM0 at 160"

    ; only x87 requested: SSE part, MXCSR and XCOMP_BV bit 1 stay out
    FILL XSB
    MASK 1, 0
    xsavec [XSB]
    CHECK qword [XSB + 512], 1, "XSAVEC x87 only: XSTATE_BV = 1"
    mov rax, 0x8000000000000001
    CHECK qword [XSB + 520], rax, "XSAVEC x87 only: XCOMP_BV = 8000000000000001H"
    mov eax, 0xA5A5A5A5
    CHECK32 dword [XSB + 24], eax, "XSAVEC x87 only: MXCSR not written"
    mov rax, PAT
    CHECK qword [XSB + 160], rax, "XSAVEC x87 only: XMM0 not written"
    CHECK qword [XSB + 32], 0xC90FDAA22168C235, "XSAVEC x87 only: ST0 written"

    ; ---------------------------------------------- compacted XRSTOR
    ; XSAVEC left header bytes 63:16 as they were (PAT); XRSTOR needs them 0
    mov rdi, XSA + 528
    xor eax, eax
    mov ecx, 48 / 8
    rep stosq
    fninit
    pxor xmm0, xmm0
    mov dword [TMP], 0x1F80
    ldmxcsr [TMP]
    MASK 3, 0
    xrstor [XSA]
    movq rax, xmm0
    CHECK rax, 0x5566778899AABBCC, "compacted XRSTOR restores XMM0"
    stmxcsr [TMP]
    CHECK32 dword [TMP], 0x1FA0, "compacted XRSTOR restores MXCSR"
    fstp tword [TMP]
    CHECK qword [TMP], 0xC90FDAA22168C235, "compacted XRSTOR restores ST0"
    ; XSTATE_BV[1] = 0: SSE initialized, MXCSR := 1F80H (the standard form
    ; would load MXCSR from the area)
    COPY XSC, XSA
    mov qword [XSC + 512], 1
    mov dword [TMP], 0x1FA0
    ldmxcsr [TMP]
    MASK 3, 0
    xrstor [XSC]
    movq rax, xmm0
    CHECK rax, 0, "compacted XRSTOR, XSTATE_BV[1]=0: XMM0 initialized"
    stmxcsr [TMP]
    CHECK32 dword [TMP], 0x1F80, "compacted XRSTOR, XSTATE_BV[1]=0: MXCSR = 1F80H"
    fstp tword [TMP]
    CHECK qword [TMP], 0xC90FDAA22168C235, "compacted XRSTOR, XSTATE_BV[1]=0: ST0 loaded"
    ; the same image in the standard form loads MXCSR although XSTATE_BV[1] = 0
    mov qword [XSC + 520], 0
    mov qword [XSC + 528], 0
    mov dword [TMP], 0x1F80
    ldmxcsr [TMP]
    MASK 3, 0
    xrstor [XSC]
    stmxcsr [TMP]
    CHECK32 dword [TMP], 0x1FA0, "standard XRSTOR, XSTATE_BV[1]=0: MXCSR loaded"

    ; header faults of the compacted form (13.8.2)
    COPY XSC, XSA
    mov rax, 0x8000000000000001
    mov [XSC + 520], rax                    ; XSTATE_BV = 3 not within XCOMP_BV
    MASK 3, 0
    TRY .g1r
    xrstor [XSC]
.g1r:
    CHECK_EXC 13, 0, "compacted XRSTOR, XSTATE_BV not in XCOMP_BV: #GP(0)"
    COPY XSC, XSA
    mov rax, 0x8000000000000007
    mov [XSC + 520], rax                    ; XCOMP_BV bit 2 not in XCR0
    MASK 3, 0
    TRY .g2r
    xrstor [XSC]
.g2r:
    CHECK_EXC 13, 0, "compacted XRSTOR, XCOMP_BV bit outside XCR0: #GP(0)"
    COPY XSC, XSA
    mov byte [XSC + 512 + 48], 1            ; a reserved header byte
    MASK 3, 0
    TRY .g3r
    xrstor [XSC]
.g3r:
    CHECK_EXC 13, 0, "compacted XRSTOR, header byte 48 not zero: #GP(0)"
    ; clear the reserved header bytes: now it loads
    mov rdi, XSC + 528
    xor eax, eax
    mov ecx, 48 / 8
    rep stosq
    MASK 3, 0
    TRY .g4r
    xrstor [XSC]
.g4r:
    CHECK32 dword [EXC_VEC], 0xFFFFFFFF, "compacted XRSTOR with a clean header: no fault"
    ENDTRY
    mov dword [XSC + 24], 0x10000           ; reserved MXCSR bit
    MASK 3, 0
    TRY .g5r
    xrstor [XSC]
.g5r:
    CHECK_EXC 13, 0, "compacted XRSTOR, reserved MXCSR bit: #GP(0)"
    mov dword [TMP], 0x1F80
    ldmxcsr [TMP]

    ; ---------------------------------------------- XSAVES / XRSTORS
    FILL XSB
    fninit
    fld1
    mov rax, 0x0123456789ABCDEF
    movq xmm0, rax
    MASK -1, -1
    xsaves [XSB]
    CHECK qword [XSB + 512], 3, "XSAVES: XSTATE_BV = 3"
    mov rax, 0x8000000000000003
    CHECK qword [XSB + 520], rax, "XSAVES: XCOMP_BV = RFBM | bit 63"
    mov rax, PAT
    CHECK qword [XSB + 528], rax, "XSAVES: reserved header bytes not written"
    CHECK qword [XSB + 32], 0x8000000000000000, "XSAVES: ST0 = 1.0 at 32"
    CHECK qword [XSB + 160], 0x0123456789ABCDEF, "XSAVES: XMM0 at 160"
    ; the header must be clean for XRSTORS
    mov rdi, XSB + 528
    xor eax, eax
    mov ecx, 48 / 8
    rep stosq
    fninit
    pxor xmm0, xmm0
    MASK -1, -1
    xrstors [XSB]
    movq rax, xmm0
    CHECK rax, 0x0123456789ABCDEF, "XRSTORS restores XMM0"
    fstp tword [TMP]
    CHECK qword [TMP], 0x8000000000000000, "XRSTORS restores ST0"
    ; XSTATE_BV[0] = 0: x87 initialized (FCW 037FH, empty stack)
    mov qword [XSB + 512], 2
    fldpi
    SETCW 0x0C7F
    MASK 3, 0
    xrstors [XSB]
    fnstcw [TMP]
    CHECK16 word [TMP], 0x037F, "XRSTORS, XSTATE_BV[0]=0: FCW initialized"
    fnstenv [TMP]
    CHECK16 word [TMP + 8], 0xFFFF, "XRSTORS, XSTATE_BV[0]=0: all tags empty"

    ; XRSTORS of a standard-format area: #GP(0)
    FILL XSC
    MASK 3, 0
    xsave [XSC]
    mov rdi, XSC + 520
    xor eax, eax
    mov ecx, 56 / 8
    rep stosq
    mov qword [XSC + 512], 3
    MASK 3, 0
    TRY .s1r
    xrstors [XSC]
.s1r:
    CHECK_EXC 13, 0, "XRSTORS with XCOMP_BV[63]=0: #GP(0)"
    mov rax, 0x8000000000000001
    mov [XSC + 520], rax
    MASK 3, 0
    TRY .s2r
    xrstors [XSC]
.s2r:
    CHECK_EXC 13, 0, "XRSTORS with XSTATE_BV not in XCOMP_BV: #GP(0)"
    MASK 3, 0
    TRY .s3r
    xsaves [XSC + 16]
.s3r:
    CHECK_EXC 13, 0, "XSAVES to a non-64-byte-aligned area: #GP(0)"
    TRY .s4r
    xrstors [XSB + 32]
.s4r:
    CHECK_EXC 13, 0, "XRSTORS from a non-64-byte-aligned area: #GP(0)"
    TRY .s5r
    xsavec [XSC + 8]
.s5r:
    CHECK_EXC 13, 0, "XSAVEC to a non-64-byte-aligned area: #GP(0)"
    mov rax, cr0
    or eax, 1 << 3                          ; TS
    mov cr0, rax
    MASK 3, 0
    TRY .t1r
    xsaves [XSC]
.t1r:
    CHECK_EXC 7, NOERR, "XSAVES with CR0.TS=1: #NM"
    TRY .t2r
    xsavec [XSC]
.t2r:
    CHECK_EXC 7, NOERR, "XSAVEC with CR0.TS=1: #NM"
    clts

    ; ---------------------------------------------- CPL 3
    PRINTLN "xsaves: CPL3 checks"
    mov eax, user_code
    mov edx, 0x2
    call user64_call
    CHECK32 dword [UDATA], 13, "CPL3 XSAVES: #GP"
    CHECK32 dword [UDATA + 4], 0, "CPL3 XSAVES: error 0"
    CHECK32 dword [UDATA + 8], 13, "CPL3 XRSTORS: #GP"
    CHECK32 dword [UDATA + 12], 0, "CPL3 XRSTORS: error 0"
    CHECK32 dword [UDATA + 16], 0xFFFFFFFF, "CPL3 XSAVEC: no fault"
    mov rax, 0x8000000000000003
    CHECK qword [UDATA + 0x100 + 520], rax, "CPL3 XSAVEC: XCOMP_BV"
.done:
    FINISH

; ------------------------------------------------------------ user code
bits 64
%macro UREC 1                   ; record EXC_VEC, EXC_ERR into UDATA+%1
    mov eax, [EXC_VEC]
    mov [UDATA + %1], eax
    mov eax, [EXC_ERR]
    mov [UDATA + %1 + 4], eax
%endmacro
user_code:
    MASK 3, 0
    TRY .r1
    xsaves [UDATA + 0x100]
.r1: UREC 0
    MASK 3, 0
    TRY .r2
    xrstors [XSB]
.r2: UREC 8
    MASK 3, 0
    TRY .r3
    xsavec [UDATA + 0x100]
.r3: UREC 16
    ENDTRY
    int USER_RET_VEC

END_IMAGE
