; instructions -- integer instruction spot checks in 32-bit and 64-bit mode:
; BCD adjust (DAA DAS AAA AAS AAM AAD), ENTER/LEAVE with nesting, MUL/IMUL/
; DIV/IDIV incl. #DE, CMPXCHG8B/16B, XADD, BT* with memory bit offsets beyond
; the operand, SHLD/SHRD, BSF/BSR, REP string instructions with DF=1 and
; overlap, CRC32, POPCNT, LZCNT, MOVBE (each gated by CPUID).
; SDM Vol.2A/2B instruction pages ("Operation" and "Flags Affected") for
; each mnemonic; Vol.1 7.3.7 / Vol.2A BT ("bit offset ... register operand:
; -2^31..2^31-1 relative to the memory address; immediate: taken modulo the
; operand size"), Vol.2A ENTER (nesting level copies level-1 frame pointers),
; Vol.3A 6.15 Int 0 (#DE for quotient overflow and AAM 0), Vol.2A
; CMPXCHG16B (#GP(0) if the operand is not 16-byte aligned), Vol.2A DAA etc.
; are invalid (#UD) in 64-bit mode.
%define TESTNAME "instructions"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"

KDATA   equ 0x9000
BUF     equ 0xA000

%macro FLAGS 1                  ; EAX <- EFLAGS & %1
    pushf
    pop eax
    and eax, %1
%endmacro
%macro FLAGS64 1
    pushfq
    pop rax
    and eax, %1
%endmacro

bits 16
main:
    ENTER_PM32
    call idt32_init
    PRINTLN "instructions: 32-bit protected mode"
    ; ---------------------------------------------- BCD (32-bit only)
    mov eax, 0x0079
    add al, 0x35                ; 0xAE
    daa                         ; 79+35 = 114 -> AL=0x14, CF=1
    mov ebx, eax
    FLAGS 1
    CHECK32 ebx, 0x14, "DAA 0x79+0x35: AL=0x14"
    CHECK32 eax, 1, "... CF=1"
    mov eax, 0x0035
    sub al, 0x47                ; 35-47 -> -12 -> AL=0x88 CF=1 (DAS: 0x88)
    das
    mov ebx, eax
    FLAGS 1
    CHECK32 ebx, 0x88, "DAS 0x35-0x47: AL=0x88"
    CHECK32 eax, 1, "... CF=1 (borrow)"
    mov eax, 0x0109
    add al, 0x08                ; 0x11, AF=1
    aaa
    mov ebx, eax
    FLAGS 0x11
    CHECK32 ebx, 0x0207, "AAA: AX 0x0109+8 -> 0x0207"
    CHECK32 eax, 0x11, "... AF=CF=1"
    mov eax, 0x0203
    sub al, 0x05                ; 0xFE, AF=1
    aas
    CHECK32 eax, 0x0108, "AAS: AX 0x0203-5 -> 0x0108"
    mov eax, 0x004F             ; 79
    aam
    CHECK32 eax, 0x0709, "AAM: 79 -> AH=7 AL=9"
    mov eax, 0x0409
    db 0xD5, 0x10               ; AAD base 16
    CHECK32 eax, 0x0049, "AAD 16: AH=4 AL=9 -> 0x49"
    mov eax, 0x0044
    TRY .aamr
.aam: db 0xD4, 0x00             ; AAM 0
.aamr:
    CHECK_EXC 0, NOERR, "AAM 0: #DE"
    CHECK32 dword [EXC_RIP], .aam, "... fault at AAM"

    ; ---------------------------------------------- ENTER with nesting
    mov ebp, 0x20000
    mov dword [0x20000 - 4], 0xAAAA0001     ; outer frame pointers
    mov dword [0x20000 - 8], 0xAAAA0002
    mov [KDATA], esp
    mov esp, 0x1F000
    enter 0x10, 3
    mov ebx, esp
    mov ecx, ebp
    mov esi, [0x1F000 - 4]                  ; old EBP
    mov edi, [0x1F000 - 8]                  ; copied [ebp-4]
    mov edx, [0x1F000 - 16]                 ; frame temp
    leave
    mov [KDATA + 4], esp
    mov [KDATA + 8], ebp
    mov eax, [0x1F000 - 12]
    mov esp, [KDATA]
    CHECK32 ecx, 0x1F000 - 4, "ENTER 16,3: EBP = frame temp"
    CHECK32 ebx, 0x1F000 - 16 - 0x10, "ENTER 16,3: ESP = frame temp - 8 - 16"
    CHECK32 esi, 0x20000, "... old EBP pushed"
    CHECK32 edi, 0xAAAA0001, "... level 1 copy = [old EBP-4]"
    CHECK32 eax, 0xAAAA0002, "... level 2 copy = [old EBP-8]"
    CHECK32 edx, 0x1F000 - 4, "... frame temp pushed last"
    CHECK32 dword [KDATA + 4], 0x1F000, "LEAVE restores ESP"
    CHECK32 dword [KDATA + 8], 0x20000, "LEAVE restores EBP"

    ; ---------------------------------------------- 8-bit/16-bit #DE, IDIV
    xor eax, eax
    mov ax, 0xFF80              ; -128
    mov bl, 0xFF
    TRY .de1r
    idiv bl                     ; -128/-1 = 128: overflow
.de1r:
    CHECK_EXC 0, NOERR, "IDIV r8 -128/-1: #DE"
    mov ax, 0xFF81              ; -127
    mov bl, 0xFF
    idiv bl
    CHECK32 eax, 0x007F, "IDIV r8 -127/-1 = 127, remainder 0"
    mov ax, -7
    mov bl, 2
    idiv bl
    CHECK32 eax, 0xFFFD, "IDIV -7/2: quotient -3, remainder -1 (truncation)"

    ; ---------------------------------------------- CMPXCHG8B (32-bit)
    mov dword [KDATA + 0x10], 0x22222222
    mov dword [KDATA + 0x14], 0x11111111
    mov eax, 0x22222222
    mov edx, 0x11111111
    mov ebx, 0x44444444
    mov ecx, 0x33333333
    lock cmpxchg8b [KDATA + 0x10]
    FLAGS 0x40
    CHECK32 eax, 0x40, "CMPXCHG8B equal: ZF=1"
    CHECK32 dword [KDATA + 0x14], 0x33333333, "... memory = ECX:EBX"
    mov eax, 0
    mov edx, 0
    cmpxchg8b [KDATA + 0x10]
    mov ebx, eax
    FLAGS 0x40
    CHECK32 eax, 0, "CMPXCHG8B not equal: ZF=0"
    CHECK32 ebx, 0x44444444, "... EAX = low half of memory"
    CHECK32 edx, 0x33333333, "... EDX = high half of memory"

    ; ================================================ 64-bit mode
    ENTER_LM
    call idt64_init
    PRINTLN "instructions: 64-bit mode"
    TRY .ud64r
    db 0x27                     ; DAA
.ud64r:
    CHECK_EXC 6, NOERR, "DAA in 64-bit mode: #UD"

    ; ---------------------------------------------- MUL / IMUL / DIV
    mov rax, 0xFFFFFFFFFFFFFFFF
    mov rbx, 0xFFFFFFFFFFFFFFFF
    mul rbx
    mov rcx, rdx
    mov rbx, rax
    FLAGS64 0x801
    CHECK rcx, 0xFFFFFFFFFFFFFFFE, "MUL r64: RDX = high half"
    CHECK rbx, 1, "MUL r64: RAX = low half"
    CHECK32 eax, 0x801, "MUL r64 with nonzero high half: CF=OF=1"
    mov rax, -3
    mov rbx, 5
    imul rbx
    mov rcx, rdx
    FLAGS64 0x801
    CHECK rcx, -1, "IMUL r64 -3*5: RDX = sign extension"
    CHECK32 eax, 0, "... CF=OF=0 (fits)"
    mov rbx, 0x4000000000000000
    imul rax, rbx, 4
    mov rcx, rax
    FLAGS64 0x801
    CHECK rcx, 0, "IMUL r64, r/m, imm: truncated product"
    CHECK32 eax, 0x801, "... CF=OF=1 on signed overflow"
    mov rdx, 1
    mov rax, 0
    mov rbx, 2
    div rbx                     ; 2^64/2 = 2^63 fits
    CHECK rax, 0x8000000000000000, "DIV r64 2^64/2 = 2^63"
    mov rdx, 2
    xor eax, eax
    mov rbx, 2
    TRY .de2r
    div rbx                     ; 2^65/2 = 2^64: overflow
.de2r:
    CHECK_EXC 0, NOERR, "DIV r64 quotient overflow: #DE"
    mov rax, 0x8000000000000000
    cqo
    mov rbx, -1
    TRY .de3r
    idiv rbx
.de3r:
    CHECK_EXC 0, NOERR, "IDIV r64 INT64_MIN/-1: #DE"

    ; ---------------------------------------------- CMPXCHG16B / XADD
    mov eax, 1
    cpuid
    mov r12d, ecx               ; CPUID.1:ECX
    bt r12d, 13
    jnc .nocx16
    mov rax, 0x1111
    mov rdx, 0x2222
    mov [BUF], rax
    mov [BUF + 8], rdx
    mov rbx, 0x3333
    mov rcx, 0x4444
    lock cmpxchg16b [BUF]
    FLAGS64 0x40
    CHECK32 eax, 0x40, "CMPXCHG16B equal: ZF=1"
    CHECK qword [BUF + 8], 0x4444, "... memory = RCX:RBX"
    TRY .cx16r
    cmpxchg16b [BUF + 8]
.cx16r:
    CHECK_EXC 13, 0, "CMPXCHG16B misaligned: #GP(0)"
    jmp .cx16d
.nocx16:
    SKIP "CMPXCHG16B (CPUID.1:ECX[13]=0)"
.cx16d:
    mov qword [BUF], 10
    mov rax, 5
    lock xadd [BUF], rax
    CHECK rax, 10, "XADD: source = old destination"
    CHECK qword [BUF], 15, "XADD: destination = sum"

    ; ---------------------------------------------- BT family
    mov qword [BUF], 0
    mov qword [BUF + 8], 0
    mov qword [BUF - 8], 0
    mov ecx, 35
    bts dword [BUF], ecx
    CHECK32 dword [BUF + 4], 8, "BTS m32, reg 35: bit 3 of the next dword"
    mov rcx, -1
    bts qword [BUF], rcx
    CHECK32 dword [BUF - 4], 0x80000000, "BTS m64, reg -1: bit 63 of the previous qword"
    mov ecx, 100
    bt dword [BUF - 8], ecx     ; bit 100 from BUF-8 = BUF+4 bit 4... (clear)
    FLAGS64 1
    CHECK32 eax, 0, "BT m32, reg 100 (bit 4 of BUF+4): CF=0"
    mov ecx, 99
    bt dword [BUF - 8], ecx     ; bit 99 = BUF+4 bit 3: set
    FLAGS64 1
    CHECK32 eax, 1, "BT m32, reg 99: CF=1"
    mov dword [BUF + 0x20], 0
    bts dword [BUF + 0x20], 35  ; immediate taken mod 32: bit 3
    CHECK32 dword [BUF + 0x20], 8, "BTS m32, imm 35: offset mod 32 (same dword)"
    mov dword [BUF + 0x24], 0xFFFFFFFF
    mov cx, 17
    btr word [BUF + 0x24], cx   ; 16-bit operand: bit 1 of the next word
    CHECK32 dword [BUF + 0x24], 0xFFFDFFFF, "BTR m16, reg 17: clears bit 1 of the following word"

    ; ---------------------------------------------- SHLD / SHRD / BSF / BSR
    mov eax, 0x12345678
    mov edx, 0x9ABCDEF0
    shld eax, edx, 8
    CHECK32 eax, 0x3456789A, "SHLD r32, r32, 8"
    mov eax, 0x12345678
    mov cl, 36                  ; masked to 4
    shrd eax, edx, cl
    CHECK32 eax, 0x01234567, "SHRD r32, r32, CL=36 (count mod 32 = 4)"
    mov rax, 0x0123456789ABCDEF
    mov rdx, 0xFEDCBA9876543210
    shrd rax, rdx, 16
    CHECK rax, 0x32100123456789AB, "SHRD r64, r64, 16"
    mov eax, 0x00F0
    bsf ebx, eax
    bsr ecx, eax
    CHECK32 ebx, 4, "BSF 0xF0 = 4"
    CHECK32 ecx, 7, "BSR 0xF0 = 7"
    xor eax, eax
    bsf ebx, eax
    FLAGS64 0x40
    CHECK32 eax, 0x40, "BSF of 0: ZF=1"

    ; ---------------------------------------------- string instructions
    mov rdi, BUF
    mov rcx, 16
    mov al, 0
.fill: mov [rdi], al
    inc al
    inc rdi
    loop .fill
    ; overlapping copy up by 4 with DF=1 (memmove semantics)
    std
    lea rsi, [BUF + 11]
    lea rdi, [BUF + 15]
    mov ecx, 12
    rep movsb
    cld
    CHECK32 dword [BUF + 4], 0x03020100, "REP MOVSB DF=1 overlapping: bytes moved up"
    CHECK32 dword [BUF + 12], 0x0B0A0908, "... tail"
    CHECK rsi, BUF - 1, "... RSI after"
    CHECK rdi, BUF + 3, "... RDI after"
    CHECK rcx, 0, "... RCX = 0"
    ; forward overlapping copy replicates the pattern
    mov dword [BUF], 0x44332211
    lea rsi, [BUF]
    lea rdi, [BUF + 2]
    mov ecx, 6
    rep movsb
    CHECK32 dword [BUF + 4], 0x22112211, "REP MOVSB DF=0 overlapping: byte by byte"
    std
    lea rdi, [BUF + 0x3C]
    mov eax, 0xA5A5A5A5
    mov ecx, 4
    rep stosd
    cld
    CHECK32 dword [BUF + 0x30], 0xA5A5A5A5, "REP STOSD DF=1 fills downwards"
    CHECK rdi, BUF + 0x2C, "... RDI after"
    ; REPE CMPSB stops at the first difference
    mov rax, 0x0807060504030201
    mov [BUF + 0x40], rax
    mov rax, 0x08070605FF030201
    mov [BUF + 0x48], rax
    lea rsi, [BUF + 0x40]
    lea rdi, [BUF + 0x48]
    mov ecx, 8
    repe cmpsb
    CHECK rcx, 4, "REPE CMPSB: RCX after first mismatch"
    CHECK rsi, BUF + 0x44, "... RSI one past the mismatch"
    ; REPNE SCASB
    lea rdi, [BUF + 0x40]
    mov al, 6
    mov ecx, 8
    repne scasb
    CHECK rcx, 2, "REPNE SCASB: RCX after the match"
    CHECK rdi, BUF + 0x46, "... RDI one past the match"
    ; ---------------------------------------------- optional instructions
    bt r12d, 20
    jnc .nocrc
    mov eax, 0xFFFFFFFF
    mov rsi, crc_data
    mov ecx, 9
.crc: crc32 eax, byte [rsi]
    inc rsi
    loop .crc
    not eax
    CHECK32 eax, 0xE3069283, "CRC32C of 123456789 = 0xE3069283"
    mov eax, 0xFFFFFFFF
    mov ebx, 0x34333231
    crc32 eax, ebx
    mov ebx, 0x38373635
    crc32 eax, ebx
    crc32 eax, byte [crc_data + 8]
    not eax
    CHECK32 eax, 0xE3069283, "CRC32 r32 (dword steps) same result"
    jmp .crcd
.nocrc:
    SKIP "CRC32 (SSE4.2)"
.crcd:
    bt r12d, 23
    jnc .nopop
    mov rax, 0xF0F0000000000001
    popcnt rbx, rax
    CHECK rbx, 9, "POPCNT r64"
    xor eax, eax
    popcnt ebx, eax
    FLAGS64 0x8D5
    CHECK32 eax, 0x40, "POPCNT of 0: ZF=1, other flags 0"
    jmp .popd
.nopop:
    SKIP "POPCNT"
.popd:
    bt r12d, 22
    jnc .nomovbe
    mov dword [BUF], 0x12345678
    movbe eax, [BUF]
    CHECK32 eax, 0x78563412, "MOVBE r32, m32"
    mov rax, 0x0102030405060708
    movbe [BUF], rax
    CHECK qword [BUF], 0x0807060504030201, "MOVBE m64, r64"
    jmp .movbed
.nomovbe:
    SKIP "MOVBE"
.movbed:
    mov eax, 0x80000001
    cpuid
    bt ecx, 5
    jnc .nolz
    mov eax, 1
    lzcnt ebx, eax
    CHECK32 ebx, 31, "LZCNT 1 = 31"
    xor eax, eax
    lzcnt rbx, rax
    mov rcx, rbx
    FLAGS64 0x41
    CHECK rcx, 64, "LZCNT r64 of 0 = 64"
    CHECK32 eax, 1, "... CF=1, ZF=0"
    jmp .lzd
.nolz:
    SKIP "LZCNT (CPUID.80000001H:ECX[5])"
.lzd:
    FINISH

crc_data: db "123456789"
END_IMAGE
