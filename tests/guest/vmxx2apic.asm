; vmxx2apic -- "virtualize x2APIC mode" (SDM Vol.3C 29.5; 26.2.1.1; 29.1.2-29.1.5; 29.6): the
; capability; VM entry refuses it together with "virtualize APIC accesses" and checks the TPR
; threshold against VTPR; the MSR bitmaps come first; RDMSR of 808H reads the 8 bytes at 80H of
; the virtual-APIC page even when the local APIC is not in x2APIC mode, and with APIC-register
; virtualization every MSR 800H-8FFH reads the 8 bytes at (ECX & FFH) << 4; WRMSR of 808H writes
; VTPR (bits 63:8 reserved, #GP) and virtualizes the TPR (TPR-below-threshold exit); with virtual-
; interrupt delivery, WRMSR of 80BH is EOI virtualization (EOI-induced exits) and of 83FH self-IPI
; virtualization (vectors 0-15: an APIC-write exit at 3F0H); every other access operates normally
; on the real local APIC (#GP in xAPIC mode, the real register in x2APIC mode); posted-interrupt
; processing writes the notification's EOI through the MSR interface when the local APIC is in
; x2APIC mode.
%define TESTNAME "vmxx2apic"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

VAPIC           equ TEST_RAM + 0x31000      ; virtual-APIC page
MSRBM           equ TEST_RAM + 0x32000      ; MSR bitmaps
AAPAGE          equ TEST_RAM + 0x33000      ; an APIC-access page (only for the failing entry)
RES             equ TEST_RAM + 0x38000      ; guest results
MARK            equ RES + 0x40              ; guest progress marker
VICOUNT         equ RES + 0x44              ; virtual interrupts handled
LASTVEC         equ RES + 0x48
SEENS           equ RES + 0x80              ; MARK at each delivery, one dword per interrupt
PIDESC          equ RES + 0x100             ; posted-interrupt descriptor (64-byte aligned)
NV              equ 0xf2                    ; posted-interrupt notification vector
APIC            equ 0xfee00000

VIRTUAL_APIC    equ 0x2012                  ; VMCS fields (SDM Vol.3D Appendix B)
APIC_ACCESS     equ 0x2014
EOI_EXIT1       equ 0x201e                  ; vectors 64-127
GUEST_INTR_STATUS equ 0x0810
TPR_THRESHOLD   equ 0x401c
POSTED_NV       equ 0x0002
POSTED_DESC     equ 0x2016
PIN_POSTED      equ 1 << 7
PROC_TPR_SHADOW equ 1 << 21
SEC_VAA         equ 1 << 0                  ; virtualize APIC accesses
SEC_X2APIC      equ 1 << 4                  ; virtualize x2APIC mode
SEC_ARV         equ 1 << 8                  ; APIC-register virtualization
SEC_VID         equ 1 << 9                  ; virtual-interrupt delivery

; SETUP guest, primary bits, secondary bits, pin bits: a fresh VMCS with the virtual-APIC page
; and MSR bitmaps that let every MSR through
%macro SETUP 4
    lea rdi, [rel %1]
    call vmx_fresh_vmcs
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, %4
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY | PROC_MSR_BITMAPS | %2
    VMW PROC2_CTLS, %3
    VMW VIRTUAL_APIC, VAPIC
    VMW MSR_BITMAP, MSRBM
    VMW TPR_THRESHOLD, 0
%endmacro
%macro GOTO 1
    lea rdi, [rel %1]
    VMW GUEST_RIP, rdi
    call vmx_cont
%endmacro
%macro VAPIC_CHECK 3+
    CHECK32 dword [VAPIC + %1], %2, %3
%endmacro
; in the guest: MSR access under TRY, the vector of the exception taken (or -1) to dword [%4]
%macro G_WRMSR 4                            ; msr, edx, eax, result address
    TRY %%r
    mov ecx, %1
    mov edx, %2
    mov eax, %3
    wrmsr
    ENDTRY
%%r:
    mov eax, [EXC_VEC]
    mov [%4], eax
%endmacro
%macro G_RDMSR 2                            ; msr, result address: EAX, EDX, vector
    mov qword [%2], 0
    TRY %%r
    mov ecx, %1
    rdmsr
    mov [%2], eax
    mov [%2 + 4], edx
    ENDTRY
%%r:
    mov eax, [EXC_VEC]
    mov [%2 + 8], eax
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    MASK_PIC
    SET_GATE 0x41, vi_41, 0x8e
    SET_GATE 0x45, vi_45, 0x8e
    SET_GATE 0x46, vi_46, 0x8e
    SET_GATE 0x47, vi_47, 0x8e
    mov edi, MSRBM
    mov ecx, 0x1000 / 8
    xor eax, eax
    rep stosq
    call vmx_on

    ; ---- the capability (SDM Vol.3D A.3.3)
    mov ecx, MSR_VMX_PROCBASED2
    rdmsr
    and edx, SEC_X2APIC
    CHECK32 edx, SEC_X2APIC, "secondary controls: virtualize x2APIC mode allowed"

    ; ---- 26.2.1.1: not together with virtualize APIC accesses
    call clear_vapic
    SETUP g_tpr, PROC_TPR_SHADOW, SEC_X2APIC | SEC_VAA, 0
    VMW APIC_ACCESS, AAPAGE
    RUN g_tpr
    CHECK32 eax, 1, "virtualize x2APIC mode + virtualize APIC accesses: VM entry fails"
    VCHECK32 VM_INSN_ERROR, 7, "VMfailValid 7 (invalid control fields)"

    ; ---- 1. TPR shadow only; the local APIC is in xAPIC mode
    call clear_vapic
    mov dword [VAPIC + 0x80], 0x40
    mov dword [VAPIC + 0x84], 0x12345678
    mov dword [VAPIC + 0x20], 0xa0000020
    SETUP g_tpr, PROC_TPR_SHADOW, SEC_X2APIC, 0
    VMW TPR_THRESHOLD, 2
    RUN g_tpr
    CHECK32 eax, 0, "VM entry with virtualize x2APIC mode and the TPR shadow"
    VCHECK32 EXIT_REASON, 43, "WRMSR 808H of class 1 below threshold 2: TPR-below-threshold exit"
    VCHECK GUEST_RIP, g_tpr.after, "trap-like: guest RIP after the WRMSR"
    CHECK32 dword [RES + 0x00], 0x40, "RDMSR 808H: EAX = VTPR, no #GP in xAPIC mode"
    CHECK32 dword [RES + 0x04], 0x12345678, "RDMSR 808H: EDX = bytes 87H:84H of the virtual-APIC page"
    CHECK32 dword [RES + 0x08], -1, "RDMSR 808H: no exception"
    CHECK32 dword [RES + 0x14], 13, "RDMSR 802H without APIC-register virtualization: the real MSR, #GP"
    CHECK32 dword [RES + 0x18], 13, "WRMSR 80BH without virtual-interrupt delivery: the real MSR, #GP"
    CHECK32 dword [RES + 0x1c], 13, "WRMSR 808H with bit 8 set: #GP"
    CHECK32 dword [RES + 0x20], 13, "WRMSR 808H with EDX = 1: #GP"
    CHECK32 dword [RES + 0x24], 0x30, "WRMSR 808H 30H (class 3, not below 2): VTPR 30H, no exit"
    VAPIC_CHECK 0x80, 0x10, "the last WRMSR reached VTPR"
    VAPIC_CHECK 0x84, 0, "and wrote EDX (0) to bytes 87H:84H"
    VAPIC_CHECK 0x20, 0xa0000020, "the virtual-APIC page is otherwise untouched"
    ; the MSR bitmaps come first (29.5, 25.1.3)
    mov byte [MSRBM + (0x808 >> 3)], 1      ; read bitmap, MSR 808H
    VMW TPR_THRESHOLD, 0
    GOTO g_rd808
    EXPECT_EXIT 31, g_rd808.insn, g_rd808.end, "RDMSR 808H with its read-bitmap bit: RDMSR exit"
    mov byte [MSRBM + (0x808 >> 3)], 0
    mov byte [MSRBM + 2048 + (0x808 >> 3)], 1
    GOTO g_wr808
    EXPECT_EXIT 32, g_wr808.insn, g_wr808.end, "WRMSR 808H with its write-bitmap bit: WRMSR exit"
    mov byte [MSRBM + 2048 + (0x808 >> 3)], 0
    ; 26.2.1.1: without APIC-access virtualization and virtual-interrupt delivery, the TPR
    ; threshold may not exceed VTPR[7:4] (VTPR is 10H now)
    VMW TPR_THRESHOLD, 2
    GOTO g_rd808
    CHECK32 eax, 1, "TPR threshold 2 above VTPR class 1: VM entry fails"
    VCHECK32 VM_INSN_ERROR, 7, "VMfailValid 7"

    ; ---- 2. APIC-register virtualization: the whole range reads the virtual-APIC page
    mov edi, VAPIC
    xor ecx, ecx
.fill:
    mov eax, ecx
    or eax, 0xa0000000
    mov [rdi + rcx], eax
    xor eax, 0x10000000
    mov [rdi + rcx + 4], eax
    add ecx, 0x10
    cmp ecx, 0x1000
    jb .fill
    SETUP g_arv, PROC_TPR_SHADOW, SEC_X2APIC | SEC_ARV, 0
    RUN g_arv
    VCHECK32 EXIT_REASON, 18, "APIC-register virtualization guest: VMCALL"
    CHECK32 dword [RES + 0x00], 0xa0000020, "RDMSR 802H: EAX = the dword at 20H"
    CHECK32 dword [RES + 0x04], 0xb0000020, "RDMSR 802H: EDX = the dword at 24H"
    CHECK32 dword [RES + 0x08], -1, "RDMSR 802H: no #GP in xAPIC mode"
    CHECK32 dword [RES + 0x10], 0xa0000300, "RDMSR 830H (ICR): EAX = the dword at 300H"
    CHECK32 dword [RES + 0x14], 0xb0000300, "RDMSR 830H: EDX = the dword at 304H (not 310H)"
    CHECK32 dword [RES + 0x20], 0xa0000390, "RDMSR 839H (current count): the page too"
    CHECK32 dword [RES + 0x30], 0xa00000e0, "RDMSR 80EH (no such x2APIC register): the page too"
    CHECK32 dword [RES + 0x40], 0xa0000ff0, "RDMSR 8FFH: the dword at FF0H"
    CHECK32 dword [RES + 0x50], 0xa0000080, "RDMSR 808H: VTPR"
    CHECK32 dword [RES + 0x60], 13, "WRMSR 80BH without virtual-interrupt delivery: #GP"
    CHECK32 dword [RES + 0x64], 13, "WRMSR 83FH without virtual-interrupt delivery: #GP"
    CHECK32 dword [RES + 0x68], 13, "WRMSR 832H (LVT timer) is never virtualized: #GP"

    ; ---- 3. virtual-interrupt delivery
    call clear_vapic
    mov dword [VICOUNT], 0
    mov dword [MARK], 0
    SETUP g_vid, PROC_TPR_SHADOW, SEC_X2APIC | SEC_ARV | SEC_VID, PIN_EXTINT
    VMW GUEST_INTR_STATUS, 0
    VMW GUEST_RFLAGS, 0x202
    RUN g_vid
    CHECK32 eax, 0, "VM entry with virtual-interrupt delivery"
    VCHECK32 EXIT_REASON, 18, "the guest's VMCALL"
    CHECK32 dword [VICOUNT], 2, "two virtual interrupts"
    CHECK32 dword [SEENS + 0], 1, "SELF IPI 45H delivered right after the WRMSR"
    CHECK32 dword [SEENS + 4], 3, "46H, held back by VTPR 50H, delivered right after WRMSR 808H 0"
    CHECK32 dword [LASTVEC], 0x46, "the second one is 46H"
    CHECK32 dword [RES + 0x00], 1 << 6, "RDMSR 822H: VIRR bits 5FH:40H has 46H pending"
    CHECK32 dword [RES + 0x10], 0x50, "RDMSR 80AH: VPPR 50H"
    VCHECK GUEST_INTR_STATUS, 0, "both EOIs virtualized: RVI 0, SVI 0"
    VAPIC_CHECK 0x120, 0, "VISR clear"
    NEXT
    VCHECK32 EXIT_REASON, 56, "SELF IPI with vector 5: APIC-write exit"
    VCHECK EXIT_QUAL, 0x3f0, "qualification 3F0H"
    VCHECK GUEST_RIP, g_vid.after_ipi5, "trap-like: after the WRMSR"
    VAPIC_CHECK 0x3f0, 5, "the vector is at 3F0H on the virtual-APIC page"
    CHECK32 dword [VICOUNT], 2, "nothing delivered"
    call vmx_cont                           ; trap-like: RIP is already past the WRMSR
    VCHECK32 EXIT_REASON, 18, "the guest continues after the APIC-write exit"
    NEXT
    VCHECK32 EXIT_REASON, 18, "the guest's VMCALL after the #GP cases"
    CHECK32 dword [RES + 0x20], 13, "WRMSR 83FH with bit 8 set: #GP"
    CHECK32 dword [RES + 0x24], 13, "WRMSR 80BH with EAX = 1: #GP"
    CHECK32 dword [RES + 0x28], 13, "WRMSR 80BH with EDX = 1: #GP"
    VMW EOI_EXIT1, 1 << 7                   ; EOI-exit bitmap bit 47H
    NEXT
    VCHECK32 EXIT_REASON, 45, "EOI of 47H through WRMSR 80BH: EOI-induced exit"
    VCHECK EXIT_QUAL, 0x47, "qualification: the vector"
    VCHECK GUEST_RIP, vi_common.after_eoi, "trap-like: after the WRMSR"
    VCHECK GUEST_INTR_STATUS, 0, "SVI cleared before the exit"
    VAPIC_CHECK 0x120, 0, "VISR bit 47H cleared"
    call vmx_cont
    VCHECK32 EXIT_REASON, 18, "the guest continues after IRET"
    CHECK32 dword [VICOUNT], 3, "three virtual interrupts"

    ; ---- 4. the local APIC in x2APIC mode: what is not virtualized reaches it
    mov eax, 1
    cpuid
    test ecx, 1 << 21
    jnz .x2
    SKIP "the rest: CPUID.1:ECX[21] (x2APIC) is clear"
    FINISH
.x2:
    mov ecx, 0x1b
    mov eax, APIC | 0xd00                   ; EN, EXTD (BSP is read-only)
    xor edx, edx
    wrmsr
    mov ecx, 0x80f
    mov eax, 0x1ff                          ; software-enable
    wrmsr
    mov ecx, 0x808
    mov eax, 0x20
    wrmsr
    call clear_vapic
    mov dword [VAPIC + 0x80], 0x70
    SETUP g_normal, PROC_TPR_SHADOW, SEC_X2APIC, 0
    RUN g_normal
    VCHECK32 EXIT_REASON, 18, "x2APIC host: the guest's VMCALL"
    CHECK32 dword [RES + 0x00], 0x00050014, "RDMSR 803H: the real version register"
    CHECK32 dword [RES + 0x10], 0x70, "RDMSR 808H: VTPR, not the real TPR"
    CHECK32 dword [RES + 0x20], 0x20, "RDMSR 80AH: the real PPR (the real TPR 20H)"
    VMW PROC2_CTLS, 0
    GOTO g_normal
    CHECK32 dword [RES + 0x10], 0x20, "control 0: RDMSR 808H reads the real TPR"
    mov ecx, 0x808
    xor eax, eax
    xor edx, edx
    wrmsr

    ; ---- 5. posted interrupts: the notification's EOI goes through MSR 80BH (29.6 step 4)
    mov ecx, 0x83e
    mov eax, 0xb                            ; timer: divide by 1
    wrmsr
    mov ecx, 0x832
    mov eax, NV                             ; one-shot, the notification vector
    wrmsr
    mov edi, PIDESC
    mov ecx, 8
    xor eax, eax
    rep stosq
    mov dword [PIDESC + 8], 1 << 1          ; PIR bit 41H
    mov byte [PIDESC + 32], 1               ; ON
    call clear_vapic
    mov dword [VICOUNT], 0
    SETUP g_posted, PROC_TPR_SHADOW, SEC_X2APIC | SEC_ARV | SEC_VID, PIN_EXTINT | PIN_POSTED
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_ACK_INTR
    VMW POSTED_NV, NV
    VMW POSTED_DESC, PIDESC
    VMW GUEST_RFLAGS, 0x202
    mov ecx, 0x838
    mov eax, 3000                           ; the timer fires in 3000 ns
    xor edx, edx
    wrmsr
    RUN g_posted
    CHECK32 eax, 0, "VM entry with posted interrupts"
    VCHECK32 EXIT_REASON, 18, "no external-interrupt exit for the notification vector"
    CHECK32 dword [VICOUNT], 1, "the posted vector was delivered to the guest"
    CHECK32 dword [LASTVEC], 0x41, "vector 41H from the PIR"
    CHECK32 dword [PIDESC + 8], 0, "PIR cleared"
    movzx eax, byte [PIDESC + 32]
    CHECK32 eax, 0, "ON cleared"
    mov ecx, 0x817                          ; the real ISR, bits 255:224
    rdmsr
    and eax, 1 << (NV - 0xe0)
    CHECK32 eax, 0, "x2APIC mode: the notification vector left the real ISR (EOI through 80BH)"
    VCHECK GUEST_INTR_STATUS, 0, "guest interrupt status 0 after the guest's EOI"
    FINISH

clear_vapic:
    push rdi
    push rcx
    push rax
    mov edi, VAPIC
    mov ecx, 0x1000 / 8
    xor eax, eax
    rep stosq
    pop rax
    pop rcx
    pop rdi
    ret

; ---- guests
g_tpr:
    G_RDMSR 0x808, RES + 0x00
    G_RDMSR 0x802, RES + 0x0c               ; vector at RES + 14H
    G_WRMSR 0x80b, 0, 0, RES + 0x18
    G_WRMSR 0x808, 0, 0x100, RES + 0x1c
    G_WRMSR 0x808, 1, 0, RES + 0x20
    mov ecx, 0x808
    mov eax, 0x30
    xor edx, edx
    wrmsr
    rdmsr
    mov [RES + 0x24], eax
    mov dword [VAPIC + 0x84], 0x5555        ; WRMSR writes all 8 bytes
    mov ecx, 0x808
    mov eax, 0x10
    xor edx, edx
    wrmsr
.after:
    vmcall

g_rd808:
    mov ecx, 0x808
.insn:
    rdmsr
.end:
    vmcall
g_wr808:
    mov ecx, 0x808
    xor eax, eax
    xor edx, edx
.insn:
    wrmsr
.end:
    vmcall

g_arv:
    G_RDMSR 0x802, RES + 0x00
    G_RDMSR 0x830, RES + 0x10
    G_RDMSR 0x839, RES + 0x20
    G_RDMSR 0x80e, RES + 0x30
    G_RDMSR 0x8ff, RES + 0x40
    G_RDMSR 0x808, RES + 0x50
    G_WRMSR 0x80b, 0, 0, RES + 0x60
    G_WRMSR 0x83f, 0, 0x50, RES + 0x64
    G_WRMSR 0x832, 0, 0x10050, RES + 0x68
    vmcall

g_vid:
    mov dword [MARK], 1
    mov ecx, 0x83f
    mov eax, 0x45
    xor edx, edx
    wrmsr                                   ; self-IPI virtualization: 45H delivered next
    mov dword [MARK], 2
    mov ecx, 0x808
    mov eax, 0x50
    wrmsr                                   ; VTPR 50H
    mov ecx, 0x83f
    mov eax, 0x46
    wrmsr                                   ; class 4 is held back
    mov dword [MARK], 3
    mov ecx, 0x822
    rdmsr
    mov [RES + 0x00], eax
    mov ecx, 0x80a
    rdmsr
    mov [RES + 0x10], eax
    mov ecx, 0x808
    xor eax, eax
    wrmsr                                   ; VTPR 0: 46H delivered next
    mov dword [MARK], 4
    vmcall
    mov ecx, 0x83f
    mov eax, 5
    wrmsr                                   ; vector 5: APIC-write exit
.after_ipi5:
    vmcall
    G_WRMSR 0x83f, 0, 0x145, RES + 0x20
    G_WRMSR 0x80b, 0, 1, RES + 0x24
    G_WRMSR 0x80b, 1, 0, RES + 0x28
    vmcall
    mov ecx, 0x83f
    mov eax, 0x47
    xor edx, edx
    wrmsr                                   ; 47H, whose EOI exits
    vmcall

g_normal:
    G_RDMSR 0x803, RES + 0x00
    G_RDMSR 0x808, RES + 0x10
    G_RDMSR 0x80a, RES + 0x20
    vmcall

g_posted:
    cmp dword [VICOUNT], 0
    je g_posted
    vmcall

vi_41:
    mov dword [LASTVEC], 0x41
    jmp vi_common
vi_45:
    mov dword [LASTVEC], 0x45
    jmp vi_common
vi_46:
    mov dword [LASTVEC], 0x46
    jmp vi_common
vi_47:
    mov dword [LASTVEC], 0x47
vi_common:
    push rax
    push rcx
    push rdx
    mov eax, [VICOUNT]
    mov edx, [MARK]
    mov [SEENS + rax * 4], edx
    inc dword [VICOUNT]
    mov ecx, 0x80b
    xor eax, eax
    xor edx, edx
    wrmsr                                   ; virtual EOI
.after_eoi:
    pop rdx
    pop rcx
    pop rax
    iretq
END_IMAGE
