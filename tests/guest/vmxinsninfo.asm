; vmxinsninfo -- exit qualification and instruction information of VMREAD/VMWRITE executed by a
; guest (SDM Vol.3C 27.2.1, 27.2.5 table 27-14), as a nested hypervisor such as KVM decodes them:
; register operands with REX-extended registers, a base+index*scale+disp memory operand, and a
; RIP-relative operand, whose qualification is the displacement plus the next RIP (base invalid).
%define TESTNAME "vmxinsninfo"
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
    lea rdi, [rel guest]
    call vmx_fresh_vmcs

    xor edi, edi
    call vmx_enter
    CHECK32 eax, 0, "VMLAUNCH enters the guest"
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 25, "VMWRITE r12, r9 exits (25)"
    VMR rbx, EXIT_INSN_INFO
    ; reg1 (6:3) = 9, 64-bit address size (9:7 = 2), register (10), reg2 (31:28) = 12
    CHECK32 ebx, (9 << 3) | (2 << 7) | (1 << 10) | (12 << 28), "VMWRITE r12, r9: instruction information"
    VMR rbx, EXIT_QUAL
    CHECK rbx, 0, "VMWRITE register form: qualification 0"
    VMR rbx, EXIT_INSN_LEN
    CHECK32 ebx, 4, "VMWRITE r12, r9: length 4"

    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 23, "VMREAD [rbx+rcx*8+0x10], rdx exits (23)"
    VMR rbx, EXIT_INSN_INFO
    ; scale 3 (1:0), 64-bit (9:7), DS (17:15 = 3), index rcx (21:18 = 1), base rbx (26:23 = 3),
    ; reg2 rdx (31:28 = 2)
    CHECK32 ebx, 3 | (2 << 7) | (3 << 15) | (1 << 18) | (3 << 23) | (2 << 28), "VMREAD memory form: instruction information"
    VMR rbx, EXIT_QUAL
    CHECK rbx, 0x10, "VMREAD memory form: qualification is the displacement"

    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 25, "VMWRITE rax, [rel var] exits (25)"
    VMR rbx, EXIT_INSN_INFO
    ; 64-bit, DS, index and base invalid (22, 27), reg2 rax = 0
    CHECK32 ebx, (2 << 7) | (3 << 15) | (1 << 22) | (1 << 27), "VMWRITE RIP-relative: instruction information"
    VMR rbx, EXIT_QUAL
    lea rcx, [rel guest.var]
    CHECK rbx, rcx, "VMWRITE RIP-relative: qualification is the operand's address"

    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rbx, EXIT_REASON
    CHECK32 ebx, 25, "VMWRITE rax, [rel var] with a 32-bit address size exits (25)"
    VMR rbx, EXIT_INSN_INFO
    CHECK32 ebx, (1 << 7) | (3 << 15) | (1 << 22) | (1 << 27), "EIP-relative: instruction information (32-bit address size)"
    VMR rbx, EXIT_QUAL
    lea rcx, [rel guest.var]
    mov ecx, ecx
    CHECK rbx, rcx, "EIP-relative: qualification is the 32-bit operand address"

    vmxoff
    FINISH

guest:
    vmwrite r12, r9
    vmread [rbx + rcx * 8 + 0x10], rdx
    vmwrite rax, [rel .var]
    a32 vmwrite rax, [rel .var]
    jmp $
.var:
    dq 0
END_IMAGE
