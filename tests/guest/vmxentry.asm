; vmxentry -- VM-entry failures as a VMM sees them (SDM Vol.3C 26.1-26.4, 26.8, 30.4): control
; violations (VMfailValid 7), host-state violations (8), controls checked before host state,
; guest-state violations (exit 33 | 0x80000000, guest state not written, qualification 0 or 4
; for the VMCS link pointer), a failed VMLAUNCH leaving the launch state clear; the VM-entry
; MSR-load list (exit 34 with the failing entry's 1-based index, the VM-exit MSR-load list still
; processed), the VM-exit MSR-store and MSR-load lists; VMLAUNCH/VMRESUME in a MOV SS shadow
; (VMfailValid 26).
%define TESTNAME "vmxentry"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
ENTRY_LIST  equ VMX_SCRATCH                 ; 16-byte entries: index, reserved, value
STORE_LIST  equ VMX_SCRATCH + 0x100
LOAD_LIST   equ VMX_SCRATCH + 0x200
MSRBM       equ VMX_SCRATCH + 0x1000
LINK_VMCS   equ VMX_SCRATCH + 0x2000
KGSBASE     equ 0xc0000102
STAR        equ 0xc0000081
; BAD field, value, expect, "desc": with the field set to value (not rax/rdx) an entry must fail with
; VMfailValid(expect) (expect 7 or 8) or, for expect 33/34, as a VM exit with that reason and
; qualification 0; then the field is restored.
%macro BAD 4
    _VFETCH %1
    push qword [VMX_VAL]
    VMW %1, %2
    call vmx_cont                           ; GUEST_RIP: the VMCALL of the last exit
  %if %3 < 16
    CHECK32 eax, 1, {%4, ": VMfailValid"}
    VCHECK32 VM_INSN_ERROR, %3, {%4, ": error ", %str(%3)}
  %else
    VCHECK32 EXIT_REASON, 0x80000000 | %3, {%4, ": exit ", %str(%3), " | entry failure"}
    VCHECK EXIT_QUAL, 0, {%4, ": qualification 0"}
  %endif
    pop rdx
    mov rax, %1
    vmwrite rax, rdx
%endmacro
%macro MSRENT 3                             ; list, n, msr, value in rax
    mov dword [%1 + 16 * %2], %3
    mov dword [%1 + 16 * %2 + 4], 0
    mov [%1 + 16 * %2 + 8], rax
%endmacro
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
    mov edi, VMX_SCRATCH
    mov ecx, 0x3000
    xor eax, eax
    rep stosb
    RUN g_vmcall
    VCHECK32 EXIT_REASON, 18, "the VMCS is good: the guest reaches VMCALL"

    ; ---- control fields (26.2.1): VMfailValid(7) ----
    BAD CR3_TARGET_COUNT, 5, 7, "CR3-target count 5"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_IO_BITMAPS | PROC_MSR_BITMAPS
    VMW IO_BITMAP_B, VMX_SCRATCH
    VMW MSR_BITMAP, MSRBM
    BAD IO_BITMAP_A, VMX_SCRATCH + 0x800, 7, "I/O bitmap A not 4 KiB aligned"
    BAD MSR_BITMAP, MSRBM + 8, 7, "MSR bitmap not 4 KiB aligned"
    BAD PROC_CTLS, PROC_NMI_WINDOW | 0x0401e172, 7, "NMI-window exiting (needs virtual NMIs)"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_IO_BITMAPS | PROC_MSR_BITMAPS | PROC_SECONDARY
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, 0
    BAD PROC2_CTLS, 1 << 7, 7, "unrestricted guest without EPT"
    VMW EXIT_MSR_STORE_COUNT, 1
    BAD EXIT_MSR_STORE_ADDR, STORE_LIST + 8, 7, "VM-exit MSR-store address not 16-byte aligned"
    VMW EXIT_MSR_STORE_COUNT, 0
    BAD ENTRY_CTLS, ENTRY_IA32E | (1 << 10) | 0x11fb, 7, "entry to SMM"

    ; ---- host-state area (26.2.2-26.2.4): VMfailValid(8) ----
    mov rbx, cr0
    btr rbx, 31
    BAD HOST_CR0, rbx, 8, "HOST_CR0 without PG (IA32_VMX_CR0_FIXED0)"
    mov rbx, cr4
    btr rbx, 5
    BAD HOST_CR4, rbx, 8, "HOST_CR4 without PAE for a 64-bit host"
    BAD HOST_CS_SEL, SEL_CODE64 | 3, 8, "host CS selector with RPL 3"
    BAD HOST_TR_SEL, 0, 8, "host TR selector 0"
    BAD HOST_GDTR_BASE, 0x0000800000000000, 8, "non-canonical host GDTR base"
    mov rax, HOST_RIP                       ; (vmx_cont would write HOST_RIP itself)
    mov rdx, 0x0000800000000000
    vmwrite rax, rdx
    vmresume
    setz bl
    movzx ebx, bl
    CHECK32 ebx, 1, "non-canonical host RIP: VMfailValid"
    VCHECK32 VM_INSN_ERROR, 8, "non-canonical host RIP: error 8"
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_LOAD_EFER
    mov ecx, 0xc0000080
    rdmsr
    VMW HOST_EFER, rax
    btr rax, 10
    BAD HOST_EFER, rax, 8, "host EFER.LMA = 0 with a 64-bit host"
    VMW CR3_TARGET_COUNT, 5
    BAD HOST_TR_SEL, 0, 7, "bad controls and bad host state: the controls are checked first"
    VMW CR3_TARGET_COUNT, 0
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64

    ; ---- guest-state area (26.3.1): exit 33 with bit 31 ----
    mov rbx, cr0
    btr rbx, 0
    BAD GUEST_CR0, rbx, 33, "guest CR0.PG without PE"
    mov rbx, cr4
    btr rbx, 13
    BAD GUEST_CR4, rbx, 33, "guest CR4 without VMXE"
    BAD GUEST_TR_AR, 0x89, 33, "guest TR: available (not busy) TSS"
    BAD GUEST_CS_AR, 0xa093, 33, "guest CS: a data segment type"
    BAD GUEST_SS_AR, 0xc0f3, 33, "guest SS.DPL 3 with CS.DPL 0"
    BAD GUEST_RFLAGS, 0x8002, 33, "guest RFLAGS bit 15 set"
    BAD GUEST_RIP, 0x0000800000000000, 33, "non-canonical guest RIP (64-bit guest)"
    BAD GUEST_IDTR_LIMIT, 0x10000, 33, "guest IDTR limit above 0xFFFF"
    BAD GUEST_ACTIVITY, 4, 33, "activity state 4"
    BAD GUEST_INTERRUPTIBILITY, 3, 33, "blocking by STI and by MOV SS"
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E | ENTRY_LOAD_DEBUG
    BAD GUEST_DR7, 0x100000400, 33, "guest DR7 bits 63:32 with load debug controls"
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E
    VMW GUEST_RIP, 0x1234
    VMW VMCS_LINK_PTR, LINK_VMCS + 8
    call vmx_cont
    VCHECK32 EXIT_REASON, 0x80000021, "VMCS link pointer not aligned: exit 33"
    VCHECK EXIT_QUAL, 4, "... qualification 4 (VMCS link pointer)"
    VMW VMCS_LINK_PTR, LINK_VMCS             ; aligned, but revision 0
    call vmx_cont
    VCHECK32 EXIT_REASON, 0x80000021, "VMCS link pointer to a wrong revision: exit 33"
    VCHECK EXIT_QUAL, 4, "... qualification 4"
    VCHECK GUEST_RIP, 0x1234, "an entry failure does not save guest state"
    VMW VMCS_LINK_PTR, -1

    ; a failed VMLAUNCH leaves the launch state clear (26.8)
    xor edi, edi
    call vmx_fresh_vmcs
    VMW GUEST_RFLAGS, 0
    RUN g_vmcall
    VCHECK32 EXIT_REASON, 0x80000021, "fresh VMCS, bad RFLAGS: VMLAUNCH fails with exit 33"
    VMW GUEST_RFLAGS, 2
    mov dword [VMX_LAUNCHED], 1
    RUN g_vmcall
    VCHECK32 VM_INSN_ERROR, 5, "VMRESUME after it: error 5, the VMCS is not launched"
    mov dword [VMX_LAUNCHED], 0
    RUN g_vmcall
    VCHECK32 EXIT_REASON, 18, "VMLAUNCH then succeeds"

    ; ---- MSR lists (24.7.2, 24.8.2, 26.4, 27.4, 27.6) ----
    VMW MSR_BITMAP, MSRBM                   ; all clear: RDMSR/WRMSR run in the guest
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_MSR_BITMAPS
    mov rax, 0x1111000
    MSRENT ENTRY_LIST, 0, KGSBASE
    mov rax, 0x0023001000000000
    MSRENT ENTRY_LIST, 1, STAR
    mov rax, -1
    MSRENT STORE_LIST, 0, KGSBASE
    MSRENT STORE_LIST, 1, STAR
    mov rax, 0x3333000
    MSRENT LOAD_LIST, 0, KGSBASE
    VMW ENTRY_MSR_LOAD_ADDR, ENTRY_LIST
    VMW ENTRY_MSR_LOAD_COUNT, 2
    VMW EXIT_MSR_STORE_ADDR, STORE_LIST
    VMW EXIT_MSR_STORE_COUNT, 2
    VMW EXIT_MSR_LOAD_ADDR, LOAD_LIST
    VMW EXIT_MSR_LOAD_COUNT, 1
    RUN g_msr
    VCHECK32 EXIT_REASON, 18, "entry with MSR-load list, exit with MSR-store and MSR-load lists"
    CHECK r8, 0x1111000, "the guest reads KERNEL_GS_BASE from the VM-entry MSR-load list"
    CHECK qword [STORE_LIST + 8], 0x2222000, "VM-exit MSR-store list: the guest's KERNEL_GS_BASE"
    CHECK qword [STORE_LIST + 16 + 8], 0x0023001000000000, "VM-exit MSR-store list: STAR"
    mov ecx, KGSBASE
    rdmsr
    CHECK32 eax, 0x3333000, "VM-exit MSR-load list: the host's KERNEL_GS_BASE"
    ; a failing entry in the VM-entry MSR-load list: exit 34, qualification = its index
    mov rax, 0x1000
    MSRENT ENTRY_LIST, 1, 0xc0000100        ; IA32_FS_BASE may not be loaded this way
    mov rax, 0x5555000
    MSRENT LOAD_LIST, 0, KGSBASE
    mov rax, -1
    mov [STORE_LIST + 8], rax
    RUN g_msr
    VCHECK32 EXIT_REASON, 0x80000022, "FS_BASE in the VM-entry MSR-load list: exit 34 | entry failure"
    VCHECK EXIT_QUAL, 2, "qualification: entry 2 failed (counting from 1)"
    mov ecx, KGSBASE
    rdmsr
    CHECK32 eax, 0x5555000, "the VM-exit MSR-load list is processed after the failure"
    CHECK qword [STORE_LIST + 8], -1, "the VM-exit MSR-store list is not"
    mov dword [ENTRY_LIST + 16 + 4], 1      ; reserved bits 63:32 of the entry
    mov dword [ENTRY_LIST + 16], STAR
    RUN g_msr
    VCHECK EXIT_QUAL, 2, "entry 2 with reserved bits set: qualification 2"
    VMW ENTRY_MSR_LOAD_COUNT, 0
    VMW EXIT_MSR_STORE_COUNT, 0
    VMW EXIT_MSR_LOAD_COUNT, 0

    ; ---- VMLAUNCH/VMRESUME right after MOV SS: VMfailValid(26) (30.3) ----
    mov rax, GUEST_RIP
    lea rdx, [rel g_vmcall]
    vmwrite rax, rdx
    mov ax, ss
    mov ss, ax
    vmresume
    pushfq
    pop rax
    and eax, 0x8d5
    CHECK32 eax, 0x40, "VMRESUME in a MOV SS shadow: VMfailValid"
    VCHECK32 VM_INSN_ERROR, 26, "... error 26 (events blocked by MOV SS)"
    FINISH

; ---- guest code ----
g_vmcall:
    vmcall
    jmp $
g_msr:
    mov ecx, KGSBASE
    rdmsr
    mov r8d, eax
    mov eax, 0x2222000
    xor edx, edx
    wrmsr
    vmcall
END_IMAGE
