; vmxintr -- asynchronous VM exits (SDM Vol.3C 25.2, 26.7.5, 25.5.1) with the local APIC timer
; as interrupt source: interrupt-window exiting (at entry, after STI and its shadow, after a
; POPF that ends a long IF=0 loop, with blocking by STI at entry), blocking by STI / MOV SS saved in the interruptibility state;
; external-interrupt exiting with and without "acknowledge interrupt on exit"; the window exit
; before the external-interrupt exit; HLT in the guest and the HLT activity state ended by an
; interrupt; the VMX-preemption timer (value 0, about value << rate instructions, "save VMX-
; preemption timer value", waking HLT).
%define TESTNAME "vmxintr"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
APIC    equ 0xfee00000
VEC     equ 0x50                            ; LAPIC timer vector: ISR/IRR word 2, bit 16
RATE    equ DATA_AREA + 0x200               ; IA32_VMX_MISC[4:0]
%macro APIC_W 2
    push rsi
    mov esi, APIC                           ; zero-extended (a disp32 would sign-extend)
    mov dword [rsi + %1], %2
    pop rsi
%endmacro
%macro APIC_R 2                             ; APIC_R r32, reg
    push rsi
    mov esi, APIC
    mov %1, [rsi + %2]
    pop rsi
%endmacro
%macro TIMER 1                              ; one-shot, %1 ns from now (divide by 1)
    APIC_W 0x380, %1
%endmacro
%macro EOI 0
    APIC_W 0xb0, 0
%endmacro
bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    MASK_PIC
    call vmx_on
    xor edi, edi
    call vmx_fresh_vmcs
    APIC_W 0xf0, 0x1ff                      ; software-enable the APIC
    APIC_W 0x3e0, 0xb                       ; divide by 1
    APIC_W 0x320, VEC                       ; timer: one-shot, vector 0x50

    ; ---- interrupt-window exiting (25.2, 26.7.5) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_INTR_WINDOW
    VMW GUEST_RFLAGS, 0x202
    RUN g_win
    VCHECK32 EXIT_REASON, 7, "IF=1 at entry: interrupt-window exit"
    VCHECK GUEST_RIP, g_win, "... before the first guest instruction"
    VMW GUEST_RFLAGS, 2
    RUN g_win
    VCHECK32 EXIT_REASON, 7, "IF=0 at entry, the guest does STI: interrupt-window exit"
    VCHECK GUEST_RIP, g_win.2, "... after STI and the instruction in its shadow"
    VCHECK32 GUEST_INTERRUPTIBILITY, 0, "... with no blocking left"
    ; IF=0 while the guest runs a loop of many blocks, then POPF sets IF: the exit comes right
    ; after the POPF (turtles looks at the window only where IF can have become 1)
    VMW GUEST_RFLAGS, 2
    RUN g_popf
    VCHECK32 EXIT_REASON, 7, "IF=0 through a loop, then POPF sets IF: interrupt-window exit"
    VCHECK GUEST_RIP, g_popf.1, "... right after the POPF"
    CHECK32 ecx, 0, "... after the whole loop"
    VMW GUEST_RFLAGS, 0x202
    VMW GUEST_INTERRUPTIBILITY, 1
    RUN g_win
    VCHECK GUEST_RIP, g_win + 1, "entry with blocking by STI: one instruction runs, then the exit"
    VMW GUEST_RFLAGS, 2
    VMW GUEST_INTERRUPTIBILITY, 1
    RUN g_vmcall
    VCHECK32 EXIT_REASON, 0x80000021, "blocking by STI with IF=0: the entry fails (26.3.1.5)"
    VMW GUEST_INTERRUPTIBILITY, 0
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    RUN g_shadow
    EXPECT_EXIT 10, g_shadow.1, g_shadow.2, "CPUID right after STI"
    VCHECK32 GUEST_INTERRUPTIBILITY, 1, "interruptibility saved: blocking by STI"
    NEXT
    EXPECT_EXIT 10, g_shadow.3, g_shadow.4, "CPUID right after MOV SS"
    VCHECK32 GUEST_INTERRUPTIBILITY, 2, "interruptibility saved: blocking by MOV SS"
    VMW GUEST_RFLAGS, 2

    ; ---- external-interrupt exiting (25.2), acknowledge interrupt on exit (27.2.2) ----
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, PIN_EXTINT
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_ACK_INTR
    TIMER 2000
    RUN g_loop
    VCHECK32 EXIT_REASON, 1, "timer interrupt, guest IF=0: external-interrupt exit"
    VCHECK32 EXIT_INTR_INFO, 0x80000000 | VEC, "acknowledged: interruption info has vector 0x50"
    APIC_R ebx, 0x120
    and ebx, 1 << 16
    CHECK32 ebx, 1 << 16, "the vector is in service (ISR) after the acknowledge"
    EOI
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64
    TIMER 2000
    RUN g_loop
    VCHECK32 EXIT_REASON, 1, "without acknowledge: external-interrupt exit"
    VCHECK32 EXIT_INTR_INFO, 0, "... interruption info not valid"
    APIC_R ebx, 0x220
    and ebx, 1 << 16
    CHECK32 ebx, 1 << 16, "... the interrupt is still requested (IRR)"
    TRY .taken
    sti
    nop
    jmp $
.taken:
    cli
    CHECK_EXC VEC, NOERR, "the host takes it through its IDT after STI"
    EOI
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, 0
    VMW GUEST_RFLAGS, 0x202
    TIMER 2000
    TRY g_vmcall
    RUN g_loop
    CHECK_EXC VEC, NOERR, "no external-interrupt exiting, IF=1: the guest takes it"
    EOI
    ; both controls with an interrupt pending: the window exit comes first (25.2)
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, PIN_EXTINT
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_ACK_INTR
    TIMER 10
.irr:
    APIC_R ebx, 0x220
    bt ebx, 16
    jnc .irr
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_INTR_WINDOW
    RUN g_loop
    VCHECK32 EXIT_REASON, 7, "interrupt pending, IF=1, both controls: interrupt-window exit first"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    RUN g_loop
    VCHECK32 EXIT_REASON, 1, "then, without window exiting, the external-interrupt exit"
    VCHECK32 EXIT_INTR_INFO, 0x80000000 | VEC, "... vector 0x50"
    VCHECK GUEST_RIP, g_loop, "... before any guest instruction"
    EOI
    VMW GUEST_RFLAGS, 2
    ; a request the guest raises itself while its IF = 0 (a self-IPI through the ICR, 11.6.1)
    ; exits within a few guest instructions, not when the emulator's run budget ends
    RUN g_selfipi
    VCHECK32 EXIT_REASON, 1, "self-IPI from the guest, IF=0: external-interrupt exit"
    VCHECK32 EXIT_INTR_INFO, 0x80000000 | VEC, "... vector 0x50"
    xor eax, eax
    cmp rcx, 16
    setb al
    CHECK32 eax, 1, "... within a few guest instructions of the ICR write"
    EOI
    ; with blocking by MOV SS the exit still comes (whether that blocking holds it back for one
    ; instruction is implementation-specific, SDM Vol.3C 25.4.1, so RIP is not checked)
    TIMER 10
.irr2:
    APIC_R ebx, 0x220
    bt ebx, 16
    jnc .irr2
    VMW GUEST_INTERRUPTIBILITY, 2
    RUN g_win
    VCHECK32 EXIT_REASON, 1, "interrupt pending, blocking by MOV SS at entry: external-interrupt exit"
    VCHECK32 EXIT_INTR_INFO, 0x80000000 | VEC, "... vector 0x50"
    EOI

    ; ---- HLT: the guest halts (IF=0); the interrupt ends it with an exit (27.3.4) ----
    TIMER 3000
    RUN g_hlt
    VCHECK32 EXIT_REASON, 1, "guest HLT with IF=0, then the timer: external-interrupt exit"
    VCHECK GUEST_RIP, g_hlt.1, "guest RIP after the HLT"
    VCHECK32 GUEST_ACTIVITY, 1, "saved activity state: HLT"
    EOI
    VMW GUEST_ACTIVITY, 1
    TIMER 3000
    RUN g_vmcall
    VCHECK32 EXIT_REASON, 1, "entry in the HLT activity state, then the timer: exit"
    VCHECK GUEST_RIP, g_vmcall, "no guest instruction ran"
    EOI
    VMW GUEST_ACTIVITY, 0

    ; ---- the VMX-preemption timer (25.5.1) ----
    mov ecx, MSR_VMX_MISC
    rdmsr
    and eax, 0x1f
    mov [RATE], eax
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, 0
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_SAVE_PREEMPT
    RUN g_vmcall
    CHECK32 eax, 1, "save-timer control without the timer: VMfailValid"
    VCHECK32 VM_INSN_ERROR, 7, "... error 7 (26.2.1.2)"
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, PIN_PREEMPT
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64
    VMW PREEMPT_TIMER, 0
    RUN g_loop
    VCHECK32 EXIT_REASON, 52, "timer value 0: preemption-timer exit"
    VCHECK GUEST_RIP, g_loop, "... before any guest instruction"
    VMW PREEMPT_TIMER, 100
    xor ecx, ecx
    RUN g_loop
    VCHECK32 EXIT_REASON, 52, "timer value 100: preemption-timer exit"
    lea rbx, [rcx * 2]                      ; two instructions per iteration
    mov ecx, [RATE]
    mov eax, 100
    shl eax, cl
    sub ebx, eax
    add ebx, 64
    cmp ebx, 128
    setb bl
    movzx ebx, bl
    CHECK32 ebx, 1, "... after 100 << rate instructions, within 64"
    VCHECK32 PREEMPT_TIMER, 100, "without the save control the field keeps its value"
    vmx_set_ctl EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST64 | EXIT_SAVE_PREEMPT
    VMW PREEMPT_TIMER, 1000
    RUN g_short
    VCHECK32 EXIT_REASON, 18, "timer value 1000, VMCALL after about 100 instructions"
    VMR rbx, PREEMPT_TIMER
    sub ebx, 990
    cmp ebx, 10
    setb bl
    movzx ebx, bl
    CHECK32 ebx, 1, "saved timer value: 1000 minus the ticks so far (990-999)"
    NEXT
    VCHECK32 EXIT_REASON, 52, "VMRESUME counts on from the saved value: exit"
    VCHECK32 PREEMPT_TIMER, 0, "saved timer value after the timer exit: 0"
    VMW PREEMPT_TIMER, 50
    RUN g_hlt
    VCHECK32 EXIT_REASON, 52, "the preemption timer ends a guest HLT (IF=0)"
    VCHECK32 GUEST_ACTIVITY, 1, "saved activity state: HLT"
    VMW GUEST_ACTIVITY, 0
    FINISH

; ---- guest code ----
g_vmcall:
    vmcall
    jmp $
g_win:
    nop
    sti
.1: nop                                 ; in the STI shadow
.2: nop
    vmcall
g_popf:
    mov ecx, 1000
.l: dec ecx
    jnz .l
    pushfq
    or qword [rsp], 0x200
    popfq
.1: nop
    vmcall
g_shadow:
    sti
.1: cpuid
.2: mov ax, ss
    mov ss, ax
.3: cpuid
.4: vmcall
g_loop:
    inc rcx
    jmp g_loop
g_selfipi:
    xor ecx, ecx
    mov esi, APIC
    mov dword [rsi + 0x300], 0x40000 | VEC  ; shorthand self, fixed
.1: inc rcx
    jmp .1
g_hlt:
    hlt
.1: vmcall
g_short:
    mov ecx, 50
.l: loop .l
    vmcall
    jmp g_loop
END_IMAGE
