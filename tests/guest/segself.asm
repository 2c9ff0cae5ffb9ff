; segself -- segmentation/privilege transfer self-test (32-bit PM):
;   call gate CPL3->CPL0 with parameter copy and RETF n to the outer level
;     (SDM Vol.3A 5.8.5/5.8.6 "Returning from a Called Procedure": RETF to an
;     outer level nulls data segment registers whose DPL < new CPL),
;   task switch through a task gate with CALL, IRET with NT=1, JMP to a TSS
;     (SDM Vol.3A 7.3 task switching, 7.4 task linking: NT, back link, busy
;     bits; CR0.TS set on every task switch),
;   SYSENTER/SYSEXIT (SDM Vol.2B SYSENTER, SYSEXIT: CS/SS from
;     IA32_SYSENTER_CS, ESP/EIP from the MSRs, SYSENTER clears IF/VM/RF),
;   IRET to virtual-8086 mode and INT n from v86 back to CPL0
;     (SDM Vol.3A 20.3.1.1: frame with GS/FS/DS/ES, data segments nulled).
%define TESTNAME "segself"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "idt.inc"
%include "user.inc"

KDATA   equ 0x9000
UDATA   equ 0x38000
SEL_CG    equ SEL_FREE + 0x00
SEL_TSSB  equ SEL_FREE + 0x08
SEL_TGATE equ SEL_FREE + 0x10
TSSB      equ 0x5000

bits 16
main:
    MASK_PIC                ; the SYSENTER user code runs with IF=1
    ENTER_PM32
    call idt32_init
    call tss32_setup
    PRINTLN "segself: in protected mode"
    ; ---- call gate: DPL3, 32-bit, 2 params, to SEL_CODE32:gate_target
    mov eax, gate_target
    mov edx, eax
    and eax, 0xFFFF
    or eax, SEL_CODE32 << 16
    mov [GDT_BASE + SEL_CG], eax
    and edx, 0xFFFF0000
    or edx, 0xEC02
    mov [GDT_BASE + SEL_CG + 4], edx
    mov eax, ucode_cg
    mov edx, 2
    call user32_call
    CHECK32 dword [UDATA], 0x3333, "call gate: params copied (sum)"
    CHECK32 dword [UDATA+4], 0, "RETF to CPL3 nulls ES with DPL0"
    CHECK32 dword [UDATA+8], USTACK_TOP, "RETF 8: user ESP"
    CHECK32 dword [KDATA], SEL_UDATA|3, "call gate: old SS pushed"
    CHECK32 dword [KDATA+4], USTACK_TOP - 8, "call gate: old ESP pushed"
    CHECK32 dword [KDATA+8], SEL_DATA32, "call gate: SS from TSS"
    CHECK32 dword [KDATA+12], KSTACK0_TOP - 24, "call gate: ESP from TSS - frame"
    CHECK32 dword [KDATA+16], SEL_UCODE32|3, "call gate: old CS pushed"

    ; ---- task switch
    mov edi, TSSB
    mov ecx, 0x68
    xor eax, eax
    rep stosb
    mov dword [TSSB + 0x20], task_b
    mov dword [TSSB + 0x24], 2
    mov dword [TSSB + 0x38], 0x28000
    mov dword [TSSB + 0x48], SEL_DATA32
    mov dword [TSSB + 0x4C], SEL_CODE32
    mov dword [TSSB + 0x50], SEL_DATA32
    mov dword [TSSB + 0x54], SEL_DATA32
    mov dword [TSSB + 0x58], SEL_DATA32
    mov dword [TSSB + 0x5C], SEL_DATA32
    mov dword [GDT_BASE + SEL_TSSB], (TSSB << 16) | 0x67
    mov dword [GDT_BASE + SEL_TSSB + 4], 0x00008900
    mov dword [GDT_BASE + SEL_TGATE], SEL_TSSB << 16
    mov dword [GDT_BASE + SEL_TGATE + 4], 0x00008500
    mov dword [KDATA+0x2c], 0
    mov eax, 0x12345678
    call SEL_TGATE:0
    CHECK32 eax, 0x12345678, "task A EAX restored after IRET"
    CHECK32 dword [KDATA+0x20], 0x4002, "task B: NT set by CALL"
    CHECK32 dword [KDATA+0x24], SEL_TSSB, "task B: STR"
    CHECK32 dword [KDATA+0x28], SEL_TSS, "task B: back link"
    mov eax, [GDT_BASE + SEL_TSSB + 4]
    shr eax, 8
    and eax, 0xF
    CHECK32 eax, 9, "task B not busy after IRET"
    mov eax, [GDT_BASE + SEL_TSS + 4]
    shr eax, 8
    and eax, 0xF
    CHECK32 eax, 0xB, "task A busy"
    mov eax, cr0
    and eax, 8
    CHECK32 eax, 8, "CR0.TS set by task switch"
    clts
    str ax
    movzx eax, ax
    CHECK32 eax, SEL_TSS, "back in task A"
    mov dword [KDATA+0x2c], 1
    mov eax, 0x55
    jmp SEL_TSSB:0
    CHECK32 eax, 0x55, "task A EAX after JMP back"
    and dword [KDATA+0x20], ~0x8D5
    CHECK32 dword [KDATA+0x20], 0x0002, "task B: NT clear for JMP"
    clts

    ; ---- SYSENTER / SYSEXIT
    mov ecx, 0x174
    mov eax, SEL_CODE32
    xor edx, edx
    wrmsr
    mov ecx, 0x175
    mov eax, KSTACK0_TOP - 0x100
    wrmsr
    mov ecx, 0x176
    mov eax, sysenter_target
    wrmsr
    mov eax, ucode_se
    mov edx, 0x202
    call user32_call
    CHECK32 dword [KDATA+0x40], SEL_CODE32, "SYSENTER: CS"
    CHECK32 dword [KDATA+0x44], SEL_CODE32+8, "SYSENTER: SS"
    CHECK32 dword [KDATA+0x48], KSTACK0_TOP - 0x100, "SYSENTER: ESP"
    and dword [KDATA+0x4c], ~0x8D5
    CHECK32 dword [KDATA+0x4c], 0x002, "SYSENTER: IF cleared"
    CHECK32 dword [UDATA+0x10], SEL_CODE32+16+3, "SYSEXIT: CS"
    CHECK32 dword [UDATA+0x14], SEL_CODE32+24+3, "SYSEXIT: SS"
    CHECK32 dword [UDATA+0x18], USTACK_TOP - 0x10, "SYSEXIT: ESP"

    ; ---- v86
    SET_GATE 0x50, v86_int, 0xEE
    mov [KDATA+0x60], esp
    push dword 0            ; gs
    push dword 0x1234       ; fs
    push dword 0            ; ds
    push dword 0            ; es
    push dword 0            ; ss
    push dword 0x7000       ; esp
    push dword 0x23002      ; VM | IOPL3
    push dword 0xF000
    push dword ROFS(v86code)
    iretd
v86_back:
    CHECK32 dword [KDATA+0x64], ROFS(v86int)+2, "v86 INT: saved IP"
    CHECK32 dword [KDATA+0x68], 0xF000, "v86 INT: saved CS"
    CHECK32 dword [KDATA+0x6c], 0x23002, "v86 INT: saved EFLAGS"
    CHECK32 dword [KDATA+0x70], 0x7000, "v86 INT: saved SP"
    CHECK32 dword [KDATA+0x78], 0x4321, "v86 INT: saved ES"
    CHECK32 dword [KDATA+0x80], 0x1234, "v86 INT: saved FS"
    CHECK32 dword [KDATA+0x88], 0, "v86 INT: DS nulled"
    CHECK32 dword [KDATA+0x8c], 0x77, "v86 code ran"
    FINISH

bits 16
v86code:
    mov ax, 0x4321
    mov es, ax
    mov byte [KDATA+0x8c], 0x77
v86int:
    int 0x50
    jmp $

bits 32
v86_int:
    xor eax, eax
    mov ax, ds
    mov [ss:KDATA+0x88], eax
    mov ax, SEL_DATA32
    mov ds, ax
    mov eax, [esp]
    mov [KDATA+0x64], eax
    mov eax, [esp+4]
    mov [KDATA+0x68], eax
    mov eax, [esp+8]
    mov [KDATA+0x6c], eax
    mov eax, [esp+12]
    mov [KDATA+0x70], eax
    mov eax, [esp+20]
    mov [KDATA+0x78], eax
    mov eax, [esp+28]
    mov [KDATA+0x80], eax
    mov ax, SEL_DATA32
    mov ds, ax
    mov fs, ax
    mov gs, ax
    mov esp, [KDATA+0x60]
    jmp v86_back

ucode_cg:
    push dword 0x1111
    push dword 0x2222
    call SEL_CG|3:0
    mov [UDATA], eax
    xor eax, eax
    mov ax, es
    mov [UDATA+4], eax
    mov [UDATA+8], esp
    int USER_RET_VEC

gate_target:
    mov eax, [esp+20]
    mov [KDATA], eax
    mov eax, [esp+16]
    mov [KDATA+4], eax
    xor eax, eax
    mov ax, ss
    mov [KDATA+8], eax
    mov [KDATA+12], esp
    mov eax, [esp+4]
    mov [KDATA+16], eax
    mov eax, [esp+8]
    add eax, [esp+12]
    push eax
    mov ax, SEL_DATA32
    mov es, ax
    pop eax
    retf 8

task_b:
    pushfd
    pop eax
    mov [KDATA+0x20], eax
    str ax
    movzx eax, ax
    mov [KDATA+0x24], eax
    movzx eax, word [TSSB]
    mov [KDATA+0x28], eax
    mov eax, 0xdeadbeef
    cmp dword [KDATA+0x2c], 0
    jne .j
    iretd
    jmp task_b
.j: jmp SEL_TSS:0
    jmp task_b

ucode_se:
    mov ecx, USTACK_TOP - 0x10
    mov edx, .back
    sysenter
.back:
    xor eax, eax
    mov ax, cs
    mov [UDATA+0x10], eax
    mov ax, ss
    mov [UDATA+0x14], eax
    mov [UDATA+0x18], esp
    mov ax, SEL_UDATA|3
    mov ss, ax
    int USER_RET_VEC

sysenter_target:
    xor eax, eax
    mov ax, cs
    mov [KDATA+0x40], eax
    mov ax, ss
    mov [KDATA+0x44], eax
    mov [KDATA+0x48], esp
    pushfd
    pop eax
    mov [KDATA+0x4c], eax
    sysexit

END_IMAGE
