; vmxnmi -- real NMIs and VMX (Intel SDM Vol.3C 24.4.2, 25.2, 25.3, 26.6.1, 27.2.2; Vol.3A
; 6.7.1). The guest shares the host's page tables and IDT, so it reaches the local APIC's page
; and its NMIs go to the same handler (nmi.inc), which records where each one was taken.
;  - "NMI exiting": an NMI the guest sends itself is a VM exit (reason 0, interruption
;    information 80000202H, also with "acknowledge interrupt on exit") after the sending
;    instruction; the guest's blocking by NMI is unchanged, NMIs are blocked in root afterwards.
;  - without it, the NMI goes through the guest IDT, and the guest's IRET ends the blocking.
;  - an NMI held in root (blocked) across VM entry: an exit before the first guest instruction
;    with virtual NMIs (26.6.1: NMIs not blocked in non-root); one guest instruction later with
;    blocking by MOV SS or by STI loaded by the entry; held with blocking by NMI loaded, where
;    with "NMI exiting" the guest's IRET does not end it (25.3), and then taken in root after
;    the VM exit.
;  - NMI-window exiting (virtual NMIs) with a real NMI pending: the NMI-window exit first
;    (25.2), and the NMI, no longer blocked, is taken in root at the host's first instruction;
;    with virtual-NMI blocking, the NMI exit.
%define TESTNAME "vmxnmi"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
%include "nmi.inc"

PIN_NMI_EXIT    equ 1 << 3
PIN_VNMI        equ 1 << 5

; FRESH pin, proc: a fresh VMCS with those pin-based and primary processor-based controls and
; no blocking (VMCLEAR leaves the guest state of the last exit in the region)
%macro FRESH 2
    xor edi, edi
    call vmx_fresh_vmcs
    VMW GUEST_INTERRUPTIBILITY, 0
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, %1
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, %2
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    MASK_PIC
    call nmi_init
    mov esi, NMI_APIC
    mov dword [rsi + 0xf0], 0x1ff
    cli
    call vmx_on
    mov ecx, MSR_VMX_TRUE_PIN
    rdmsr
    and edx, PIN_NMI_EXIT | PIN_VNMI
    cmp edx, PIN_NMI_EXIT | PIN_VNMI
    je .have
    SKIP "NMI exiting / virtual NMIs not offered"
    FINISH
.have:

    ; ---- NMI exiting: the guest's own NMI exits after the ICR write ----
    FRESH PIN_NMI_EXIT, 0
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_ACK_INTR
    NMI_RESET
    RUN g_send
    VCHECK32 EXIT_REASON, 0, "NMI exiting: the guest's self-NMI exits (reason 0)"
    VCHECK32 EXIT_INTR_INFO, 0x80000202, "... interruption information: valid, NMI, vector 2"
    VCHECK EXIT_QUAL, 0, "... qualification 0"
    VCHECK GUEST_RIP, g_send.1, "... at the instruction after the ICR write"
    VCHECKM GUEST_INTERRUPTIBILITY, 8, 0, "... guest blocking by NMI unchanged (clear)"
    CHECK32 dword [NMI_COUNT], 0, "... not delivered, in the guest or the host"
    SELF_NMI
    CHECK32 dword [NMI_COUNT], 0, "after an NMI exit, NMIs are blocked in root"
    IRET_SELF
.r1:
    CHECK32 dword [NMI_COUNT], 1, "... until the host's IRET"
    CHECK qword [NMI_RIP], .r1, "... then taken in root"

    ; ---- no NMI exiting: through the guest IDT; the guest's IRET ends the blocking ----
    FRESH 0, 0
    NMI_RESET
    RUN g_send
    VCHECK32 EXIT_REASON, 18, "no NMI exiting: the guest's self-NMI is delivered, VMCALL exits"
    CHECK32 dword [NMI_COUNT], 1, "... one NMI"
    CHECK qword [NMI_RIP], g_send.1, "... taken in the guest after the ICR write"
    VCHECKM GUEST_INTERRUPTIBILITY, 8, 0, "... its IRET ended blocking by NMI"

    ; ---- no NMI exiting, blocking by NMI loaded: held; the guest's IRET delivers it ----
    FRESH 0, 0
    VMW GUEST_INTERRUPTIBILITY, 8
    NMI_RESET
    RUN g_send_iret
    VCHECK32 EXIT_REASON, 18, "blocking by NMI loaded: VMCALL exits"
    CHECK32 dword [NMI_COUNT], 1, "... the NMI was held until the guest's IRET"
    CHECK qword [NMI_RIP], g_send_iret.2, "... taken right after it, in the guest"

    ; ---- no NMI exiting, blocking by NMI loaded: saved at the exit, held into root ----
    FRESH 0, 0
    VMW GUEST_INTERRUPTIBILITY, 8
    NMI_RESET
    RUN g_send
    VCHECK32 EXIT_REASON, 18, "blocking by NMI, no IRET in the guest: VMCALL exits"
    VCHECKM GUEST_INTERRUPTIBILITY, 8, 8, "... blocking by NMI saved"
    CHECK32 dword [NMI_COUNT], 0, "... the NMI still held after the exit"
    IRET_SELF
.r2:
    CHECK32 dword [NMI_COUNT], 1, "an NMI pending in root after a VM exit: taken at the host's IRET"
    CHECK qword [NMI_RIP], .r2, "... in root"

    ; ---- an NMI pending at VM entry (held in root by blocking), virtual NMIs ----
    FRESH PIN_NMI_EXIT | PIN_VNMI, 0
    NMI_RESET
    BLOCK_NMIS
    SELF_NMI
    CHECK32 dword [NMI_COUNT], 1, "root: NMIs blocked, one held"
    RUN g_nops
    VCHECK32 EXIT_REASON, 0, "virtual NMIs: the held NMI exits right after VM entry"
    VCHECK32 EXIT_INTR_INFO, 0x80000202, "... as an NMI"
    VCHECK GUEST_RIP, g_nops, "... before the first guest instruction"
    VCHECKM GUEST_INTERRUPTIBILITY, 8, 0, "... no virtual-NMI blocking saved"
    CHECK32 dword [NMI_COUNT], 1, "... not delivered"
    IRET_SELF
    CHECK32 dword [NMI_COUNT], 1, "... and consumed by the exit"

    ; ---- ... the same with blocking by MOV SS, and by STI, loaded: one guest instruction ----
    FRESH PIN_NMI_EXIT | PIN_VNMI, 0
    VMW GUEST_INTERRUPTIBILITY, 2
    NMI_RESET
    BLOCK_NMIS
    SELF_NMI
    RUN g_nops
    VCHECK32 EXIT_REASON, 0, "blocking by MOV SS at entry: NMI exit"
    VCHECK GUEST_RIP, g_nops.1, "... after one guest instruction"
    VCHECKM GUEST_INTERRUPTIBILITY, 3, 0, "... the shadow is over"
    IRET_SELF
    FRESH PIN_NMI_EXIT | PIN_VNMI, 0
    VMW GUEST_RFLAGS, 0x202
    VMW GUEST_INTERRUPTIBILITY, 1
    BLOCK_NMIS
    SELF_NMI
    RUN g_nops
    VCHECK32 EXIT_REASON, 0, "blocking by STI at entry: NMI exit"
    VCHECK GUEST_RIP, g_nops.1, "... after one guest instruction (turtles holds NMIs after STI)"
    IRET_SELF

    ; ---- NMI exiting without virtual NMIs, blocking by NMI loaded: IRET keeps it (25.3) ----
    FRESH PIN_NMI_EXIT, 0
    VMW GUEST_INTERRUPTIBILITY, 8
    NMI_RESET
    BLOCK_NMIS
    SELF_NMI
    RUN g_iret
    VCHECK32 EXIT_REASON, 18, "NMI exiting, blocking by NMI: the guest's IRET does not end it"
    VCHECKM GUEST_INTERRUPTIBILITY, 8, 8, "... blocking by NMI saved"
    CHECK32 dword [NMI_COUNT], 1, "... the NMI still held in root"
    IRET_SELF
.r3:
    CHECK32 dword [NMI_COUNT], 2, "... and taken at the host's IRET"
    CHECK qword [NMI_RIP], .r3, "... in root"

    ; ---- NMI-window exiting with a real NMI pending ----
    FRESH PIN_NMI_EXIT | PIN_VNMI, PROC_NMI_WINDOW
    NMI_RESET
    BLOCK_NMIS
    SELF_NMI
    RUN g_nops
    VCHECK32 EXIT_REASON, 8, "NMI window open and an NMI pending: the NMI-window exit first"
    VCHECK GUEST_RIP, g_nops, "... before the first guest instruction"
    CHECK32 dword [NMI_COUNT], 2, "... then, NMIs being unblocked in root, the NMI is taken there"
    CHECK qword [NMI_RIP], vmx_cont.exit, "... at the host's first instruction (HOST_RIP)"
    FRESH PIN_NMI_EXIT | PIN_VNMI, PROC_NMI_WINDOW
    VMW GUEST_INTERRUPTIBILITY, 8
    BLOCK_NMIS
    SELF_NMI
    RUN g_nops
    VCHECK32 EXIT_REASON, 0, "virtual-NMI blocking closes the window: the NMI exit"
    VCHECKM GUEST_INTERRUPTIBILITY, 8, 8, "... virtual-NMI blocking saved"
    IRET_SELF
    FINISH

; ---- guests ----
g_send:
    SELF_NMI
.1:
    vmcall
g_send_iret:
    SELF_NMI
.1:
    IRET_SELF
.2:
    vmcall
g_iret:
    IRET_SELF
    vmcall
g_nops:
    nop
.1:
    nop
    vmcall

    END_IMAGE
