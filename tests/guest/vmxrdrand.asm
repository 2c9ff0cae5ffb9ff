; vmxrdrand -- the secondary controls "RDRAND exiting" (bit 11) and "RDSEED exiting" (bit 16)
; (SDM Vol.3C 25.1.3): both allowed by IA32_VMX_PROCBASED_CTLS2 (Vol.3D A.3.3); exit reasons
; 57 (RDRAND) and 61 (RDSEED) (Appendix C), fault-like with the guest RIP at the instruction,
; its length (27.2.5), and instruction information with the destination register in bits 6:3
; and the operand size in bits 12:11 (0 = 16, 1 = 32, 2 = 64 bits; 27.2.5 table 27-12; the
; other bits are undefined and masked here); the destination unchanged by an exiting
; instruction; each control alone; both 0, or "activate secondary controls" 0: the instructions
; run; LOCK RDRAND is #UD before the exit (25.1.1).
%define TESTNAME "vmxrdrand"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

PROC2_RDRAND    equ 1 << 11
PROC2_RDSEED    equ 1 << 16
INFO_MASK       equ 0x1878              ; bits 12:11 (operand size) and 6:3 (register)
SENTINEL        equ 0x5a5a5a5a5a5a5a5a

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup

    mov eax, 1
    cpuid
    bt ecx, 30
    jc .have_rdrand
    SKIP "RDRAND: CPUID.1:ECX[30] is clear"
    FINISH
.have_rdrand:
    mov eax, 7
    xor ecx, ecx
    cpuid
    bt ebx, 18
    jc .have_rdseed
    SKIP "RDSEED: CPUID.(7,0):EBX[18] is clear"
    FINISH
.have_rdseed:
    call vmx_on
    xor edi, edi
    call vmx_fresh_vmcs

    ; ---- the capability MSR allows both controls to be 1 (A.3.3: bits 63:32) ----
    mov ecx, MSR_VMX_PROCBASED2
    rdmsr
    and edx, PROC2_RDRAND | PROC2_RDSEED
    CHECK32 edx, PROC2_RDRAND | PROC2_RDSEED, "IA32_VMX_PROCBASED_CTLS2: RDRAND and RDSEED exiting may be 1"

    ; ---- both controls 1: every instruction exits, its destination unchanged ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_RDRAND | PROC2_RDSEED
    mov r10, SENTINEL
    mov rbx, SENTINEL
    RUN g_rnd
    EXPECT_EXIT 57, g_rnd.0, g_rnd.1, "RDRAND EAX"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 0 << 3 | 1 << 11, "RDRAND EAX: info register 0, 32-bit"
    NEXT
    EXPECT_EXIT 57, g_rnd.1, g_rnd.2, "RDRAND R10"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 10 << 3 | 2 << 11, "RDRAND R10: info register 10, 64-bit"
    CHECK r10, SENTINEL, "RDRAND R10 exits before writing R10"
    NEXT
    EXPECT_EXIT 57, g_rnd.2, g_rnd.3, "RDRAND CX"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 1 << 3 | 0 << 11, "RDRAND CX: info register 1, 16-bit"
    NEXT
    EXPECT_EXIT 61, g_rnd.3, g_rnd.4, "RDSEED RBX"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 3 << 3 | 2 << 11, "RDSEED RBX: info register 3, 64-bit"
    CHECK rbx, SENTINEL, "RDSEED RBX exits before writing RBX"
    NEXT
    EXPECT_EXIT 61, g_rnd.4, g_rnd.5, "RDSEED R13D"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 13 << 3 | 1 << 11, "RDSEED R13D: info register 13, 32-bit"
    NEXT
    EXPECT_EXIT 61, g_rnd.5, g_rnd.6, "RDSEED SI"
    VCHECKM EXIT_INSN_INFO, INFO_MASK, 6 << 3 | 0 << 11, "RDSEED SI: info register 6, 16-bit"
    NEXT
    VCHECK32 EXIT_REASON, 18, "after the six exits: VMCALL"

    ; ---- RDRAND exiting only: RDSEED runs ----
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_RDRAND
    RUN g_rnd.3
    VCHECK32 EXIT_REASON, 18, "RDRAND exiting only: the RDSEEDs run (next exit: VMCALL)"
    RUN g_rnd
    EXPECT_EXIT 57, g_rnd.0, g_rnd.1, "RDRAND exiting only: RDRAND EAX exits"

    ; ---- RDSEED exiting only: RDRAND runs, the first exit is the RDSEED ----
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_RDSEED
    mov r10, SENTINEL
    RUN g_rnd
    EXPECT_EXIT 61, g_rnd.3, g_rnd.4, "RDSEED exiting only: RDRANDs run, RDSEED RBX exits"
    mov rax, SENTINEL
    cmp r10, rax
    setne al
    movzx eax, al
    CHECK32 eax, 1, "... the guest's RDRAND R10 wrote R10"

    ; ---- both 0: nothing exits until the VMCALL; CF=1 in the guest ----
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, 0
    RUN g_rnd
    VCHECK32 EXIT_REASON, 18, "both controls 0: all six run (next exit: VMCALL)"
    VCHECK GUEST_RIP, g_rnd.6, "... at the VMCALL"
    RUN g_cf
    VCHECK32 EXIT_REASON, 18, "guest RDRAND and RDSEED with exiting 0"
    CHECK32 ebx, 0x101, "... CF=1 after each in the guest"

    ; ---- both set in the secondary controls, but "activate secondary controls" is 0: those
    ; controls are all 0 (24.6.2), nothing exits ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    VMW PROC2_CTLS, PROC2_RDRAND | PROC2_RDSEED
    RUN g_rnd
    VCHECK32 EXIT_REASON, 18, "secondary controls not activated: all six run (next exit: VMCALL)"

    ; ---- LOCK RDRAND: #UD before the RDRAND exit (25.1.1) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_RDRAND | PROC2_RDSEED
    VMW EXC_BITMAP, 1 << 6
    RUN g_lock
    VCHECK32 EXIT_REASON, 0, "LOCK RDRAND with RDRAND exiting: #UD first (exception exit)"
    VCHECK32 EXIT_INTR_INFO, 0x80000306, "interruption info: #UD"
    VCHECK GUEST_RIP, g_lock, "... at the LOCK RDRAND"
    VMW EXC_BITMAP, 0
    FINISH

; ---- guest code ----
g_rnd:
.0: rdrand eax
.1: rdrand r10
.2: rdrand cx
.3: rdseed rbx
.4: rdseed r13d
.5: rdseed si
.6: vmcall
g_cf:
    xor ebx, ebx
    stc
    cmc                                 ; CF=0 before each
    rdrand eax
    setc bl
    clc
    rdseed eax
    setc bh
    vmcall
g_lock:
    db 0xf0, 0x0f, 0xc7, 0xf0           ; lock rdrand eax
    vmcall
END_IMAGE
