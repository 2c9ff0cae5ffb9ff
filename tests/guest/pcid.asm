; pcid -- process-context identifiers and INVPCID (SDM Vol.3A 4.10.1 PCIDs, 4.10.2.4 global
; pages, 4.10.4.1 operations that invalidate TLBs; Vol.2 MOV CR, INVPCID; 2.5 CR4.PCIDE):
; - CPUID.1:ECX[17] (PCID) and CPUID.(EAX=7,ECX=0):EBX[10] (INVPCID), checked (not skipped:
;   the corei7 model must have them); without them the test stops there (QEMU 7.2 TCG's
;   "max" CPU has neither);
; - CR4.PCIDE: #GP(0) when set outside IA-32e mode or while CR3[11:0] != 0; rewriting it as 1
;   with a PCID in CR3 is fine; clearing CR0.PG while it is 1 is #GP(0) (from compatibility
;   mode, where clearing PG would otherwise leave IA-32e mode);
; - MOV CR3 with CR4.PCIDE = 1: bits 11:0 are read back, bit 63 ("do not invalidate") is not
;   stored; with CR4.PCIDE = 0 bit 63 is reserved (#GP(0));
; - the TLB: only what the SDM guarantees is asserted, so that a processor that keeps more
;   (tags translations by PCID) passes as well as one that flushes more (turtles). Every PTE
;   change happens before the PCID that must see it becomes current, since a processor caches
;   translations only for the current PCID (and may do so at any time). Asserted: a PCID made
;   current by MOV CR3 with bit 63 set never uses another PCID's translation; MOV CR3 without
;   bit 63 invalidates the PCID's translations; INVPCID type 0 and 1 for the current PCID and
;   for another one; type 2 drops global translations and other PCIDs' ones; type 3 drops other
;   PCIDs' non-global ones; clearing CR4.PCIDE drops global translations too. Not asserted (the
;   SDM allows either): whether a stale translation survives a noflush switch back to its PCID;
; - INVPCID faults: #GP(0) for a type above 3 (the type register is 64 bits in 64-bit mode),
;   descriptor bits 63:12, a non-canonical address for type 0 (not for type 1), a PCID other
;   than 0 for types 0 and 1 with CR4.PCIDE = 0 (types 2 and 3 ignore it), CPL 3; #UD for a
;   register operand and LOCK; #PF on the descriptor's page;
; - INVPCID in real-address mode runs (#GP only for the operand checks, there without error
;   code).
%define TESTNAME "pcid"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "user.inc"

PT64    equ LM_PT_END           ; 4 KiB page table for 0x40000000-0x401FFFFF
PD1     equ LM_PD + 0x1000      ; PD covering 1-2 GiB
WI      equ 0x1A5               ; W's PTE index: TLB slot 1A5H, which no other page in use
                                ; shares (turtles' TLB is direct-mapped by bits 21:12), so
                                ; only an invalidation drops W's translation
WIN     equ 0x40000000 + WI * 0x1000 ; the test page W
HOLE    equ 0x40001000          ; PT64[1]: not present
FR      equ 0x300000            ; frames F1..F4 at FR, FR + 0x1000, ...
DESC    equ DATA_AREA           ; the INVPCID descriptor (16 bytes)
UDATA   equ 0x38000             ; CPL3 results
RM_VEC  equ 0x0700              ; real mode: word, vector seen by rm_exc*
RM_RES  equ 0x0702              ; real mode: word, IP to resume at

CR4_PGE     equ 1 << 7
CR4_PCIDE   equ 1 << 17
NOFLUSH     equ 1 << 63
PTE_G       equ 0x100

%define F(n) (FR + ((n) - 1) * 0x1000)  ; frame Fn holds the dword 0xn...n

%macro SETVEC 2                 ; real mode: IVT[vec] = F000:ROFS(handler)
    mov word [(%1)*4], ROFS(%2)
    mov word [(%1)*4+2], 0xF000
%endmacro
%macro SETCR3 1                 ; CR3 <- value (64-bit immediate)
    mov rax, %1
    mov cr3, rax
%endmacro
%macro SETPTE 1                 ; W's PTE <- value; no invalidation
    mov rax, %1
    mov [PT64 + WI * 8], rax
%endmacro
%macro INVPCID 3                ; type, PCID (descriptor bits 63:0), linear address
    mov rax, %2
    mov [DESC], rax
    mov rax, %3
    mov [DESC + 8], rax
    mov rcx, %1
    invpcid rcx, [DESC]
%endmacro
%macro READW 0                  ; eax <- the dword at W
    mov eax, [WIN]
%endmacro
%macro NO_EXC 1                 ; no exception since the last TRY
    ENDTRY
    CHECK32 dword [EXC_VEC], 0xFFFFFFFF, %1
%endmacro

bits 16
main:
    ; ---------------------------------------------------- CPUID (without both, stop here)
    mov eax, 1
    cpuid
    shr ecx, 17
    and ecx, 1
    mov esi, ecx
    CHECK32 ecx, 1, "CPUID.1:ECX[17]: PCID"
    mov eax, 7
    xor ecx, ecx
    cpuid
    shr ebx, 10
    and ebx, 1
    and esi, ebx
    CHECK32 ebx, 1, "CPUID.(7,0):EBX[10]: INVPCID"
    test esi, esi
    jnz .have
    FINISH
.have:
    ; ---------------------------------------------------- real-address mode
    SETVEC 6, rm_exc6
    SETVEC 13, rm_exc13
    mov dword [DESC], 0
    mov dword [DESC + 4], 0
    mov word [RM_VEC], 0xFFFF
    mov word [RM_RES], ROFS(.rm1)
    mov eax, 2
    invpcid eax, [DESC]
.rm1:
    CHECK16 word [RM_VEC], 0xFFFF, "real mode: INVPCID type 2 runs"
    mov word [RM_VEC], 0xFFFF
    mov word [RM_RES], ROFS(.rm2)
    mov eax, 4
    invpcid eax, [DESC]
.rm2:
    CHECK16 word [RM_VEC], 13, "real mode: INVPCID type 4 is #GP"

    ; ---------------------------------------------------- protected mode, no IA-32e
    ENTER_PM32
    call idt32_init
    TRY .pm1
    mov eax, cr4
    or eax, CR4_PCIDE
    mov cr4, eax
.pm1:
    CHECK_EXC 13, 0, "CR4.PCIDE outside IA-32e mode: #GP(0)"

    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup

    ; the test window: PD1[0] -> PT64, W = PT64[WI]; frames Fn hold 0xn...n
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
    mov dword [F(4)], 0x44444444
    SETCR3 LM_PML4

    ; ---------------------------------------------------- MOV CR3 bit 63 without PCIDE
    TRY .g63
    SETCR3 NOFLUSH | LM_PML4
.g63:
    CHECK_EXC 13, 0, "CR4.PCIDE = 0: MOV CR3 with bit 63 is #GP(0)"

    ; ---------------------------------------------------- CR4.PCIDE rules
    SETCR3 LM_PML4 | 0x020      ; bit 5: ignored without PCIDE, but CR3[11:0] != 0
    TRY .c1
    mov rax, cr4
    or rax, CR4_PCIDE
    mov cr4, rax
.c1:
    CHECK_EXC 13, 0, "setting CR4.PCIDE with CR3[11:0] != 0: #GP(0)"
    mov rax, cr4
    and eax, CR4_PCIDE
    CHECK32 eax, 0, "... CR4.PCIDE stays 0"
    SETCR3 LM_PML4
    TRY .c2
    mov rax, cr4
    or rax, CR4_PCIDE | CR4_PGE
    mov cr4, rax
.c2:
    NO_EXC "setting CR4.PCIDE in IA-32e mode with CR3[11:0] = 0"
    mov rax, cr4
    and eax, CR4_PCIDE
    CHECK32 eax, CR4_PCIDE, "... CR4.PCIDE reads 1"

    ; ---------------------------------------------------- CR3 with PCIDE
    SETCR3 LM_PML4 | 0x123
    mov rbx, cr3
    CHECK rbx, LM_PML4 | 0x123, "MOV CR3 with PCIDE: PCID 123H read back"
    SETCR3 NOFLUSH | LM_PML4 | 0x045
    mov rbx, cr3
    CHECK rbx, LM_PML4 | 0x045, "MOV CR3 with bit 63: bit 63 not stored, PCID 045H"
    TRY .c3
    mov rax, cr4
    mov cr4, rax
.c3:
    NO_EXC "MOV CR4 keeping PCIDE = 1 while CR3[11:0] != 0"

    ; clearing CR0.PG with PCIDE = 1, from compatibility mode
    push SEL_CODE32
    push qword .compat
    retfq
bits 32
.compat:
    TRY .c4
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax                ; must fault; if it does not, paging (and IA-32e) come back
    or eax, 0x80000000
    mov cr0, eax
.c4:
    CHECK_EXC 13, 0, "clearing CR0.PG with CR4.PCIDE = 1 (compatibility mode): #GP(0)"
    jmp SEL_CODE64:.back64
bits 64
.back64:
    mov rax, cr0
    shr eax, 31
    CHECK32 eax, 1, "... CR0.PG stays 1"

    ; ---------------------------------------------------- TLB: noflush switches
    SETPTE F(1) | 3
    SETCR3 LM_PML4 | 1
    READW
    CHECK32 eax, 0x11111111, "PCID 1: W maps to F1"
    SETPTE F(2) | 3
    SETCR3 NOFLUSH | LM_PML4 | 2
    READW
    CHECK32 eax, 0x22222222, "noflush switch to PCID 2: PCID 1's translation of W is not used"
    SETCR3 NOFLUSH | LM_PML4 | 1
    READW
    PRINT "noflush switch back to PCID 1 reads (F1 or F2 allowed): "
    PRINTHEX rax
    PRINTLN ""
    SETCR3 LM_PML4 | 1
    READW
    CHECK32 eax, 0x22222222, "MOV CR3 to PCID 1 without bit 63 invalidates its translations"

    ; ---------------------------------------------------- INVPCID type 0
    SETPTE F(3) | 3             ; current PCID 1 holds F2 for W
    INVPCID 0, 1, WIN
    READW
    CHECK32 eax, 0x33333333, "INVPCID type 0, current PCID: W re-walked"
    SETCR3 LM_PML4 | 3
    READW                       ; PCID 3 caches F3
    SETCR3 NOFLUSH | LM_PML4 | 1
    SETPTE F(1) | 3
    INVPCID 0, 3, WIN
    SETCR3 NOFLUSH | LM_PML4 | 3
    READW
    CHECK32 eax, 0x11111111, "INVPCID type 0 for PCID 3 from PCID 1: PCID 3 re-walks W"

    ; ---------------------------------------------------- INVPCID type 1
    SETPTE F(2) | 3             ; current PCID 3 holds F1 for W
    INVPCID 1, 3, 0
    READW
    CHECK32 eax, 0x22222222, "INVPCID type 1, current PCID: W re-walked"
    SETCR3 NOFLUSH | LM_PML4 | 1
    SETPTE F(3) | 3
    INVPCID 1, 3, 0
    SETCR3 NOFLUSH | LM_PML4 | 3
    READW
    CHECK32 eax, 0x33333333, "INVPCID type 1 for PCID 3 from PCID 1: PCID 3 re-walks W"

    ; ---------------------------------------------------- INVPCID type 3
    SETCR3 NOFLUSH | LM_PML4 | 1
    READW                       ; PCIDs 1 and 3 may both hold F3 now
    SETPTE F(4) | 3
    INVPCID 3, 0, 0
    READW
    CHECK32 eax, 0x44444444, "INVPCID type 3: current PCID re-walks W"
    SETCR3 NOFLUSH | LM_PML4 | 3
    READW
    CHECK32 eax, 0x44444444, "INVPCID type 3: PCID 3 re-walks W"

    ; ---------------------------------------------------- INVPCID type 2 and global pages
    SETPTE F(1) | 3 | PTE_G
    INVPCID 2, 0, 0
    READW                       ; global translation of W (F1), made in PCID 3
    SETCR3 NOFLUSH | LM_PML4 | 1
    READW
    SETCR3 NOFLUSH | LM_PML4 | 3
    SETPTE F(2) | 3 | PTE_G
    INVPCID 2, 0, 0
    READW
    CHECK32 eax, 0x22222222, "INVPCID type 2 drops global translations"
    SETCR3 NOFLUSH | LM_PML4 | 1
    READW
    CHECK32 eax, 0x22222222, "... in every PCID"

    ; ---------------------------------------------------- clearing PCIDE
    SETPTE F(3) | 3 | PTE_G
    INVPCID 2, 0, 0
    READW                       ; global, F3
    SETPTE F(4) | 3 | PTE_G
    TRY .p0
    mov rax, cr4
    and rax, ~CR4_PCIDE
    mov cr4, rax
.p0:
    NO_EXC "clearing CR4.PCIDE while CR3[11:0] != 0"
    READW
    CHECK32 eax, 0x44444444, "clearing CR4.PCIDE drops global translations too"
    SETCR3 LM_PML4
    SETPTE F(1) | 3

    ; ---------------------------------------------------- INVPCID operand checks, PCIDE = 0
    TRY .z0
    INVPCID 0, 1, WIN
.z0:
    CHECK_EXC 13, 0, "PCIDE = 0: INVPCID type 0 with PCID 1: #GP(0)"
    TRY .z1
    INVPCID 1, 1, 0
.z1:
    CHECK_EXC 13, 0, "PCIDE = 0: INVPCID type 1 with PCID 1: #GP(0)"
    TRY .z2
    INVPCID 2, 1, 0
.z2:
    NO_EXC "PCIDE = 0: INVPCID type 2 ignores the PCID"
    TRY .z3
    INVPCID 3, 1, 0
.z3:
    NO_EXC "PCIDE = 0: INVPCID type 3 ignores the PCID"
    TRY .z4
    INVPCID 0, 0, WIN
.z4:
    NO_EXC "PCIDE = 0: INVPCID type 0 with PCID 0"

    ; ---------------------------------------------------- INVPCID faults
    TRY .f0
    INVPCID 4, 0, 0
.f0:
    CHECK_EXC 13, 0, "INVPCID type 4: #GP(0)"
    mov r8, 1 << 32
    TRY .f1
    INVPCID r8, 0, 0
.f1:
    CHECK_EXC 13, 0, "INVPCID type 2^32 (64-bit type register): #GP(0)"
    TRY .f2
    INVPCID 2, 0x1000, 0
.f2:
    CHECK_EXC 13, 0, "INVPCID descriptor bit 12: #GP(0)"
    TRY .f3
    INVPCID 2, NOFLUSH, 0
.f3:
    CHECK_EXC 13, 0, "INVPCID descriptor bit 63: #GP(0)"
    TRY .f4
    INVPCID 0, 0, 0x0000800000000000
.f4:
    CHECK_EXC 13, 0, "INVPCID type 0, non-canonical address: #GP(0)"
    TRY .f5
    INVPCID 1, 0, 0x0000800000000000
.f5:
    NO_EXC "INVPCID type 1 ignores the (non-canonical) address"
    TRY .f6
    mov ecx, 2
    invpcid rcx, [HOLE]
.f6:
    CHECK_EXC 14, 0, "INVPCID with the descriptor on a not-present page: #PF(0)"
    TRY .f7
    db 0x66, 0x0f, 0x38, 0x82, 0xc1 ; invpcid eax, ecx (register operand)
.f7:
    CHECK_EXC 6, NOERR, "INVPCID with a register operand: #UD"
    mov esi, DESC
    mov qword [DESC], 0
    mov ecx, 2
    TRY .f8
    db 0xf0, 0x66, 0x0f, 0x38, 0x82, 0x0e ; lock invpcid rcx, [rsi]
.f8:
    CHECK_EXC 6, NOERR, "LOCK INVPCID: #UD"
    mov eax, user_code
    mov edx, 2
    call user64_call
    CHECK32 dword [UDATA], 13, "INVPCID at CPL 3: #GP"
    CHECK32 dword [UDATA + 4], 0, "... error code 0"
    FINISH

bits 64
user_code:
    mov ecx, 2
    TRY .u1
    invpcid rcx, [DESC]
.u1:
    mov eax, [EXC_VEC]
    mov [UDATA], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 4], eax
    ENDTRY
    int USER_RET_VEC

bits 16
; real-mode handlers: record the vector, resume at [RM_RES]
rm_exc6:
    mov word [RM_VEC], 6
    jmp rm_exc_common
rm_exc13:
    mov word [RM_VEC], 13
rm_exc_common:
    push bp
    mov bp, sp
    push ax
    mov ax, [RM_RES]
    mov [bp + 2], ax
    pop ax
    pop bp
    iret
END_IMAGE
