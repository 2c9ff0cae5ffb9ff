; debug -- debug registers and single-step in 64-bit mode: DR0-DR3
; instruction breakpoints (fault; resume with RF), data breakpoints
; (write-only / read-write, lengths 1/2/4/8, trap after the access), DR6
; status bits, TF single-step (taken branch, the MOV SS interrupt shadow,
; POPF clearing TF), INT1, general detect (DR7.GD), DR4/DR5 aliasing with
; CR4.DE, #GP for MOV to DR6/DR7 with bits 63:32 set.
; SDM Vol.3A 18.2 (DR0-DR7; 18.2.3 DR6 B0-B3/BD/BS; 18.2.4 DR7 L/G, R/W,
; LEN, GD; 18.2.5 breakpoint field recognition: an access overlapping the
; LEN-aligned range hits), 18.3.1.1 (instruction breakpoint = fault, RF
; suppresses it for one instruction), 18.3.1.2 (data breakpoint = trap),
; 18.3.1.3 (general detect: fault, BD set, GD cleared on #DB entry),
; 18.3.1.4 (single-step trap), 6.8.3 (MOV SS inhibits debug exceptions
; until after the next instruction), Vol.2A INT1 (0xF1), Vol.2A MOV DR
; (#UD for DR4/DR5 with CR4.DE=1; #GP(0) for upper bits of DR6/DR7).
%define TESTNAME "debug"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"

KDATA       equ 0x9000
DBG_COUNT   equ KDATA + 0x00    ; number of #DB taken
DBG_DR6     equ KDATA + 0x08    ; DR6 at the last #DB
DBG_RIP     equ KDATA + 0x10    ; saved RIP of the last #DB
DBG_FIRST   equ KDATA + 0x18    ; saved RIP of the first #DB
DBG_DR7     equ KDATA + 0x20    ; DR7 at the last #DB
DBG_SETRF   equ KDATA + 0x28    ; set RF in the saved RFLAGS
TARGETCNT   equ KDATA + 0x30
DATA        equ 0xA000          ; breakpoint data area (aligned)
DR6_MASK    equ 0x600F          ; BS BD B3..B0 (Bx, plus BT=0x8000 unused)

%macro RESET_DBG 0
    mov dword [DBG_COUNT], 0
    mov qword [DBG_DR6], 0
    mov qword [DBG_RIP], 0
    mov qword [DBG_FIRST], 0
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
    call idt64_init
    SET_GATE 1, dbg_handler, 0x8E
    mov eax, 0xFFFF0FF0
    mov dr6, rax
    PRINTLN "debug: long mode"

    ; ---------------------------------------------- instruction breakpoint
    RESET_DBG
    mov dword [TARGETCNT], 0
    mov dword [DBG_SETRF], 1
    mov rax, ibp_target
    mov dr0, rax
    mov eax, 0x00000301                     ; L0, LE, GE, R/W0=00 LEN0=00
    mov dr7, rax
    call ibp_target
    xor eax, eax
    mov dr7, rax
    CHECK32 dword [DBG_COUNT], 1, "instruction breakpoint: one #DB (RF resumes, 18.3.1.1)"
    CHECK32 dword [DBG_RIP], ibp_target, "... fault: saved RIP = breakpoint address"
    mov eax, [DBG_DR6]
    and eax, DR6_MASK
    CHECK32 eax, 1, "... DR6.B0"
    CHECK32 dword [TARGETCNT], 1, "... instruction executed once after RF"
    ; disabled breakpoint (L0=G0=0) does not fire but still no effect
    RESET_DBG
    mov eax, 0x00000300
    mov dr7, rax
    call ibp_target
    CHECK32 dword [DBG_COUNT], 0, "DR7.L0=0: no instruction breakpoint"
    mov dword [DBG_SETRF], 0

    ; ---------------------------------------------- data breakpoints
    RESET_DBG
    mov rax, DATA
    mov dr1, rax
    mov eax, 0x00D00304                     ; L1, R/W1=01 (write), LEN1=11 (4)
    mov dr7, rax
    mov eax, [DATA]                         ; read: no hit
    CHECK32 dword [DBG_COUNT], 0, "write breakpoint: read does not hit"
.w1: mov byte [DATA + 3], 1
.w1a:
    CHECK32 dword [DBG_COUNT], 1, "write breakpoint: byte write inside the dword hits"
    CHECK32 dword [DBG_RIP], .w1a, "... trap: RIP after the write (18.3.1.2)"
    mov eax, [DBG_DR6]
    and eax, DR6_MASK
    CHECK32 eax, 2, "... DR6.B1 only"
    mov dword [DATA + 4], 1
    CHECK32 dword [DBG_COUNT], 1, "write just past LEN=4: no hit"
    mov word [DATA - 1], 0                  ; overlaps byte 0
    CHECK32 dword [DBG_COUNT], 2, "unaligned write overlapping the range hits"
    ; read/write LEN=2 on DR2, LEN=8 on DR3, LEN=1 on DR0
    RESET_DBG
    xor eax, eax
    mov dr7, rax
    mov rax, DATA + 0x10
    mov dr2, rax
    mov rax, DATA + 0x20
    mov dr3, rax
    mov rax, DATA + 0x31
    mov dr0, rax
    mov eax, 0xB7030351                     ; L0 L2 L3; R/W0=11 LEN0=00 (1);
    mov dr7, rax                            ; R/W2=11 LEN2=01; R/W3=11 LEN3=10
    mov al, [DATA + 0x11]
    CHECK32 dword [DBG_COUNT], 1, "R/W breakpoint LEN=2: read of byte +1 hits"
    mov eax, [DBG_DR6]
    and eax, DR6_MASK
    CHECK32 eax, 4, "... DR6.B2"
    mov al, [DATA + 0x12]
    CHECK32 dword [DBG_COUNT], 1, "LEN=2: byte +2 outside"
    mov al, [DATA + 0x27]
    CHECK32 dword [DBG_COUNT], 2, "LEN=8: read of byte +7 hits"
    mov eax, [DBG_DR6]
    and eax, DR6_MASK
    CHECK32 eax, 8, "... DR6.B3"
    mov rax, [DATA + 0x1C]                  ; bytes 0x1C..0x23 overlap DR3 range
    CHECK32 dword [DBG_COUNT], 3, "LEN=8: overlapping qword read hits"
    mov al, [DATA + 0x30]
    mov al, [DATA + 0x32]
    CHECK32 dword [DBG_COUNT], 3, "LEN=1: neighbouring bytes do not hit"
    mov word [DATA + 0x30], 0
    CHECK32 dword [DBG_COUNT], 4, "LEN=1: word write covering the byte hits"
    mov eax, [DBG_DR6]
    and eax, DR6_MASK
    CHECK32 eax, 1, "... DR6.B0"
    xor eax, eax
    mov dr7, rax

    ; ---------------------------------------------- single-step
    RESET_DBG
    pushfq
    or qword [rsp], 0x100
    popfq
    jmp .ss_t                               ; trap after the jump
    nop
.ss_t:
    pushfq                                  ; trap
    and qword [rsp], ~0x100                 ; trap
    popfq                                   ; trap (TF was 1 at its start)
.ss_end:
    CHECK32 dword [DBG_FIRST], .ss_t, "single-step over a taken JMP: RIP = target"
    CHECK32 dword [DBG_COUNT], 4, "single-step: POPF clearing TF still traps"
    CHECK32 dword [DBG_RIP], .ss_end, "... last trap after the POPF"
    mov eax, [DBG_DR6]
    and eax, DR6_MASK
    CHECK32 eax, 0x4000, "... DR6.BS"
    ; MOV SS shadow
    RESET_DBG
    mov ax, ss
    pushfq
    or qword [rsp], 0x100
    popfq
    mov ss, ax                              ; #DB inhibited until after the next
    nop
.ms1: nop
.ms2: pushfq
    and qword [rsp], ~0x100
    popfq
    CHECK32 dword [DBG_FIRST], .ms1, "MOV SS: single-step trap delayed past the next instruction (6.8.3)"
    CHECK32 dword [DBG_COUNT], 5, "... one trap for MOV SS + NOP"

    ; ---------------------------------------------- INT1
    RESET_DBG
    TRY .i1a                                ; (QEMU 7.2: #UD)
    db 0xF1
.i1a:
    ENDTRY
    CHECK32 dword [DBG_COUNT], 1, "INT1 (0xF1): #DB"
    CHECK32 dword [DBG_RIP], .i1a, "... trap: RIP after INT1"

    ; ---------------------------------------------- general detect
    SET_GATE 1, exc64_stub_1, 0x8E          ; back to the recording stub
    mov eax, 0x2000                         ; GD
    mov dr7, rax
    mov dword [DBG_SETRF], 0
    TRY .gdr
.gd: mov rax, dr0
.gdr:
    ENDTRY
    CHECK32 dword [EXC_VEC], 1, "DR7.GD: MOV from DR raises #DB"
    CHECK32 dword [EXC_RIP], .gd, "... fault: RIP = MOV DR"
    mov eax, [EXC_DR6]
    and eax, DR6_MASK
    CHECK32 eax, 0x2000, "... DR6.BD"
    mov rax, dr7
    and eax, 0x2000
    CHECK32 eax, 0, "... DR7.GD cleared on #DB entry (18.2.4)"

    ; ---------------------------------------------- DR4/DR5, reserved bits
    mov eax, 0xFFFF0FF1
    mov dr6, rax
    mov rax, dr4
    and eax, 0xF
    CHECK32 eax, 1, "CR4.DE=0: DR4 aliases DR6"
    mov eax, 1
    cpuid
    bt edx, 2                               ; DE
    jc .hasde
    SKIP "CR4.DE (CPUID.1:EDX.DE=0)"
    jmp .ded
.hasde:
    mov rax, cr4
    or rax, 1 << 3
    mov cr4, rax
    TRY .de1r
    mov rax, dr4
.de1r:
    CHECK_EXC 6, NOERR, "CR4.DE=1: MOV from DR4 is #UD"
    mov rax, cr4
    and rax, ~(1 << 3)
    mov cr4, rax
.ded:
    mov rax, 0x100000400
    TRY .gp1r
    mov dr7, rax
.gp1r:
    CHECK_EXC 13, 0, "MOV DR7 with bits 63:32 set: #GP(0)"
    mov rax, 0x1FFFF0FF0
    TRY .gp2r
    mov dr6, rax
.gp2r:
    CHECK_EXC 13, 0, "MOV DR6 with bits 63:32 set: #GP(0)"
    FINISH

ibp_target:
    inc dword [TARGETCNT]
    ret

dbg_handler:                    ; [rsp]=RIP +8 CS +16 RFLAGS
    push rax
    mov rax, dr6
    mov [DBG_DR6], rax
    mov rax, dr7
    mov [DBG_DR7], rax
    mov eax, 0xFFFF0FF0
    mov dr6, rax
    mov rax, [rsp + 8]
    mov [DBG_RIP], rax
    cmp dword [DBG_COUNT], 0
    jne .n
    mov [DBG_FIRST], rax
.n: inc dword [DBG_COUNT]
    cmp dword [DBG_SETRF], 0
    je .r
    or qword [rsp + 24], 0x10000            ; RF
.r: pop rax
    iretq
END_IMAGE
