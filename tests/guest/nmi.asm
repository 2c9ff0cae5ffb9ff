; nmi -- non-maskable interrupts (Intel SDM Vol.3A 6.7, 6.7.1, 6.9; 11.6.1 for the ICR): a
; self-NMI through the xAPIC ICR with RFLAGS.IF = 0 goes through IDT vector 2 with the interrupted
; RIP, CS, RFLAGS, RSP and SS; NMIs sent while the handler runs are held until its IRET, two of
; them merged into one; an IRET that faults still ends the blocking; an NMI routed from the PIT
; through the IOAPIC (delivery mode NMI) wakes HLT with IF = 0; LVT LINT0/LINT1 with NMI delivery
; mode raise nothing while their pins are idle; with x2APIC, an NMI through the ICR MSR 830H.
; (The MOV SS and STI shadows cannot be hit from guest code here, because an NMI sent by an
; instruction is taken right after it; tests/unit/test_nmi.c and vmxnmi.asm, with blocking by
; MOV SS and STI loaded by VM entry, check them.)
%define TESTNAME "nmi"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "nmi.inc"

IOAPIC          equ 0xfec00000
SAVED_RSP       equ TEST_RAM + 0x100
LINT0_OLD       equ TEST_RAM + 0x108
LINT1_OLD       equ TEST_RAM + 0x10c

; IOAPIC_W reg, value: a write through IOREGSEL/IOWIN (82093AA 3.1)
%macro IOAPIC_W 2
    mov esi, IOAPIC
    mov dword [rsi], %1
    mov dword [rsi + 0x10], %2
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    MASK_PIC
    call nmi_init
    mov esi, NMI_APIC
    mov dword [rsi + 0xf0], 0x1ff       ; SVR: APIC software-enabled, spurious vector FFH

    ; ---- a self-NMI with IF = 0: vector 2, the frame of the next instruction ----
    cli
    mov [SAVED_RSP], rsp
    SELF_NMI
.after1:
    CHECK32 dword [NMI_COUNT], 1, "self-NMI through the ICR with IF = 0: taken once"
    CHECK qword [NMI_RIP], .after1, "frame RIP: the instruction after the ICR write"
    CHECK qword [NMI_CS], SEL_CODE64, "frame CS"
    mov rax, [NMI_RFLAGS]
    and eax, 0x200
    CHECK32 eax, 0, "frame RFLAGS.IF = 0"
    mov rdx, [SAVED_RSP]
    CHECK qword [NMI_RSP], rdx, "frame RSP: the interrupted RSP"
    CHECK qword [NMI_SS], SEL_DATA64, "frame SS"

    ; ---- two NMIs sent inside the handler: held until its IRET, then one more run ----
    NMI_RESET
    mov dword [NMI_MODE], 1
    SELF_NMI
.after2:
    CHECK32 dword [NMI_INNER], 1, "NMIs sent from the NMI handler are not taken in it"
    CHECK32 dword [NMI_COUNT], 2, "... the two are taken once, after its IRET"
    CHECK qword [NMI_RIP], .after2, "... where the first one returns"

    ; ---- blocking without IRET, and an IRET that faults ends it (6.7.1) ----
    NMI_RESET
    BLOCK_NMIS
    CHECK32 dword [NMI_COUNT], 1, "an NMI whose handler returns without IRET"
    SELF_NMI
    mov ecx, 100
.spin:
    dec ecx
    jnz .spin
    CHECK32 dword [NMI_COUNT], 1, "... leaves NMIs blocked: the next one is held"
    TRY .rec
    mov rax, rsp
    push qword SEL_DATA64
    push rax
    pushfq
    push qword SEL_CODE64
    mov rax, 0x8000000000000000         ; non-canonical RIP: #GP(0)
    push rax
    iretq
.rec:
    CHECK_EXC 13, 0, "IRET to a non-canonical RIP: #GP(0)"
    CHECK32 dword [NMI_COUNT], 2, "... and the IRET ended the blocking: the held NMI was taken"
    CHECK qword [NMI_RIP], exc64_stub_13, "... before the #GP handler's first instruction"
    SELF_NMI
    CHECK32 dword [NMI_COUNT], 3, "... NMIs are unblocked after it"

    ; ---- the PIT through IOAPIC pin 2 with delivery mode NMI wakes HLT with IF = 0 ----
    NMI_RESET
    IOAPIC_W 0x15, 0                    ; pin 2 (ISA IRQ0, the MADT override): APIC ID 0
    IOAPIC_W 0x14, 0x400                ; delivery mode NMI, edge, unmasked
    mov al, 0x30                        ; PIT counter 0: LSB/MSB, mode 0 (interrupt on count)
    out 0x43, al
    mov al, 0xa9                        ; 1193 ticks, about 1 ms
    out 0x40, al
    mov al, 0x04
    out 0x40, al
    cli
    hlt
.woken:
    CHECK32 dword [NMI_COUNT], 1, "an NMI from the PIT through the IOAPIC ends HLT with IF = 0"
    CHECK qword [NMI_RIP], .woken, "... returning after the HLT"
    IOAPIC_W 0x14, 0x10000              ; masked again

    ; ---- LVT LINT0/LINT1 with NMI delivery mode: no NMI while their pins are idle ----
    NMI_RESET
    mov esi, NMI_APIC
    mov eax, [rsi + 0x350]
    mov [LINT0_OLD], eax
    mov eax, [rsi + 0x360]
    mov [LINT1_OLD], eax
    mov dword [rsi + 0x350], 0x400
    mov dword [rsi + 0x360], 0x400
    mov ecx, 1000
.idle:
    pause
    dec ecx
    jnz .idle
    CHECK32 dword [NMI_COUNT], 0, "LINT0 and LINT1 programmed for NMI, pins idle: no NMI"
    mov esi, NMI_APIC
    mov eax, [LINT0_OLD]
    mov [rsi + 0x350], eax
    mov eax, [LINT1_OLD]
    mov [rsi + 0x360], eax

    ; ---- x2APIC: the same NMI through the ICR MSR (11.12.9) ----
    mov eax, 1
    cpuid
    test ecx, 1 << 21
    jnz .x2
    SKIP "x2APIC: CPUID.1:ECX[21] is clear"
    FINISH
.x2:
    mov ecx, 0x1b
    rdmsr
    or eax, 0xc00                       ; EN | EXTD
    wrmsr
    NMI_RESET
    mov ecx, 0x830
    xor edx, edx                        ; destination x2APIC ID 0
    mov eax, 0x400                      ; delivery mode NMI
    wrmsr
.after3:
    CHECK32 dword [NMI_COUNT], 1, "x2APIC: an NMI through ICR MSR 830H"
    CHECK qword [NMI_RIP], .after3, "... taken after the WRMSR"
    FINISH

    END_IMAGE
