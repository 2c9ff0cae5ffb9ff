; vmxevents -- events and VM exits (SDM Vol.3C 24.8.3, 25.2, 26.2.1.3, 26.5, 27.2.2-27.2.5):
; event injection at VM entry (hardware exception with error code, software interrupt and
; software exception with instruction length, external interrupt) delivered through the guest
; IDT; the VM-entry checks on the injection fields; the exception bitmap with the #PF error-code
; mask/match and CR2; INT3 and INT1 as software / privileged software exceptions, INT n (CD 03)
; not; IDT-vectoring information for a fault during delivery of INT n; TSC offsetting; triple
; fault (exit 2).
%define TESTNAME "vmxevents"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
MSRBM   equ VMX_SCRATCH
TSCOFF  equ 0x1000000000
T0      equ DATA_AREA + 0x200                ; host TSC before the entry
; INJECT info, err, len: VM-entry interruption information, error code, instruction length
%macro INJECT 3
    VMW ENTRY_INTR_INFO, %1
    VMW ENTRY_EXC_ERR, %2
    VMW ENTRY_INSN_LEN, %3
%endmacro
; BADINJ info, err, len, "desc": the injection fields fail the control checks (26.2.1.3)
%macro BADINJ 4
    INJECT %1, %2, %3
    RUN g_vmcall
    CHECK32 eax, 1, {%4, ": VMfailValid"}
    VCHECK32 VM_INSN_ERROR, 7, {%4, ": error 7"}
%endmacro
bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    MASK_PIC                            ; the guest runs with IF=1 at times
    call vmx_on
    xor edi, edi
    call vmx_fresh_vmcs

    ; ---- injection (26.5.1): delivered through the guest IDT before the first instruction ----
    INJECT 0x80000b0d, 0x10, 0
    TRY g_vmcall
    RUN g_nop
    CHECK_EXC 13, 0x10, "injected #GP(0x10)"
    CHECK32 dword [EXC_RIP], g_nop, "#GP frame RIP = guest RIP"
    VCHECK32 EXIT_REASON, 18, "the guest handler returned to VMCALL"
    VCHECK32 ENTRY_INTR_INFO, 0x00000b0d, "VM exit clears the valid bit of the entry interruption info"
    INJECT 0x80000440, 0, 2
    TRY g_vmcall
    RUN g_nop
    CHECK_EXC 0x40, NOERR, "injected software interrupt 0x40"
    CHECK32 dword [EXC_RIP], g_nop + 2, "frame RIP = guest RIP + instruction length 2"
    INJECT 0x80000603, 0, 1
    TRY g_vmcall
    RUN g_nop
    CHECK_EXC 3, NOERR, "injected software exception #BP"
    CHECK32 dword [EXC_RIP], g_nop + 1, "frame RIP = guest RIP + instruction length 1"
    INJECT 0x80000041, 0, 0
    RUN g_vmcall
    VCHECK32 EXIT_REASON, 0x80000021, "injected external interrupt with RFLAGS.IF=0: entry fails (33)"
    VMW GUEST_RFLAGS, 0x202
    TRY g_vmcall
    RUN g_nop
    CHECK_EXC 0x41, NOERR, "injected external interrupt 0x41 (IF=1)"
    CHECK32 dword [EXC_RIP], g_nop, "frame RIP = guest RIP"
    VMW GUEST_RFLAGS, 2
    ; an injected NMI goes through vector 2 and blocks NMIs until IRET (26.5.1.1; Vol.3A 6.7.1)
    SET_GATE 2, g_vmcall, 0x8e
    INJECT 0x80000202, 0, 0
    RUN g_nop
    VCHECK32 EXIT_REASON, 18, "injected NMI: delivered through IDT vector 2"
    VCHECKM GUEST_INTERRUPTIBILITY, 8, 8, "... blocking by NMI in the handler"
    VMW GUEST_RIP, g_iret
    call vmx_cont
    VCHECK32 EXIT_REASON, 18, "the handler's IRET returns to the guest"
    VCHECKM GUEST_INTERRUPTIBILITY, 8, 0, "... and ends the blocking by NMI"
    SET_GATE 2, exc64_stub_2, 0x8e
    ; the control checks on the injection fields (26.2.1.3)
    BADINJ 0x80000141, 0, 0, "type 1 (reserved)"
    BADINJ 0x80000320, 0, 0, "hardware exception vector 32"
    BADINJ 0x8000030d, 0, 0, "#GP without deliver-error-code"
    BADINJ 0x80000b06, 0, 0, "#UD with deliver-error-code"
    BADINJ 0x80010b0d, 0, 0, "reserved bit 16 set"
    BADINJ 0x80000203, 0, 0, "NMI with vector 3"
    BADINJ 0x80000440, 0, 16, "software interrupt, instruction length 16"
    BADINJ 0x80000b0d, 0x10000, 0, "error code with bits 31:16 set"
    INJECT 0, 0, 0

    ; ---- exception bitmap (25.2): #GP exits with its error code, at the faulting instruction ----
    VMW EXC_BITMAP, 1 << 13
    RUN g_gp
    VCHECK32 EXIT_REASON, 0, "#GP exits (exception bitmap bit 13)"
    VCHECK32 EXIT_INTR_INFO, 0x80000b0d, "interruption info: valid, error code, hardware exception, 13"
    VCHECK32 EXIT_INTR_ERR, 0, "interruption error code 0"
    VCHECK GUEST_RIP, g_gp.1, "guest RIP = the faulting MOV"
    ; #PF: bit 14 = 1 exits when (PFEC & mask) == match; bit 14 = 0 when it differs
    mov rax, 0x5555000
    mov cr2, rax
    VMW EXC_BITMAP, 1 << 14
    VMW PF_EC_MASK, 2
    VMW PF_EC_MATCH, 2
    RUN g_pfw
    VCHECK32 EXIT_REASON, 0, "#PF on a write, bit 14 = 1, W matches: exit"
    VCHECK32 EXIT_INTR_INFO, 0x80000b0e, "interruption info: #PF with error code"
    VCHECK32 EXIT_INTR_ERR, 2, "error code 2 (write, not present)"
    VCHECK EXIT_QUAL, 0x100000000, "qualification = faulting linear address"
    mov rax, cr2
    CHECK rax, 0x5555000, "CR2 not written by a #PF that exits"
    TRY g_vmcall
    RUN g_pfr
    CHECK_EXC 14, 0, "#PF on a read (PFEC 0 & 2 != 2): delivered to the guest"
    CHECK qword [EXC_CR2], 0x100000000, "... with CR2 set"
    VMW EXC_BITMAP, 0
    RUN g_pfr
    VCHECK32 EXIT_REASON, 0, "#PF on a read, bit 14 = 0, no match: exit"
    TRY g_vmcall
    RUN g_pfw
    CHECK_EXC 14, 2, "#PF on a write, bit 14 = 0, match: delivered to the guest"
    VMW PF_EC_MASK, 0
    VMW PF_EC_MATCH, 0

    ; ---- INT3 and INT1: software and privileged software exceptions (types 6, 5) exit through
    ; the bitmap with instruction length at the instruction (27.2.2, 27.2.5); INT n is type 4
    ; and never consults the bitmap ----
    VMW EXC_BITMAP, (1 << 3) | (1 << 1)
    RUN g_int3
    EXPECT_EXIT 0, g_int3, g_int3.1, "INT3"
    VCHECK32 EXIT_INTR_INFO, 0x80000603, "INT3: software exception, vector 3"
    NEXT
    EXPECT_EXIT 0, g_int3.1, g_int3.2, "INT1"
    VCHECK32 EXIT_INTR_INFO, 0x80000501, "INT1: privileged software exception, vector 1"
    TRY g_vmcall
    NEXT
    CHECK_EXC 3, NOERR, "INT 3 (CD 03) is a software interrupt: delivered, no exit"
    VMW EXC_BITMAP, 0
    ; IDT-vectoring information: INT 0x40 through a not-present gate, #NP exits (27.2.4)
    and byte [IDT_BASE + 0x40 * 16 + 5], 0x7f
    VMW EXC_BITMAP, 1 << 11
    RUN g_int40
    EXPECT_EXIT 0, g_int40, g_int40.1, "#NP during delivery of INT 0x40"
    VCHECK32 EXIT_INTR_INFO, 0x80000b0b, "interruption info: #NP with error code"
    VCHECK32 EXIT_INTR_ERR, 0x40 * 8 + 2, "error code: IDT, vector 0x40"
    VCHECK32 IDT_VEC_INFO, 0x80000440, "IDT-vectoring info: software interrupt 0x40"
    INJECT 0x80000440, 0, 2
    RUN g_nop
    VCHECK32 EXIT_REASON, 0, "#NP during delivery of an injected INT 0x40: exit"
    VCHECK32 IDT_VEC_INFO, 0x80000440, "IDT-vectoring info: the injected event"
    VCHECK GUEST_RIP, g_nop, "guest RIP: the entry's, not advanced by the length"
    VCHECK32 EXIT_INSN_LEN, 2, "instruction length: the VM-entry instruction length"
    INJECT 0, 0, 0
    or byte [IDT_BASE + 0x40 * 16 + 5], 0x80
    VMW EXC_BITMAP, 0

    ; ---- TSC offsetting (25.3): RDTSC and RDMSR IA32_TSC in the guest add the offset ----
    mov edi, MSRBM
    mov ecx, 0x1000
    xor eax, eax
    rep stosb
    VMW MSR_BITMAP, MSRBM
    VMW TSC_OFFSET, TSCOFF
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_TSC_OFFSET | PROC_MSR_BITMAPS
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov [T0], rax
    RUN g_tsc
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov rcx, TSCOFF
    sub r8, rcx
    sub r9, rcx
    xor ebx, ebx
    xor ecx, ecx
    cmp r8, [T0]
    seta bl
    cmp rax, r8
    seta bh
    cmp r9, r8                          ; (the TSC may not advance within a decoded block)
    setae cl
    cmp rax, r9
    seta ch
    CHECK32 ebx, 0x0101, "guest RDTSC - offset lies between the host's TSC reads"
    CHECK32 ecx, 0x0101, "guest RDMSR IA32_TSC - offset: not before RDTSC, before the host's"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    RUN g_tsc
    rdtsc
    shl rdx, 32
    or rax, rdx
    xor ebx, ebx
    cmp rax, r8
    seta bl
    CHECK32 ebx, 1, "without TSC offsetting the guest TSC is the host's"

    ; ---- triple fault in the guest: VM exit 2 (25.2) ----
    VMW GUEST_IDTR_LIMIT, 0
    RUN g_gp.1
    VCHECK32 EXIT_REASON, 2, "#UD with IDT limit 0 escalates to a triple fault: exit 2"
    FINISH

; ---- guest code ----
g_vmcall:
    vmcall
    jmp $
g_nop:
    nop
    nop
    nop
    vmcall
g_iret:
    iretq
g_gp:
    mov rbx, 0x8000000000000000
.1: mov rax, [rbx]
    ud2
g_pfw:
    mov rbx, 0x100000000
    mov [rbx], eax
    vmcall
g_pfr:
    mov rbx, 0x100000000
    mov eax, [rbx]
    vmcall
g_int3:
    int3
.1: int1
.2: db 0xcd, 0x03                       ; INT 3, the two-byte form
    vmcall
g_int40:
    int 0x40
.1: vmcall
g_tsc:
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r8, rax
    mov ecx, 0x10
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov r9, rax
    vmcall
END_IMAGE
