; vmxapic -- APIC virtualization (SDM Vol.3C chapter 29; 26.2.1.1, 26.3.2.5, 26.7.7; 27.2.1
; table 27-6): accesses to the APIC-access page exit with the offset and access type (read,
; write, fetch, during event delivery, guest-physical) unless virtualized; with the TPR shadow
; offset 80H is virtualized through the virtual-APIC page (TPR-below-threshold exits, also right
; after VM entry); APIC-register virtualization reads and writes with APIC-write exits; virtual-
; interrupt delivery through the guest IDT (RVI/SVI, VISR/VIRR/VPPR), masking by VTPR and
; RFLAGS.IF, delivery right after the TPR write, MOV to CR8, self-IPI or STI that unmasks it,
; wake-up from HLT, virtual EOI and EOI-induced exits; the APIC-access page behind an EPT
; mapping, and a guest page walk that touches it; posted interrupts (29.6) with the local APIC
; timer sending the notification vector.
%define TESTNAME "vmxapic"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

AAPAGE          equ TEST_RAM + 0x30000      ; APIC-access page
VAPIC           equ TEST_RAM + 0x31000      ; virtual-APIC page
RES             equ TEST_RAM + 0x38000      ; guest results
MARK            equ RES + 0x40              ; guest progress marker
SEEN            equ RES + 0x44              ; MARK when a virtual interrupt was delivered
VICOUNT         equ RES + 0x48              ; virtual interrupts handled
LASTVEC         equ RES + 0x4c
STOP_IN_HANDLER equ RES + 0x50              ; the handler does VMCALL before its EOI
PIDESC          equ RES + 0x100             ; posted-interrupt descriptor (64-byte aligned)
NV              equ 0xf2                    ; posted-interrupt notification vector
APIC            equ 0xfee00000              ; the real local APIC
EPT_PML4        equ TEST_RAM + 0x40000
EPT_PDPT        equ TEST_RAM + 0x41000
EPT_PD3         equ TEST_RAM + 0x42000      ; 3-4 GiB in 2 MiB pages
EPT_PT          equ TEST_RAM + 0x43000      ; 0xFEE00000-0xFEFFFFFF in 4 KiB pages
EPT_WB          equ 6 << 3
EPTP_VALUE      equ EPT_PML4 | 6 | (3 << 3)

VIRTUAL_APIC    equ 0x2012                  ; VMCS fields (SDM Vol.3D Appendix B)
APIC_ACCESS     equ 0x2014
EPT_POINTER     equ 0x201a
EOI_EXIT1       equ 0x201e                  ; vectors 64-127
GUEST_INTR_STATUS equ 0x0810
TPR_THRESHOLD   equ 0x401c
POSTED_NV       equ 0x0002
POSTED_DESC     equ 0x2016
PIN_POSTED      equ 1 << 7
PROC_TPR_SHADOW equ 1 << 21
SEC_VAA         equ 1 << 0                  ; virtualize APIC accesses
SEC_EPT         equ 1 << 1
SEC_X2APIC      equ 1 << 4
SEC_VPID        equ 1 << 5
SEC_ARV         equ 1 << 8                  ; APIC-register virtualization
SEC_VID         equ 1 << 9                  ; virtual-interrupt delivery

; SETUP guest, primary bits, secondary bits, pin bits: a fresh VMCS with the APIC pages
%macro SETUP 4
    lea rdi, [rel %1]
    call vmx_fresh_vmcs
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, %4
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY | %2
    VMW PROC2_CTLS, %3
    VMW VIRTUAL_APIC, VAPIC
    VMW APIC_ACCESS, AAPAGE
    VMW TPR_THRESHOLD, 0
%endmacro
; GOTO label: continue the guest at label
%macro GOTO 1
    lea rdi, [rel %1]
    VMW GUEST_RIP, rdi
    call vmx_cont
%endmacro
%macro APIC_W 2
    push rsi
    mov esi, APIC                           ; zero-extended (a disp32 would sign-extend)
    mov dword [rsi + %1], %2
    pop rsi
%endmacro
%macro APIC_R 2                             ; APIC_R r32, reg
    push rsi
    mov esi, APIC
    mov %1, [rsi + %2]
    pop rsi
%endmacro
%macro VAPIC_CHECK 3+
    CHECK32 dword [VAPIC + %1], %2, %3
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
    SET_GATE 0x42, vi_42, 0x8e
    SET_GATE 0x45, vi_45, 0x8e
    call vmx_on

    ; ---- capabilities: the four controls (x2APIC mode: vmxx2apic) and posted interrupts
    mov ecx, MSR_VMX_PROCBASED2
    rdmsr
    and edx, SEC_VAA | SEC_ARV | SEC_VID | SEC_X2APIC
    CHECK32 edx, SEC_VAA | SEC_ARV | SEC_VID | SEC_X2APIC, "secondary: APIC accesses, registers, interrupt delivery, x2APIC mode"
    mov ecx, MSR_VMX_TRUE_PIN
    rdmsr
    and edx, PIN_POSTED
    CHECK32 edx, PIN_POSTED, "pin-based: process posted interrupts allowed"

    mov dword [AAPAGE + 0x80], 0xdeadbeef   ; the APIC-access page itself is never accessed
    mov dword [AAPAGE + 0x300], 0x0badf00d

    ; ---- 1. virtualize APIC accesses without the TPR shadow: every access exits
    call clear_vapic
    SETUP g_noshadow, 0, SEC_VAA, 0
    RUN g_noshadow
    CHECK32 eax, 0, "VM entry with virtualize APIC accesses"
    VCHECK32 EXIT_REASON, 44, "read of 80H without TPR shadow: APIC-access exit (44)"
    VCHECK GUEST_RIP, g_noshadow, "fault-like: guest RIP is the reading instruction"
    VCHECK EXIT_QUAL, 0x080, "qualification: offset 80H, linear read (type 0)"
    GOTO g_noshadow.w
    VCHECK32 EXIT_REASON, 44, "write of 300H: APIC-access exit"
    VCHECK EXIT_QUAL, 0x1300, "qualification: offset 300H, linear write (type 1)"
    VCHECK GUEST_RIP, g_noshadow.w, "fault-like: guest RIP is the writing instruction"
    GOTO g_noshadow.f
    VCHECK32 EXIT_REASON, 44, "fetch from the APIC-access page: APIC-access exit"
    VCHECK EXIT_QUAL, 0x2010, "qualification: offset 10H, instruction fetch (type 2)"
    VCHECK GUEST_RIP, AAPAGE + 0x10, "guest RIP is the fetched address"

    ; ---- 2. TPR shadow: offset 80H goes to VTPR
    call clear_vapic
    mov dword [VAPIC + 0x80], 0x50
    SETUP g_tpr, PROC_TPR_SHADOW, SEC_VAA, 0
    VMW TPR_THRESHOLD, 3
    xor ebx, ebx
    xor ecx, ecx
    RUN g_tpr
    VCHECK32 EXIT_REASON, 43, "write of VTPR class 2 below threshold 3: TPR-below-threshold exit"
    VCHECK GUEST_RIP, g_tpr.after, "trap-like: guest RIP after the writing instruction"
    CHECK32 ebx, 0x50, "virtualized read of 80H returns VTPR"
    CHECK32 ecx, 0x70, "a write of 12345670H leaves VTPR 70H (bytes 3:1 cleared), no exit for class 7"
    VAPIC_CHECK 0x80, 0x20, "the last write reached VTPR"
    CHECK32 dword [AAPAGE + 0x80], 0xdeadbeef, "the APIC-access page itself is untouched"
    VMW TPR_THRESHOLD, 0                    ; else every entry exits at once (26.7.7, below)
    GOTO g_tpr.r90
    VCHECK32 EXIT_REASON, 44, "read of 90H with the TPR shadow only: APIC-access exit"
    VCHECK EXIT_QUAL, 0x090, "qualification 090H"
    GOTO g_tpr.r64
    VCHECK EXIT_QUAL, 0x080, "64-bit read of 80H exits (more than 32 bits)"
    GOTO g_tpr.r81
    VCHECK EXIT_QUAL, 0x081, "byte read of 81H exits (offset is not 80H)"
    GOTO g_tpr.rmw
    VCHECK EXIT_QUAL, 0x1090, "read-modify-write of 90H reports a write (type 1)"
    ; 26.7.7: with virtualize APIC accesses there is no entry check of the threshold against
    ; VTPR; the TPR-below-threshold exit comes right after VM entry instead
    mov dword [VAPIC + 0x80], 0x20
    VMW TPR_THRESHOLD, 3
    mov ebx, 0x99
    GOTO g_tpr
    CHECK32 eax, 0, "VM entry with threshold 3 above VTPR class 2 succeeds"
    VCHECK32 EXIT_REASON, 43, "and exits for TPR below threshold right after VM entry"
    VCHECK GUEST_RIP, g_tpr, "before the first guest instruction"
    CHECK32 ebx, 0x99, "no guest instruction ran"

    ; ---- 3. APIC-register virtualization
    mov edi, VAPIC
    xor ecx, ecx
.fill:
    mov eax, ecx
    or eax, 0xa0000000
    mov [rdi + rcx], eax
    add ecx, 0x10
    cmp ecx, 0x1000
    jb .fill
    SETUP g_arv, PROC_TPR_SHADOW, SEC_VAA | SEC_ARV, 0
    RUN g_arv
    VCHECK32 EXIT_REASON, 56, "write of the LVT timer (320H): APIC-write exit"
    VCHECK EXIT_QUAL, 0x320, "qualification: page offset 320H"
    VCHECK GUEST_RIP, g_arv.w320, "trap-like: guest RIP after the write"
    CHECK32 dword [RES + 0], 0xa0000020, "virtualized read of the APIC ID (20H)"
    CHECK32 dword [RES + 4], 0xa0000030, "virtualized read of the version (30H)"
    CHECK32 dword [RES + 8], 0xa0000120, "virtualized read of ISR (120H)"
    CHECK32 dword [RES + 12], 0xa0000270, "virtualized read of IRR (270H)"
    CHECK32 dword [RES + 16], 0xa0000350, "virtualized read of LVT LINT0 (350H)"
    CHECK32 dword [RES + 20], 0xa000, "virtualized 16-bit read at 3E2H"
    VAPIC_CHECK 0x310, 0x12000000, "write of ICR high: bytes 2:0 cleared, no exit"
    VAPIC_CHECK 0x320, 0x10055, "the LVT timer write reached the virtual-APIC page"
    call vmx_cont
    VCHECK32 EXIT_REASON, 44, "read of the current count (390H): APIC-access exit"
    VCHECK EXIT_QUAL, 0x390, "qualification 390H"
    GOTO g_arv.ra0
    VCHECK EXIT_QUAL, 0x0a0, "read of PPR (0A0H) is not virtualized: exit"
    GOTO g_arv.w30
    VCHECK EXIT_QUAL, 0x1030, "write of the version register (30H): APIC-access exit, write"
    GOTO g_arv.weoi
    VCHECK32 EXIT_REASON, 56, "EOI write without virtual-interrupt delivery: APIC-write exit"
    VCHECK EXIT_QUAL, 0x0b0, "qualification 0B0H"
    VCHECK GUEST_RIP, g_arv.weoi_after, "after the EOI write"
    GOTO g_arv.rep
    VCHECK32 EXIT_REASON, 18, "REP STOSB over the 4 bytes of TPR: no APIC-access exit"
    CHECK32 ecx, 0, "all four iterations done"
    VAPIC_CHECK 0x80, 0x30, "APIC-write emulation after each iteration leaves VTPR 30H"

    ; ---- 4. virtual-interrupt delivery: a pending vector 41H delivered at VM entry
    mov dword [VICOUNT], 0
    mov dword [MARK], 0
    mov dword [SEEN], 0xffff
    mov dword [STOP_IN_HANDLER], 1
    call clear_vapic
    mov dword [VAPIC + 0x220], 1 << 1       ; VIRR bit 41H
    SETUP g_vid, PROC_TPR_SHADOW, SEC_VAA | SEC_VID, PIN_EXTINT
    VMW GUEST_INTR_STATUS, 0x0041           ; RVI 41H, SVI 0
    VMW GUEST_RFLAGS, 0x202
    RUN g_vid
    CHECK32 eax, 0, "VM entry with virtual-interrupt delivery"
    VCHECK32 EXIT_REASON, 18, "the guest's handler for vector 41H ran (its VMCALL)"
    CHECK32 dword [LASTVEC], 0x41, "through IDT vector 41H"
    CHECK32 dword [SEEN], 0, "delivered before the first guest instruction"
    VCHECK GUEST_INTR_STATUS, 0x4100, "guest interrupt status: SVI 41H, RVI 0"
    VAPIC_CHECK 0x120, 1 << 1, "VISR bit 41H set"
    VAPIC_CHECK 0x220, 0, "VIRR bit 41H cleared"
    VAPIC_CHECK 0xa0, 0x40, "VPPR = 40H"
    mov dword [STOP_IN_HANDLER], 0
    NEXT
    VCHECK32 EXIT_REASON, 18, "after the handler's virtual EOI and IRET, the guest's VMCALL"
    VCHECK GUEST_RIP, g_vid.call, "in the interrupted code"
    VCHECK GUEST_INTR_STATUS, 0, "EOI virtualization: SVI 0"
    VAPIC_CHECK 0x120, 0, "VISR bit cleared"
    VAPIC_CHECK 0xa0, 0, "VPPR back to VTPR (0)"
    CHECK32 dword [VICOUNT], 1, "one virtual interrupt handled"

    ; masked by VTPR at entry, delivered right after the guest lowers VTPR
    mov dword [VAPIC + 0x80], 0x50
    mov dword [VAPIC + 0x220], 1 << 1
    VMW GUEST_INTR_STATUS, 0x0041
    mov dword [MARK], 0
    GOTO g_vid
    VCHECK32 EXIT_REASON, 18, "VTPR 50H masks vector 41H: the guest reaches its VMCALL"
    CHECK32 dword [VICOUNT], 1, "no delivery"
    VAPIC_CHECK 0xa0, 0x50, "VPPR = VTPR after VM entry (PPR virtualization)"
    NEXT
    VCHECK32 EXIT_REASON, 18, "after the guest wrote VTPR 0 through the APIC-access page"
    CHECK32 dword [VICOUNT], 2, "the interrupt was delivered"
    CHECK32 dword [SEEN], 1, "right after the TPR write, before the next instruction"
    ; self-IPI through ICR low
    NEXT
    VCHECK32 EXIT_REASON, 18, "after the guest's self-IPI"
    CHECK32 dword [VICOUNT], 3, "the self-IPI was delivered"
    CHECK32 dword [LASTVEC], 0x45, "with vector 45H"
    CHECK32 dword [SEEN], 2, "right after the ICR write"
    VAPIC_CHECK 0x300, 0x40045, "the ICR write is on the virtual-APIC page"
    NEXT
    VCHECK32 EXIT_REASON, 56, "an IPI that is not a self-IPI: APIC-write exit"
    VCHECK EXIT_QUAL, 0x300, "qualification 300H"
    call vmx_cont
    VCHECK32 EXIT_REASON, 18, "the guest continues after the APIC-write exit"
    ; MOV to CR8 unmasks vector 42H, whose EOI exits
    mov dword [VAPIC + 0x80], 0x50
    mov dword [VAPIC + 0x220], 1 << 2       ; VIRR bit 42H
    VMW GUEST_INTR_STATUS, 0x0042
    VMW EOI_EXIT1, 1 << 2                   ; EOI-exit bitmap bit 42H
    NEXT
    VCHECK32 EXIT_REASON, 45, "the handler's EOI of vector 42H: EOI-induced exit (45)"
    VCHECK EXIT_QUAL, 0x42, "qualification: the vector"
    VCHECK GUEST_RIP, vi_common.after_eoi, "trap-like: after the EOI write"
    CHECK32 dword [SEEN], 3, "vector 42H was delivered right after MOV to CR8"
    VCHECK GUEST_INTR_STATUS, 0, "SVI cleared before the exit"
    VAPIC_CHECK 0x140, 0, "VISR bit 42H cleared"
    call vmx_cont
    VCHECK32 EXIT_REASON, 18, "IRET back to the guest"
    CHECK32 dword [VICOUNT], 4, "four virtual interrupts so far"
    ; RFLAGS.IF = 0 holds it back; it is delivered after STI and the instruction in its shadow
    mov dword [VAPIC + 0x220], 1 << 1
    VMW GUEST_INTR_STATUS, 0x0041
    VMW GUEST_RFLAGS, 2
    GOTO g_vid_sti
    VCHECK32 EXIT_REASON, 18, "STI path: the guest's VMCALL"
    CHECK32 dword [SEEN], 5, "delivered after STI's shadow, not before"
    CHECK32 dword [VICOUNT], 5, "five virtual interrupts"
    ; interrupt-window exiting: no virtual interrupt is recognized, the window exit happens
    mov dword [VAPIC + 0x220], 1 << 1
    VMW GUEST_INTR_STATUS, 0x0041
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY | PROC_TPR_SHADOW | PROC_INTR_WINDOW
    GOTO g_vid
    VCHECK32 EXIT_REASON, 7, "interrupt-window exiting: window exit, no virtual interrupt"
    CHECK32 dword [VICOUNT], 5, "nothing delivered"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY | PROC_TPR_SHADOW
    ; a guest in the HLT state is woken by virtual-interrupt delivery
    VMW GUEST_ACTIVITY, 1
    GOTO g_halted
    VCHECK32 EXIT_REASON, 18, "HLT activity state: the virtual interrupt woke the guest"
    CHECK32 dword [VICOUNT], 6, "six virtual interrupts"
    VCHECK GUEST_ACTIVITY, 0, "active after the wake-up"

    ; ---- 5. an access during event delivery: the guest's stack is on the APIC-access page
    SETUP g_int, PROC_TPR_SHADOW, SEC_VAA, 0
    VMW GUEST_RIP, g_int
    VMW GUEST_RSP, AAPAGE + 0x100
    call vmx_cont
    VCHECK32 EXIT_REASON, 44, "INT 60H pushing onto the APIC-access page: APIC-access exit"
    VCHECKM EXIT_QUAL, 0xf000, 0x3000, "qualification: linear access during event delivery (type 3)"
    VCHECK32 IDT_VEC_INFO, 0x80000460, "IDT-vectoring information: software interrupt 60H"
    VCHECK32 EXIT_INSN_LEN, 2, "the instruction length of INT 60H"
    VCHECK GUEST_RIP, g_int, "guest RIP is the INT instruction"

    ; ---- 6. with EPT: guest-physical FEE00000H maps to the APIC-access page
    call build_ept
    mov dword [VAPIC + 0x80], 0x60
    SETUP g_ept, PROC_TPR_SHADOW, SEC_VAA | SEC_EPT, 0
    VMW EPT_POINTER, EPTP_VALUE
    xor ebx, ebx
    RUN g_ept
    VCHECK32 EXIT_REASON, 18, "EPT guest: VMCALL after reading its APIC"
    CHECK32 ebx, 0x60, "guest-physical FEE00080H through EPT to the APIC-access page: VTPR"
    ; a guest page walk (a guest-physical access) that reads the APIC-access page exits
    VMW APIC_ACCESS, LM_PD + 0x3000         ; the guest's page directory for 3-4 GiB
    GOTO g_ept
    VCHECK32 EXIT_REASON, 44, "guest page walk through the APIC-access page: APIC-access exit"
    VCHECKM EXIT_QUAL, 0xf000, 0xf000, "qualification: guest-physical access (type 15)"
    VCHECK GUEST_RIP, g_ept.read, "guest RIP is the reading instruction"

    ; ---- 7. posted interrupts: the local APIC timer sends the notification vector (29.6)
    APIC_W 0xf0, 0x1ff                      ; software-enable the local APIC
    APIC_W 0x3e0, 0xb                       ; timer: divide by 1
    APIC_W 0x320, NV                        ; one-shot, the notification vector
    mov edi, PIDESC
    mov ecx, 8
    xor eax, eax
    rep stosq
    mov dword [PIDESC + 8], 1 << 1          ; PIR bit 41H
    mov byte [PIDESC + 32], 1               ; ON
    call clear_vapic
    mov dword [VICOUNT], 0
    mov dword [STOP_IN_HANDLER], 0
    SETUP g_posted, PROC_TPR_SHADOW, SEC_VAA | SEC_VID, PIN_EXTINT | PIN_POSTED
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_ACK_INTR
    VMW POSTED_NV, NV
    VMW POSTED_DESC, PIDESC
    VMW GUEST_RFLAGS, 0x202
    APIC_W 0x380, 3000                      ; the timer fires in 3000 ns
    RUN g_posted
    CHECK32 eax, 0, "VM entry with posted interrupts"
    VCHECK32 EXIT_REASON, 18, "no external-interrupt exit for the notification vector"
    CHECK32 dword [VICOUNT], 1, "the posted vector was delivered to the guest"
    CHECK32 dword [LASTVEC], 0x41, "vector 41H from the PIR"
    CHECK32 dword [PIDESC + 8], 0, "PIR cleared"
    movzx eax, byte [PIDESC + 32]
    CHECK32 eax, 0, "ON cleared"
    APIC_R eax, 0x170                       ; ISR bits 255:224
    and eax, 1 << (NV - 0xe0)
    CHECK32 eax, 0, "the notification vector left the local APIC's ISR (EOI written)"
    VCHECK GUEST_INTR_STATUS, 0, "guest interrupt status 0 after the guest's virtual EOI"
    ; another vector is an ordinary external-interrupt exit
    APIC_W 0x320, 0x50
    mov dword [VICOUNT], 0
    APIC_W 0x380, 3000
    GOTO g_posted
    VCHECK32 EXIT_REASON, 1, "another vector: external-interrupt exit"
    VCHECK32 EXIT_INTR_INFO, 0x80000050, "acknowledged vector 50H"
    CHECK32 dword [VICOUNT], 0, "nothing delivered to the guest"
    APIC_W 0xb0, 0

    ; ---- 8. with VPIDs the guest's translations survive exits: one made to the page while
    ; "virtualize APIC accesses" was 0 must not bypass the control once it is 1
    mov dword [VAPIC + 0x80], 0x70
    SETUP g_tlb, PROC_TPR_SHADOW, SEC_VPID, 0
    VMW VMCS_VPID, 1
    xor ebx, ebx
    RUN g_tlb
    CHECK32 ebx, 0xdeadbeef, "control 0: the guest reads the page itself (and caches it)"
    VMW PROC2_CTLS, SEC_VPID | SEC_VAA
    GOTO g_tlb
    CHECK32 ebx, 0x70, "control 1, same VPID: the read is virtualized (VTPR)"

    CHECK32 dword [AAPAGE + 0x80], 0xdeadbeef, "the APIC-access page was never written (80H)"
    CHECK32 dword [AAPAGE + 0x300], 0x0badf00d, "the APIC-access page was never written (300H)"
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

; identity EPT for 0-4 GiB (1 GiB pages below 3 GiB, 2 MiB pages above) except guest-physical
; FEE00000H, which maps to AAPAGE
build_ept:
    mov edi, EPT_PML4
    mov ecx, 0x4000 / 8
    xor eax, eax
    rep stosq
    mov qword [EPT_PML4], EPT_PDPT | 7
    xor ecx, ecx
.gb:
    mov rax, rcx
    shl rax, 30
    or rax, 7 | EPT_WB | 0x80
    mov [EPT_PDPT + rcx * 8], rax
    inc ecx
    cmp ecx, 3
    jb .gb
    mov qword [EPT_PDPT + 3 * 8], EPT_PD3 | 7
    xor ecx, ecx
.mb:
    mov rax, rcx
    shl rax, 21
    mov edx, 0xc0000000                     ; zero-extended (an imm32 would sign-extend)
    add rax, rdx
    or rax, 7 | EPT_WB | 0x80
    mov [EPT_PD3 + rcx * 8], rax
    mov rax, rcx
    shl rax, 12
    mov edx, 0xfee00000
    add rax, rdx
    or rax, 7 | EPT_WB
    mov [EPT_PT + rcx * 8], rax
    inc ecx
    cmp ecx, 512
    jb .mb
    mov qword [EPT_PD3 + 0x1f7 * 8], EPT_PT | 7
    mov qword [EPT_PT], AAPAGE | 7 | EPT_WB
    ret

; ---- guests
g_noshadow:
    mov eax, [AAPAGE + 0x80]
.w: mov dword [AAPAGE + 0x300], 0x1234
.f: mov eax, AAPAGE + 0x10
    jmp rax

g_tpr:
    mov ebx, [AAPAGE + 0x80]
    mov dword [AAPAGE + 0x80], 0x12345670
    mov ecx, [AAPAGE + 0x80]
    mov dword [AAPAGE + 0x80], 0x20
.after:
    inc ecx                                 ; must not run before the exit
    vmcall
.r90:
    mov eax, [AAPAGE + 0x90]
.r64:
    mov rax, [AAPAGE + 0x80]
.r81:
    mov al, [AAPAGE + 0x81]
.rmw:
    add dword [AAPAGE + 0x90], 1
    vmcall

g_arv:
    mov eax, [AAPAGE + 0x20]
    mov [RES + 0], eax
    mov eax, [AAPAGE + 0x30]
    mov [RES + 4], eax
    mov eax, [AAPAGE + 0x120]
    mov [RES + 8], eax
    mov eax, [AAPAGE + 0x270]
    mov [RES + 12], eax
    mov eax, [AAPAGE + 0x350]
    mov [RES + 16], eax
    movzx eax, word [AAPAGE + 0x3e2]
    mov [RES + 20], eax
    mov dword [AAPAGE + 0x310], 0x12345678
    mov dword [AAPAGE + 0x320], 0x10055
.w320:
    mov eax, [AAPAGE + 0x390]
    vmcall
.ra0:
    mov eax, [AAPAGE + 0xa0]
    vmcall
.w30:
    mov dword [AAPAGE + 0x30], 1
    vmcall
.weoi:
    mov dword [AAPAGE + 0xb0], 0
.weoi_after:
    vmcall
.rep:
    mov edi, AAPAGE + 0x80
    mov ecx, 4
    mov al, 0x30
    rep stosb                               ; each iteration is an operation (29.4)
    vmcall

g_vid:
    mov dword [MARK], 1
.call:
    vmcall
    mov dword [AAPAGE + 0x80], 0            ; VTPR 0: 41H is delivered after this instruction
    mov dword [MARK], 2
    vmcall
    mov dword [AAPAGE + 0x300], 0x40045     ; self-IPI (shorthand 01), fixed, vector 45H
    mov dword [MARK], 3
    vmcall
    mov dword [AAPAGE + 0x300], 0x00045     ; no shorthand: the VMM must send it
    vmcall
    xor eax, eax
    mov cr8, rax                            ; TPR virtualization through CR8
    mov dword [MARK], 4
    vmcall
g_vid_sti:
    nop
    sti
    mov dword [MARK], 5                     ; in STI's shadow
    mov dword [MARK], 6
    vmcall
g_halted:
    vmcall

vi_41:
    mov dword [LASTVEC], 0x41
    jmp vi_common
vi_42:
    mov dword [LASTVEC], 0x42
    jmp vi_common
vi_45:
    mov dword [LASTVEC], 0x45
vi_common:
    inc dword [VICOUNT]
    push rax
    mov eax, [MARK]
    mov [SEEN], eax
    pop rax
    cmp dword [STOP_IN_HANDLER], 0
    je .eoi
    vmcall
.eoi:
    mov dword [AAPAGE + 0xb0], 0            ; virtual EOI
.after_eoi:
    iretq

g_int:
    int 0x60
    vmcall

g_tlb:
    mov ebx, [AAPAGE + 0x80]
    vmcall

g_posted:
    cmp dword [VICOUNT], 0
    je g_posted
    vmcall

g_ept:
    mov esi, 0xfee00000
.read:
    mov ebx, [rsi + 0x80]
    vmcall
END_IMAGE
