; tss32 -- 32-bit hardware task switching: CALL/JMP to a TSS descriptor,
; IRET with NT=1, busy bits, previous-task link, state save/restore, #GP
; on busy targets, #TS on IRET to a non-busy back link, #DF delivered
; through a task gate, LTR.
; SDM Vol.3A 7.2 (TSS layout, Figure 7-2), 7.3 (task switch steps: old
; state saved to the current TSS, EIP = next instruction for CALL/JMP and
; the faulting instruction for an exception), 7.4 (task linking; Table 7-2:
; JMP loads the new task's NT from its TSS and clears the old busy bit, CALL/INT set NT and
; write the link, IRET clears NT in the old task's saved EFLAGS and its busy
; bit), 7.2.4/Vol.2A LTR (marks the TSS busy; #GP(sel) if already busy),
; Vol.2A JMP/CALL ("IF TSS is busy THEN #GP(TSS selector)"), Vol.2A IRET
; TASK-RETURN ("IF TSS is not busy THEN #TS(TSS selector)"), 6.15 Int 8
; (#DF: contributory + contributory, error code 0, may use a task gate).
%define TESTNAME "tss32"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "idt.inc"

KDATA   equ 0x9000
TSSB    equ 0x5000
TSSDF   equ 0x5100
TSSC    equ 0x5200
SEL_TSSB  equ SEL_FREE + 0x00
SEL_TSSDF equ SEL_FREE + 0x08
SEL_TSSC  equ SEL_FREE + 0x10
SEL_TGB   equ SEL_FREE + 0x18   ; task gate -> TSSB

%define BUSY(sel) byte [GDT_BASE + (sel) + 5]

; build a TSS image at %1: EIP %2, ESP %3, EFLAGS %4
%macro MKTSS 4
    mov edi, %1
    mov ecx, 0x68
    xor eax, eax
    rep stosb
    mov dword [%1 + 0x20], %2
    mov dword [%1 + 0x24], %4
    mov dword [%1 + 0x38], %3
    mov dword [%1 + 0x48], SEL_DATA32       ; ES
    mov dword [%1 + 0x4C], SEL_CODE32       ; CS
    mov dword [%1 + 0x50], SEL_DATA32       ; SS
    mov dword [%1 + 0x54], SEL_DATA32       ; DS
    mov dword [%1 + 0x58], SEL_DATA32       ; FS
    mov dword [%1 + 0x5C], SEL_DATA32       ; GS
    mov word [%1 + 0x66], 0x68
%endmacro
%macro TSSDESC 2                ; selector, base (< 64 KiB): available 32-bit TSS
    mov dword [GDT_BASE + (%1)], ((%2) << 16) | 0x67
    mov dword [GDT_BASE + (%1) + 4], 0x00008900
%endmacro
%macro TYPE_OF 1                ; EAX <- type nibble of descriptor %1
    movzx eax, BUSY(%1)
    and eax, 0xF
%endmacro

bits 16
main:
    ENTER_PM32
    call idt32_init
    call tss32_setup
    TSSDESC SEL_TSSB, TSSB
    TSSDESC SEL_TSSDF, TSSDF
    TSSDESC SEL_TSSC, TSSC
    mov dword [GDT_BASE + SEL_TGB], SEL_TSSB << 16
    mov dword [GDT_BASE + SEL_TGB + 4], 0x00008500
    PRINTLN "tss32: protected mode"

    ; ---------------------------------------------- CALL to a TSS
    MKTSS TSSB, task_b, 0x28000, 0x0402     ; DF=1 in the image
    mov dword [TSSB + 0x2C], 0xC1C1C1C1
    mov dword [KDATA + 0x10], 0             ; mode: IRET back
    mov eax, 0xAAAA5555
    mov ebx, 0xBBBB0000
    call SEL_TSSB:0
.ret1:
    CHECK32 eax, 0xAAAA5555, "task A: EAX restored after IRET (7.3)"
    CHECK32 ebx, 0xBBBB0000, "task A: EBX restored"
    mov eax, [KDATA + 0x20]
    and eax, ~0x8D5
    CHECK32 eax, 0x4402, "task B: EFLAGS from its TSS, NT set by CALL (Table 7-2)"
    CHECK32 dword [KDATA + 0x24], SEL_TSSB, "task B: TR = new TSS"
    CHECK32 dword [KDATA + 0x28], SEL_TSS, "task B: previous-task link = old TSS"
    CHECK32 dword [KDATA + 0x2C], 0xC1C1C1C1, "task B: ECX from its TSS"
    CHECK32 dword [KDATA + 0x30], .ret1, "old TSS: saved EIP = after CALL"
    CHECK32 dword [KDATA + 0x34], 0xAAAA5555, "old TSS: saved EAX"
    CHECK32 dword [KDATA + 0x38], 0xB, "during CALL: old task stays busy"
    CHECK32 dword [KDATA + 0x3C], 0xB, "during CALL: new task busy"
    TYPE_OF SEL_TSSB
    CHECK32 eax, 9, "after IRET: returning task not busy"
    TYPE_OF SEL_TSS
    CHECK32 eax, 0xB, "after IRET: task A busy"
    mov eax, [TSSB + 0x24]
    and eax, 0x4000
    CHECK32 eax, 0, "IRET clears NT in the old task's saved EFLAGS"
    pushfd
    pop eax
    and eax, 0x4400
    CHECK32 eax, 0, "task A: NT=0, DF=0 after return"
    mov eax, cr0
    and eax, 8
    CHECK32 eax, 8, "task switch sets CR0.TS (2.5)"
    clts

    ; ---------------------------------------------- busy targets (task B
    ; nested through a task gate tries JMP/CALL to busy task A)
    MKTSS TSSB, task_b, 0x28000, 0x0002
    mov dword [KDATA + 0x10], 1
    call SEL_TGB:0
    CHECK32 dword [KDATA + 0x40], 13, "JMP to a busy TSS: #GP"
    CHECK32 dword [KDATA + 0x44], SEL_TSS, "... error = TSS selector"
    CHECK32 dword [KDATA + 0x48], 13, "CALL to a busy TSS: #GP"
    CHECK32 dword [KDATA + 0x4C], SEL_TSS, "... error = TSS selector"
    clts

    ; ---------------------------------------------- JMP to a TSS
    MKTSS TSSB, task_b, 0x28000, 0x4002     ; NT=1 in the image
    mov word [TSSB], 0x1234                 ; link field sentinel
    mov dword [KDATA + 0x10], 2
    mov eax, 0x77
    jmp SEL_TSSB:0
.ret3:
    CHECK32 eax, 0x77, "JMP back: task A EAX restored"
    mov eax, [KDATA + 0x20]
    and eax, ~0x8D5
    CHECK32 eax, 0x4002, "JMP: new task's NT = value from its TSS image (Table 7-2)"
    CHECK32 dword [KDATA + 0x28], 0x1234, "JMP does not write the link field"
    CHECK32 dword [KDATA + 0x38], 9, "JMP: old task marked not busy"
    CHECK32 dword [KDATA + 0x3C], 0xB, "JMP: new task busy"
    TYPE_OF SEL_TSSB
    CHECK32 eax, 9, "JMP back: task B not busy"
    clts

    ; ---------------------------------------------- IRET with NT=1 to a
    ; non-busy back link
    mov word [TSS_AREA], SEL_TSSC
    MKTSS TSSC, task_b, 0x28000, 0x0002
    TRY .ntr
    pushfd
    or dword [esp], 0x4000
    popfd
.nt: iretd
.ntr:
    pushfd
    and dword [esp], ~0x4000
    popfd
    CHECK_EXC 10, SEL_TSSC, "IRET, NT=1, link to a non-busy TSS: #TS(link)"
    CHECK32 dword [EXC_RIP], .nt, "... EIP = IRET"
    mov word [TSS_AREA], 0

    ; ---------------------------------------------- #DF through a task gate
    MKTSS TSSDF, df_task, 0x29000, 0x0002
    mov dword [IDT_BASE + 8*8], SEL_TSSDF << 16
    mov dword [IDT_BASE + 8*8 + 4], 0x00008500
    SET_GATE 13, exc32_stub_13, 0x0E        ; #GP gate not present
    mov dword [KDATA + 0x60], 0xFFFF
    mov bx, 0x200                           ; beyond the GDT limit: #GP
.df: mov es, bx
.dfr:
    SET_GATE 13, exc32_stub_13, 0x8E
    mov ax, SEL_DATA32
    mov es, ax
    CHECK32 dword [KDATA + 0x60], 0, "#DF (#GP then #NP on its gate) via task gate: error 0"
    CHECK32 dword [KDATA + 0x68], SEL_TSS, "#DF task: link = interrupted task"
    mov eax, [KDATA + 0x64]
    and eax, 0x4000
    CHECK32 eax, 0x4000, "#DF task: NT=1 (task gate acts like CALL)"
    CHECK32 dword [KDATA + 0x6C], .df, "interrupted TSS: EIP = faulting instruction"
    TYPE_OF SEL_TSSDF
    CHECK32 eax, 9, "#DF task not busy after its IRET"
    clts

    ; ---------------------------------------------- LTR
    mov ax, SEL_TSSB
    ltr ax
    TYPE_OF SEL_TSSB
    CHECK32 eax, 0xB, "LTR marks the TSS busy"
    str ax
    movzx eax, ax
    CHECK32 eax, SEL_TSSB, "STR after LTR"
    mov ax, SEL_TSSB
    TRY .ltr1r
    ltr ax
.ltr1r:
    CHECK_EXC 13, SEL_TSSB, "LTR of a busy TSS: #GP(sel)"
    mov ax, SEL_DATA32
    TRY .ltr2r
    ltr ax
.ltr2r:
    CHECK_EXC 13, SEL_DATA32, "LTR of a non-TSS descriptor: #GP(sel)"
    FINISH

; ------------------------------------------------------------ tasks
task_b:
    pushfd
    pop eax
    mov [KDATA + 0x20], eax
    cld
    str ax
    movzx eax, ax
    mov [KDATA + 0x24], eax
    movzx eax, word [TSSB]
    mov [KDATA + 0x28], eax
    mov [KDATA + 0x2C], ecx
    mov eax, [TSS_AREA + 0x20]
    mov [KDATA + 0x30], eax
    mov eax, [TSS_AREA + 0x28]
    mov [KDATA + 0x34], eax
    TYPE_OF SEL_TSS
    mov [KDATA + 0x38], eax
    TYPE_OF SEL_TSSB
    mov [KDATA + 0x3C], eax
    mov eax, 0xDEADBEEF
    mov ebx, eax
    cmp dword [KDATA + 0x10], 1
    je .busy
    ja .jmp
    iretd
    jmp task_b
.busy:
    TRY .b1
    jmp SEL_TSS:0
.b1: mov eax, [EXC_VEC]
    mov [KDATA + 0x40], eax
    mov eax, [EXC_ERR]
    mov [KDATA + 0x44], eax
    TRY .b2
    call SEL_TSS:0
.b2: mov eax, [EXC_VEC]
    mov [KDATA + 0x48], eax
    mov eax, [EXC_ERR]
    mov [KDATA + 0x4C], eax
    ENDTRY
    iretd
    jmp task_b
.jmp:
    jmp SEL_TSS:0
    jmp task_b

df_task:
    mov eax, [esp]
    mov [KDATA + 0x60], eax
    pushfd
    pop eax
    mov [KDATA + 0x64], eax
    movzx eax, word [TSSDF]
    mov [KDATA + 0x68], eax
    mov eax, [TSS_AREA + 0x20]
    mov [KDATA + 0x6C], eax
    mov dword [TSS_AREA + 0x20], main.dfr
    add esp, 4
    iretd
    jmp df_task
END_IMAGE
