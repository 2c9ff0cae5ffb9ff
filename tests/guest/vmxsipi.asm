; vmxsipi -- INIT, SIPI and the wait-for-SIPI activity state under VMX (Intel SDM Vol.3C 23.8,
; 24.4.2, 25.2, 26.3.1.5, 26.6.2, 27.3.4, A.6; Vol.3A 11.6.1).
; INITs are self-INITs through the xAPIC ICR (no shorthand, physical destination = own APIC ID
; 0, delivery mode INIT, level assert), or an IOAPIC entry with INIT delivery mode fed by the
; PIT, which reaches a CPU that executes nothing (a guest HLT with interrupts off).
;  - IA32_VMX_MISC: activity states HLT (6) and wait-for-SIPI (8) offered.
;  - the guest's self-INIT: an INIT exit (reason 3, qualification 0, no interruption
;    information) after the ICR write, with nothing else of an INIT done (the local APIC and
;    the guest's registers untouched).
;  - an INIT from VMX root is held (the host goes on) and becomes an INIT exit right after the
;    next VM entry, before the first guest instruction; from the HLT activity state too, which
;    the exit saves.
;  - an INIT from a device (the PIT through an IOAPIC entry with INIT delivery mode) ends a
;    guest HLT that nothing else could end.
;  - wait-for-SIPI: an entry that injects an event fails (exit 33 | entry failure). Nothing
;    else about it can be tested here: it blocks external interrupts, NMIs, INIT and SMIs
;    (26.6.2) and the preemption timer (25.2), so only a SIPI ends it, and one CPU cannot send
;    a SIPI while it waits. tests/unit/test_init.c covers it (SIPI exit, reason 4).
;  - a SIPI outside wait-for-SIPI is discarded (25.2, 26.6.2), in root and in the guest.
;  - shutdown (2): only an NMI or #MC may be injected (26.3.1.5); the preemption timer, an NMI
;    (NMI exiting) and INIT end it with their exits, shutdown saved (25.2); it blocks external
;    interrupts (26.6.2), which stay pending for later.
;  - last: an INIT held in root acts after VMXOFF, and the processor restarts at the reset
;    vector (boot.inc BOOT_REENTRY) with CR4 = 0.
%define TESTNAME "vmxsipi"
%define BOOT_REENTRY after_init
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
%include "nmi.inc"

APIC            equ 0xfee00000
PIN_NMI_EXIT    equ 1 << 3
PIN_VNMI        equ 1 << 5
IOAPIC          equ 0xfec00000
REACHED         equ DATA_AREA + 0x100       ; dword: the instruction after VMXOFF ran

%macro SELF_INIT 0
    mov esi, APIC
    mov dword [rsi + 0x310], 0              ; ICR high: destination APIC ID 0
    mov dword [rsi + 0x300], 0x4500         ; ICR low: INIT, level assert, edge, physical
%endmacro
%macro SELF_SIPI 1
    mov esi, APIC
    mov dword [rsi + 0x310], 0
    mov dword [rsi + 0x300], 0x4600 | %1    ; Start-Up, vector %1
%endmacro
; PIT_INIT count: IOAPIC pin 2 (the PIT) delivers INIT to APIC ID 0, edge; the PIT's channel 0
; in mode 0 raises its output once after count ticks
%macro PIT_INIT 1
    mov esi, IOAPIC
    mov dword [rsi], 0x15
    mov dword [rsi + 0x10], 0               ; destination APIC ID 0
    mov dword [rsi], 0x14
    mov dword [rsi + 0x10], 0x500           ; INIT, physical, edge, unmasked
    mov al, 0x30                            ; channel 0, lobyte/hibyte, mode 0
    out 0x43, al
    mov al, %1 & 0xff
    out 0x40, al
    mov al, %1 >> 8
    out 0x40, al
%endmacro
%macro PIT_OFF 0
    mov esi, IOAPIC
    mov dword [rsi], 0x14
    mov dword [rsi + 0x10], 0x10000         ; masked
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
    mov esi, APIC
    mov dword [rsi + 0xf0], 0x1ff           ; software-enable the APIC
    cli
    call vmx_on
    mov ecx, MSR_VMX_MISC
    rdmsr
    mov ebx, eax
    and ebx, 1 << 8
    CHECK32 ebx, 1 << 8, "IA32_VMX_MISC[8]: wait-for-SIPI offered"
    mov ebx, eax
    and ebx, 1 << 6
    CHECK32 ebx, 1 << 6, "IA32_VMX_MISC[6]: HLT offered"
    mov ebx, eax
    and ebx, 1 << 7
    CHECK32 ebx, 1 << 7, "IA32_VMX_MISC[7]: shutdown offered"

    ; ---- the guest's self-INIT: an INIT exit after the ICR write ----
    xor edi, edi
    call vmx_fresh_vmcs
    mov ebx, 0x5a5a
    RUN g_init
    VCHECK32 EXIT_REASON, 3, "the guest's self-INIT: INIT exit (reason 3)"
    VCHECK EXIT_QUAL, 0, "... qualification 0"
    VCHECK32 EXIT_INTR_INFO, 0, "... no interruption information"
    VCHECK GUEST_RIP, g_init.1, "... after the ICR write (not instruction-caused)"
    VCHECK32 GUEST_ACTIVITY, 0, "... activity state active saved"
    VCHECK32 GUEST_CS_SEL, SEL_CODE64, "... the guest's registers untouched (CS)"
    CHECK32 ebx, 0x5a5a, "... and its RBX (the host sees it after the exit)"
    mov esi, APIC
    mov eax, [rsi + 0xf0]
    CHECK32 eax, 0x1ff, "... the local APIC not reset (SVR kept)"

    ; ---- an INIT from root is held, then exits right after the next VM entry ----
    SELF_INIT
    OK "root: the INIT is held (the host runs on)"
    mov esi, APIC
    mov eax, [rsi + 0xf0]
    CHECK32 eax, 0x1ff, "... and nothing of it done (SVR kept)"
    RUN g_nops
    VCHECK32 EXIT_REASON, 3, "held INIT: INIT exit at the next VM entry"
    VCHECK GUEST_RIP, g_nops, "... before the first guest instruction"
    RUN g_nops
    VCHECK32 EXIT_REASON, 18, "... consumed by that exit: the next entry runs to VMCALL"

    ; ---- ... from the HLT activity state ----
    VMW GUEST_ACTIVITY, 1
    SELF_INIT
    RUN g_nops
    VCHECK32 EXIT_REASON, 3, "held INIT, entry in HLT: INIT exit"
    VCHECK32 GUEST_ACTIVITY, 1, "... HLT saved"
    VMW GUEST_ACTIVITY, 0

    ; ---- wait-for-SIPI ----
    VMW ENTRY_INTR_INFO, 0x80000202         ; an NMI
    VMW GUEST_ACTIVITY, 3
    RUN g_nops
    VCHECK32 EXIT_REASON, 0x80000021, "wait-for-SIPI with an event injected: entry fails (33)"
    VMW ENTRY_INTR_INFO, 0
    ; ---- a device's INIT (the PIT through an IOAPIC entry with INIT delivery) ends a guest
    ; HLT that nothing else can end (RFLAGS.IF = 0, no exiting controls); a SIPI sent from root
    ; before the entry was discarded, so the exit is the INIT's ----
    xor edi, edi
    call vmx_fresh_vmcs
    SELF_SIPI 0x12
    VMW GUEST_ACTIVITY, 1
    PIT_INIT 200
    RUN g_nops
    mov ebx, 0
    VMR rbx, EXIT_REASON
    PIT_OFF
    CHECK32 ebx, 3, "guest HLT, IF = 0: the PIT's INIT (IOAPIC) exits (3), the earlier SIPI was discarded"
    VCHECK32 GUEST_ACTIVITY, 1, "... HLT saved"
    VCHECK GUEST_RIP, g_nops, "... the guest has not run"
    VMW GUEST_ACTIVITY, 0

    ; ---- the shutdown activity state ----
    VMW ENTRY_INTR_INFO, 0x80000b0d         ; #GP with an error code
    VMW GUEST_ACTIVITY, 2
    RUN g_nops
    VCHECK32 EXIT_REASON, 0x80000021, "shutdown with #GP injected: entry fails (33)"
    VMW ENTRY_INTR_INFO, 0
    xor edi, edi
    call vmx_fresh_vmcs
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, PIN_PREEMPT
    VMW PREEMPT_TIMER, 0
    VMW GUEST_ACTIVITY, 2
    RUN g_nops
    VCHECK32 EXIT_REASON, 52, "shutdown, timer 0: the preemption-timer exit wakes it"
    VCHECK32 GUEST_ACTIVITY, 2, "... shutdown saved"
    VCHECK GUEST_RIP, g_nops, "... the guest has not run"
    ; an external interrupt pending with external-interrupt exiting: blocked; the PIT's INIT
    xor edi, edi
    call vmx_fresh_vmcs
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, PIN_EXTINT
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_ACK_INTR
    mov esi, APIC
    mov dword [rsi + 0x300], 0x40040        ; self IPI, fixed, vector 40H: pending (IF = 0)
    VMW GUEST_ACTIVITY, 2
    PIT_INIT 200
    RUN g_nops
    mov ebx, 0
    VMR rbx, EXIT_REASON
    PIT_OFF
    CHECK32 ebx, 3, "shutdown, an interrupt pending with external-interrupt exiting: blocked; INIT exits"
    VCHECK32 GUEST_ACTIVITY, 2, "... shutdown saved"
    VMW GUEST_ACTIVITY, 0
    RUN g_nops
    VCHECK32 EXIT_REASON, 1, "active: the interrupt, held all along, exits"
    VCHECK32 EXIT_INTR_INFO, 0x80000040, "... vector 40H acknowledged"
    mov esi, APIC
    mov dword [rsi + 0xb0], 0               ; EOI
    ; an NMI (held in root, then unblocked by the entry with virtual NMIs) exits from shutdown
    xor edi, edi
    call vmx_fresh_vmcs
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, PIN_NMI_EXIT | PIN_VNMI
    NMI_RESET
    BLOCK_NMIS
    SELF_NMI
    VMW GUEST_ACTIVITY, 2
    RUN g_nops
    VCHECK32 EXIT_REASON, 0, "shutdown, NMI exiting: an NMI exits (wakes it)"
    VCHECK32 EXIT_INTR_INFO, 0x80000202, "... as an NMI"
    VCHECK32 GUEST_ACTIVITY, 2, "... shutdown saved"
    IRET_SELF
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, 0
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64
    VMW GUEST_ACTIVITY, 0

    ; ---- a SIPI in an active guest is discarded ----
    RUN g_sipi
    VCHECK32 EXIT_REASON, 18, "the guest's self-SIPI (active): discarded, VMCALL exits"

    ; ---- an INIT held in root acts after VMXOFF: restart at the reset vector ----
    mov dword [REACHED], 0
    mov dword [RAM_REENTRY], REENTRY_MAGIC
    SELF_INIT
    OK "root: INIT held again"
    vmxoff
    mov dword [REACHED], 1                  ; must not run
    mov dword [RAM_REENTRY], 0
    NOTOK "VMXOFF did not let the held INIT act"
    FINISH

bits 16
after_init:
    mov dword [RAM_REENTRY], 0
    CHECK32 dword [REACHED], 0, "after VMXOFF the held INIT acts at once: the next instruction did not run"
    mov ax, cs
    CHECK32 eax, 0xf000, "... restart at the reset vector (CS = F000)"
    mov eax, cr4
    CHECK32 eax, 0, "... CR4 = 0 (VMXE clear)"
    FINISH

; ---- guests ----
bits 64
g_init:
    SELF_INIT
.1:
    vmcall
g_sipi:
    SELF_SIPI 0x34
    vmcall
g_nops:
    nop
    nop
    vmcall

    END_IMAGE
