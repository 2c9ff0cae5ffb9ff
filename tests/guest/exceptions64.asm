; exceptions64 -- exception delivery in 64-bit mode: vector, error code,
; saved CS:RIP (fault = faulting instruction, trap = next instruction),
; saved RFLAGS/RSP/SS, CR2, DR6.
; SDM Vol.3A 6.3 / Table 6-1 (vectors, fault vs trap), 6.13 (error code),
; 6.14 (64-bit IDT gates, frame always has SS:RSP), 6.15 (per-exception
; reference), Vol.3A 18.2/18.3 (debug registers, DR6).
;
; QEMU TCG 7.2 deviations (checks that fail under TCG; hardware behaviour is
; asserted): INT1/ICEBP raises #UD instead of #DB; saved RFLAGS.RF is not set
; for fault-class exceptions; RDMSR of an unimplemented MSR does not #GP;
; MOV CR0 with NW=1,CD=0 does not #GP; non-canonical RBP-based access gives
; #GP instead of #SS; IDT-related error codes in 64-bit mode are
; vector*16+2 instead of vector*8+2; unmasked SSE exceptions do not raise
; #XM/#UD; alignment check (#AC) is not implemented.
; Built with -DKVM_PVM, INT n checks are skipped (the kvm-pvm "KVM" on the
; validation machine cannot emulate INT n outside real mode).
%define TESTNAME "exceptions64"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "user.inc"

UDATA   equ 0x38000             ; user-accessible scratch (identity mapped)
KDATA   equ 0x9000

bits 16
main:
    ENTER_PM32
    ENTER_LM
    call idt64_init
    call tss64_setup
    PRINTLN "exceptions64: in long mode"

    ; ---------------------------------------------------------- #DE
    xor ecx, ecx
    mov eax, 1
    xor edx, edx
    TRY .de1r
.de1: div ecx
.de1r:
    CHECK_EXC 0, NOERR, "#DE divide by zero"
    CHECK [EXC_RIP], .de1, "#DE is a fault: RIP = DIV"
    CHECK [EXC_CS], SEL_CODE64, "#DE saved CS"
    mov ecx, 1
    mov edx, 1
    xor eax, eax
    TRY .de2r
.de2: div ecx                   ; 0x1_00000000 / 1 does not fit in 32 bits
.de2r:
    CHECK_EXC 0, NOERR, "#DE quotient overflow (DIV r32)"
    CHECK [EXC_RIP], .de2, "#DE overflow RIP"
    mov rax, 0x8000000000000000
    cqo
    mov rcx, -1
    TRY .de3r
.de3: idiv rcx
.de3r:
    CHECK_EXC 0, NOERR, "#DE INT64_MIN / -1 (IDIV r64)"
    mov ax, 0x8000
    cwd
    mov cx, -1
    TRY .de4r
.de4: idiv cx
.de4r:
    CHECK_EXC 0, NOERR, "#DE -32768 / -1 (IDIV r16)"

%ifndef KVM_PVM
    ; ---------------------------------------------------------- #BP, INT1
    TRY .bpr
    int3
.bpa:
    nop
.bpr:
    CHECK_EXC 3, NOERR, "#BP from INT3"
    CHECK [EXC_RIP], .bpa, "#BP is a trap: RIP after INT3"
    TRY .icer
    db 0xF1                     ; INT1 / ICEBP
.icea:
    nop
.icer:
    CHECK_EXC 1, NOERR, "#DB from INT1 (0xF1)"
    CHECK [EXC_RIP], .icea, "INT1 is a trap: RIP after 0xF1"

%else
    SKIP "INT3/INT1 (kvm-pvm cannot emulate INT n outside real mode)"
%endif
    ; ---------------------------------------------------------- #DB single step
    mov eax, 0xFFFF0FF0
    mov dr6, rax
    TRY .ssr
    pushfq
    or qword [rsp], 0x100
    popfq
    nop                         ; trap after this one (SDM 18.3.1.4)
.ssa:
    nop
    nop
.ssr:
    CHECK_EXC 1, NOERR, "#DB single-step (TF)"
    CHECK [EXC_RIP], .ssa, "single-step trap after the instruction following POPF"
    mov rax, [EXC_DR6]
    and eax, 0x4000
    CHECK rax, 0x4000, "single-step: DR6.BS set"
    mov rax, [EXC_RFLAGS]
    and eax, 0x100
    CHECK rax, 0x100, "single-step: saved RFLAGS.TF=1"

    ; ---------------------------------------------------------- #DB data bp
    mov eax, 0xFFFF0FF0
    mov dr6, rax
    mov eax, KDATA + 8
    mov dr0, rax
    mov eax, 0x000D0401         ; L0, RW0=01 (write), LEN0=11 (4 bytes)
    mov dr7, rax
    mov dword [KDATA + 4], 1    ; no overlap: no #DB
    TRY .dbwr
.dbw:
    mov dword [KDATA + 8], 2
.dbwa:
    nop
.dbwr:
    CHECK_EXC 1, NOERR, "#DB data write breakpoint DR0"
    CHECK [EXC_RIP], .dbwa, "data breakpoint is a trap: RIP after the write"
    mov rax, [EXC_DR6]
    and eax, 0x400F
    CHECK rax, 1, "data breakpoint: DR6.B0 (only)"
    CHECK32 dword [KDATA + 8], 2, "data breakpoint: the write completed"
    ; read of a write-only breakpoint: no #DB
    mov eax, [KDATA + 8]
    OK "no #DB on read of RW=01 breakpoint"
    ; ---------------------------------------------------------- #DB insn bp
    mov eax, 0xFFFF0FF0
    mov dr6, rax
    mov eax, .ibp
    mov dr1, rax
    mov eax, 0x00000404         ; L1, RW1=00 (execute), LEN1=00
    mov dr7, rax
    mov ebx, 0
    TRY .ibpr
.ibp:
    mov ebx, 1
.ibpr:
    CHECK_EXC 1, NOERR, "#DB instruction breakpoint DR1"
    CHECK [EXC_RIP], .ibp, "instruction breakpoint is a fault: RIP = target"
    CHECK rbx, 0, "instruction breakpoint: target not executed"
    mov rax, [EXC_DR6]
    and eax, 0x400F
    CHECK rax, 2, "instruction breakpoint: DR6.B1"
    xor eax, eax
    mov dr7, rax

    ; ---------------------------------------------------------- #UD
    mov [KDATA], rsp
    TRY .ud1r
.ud1: ud2
.ud1r:
    CHECK_EXC 6, NOERR, "#UD from UD2"
    CHECK [EXC_RIP], .ud1, "#UD RIP = UD2"
    mov rax, [KDATA]
    CHECK [EXC_RSP], rax, "saved RSP = RSP at the fault"
    CHECK [EXC_SS], SEL_DATA64, "saved SS (no privilege change)"
    mov rax, [EXC_RFLAGS]
    and eax, 0x10000
    CHECK rax, 0x10000, "#UD (fault): saved RFLAGS.RF=1 (SDM 18.3.1.1)"
    TRY .ud2r
.ud2: db 0xF0, 0x90             ; LOCK NOP
.ud2r:
    CHECK_EXC 6, NOERR, "#UD from LOCK on non-lockable (LOCK NOP)"
    CHECK [EXC_RIP], .ud2, "#UD LOCK RIP"
    TRY .ud3r
.ud3: db 0xF0, 0x01, 0xC8       ; LOCK add eax, ecx (register dest)
.ud3r:
    CHECK_EXC 6, NOERR, "#UD from LOCK with register destination"
    TRY .ud4r
.ud4: db 0x06                   ; PUSH ES: invalid in 64-bit mode
.ud4r:
    CHECK_EXC 6, NOERR, "#UD from PUSH ES in 64-bit mode"
    TRY .ud5r
.ud5: db 0xCE                   ; INTO: invalid in 64-bit mode
.ud5r:
    CHECK_EXC 6, NOERR, "#UD from INTO in 64-bit mode"
    TRY .ud6r
.ud6: db 0x0F, 0x20, 0xC8       ; mov rax, cr1
.ud6r:
    CHECK_EXC 6, NOERR, "#UD from MOV from CR1"
    ; lock on a memory destination is fine
    mov dword [KDATA], 5
    lock add dword [KDATA], 3
    CHECK32 dword [KDATA], 8, "LOCK ADD m32 allowed"

    ; ---------------------------------------------------------- #GP
    mov rax, 0x8000000000000000
    TRY .gp1r
.gp1: mov rbx, [rax]
.gp1r:
    CHECK_EXC 13, 0, "#GP(0) non-canonical data address"
    CHECK [EXC_RIP], .gp1, "#GP RIP = faulting MOV"
    mov ecx, 0x12345678         ; nonexistent MSR
    TRY .gp2r
    rdmsr
.gp2r:
    CHECK_EXC 13, 0, "#GP(0) RDMSR of nonexistent MSR"
    ; IA32_ARCH_CAPABILITIES (10AH), enumerated by CPUID.(EAX=7,ECX=0):EDX[29]: turtles reports
    ; the "not affected" bits (no speculation), read-only (SDM Vol.4 table 2-2)
    mov eax, 7
    xor ecx, ecx
    cpuid
    shr edx, 29
    and edx, 1
    CHECK32 edx, 1, "CPUID.7.0:EDX[29] enumerates IA32_ARCH_CAPABILITIES"
    mov ecx, 0x10a
    rdmsr
    and eax, (1 << 0) | (1 << 5) | (1 << 6)
    CHECK32 eax, 0x61, "IA32_ARCH_CAPABILITIES: RDCL_NO, MDS_NO, IF_PSCHANGE_MC_NO"
    mov ecx, 0x10a
    xor eax, eax
    xor edx, edx
    TRY .gpac
    wrmsr
.gpac:
    CHECK_EXC 13, 0, "#GP(0) WRMSR to the read-only IA32_ARCH_CAPABILITIES"
    mov rax, cr0
    btr rax, 30                 ; CD=0 with NW=1 is invalid
    bts rax, 29
    TRY .gp3r
    mov cr0, rax
.gp3r:
    CHECK_EXC 13, 0, "#GP(0) MOV CR0 with NW=1, CD=0"
    mov ax, 0x200               ; beyond GDT limit 0x1FF
    TRY .gp4r
    mov ds, ax
.gp4r:
    CHECK_EXC 13, 0x200, "#GP(sel) DS load beyond GDT limit"
    mov ax, SEL_UDATA           ; DPL3 data into SS at CPL0
    TRY .gp5r
    mov ss, ax
.gp5r:
    CHECK_EXC 13, SEL_UDATA, "#GP(sel) SS load with DPL != CPL"
    mov ax, SEL_CODE64
    TRY .gp6r
    mov ss, ax
.gp6r:
    CHECK_EXC 13, SEL_CODE64, "#GP(sel) SS load with code segment"
    mov ax, SEL_DATA64 | 4      ; TI=1: LDT, but LDTR is null
    TRY .gp7r
    mov ds, ax
.gp7r:
    CHECK_EXC 13, SEL_DATA64 | 4, "#GP(sel) DS load from null LDT"
    mov ax, SEL_DATA64
    mov ds, ax

    ; ---------------------------------------------------------- #NP / #SS
    mov rax, DESC(0, 0xFFFFF, 0x13, 0xC)         ; data, P=0
    mov [GDT_BASE + SEL_FREE], rax
    mov ax, SEL_FREE
    TRY .np1r
    mov es, ax
.np1r:
    CHECK_EXC 11, SEL_FREE, "#NP(sel) ES load of not-present segment"
    mov ax, SEL_FREE
    TRY .ss1r
    mov ss, ax
.ss1r:
    CHECK_EXC 12, SEL_FREE, "#SS(sel) SS load of not-present segment"
    mov rbp, 0x0000800000000000
    TRY .ss2r
.ss2: mov rax, [rbp]
.ss2r:
    CHECK_EXC 12, 0, "#SS(0) non-canonical RBP-based address"
    CHECK [EXC_RIP], .ss2, "#SS RIP"
    mov rax, 0x0000800000000000
    TRY .ss3r
    mov rax, [rax]
.ss3r:
    CHECK_EXC 13, 0, "... same address via RAX is #GP(0)"

%ifndef KVM_PVM
    ; ---------------------------------------------------------- IDT faults
    ; not-present gate: #NP(vector*8+2) (IDT bit=1, EXT=0 for INT n)
    SET_GATE 0x41, exc64_stub_65, 0x0E          ; P=0
    TRY .np2r
    int 0x41
.np2r:
    CHECK_EXC 11, 0x41*8+2, "#NP(0x41*8+2) INT n through not-present gate"
    SET_GATE 0x41, exc64_stub_65, 0x8E
    ; vector beyond IDT limit: #GP(vector*8+2)
    mov word [RAM_SCRATCH+0x10], 0x80*16-1
    lidt [RAM_SCRATCH+0x10]
    TRY .gp8r
    int 0x90
.gp8r:
    CHECK_EXC 13, 0x90*8+2, "#GP(0x90*8+2) INT n beyond IDT limit"
    mov word [RAM_SCRATCH+0x10], 256*16-1
    lidt [RAM_SCRATCH+0x10]
    ; 32-bit gate type in a 64-bit IDT is invalid: #GP(vector*8+2)
    SET_GATE 0x42, exc64_stub_66, 0x86          ; 16-bit interrupt gate type
    TRY .gp9r
    int 0x42
.gp9r:
    CHECK_EXC 13, 0x42*8+2, "#GP(0x42*8+2) 16-bit gate type in IA-32e IDT"
    SET_GATE 0x42, exc64_stub_66, 0x8E
    ; INT n works with a proper gate and pushes no error code
    TRY .intr
    int 0x42
.inta:
.intr:
    CHECK_EXC 0x42, NOERR, "INT 0x42 delivered"
    CHECK [EXC_RIP], .inta, "INT n saved RIP = next instruction"

%else
    SKIP "INT n gate checks (kvm-pvm cannot emulate INT n outside real mode)"
%endif
    ; ---------------------------------------------------------- #NM
    mov rax, cr0
    and rax, ~(1 << 2)          ; EM=0
    or rax, (1 << 1) | (1 << 5) ; MP, NE
    mov cr0, rax
    mov rax, cr4
    or rax, (1 << 9)            ; OSFXSR
    mov cr4, rax
    fninit
    mov rax, cr0
    or rax, 1 << 3              ; TS
    mov cr0, rax
    TRY .nm1r
.nm1: fld1
.nm1r:
    CHECK_EXC 7, NOERR, "#NM x87 instruction with CR0.TS=1"
    CHECK [EXC_RIP], .nm1, "#NM RIP"
    TRY .nm2r
    addps xmm0, xmm0
.nm2r:
    CHECK_EXC 7, NOERR, "#NM SSE instruction with CR0.TS=1"
    TRY .nm3r
    fwait
.nm3r:
    CHECK_EXC 7, NOERR, "#NM WAIT with CR0.TS=1 and CR0.MP=1"
    clts

    ; ---------------------------------------------------------- #MF
    fninit
    mov word [KDATA], 0x037B    ; unmask ZE
    fldcw [KDATA]
    fld1
    fldz
    fdivp st1, st0              ; sets FSW.ZE/ES, no exception yet
    TRY .mfr
.mf: fwait
.mfr:
    CHECK_EXC 16, NOERR, "#MF on next waiting x87 instruction (CR0.NE=1)"
    CHECK [EXC_RIP], .mf, "#MF RIP = FWAIT"
    fnstsw ax
    and eax, 0x80 | 0x04
    CHECK rax, 0x84, "FSW.ES and FSW.ZE set"
    fninit

    ; ---------------------------------------------------------- #XM / #UD
    mov dword [KDATA], 0x1D80   ; MXCSR with ZM unmasked
    ldmxcsr [KDATA]
    mov eax, 0x3F800000
    movd xmm0, eax
    xorps xmm1, xmm1
    mov rax, cr4
    or rax, 1 << 10             ; OSXMMEXCPT
    mov cr4, rax
    TRY .xm1r
.xm1: divss xmm0, xmm1
.xm1r:
    CHECK_EXC 19, NOERR, "#XM unmasked SSE divide-by-zero"
    CHECK [EXC_RIP], .xm1, "#XM RIP"
    stmxcsr [KDATA]
    mov eax, [KDATA]
    and eax, 0x3F
    CHECK rax, 4, "MXCSR.ZE set"
    mov dword [KDATA], 0x1D80
    ldmxcsr [KDATA]
    mov rax, cr4
    and rax, ~(1 << 10)
    mov cr4, rax
    TRY .xm2r
    divss xmm0, xmm1
.xm2r:
    CHECK_EXC 6, NOERR, "#UD instead of #XM when CR4.OSXMMEXCPT=0"
    mov dword [KDATA], 0x1F80
    ldmxcsr [KDATA]

    ; ---------------------------------------------------------- #PF (basic)
    ; unmap the 2 MiB page at 0x40000000 (PD entry) and write to it
    mov qword [LM_PD + 0x1000], 0
    mov rax, cr3
    mov cr3, rax
    mov rbx, 0x40001234
    TRY .pfr
.pf: mov dword [rbx], 1
.pfr:
    CHECK_EXC 14, 2, "#PF not-present write, supervisor: error 0x2"
    CHECK [EXC_CR2], 0x40001234, "#PF CR2 = faulting linear address"
    CHECK [EXC_RIP], .pf, "#PF RIP = faulting instruction"
    mov qword [LM_PD + 0x1000], 0x40000087
    mov rax, cr3
    mov cr3, rax

    ; ---------------------------------------------------------- CPL3
    PRINTLN "exceptions64: CPL3 checks"
    mov eax, user_code
    mov edx, 0x2
    call user64_call
    CHECK32 dword [UDATA], 13, "CPL3 CLI: vector #GP"
    CHECK32 dword [UDATA+4], 0, "CPL3 CLI: error 0"
    CHECK32 dword [UDATA+8], 13, "CPL3 HLT: #GP"
    CHECK32 dword [UDATA+12], 13, "CPL3 MOV from CR0: #GP"
    CHECK32 dword [UDATA+16], 13, "CPL3 IN with IOPL=0, no I/O bitmap: #GP"
    CHECK32 dword [UDATA+20], 13, "CPL3 INT 0x40 to DPL0 gate: #GP"
    CHECK32 dword [UDATA+24], 0x40*8+2, "CPL3 INT 0x40 to DPL0 gate: error 0x40*8+2"
    CHECK32 dword [UDATA+28], 3, "CPL3 INT3 with DPL0 gate 3: #GP"
    CHECK32 dword [UDATA+32], 3*8+2, "... error 3*8+2"
    CHECK32 dword [UDATA+36], SEL_UCODE64|3, "CPL3 fault: saved CS = user CS"
    CHECK32 dword [UDATA+40], SEL_UDATA|3, "CPL3 fault: saved SS = user SS"
    CHECK32 dword [UDATA+44], USTACK_TOP, "CPL3 fault: saved RSP = user RSP"
    ; #AC: CR0.AM=1 and RFLAGS.AC=1 at CPL3 (SDM Vol.3A 6.15 #AC)
    mov rax, cr0
    or rax, 1 << 18
    mov cr0, rax
    mov eax, user_ac
    mov edx, 0x40002
    call user64_call
    CHECK32 dword [UDATA], 17, "#AC misaligned dword load at CPL3 with AM+AC"
    CHECK32 dword [UDATA+4], 0, "#AC error code 0"
    CHECK32 dword [UDATA+8], 0xFFFFFFFF, "no #AC for aligned access"
    CHECK32 dword [UDATA+12], 0xFFFFFFFF, "no #AC with RFLAGS.AC=0"
    mov rax, cr0
    and rax, ~(1 << 18)
    mov cr0, rax

    ; ---------------------------------------------------------- UMIP
    ; CPUID.(EAX=7,ECX=0):ECX[2]; CR4.UMIP (bit 11) makes SGDT, SIDT, SLDT,
    ; STR and SMSW #GP(0) at CPL > 0, and changes nothing at CPL 0
    ; (SDM Vol.3A 2.5, Vol.2 SGDT/SIDT/SLDT/STR/SMSW)
    mov eax, 7
    xor ecx, ecx
    cpuid
    and ecx, 4
    CHECK32 ecx, 4, "CPUID.7.0:ECX.UMIP[bit 2]"
    mov rax, cr4
    or rax, 1 << 11
    mov cr4, rax
    mov eax, user_umip
    mov edx, 0x2
    call user64_call
    CHECK32 dword [UDATA+0x80], 13, "UMIP: SGDT at CPL3 #GP"
    CHECK32 dword [UDATA+0x84], 13, "UMIP: SIDT at CPL3 #GP"
    CHECK32 dword [UDATA+0x88], 13, "UMIP: SLDT at CPL3 #GP"
    CHECK32 dword [UDATA+0x8C], 13, "UMIP: STR at CPL3 #GP"
    CHECK32 dword [UDATA+0x90], 13, "UMIP: SMSW r at CPL3 #GP"
    CHECK32 dword [UDATA+0x94], 13, "UMIP: SMSW m at CPL3 #GP"
    CHECK32 dword [UDATA+0x98], 0, "UMIP: #GP error code 0"
    TRY .umip0
    sgdt [UDATA+0x100]
    smsw eax
.umip0:
    ENDTRY
    CHECK32 dword [EXC_VEC], 0xFFFFFFFF, "UMIP: SGDT and SMSW at CPL0 do not fault"
    mov rax, cr4
    and rax, ~(1 << 11)
    mov cr4, rax
    mov eax, user_umip
    mov edx, 0x2
    call user64_call
    CHECK32 dword [UDATA+0x80], 0xFFFFFFFF, "no UMIP: SGDT at CPL3 runs"
    CHECK32 dword [UDATA+0x88], 0xFFFFFFFF, "no UMIP: SLDT at CPL3 runs"
    CHECK32 dword [UDATA+0x8C], 0xFFFFFFFF, "no UMIP: STR at CPL3 runs"
    CHECK32 dword [UDATA+0x90], 0xFFFFFFFF, "no UMIP: SMSW at CPL3 runs"

    ; ---------------------------------------------------------- #DF
    ; #GP whose gate is not present -> #NP during #GP delivery: two
    ; contributory exceptions -> #DF(0) (SDM Vol.3A 6.15 #DF, Table 6-5)
    SET_GATE 13, exc64_stub_13, 0x0E
    mov rax, 0x8000000000000000
    TRY .dfr
    mov rbx, [rax]
.dfr:
    CHECK_EXC 8, 0, "#DF(0): #GP with not-present #GP gate"
    SET_GATE 13, exc64_stub_13, 0x8E
    ; #PF with a not-present #PF gate -> #NP -> #DF (page fault then
    ; contributory)
    SET_GATE 14, exc64_stub_14, 0x0E
    mov qword [LM_PD + 0x1000], 0
    mov rax, cr3
    mov cr3, rax
    mov rbx, 0x40000000
    TRY .df2r
    mov eax, [rbx]
.df2r:
    CHECK_EXC 8, 0, "#DF(0): #PF with not-present #PF gate"
    SET_GATE 14, exc64_stub_14, 0x8E
    mov qword [LM_PD + 0x1000], 0x40000087
    mov rax, cr3
    mov cr3, rax
    ; #UD (benign) with not-present #UD gate -> #NP(6*8+2+EXT): benign then
    ; contributory is handled serially, no #DF (SDM Vol.3A Table 6-5)
    SET_GATE 6, exc64_stub_6, 0x0E
    TRY .df3r
    ud2
.df3r:
    CHECK_EXC 11, 6*8+2+1, "#UD with not-present gate -> #NP(6*8+2+EXT)"
    SET_GATE 6, exc64_stub_6, 0x8E
    ; #DE (contributory) with not-present gate -> #NP -> #DF
    SET_GATE 0, exc64_stub_0, 0x0E
    xor ecx, ecx
    TRY .df4r
    div ecx
.df4r:
    CHECK_EXC 8, 0, "#DE with not-present gate -> #NP -> #DF(0)"
    SET_GATE 0, exc64_stub_0, 0x8E

    FINISH

; ------------------------------------------------------------ user code
bits 64
%macro UREC 1                   ; record EXC_VEC, EXC_ERR into UDATA+%1
    mov eax, [EXC_VEC]
    mov [UDATA + %1], eax
%endmacro
user_code:
    TRY .r1
    cli
.r1: UREC 0
    mov eax, [EXC_ERR]
    mov [UDATA+4], eax
    TRY .r2
    hlt
.r2: UREC 8
    TRY .r3
    mov rax, cr0
.r3: UREC 12
    TRY .r4
    in al, 0x80
.r4: UREC 16
    TRY .r5
    int 0x40
.r5: UREC 20
    mov eax, [EXC_ERR]
    mov [UDATA+24], eax
    mov eax, [EXC_ERR]
    TRY .r6
    int3
.r6: mov eax, [EXC_VEC]
    cmp eax, 13
    jne .r6b
    mov dword [UDATA+28], 3
    jmp .r6c
.r6b: mov dword [UDATA+28], 0xBAD
.r6c: mov eax, [EXC_ERR]
    mov [UDATA+32], eax
    mov eax, [EXC_CS]
    mov [UDATA+36], eax
    mov eax, [EXC_SS]
    mov [UDATA+40], eax
    mov eax, [EXC_RSP]
    mov [UDATA+44], eax
    ENDTRY
    int USER_RET_VEC

user_umip:
    TRY .u1
    sgdt [UDATA+0x100]
.u1: UREC 0x80
    mov eax, [EXC_ERR]
    mov [UDATA+0x98], eax
    TRY .u2
    sidt [UDATA+0x110]
.u2: UREC 0x84
    TRY .u3
    sldt ax
.u3: UREC 0x88
    TRY .u4
    str ax
.u4: UREC 0x8C
    TRY .u5
    smsw eax
.u5: UREC 0x90
    TRY .u6
    smsw [UDATA+0x120]
.u6: UREC 0x94
    ENDTRY
    int USER_RET_VEC

user_ac:
    mov qword [UDATA+8], -1
    TRY .a1
    mov eax, [UDATA+0x41]
.a1: UREC 0
    mov eax, [EXC_ERR]
    mov [UDATA+4], eax
    TRY .a2
    mov eax, [UDATA+0x40]
    mov dword [EXC_VEC], 0xFFFFFFFF
.a2: UREC 8
    pushfq
    and dword [rsp], ~0x40000
    popfq
    TRY .a3
    mov eax, [UDATA+0x41]
.a3: UREC 12
    ENDTRY
    int USER_RET_VEC

END_IMAGE
