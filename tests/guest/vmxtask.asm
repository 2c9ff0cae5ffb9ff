; vmxtask -- task switches in VMX non-root operation (SDM Vol.3C 25.4.2, 27.2.1 table 27-2,
; 27.2.4, 27.2.5, 27.3.3). The guest is a 32-bit protected-mode guest with PAE paging (no IA-32e
; mode guest). Every attempt at a task switch is a VM exit (basic reason 9) that happens instead
; of the switch: CALL and JMP to a TSS and through a task gate, IRET with NT = 1, INT n, INT3,
; INTO and INT1 through task gates in the IDT, hardware exceptions (#UD, #GP with its error code)
; through task gates, and events injected by VM entry that meet a task gate. The hypervisor checks
; the exit qualification (new TSS selector 15:0, source 31:30), the instruction length where
; 27.2.5 defines it, the IDT-vectoring information of events, RF in the saved RFLAGS, and that
; nothing was switched: TR, the busy bits, both TSSs, NT, CR0.TS and the guest's registers. The
; faults that come before the exit (25.4.2 steps 1-4: the gate's P bit and privilege, the new
; TSS selector, its descriptor's type, P bit and limit) are exception exits instead, while the
; old TSS's limit is part of the switch and does not stop the exit.
%define TESTNAME "vmxtask"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

GPDPT   equ TEST_RAM + 0x8000           ; the guest's PAE PDPT (-> lm.inc's page directories)
GIDT    equ TEST_RAM + 0x9000           ; the guest's 32-bit IDT
TSSA    equ TEST_RAM + 0xA000           ; the guest's current task
TSSB    equ TEST_RAM + 0xA100           ; the target task (available)
TSSC    equ TEST_RAM + 0xA200           ; a busy task: the back link for IRET

SEL_TSSA  equ SEL_FREE + 0x00           ; 32-bit TSS, busy: the guest's TR
SEL_TSSB  equ SEL_FREE + 0x08           ; 32-bit TSS, available
SEL_TSSC  equ SEL_FREE + 0x10           ; 32-bit TSS, busy
SEL_TG    equ SEL_FREE + 0x18           ; task gate, DPL 0 -> SEL_TSSB
SEL_TSSS  equ SEL_FREE + 0x20           ; 32-bit TSS, available, limit 0x50 (< 0x67)
SEL_TGNP  equ SEL_FREE + 0x28           ; task gate, not present
SEL_TSSNP equ SEL_FREE + 0x30           ; 32-bit TSS, available, not present
SEL_TGX   equ SEL_FREE + 0x38           ; task gate -> SEL_TSSNP

EIP_MARK  equ 0xdeadbeef                ; TSSA's saved EIP: a task switch would overwrite it
LINK_MARK equ 0x5555                    ; TSSB's back link: CALL would overwrite it
GREG      equ 0x600d600d                ; the guest's EBX

; the IDT-vectoring information / VM-exit interruption information format (24.9.2)
%define EV(type, vec) (0x80000000 | ((type) << 8) | (vec))
%define EVE(type, vec) (EV(type, vec) | 0x800)

; TS_EXIT src, sel, start, end, "desc": a task-switch exit at the instruction [start, end)
%macro TS_EXIT 5
    EXPECT_EXIT 9, %3, %4, %5
    VCHECK EXIT_QUAL, ((%1) << 30) | (%2), {%5, ": qualification (source, new TSS)"}
%endmacro
; EXC_EXIT info, err, rip, "desc": an exception exit through the bitmap
%macro EXC_EXIT 4
    VCHECK32 EXIT_REASON, 0, {%4, ": exception exit"}
    VCHECK32 EXIT_INTR_INFO, %1, {%4, ": interruption information"}
    VCHECK32 EXIT_INTR_ERR, %2, {%4, ": error code"}
    VCHECK GUEST_RIP, %3, {%4, ": guest RIP"}
%endmacro
; UNCHANGED "desc": nothing of the task switch happened
%macro UNCHANGED 1
    VCHECK32 GUEST_TR_SEL, SEL_TSSA, {%1, ": TR unchanged"}
    VCHECK GUEST_TR_BASE, TSSA, {%1, ": TR base unchanged"}
    movzx eax, byte [GDT_BASE + SEL_TSSA + 5]
    CHECK32 eax, 0x8b, {%1, ": old TSS still busy"}
    movzx eax, byte [GDT_BASE + SEL_TSSB + 5]
    CHECK32 eax, 0x89, {%1, ": new TSS still available"}
    CHECK32 dword [TSSA + 0x20], EIP_MARK, {%1, ": old TSS not written"}
    CHECK32 dword [TSSB], LINK_MARK, {%1, ": new TSS back link not written"}
    VCHECKM GUEST_CR0, 8, 0, {%1, ": CR0.TS not set"}
    CHECK32 ebx, GREG, {%1, ": guest EBX unchanged"}
%endmacro
; GRUN label: run the guest at label with RFLAGS = 2; the exit-information fields that an exit
; may leave alone are scrubbed first (VMWRITE to them: IA32_VMX_MISC bit 29), so a stale value
; cannot pass a check
%macro GRUN 1
    VMW GUEST_RFLAGS, 2
    VMW EXIT_INSN_LEN, 15
    VMW IDT_VEC_INFO, 0x7fffffff
    VMW IDT_VEC_ERR, 0x7fffffff
    RUN %1
%endmacro
; INJECT info, err, len
%macro INJECT 3
    VMW ENTRY_INTR_INFO, %1
    VMW ENTRY_EXC_ERR, %2
    VMW ENTRY_INSN_LEN, %3
%endmacro
; TASKGATE vec, sel, access: a task gate in the guest IDT
%macro TASKGATE 3
    mov dword [GIDT + (%1) * 8], (%2) << 16
    mov dword [GIDT + (%1) * 8 + 4], (%3) << 8
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    call vmx_on
    call setup_tasks
    xor edi, edi
    call vmx_fresh_vmcs
    call guest32
    mov ebx, GREG                       ; the guest starts with the host's registers

    ; ---- CALL and JMP to a TSS and through a task gate (qualification source 0 CALL, 2 JMP;
    ; the selector is the new TSS's, also through a gate); instruction length (27.2.5) ----
    GRUN g_jmp
    TS_EXIT 2, SEL_TSSB, g_jmp.1, g_jmp.2, "JMP to a TSS"
    VCHECK32 IDT_VEC_INFO, 0, "JMP: no IDT-vectoring information"
    UNCHANGED "JMP to a TSS"
    VCHECKM GUEST_RFLAGS, 0x14000, 0, "JMP: NT and RF clear"
    GRUN g_call
    TS_EXIT 0, SEL_TSSB, g_call, g_call.1, "CALL to a TSS"
    UNCHANGED "CALL to a TSS"
    VCHECKM GUEST_RFLAGS, 0x4000, 0, "CALL: NT not set"
    VCHECK GUEST_RSP, GUEST_STACK, "CALL: nothing pushed"
    GRUN g_jmpg
    TS_EXIT 2, SEL_TSSB, g_jmpg, g_jmpg.1, "JMP through a task gate"
    UNCHANGED "JMP through a task gate"
    GRUN g_callg
    TS_EXIT 0, SEL_TSSB, g_callg, g_callg.1, "CALL through a task gate"
    UNCHANGED "CALL through a task gate"

    ; ---- IRET with NT = 1: the back link (a busy TSS) is the new TSS; source 1 ----
    mov word [TSSA], SEL_TSSC
    GRUN g_iret
    TS_EXIT 1, SEL_TSSC, g_iret.1, g_iret.2, "IRET with NT=1"
    UNCHANGED "IRET with NT=1"
    VCHECKM GUEST_RFLAGS, 0x4000, 0x4000, "IRET: NT still set"
    movzx eax, byte [GDT_BASE + SEL_TSSC + 5]
    CHECK32 eax, 0x8b, "IRET: the back-link task still busy"

    ; ---- task gates in the IDT (source 3): the event is the IDT-vectoring information; software
    ; interrupts and (privileged) software exceptions report their instruction's length ----
    GRUN g_int40
    TS_EXIT 3, SEL_TSSB, g_int40, g_int40.1, "INT 0x40 through a task gate"
    VCHECK32 IDT_VEC_INFO, EV(4, 0x40), "INT 0x40: IDT-vectoring = software interrupt 0x40"
    UNCHANGED "INT 0x40 through a task gate"
    VCHECK GUEST_RSP, GUEST_STACK, "INT 0x40: nothing pushed"
    GRUN g_int3
    TS_EXIT 3, SEL_TSSB, g_int3, g_int3.1, "INT3 through a task gate"
    VCHECK32 IDT_VEC_INFO, EV(6, 3), "INT3: IDT-vectoring = software exception 3"
    UNCHANGED "INT3 through a task gate"
    GRUN g_into
    TS_EXIT 3, SEL_TSSB, g_into.1, g_into.2, "INTO (OF=1) through a task gate"
    VCHECK32 IDT_VEC_INFO, EV(6, 4), "INTO: IDT-vectoring = software exception 4"
    GRUN g_int1
    TS_EXIT 3, SEL_TSSB, g_int1, g_int1.1, "INT1 through a task gate"
    VCHECK32 IDT_VEC_INFO, EV(5, 1), "INT1: IDT-vectoring = privileged software exception 1"
    UNCHANGED "INT1 through a task gate"
    ; hardware exceptions: fault-like, RF = 1 as the old TSS would have received (27.3.3)
    GRUN g_ud2
    VCHECK32 EXIT_REASON, 9, "#UD through a task gate: task-switch exit"
    VCHECK EXIT_QUAL, (3 << 30) | SEL_TSSB, "#UD: qualification"
    VCHECK GUEST_RIP, g_ud2, "#UD: guest RIP is the UD2"
    VCHECK32 IDT_VEC_INFO, EV(3, 6), "#UD: IDT-vectoring = hardware exception 6"
    VCHECKM GUEST_RFLAGS, 0x10000, 0x10000, "#UD: RF set in the saved RFLAGS"
    UNCHANGED "#UD through a task gate"
    GRUN g_gp
    VCHECK32 EXIT_REASON, 9, "#GP through a task gate: task-switch exit"
    VCHECK GUEST_RIP, g_gp.1, "#GP: guest RIP is the faulting MOV DS"
    VCHECK32 IDT_VEC_INFO, EVE(3, 13), "#GP: IDT-vectoring = hardware exception 13 with error code"
    VCHECK32 IDT_VEC_ERR, 0x200, "#GP: IDT-vectoring error code = the selector"
    VCHECKM GUEST_RFLAGS, 0x10000, 0x10000, "#GP: RF set in the saved RFLAGS"
    UNCHANGED "#GP through a task gate"

    ; ---- events injected by VM entry that meet a task gate: the VM-entry instruction length,
    ; guest RIP not advanced (27.2.4, 27.2.5) ----
    INJECT EV(4, 0x40), 0, 2
    GRUN g_nop
    VCHECK32 EXIT_REASON, 9, "injected INT 0x40: task-switch exit"
    VCHECK EXIT_QUAL, (3 << 30) | SEL_TSSB, "injected INT 0x40: qualification"
    VCHECK32 IDT_VEC_INFO, EV(4, 0x40), "injected INT 0x40: IDT-vectoring"
    VCHECK32 EXIT_INSN_LEN, 2, "injected INT 0x40: the VM-entry instruction length"
    VCHECK GUEST_RIP, g_nop, "injected INT 0x40: guest RIP not advanced"
    INJECT EVE(3, 13), 0x1234, 0
    GRUN g_nop
    VCHECK32 EXIT_REASON, 9, "injected #GP(0x1234): task-switch exit"
    VCHECK32 IDT_VEC_INFO, EVE(3, 13), "injected #GP: IDT-vectoring with error code"
    VCHECK32 IDT_VEC_ERR, 0x1234, "injected #GP: IDT-vectoring error code"
    VCHECK GUEST_RIP, g_nop, "injected #GP: guest RIP"
    INJECT 0, 0, 0

    ; ---- faults that come before the exit (25.4.2 steps 1-4), taken as exception exits ----
    VMW EXC_BITMAP, (1 << 10) | (1 << 11) | (1 << 13)
    GRUN g_jmpbusy
    EXC_EXIT EVE(3, 13), SEL_TSSC, g_jmpbusy, "JMP to a busy TSS: #GP(selector) first"
    GRUN g_jmpsmall
    EXC_EXIT EVE(3, 10), SEL_TSSS, g_jmpsmall, "JMP to a TSS with limit 0x50: #TS(selector) first"
    GRUN g_callnp
    EXC_EXIT EVE(3, 11), SEL_TGNP, g_callnp, "CALL through a not-present task gate: #NP(gate) first"
    GRUN g_jmpx
    EXC_EXIT EVE(3, 11), SEL_TSSNP, g_jmpx, "JMP through a gate to a not-present TSS: #NP(TSS) first"
    mov word [TSSA], SEL_TSSB
    GRUN g_iret
    EXC_EXIT EVE(3, 10), SEL_TSSB, g_iret.1, "IRET to a back link that is not busy: #TS(link) first"
    mov word [TSSA], SEL_TSSC
    GRUN g_int41
    EXC_EXIT EVE(3, 11), 0x41 * 8 + 2, g_int41, "INT 0x41 through a not-present task gate: #NP first"
    VCHECK32 IDT_VEC_INFO, EV(4, 0x41), "... IDT-vectoring = INT 0x41"
    GRUN g_int42
    EXC_EXIT EVE(3, 13), SEL_TSSC, g_int42, "INT 0x42 through a gate to a busy TSS: #GP(TSS) first"
    VCHECK32 IDT_VEC_INFO, EV(4, 0x42), "... IDT-vectoring = INT 0x42"
    ; the old TSS's limit is checked by the task switch itself, after the exit
    VMW GUEST_TR_LIMIT, 0x20
    GRUN g_jmp
    TS_EXIT 2, SEL_TSSB, g_jmp.1, g_jmp.2, "old TSS limit 0x20: the exit comes first (no #TS)"
    VMW GUEST_TR_LIMIT, 0x67

    ; ---- CPL 3: privilege checks on gates for CALL and INT n/INT3, none for exceptions ----
    VMW GUEST_CS_SEL, SEL_UCODE32 | 3
    VMW GUEST_CS_AR, 0xc0fb
    VMW GUEST_SS_SEL, SEL_UDATA | 3
    VMW GUEST_SS_AR, 0xc0f3
    GRUN g_int40
    EXC_EXIT EVE(3, 13), 0x40 * 8 + 2, g_int40, "CPL3 INT 0x40, gate DPL 0: #GP first"
    GRUN g_int3
    EXC_EXIT EVE(3, 13), 3 * 8 + 2, g_int3, "CPL3 INT3, gate DPL 0: #GP first"
    GRUN g_callg
    EXC_EXIT EVE(3, 13), SEL_TG, g_callg, "CPL3 CALL through a DPL 0 task gate: #GP(gate) first"
    GRUN g_call
    EXC_EXIT EVE(3, 13), SEL_TSSB, g_call, "CPL3 CALL to a DPL 0 TSS: #GP(TSS) first"
    GRUN g_ud2
    VCHECK32 EXIT_REASON, 9, "CPL3 #UD through a DPL 0 task gate: no privilege check, task-switch exit"
    VCHECK32 IDT_VEC_INFO, EV(3, 6), "... IDT-vectoring = #UD"
    GRUN g_iret
    TS_EXIT 1, SEL_TSSC, g_iret.1, g_iret.2, "CPL3 IRET with NT=1: no privilege check, exit"
    FINISH

; ---- setup (64-bit host) ----
setup_tasks:
    ; TSS images: zero, with markers where a task switch would write
    mov edi, TSSA
    mov ecx, 0x300
    xor eax, eax
    rep stosb
    mov dword [TSSA + 0x20], EIP_MARK
    mov word [TSSA], SEL_TSSC
    mov word [TSSB], LINK_MARK
    mov rax, DESC(TSSA, 0x67, 0x8b, 0)
    mov [GDT_BASE + SEL_TSSA], rax
    mov rax, DESC(TSSB, 0x67, 0x89, 0)
    mov [GDT_BASE + SEL_TSSB], rax
    mov rax, DESC(TSSC, 0x67, 0x8b, 0)
    mov [GDT_BASE + SEL_TSSC], rax
    mov rax, DESC(SEL_TSSB, 0, 0x85, 0)
    mov [GDT_BASE + SEL_TG], rax
    mov rax, DESC(TSSB, 0x50, 0x89, 0)
    mov [GDT_BASE + SEL_TSSS], rax
    mov rax, DESC(SEL_TSSB, 0, 0x05, 0)
    mov [GDT_BASE + SEL_TGNP], rax
    mov rax, DESC(TSSB, 0x67, 0x09, 0)
    mov [GDT_BASE + SEL_TSSNP], rax
    mov rax, DESC(SEL_TSSNP, 0, 0x85, 0)
    mov [GDT_BASE + SEL_TGX], rax
    ; the guest IDT: 32-bit interrupt gates to idt.inc's recording stubs, and task gates
    xor ecx, ecx
.gate:
    mov eax, [exc32_table + rcx * 4]
    mov edx, eax
    and edx, 0xffff
    or edx, SEL_CODE32 << 16
    mov [GIDT + rcx * 8], edx
    and eax, 0xffff0000
    or eax, 0x8e00
    mov [GIDT + rcx * 8 + 4], eax
    inc ecx
    cmp ecx, 256
    jb .gate
    TASKGATE 1, SEL_TSSB, 0x85
    TASKGATE 3, SEL_TSSB, 0x85
    TASKGATE 4, SEL_TSSB, 0x85
    TASKGATE 6, SEL_TSSB, 0x85
    TASKGATE 13, SEL_TSSB, 0x85
    TASKGATE 0x40, SEL_TSSB, 0x85
    TASKGATE 0x41, SEL_TSSB, 0x05              ; not present
    TASKGATE 0x42, SEL_TSSC, 0x85              ; to a busy TSS
    ; the guest's PAE PDPT: lm.inc's four page directories (PDPTEs have only P; SDM Vol.3A 4.4.1)
    mov qword [GPDPT + 0], LM_PD + 0x0000 + 1
    mov qword [GPDPT + 8], LM_PD + 0x1000 + 1
    mov qword [GPDPT + 16], LM_PD + 0x2000 + 1
    mov qword [GPDPT + 24], LM_PD + 0x3000 + 1
    ret

; guest32: turn vmx_fresh_vmcs's guest into a 32-bit protected-mode guest with PAE paging
; (IA-32e mode guest = 0) and the task-switch test's TR and IDT
guest32:
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, 0
    VMW GUEST_CR3, GPDPT
    VMW GUEST_CS_SEL, SEL_CODE32
    VMW GUEST_CS_AR, 0xc09b
    VMW GUEST_TR_SEL, SEL_TSSA
    VMW GUEST_TR_BASE, TSSA
    VMW GUEST_TR_LIMIT, 0x67
    VMW GUEST_TR_AR, 0x8b
    VMW GUEST_IDTR_BASE, GIDT
    VMW GUEST_IDTR_LIMIT, 0x7ff
    VMW EXC_BITMAP, 0
    ret

; ---- guest code (32-bit) ----
[bits 32]
g_jmp:
    mov ebx, GREG
.1: jmp SEL_TSSB:0
.2: vmcall
g_call:
    call SEL_TSSB:0
.1: vmcall
g_jmpg:
    jmp SEL_TG:0
.1: vmcall
g_callg:
    call SEL_TG:0
.1: vmcall
g_iret:
    pushfd
    or dword [esp], 0x4000              ; NT
    popfd
.1: iretd
.2: vmcall
g_int40:
    int 0x40
.1: vmcall
g_int3:
    int3
.1: vmcall
g_into:
    mov al, 0x7f
    add al, 1                           ; OF = 1
.1: into
.2: vmcall
g_int1:
    db 0xf1                             ; INT1 (ICEBP)
.1: vmcall
g_ud2:
    ud2
.1: vmcall
g_gp:
    mov ax, 0x200                       ; beyond the GDT limit
.1: mov ds, ax
.2: vmcall
g_nop:
    nop
    vmcall
g_jmpbusy:
    jmp SEL_TSSC:0
g_jmpsmall:
    jmp SEL_TSSS:0
g_callnp:
    call SEL_TGNP:0
g_jmpx:
    jmp SEL_TGX:0
g_int41:
    int 0x41
g_int42:
    int 0x42
[bits 64]
END_IMAGE
