; vmxio -- I/O and MSR exiting (SDM Vol.3C 25.1.3, 24.6.4, 24.6.9): unconditional I/O exiting
; with the exit qualification of table 27-5 (size, direction, string, REP, immediate/DX, port);
; I/O bitmaps A (ports 0-7FFF) and B (8000-FFFF), multi-byte accesses that straddle a bitmap
; bit or the A/B boundary, the wrap past port FFFF that always exits; string I/O with the
; guest-linear address and the instruction information of table 27-8; MSR bitmaps (read/write,
; low 0-1FFF and high C0000000-C0001FFF; other MSRs always exit) with WRMSR/RDMSR really
; running when their bit is clear.
%define TESTNAME "vmxio"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
IOBM_A  equ VMX_SCRATCH
IOBM_B  equ VMX_SCRATCH + 0x1000
MSRBM   equ VMX_SCRATCH + 0x2000
; SETBIT base, n: set bit n of the bitmap at base (a register bit offset addresses past 32 bits)
%macro SETBIT 2
    mov eax, %2
    bts dword [%1], eax
%endmacro
bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    call vmx_on
    xor edi, edi
    call vmx_fresh_vmcs
    mov edi, VMX_SCRATCH
    mov ecx, 0x3000
    xor eax, eax
    rep stosb
    VMW IO_BITMAP_A, IOBM_A
    VMW IO_BITMAP_B, IOBM_B
    VMW MSR_BITMAP, MSRBM
    VMW GUEST_FS_BASE, 0x1000

    ; ---- unconditional I/O exiting; qualification: size-1 2:0, IN 3, string 4, REP 5,
    ; immediate 6, port 31:16 (table 27-5) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_UNCOND_IO
    RUN g_io
    EXPECT_EXIT 30, g_io, g_io.1, "IN AL, 0x71"
    VCHECK EXIT_QUAL, 0x710048, "qualification: port 71, byte, IN, immediate"
    NEXT
    EXPECT_EXIT 30, g_io.2, g_io.3, "OUT DX, AX (DX=3F8)"
    VCHECK EXIT_QUAL, 0x3f80001, "qualification: port 3F8, word, OUT, DX"
    NEXT
    EXPECT_EXIT 30, g_io.4, g_io.5, "IN EAX, DX (DX=1234)"
    VCHECK EXIT_QUAL, 0x1234000b, "qualification: port 1234, dword, IN, DX"
    NEXT
    EXPECT_EXIT 30, g_io.5, g_io.6, "OUT 0x80, EAX"
    VCHECK EXIT_QUAL, 0x800043, "qualification: port 80, dword, OUT, immediate"

    ; ---- I/O bitmaps (unconditional I/O exiting is then ignored): bits for ports 71, 80
    ; (bitmap A) and 8001 (bitmap B) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_UNCOND_IO | PROC_IO_BITMAPS
    SETBIT IOBM_A, 0x71
    SETBIT IOBM_A, 0x80
    SETBIT IOBM_B, 0x8001 - 0x8000
    RUN g_bm
    EXPECT_EXIT 30, g_bm.0, g_bm.1, "IN AL, 0x71 (bit set; IN AL, 0x70 before it ran)"
    VCHECK EXIT_QUAL, 0x710048, "qualification: port 71"
    NEXT
    EXPECT_EXIT 30, g_bm.2, g_bm.3, "IN AL, DX (8001, bitmap B; 8000 before it ran)"
    VCHECK EXIT_QUAL, 0x80010008, "qualification: port 8001"
    NEXT
    EXPECT_EXIT 30, g_bm.4, g_bm.5, "IN AX, DX (70-71 straddles bit 71; 6F-70 ran)"
    VCHECK EXIT_QUAL, 0x700009, "qualification: port 70, word"
    NEXT
    EXPECT_EXIT 30, g_bm.6, g_bm.7, "IN AX, DX (7F-80: the bit is in the next bitmap byte)"
    NEXT
    EXPECT_EXIT 30, g_bm.8, g_bm.9, "IN EAX, DX (7FFE-8001: from bitmap A into B)"
    VCHECK EXIT_QUAL, 0x7ffe000b, "qualification: port 7FFE, dword"
    NEXT
    EXPECT_EXIT 30, g_bm.10, g_bm.11, "IN AX, DX at FFFF wraps to 0: always exits (IN AL ran)"
    VCHECK EXIT_QUAL, 0xffff0009, "qualification: port FFFF, word"
    NEXT
    VCHECK32 EXIT_REASON, 18, "the guest reached VMCALL"

    ; ---- string I/O: guest-linear address of the memory operand and instruction information
    ; (address size 9:7, segment 17:15 for OUTS; table 27-8) ----
    RUN g_str
    EXPECT_EXIT 30, g_str.0, g_str.1, "REP OUTSB to port 71"
    VCHECK EXIT_QUAL, 0x710030, "qualification: byte, OUT, string, REP, DX"
    VCHECK GUEST_LINEAR, DATA_AREA, "guest-linear address = DS:RSI"
    VCHECKM EXIT_INSN_INFO, 0x38380, (3 << 15) | (2 << 7), "info: DS, 64-bit address"
    CHECK32 ecx, 4, "RCX untouched (the exit came before the first iteration)"
    NEXT
    EXPECT_EXIT 30, g_str.1, g_str.2, "FS OUTSW"
    VCHECK EXIT_QUAL, 0x710011, "qualification: word, OUT, string"
    VCHECK GUEST_LINEAR, 0x1000 + DATA_AREA, "guest-linear address = FS base + RSI"
    VCHECKM EXIT_INSN_INFO, 0x38380, (4 << 15) | (2 << 7), "info: FS, 64-bit address"
    NEXT
    EXPECT_EXIT 30, g_str.2, g_str.3, "INSD"
    VCHECK EXIT_QUAL, 0x71001b, "qualification: dword, IN, string"
    VCHECK GUEST_LINEAR, DATA_AREA + 0x40, "guest-linear address = ES:RDI"
    NEXT
    EXPECT_EXIT 30, g_str.3, g_str.4, "A32 REP INSB"
    VCHECK EXIT_QUAL, 0x710038, "qualification: byte, IN, string, REP"
    VCHECKM EXIT_INSN_INFO, 0x380, 1 << 7, "info: 32-bit address size"
    NEXT
    VCHECK32 EXIT_REASON, 18, "REP OUTSB to port 82 (bit clear) ran"
    CHECK rcx, 0, "... all 4 iterations (RCX = 0)"
    CHECK rsi, DATA_AREA + 4, "... RSI advanced by 4"

    ; ---- MSR bitmaps: read low at 0, read high at 1024, write low at 2048, write high at
    ; 3072 (24.6.9); RDMSR/WRMSR exit when the bit is set or the MSR is outside both ranges ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_MSR_BITMAPS
    SETBIT MSRBM, 0x174                 ; read IA32_SYSENTER_CS
    SETBIT MSRBM + 0x800, 0x175         ; write IA32_SYSENTER_ESP
    SETBIT MSRBM + 0x400, 0x102         ; read IA32_KERNEL_GS_BASE
    SETBIT MSRBM + 0xc00, 0x081         ; write IA32_STAR
    RUN g_msr
    EXPECT_EXIT 31, g_msr.0, g_msr.1, "RDMSR 174 (read-low bit set)"
    VCHECK EXIT_QUAL, 0, "RDMSR: qualification 0"
    NEXT
    EXPECT_EXIT 32, g_msr.2, g_msr.3, "WRMSR 175 (write-low bit set; RDMSR 175 and WRMSR 174 ran)"
    VCHECK32 GUEST_SYSENTER_CS, 0x5a, "the guest's WRMSR 174 took effect (saved SYSENTER_CS)"
    NEXT
    EXPECT_EXIT 31, g_msr.4, g_msr.5, "RDMSR C0000102 (read-high bit set)"
    NEXT
    EXPECT_EXIT 32, g_msr.6, g_msr.7, "WRMSR C0000081 (write-high bit set; RDMSR C0000081 ran)"
    NEXT
    EXPECT_EXIT 31, g_msr.8, g_msr.9, "RDMSR 2000 (outside the ranges; WRMSR C0000102 ran)"
    push rcx
    mov ecx, 0xc0000102
    rdmsr
    pop rcx
    CHECK32 eax, 0x12345678, "the guest's WRMSR of KERNEL_GS_BASE took effect"
    NEXT
    EXPECT_EXIT 31, g_msr.10, g_msr.11, "RDMSR C0002000 (outside the ranges)"
    NEXT
    EXPECT_EXIT 32, g_msr.12, g_msr.13, "WRMSR 40000000 (outside the ranges)"
    NEXT
    EXPECT_EXIT 31, g_msr.14, g_msr.15, "RDMSR 80000174 (bits 31:13 not a range)"
    NEXT
    VCHECK32 EXIT_REASON, 18, "the guest reached VMCALL"

    ; ---- a CPL3 guest: the I/O-permission #GP (CPL > IOPL, no TSS bitmap) and the CPL #GP of
    ; RDMSR come before the VM exit (25.1.1); with IOPL = 3 the IN exits ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_UNCOND_IO | PROC_MSR_BITMAPS
    VMW GUEST_CS_SEL, SEL_UCODE64 | 3
    VMW GUEST_CS_AR, 0xa0fb
    VMW GUEST_SS_SEL, SEL_UDATA | 3
    VMW GUEST_SS_AR, 0xc0f3
    TRY g_vmcall
    RUN g_user
    CHECK_EXC 13, 0, "CPL3 IN with IOPL 0: #GP(0) in the guest, no exit"
    VMW GUEST_RFLAGS, 0x3002
    RUN g_user
    EXPECT_EXIT 30, g_user, g_user.1, "CPL3 IN with IOPL 3"
    TRY g_vmcall
    RUN g_user.1
    CHECK_EXC 13, 0, "CPL3 RDMSR 2000 (outside the bitmaps): #GP(0) in the guest, no exit"
    FINISH

; ---- guest code ----
g_vmcall:
    vmcall
    jmp $
g_user:
    in al, 0x71
.1: mov ecx, 0x2000
    rdmsr
    vmcall
g_io:
    in al, 0x71
.1: mov dx, 0x3f8
.2: out dx, ax
.3: mov dx, 0x1234
.4: in eax, dx
.5: out 0x80, eax
.6: vmcall
g_bm:
    in al, 0x70
.0: in al, 0x71
.1: mov dx, 0x8000
    in al, dx
    inc edx
.2: in al, dx
.3: mov dx, 0x6f
    in ax, dx
    inc edx
.4: in ax, dx
.5: mov dx, 0x7f
.6: in ax, dx
.7: mov dx, 0x7ffe
.8: in eax, dx
.9: mov dx, 0xffff
    in al, dx
.10: in ax, dx
.11: vmcall
g_str:
    mov esi, DATA_AREA
    mov edi, DATA_AREA + 0x40
    mov ecx, 4
    mov dx, 0x71
.0: rep outsb
.1: fs outsw
.2: insd
.3: a32 rep insb
.4: mov dx, 0x82
    rep outsb
    vmcall
g_msr:
    mov ecx, 0x174
.0: rdmsr
.1: mov ecx, 0x175
    rdmsr
    mov ecx, 0x174
    mov eax, 0x5a
    xor edx, edx
    wrmsr
    mov ecx, 0x175
.2: wrmsr
.3: mov ecx, 0xc0000102
.4: rdmsr
.5: mov ecx, 0xc0000081
    rdmsr
.6: wrmsr
.7: mov ecx, 0xc0000102
    mov eax, 0x12345678
    xor edx, edx
    wrmsr
    mov ecx, 0x2000
.8: rdmsr
.9: mov ecx, 0xc0002000
.10: rdmsr
.11: mov ecx, 0x40000000
.12: wrmsr
.13: mov ecx, 0x80000174
.14: rdmsr
.15: vmcall
END_IMAGE
