; vmxxsaves -- the "enable XSAVES/XRSTORS" secondary control (bit 20) and the XSS-exiting
; bitmap (encoding 202CH). SDM Vol.3C 25.3: with the control 0, XSAVES and XRSTORS are #UD in
; VMX non-root operation; with it 1, they exit (reasons 63, 64) only when EDX:EAX & IA32_XSS &
; the XSS-exiting bitmap is not zero (25.1.3, 24.6.19). IA32_XSS can only be 0 on this CPU
; (CPUID.(EAX=0DH,ECX=1):ECX/EDX = 0), so with the control 1 they run normally even with every
; bitmap bit set. XSAVEC is not affected by the control. Vol.3D A.3.3: the control's allowed-1
; bit is bit 52 of IA32_VMX_PROCBASED_CTLS2.
%define TESTNAME "vmxxsaves"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

XSS_EXITING_BITMAP      equ 0x202c
PROC2_XSAVES            equ 1 << 20
XSA     equ 0xC000              ; XSAVE areas (64-aligned)
XSB     equ 0xC400

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    mov eax, 0xd
    mov ecx, 1
    cpuid
    bt eax, 3
    jc .have
    SKIP "XSAVES (CPUID.(EAX=0DH,ECX=1):EAX[3]=0)"
    jmp .done
.have:
    mov rax, cr4
    or eax, (1 << 9) | (1 << 10) | (1 << 18)    ; OSFXSR OSXMMEXCPT OSXSAVE
    mov cr4, rax
    xor ecx, ecx
    mov eax, 3
    xor edx, edx
    xsetbv
    call vmx_on
    mov ecx, MSR_VMX_PROCBASED2
    rdmsr
    bt edx, 20
    jc .cap
    SKIP "enable XSAVES/XRSTORS (IA32_VMX_PROCBASED_CTLS2 bit 52 = 0)"
    jmp .off
.cap:
    OK "IA32_VMX_PROCBASED_CTLS2 allows enable XSAVES/XRSTORS"
    lea rdi, [rel guest_ud]
    call vmx_fresh_vmcs
    VMW XSS_EXITING_BITMAP, -1
    VCHECK XSS_EXITING_BITMAP, -1, "VMWRITE/VMREAD of the XSS-exiting bitmap"
    VMW EXC_BITMAP, 1 << 6                      ; #UD exits
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, 0

    ; ---- control 0: #UD
    RUN guest_ud
    CHECK32 eax, 0, "VM entry with the control 0"
    VCHECK32 EXIT_REASON, 0, "control 0, XSAVES: exception exit"
    VCHECK32 EXIT_INTR_INFO, 0x80000306, "control 0, XSAVES: #UD (hardware exception 6)"
    lea rbx, [rel guest_ud.s1]
    VCHECK GUEST_RIP, rbx, "control 0, XSAVES: guest RIP is the XSAVES"
    RUN guest_ud.rs
    VCHECK32 EXIT_REASON, 0, "control 0, XRSTORS: exception exit"
    VCHECK32 EXIT_INTR_INFO, 0x80000306, "control 0, XRSTORS: #UD"
    lea rbx, [rel guest_ud.s2]
    VCHECK GUEST_RIP, rbx, "control 0, XRSTORS: guest RIP is the XRSTORS"
    ; XSAVEC is not governed by the control
    mov rdi, XSA
    mov ecx, 1024 / 8
    xor eax, eax
    rep stosq
    RUN guest_ud.c
    VCHECK32 EXIT_REASON, 18, "control 0, XSAVEC runs, then VMCALL exits"
    mov rax, 0x8000000000000003
    CHECK qword [XSA + 520], rax, "control 0, XSAVEC: XCOMP_BV written"

    ; ---- control 1, every bitmap bit set: IA32_XSS = 0, so no exit
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_XSAVES
    VMR rbx, PROC2_CTLS
    CHECK32 ebx, PROC2_XSAVES, "secondary controls = enable XSAVES/XRSTORS"
    mov rdi, XSB
    mov ecx, 1024 / 8
    xor eax, eax
    rep stosq
    mov rax, 0x1122334455667788
    movq xmm3, rax
    RUN guest_run
    CHECK32 eax, 0, "VM entry with the control 1"
    VCHECK32 EXIT_REASON, 18, "control 1: XSAVES and XRSTORS run, then VMCALL exits"
    CHECK qword [XSB + 512], 3, "guest XSAVES: XSTATE_BV = 3"
    mov rax, 0x8000000000000003
    CHECK qword [XSB + 520], rax, "guest XSAVES: XCOMP_BV = 8000000000000003H"
    CHECK qword [XSB + 160 + 3 * 16], 0x1122334455667788, "guest XSAVES: XMM3 saved"
    movq rax, xmm3
    CHECK rax, 0x1122334455667788, "guest XRSTORS restored XMM3 after the guest cleared it"
.off:
    vmxoff
.done:
    FINISH

guest_ud:
    mov eax, 3
    xor edx, edx
.s1:
    xsaves [XSA]
    jmp $
.rs:
    mov eax, 3
    xor edx, edx
.s2:
    xrstors [XSA]
    jmp $
.c:
    mov eax, 3
    xor edx, edx
    xsavec [XSA]
    vmcall
    jmp $

guest_run:
    mov eax, -1
    mov edx, -1
    xsaves [XSB]
    pxor xmm3, xmm3
    mov eax, -1
    mov edx, -1
    xrstors [XSB]
    vmcall
    jmp $
END_IMAGE
