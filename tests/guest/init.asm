; init -- the INIT signal outside VMX operation (Intel SDM Vol.3A 10.1 table 10-1, 11.4.7.3,
; 11.6.1 table of valid ICR combinations; 9.4 MP initialization).
; The BSP sends itself an INIT through the xAPIC ICR (no shorthand, physical destination = its
; own APIC ID 0, delivery mode INIT, level assert). The next instruction does not run: the
; processor restarts at the reset vector F000:FFF0 in real mode (it is the BSP: IA32_APIC_BASE
; bit 8), and boot.inc's BOOT_REENTRY hook brings it back here with RAM intact. Then:
;  - reset like power-up: CR0 = 10H with CD/NW kept as they were (cleared here), CR3 = CR4 = 0,
;    EFER = 0, GDTR/IDTR base 0 limit FFFFH, DR0 = 0, DR7 = 400H, EDX = the processor signature
;    (CPUID.1:EAX), CS = F000H;
;  - kept: RAM, XMM0, MXCSR, the x87 control word, the MTRRs, IA32_SYSENTER_CS, the TSC
;    (still counting up), IA32_APIC_BASE;
;  - the local APIC's INIT state: SVR = FFH (software-disabled), TPR = 0, the APIC ID kept,
;    LVT entries masked, LINT0 included.
; QEMU 7.2 TCG fails 3 checks: its INIT is taken a few instructions late, and it resets CR0.CD/NW
; and the MTRRs, which table 10-1 says INIT leaves unchanged.
%define TESTNAME "init"
%define BOOT_REENTRY after_init
%include "boot.inc"
%include "report.inc"
%include "pm.inc"

APIC            equ 0xfee00000
MARK            equ DATA_AREA               ; dword: survives INIT
XMMPAT          equ DATA_AREA + 0x10        ; 16 bytes: the XMM0 pattern
REACHED         equ DATA_AREA + 0x20        ; dword: the instruction after the ICR write ran
TSC0            equ DATA_AREA + 0x28        ; qword: TSC before the INIT
SIG             equ DATA_AREA + 0x30        ; dword: EDX at the restart
SAVE            equ DATA_AREA + 0x40        ; scratch for the real-mode checks

bits 16
main:
    ENTER_PM32
bits 32
    ; things INIT keeps
    mov dword [MARK], 0x5a5aa5a5
    mov dword [XMMPAT], 0x11223344
    mov dword [XMMPAT + 4], 0x55667788
    mov dword [XMMPAT + 8], 0x99aabbcc
    mov dword [XMMPAT + 12], 0xddeeff00
    mov dword [REACHED], 0
    mov eax, cr4
    or eax, 1 << 9                          ; OSFXSR
    mov cr4, eax
    mov eax, cr0
    and eax, ~((1 << 30) | (1 << 29) | (1 << 2)) ; CD, NW, EM clear
    or eax, 1 << 1                          ; MP
    mov cr0, eax
    movdqu xmm0, [XMMPAT]
    mov dword [SAVE], 0x1f00                ; MXCSR: not the default 1F80H (IM clear)
    ldmxcsr [SAVE]
    mov word [SAVE], 0x027f                 ; FCW: 53-bit precision
    fldcw [SAVE]
    mov ecx, 0x200                          ; IA32_MTRR_PHYSBASE0
    mov eax, 0x00100006
    xor edx, edx
    wrmsr
    mov ecx, 0x174                          ; IA32_SYSENTER_CS
    mov eax, 0x1234
    wrmsr
    ; things INIT resets
    mov ecx, 0xc0000080                     ; IA32_EFER.SCE
    rdmsr
    or eax, 1
    wrmsr
    mov eax, 0x12345
    mov dr0, eax
    mov esi, APIC
    mov dword [esi + 0xf0], 0x1ff           ; SVR: software-enabled
    mov dword [esi + 0x80], 0x20            ; TPR
    mov dword [esi + 0x350], 0x10030        ; LVT LINT0: masked, fixed
    rdtsc
    mov [TSC0], eax
    mov [TSC0 + 4], edx
    mov dword [RAM_REENTRY], REENTRY_MAGIC
    ; self-INIT: destination APIC ID 0 (ICR high), INIT, level assert, edge, physical
    mov dword [esi + 0x310], 0
    mov dword [esi + 0x300], 0x4500
    mov dword [REACHED], 1                  ; must not run: INIT comes at this boundary
    NOTOK "the INIT did not restart the processor"
    FINISH

bits 16
after_init:
    mov [SIG], edx
    mov dword [RAM_REENTRY], 0
    CHECK32 dword [REACHED], 0, "INIT acts right after the ICR write: the next instruction did not run"
    CHECK32 dword [MARK], 0x5a5aa5a5, "restart at the reset vector with RAM kept"
    mov ax, cs
    CHECK32 eax, 0xf000, "CS = F000 (reset vector F000:FFF0)"
    mov eax, cr0
    CHECK32 eax, 0x10, "CR0 = 00000010H: CD and NW kept (cleared), PE/MP cleared"
    mov eax, cr3
    CHECK32 eax, 0, "CR3 = 0"
    mov eax, cr4
    CHECK32 eax, 0, "CR4 = 0"
    mov ecx, 0xc0000080
    rdmsr
    CHECK32 eax, 0, "IA32_EFER = 0"
    mov eax, dr0
    CHECK32 eax, 0, "DR0 = 0"
    mov eax, dr7
    CHECK32 eax, 0x400, "DR7 = 400H"
    sgdt [SAVE]
    CHECK16 word [SAVE], 0xffff, "GDTR limit FFFFH"
    CHECK32 dword [SAVE + 2], 0, "GDTR base 0"
    sidt [SAVE]
    CHECK16 word [SAVE], 0xffff, "IDTR limit FFFFH"
    CHECK32 dword [SAVE + 2], 0, "IDTR base 0"
    mov eax, 1
    cpuid
    CHECK32 dword [SIG], eax, "EDX = processor signature (CPUID.1:EAX)"
    mov ecx, 0x200
    rdmsr
    CHECK32 eax, 0x00100006, "IA32_MTRR_PHYSBASE0 kept"
    mov ecx, 0x174
    rdmsr
    CHECK32 eax, 0x1234, "IA32_SYSENTER_CS kept"
    mov ecx, 0x1b
    rdmsr
    CHECK32 eax, 0xfee00900, "IA32_APIC_BASE kept (BSP, enabled)"
    rdtsc
    sub eax, [TSC0]
    sbb edx, [TSC0 + 4]
    CHECK32 edx, 0, "TSC kept counting (not reset)"
    fnstcw [SAVE]
    CHECK16 word [SAVE], 0x027f, "x87 control word kept"
    mov eax, cr4
    or eax, 1 << 9                          ; OSFXSR again, to read XMM0 and MXCSR
    mov cr4, eax
    stmxcsr [SAVE]
    CHECK32 dword [SAVE], 0x1f00, "MXCSR kept"
    movd eax, xmm0
    CHECK32 eax, 0x11223344, "XMM0 kept (low dword)"
    psrldq xmm0, 12
    movd eax, xmm0
    CHECK32 eax, 0xddeeff00, "XMM0 kept (high dword)"
    ENTER_PM32
bits 32
    mov esi, APIC
    mov eax, [esi + 0xf0]
    CHECK32 eax, 0xff, "LAPIC SVR = FFH after INIT (software-disabled)"
    mov eax, [esi + 0x80]
    CHECK32 eax, 0, "LAPIC TPR = 0"
    mov eax, [esi + 0x20]
    CHECK32 eax, 0, "LAPIC ID kept (0)"
    mov eax, [esi + 0x350]
    CHECK32 eax, 0x10000, "LVT LINT0 masked (the board's ExtINT is a power-up setting)"
    mov eax, [esi + 0x320]
    CHECK32 eax, 0x10000, "LVT timer masked"
    FINISH

    END_IMAGE
