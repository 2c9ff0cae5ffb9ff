; segnull -- IRET to an outer privilege level makes ES/FS/GS/DS that hold a DPL < CPL data segment
; null (SDM Vol.2 IRET, RETURN-TO-OUTER-PRIVILEGE-LEVEL: "SegReg <- NULL"). That invalidates the
; register without loading a descriptor: in 64-bit mode the hidden FS/GS base is kept, as it is on
; Intel hardware (an explicit MOV of a null selector clears it). A nested KVM relies on this: after
; an emulated VM exit its guest's FS is a usable DPL0 data segment with a null selector (SDM
; Vol.3C 27.5.2), and the guest's IRET to user mode must not lose the thread's FS base.
%define TESTNAME "segnull"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "user.inc"
UDATA   equ 0x38000             ; user-accessible scratch (identity mapped)
MAGIC   equ 0x5eb5eb5eb5eb5eb5
MSR_FS_BASE equ 0xc0000100
bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup

    mov rax, MAGIC
    mov [UDATA + 0x100], rax
    mov qword [UDATA], -1
    mov qword [UDATA + 8], -1
    ; FS := the DPL0 data segment, then its base := UDATA + 0x100
    mov ax, SEL_DATA64
    mov fs, ax
    mov ecx, MSR_FS_BASE
    mov eax, UDATA + 0x100
    xor edx, edx
    wrmsr
    mov rax, [fs:0]
    CHECK rax, MAGIC, "CPL0: FS base set by WRMSR"

    mov eax, user_code
    mov edx, 0x2
    call user64_call
    CHECK32 dword [UDATA], 0, "IRET to CPL3 made FS (DPL0 data) null"
    mov rax, [UDATA + 8]
    CHECK rax, MAGIC, "CPL3: FS base kept after the null (FS:[0] reads the magic)"
    mov ecx, MSR_FS_BASE
    rdmsr
    CHECK32 eax, UDATA + 0x100, "IA32_FS_BASE unchanged"

    ; an explicit MOV of a null selector clears the base (Intel)
    xor eax, eax
    mov fs, ax
    mov ecx, MSR_FS_BASE
    rdmsr
    CHECK32 eax, 0, "MOV FS, 0 clears the FS base"
    FINISH

user_code:
    mov ax, fs
    movzx eax, ax
    mov [UDATA], rax
    mov rax, [fs:0]
    mov [UDATA + 8], rax
    int USER_RET_VEC
END_IMAGE
