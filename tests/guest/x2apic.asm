; x2apic -- the local APIC in x2APIC mode (Intel SDM Vol.3A 11.12): CPUID.1:ECX[21]; the
; IA32_APIC_BASE state transitions of 11.12.5 (xAPIC -> x2APIC, x2APIC -> disabled, and the
; invalid ones: EN=0/EXTD=1, disabled -> x2APIC, x2APIC -> xAPIC, all #GP(0)); the MSR interface
; 800H-8FFH of 11.12.1.2 (#GP outside x2APIC mode, for reserved registers, for reads of write-
; only and writes of read-only registers, for reserved bits 11.12.1.3); the 32-bit APIC ID and the
; LDR derived from it (11.12.10.2); MMIO writes ignored in x2APIC mode (11.12.2); SELF IPI
; (11.12.11), the 64-bit ICR with a self shorthand and a physical destination (11.12.9), TPR and
; PPR masking, EOI through MSR 80BH, and the APIC timer programmed through MSRs, with HLT.
%define TESTNAME "x2apic"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"

APIC            equ 0xfee00000
MSR_APIC_BASE   equ 0x1b
COUNT           equ TEST_RAM + 0x00         ; interrupts taken
LASTVEC         equ TEST_RAM + 0x04         ; vector of the last one
ISRBIT          equ TEST_RAM + 0x08         ; its ISR word (from the MSR) inside the handler

; WRMSR_ ecx, edx, eax
%macro WRMSR_ 3
    mov ecx, %1
    mov edx, %2
    mov eax, %3
    wrmsr
%endmacro
; RDMSR_ ecx: EDX:EAX <- MSR
%macro RDMSR_ 1
    mov ecx, %1
    rdmsr
%endmacro
; GP_RD msr, "desc": RDMSR must raise #GP(0)
%macro GP_RD 2
    TRY %%after
    mov ecx, %1
    rdmsr
    ENDTRY
%%after:
    CHECK_EXC 13, 0, %2
%endmacro
; GP_WR msr, edx, eax, "desc": WRMSR must raise #GP(0)
%macro GP_WR 4
    TRY %%after
    WRMSR_ %1, %2, %3
    ENDTRY
%%after:
    CHECK_EXC 13, 0, %4
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    MASK_PIC
    SET_GATE 0x40, on_intr, 0x8e
    SET_GATE 0x50, on_intr, 0x8e
    SET_GATE 0x51, on_intr, 0x8e
    SET_GATE 0x52, on_intr, 0x8e
    SET_GATE 0x55, on_intr, 0x8e
    SET_GATE 0xff, on_spurious, 0x8e

    mov eax, 1
    cpuid
    test ecx, 1 << 21
    jnz .have
    SKIP "x2APIC: CPUID.1:ECX[21] is clear"
    FINISH
.have:
    OK "CPUID.1:ECX[21]: x2APIC"

    ; ---- xAPIC mode: the MSR interface does not exist (11.12.2)
    RDMSR_ MSR_APIC_BASE
    and eax, 0xfffffd00
    CHECK32 eax, APIC | 0x900, "IA32_APIC_BASE: xAPIC mode (EN, BSP, EXTD clear)"
    GP_RD 0x802, "RDMSR 802H (APIC ID) in xAPIC mode: #GP(0)"
    GP_WR 0x808, 0, 0, "WRMSR 808H (TPR) in xAPIC mode: #GP(0)"

    ; ---- invalid transitions (11.12.5 Figure 11-27)
    GP_WR MSR_APIC_BASE, 0, APIC | 0x400, "IA32_APIC_BASE EN=0 EXTD=1: #GP(0)"
    WRMSR_ MSR_APIC_BASE, 0, APIC           ; xAPIC -> disabled
    RDMSR_ MSR_APIC_BASE
    and eax, 0xc00
    CHECK32 eax, 0, "xAPIC -> disabled"
    mov eax, 1
    cpuid
    and edx, 1 << 9
    CHECK32 edx, 0, "CPUID.1:EDX.APIC clear while the APIC is disabled"
    GP_WR MSR_APIC_BASE, 0, APIC | 0xc00, "disabled -> x2APIC: #GP(0)"
    GP_RD 0x803, "RDMSR 803H with the APIC disabled: #GP(0)"
    WRMSR_ MSR_APIC_BASE, 0, APIC | 0x800   ; disabled -> xAPIC
    mov esi, APIC
    mov eax, [rsi + 0x30]
    CHECK32 eax, 0x00050014, "disabled -> xAPIC: MMIO version register readable"

    ; ---- xAPIC -> x2APIC
    mov dword [rsi + 0x80], 0x20            ; TPR 20H through MMIO, kept across the switch
    WRMSR_ MSR_APIC_BASE, 0, APIC | 0xc00
    RDMSR_ MSR_APIC_BASE
    and eax, 0xfffffd00
    CHECK32 eax, APIC | 0xd00, "xAPIC -> x2APIC: EXTD and EN set"
    mov eax, 1
    cpuid
    and edx, 1 << 9
    CHECK32 edx, 1 << 9, "CPUID.1:EDX.APIC set in x2APIC mode"
    RDMSR_ 0x802
    CHECK32 eax, 0, "APIC ID (802H): 32-bit x2APIC ID 0"
    CHECK32 edx, 0, "APIC ID: EDX 0"
    RDMSR_ 0x803
    CHECK32 eax, 0x00050014, "version (803H): 14H, max LVT entry 5"
    RDMSR_ 0x80d
    CHECK32 eax, 1, "LDR (80DH) derived from the ID: cluster 0, bit 0 (11.12.10.2)"
    RDMSR_ 0x808
    CHECK32 eax, 0x20, "TPR (808H) kept from xAPIC mode"
    mov dword [rsi + 0x80], 0x70            ; MMIO is off in x2APIC mode
    RDMSR_ 0x808
    CHECK32 eax, 0x20, "an MMIO write of TPR is ignored in x2APIC mode"
    WRMSR_ 0x808, 0, 0
    RDMSR_ 0x80a
    CHECK32 eax, 0, "PPR (80AH) follows TPR 0"

    ; ---- #GP cases of the register map (11.12.1.2, 11.12.1.3)
    GP_RD 0x809, "RDMSR 809H (no APR in x2APIC mode): #GP(0)"
    GP_RD 0x80c, "RDMSR 80CH (no RRD): #GP(0)"
    GP_RD 0x80e, "RDMSR 80EH (no DFR in x2APIC mode): #GP(0)"
    GP_RD 0x831, "RDMSR 831H (the ICR is one 64-bit MSR, 830H): #GP(0)"
    GP_RD 0x80b, "RDMSR 80BH (EOI is write-only): #GP(0)"
    GP_RD 0x83f, "RDMSR 83FH (SELF IPI is write-only): #GP(0)"
    GP_RD 0x840, "RDMSR 840H (reserved): #GP(0)"
    GP_RD 0x8ff, "RDMSR 8FFH (reserved): #GP(0)"
    GP_WR 0x802, 0, 0, "WRMSR 802H (the x2APIC ID is read-only): #GP(0)"
    GP_WR 0x80d, 0, 1, "WRMSR 80DH (LDR is read-only in x2APIC mode): #GP(0)"
    GP_WR 0x80a, 0, 0, "WRMSR 80AH (PPR is read-only): #GP(0)"
    GP_WR 0x839, 0, 0, "WRMSR 839H (current count is read-only): #GP(0)"
    GP_WR 0x80b, 0, 1, "WRMSR 80BH with a non-zero value: #GP(0)"
    GP_WR 0x828, 0, 1, "WRMSR 828H (ESR) with a non-zero value: #GP(0)"
    GP_WR 0x808, 0, 0x100, "WRMSR 808H with TPR bit 8 set: #GP(0)"
    GP_WR 0x808, 1, 0, "WRMSR 808H with EDX non-zero: #GP(0)"
    GP_WR 0x83f, 0, 0x150, "WRMSR 83FH with bit 8 set: #GP(0)"
    GP_WR 0x830, 0, 0x1050, "WRMSR 830H with bit 12 (no delivery status): #GP(0)"
    GP_WR 0x83e, 0, 4, "WRMSR 83EH with DCR bit 2: #GP(0)"
    GP_WR MSR_APIC_BASE, 0, APIC | 0x800, "x2APIC -> xAPIC: #GP(0)"
    RDMSR_ MSR_APIC_BASE
    and eax, 0xc00
    CHECK32 eax, 0xc00, "still in x2APIC mode"

    ; ---- software enable, then a SELF IPI
    WRMSR_ 0x80f, 0, 0x1ff
    RDMSR_ 0x80f
    CHECK32 eax, 0x1ff, "SVR (80FH): enabled, spurious vector FFH"
    WRMSR_ 0x83f, 0, 0x50                   ; IF = 0: stays pending
    RDMSR_ 0x822
    CHECK32 eax, 1 << 16, "SELF IPI 50H: IRR (822H) bit 16"
    RDMSR_ 0x81a
    CHECK32 eax, 0, "edge: TMR (81AH) clear"
    sti
    nop
    cli
    CHECK32 dword [COUNT], 1, "SELF IPI delivered"
    CHECK32 dword [LASTVEC], 0x50, "vector 50H"
    CHECK32 dword [ISRBIT], 1 << 16, "in service (ISR 812H bit 16) inside the handler"
    RDMSR_ 0x812
    CHECK32 eax, 0, "EOI through 80BH retired it"

    ; ---- the 64-bit ICR: self shorthand, then physical destination 0 in EDX
    WRMSR_ 0x830, 0, 0x40051
    RDMSR_ 0x830
    CHECK32 eax, 0x40051, "ICR (830H) reads back, low half"
    sti
    nop
    cli
    CHECK32 dword [LASTVEC], 0x51, "ICR with the self shorthand: 51H delivered"
    WRMSR_ 0x830, 0, 0x4052                 ; fixed, physical, assert, destination EDX = 0
    sti
    nop
    cli
    CHECK32 dword [LASTVEC], 0x52, "ICR to x2APIC ID 0: 52H delivered"
    CHECK32 dword [COUNT], 3, "three interrupts so far"

    ; ---- TPR masks a class at or below it; PPR reports it
    WRMSR_ 0x808, 0, 0x60
    WRMSR_ 0x83f, 0, 0x55
    sti
    nop
    cli
    CHECK32 dword [COUNT], 3, "TPR 60H holds back vector 55H"
    RDMSR_ 0x80a
    CHECK32 eax, 0x60, "PPR = TPR 60H"
    WRMSR_ 0x808, 0, 0
    sti
    nop
    cli
    CHECK32 dword [LASTVEC], 0x55, "TPR 0: 55H delivered"

    ; ---- the timer: divide by 1, one-shot, vector 40H; HLT until it fires
    WRMSR_ 0x83e, 0, 0xb
    WRMSR_ 0x832, 0, 0x40
    RDMSR_ 0x832
    CHECK32 eax, 0x40, "LVT timer (832H): one-shot, vector 40H"
    WRMSR_ 0x838, 0, 200000
    RDMSR_ 0x839
    mov ebx, eax
    dec ebx
    cmp ebx, 200000
    setb bl
    movzx ebx, bl
    CHECK32 ebx, 1, "current count (839H) running: 1..200000"
    mov dword [COUNT], 0
.wait:
    sti
    hlt
    cli
    cmp dword [COUNT], 0
    je .wait
    CHECK32 dword [LASTVEC], 0x40, "timer interrupt 40H woke HLT"
    RDMSR_ 0x839
    CHECK32 eax, 0, "one-shot: current count 0"

    ; ---- x2APIC -> disabled -> xAPIC
    WRMSR_ MSR_APIC_BASE, 0, APIC
    RDMSR_ MSR_APIC_BASE
    and eax, 0xc00
    CHECK32 eax, 0, "x2APIC -> disabled"
    GP_RD 0x802, "RDMSR 802H with the APIC disabled: #GP(0)"
    WRMSR_ MSR_APIC_BASE, 0, APIC | 0x800
    mov esi, APIC
    mov eax, [rsi + 0x30]
    CHECK32 eax, 0x00050014, "back in xAPIC mode: MMIO version register"
    GP_RD 0x803, "RDMSR 803H in xAPIC mode again: #GP(0)"
    FINISH

; interrupts: count, record the vector and the ISR word, EOI through the MSR
on_intr:
    push rax
    push rcx
    push rdx
    inc dword [COUNT]
    mov ecx, 0x80a                          ; PPR = the vector's class while in service
    rdmsr
    mov [LASTVEC], eax                      ; class only; refined below
    ; find the vector: highest ISR bit
    mov ecx, 0x817
.isr:
    rdmsr
    test eax, eax
    jnz .found
    dec ecx
    cmp ecx, 0x810
    jae .isr
    jmp .eoi
.found:
    mov [ISRBIT], eax
    bsr edx, eax
    sub ecx, 0x810
    shl ecx, 5
    add edx, ecx
    mov [LASTVEC], edx
.eoi:
    mov ecx, 0x80b
    xor eax, eax
    xor edx, edx
    wrmsr
    pop rdx
    pop rcx
    pop rax
    iretq

on_spurious:
    FAIL_EXIT "spurious interrupt"
END_IMAGE
