; profilevmx -- a VMX guest and its host each run a counted loop, for tests/profile.sh: the
; -d profile rows of the guest's loop must carry "guest vpid N" and the host's must not.
%define TESTNAME "profilevmx"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    call vmx_on
    xor edi, edi
    call vmx_fresh_vmcs
    RUN g_spin                          ; the guest: 600,000 turns of a 2-instruction loop
    VCHECK32 EXIT_REASON, 18, "the guest's loop ends in VMCALL"
    mov ecx, 300000                     ; the host: 300,000 turns
.h: dec ecx
    jnz .h
    FINISH
g_spin:
    mov ecx, 600000
.l: dec ecx
    jnz .l
    vmcall
END_IMAGE
