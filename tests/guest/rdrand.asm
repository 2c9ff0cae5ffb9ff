; rdrand -- RDRAND (0F C7 /6) and RDSEED (0F C7 /7) in 64-bit mode (SDM Vol.2 RDRAND, RDSEED;
; Vol.1 7.3.17): the CPUID bits (CPUID.1:ECX[30], CPUID.(EAX=7,ECX=0):EBX[18]); CF=1 and
; OF SF ZF AF PF = 0 after each; 16-bit destinations keep bits 63:16, 32-bit ones zero bits 63:32,
; 64-bit ones (REX.W) and REX.B registers; successive values differ; LOCK is #UD, and a memory
; operand is not RDRAND (it is VMPTRLD/VMPTRST, #UD outside VMX operation). turtles' numbers are
; deterministic (tests/unit/test_exec.c checks the sequence; tests/rdrand-seed.sh runs this image
; with several -seed values and compares the first value printed), a real DRNG's are not: the
; checks here hold for both.
%define TESTNAME "rdrand"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"

ARITH   equ 0x8d5                   ; OF SF ZF AF PF CF
VALS    equ TEST_RAM                ; 8 qwords

; FLAGS_AFTER insn: runs insn with OF SF ZF AF PF set and CF clear; EAX <- the arithmetic flags
%macro FLAGS_AFTER 1+
    push qword ARITH & ~1 | 2
    popfq
    %1
    pushfq
    pop rax
    and eax, ARITH
%endmacro

; SUCCESSIVE insn, "desc": 8 values from insn (writing RAX) are pairwise different neighbours
%macro SUCCESSIVE 2
    xor ecx, ecx
%%fill:
    %1
    mov [VALS + rcx * 8], rax
    inc ecx
    cmp ecx, 8
    jb %%fill
    xor ecx, ecx
    xor edx, edx                    ; count of equal neighbours
%%cmp:
    mov rax, [VALS + rcx * 8]
    cmp rax, [VALS + rcx * 8 + 8]
    jne %%ne
    inc edx
%%ne:
    inc ecx
    cmp ecx, 7
    jb %%cmp
    CHECK32 edx, 0, %2
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init

    mov eax, 1
    cpuid
    test ecx, 1 << 30
    jnz .have_rdrand
    SKIP "RDRAND: CPUID.1:ECX[30] is clear"
    jmp .seed
.have_rdrand:
    OK "CPUID.1:ECX[30]: RDRAND"
    rdrand rax                      ; printed for tests/rdrand-seed.sh (turtles: same every run)
    PRINT "first RDRAND: "
    PRINTHEX rax
    PRINTLN ""
    FLAGS_AFTER rdrand rbx
    CHECK32 eax, 1, "RDRAND r64: CF=1, OF SF ZF AF PF = 0"
    FLAGS_AFTER rdrand ebx
    CHECK32 eax, 1, "RDRAND r32: CF=1, OF SF ZF AF PF = 0"
    FLAGS_AFTER rdrand bx
    CHECK32 eax, 1, "RDRAND r16: CF=1, OF SF ZF AF PF = 0"
    mov rbx, 0x1122334455667788
    rdrand bx
    shr rbx, 16
    CHECK rbx, 0x112233445566, "RDRAND r16 keeps bits 63:16"
    mov rbx, -1
    rdrand ebx
    shr rbx, 32
    CHECK rbx, 0, "RDRAND r32 zeroes bits 63:32"
    ; a 64-bit value has a non-zero upper half (the chance of a failure is 8 in 2^32)
    xor edx, edx
    mov ecx, 8
.upper:
    rdrand r9
    shr r9, 32
    or rdx, r9
    dec ecx
    jnz .upper
    test rdx, rdx
    setnz dl
    movzx edx, dl
    CHECK32 edx, 1, "RDRAND r9 (REX.W REX.B): 8 values, bits 63:32 not all zero"
    SUCCESSIVE rdrand rax, "RDRAND: 8 successive values, no neighbours equal"
    TRY .lock_r
    db 0xf0, 0x0f, 0xc7, 0xf0       ; lock rdrand eax
.lock_r:
    CHECK_EXC 6, NOERR, "LOCK RDRAND: #UD"
    TRY .mem_r
    db 0x0f, 0xc7, 0x30             ; 0F C7 /6 with mod 0: VMPTRLD [rax], not RDRAND
.mem_r:
    CHECK_EXC 6, NOERR, "0F C7 /6 with a memory operand outside VMX operation: #UD"

.seed:
    mov eax, 7
    xor ecx, ecx
    cpuid
    test ebx, 1 << 18
    jnz .have_rdseed
    SKIP "RDSEED: CPUID.(7,0):EBX[18] is clear"
    FINISH
.have_rdseed:
    OK "CPUID.(7,0):EBX[18]: RDSEED"
    FLAGS_AFTER rdseed rbx
    CHECK32 eax, 1, "RDSEED r64: CF=1, OF SF ZF AF PF = 0"
    FLAGS_AFTER rdseed ecx
    CHECK32 eax, 1, "RDSEED r32: CF=1, OF SF ZF AF PF = 0"
    FLAGS_AFTER rdseed cx
    CHECK32 eax, 1, "RDSEED r16: CF=1, OF SF ZF AF PF = 0"
    mov rbx, 0x1122334455667788
    rdseed bx
    shr rbx, 16
    CHECK rbx, 0x112233445566, "RDSEED r16 keeps bits 63:16"
    mov r12, -1
    rdseed r12d
    shr r12, 32
    CHECK r12, 0, "RDSEED r12d zeroes bits 63:32"
    SUCCESSIVE rdseed rax, "RDSEED: 8 successive values, no neighbours equal"
    TRY .lock_s
    db 0xf0, 0x0f, 0xc7, 0xf8       ; lock rdseed eax
.lock_s:
    CHECK_EXC 6, NOERR, "LOCK RDSEED: #UD"
    FINISH
END_IMAGE
