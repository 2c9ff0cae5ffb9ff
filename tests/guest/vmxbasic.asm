; vmxbasic -- VMX operation and a first guest (SDM Vol.3C chapters 23-27, 30): CPUID and the
; capability MSRs, VMXON/VMCLEAR/VMPTRLD/VMPTRST/VMREAD/VMWRITE with their VMfail
; conventions and error numbers, VM-entry failures (VMfailValid for bad controls, exit
; reason 33 with bit 31 for bad guest state), and a 64-bit guest whose CPUID, VMCALL, HLT,
; OUT, MOV CR3, RDMSR and #UD cause VM exits with the right reason, qualification and
; instruction length.
%define TESTNAME "vmxbasic"
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
    mov eax, 1
    cpuid
    and ecx, 1 << 5
    CHECK32 ecx, 1 << 5, "CPUID.1:ECX.VMX set"
    mov ecx, MSR_VMX_BASIC
    rdmsr
    mov ebx, edx
    and edx, 1 << (55 - 32)
    CHECK32 edx, 1 << (55 - 32), "IA32_VMX_BASIC reports TRUE controls"
    and ebx, 0x1fff
    CHECK32 ebx, 4096, "IA32_VMX_BASIC: VMCS region size 4096"

    ; VMXON without CR4.VMXE is #UD (SDM Vol.3C 30.3 VMXON)
    mov rax, VMXON_REGION
    mov [RAM_SCRATCH + 0x108], rax
    TRY .ud1
    vmxon [RAM_SCRATCH + 0x108]
    ENDTRY
.ud1:
    CHECK_EXC 6, NOERR, "VMXON with CR4.VMXE=0: #UD"

    call vmx_on
    pushfq
    pop rax
    and eax, 0x8d5
    CHECK32 eax, 0, "VMXON: VMsucceed"
    vmxon [RAM_SCRATCH + 0x108]
    pushfq
    pop rax
    and eax, 0x8d5
    CHECK32 eax, 1, "VMXON in root operation without a current VMCS: VMfailInvalid (CF)"
    ; CR4.VMXE cannot be cleared in VMX operation (SDM Vol.3C 23.8)
    mov rbx, cr4
    btr rbx, 13
    TRY .gp1
    mov cr4, rbx
    ENDTRY
.gp1:
    CHECK_EXC 13, 0, "clearing CR4.VMXE in VMX operation: #GP(0)"

    ; VMREAD with no current VMCS: VMfailInvalid
    mov eax, EXIT_REASON
    vmread rbx, rax
    pushfq
    pop rax
    and eax, 0x8d5
    CHECK32 eax, 1, "VMREAD without current VMCS: VMfailInvalid"

    lea rdi, [rel guest]
    call vmx_fresh_vmcs
    mov qword [RAM_SCRATCH + 0x118], 0
    vmptrst [RAM_SCRATCH + 0x118]
    mov rax, [RAM_SCRATCH + 0x118]
    CHECK rax, VMCS_REGION, "VMPTRST returns the current VMCS"

    ; unsupported field: VMfailValid(12)
    mov eax, 0x7ffe
    vmread rbx, rax
    pushfq
    pop rax
    and eax, 0x8d5
    CHECK32 eax, 0x40, "VMREAD of an unsupported field: VMfailValid (ZF)"
    VMR rbx, VM_INSN_ERROR
    CHECK32 ebx, 12, "VM-instruction error 12 (unsupported VMCS component)"
    ; the high half of a 64-bit field
    VMW TSC_OFFSET, 0x1122334455667788
    VMR rbx, TSC_OFFSET + 1
    CHECK rbx, 0x11223344, "VMREAD TSC_OFFSET_HIGH"
    VMW TSC_OFFSET + 1, 0xaabbccdd
    VMR rbx, TSC_OFFSET
    CHECK rbx, 0xaabbccdd55667788, "VMWRITE TSC_OFFSET_HIGH keeps the low half"
    VMW TSC_OFFSET, 0
    ; a 16-bit field keeps 16 bits
    VMW GUEST_ES_SEL, 0x12345
    VMR rbx, GUEST_ES_SEL
    CHECK rbx, 0x2345, "16-bit field truncates"
    VMW GUEST_ES_SEL, SEL_DATA64

    ; bad controls: pin-based must-be-1 bits cleared -> VMfailValid(7)
    VMR rbx, PIN_CTLS
    VMW PIN_CTLS, 0
    xor edi, edi
    call vmx_enter
    CHECK32 eax, 1, "VMLAUNCH with reserved pin-based bits clear fails"
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 7, "VM-instruction error 7 (invalid control fields)"
    VMW PIN_CTLS, rbx
    ; bad host state: HOST_CR4 without VMXE -> VMfailValid(8)
    VMR rbx, HOST_CR4
    mov rcx, rbx
    btr rcx, 13
    VMW HOST_CR4, rcx
    xor edi, edi
    call vmx_enter
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 8, "HOST_CR4 without VMXE: error 8 (invalid host state)"
    VMW HOST_CR4, rbx
    ; bad guest state: RFLAGS bit 1 clear -> exit reason 33 with bit 31
    VMW GUEST_RFLAGS, 0
    xor edi, edi
    call vmx_enter
    CHECK32 eax, 0, "bad guest RFLAGS: VM entry fails as a VM exit"
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 0x80000021, "exit reason 33 | entry failure"
    VMW GUEST_RFLAGS, 2

    ; now a real guest: CPUID exits unconditionally
    xor edi, edi
    call vmx_enter
    CHECK32 eax, 0, "VMLAUNCH enters the guest and CPUID exits"
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 10, "exit reason 10 (CPUID)"
    VMR rbx, GUEST_RIP
    lea rcx, [rel guest]
    CHECK rbx, rcx, "guest RIP is the CPUID"
    VMR rbx, EXIT_INSN_LEN
    CHECK32 ebx, 2, "instruction length 2"
    ; VMLAUNCH of a launched VMCS: VMfailValid(4)
    xor edi, edi
    call vmx_enter
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 4, "VMLAUNCH of a launched VMCS: error 4"

    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 18, "VMCALL exits (18)"
    VMR rbx, GUEST_RSP
    CHECK rbx, GUEST_STACK - 8, "guest RSP saved (the guest pushed once)"

    ; HLT exiting
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_HLT | PROC_UNCOND_IO | PROC_CR3_LOAD
    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 12, "HLT exits with HLT exiting (12)"
    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 30, "OUT exits with unconditional I/O exiting (30)"
    VMR rbx, EXIT_QUAL
    CHECK rbx, (0x80 << 16) | 0x40, "I/O qualification: port 0x80, byte, out, immediate"
    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 28, "MOV to CR3 exits with CR3-load exiting (28)"
    VMR rbx, EXIT_QUAL
    CHECK rbx, 0x303, "CR qualification: mov to cr3 from rbx"
    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 31, "RDMSR exits without MSR bitmaps (31)"
    ; #UD with the exception bitmap
    VMW EXC_BITMAP, 1 << 6
    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 0, "UD2 exits through the exception bitmap (0)"
    VMR rbx, EXIT_INTR_INFO
    CHECK32 ebx, 0x80000306, "interruption info: valid, hardware exception, #UD"
    VMR rbx, GUEST_RIP
    lea rcx, [rel guest.ud]
    CHECK rbx, rcx, "guest RIP is the UD2"

    ; VMCLEAR makes the launch state clear: VMRESUME then fails with 5
    mov rax, VMCS_REGION
    mov [RAM_SCRATCH + 0x110], rax
    vmclear [RAM_SCRATCH + 0x110]
    vmptrld [RAM_SCRATCH + 0x110]
    mov edi, 1
    call vmx_enter
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 5, "VMRESUME after VMCLEAR: error 5"
    vmxoff
    pushfq
    pop rax
    and eax, 0x8d5
    CHECK32 eax, 0, "VMXOFF: VMsucceed"
    FINISH

guest:
    cpuid
    push rax
    vmcall
    hlt
    out 0x80, al
    mov cr3, rbx
    mov ecx, 0x10
.rdmsr:
    rdmsr
.ud:
    ud2
    jmp $
END_IMAGE
