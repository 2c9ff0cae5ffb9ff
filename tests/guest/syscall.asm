; syscall -- fast system calls and segment base registers in IA-32e mode:
; SYSCALL/SYSRET (64-bit and compatibility return), STAR/LSTAR/FMASK,
; SYSENTER/SYSEXIT (64-bit with REX.W and compatibility), SWAPGS with
; IA32_KERNEL_GS_BASE, IA32_FS_BASE/IA32_GS_BASE, RDFSBASE/WRFSBASE.
; SDM Vol.2B SYSCALL (RCX <- RIP, R11 <- RFLAGS, RFLAGS &= ~FMASK, CS =
; STAR[47:32], SS = +8, no stack switch; #UD if EFER.SCE=0 or not in 64-bit
; mode), SYSRET (REX.W: CS = STAR[63:48]+16, else STAR[63:48]; SS =
; STAR[63:48]+8; RPL 3; RFLAGS <- (R11 & 3C7FD7H) | 2; #GP(0) if CPL != 0 or
; RCX non-canonical), SYSENTER/SYSEXIT (CS/SS from IA32_SYSENTER_CS +0/+8,
; +16/+24 (32-bit), +32/+40 (REX.W); SYSENTER clears IF/RF/VM; #GP(0) if
; IA32_SYSENTER_CS=0 or SYSEXIT at CPL != 0), SWAPGS (#GP(0) at CPL != 0,
; #UD outside 64-bit mode), Vol.2A RDFSBASE/WRFSBASE (#UD if CR4.FSGSBASE=0,
; #GP(0) non-canonical; 32-bit forms zero-extend), Vol.3A 3.4.4 (MOV to FS
; in 64-bit mode loads the base from the descriptor), 2.2.1 / Vol.4 MSRs
; C0000100H-C0000102H (WRMSR of a non-canonical base: #GP(0)).
%define TESTNAME "syscall"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "user.inc"

KDATA   equ 0x9000
UDATA   equ 0x38000
; SYSENTER/SYSEXIT need CS, CS+8, CS+16, CS+24, CS+32, CS+40 laid out as
; kernel code64, kernel data, user code32, user data, user code64, user data
SEL_SE      equ SEL_FREE            ; 0x60..0x88
MSR_EFER        equ 0xC0000080
MSR_STAR        equ 0xC0000081
MSR_LSTAR       equ 0xC0000082
MSR_CSTAR       equ 0xC0000083
MSR_FMASK       equ 0xC0000084
MSR_FS_BASE     equ 0xC0000100
MSR_GS_BASE     equ 0xC0000101
MSR_KGS_BASE    equ 0xC0000102
MSR_SE_CS       equ 0x174
MSR_SE_ESP      equ 0x175
MSR_SE_EIP      equ 0x176
FMASK_VAL       equ 0x40601         ; AC DF IF CF
R11_TEST        equ 0x108E9         ; RF bit3 bit5 OF SF ZF CF (VM not set:
                                    ; QEMU 7.2 would load it and #GP later)

%macro WRMSR64 2                ; msr, imm/reg64 value
    mov ecx, %1
    mov rax, %2
    mov rdx, rax
    shr rdx, 32
    wrmsr
%endmacro
%macro RDMSR64 1                ; RAX <- msr
    mov ecx, %1
    rdmsr
    shl rdx, 32
    or rax, rdx
%endmacro
%macro UREC 2                   ; store EXC_VEC / EXC_ERR at UDATA+%1/%2
    mov eax, [EXC_VEC]
    mov [UDATA + %1], eax
    mov eax, [EXC_ERR]
    mov [UDATA + %2], eax
%endmacro

bits 16
main:
    MASK_PIC
    ENTER_PM32
    ENTER_LM
    call idt64_init
    call tss64_setup
    PRINTLN "syscall: long mode"

    ; ---------------------------------------------- SYSCALL / SYSRET
    TRY .ud1r
    syscall
.ud1r:
    CHECK_EXC 6, NOERR, "SYSCALL with EFER.SCE=0: #UD"
    mov ecx, MSR_EFER
    rdmsr
    or eax, 1                               ; SCE
    wrmsr
    WRMSR64 MSR_STAR, (SEL_UCODE32 << 48) | (SEL_CODE64 << 32)
    WRMSR64 MSR_LSTAR, syscall_entry
    WRMSR64 MSR_FMASK, FMASK_VAL
    WRMSR64 MSR_CSTAR, cstar_entry          ; unused on Intel (see below)
    mov eax, user_sc
    mov edx, 0x40E03                        ; AC OF DF IF CF
    call user64_call
    CHECK32 dword [KDATA + 0x00], user_sc.after1, "SYSCALL: RCX = return RIP"
    CHECK32 dword [KDATA + 0x04], 0x40E03, "SYSCALL: R11 = RFLAGS"
    CHECK32 dword [KDATA + 0x08], SEL_CODE64, "SYSCALL: CS = STAR[47:32]"
    CHECK32 dword [KDATA + 0x0C], SEL_CODE64 + 8, "SYSCALL: SS = STAR[47:32]+8"
    CHECK32 dword [KDATA + 0x10], 0x00802, "SYSCALL: RFLAGS &= ~FMASK (AC DF IF CF cleared)"
    CHECK32 dword [KDATA + 0x14], USTACK_TOP, "SYSCALL: RSP unchanged"
    CHECK32 dword [UDATA + 0x00], SEL_UCODE32 + 16 + 3, "SYSRET (REX.W): CS = STAR[63:48]+16 | 3"
    CHECK32 dword [UDATA + 0x04], SEL_UCODE32 + 8 + 3, "SYSRET: SS = STAR[63:48]+8 | 3"
    CHECK32 dword [UDATA + 0x08], 0x8C3, "SYSRET: RFLAGS = (R11 & 3C7FD7H) | 2"
    CHECK32 dword [UDATA + 0x0C], 13, "SYSRET at CPL3: #GP"
    CHECK32 dword [UDATA + 0x10], 0, "... error 0"
    CHECK32 dword [UDATA + 0x14], 13, "SWAPGS at CPL3: #GP"
    CHECK32 dword [UDATA + 0x18], 0, "... error 0"
    CHECK32 dword [UDATA + 0x20], SEL_UCODE32 + 3, "SYSRET (no REX.W): CS = STAR[63:48] | 3 (compatibility mode)"
    CHECK32 dword [UDATA + 0x24], 0x11223344, "... runs 32-bit code"
    CHECK32 dword [UDATA + 0x28], 6, "SYSCALL in compatibility mode: #UD (Intel)"
    CHECK32 dword [UDATA + 0x2C], 6, "SWAPGS in compatibility mode: #UD"
    ; SYSRET with a non-canonical RCX at CPL0
    ; (QEMU 7.2 does not check RCX and returns to CPL3; the fetch #GP then
    ; resumes at .gp1r at CPL3, and INT 0xF1 brings us back to CPL0.)
    mov [KDATA + 0x500], rsp
    SET_GATE 0xF1, .gp1k, 0xEE
    mov rcx, 0x0000800000000000
    mov r11, 2
    TRY .gp1r
    o64 sysret
.gp1r:
    mov ax, cs
    test al, 3
    jz .gp1k
    int 0xF1
.gp1k:
    mov rsp, [KDATA + 0x500]
    CHECK_EXC 13, 0, "SYSRET with non-canonical RCX: #GP(0) at CPL0"
    CHECK32 dword [EXC_CS], SEL_CODE64, "... raised at CPL0 (saved CS)"

    ; ---------------------------------------------- SYSENTER / SYSEXIT
    WRMSR64 MSR_SE_CS, 0
    mov rdx, 0
    TRY .se0r
    sysenter
.se0r:
    CHECK_EXC 13, 0, "SYSENTER with IA32_SYSENTER_CS=0: #GP(0)"
    mov rax, DESC(0, 0xFFFFF, 0x9B, 0xA)
    mov [GDT_BASE + SEL_SE + 0x00], rax
    mov rax, DESC(0, 0xFFFFF, 0x93, 0xC)
    mov [GDT_BASE + SEL_SE + 0x08], rax
    mov rax, DESC(0, 0xFFFFF, 0xFB, 0xC)
    mov [GDT_BASE + SEL_SE + 0x10], rax
    mov rax, DESC(0, 0xFFFFF, 0xF3, 0xC)
    mov [GDT_BASE + SEL_SE + 0x18], rax
    mov [GDT_BASE + SEL_SE + 0x28], rax
    mov rax, DESC(0, 0xFFFFF, 0xFB, 0xA)
    mov [GDT_BASE + SEL_SE + 0x20], rax
    WRMSR64 MSR_SE_CS, SEL_SE
    WRMSR64 MSR_SE_ESP, KSTACK0_TOP - 0x100
    WRMSR64 MSR_SE_EIP, sysenter_entry
    mov eax, user_se
    mov edx, 0x202
    call user64_call
    CHECK32 dword [KDATA + 0x40], SEL_SE, "SYSENTER: CS = IA32_SYSENTER_CS"
    CHECK32 dword [KDATA + 0x44], SEL_SE + 8, "SYSENTER: SS = +8"
    CHECK32 dword [KDATA + 0x48], KSTACK0_TOP - 0x100, "SYSENTER: RSP = IA32_SYSENTER_ESP"
    CHECK32 dword [KDATA + 0x4C], 0x2, "SYSENTER: IF cleared"
    CHECK32 dword [KDATA + 0x50], 1, "SYSENTER: 64-bit code (REX.W DEC = 64-bit)"
    CHECK32 dword [UDATA + 0x40], SEL_SE + 32 + 3, "SYSEXIT REX.W: CS = SYSENTER_CS+32 | 3"
    CHECK32 dword [UDATA + 0x44], SEL_SE + 40 + 3, "SYSEXIT REX.W: SS = SYSENTER_CS+40 | 3"
    CHECK32 dword [UDATA + 0x48], USTACK_TOP - 0x20, "SYSEXIT: RSP = RCX"
    CHECK32 dword [UDATA + 0x4C], 1, "SYSEXIT REX.W: 64-bit mode"
    CHECK32 dword [UDATA + 0x50], SEL_SE + 16 + 3, "SYSEXIT (no REX.W): CS = SYSENTER_CS+16 | 3"
    CHECK32 dword [UDATA + 0x54], SEL_SE + 24 + 3, "SYSEXIT (no REX.W): SS = SYSENTER_CS+24 | 3"
    CHECK32 dword [UDATA + 0x58], 0x11223344, "... compatibility mode code runs"
    CHECK32 dword [UDATA + 0x5C], 13, "SYSEXIT at CPL3: #GP"

    ; ---------------------------------------------- FS/GS base MSRs, SWAPGS
    mov dword [KDATA + 0x110], 0xF5F5F5F5
    mov dword [KDATA + 0x210], 0x65656565
    mov dword [KDATA + 0x310], 0x4B4B4B4B
    WRMSR64 MSR_FS_BASE, KDATA + 0x100
    CHECK32 dword [fs:0x10], 0xF5F5F5F5, "IA32_FS_BASE is the FS base"
    WRMSR64 MSR_GS_BASE, KDATA + 0x200
    WRMSR64 MSR_KGS_BASE, KDATA + 0x300
    CHECK32 dword [gs:0x10], 0x65656565, "IA32_GS_BASE is the GS base"
    swapgs
    CHECK32 dword [gs:0x10], 0x4B4B4B4B, "SWAPGS: GS base = old KERNEL_GS_BASE"
    RDMSR64 MSR_KGS_BASE
    CHECK rax, KDATA + 0x200, "SWAPGS: KERNEL_GS_BASE = old GS base"
    swapgs
    RDMSR64 MSR_GS_BASE
    CHECK rax, KDATA + 0x200, "SWAPGS twice restores GS base"
    mov ax, SEL_DATA64
    mov fs, ax
    RDMSR64 MSR_FS_BASE
    CHECK rax, 0, "MOV FS in 64-bit mode loads the base from the descriptor"
    mov rax, 0x0000800000000000
    mov rdx, 0x00008000
    mov eax, 0
    mov ecx, MSR_FS_BASE
    TRY .fsb1r
    wrmsr
.fsb1r:
    CHECK_EXC 13, 0, "WRMSR IA32_FS_BASE non-canonical: #GP(0)"
    RDMSR64 MSR_FS_BASE
    CHECK rax, 0, "... FS base unchanged"

    ; ---------------------------------------------- RDFSBASE / WRFSBASE
    mov eax, 7
    xor ecx, ecx
    cpuid
    bt ebx, 0
    jc .fsgs
    SKIP "FSGSBASE (CPUID.7.0:EBX[0]=0)"
    jmp .fsgsd
.fsgs:
    mov rax, KDATA + 0x100
    TRY .fg1r
    wrfsbase rax
.fg1r:
    CHECK_EXC 6, NOERR, "WRFSBASE with CR4.FSGSBASE=0: #UD"
    mov rax, cr4
    bts rax, 16
    mov cr4, rax
    mov rax, KDATA + 0x100
    wrfsbase rax
    CHECK32 dword [fs:0x10], 0xF5F5F5F5, "WRFSBASE sets the FS base"
    RDMSR64 MSR_FS_BASE
    CHECK rax, KDATA + 0x100, "... visible in IA32_FS_BASE"
    mov rax, 0xFFFFFFFF12345678
    wrgsbase rax
    rdgsbase rbx
    CHECK rbx, 0xFFFFFFFF12345678, "WRGSBASE/RDGSBASE 64-bit round trip"
    mov rbx, -1
    rdgsbase ebx
    CHECK rbx, 0x12345678, "RDGSBASE r32 returns the low half zero-extended"
    mov eax, 0x9876
    mov rbx, -1
    mov rcx, 0xFFFFFFFF00000000
    or rax, rcx
    wrgsbase eax
    rdgsbase rbx
    CHECK rbx, 0x9876, "WRGSBASE r32 zero-extends"
    mov rax, 0x0000800000000000
    TRY .fg2r
    wrfsbase rax
.fg2r:
    CHECK_EXC 13, 0, "WRFSBASE non-canonical: #GP(0)"
    WRMSR64 MSR_GS_BASE, 0
    mov rax, cr4
    btr rax, 16
    mov cr4, rax
.fsgsd:
    FINISH

; ------------------------------------------------------------ kernel side
bits 64
syscall_entry:
    pushfq                                  ; first: flags as SYSCALL left them
    pop rax
    cmp r10, 2
    je .compat
    mov [KDATA + 0x10], eax
    mov [KDATA + 0x00], ecx
    mov [KDATA + 0x04], r11d
    xor eax, eax
    mov ax, cs
    mov [KDATA + 0x08], eax
    mov ax, ss
    mov [KDATA + 0x0C], eax
    mov [KDATA + 0x14], esp
    mov r11, R11_TEST
    o64 sysret
.compat:
    mov r11, 2
    mov ecx, user_compat
    sysret                                  ; 32-bit operand size

cstar_entry:                                ; only reached if SYSCALL works in
    mov r11, 2                              ; compatibility mode (AMD, QEMU):
    sysret                                  ; back without #UD -> check fails

sysenter_entry:
    pushfq
    pop rax
    and eax, ~0x8D5
    mov [KDATA + 0x4C], eax
    ENDTRY
    xor eax, eax
    mov ax, cs
    mov [KDATA + 0x40], eax
    mov ax, ss
    mov [KDATA + 0x44], eax
    mov [KDATA + 0x48], esp
    mov eax, 1
    db 0x48, 0xFF, 0xC8                     ; dec rax (REX.W)
    sete al
    movzx eax, al
    mov [KDATA + 0x50], eax
    cmp r10, 2
    je .compat
    mov rcx, USTACK_TOP - 0x20
    mov rdx, user_se.back
    o64 sysexit
.compat:
    mov ecx, USTACK_TOP - 0x30
    mov edx, user_se_compat
    sysexit

; ------------------------------------------------------------ user side
user_sc:
    mov r10, 1
    syscall
.after1:
    pushfq
    pop rax
    mov [UDATA + 0x08], eax
    xor eax, eax
    mov ax, cs
    mov [UDATA + 0x00], eax
    mov ax, ss
    mov [UDATA + 0x04], eax
    push 2
    popfq
    TRY .u1
    o64 sysret
.u1: UREC 0x0C, 0x10
    TRY .u2
    swapgs
.u2: UREC 0x14, 0x18
    ENDTRY
    mov r10, 2
    syscall                                 ; returns to user_compat

bits 32
user_compat:
    mov ax, SEL_UDATA | 3                   ; DS was nulled by the IRET to CPL3
    mov ds, ax
    mov es, ax
    xor eax, eax
    mov ax, cs
    mov [UDATA + 0x20], eax
    mov eax, 0x11223344                     ; imm32 only in 32-bit code
    mov [UDATA + 0x24], eax
    TRY .c1
    syscall
.c1: mov eax, [EXC_VEC]
    mov [UDATA + 0x28], eax
    TRY .c2
    db 0x0F, 0x01, 0xF8                     ; swapgs
.c2: mov eax, [EXC_VEC]
    mov [UDATA + 0x2C], eax
    ENDTRY
    int USER_RET_VEC

bits 64
user_se:
    mov r10, 1
    TRY .seud                               ; QEMU 7.2: SYSENTER #UD in 64-bit mode
    sysenter
.back:
    xor eax, eax
    mov ax, cs
    mov [UDATA + 0x40], eax
    mov ax, ss
    mov [UDATA + 0x44], eax
    mov [UDATA + 0x48], esp
    mov eax, 1
    db 0x48, 0xFF, 0xC8                     ; dec rax in 64-bit mode
    sete al
    movzx eax, al
    mov [UDATA + 0x4C], eax
    TRY .s1
    o64 sysexit
.s1: mov eax, [EXC_VEC]
    mov [UDATA + 0x5C], eax
    ENDTRY
    mov r10, 2
    TRY .seud
    sysenter
.seud:
    int USER_RET_VEC

bits 32
user_se_compat:
    mov ax, SEL_UDATA | 3                   ; DS was nulled by the IRET to CPL3
    mov ds, ax
    mov es, ax
    xor eax, eax
    mov ax, cs
    mov [UDATA + 0x50], eax
    mov ax, ss
    mov [UDATA + 0x54], eax
    mov eax, 0x11223344
    mov [UDATA + 0x58], eax
    int USER_RET_VEC
END_IMAGE
