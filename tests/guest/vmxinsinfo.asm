; vmxinsinfo -- VM exits that report the VM-exit instruction-information field (SDM Vol.3C
; 27.2.5, tables 27-10, 27-11, 27-13, 27-14) and the displacement as exit qualification
; (27.2.1): descriptor-table exiting (SGDT/SIDT/LGDT/LIDT: exit 46; SLDT/STR/LLDT/LTR: exit 47,
; register and memory forms) and the VMX instructions in VMX non-root operation (exits 18-27,
; 25.1.2). Bits the SDM leaves undefined are masked out of each comparison.
%define TESTNAME "vmxinsinfo"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
; defined bits of the instruction information for a memory operand (scaling 1:0, address size
; 9:7, mem/reg 10, segment 17:15, index 21:18 + invalid 22, base 26:23 + invalid 27) plus the
; identity 29:28 (tables 27-10, 27-11) or reg2 31:28 (table 27-14)
INFO_MEM        equ 0x0fff8783
INFO_MEM_ID     equ INFO_MEM | 0x30000000
INFO_MEM_REG2   equ INFO_MEM | 0xf0000000
; a register operand (bit 10 set): reg1 6:3, mem/reg 10, and identity or reg2
INFO_REG_ID     equ 0x30000478
INFO_REG_REG2   equ 0xf0000478
; field values
ASZ64           equ 2 << 7
SEG_DS          equ 3 << 15
NOINDEX         equ 1 << 22
%define BASE(r) ((r) << 23)
%define INDEX(r) ((r) << 18)
%define REG1(r) ((r) << 3)
%define ID(n) ((n) << 28)
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
    VMW GUEST_FS_BASE, 0

    ; ---- descriptor-table exiting (secondary control, 25.1.3) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_DESC
    RUN g_desc
    EXPECT_EXIT 46, g_desc.0, g_desc.1, "SGDT [rbx+8]"
    VCHECK EXIT_QUAL, 8, "SGDT: qualification = displacement"
    VCHECKM EXIT_INSN_INFO, INFO_MEM_ID, ID(0) | BASE(3) | NOINDEX | SEG_DS | ASZ64, "SGDT: info (DS, base RBX, no index, 64-bit)"
    NEXT
    EXPECT_EXIT 46, g_desc.1, g_desc.2, "LGDT [fs:rsi+rcx*4+0x20]"
    VCHECK EXIT_QUAL, 0x20, "LGDT: qualification = displacement"
    VCHECKM EXIT_INSN_INFO, INFO_MEM_ID, ID(2) | BASE(6) | INDEX(1) | (4 << 15) | ASZ64 | 2, "LGDT: info (FS, base RSI, index RCX, scale 4)"
    NEXT
    EXPECT_EXIT 46, g_desc.2, g_desc.3, "SIDT [ebp-0x10] (32-bit address)"
    VCHECK EXIT_QUAL, -0x10, "SIDT: qualification = sign-extended displacement"
    VCHECKM EXIT_INSN_INFO, INFO_MEM_ID, ID(1) | BASE(5) | NOINDEX | (2 << 15) | (1 << 7), "SIDT: info (SS, base RBP, 32-bit address)"
    NEXT
    EXPECT_EXIT 46, g_desc.3, g_desc.4, "LIDT [r12+r13*8]"
    VCHECK EXIT_QUAL, 0, "LIDT: no displacement, qualification 0"
    VCHECKM EXIT_INSN_INFO, INFO_MEM_ID, ID(3) | BASE(12) | INDEX(13) | SEG_DS | ASZ64 | 3, "LIDT: info (base R12, index R13, scale 8)"
    NEXT
    EXPECT_EXIT 47, g_desc.4, g_desc.5, "SLDT AX"
    VCHECKM EXIT_INSN_INFO, INFO_REG_ID, ID(0) | (1 << 10) | REG1(0), "SLDT AX: info (register form, RAX)"
    NEXT
    EXPECT_EXIT 47, g_desc.5, g_desc.6, "STR R13D"
    VCHECKM EXIT_INSN_INFO, INFO_REG_ID, ID(1) | (1 << 10) | REG1(13), "STR R13D: info (register form, R13)"
    NEXT
    EXPECT_EXIT 47, g_desc.6, g_desc.7, "LLDT CX"
    VCHECKM EXIT_INSN_INFO, INFO_REG_ID, ID(2) | (1 << 10) | REG1(1), "LLDT CX: info (register form, RCX)"
    NEXT
    EXPECT_EXIT 47, g_desc.7, g_desc.8, "LTR [rbx]"
    VCHECK EXIT_QUAL, 0, "LTR [rbx]: qualification 0"
    VCHECKM EXIT_INSN_INFO, INFO_MEM_ID, ID(3) | BASE(3) | NOINDEX | SEG_DS | ASZ64, "LTR [rbx]: info (memory form)"
    NEXT
    EXPECT_EXIT 47, g_desc.8, g_desc.9, "SLDT [rbx+rcx*2+0x7f]"
    VCHECK EXIT_QUAL, 0x7f, "SLDT mem: qualification = displacement"
    VCHECKM EXIT_INSN_INFO, INFO_MEM_ID, ID(0) | BASE(3) | INDEX(1) | SEG_DS | ASZ64 | 1, "SLDT mem: info (scale 2)"
    ; without the control SGDT runs and stores the guest GDTR
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, 0
    VMW GUEST_GDTR_LIMIT, 0x1234
    RUN g_sgdt
    VCHECK32 EXIT_REASON, 18, "SGDT without descriptor-table exiting runs"
    CHECK16 word [DATA_AREA], 0x1234, "... and stores the guest GDTR limit"
    VMW GUEST_GDTR_LIMIT, GDT_LIMIT

    ; ---- VMX instructions in the guest exit unconditionally (25.1.2); memory operands report
    ; table 27-13 (VMCLEAR, VMPTRLD, VMPTRST, VMXON) or 27-14 (VMREAD, VMWRITE) ----
    RUN g_vmx
    EXPECT_EXIT 21, g_vmx.0, g_vmx.1, "VMPTRLD [rbx+0x40]"
    VCHECK EXIT_QUAL, 0x40, "VMPTRLD: qualification = displacement"
    VCHECKM EXIT_INSN_INFO, INFO_MEM, BASE(3) | NOINDEX | SEG_DS | ASZ64, "VMPTRLD: info"
    NEXT
    EXPECT_EXIT 19, g_vmx.1, g_vmx.2, "VMCLEAR [rsp]"
    VCHECKM EXIT_INSN_INFO, INFO_MEM, BASE(4) | NOINDEX | (2 << 15) | ASZ64, "VMCLEAR [rsp]: info (SS, base RSP)"
    NEXT
    EXPECT_EXIT 27, g_vmx.2, g_vmx.3, "VMXON [gs:r8+r9*8+0x100]"
    VCHECK EXIT_QUAL, 0x100, "VMXON: qualification = displacement"
    VCHECKM EXIT_INSN_INFO, INFO_MEM, BASE(8) | INDEX(9) | (5 << 15) | ASZ64 | 3, "VMXON: info (GS, base R8, index R9, scale 8)"
    NEXT
    EXPECT_EXIT 22, g_vmx.3, g_vmx.4, "VMPTRST [rdi]"
    VCHECKM EXIT_INSN_INFO, INFO_MEM, BASE(7) | NOINDEX | SEG_DS | ASZ64, "VMPTRST: info"
    NEXT
    EXPECT_EXIT 23, g_vmx.4, g_vmx.5, "VMREAD RAX, RBX"
    VCHECK EXIT_QUAL, 0, "VMREAD register form: qualification 0"
    VCHECKM EXIT_INSN_INFO, INFO_REG_REG2, (3 << 28) | (1 << 10) | REG1(0), "VMREAD RAX, RBX: info (reg1 RAX, reg2 RBX)"
    NEXT
    EXPECT_EXIT 25, g_vmx.5, g_vmx.6, "VMWRITE R12, [rbp+8]"
    VCHECK EXIT_QUAL, 8, "VMWRITE: qualification = displacement"
    VCHECKM EXIT_INSN_INFO, INFO_MEM_REG2, (12 << 28) | BASE(5) | NOINDEX | (2 << 15) | ASZ64, "VMWRITE R12, [rbp+8]: info (reg2 R12, SS, base RBP)"
    NEXT
    EXPECT_EXIT 23, g_vmx.6, g_vmx.7, "VMREAD [rsi], R11"
    VCHECKM EXIT_INSN_INFO, INFO_MEM_REG2, (11 << 28) | BASE(6) | NOINDEX | SEG_DS | ASZ64, "VMREAD [rsi], R11: info (reg2 R11)"
    NEXT
    EXPECT_EXIT 20, g_vmx.7, g_vmx.8, "VMLAUNCH"
    NEXT
    EXPECT_EXIT 24, g_vmx.8, g_vmx.9, "VMRESUME"
    NEXT
    EXPECT_EXIT 26, g_vmx.9, g_vmx.10, "VMXOFF"
    NEXT
    EXPECT_EXIT 18, g_vmx.10, g_vmx.11, "VMCALL"
    ; the host's VMX state did not change: the current VMCS is still ours
    mov qword [RAM_SCRATCH + 0x118], 0
    vmptrst [RAM_SCRATCH + 0x118]
    CHECK qword [RAM_SCRATCH + 0x118], VMCS_REGION, "host: current VMCS unchanged by the guest's VMX instructions"
    FINISH

; ---- guest code ----
g_desc:
    mov ebx, DATA_AREA
    mov esi, DATA_AREA
    mov ecx, 1
    mov ebp, DATA_AREA + 0x100
    mov r12d, DATA_AREA
    xor r13d, r13d
.0: sgdt [rbx + 8]
.1: lgdt [fs:rsi + rcx*4 + 0x20]
.2: sidt [ebp - 0x10]
.3: lidt [r12 + r13*8]
.4: sldt ax
.5: str r13d
.6: lldt cx
.7: ltr [rbx]
.8: sldt [rbx + rcx*2 + 0x7f]
.9: vmcall
g_sgdt:
    mov ebx, DATA_AREA
    sgdt [rbx]
    vmcall
g_vmx:
    mov ebx, DATA_AREA
    mov r8d, DATA_AREA
    xor r9d, r9d
    mov edi, DATA_AREA
    mov esi, DATA_AREA
    mov ebp, DATA_AREA
.0: vmptrld [rbx + 0x40]
.1: vmclear [rsp]
.2: vmxon [gs:r8 + r9*8 + 0x100]
.3: vmptrst [rdi]
.4: vmread rax, rbx
.5: vmwrite r12, [rbp + 8]
.6: vmread [rsi], r11
.7: vmlaunch
.8: vmresume
.9: vmxoff
.10: vmcall
.11: jmp $
END_IMAGE
