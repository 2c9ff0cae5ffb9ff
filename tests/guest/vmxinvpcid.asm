; vmxinvpcid -- INVPCID and PCIDs in VMX non-root operation:
; - IA32_VMX_PROCBASED_CTLS2 allows "enable INVPCID" (bit 12) to be 1 and IA32_VMX_CR4_FIXED1
;   allows CR4.PCIDE (SDM Vol.3D A.3.3, A.8);
; - "enable INVPCID" = 0 (also when set but the secondary controls are not activated): INVPCID
;   is #UD, before the INVLPG-exiting exit (SDM Vol.3C 25.3);
; - "enable INVPCID" = 1 with "INVLPG exiting" = 1: VM exit 58 (Appendix C), fault-like, before
;   the operands are looked at (the types and addresses here are junk), with the displacement
;   (or the RIP-relative address) as qualification (27.2.1) and the instruction information of
;   INVEPT/INVVPID (27.2.5: scaling 1:0, address size 9:7, bit 10 = 0, segment 17:15, index
;   21:18 and its invalid bit 22, base 26:23 and its invalid bit 27, the type register 31:28;
;   bits 6:2 and 14:11 are undefined and masked); LOCK INVPCID is #UD first;
; - "enable INVPCID" = 1 with "INVLPG exiting" = 0: INVPCID runs in the guest: its #GP for a
;   bad type, and type 1 invalidating the guest's own translations under VPID 1, which turtles
;   otherwise keeps across VM exits and entries (28.3.3.3);
; - with CR4.PCIDE in host and guest and VPID 1: a VM exit loads host CR3 with its PCID (27.5.1),
;   and neither side then uses translations cached for another PCID (Vol.3A 4.10.2.3): the host
;   after an exit to a host CR3 with another PCID than the one it left with, the guest after an
;   entry with another guest PCID than the one it exited with;
; - VM-entry check 26.3.1.1: CR4.PCIDE = 1 in a guest that is not IA-32e mode fails the entry
;   (reason 33 | 80000000H), while the same 32-bit PAE guest with PCIDE = 0 enters.
%define TESTNAME "vmxinvpcid"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

PROC2_VPID      equ 1 << 5
PROC2_INVPCID   equ 1 << 12
INFO_MASK       equ ~0x787C & 0xFFFFFFFF ; bits 14:11 and 6:2 undefined
CR4_PCIDE       equ 1 << 17
MSR_VMX_CR4_FIXED1 equ 0x489

PT64    equ LM_PT_END           ; 4 KiB page table for 0x40000000-0x401FFFFF
PD1     equ LM_PD + 0x1000
WI      equ 0x1A5               ; W's PTE index; TLB slot 1A5H is used by no other page here
WIN     equ 0x40000000 + WI * 0x1000
FR      equ 0x300000
%define F(n) (FR + ((n) - 1) * 0x1000)
DESC    equ DATA_AREA           ; INVPCID descriptor for the guest (zero: PCID 0)
GPDPT   equ TEST_RAM + 0x8000   ; the 32-bit guest's PAE PDPT

%macro SETPTE 1
    mov rax, %1
    mov [PT64 + WI * 8], rax
%endmacro
%macro SETCR3 1
    mov rax, %1
    mov cr3, rax
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    mov edi, PT64
    mov ecx, 512
    xor eax, eax
    rep stosq
    mov edi, PD1
    mov ecx, 512
    rep stosq
    mov qword [PD1], PT64 | 7
    mov dword [F(1)], 0x11111111
    mov dword [F(2)], 0x22222222
    mov dword [F(3)], 0x33333333
    mov qword [DESC], 0
    mov qword [DESC + 8], 0
    mov qword [GPDPT + 0], LM_PD + 0x0000 + 1
    mov qword [GPDPT + 8], LM_PD + 0x1000 + 1
    mov qword [GPDPT + 16], LM_PD + 0x2000 + 1
    mov qword [GPDPT + 24], LM_PD + 0x3000 + 1
    SETPTE F(1) | 3
    SETCR3 LM_PML4

    call vmx_on
    xor edi, edi
    call vmx_fresh_vmcs

    ; ---- capabilities ----
    mov ecx, MSR_VMX_PROCBASED2
    rdmsr
    and edx, PROC2_INVPCID
    CHECK32 edx, PROC2_INVPCID, "IA32_VMX_PROCBASED_CTLS2: enable INVPCID may be 1"
    mov ecx, MSR_VMX_CR4_FIXED1
    rdmsr
    and eax, CR4_PCIDE
    CHECK32 eax, CR4_PCIDE, "IA32_VMX_CR4_FIXED1: CR4.PCIDE may be 1"

    ; ---- enable INVPCID = 0: #UD, before INVLPG exiting ----
    VMW EXC_BITMAP, 1 << 6
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY | PROC_INVLPG
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, 0
    RUN g_exit
    VCHECK32 EXIT_REASON, 0, "enable INVPCID = 0: INVPCID is #UD (exception exit)"
    VCHECK32 EXIT_INTR_INFO, 0x80000306, "... interruption info #UD"
    VCHECK GUEST_RIP, g_exit.0, "... at the INVPCID"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_INVLPG
    VMW PROC2_CTLS, PROC2_INVPCID
    RUN g_exit
    VCHECK32 EXIT_REASON, 0, "enable INVPCID set, secondary controls not activated: #UD"
    VCHECK32 EXIT_INTR_INFO, 0x80000306, "... interruption info #UD"

    ; ---- enable INVPCID = 1, INVLPG exiting = 1: exit 58 ----
    VMW EXC_BITMAP, 0
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY | PROC_INVLPG
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_INVPCID
    xor esi, esi
    xor edi, edi
    mov ecx, 99                         ; a bad type: the exit comes first
    RUN g_exit
    EXPECT_EXIT 58, g_exit.0, g_exit.1, "INVPCID RCX, [RSI+RDI*4+12345678H]"
    VCHECK EXIT_QUAL, 0x12345678, "... qualification: the displacement"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 2 | 2 << 7 | 3 << 15 | 7 << 18 | 6 << 23 | 1 << 28, "... info: x4, 64-bit, DS, index RDI, base RSI, type RCX"
    NEXT
    EXPECT_EXIT 58, g_exit.1, g_exit.2, "INVPCID R9, [RBP-8]"
    VCHECK EXIT_QUAL, -8, "... qualification: displacement -8 sign-extended"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 2 << 7 | 2 << 15 | 1 << 22 | 5 << 23 | 9 << 28, "... info: 64-bit, SS, no index, base RBP, type R9"
    NEXT
    EXPECT_EXIT 58, g_exit.2, g_exit.3, "INVPCID RAX, [RIP+g_desc]"
    VCHECK EXIT_QUAL, g_desc, "... qualification: the RIP-relative address"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 2 << 7 | 3 << 15 | 1 << 22 | 1 << 27 | 0 << 28, "... info: 64-bit, DS, no index, no base, type RAX"
    NEXT
    EXPECT_EXIT 58, g_exit.3, g_exit.4, "INVPCID RDX, FS:[EBX*8] (32-bit address)"
    VCHECK EXIT_QUAL, 0, "... qualification: displacement 0"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 3 | 1 << 7 | 4 << 15 | 3 << 18 | 1 << 27 | 2 << 28, "... info: x8, 32-bit, FS, index RBX, no base, type RDX"
    NEXT
    EXPECT_EXIT 58, g_exit.4, g_exit.5, "INVPCID R11, [R8]"
    VCHECK EXIT_QUAL, 0, "... qualification: no displacement"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 2 << 7 | 3 << 15 | 1 << 22 | 8 << 23 | 11 << 28, "... info: 64-bit, DS, no index, base R8, type R11"
    NEXT
    VCHECK32 EXIT_REASON, 18, "after the five exits: VMCALL"
    VMW EXC_BITMAP, 1 << 6
    RUN g_lock
    VCHECK32 EXIT_REASON, 0, "LOCK INVPCID with INVLPG exiting: #UD first"
    VCHECK32 EXIT_INTR_INFO, 0x80000306, "... interruption info #UD"

    ; ---- enable INVPCID = 1, INVLPG exiting = 0: INVPCID runs in the guest (VPID 1) ----
    VMW EXC_BITMAP, 1 << 13
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_INVPCID | PROC2_VPID
    VMW VMCS_VPID, 1
    RUN g_bad
    VCHECK32 EXIT_REASON, 0, "guest INVPCID type 4 without exiting: #GP in the guest"
    VCHECK32 EXIT_INTR_INFO, 0x80000b0d, "... interruption info #GP with error code"
    VCHECK32 EXIT_INTR_ERR, 0, "... error code 0"
    VCHECK GUEST_RIP, g_bad.0, "... at the INVPCID"
    RUN g_read
    VCHECK32 EXIT_REASON, 18, "guest reads W (VPID 1): VMCALL"
    CHECK32 ebx, 0x11111111, "... W maps to F1"
    SETPTE F(2) | 3                     ; the guest's VPID-1 translation of W is now stale
    RUN g_inv
    VCHECK32 EXIT_REASON, 18, "guest INVPCID type 1 without exiting runs: VMCALL"
    CHECK32 ebx, 0x22222222, "... it invalidated the guest's translation of W"

    ; ---- PCIDs across VM exits and entries (VPID 1) ----
    mov rbx, cr4
    or rbx, CR4_PCIDE
    mov cr4, rbx
    VMW HOST_CR4, rbx
    VMW GUEST_CR4, rbx
    SETCR3 LM_PML4 | 1
    mov eax, [WIN]                      ; the host caches W (F2) for PCID 1
    SETPTE F(3) | 3
    VMW HOST_CR3, LM_PML4 | 2
    VMW GUEST_CR3, LM_PML4 | 3
    RUN g_read
    VCHECK32 EXIT_REASON, 18, "guest with PCID 3: VMCALL"
    CHECK32 ebx, 0x33333333, "... reads F3"
    mov rbx, cr3
    CHECK rbx, LM_PML4 | 2, "VM exit loads host CR3 with PCID 2"
    mov eax, [WIN]
    CHECK32 eax, 0x33333333, "host PCID 2 after the exit: PCID 1's translation of W is not used"
    SETPTE F(1) | 3                     ; the guest's (VPID 1, PCID 3) translation is stale now
    VMW GUEST_CR3, LM_PML4 | 4
    RUN g_read
    VCHECK32 EXIT_REASON, 18, "guest entered with PCID 4: VMCALL"
    CHECK32 ebx, 0x11111111, "... its PCID 3 translation of W is not used"
    VMR rbx, GUEST_CR3
    CHECK rbx, LM_PML4 | 4, "... guest CR3 saved with PCID 4"

    ; ---- entry check: CR4.PCIDE needs an IA-32e mode guest (26.3.1.1) ----
    VMW EXC_BITMAP, 0
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, 0
    VMW GUEST_CR3, GPDPT
    VMW GUEST_CS_SEL, SEL_CODE32
    VMW GUEST_CS_AR, 0xc09b
    mov rbx, cr4
    and rbx, ~CR4_PCIDE
    VMW GUEST_CR4, rbx
    RUN g32
    VCHECK32 EXIT_REASON, 18, "32-bit PAE guest with CR4.PCIDE = 0 enters: VMCALL"
    mov rbx, cr4
    VMW GUEST_CR4, rbx
    RUN g32
    VCHECK32 EXIT_REASON, 0x80000021, "32-bit guest with CR4.PCIDE = 1: VM entry fails, invalid guest state"
    VCHECK EXIT_QUAL, 0, "... qualification 0"
    FINISH

; ---- guest code ----
g_exit:
.0: invpcid rcx, [rsi + rdi * 4 + 0x12345678]
.1: invpcid r9, [rbp - 8]
.2: invpcid rax, [rel g_desc]
.3: invpcid rdx, [fs:ebx * 8]
.4: invpcid r11, [r8]
.5: vmcall
g_lock:
    mov esi, DESC
    db 0xf0, 0x66, 0x0f, 0x38, 0x82, 0x0e ; lock invpcid rcx, [rsi]
    vmcall
g_bad:
    mov ecx, 4
.0: invpcid rcx, [DESC]
    vmcall
g_read:
    mov ebx, [WIN]
    vmcall
g_inv:
    mov ecx, 1
    invpcid rcx, [DESC]
    mov ebx, [WIN]
    vmcall
g_desc:
    dq 0, 0
[bits 32]
g32:
    vmcall
END_IMAGE
