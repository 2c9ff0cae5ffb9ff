; vmxpdbg -- the guest pending-debug-exceptions field (SDM Vol.3C 24.4.2 table 24-4) and #DB VM
; exits (27.1, 27.2.1 table 27-1):
; - saved at VM exit (27.3.4): an exit on the instruction after MOV SS/POP SS while that blocking
;   holds back the MOV SS's single step (BS) or its data breakpoint (B0 and the enabled-breakpoint
;   bit 12); an MTF exit after an instruction run with RFLAGS.TF = 1 (MTF exits come before
;   debug traps, 25.5.2); a trap-like TPR-below-threshold exit after a MOV to CR8 with TF = 1;
;   clear for an exit caused by the #DB itself;
; - loaded at VM entry (26.6.3): without MOV SS blocking, valid pending debug exceptions (BS or
;   bit 12) are a #DB before the first guest instruction, with DR6 updated, or a #DB exit when the
;   exception bitmap has bit 1; B0 alone is not valid; with MOV SS blocking they are held until
;   after the next instruction; with an injected software exception in a MOV SS shadow the #DB
;   follows the delivery of the injected event, at the handler's first instruction;
; - a #DB that exits leaves DR6 alone and reports B0-B3/BS in the exit qualification.
%define TESTNAME "vmxpdbg"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

VAPIC           equ TEST_RAM + 0x4000
VIRTUAL_APIC    equ 0x2012               ; VMCS: virtual-APIC address
TPR_THRESHOLD   equ 0x401c
PROC_TPR_SHADOW equ 1 << 21
PROC_MTF        equ 1 << 27
SSVAL           equ DATA_AREA + 0x100    ; a word holding SEL_DATA64: MOV SS's memory operand
DR6_INIT        equ 0xffff0ff0
BS              equ 1 << 14
ENABLED_BP      equ 1 << 12
DB_EXIT_INFO    equ 0x80000301           ; hardware exception, vector 1

; DBEXIT qual, rip, "desc": a #DB exception exit
%macro DBEXIT 3
    VCHECK32 EXIT_REASON, 0, {%3, ": exception exit"}
    VCHECK32 EXIT_INTR_INFO, DB_EXIT_INFO, {%3, ": #DB"}
    VCHECK EXIT_QUAL, %1, {%3, ": qualification"}
    VCHECK GUEST_RIP, %2, {%3, ": guest RIP"}
    VCHECK GUEST_PENDING_DBG, 0, {%3, ": pending debug exceptions saved clear (the exit is the #DB)"}
    VCHECK32 GUEST_INTERRUPTIBILITY, 0, {%3, ": no blocking (a held #DB follows the shadowed instruction)"}
    mov rax, dr6
    CHECK rax, DR6_INIT, {%3, ": DR6 not written"}
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    call vmx_on
    mov word [SSVAL], SEL_DATA64
    mov eax, DR6_INIT
    mov dr6, rax

    ; ---- MOV SS with TF = 1: the next instruction (RDTSC) exits while MOV SS blocking holds the
    ; single step back: interruptibility "blocking by MOV SS", pending debug exceptions BS ----
    xor edi, edi
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_RDTSC
    RUN g_movss
    EXPECT_EXIT 16, g_movss.2, g_movss.3, "RDTSC after MOV SS with TF=1"
    VCHECK32 GUEST_INTERRUPTIBILITY, 2, "interruptibility: blocking by MOV SS"
    VCHECK GUEST_PENDING_DBG, BS, "pending debug exceptions: BS"
    VCHECKM GUEST_RFLAGS, 0x100, 0x100, "RFLAGS.TF = 1"
    ; resume at the RDTSC without RDTSC exiting: it runs, then the held #DB (BS) comes, here as
    ; an exit through the exception bitmap
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    VMW EXC_BITMAP, 1 << 1
    call vmx_cont
    DBEXIT BS, g_movss.3, "resumed in the MOV SS shadow: #DB after the RDTSC"
    ; the same through the guest IDT: DR6.BS, the frame's RIP after the RDTSC
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_RDTSC
    VMW EXC_BITMAP, 0
    VMW GUEST_RFLAGS, 2
    RUN g_movss
    VCHECK GUEST_PENDING_DBG, BS, "again: pending debug exceptions BS"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    TRY g_vmcall
    call vmx_cont
    CHECK_EXC 1, NOERR, "resumed: #DB delivered to the guest"
    CHECK qword [EXC_RIP], g_movss.3, "#DB frame RIP: after the RDTSC"
    CHECK qword [EXC_DR6], DR6_INIT | BS, "guest DR6 = BS"
    VCHECK32 EXIT_REASON, 18, "the guest handler returned to VMCALL"

    ; ---- a data breakpoint matched by MOV SS is held back too: B0 and bit 12 ----
    mov eax, SSVAL
    mov dr0, rax
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E | ENTRY_LOAD_DEBUG
    VMW GUEST_DR7, 0x400 | 1 | (3 << 16) | (1 << 18)   ; L0, read/write, 2 bytes
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_RDTSC
    VMW GUEST_RFLAGS, 2
    RUN g_movssbp
    EXPECT_EXIT 16, g_movssbp.1, g_movssbp.2, "RDTSC after MOV SS that hit a data breakpoint"
    VCHECK32 GUEST_INTERRUPTIBILITY, 2, "interruptibility: blocking by MOV SS"
    VCHECK GUEST_PENDING_DBG, ENABLED_BP | 1, "pending debug exceptions: B0 and enabled breakpoint"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    VMW EXC_BITMAP, 1 << 1
    call vmx_cont
    DBEXIT 1, g_movssbp.2, "resumed: the held data breakpoint after the RDTSC"
    VMW GUEST_DR7, 0x400
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E

    ; ---- pending debug exceptions at VM entry without blocking: a #DB before the first
    ; instruction (26.6.3) ----
    VMW EXC_BITMAP, 1 << 1
    VMW GUEST_PENDING_DBG, BS
    VMW GUEST_RFLAGS, 2
    RUN g_nop
    DBEXIT BS, g_nop, "entry with pending BS: #DB exit before the first instruction"
    VMW GUEST_PENDING_DBG, ENABLED_BP | 2
    RUN g_nop
    DBEXIT 2, g_nop, "entry with pending B1 + enabled breakpoint: #DB exit"
    VMW GUEST_PENDING_DBG, 1
    RUN g_nop
    VCHECK32 EXIT_REASON, 18, "entry with pending B0 only (not valid): no #DB"
    VMW EXC_BITMAP, 0
    VMW GUEST_PENDING_DBG, ENABLED_BP | 4
    TRY g_vmcall
    RUN g_nop
    CHECK_EXC 1, NOERR, "entry with pending B2 + enabled breakpoint: #DB in the guest"
    CHECK qword [EXC_RIP], g_nop, "#DB frame RIP: the first instruction"
    CHECK qword [EXC_DR6], DR6_INIT | 4, "guest DR6 = B2"
    ; an injected hardware exception makes the entry vectoring: the field is ignored
    VMW GUEST_PENDING_DBG, BS
    VMW ENTRY_INTR_INFO, 0x80000306          ; #UD
    TRY g_vmcall
    RUN g_nop
    CHECK_EXC 6, NOERR, "entry injecting #UD with pending BS: the #UD only"
    VCHECK32 EXIT_REASON, 18, "... and the handler returned to VMCALL without a #DB"
    ; MOV SS blocking at entry holds them until after the next instruction; BS goes with TF
    VMW EXC_BITMAP, 1 << 1
    VMW GUEST_INTERRUPTIBILITY, 2
    VMW GUEST_RFLAGS, 0x102
    VMW GUEST_PENDING_DBG, BS | ENABLED_BP | 8
    RUN g_nop
    DBEXIT BS | 8, g_nop + 1, "entry in a MOV SS shadow: #DB after the first instruction"
    ; an injected software exception (INT3) in a MOV SS shadow: the #DB comes at the #BP
    ; handler's first instruction, as for INT3 after a MOV SS that had a debug trap
    VMW GUEST_INTERRUPTIBILITY, 2
    VMW GUEST_RFLAGS, 0x102
    VMW GUEST_PENDING_DBG, BS
    VMW ENTRY_INTR_INFO, 0x80000603
    VMW ENTRY_INSN_LEN, 1
    RUN g_nop
    DBEXIT BS, exc64_stub_3, "injected INT3 in a MOV SS shadow: #DB at the #BP handler"
    mov rax, [GUEST_STACK - 40]
    CHECK rax, g_nop + 1, "the #BP frame was pushed (return RIP after the INT3)"

    ; ---- MTF exits come before debug traps: the single step is saved pending (25.5.2) ----
    VMW EXC_BITMAP, 0
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_MTF
    VMW GUEST_RFLAGS, 0x102
    RUN g_nop
    VCHECK32 EXIT_REASON, 37, "TF=1 and MTF: MTF exit after the first instruction"
    VCHECK GUEST_RIP, g_nop + 1, "MTF exit: guest RIP after the NOP"
    VCHECK GUEST_PENDING_DBG, BS, "MTF exit: pending debug exceptions BS"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    VMW EXC_BITMAP, 1 << 1
    call vmx_cont
    DBEXIT BS, g_nop + 1, "resumed after the MTF exit: the single step's #DB first"

    ; the instruction in a MOV SS shadow gets its MTF exit too
    VMW EXC_BITMAP, 0
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_MTF
    VMW GUEST_RFLAGS, 2
    RUN g_mtfss
    VCHECK GUEST_RIP, g_mtfss.1, "MTF: exit after the first instruction"
    call vmx_cont
    VCHECK GUEST_RIP, g_mtfss.2, "MTF: exit after the MOV SS"
    VCHECK32 GUEST_INTERRUPTIBILITY, 2, "... in its shadow"
    VCHECK GUEST_PENDING_DBG, 0, "... nothing pending (TF = 0)"
    call vmx_cont
    VCHECK32 EXIT_REASON, 37, "MTF: exit after the instruction in the MOV SS shadow"
    VCHECK GUEST_RIP, g_mtfss.3, "... guest RIP after that one instruction"

    ; ---- a trap-like TPR-below-threshold exit comes before the MOV to CR8's single step ----
    mov dword [VAPIC + 0x80], 0x50
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_TPR_SHADOW
    VMW VIRTUAL_APIC, VAPIC
    VMW TPR_THRESHOLD, 3
    VMW EXC_BITMAP, 0
    VMW GUEST_RFLAGS, 2
    RUN g_cr8
    VCHECK32 EXIT_REASON, 43, "MOV to CR8 with TF=1: TPR-below-threshold exit"
    VCHECK GUEST_RIP, g_cr8.1, "trap-like: guest RIP after the MOV to CR8"
    VCHECK GUEST_PENDING_DBG, BS, "TPR-below-threshold exit: pending debug exceptions BS"
    VCHECK32 GUEST_INTERRUPTIBILITY, 0, "no blocking after the instruction"
    FINISH

; ---- guest code ----
g_vmcall:
    vmcall
    jmp $
g_movss:
    mov eax, ss
    pushfq
    or qword [rsp], 0x100               ; TF: the single step starts after the POPF
    popfq
.1: mov ss, ax                          ; single-stepped; its #DB waits for the next instruction
.2: rdtsc
.3: vmcall
g_movssbp:
.0: mov ss, [SSVAL]                     ; reads the breakpoint's word
.1: rdtsc
.2: vmcall
g_nop:
    nop
    vmcall
g_mtfss:
    mov eax, ss
.1: mov ss, ax
.2: nop
.3: nop
    vmcall
g_cr8:
    mov eax, 2
    pushfq
    or qword [rsp], 0x100
    popfq
.0: mov cr8, rax                        ; the first instruction with TF = 1
.1: vmcall
END_IMAGE
