; paging64 -- 4-level paging (IA-32e): 4 KiB / 2 MiB / 1 GiB translations,
; accessed/dirty bits, #PF error codes and CR2, CR0.WP, U/S, NX (EFER.NXE),
; reserved-bit faults, INVLPG, global pages (CR4.PGE), SMEP, SMAP.
; SDM Vol.3A 4.5 (4-level paging), 4.6 (access rights; 4.6.1 WP/SMEP/SMAP),
; 4.7 (#PF error code: P=1 W/R=2 U/S=4 RSVD=8 I/D=0x10; CR2),
; 4.8 (accessed and dirty flags), 4.10.4 (INVLPG, CR3 writes and global pages).
; Test window: linear 0x40000000.. (PDPT[1]); PD[0] of that window points to
; a 4 KiB page table PT64 built here; PD[1] (0x40200000) is a 2 MiB page.
; QEMU TCG 7.2: reserved-bit faults report error code 8 (P=0) instead of
; 9 (P|RSVD) -- those checks fail under TCG.
%define TESTNAME "paging64"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "user.inc"

PT64    equ LM_PT_END           ; 4 KiB page table for 0x40000000-0x401FFFFF
PD1     equ LM_PD + 0x1000      ; PD covering 1-2 GiB
WIN     equ 0x40000000
FR      equ 0x300000            ; physical frames FR, FR+0x1000, ...
UDATA   equ 0x38000

%define VA(i) (WIN + (i) * 0x1000)
%macro SETPTE 3                 ; index, phys, flags
    mov rax, (%2) | (%3)
    mov [PT64 + (%1) * 8], rax
    invlpg [VA(%1)]
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
    call idt64_init
    call tss64_setup
    ; page table for the window
    mov edi, PT64
    mov ecx, 512
    xor eax, eax
    rep stosq
    mov edi, PD1                ; window PD: only PD1[0] present
    mov ecx, 512
    rep stosq
    mov qword [PD1], PT64 | 7
    mov rax, cr3
    mov cr3, rax
    ; fill frames with recognisable values
    mov dword [FR + 0x0000], 0x11111111
    mov dword [FR + 0x1000], 0x22222222
    mov dword [FR + 0x2000], 0x33333333
    mov dword [FR + 0x3000], 0x44444444

    ; -------------------------------------------------- translation
    SETPTE 0, FR, 3
    SETPTE 1, FR, 3             ; alias of the same frame
    CHECK32 dword [VA(0)], 0x11111111, "4K PTE maps VA to frame"
    mov dword [VA(0) + 0x10], 0xCAFE0001
    CHECK32 dword [FR + 0x10], 0xCAFE0001, "write through mapping reaches frame"
    CHECK32 dword [VA(1) + 0x10], 0xCAFE0001, "second PTE aliases the frame"

    ; -------------------------------------------------- A/D bits
    SETPTE 2, FR + 0x1000, 3
    and qword [PD1], ~0x60      ; clear A (and D) in the PDE too
    mov rax, cr3
    mov cr3, rax
    mov eax, [VA(2)]
    mov rax, [PT64 + 2*8]
    and eax, 0x60
    CHECK rax, 0x20, "read sets A, not D (PTE)"
    mov rax, [PD1]
    and eax, 0x20
    CHECK rax, 0x20, "walk sets A in the PDE"
    mov dword [VA(2)], 0x22222222
    mov rax, [PT64 + 2*8]
    and eax, 0x60
    CHECK rax, 0x60, "write sets D (PTE)"

    ; -------------------------------------------------- not present
    SETPTE 3, 0, 0
    TRY .np1r
.np1: mov eax, [VA(3) + 0x10]
.np1r:
    CHECK_EXC 14, 0, "#PF read not-present: error 0"
    CHECK [EXC_CR2], VA(3) + 0x10, "CR2 = faulting address"
    CHECK [EXC_RIP], .np1, "#PF RIP = faulting instruction"
    TRY .np2r
    mov dword [VA(3) + 0x24], 1
.np2r:
    CHECK_EXC 14, 2, "#PF write not-present: error 2"
    CHECK [EXC_CR2], VA(3) + 0x24, "CR2 (write)"
    ; not-present at the PDE level (PD1[5] = 0)
    mov rbx, WIN + 5 * 0x200000 + 0x777
    TRY .np3r
    mov eax, [rbx]
.np3r:
    CHECK_EXC 14, 0, "#PF not-present PDE"
    CHECK [EXC_CR2], WIN + 5 * 0x200000 + 0x777, "CR2 (PDE not present)"

    ; -------------------------------------------------- read-only, CR0.WP
    SETPTE 4, FR + 0x2000, 1    ; P, read-only, supervisor
    mov rax, cr0
    and rax, ~(1 << 16)
    mov cr0, rax
    TRY .wp0r
    mov dword [VA(4)], 0x33330000
.wp0r:
    ENDTRY
    CHECK32 dword [EXC_VEC], 0xFFFFFFFF, "CR0.WP=0: supervisor write to R/O page allowed"
    CHECK32 dword [FR + 0x2000], 0x33330000, "... and the write happened"
    mov rax, cr0
    or rax, 1 << 16
    mov cr0, rax
    TRY .wp1r
    mov dword [VA(4)], 0x33331111
.wp1r:
    CHECK_EXC 14, 3, "CR0.WP=1: supervisor write to R/O page: error 3"
    CHECK32 dword [FR + 0x2000], 0x33330000, "... write suppressed"

    ; -------------------------------------------------- user mode
    SETPTE 5, FR + 0x3000, 3    ; supervisor RW
    SETPTE 6, FR + 0x3000, 5    ; user, read-only
    SETPTE 7, FR + 0x3000, 7    ; user RW
    mov eax, user_code
    mov edx, 2
    call user64_call
    CHECK32 dword [UDATA + 0], 14, "CPL3 read of supervisor page: #PF"
    CHECK32 dword [UDATA + 4], 5, "... error 5 (P|U)"
    CHECK32 dword [UDATA + 8], 14, "CPL3 write of user R/O page: #PF"
    CHECK32 dword [UDATA + 12], 7, "... error 7 (P|W|U)"
    CHECK32 dword [UDATA + 16], 0x44444444, "CPL3 read of user page works"
    CHECK32 dword [UDATA + 20], 0xFFFFFFFF, "CPL3 write of user RW page: no fault"
    CHECK32 dword [UDATA + 24], 14, "CPL3 read of not-present page: #PF"
    CHECK32 dword [UDATA + 28], 4, "... error 4 (U)"
    CHECK32 dword [FR + 0x3004], 0x5A5A5A5A, "CPL3 write landed"

    ; -------------------------------------------------- reserved bits
    mov eax, 0x80000008
    cpuid
    movzx ecx, al               ; MAXPHYADDR
    cmp ecx, 52
    jae .norsvd
    mov rax, FR | 3
    bts rax, rcx                ; bit MAXPHYADDR of the address field
    mov [PT64 + 8*8], rax
    invlpg [VA(8)]
    TRY .rs1r
    mov eax, [VA(8)]
.rs1r:
    CHECK_EXC 14, 9, "reserved bit (>= MAXPHYADDR) in PTE: error 9 (P|RSVD)"
    CHECK [EXC_CR2], VA(8), "CR2 (RSVD)"
    jmp .rsdone
.norsvd:
    SKIP "PTE reserved physical-address bit (MAXPHYADDR=52)"
.rsdone:
    ; 2 MiB PDE with bit 13 set (reserved: bits 20:13 of a 2 MiB PDE)
    mov qword [PD1 + 2*8], 0x400000 | 0x83 | (1 << 13)
    invlpg [WIN + 2*0x200000]
    TRY .rs2r
    mov eax, [WIN + 2*0x200000]
.rs2r:
    CHECK_EXC 14, 9, "reserved bit 13 in 2 MiB PDE: error 9"
    mov qword [PD1 + 2*8], 0
    ; XD bit with EFER.NXE=0 is reserved
    mov rax, FR | 3
    bts rax, 63
    mov [PT64 + 9*8], rax
    invlpg [VA(9)]
    TRY .rs3r
    mov eax, [VA(9)]
.rs3r:
    CHECK_EXC 14, 9, "XD=1 with EFER.NXE=0 is reserved: error 9"

    ; -------------------------------------------------- 2 MiB page
    mov dword [0x412340], 0x2B2B2B2B
    mov qword [PD1 + 1*8], 0x400000 | 0x83
    invlpg [WIN + 0x200000]
    CHECK32 dword [WIN + 0x200000 + 0x12340], 0x2B2B2B2B, "2 MiB page translation"
    mov rax, [PD1 + 8]
    and eax, 0x20
    CHECK rax, 0x20, "2 MiB page: A bit set in the PDE"

    ; -------------------------------------------------- 1 GiB page
    mov eax, 0x80000001
    cpuid
    bt edx, 26
    jnc .no1g
    mov rbx, [LM_PDPT + 2*8]
    mov qword [LM_PDPT + 2*8], 0x83     ; 0x80000000 -> phys 0, 1 GiB
    mov rcx, 0x80412340
    invlpg [rcx]
    mov eax, [rcx]
    CHECK32 eax, 0x2B2B2B2B, "1 GiB page translation"
    mov [LM_PDPT + 2*8], rbx
    mov rax, cr3
    mov cr3, rax
    jmp .d1g
.no1g:
    SKIP "1 GiB pages (CPUID.80000001H:EDX.Page1GB=0)"
.d1g:

    ; -------------------------------------------------- INVLPG
    SETPTE 10, FR, 3
    mov eax, [VA(10)]           ; fill the TLB
    mov qword [PT64 + 10*8], (FR + 0x1000) | 3
    invlpg [VA(10)]
    CHECK32 dword [VA(10)], 0x22222222, "after INVLPG the new PTE is used"
    mov qword [PT64 + 10*8], FR | 3
    mov rax, cr3
    mov cr3, rax
    CHECK32 dword [VA(10)], 0x11111111, "after CR3 reload the new PTE is used"

    ; -------------------------------------------------- global pages
    mov rax, cr4
    or rax, 1 << 7              ; PGE
    mov cr4, rax
    SETPTE 11, FR, 0x103        ; G
    mov eax, [VA(11)]
    mov qword [PT64 + 11*8], (FR + 0x1000) | 0x103
    mov rax, cr3
    mov cr3, rax                ; may or may not keep the global entry
    mov rax, cr4
    and rax, ~(1 << 7)
    mov cr4, rax                ; clearing PGE flushes global entries
    CHECK32 dword [VA(11)], 0x22222222, "CR4.PGE toggle flushes global TLB entries"

    ; -------------------------------------------------- NX
    mov eax, 0x80000001
    cpuid
    bt edx, 20
    jnc .nonx
    mov ecx, 0xC0000080
    rdmsr
    or eax, 1 << 11             ; NXE
    wrmsr
    mov byte [FR + 0x3800], 0xC3    ; ret
    mov rax, (FR + 0x3000) | 3
    bts rax, 63
    mov [PT64 + 12*8], rax
    invlpg [VA(12)]
    mov eax, [VA(12) + 0x800]
    OK "NX page is readable"
    mov rbx, VA(12) + 0x800
    TRY .nx1r
    call rbx
.nx1r:
    CHECK_EXC 14, 0x11, "fetch from NX page: error 0x11 (P|I/D)"
    CHECK [EXC_CR2], VA(12) + 0x800, "CR2 = fetch address"
    CHECK [EXC_RIP], VA(12) + 0x800, "saved RIP = fetch address"
    SETPTE 13, FR + 0x3000, 3
    mov rbx, VA(13) + 0x800
    call rbx
    OK "fetch from executable page works"
    mov rbx, VA(3)
    TRY .nx2r
    call rbx
.nx2r:
    CHECK_EXC 14, 0x10, "fetch from not-present page with NXE=1: error 0x10"
    ; XD in a PDE applies to the whole 2 MiB region
    mov rax, PT64 | 3
    bts rax, 63
    mov [PD1], rax
    mov rax, cr3
    mov cr3, rax
    mov rbx, VA(13) + 0x800
    TRY .nx3r
    call rbx
.nx3r:
    CHECK_EXC 14, 0x11, "XD in the PDE forbids fetch through a PTE without XD"
    mov qword [PD1], PT64 | 7
    mov rax, cr3
    mov cr3, rax
    jmp .nxd
.nonx:
    SKIP "NX (CPUID.80000001H:EDX.NX=0)"
.nxd:

    ; -------------------------------------------------- SMEP / SMAP
    ; make 0-2 MiB (code, stacks, tables) supervisor-only for this part
    and qword [LM_PD], ~4
    mov rax, cr3
    mov cr3, rax
    mov eax, 7
    xor ecx, ecx
    cpuid
    mov r12d, ebx
    bt r12d, 7
    jnc .nosmep
    mov byte [FR + 0x3800], 0xC3
    SETPTE 14, FR + 0x3000, 7   ; user page containing RET
    mov rax, cr4
    or rax, 1 << 20
    mov cr4, rax
    mov rbx, VA(14) + 0x800
    TRY .smep1r
    call rbx
.smep1r:
    CHECK_EXC 14, 0x11, "SMEP: supervisor fetch from user page: error 0x11"
    mov rax, cr4
    and rax, ~(1 << 20)
    mov cr4, rax
    mov rbx, VA(14) + 0x800
    call rbx
    OK "SMEP off: supervisor fetch from user page works"
    jmp .smepd
.nosmep:
    SKIP "SMEP (CPUID.7.EBX[7]=0)"
.smepd:
    bt r12d, 20
    jnc .nosmap
    SETPTE 15, FR + 0x3000, 7
    mov rax, cr4
    or rax, 1 << 21
    mov cr4, rax
    clac
    TRY .smap1r
    mov eax, [VA(15)]
.smap1r:
    CHECK_EXC 14, 1, "SMAP: supervisor read of user page with AC=0: error 1"
    TRY .smap2r
    mov dword [VA(15)], 1
.smap2r:
    CHECK_EXC 14, 3, "SMAP: supervisor write of user page with AC=0: error 3"
    stac
    mov eax, [VA(15)]
    clac
    CHECK32 eax, 0x44444444, "SMAP: access allowed with EFLAGS.AC=1 (STAC)"
    mov rax, cr4
    and rax, ~(1 << 21)
    mov cr4, rax
    jmp .smapd
.nosmap:
    SKIP "SMAP (CPUID.7.EBX[20]=0)"
.smapd:
    or qword [LM_PD], 4
    mov rax, cr3
    mov cr3, rax

    ; -------------------------------------------------- misaligned accesses, 16-byte stores
    ; An access that is not aligned to its size, and a 16-byte store (checked for a write as a
    ; whole before any byte is written), are looked up in the TLB by page. What a page is cached
    ; for must match the access: a page cached for reads must still fault on a write to a
    ; read-only page and must get its D flag on the first write (SDM Vol.3A 4.8), and INVLPG
    ; must drop it for these accesses too (4.10.4.1).
    mov rax, cr4
    or eax, 1 << 9              ; OSFXSR, for MOVUPS/MOVAPS
    mov cr4, rax
    mov dword [FR + 0x4010], 0x01020304
    mov dword [FR + 0x4014], 0x05060708
    mov dword [FR + 0x5010], 0x11223344
    mov dword [FR + 0x5014], 0x55667788
    mov dword [FR + 0x6ff8], 0
    SETPTE 16, FR + 0x4000, 1   ; read-only, supervisor (CR0.WP=1)
    mov eax, [VA(16) + 0x10]    ; cached for reads
    mov eax, [VA(16) + 0x11]
    CHECK32 eax, 0x08010203, "misaligned read of a page cached for reads"
    TRY .ma1r
    mov dword [VA(16) + 0x11], 0x99999999
.ma1r:
    CHECK_EXC 14, 3, "misaligned write to a read-only page cached for reads: #PF"
    CHECK32 dword [FR + 0x4010], 0x01020304, "... write suppressed"
    TRY .ma4r
    add dword [VA(16) + 0x11], 1
.ma4r:
    CHECK_EXC 14, 3, "misaligned read-modify-write of a read-only page cached for reads: #PF"
    pcmpeqb xmm0, xmm0
    TRY .ma2r
    movaps [VA(16) + 0x10], xmm0
.ma2r:
    CHECK_EXC 14, 3, "MOVAPS to a read-only page cached for reads: #PF"
    CHECK32 dword [FR + 0x4010], 0x01020304, "... store suppressed"
    SETPTE 17, FR + 0x5000, 3
    mov eax, [VA(17)]           ; cached for reads: A set, D clear
    mov dword [VA(17) + 0x21], eax
    mov rax, [PT64 + 17*8]
    and eax, 0x60
    CHECK rax, 0x60, "misaligned write to a page cached for reads sets D"
    SETPTE 18, FR + 0x4000, 3
    mov eax, [VA(18) + 0x11]
    mov dword [VA(18) + 0x1d], eax ; cached for reads and writes
    mov qword [PT64 + 18*8], (FR + 0x5000) | 3
    invlpg [VA(18)]
    CHECK32 dword [VA(18) + 0x11], 0x88112233, "misaligned read after INVLPG uses the new PTE"
    mov dword [VA(18) + 0x1d], 0xA1B2C3D4
    CHECK32 dword [FR + 0x501d], 0xA1B2C3D4, "misaligned write after INVLPG uses the new PTE"
    CHECK32 dword [FR + 0x401d], 0x08010203, "... not the old one"
    SETPTE 19, FR + 0x6000, 3   ; writable, followed by VA(20) read-only
    SETPTE 20, FR + 0x4000, 1
    mov dword [VA(19) + 0xff8], 0
    mov eax, [VA(19) + 0xff8]   ; cached for writes and reads
    mov eax, [VA(20)]           ; cached for reads
    TRY .ma3r
    movups [VA(19) + 0xff8], xmm0
.ma3r:
    CHECK_EXC 14, 3, "MOVUPS across into a read-only page: #PF"
    CHECK [EXC_CR2], VA(20), "... CR2 = the read-only page's first byte"
    CHECK32 dword [FR + 0x6ff8], 0, "... first page not written"

    FINISH

; ------------------------------------------------------------ CPL3 code
bits 64
user_code:
    TRY .u1
    mov eax, [VA(5)]
.u1: mov eax, [EXC_VEC]
    mov [UDATA + 0], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 4], eax
    TRY .u2
    mov dword [VA(6)], 1
.u2: mov eax, [EXC_VEC]
    mov [UDATA + 8], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 12], eax
    mov eax, [VA(6)]
    mov [UDATA + 16], eax
    TRY .u3
    mov dword [VA(7) + 4], 0x5A5A5A5A
.u3: mov eax, [EXC_VEC]
    mov [UDATA + 20], eax
    TRY .u4
    mov eax, [VA(3)]
.u4: mov eax, [EXC_VEC]
    mov [UDATA + 24], eax
    mov eax, [EXC_ERR]
    mov [UDATA + 28], eax
    ENDTRY
    int USER_RET_VEC
END_IMAGE
