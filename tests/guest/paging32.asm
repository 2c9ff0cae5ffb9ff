; paging32 -- 32-bit paging (CR4.PAE=0): 4 KiB pages, 4 MiB pages (PSE),
; PSE-36 address bits, accessed/dirty bits, #PF error codes and CR2, CR0.WP,
; U/S and R/W combined over PDE and PTE, instruction-fetch faults.
; SDM Vol.3A 4.3 (32-bit paging; Table 4-4 4 MiB PDE, Table 4-6 PTE),
; 4.6 (access rights: the effective R/W and U/S are the AND of both levels;
; 4.6.1 CR0.WP), 4.7 (#PF error code P=1 W/R=2 U/S=4 RSVD=8 I/D=0x10: I/D
; is reported only if CR4.SMEP=1 or PAE with EFER.NXE=1, so it is 0 here),
; 4.8 (A/D flags), 4.10.4.1 (INVLPG), 6.15 Interrupt 14 (CR2, faulting EIP).
; Layout: PD32 at PT_AREA: PDE[0] = 4 MiB page identity (0-4 MiB: code
; mirror, stacks, IDT/GDT); PDE[256] (0x40000000) -> 4 KiB page table PT32;
; PDE[257] (0x40400000) = 4 MiB page -> physical 0x400000.
%define TESTNAME "paging32"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "idt.inc"
%include "user.inc"

PD32    equ PT_AREA
PT32    equ PT_AREA + 0x1000
PT32B   equ PT_AREA + 0x2000     ; page table used through a PS=1 PDE (PSE off)
WIN     equ 0x40000000
FR      equ 0x300000            ; 4 KiB frames FR, FR+0x1000, ...
UDATA   equ 0x38000
KDATA   equ 0x9000

%define VA(i) (WIN + (i) * 0x1000)
%macro SETPTE 3                 ; index, phys, flags
    mov dword [PT32 + (%1) * 4], (%2) | (%3)
    invlpg [VA(%1)]
%endmacro
%macro RELOAD_CR3 0
    mov eax, cr3
    mov cr3, eax
%endmacro

bits 16
main:
    ENTER_PM32
    call idt32_init
    call tss32_setup
    mov eax, 1
    cpuid
    mov [KDATA], edx            ; CPUID.1:EDX (PSE=3, PSE-36=17)
    bt edx, 3
    jc .havepse
    FAIL_EXIT "CPUID.1:EDX.PSE=0 (this test needs 4 MiB pages)"
.havepse:
    mov edi, PD32
    mov ecx, 0x3000 / 4
    xor eax, eax
    rep stosd
    mov dword [PD32], 0x87                  ; 4 MiB, P RW US PS
    mov dword [PD32 + 256*4], PT32 | 7
    mov dword [PD32 + 257*4], 0x400000 | 0x87
    mov dword [0x400000 + 0x123450], 0x4D4D4D4D  ; not identity mapped later
    mov eax, PD32
    mov cr3, eax
    mov eax, cr4
    or eax, 1 << 4                          ; PSE
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80010000                      ; PG | WP
    mov cr0, eax
    jmp .pg
.pg:
    PRINTLN "paging32: paging on"
    mov dword [FR + 0x0000], 0x11111111
    mov dword [FR + 0x1000], 0x22222222
    mov dword [FR + 0x2000], 0x33333333
    mov dword [FR + 0x3000], 0x44444444

    ; ---------------------------------------------- 4 KiB translation
    SETPTE 0, FR, 3
    SETPTE 1, FR, 3
    CHECK32 dword [VA(0)], 0x11111111, "4 KiB PTE maps VA to frame (4.3)"
    mov dword [VA(0) + 0x10], 0xCAFE0001
    CHECK32 dword [FR + 0x10], 0xCAFE0001, "write through the mapping reaches the frame"
    CHECK32 dword [VA(1) + 0x10], 0xCAFE0001, "second PTE aliases the frame"

    ; ---------------------------------------------- 4 MiB page
    CHECK32 dword [WIN + 0x400000 + 0x123450], 0x4D4D4D4D, "4 MiB PSE page translation (Table 4-4)"
    and dword [PD32 + 257*4], ~0x60
    invlpg [WIN + 0x400000]
    mov eax, [WIN + 0x400000 + 0x10]
    mov eax, [PD32 + 257*4]
    and eax, 0x60
    CHECK32 eax, 0x20, "4 MiB page read: A=1, D=0 in the PDE (4.8)"
    mov dword [WIN + 0x400000 + 0x10], 5
    mov eax, [PD32 + 257*4]
    and eax, 0x60
    CHECK32 eax, 0x60, "4 MiB page write: D=1 in the PDE (4.8)"

    ; ---------------------------------------------- A/D bits
    SETPTE 2, FR + 0x1000, 3
    and dword [PD32 + 256*4], ~0x60
    RELOAD_CR3
    mov eax, [VA(2)]
    mov eax, [PT32 + 2*4]
    and eax, 0x60
    CHECK32 eax, 0x20, "read sets A, not D, in the PTE (4.8)"
    mov eax, [PD32 + 256*4]
    and eax, 0x60
    CHECK32 eax, 0x20, "walk sets A (D unchanged) in the PDE of a page table"
    mov dword [VA(2)], 0x22222222
    mov eax, [PT32 + 2*4]
    and eax, 0x60
    CHECK32 eax, 0x60, "write sets D in the PTE"

    ; ---------------------------------------------- not present
    SETPTE 3, 0, 0
    TRY .np1r
.np1: mov eax, [VA(3) + 0x10]
.np1r:
    CHECK_EXC 14, 0, "#PF read not-present: error 0 (4.7)"
    CHECK32 dword [EXC_CR2], VA(3) + 0x10, "CR2 = faulting linear address"
    CHECK32 dword [EXC_RIP], .np1, "#PF is a fault: EIP = faulting instruction"
    TRY .np2r
    mov dword [VA(3) + 0x24], 1
.np2r:
    CHECK_EXC 14, 2, "#PF write not-present: error 2"
    mov ebx, WIN + 5 * 0x400000 + 0x777     ; PDE[261] = 0
    TRY .np3r
    mov eax, [ebx]
.np3r:
    CHECK_EXC 14, 0, "#PF not-present PDE: error 0"
    CHECK32 dword [EXC_CR2], WIN + 5 * 0x400000 + 0x777, "CR2 (PDE not present)"
    ; a dword access straddling into a not-present page
    SETPTE 4, FR + 0x2000, 3
    SETPTE 5, 0, 0
    TRY .np4r
.np4: mov eax, [VA(4) + 0xFFE]
.np4r:
    CHECK_EXC 14, 0, "#PF access straddling into a not-present page"
    CHECK32 dword [EXC_CR2], VA(5), "CR2 = first byte in the not-present page"
    CHECK32 dword [EXC_RIP], .np4, "EIP = straddling instruction"

    ; ---------------------------------------------- instruction fetch
    mov byte [FR + 0x2800], 0xC3            ; ret
    mov ebx, VA(4) + 0x800
    call ebx
    OK "fetch and execute from a 4 KiB page"
    mov ebx, VA(3) + 0x800
    TRY .if1r
    jmp ebx
.if1r:
    CHECK_EXC 14, 0, "fetch from not-present page: error 0 (no I/D without PAE+NXE / SMEP)"
    CHECK32 dword [EXC_CR2], VA(3) + 0x800, "CR2 = fetch address"
    CHECK32 dword [EXC_RIP], VA(3) + 0x800, "saved EIP = fetch address"
    ; instruction straddling the page end: B8 imm32 at VA(4)+0xFFD
    mov dword [FR + 0x2FFC], 0x0000B890     ; nop; mov eax, imm32 (imm continues)
    mov ebx, VA(4) + 0xFFC
    TRY .if2r
    jmp ebx
.if2r:
    CHECK_EXC 14, 0, "fetch of instruction crossing into a not-present page"
    CHECK32 dword [EXC_CR2], VA(5), "CR2 = start of the not-present page"
    CHECK32 dword [EXC_RIP], VA(4) + 0xFFD, "EIP = start of the straddling instruction"

    ; ---------------------------------------------- CR0.WP
    SETPTE 6, FR + 0x2000, 1                ; P, read-only, supervisor
    mov eax, cr0
    and eax, ~(1 << 16)
    mov cr0, eax
    TRY .wp0r
    mov dword [VA(6) + 4], 0x33330000
.wp0r:
    ENDTRY
    CHECK32 dword [EXC_VEC], 0xFFFFFFFF, "CR0.WP=0: supervisor write to R/O page allowed (4.6.1)"
    CHECK32 dword [FR + 0x2004], 0x33330000, "... and the write happened"
    mov eax, cr0
    or eax, 1 << 16
    mov cr0, eax
    TRY .wp1r
    mov dword [VA(6) + 4], 0x33331111
.wp1r:
    CHECK_EXC 14, 3, "CR0.WP=1: supervisor write to R/O page: error 3"
    CHECK32 dword [FR + 0x2004], 0x33330000, "... write suppressed"

    ; ---------------------------------------------- user mode
    ; window 2 (0x40800000): PDE R/W=0 U/S=1 -> PT32B; PTEs all RW
    mov dword [PD32 + 258*4], PT32B | 5
    mov dword [PT32B + 0*4], (FR + 0x3000) | 7
    ; window 3 (0x40C00000): PDE U/S=0 -> PT32B (PTE says user)
    mov dword [PD32 + 259*4], PT32B | 3
    SETPTE 7, FR + 0x3000, 3                ; supervisor RW
    SETPTE 8, FR + 0x3000, 5                ; user R/O
    SETPTE 9, FR + 0x3000, 7                ; user RW
    RELOAD_CR3
    mov eax, user_code
    mov edx, 2
    call user32_call
    CHECK32 dword [UDATA + 0], 14, "CPL3 read of supervisor page: #PF"
    CHECK32 dword [UDATA + 4], 5, "... error 5 (P|U)"
    CHECK32 dword [UDATA + 8], 14, "CPL3 write of user R/O page: #PF"
    CHECK32 dword [UDATA + 12], 7, "... error 7 (P|W|U)"
    CHECK32 dword [UDATA + 16], 0x44444444, "CPL3 read of user page works"
    CHECK32 dword [UDATA + 20], 0xFFFFFFFF, "CPL3 write of user RW page: no fault"
    CHECK32 dword [UDATA + 24], 14, "CPL3 write, PDE R/W=0 + PTE R/W=1: #PF (4.6)"
    CHECK32 dword [UDATA + 28], 7, "... error 7"
    CHECK32 dword [UDATA + 32], 0x44444444, "CPL3 read, PDE R/W=0: allowed"
    CHECK32 dword [UDATA + 36], 14, "CPL3 read, PDE U/S=0 + PTE U/S=1: #PF"
    CHECK32 dword [UDATA + 40], 5, "... error 5"
    CHECK32 dword [UDATA + 44], 4, "CPL3 read of not-present page: error 4 (U)"
    CHECK32 dword [FR + 0x3004], 0x5A5A5A5A, "CPL3 write landed"
    ; supervisor write through PDE R/W=0 with WP=1 faults too
    TRY .wp2r
    mov dword [0x40800000 + 8], 1
.wp2r:
    CHECK_EXC 14, 3, "CR0.WP=1: supervisor write, PDE R/W=0: error 3"

    ; ---------------------------------------------- reserved bit 21 / PSE-36
    ; Table 4-4: in a 4 MiB PDE bits 20:13 hold PA bits 39:32 (PSE-36) and
    ; bits 21:(M-19) are reserved; without PSE-36 bits 21:13 are reserved.
    ; Bit 21 is reserved in every case (M <= 40).
    mov dword [PD32 + 260*4], 0x400000 | 0x83 | (1 << 21)
    invlpg [WIN + 4 * 0x400000]
    TRY .rs1r
    mov eax, [WIN + 4 * 0x400000]
.rs1r:
    CHECK_EXC 14, 9, "4 MiB PDE bit 21 reserved: error 9 (P|RSVD)"
    TRY .rs2r
    mov dword [WIN + 4 * 0x400000], 0
.rs2r:
    CHECK_EXC 14, 0xB, "... write: error 0xB (P|W|RSVD)"
    bt dword [KDATA], 17
    jnc .nopse36
    ; PA bit 32 (PDE bit 13) is legal with PSE-36: translation succeeds
    mov dword [PD32 + 260*4], 0x400000 | 0x83 | (1 << 13)
    invlpg [WIN + 4 * 0x400000]
    TRY .p36r
    mov eax, [WIN + 4 * 0x400000]
.p36r:
    ENDTRY
    CHECK32 dword [EXC_VEC], 0xFFFFFFFF, "PSE-36: PDE bit 13 = PA bit 32, no #PF"
    jmp .p36d
.nopse36:
    SKIP "PSE-36 (CPUID.1:EDX[17]=0)"
.p36d:
    mov dword [PD32 + 260*4], 0
    invlpg [WIN + 4 * 0x400000]
    ; 4 KiB PTEs in 32-bit paging have no reserved bits: PAT bit 7 is fine
    SETPTE 10, FR, 0x83
    CHECK32 dword [VA(10)], 0x11111111, "PTE bit 7 (PAT) is not reserved"

    ; ---------------------------------------------- CR4.PSE=0
    ; With CR4.PSE=0 the PS bit of a PDE is ignored: it maps a page table.
    ; (Run from PDE[0] mapped by PT32B-like table: switch PDE[0] to a 4 KiB
    ; identity table first.)
    mov edi, PT32B
    xor ecx, ecx
.idl: mov eax, ecx
    shl eax, 12
    or eax, 7
    mov [edi + ecx*4], eax
    inc ecx
    cmp ecx, 1024
    jb .idl
    mov dword [PD32], PT32B | 7
    mov dword [PD32 + 262*4], PT32 | 0x83   ; PS=1 but PSE off -> page table
    mov eax, cr4
    and eax, ~(1 << 4)
    mov cr4, eax                            ; flushes the TLB (4.10.4.1)
    CHECK32 dword [WIN + 6 * 0x400000 + 0x0000], 0x11111111, "CR4.PSE=0: PDE.PS ignored, maps a page table (4.3)"
    FINISH

; ------------------------------------------------------------ CPL3 code
bits 32
%macro UREC 2                   ; offset of vec, offset of err (-1: none)
    mov eax, [EXC_VEC]
    mov [UDATA + %1], eax
%if %2 >= 0
    mov eax, [EXC_ERR]
    mov [UDATA + %2], eax
%endif
%endmacro
user_code:
    TRY .u1
    mov eax, [VA(7)]
.u1: UREC 0, 4
    TRY .u2
    mov dword [VA(8)], 1
.u2: UREC 8, 12
    mov eax, [VA(8)]
    mov [UDATA + 16], eax
    TRY .u3
    mov dword [VA(9) + 4], 0x5A5A5A5A
.u3: UREC 20, -1
    TRY .u4
    mov dword [0x40800000 + 8], 1
.u4: UREC 24, 28
    mov eax, [0x40800000]
    mov [UDATA + 32], eax
    TRY .u5
    mov eax, [0x40C00000]
.u5: UREC 36, 40
    TRY .u6
    mov eax, [VA(3)]
.u6: mov eax, [EXC_ERR]
    mov [UDATA + 44], eax
    ENDTRY
    int USER_RET_VEC
END_IMAGE
