; pagingpae -- PAE paging (CR4.PAE=1, IA32_EFER.LME=0): 4 KiB and 2 MiB
; pages, the PDPTE registers, reserved-bit faults, XD with IA32_EFER.NXE.
; SDM Vol.3A 4.4 (PAE paging), 4.4.1 (PDPTE registers: loaded by MOV to
; CR3 -- and CR0/CR4 -- and NOT re-read from memory for translations; a
; present PDPTE with reserved bits set makes MOV CR3 raise #GP(0)),
; 4.4.2 (Tables 4-8..4-11: PDE/PTE formats, bits 62:MAXPHYADDR and, with
; NXE=0, bit 63 reserved; bits 20:13 reserved in a 2 MiB PDE),
; 4.6 (XD: no fetch if XD=1 at any level and NXE=1), 4.7 (#PF error code;
; I/D=0x10 only when PAE and NXE=1), 4.8 (A/D).
; Layout: PDPT at PT_AREA (4 entries); PDPTE[0] -> PD0: 2 MiB identity pages
; for 0-4 MiB; PDPTE[1] (0x40000000) -> PD1: PD1[0] -> PT (4 KiB pages),
; PD1[1] (0x40200000) = 2 MiB page -> phys 0x400000.
%define TESTNAME "pagingpae"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "idt.inc"

PDPT    equ PT_AREA             ; 32-byte aligned
PD0     equ PT_AREA + 0x1000
PD1     equ PT_AREA + 0x2000
PT      equ PT_AREA + 0x3000
PD1B    equ PT_AREA + 0x4000    ; alternative PD for the PDPTE-register test
WIN     equ 0x40000000
FR      equ 0x300000
KDATA   equ 0x9000

%define VA(i) (WIN + (i) * 0x1000)
%macro SETPTE 3                 ; index, phys, flags (low dword); high dword 0
    mov dword [PT + (%1) * 8], (%2) | (%3)
    mov dword [PT + (%1) * 8 + 4], 0
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
    mov eax, 1
    cpuid
    bt edx, 6
    jc .havepae
    FAIL_EXIT "CPUID.1:EDX.PAE=0"
.havepae:
    mov edi, PT_AREA
    mov ecx, 0x5000 / 4
    xor eax, eax
    rep stosd
    mov dword [PDPT + 0], PD0 | 1
    mov dword [PDPT + 8], PD1 | 1
    mov dword [PD0 + 0], 0x000000 | 0x83
    mov dword [PD0 + 8], 0x200000 | 0x83
    mov dword [PD1 + 0], PT | 3
    mov dword [PD1 + 8], 0x400000 | 0x83
    mov dword [PD1B + 0], PT | 3
    mov dword [PD1B + 8], 0x600000 | 0x83
    mov dword [0x400000 + 0x12340], 0x2B2B2B2B
    mov dword [0x600000 + 0x12340], 0x6B6B6B6B
    mov dword [FR + 0x0000], 0x11111111
    mov dword [FR + 0x1000], 0x22222222
    mov dword [FR + 0x2000], 0x33333333
    mov eax, PDPT
    mov cr3, eax
    mov eax, cr4
    or eax, 1 << 5                          ; PAE
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80010000                      ; PG | WP
    mov cr0, eax
    jmp .pg
.pg:
    PRINTLN "pagingpae: paging on"

    ; ---------------------------------------------- translation
    SETPTE 0, FR, 3
    CHECK32 dword [VA(0)], 0x11111111, "4 KiB PTE translation (Table 4-11)"
    CHECK32 dword [WIN + 0x200000 + 0x12340], 0x2B2B2B2B, "2 MiB page translation (Table 4-9)"
    and dword [PD1 + 8], ~0x60
    invlpg [WIN + 0x200000]
    mov dword [WIN + 0x200000 + 0x20], 1
    mov eax, [PD1 + 8]
    and eax, 0x60
    CHECK32 eax, 0x60, "2 MiB page write sets A and D in the PDE (4.8)"
    SETPTE 1, FR + 0x1000, 3
    mov eax, [VA(1)]
    mov eax, [PT + 8]
    and eax, 0x60
    CHECK32 eax, 0x20, "read sets A, not D, in the PTE"
    mov dword [VA(1) + 4], 7
    mov eax, [PT + 8]
    and eax, 0x60
    CHECK32 eax, 0x60, "write sets D in the PTE"

    ; ---------------------------------------------- #PF basics
    SETPTE 2, 0, 0
    TRY .np1r
.np1: mov eax, [VA(2) + 0x44]
.np1r:
    CHECK_EXC 14, 0, "#PF read not-present PTE: error 0"
    CHECK32 dword [EXC_CR2], VA(2) + 0x44, "CR2 = faulting address"
    CHECK32 dword [EXC_RIP], .np1, "EIP = faulting instruction"
    mov ebx, 0x80001234                     ; PDPTE[2] not present
    TRY .np2r
    mov dword [ebx], 1
.np2r:
    CHECK_EXC 14, 2, "not-present PDPTE: #PF error 2 (not #GP)"
    CHECK32 dword [EXC_CR2], 0x80001234, "CR2 (PDPTE not present)"
    mov ebx, VA(2) + 0x10
    TRY .np3r
    jmp ebx
.np3r:
    CHECK_EXC 14, 0, "fetch from not-present page, NXE=0: error 0 (no I/D, 4.7)"

    ; ---------------------------------------------- reserved bits
    mov eax, 0x80000008
    cpuid
    movzx ecx, al               ; MAXPHYADDR
    mov [KDATA], ecx
    cmp ecx, 52
    jae .norsvd
    mov dword [PT + 3*8], FR | 3
    mov dword [PT + 3*8 + 4], 0
    sub ecx, 32
    bts dword [PT + 3*8 + 4], ecx           ; PA bit MAXPHYADDR
    invlpg [VA(3)]
    TRY .rs1r
    mov eax, [VA(3)]
.rs1r:
    CHECK_EXC 14, 9, "PTE bit MAXPHYADDR reserved: error 9 (P|RSVD)"
    jmp .rsd
.norsvd:
    SKIP "PTE reserved address bit (MAXPHYADDR=52)"
.rsd:
    mov dword [PD1 + 2*8], 0x400000 | 0x83 | (1 << 13)
    invlpg [WIN + 2*0x200000]
    TRY .rs2r
    mov dword [WIN + 2*0x200000], 0
.rs2r:
    CHECK_EXC 14, 0xB, "2 MiB PDE bit 13 reserved: write error 0xB (P|W|RSVD)"
    CHECK32 dword [EXC_CR2], WIN + 2*0x200000, "CR2 (RSVD)"
    mov dword [PD1 + 2*8], 0
    invlpg [WIN + 2*0x200000]
    ; XD (bit 63) with NXE=0 is reserved
    mov dword [PT + 4*8], FR | 3
    mov dword [PT + 4*8 + 4], 0x80000000
    invlpg [VA(4)]
    TRY .rs3r
    mov eax, [VA(4)]
.rs3r:
    CHECK_EXC 14, 9, "PTE.XD with EFER.NXE=0 is reserved: error 9"

    ; ---------------------------------------------- PDPTE registers
    mov eax, cr3
    mov [KDATA + 4], eax
    mov dword [PDPT + 8], PD1B | 1          ; memory only
    invlpg [WIN + 0x200000]
    CHECK32 dword [WIN + 0x200000 + 0x12340], 0x2B2B2B2B, "PDPTE change not used before MOV CR3 (4.4.1)"
    RELOAD_CR3
    CHECK32 dword [WIN + 0x200000 + 0x12340], 0x6B6B6B6B, "MOV CR3 reloads the PDPTE registers"
    mov dword [PDPT + 8], PD1 | 1
    RELOAD_CR3
    ; present PDPTE with a reserved bit (bit 1 = R/W is reserved in PAE
    ; PDPTEs, Table 4-8): MOV CR3 -> #GP(0), CR3 unchanged
    mov dword [PDPT + 0x10], PD1B | 3
    mov eax, cr3
    TRY .pd1r
.pd1: mov cr3, eax
.pd1r:
    CHECK_EXC 13, 0, "MOV CR3 with a reserved bit in a present PDPTE: #GP(0)"
    CHECK32 dword [EXC_RIP], .pd1, "#GP EIP = MOV CR3"
    mov dword [PDPT + 0x10], PD1B | 0x1E    ; same bits but P=0: no check
    mov eax, cr3
    TRY .pd2r
    mov cr3, eax
.pd2r:
    ENDTRY
    CHECK32 dword [EXC_VEC], 0xFFFFFFFF, "reserved bits in a not-present PDPTE: no #GP"
    mov dword [PDPT + 0x10], 0
    RELOAD_CR3
    CHECK32 dword [WIN + 0x200000 + 0x12340], 0x2B2B2B2B, "PDPTE restored"

    ; ---------------------------------------------- NX
    mov eax, 0x80000001
    cpuid
    bt edx, 20
    jc .havenx
    SKIP "NX (CPUID.80000001H:EDX[20]=0)"
    jmp .nxd
.havenx:
    mov ecx, 0xC0000080
    rdmsr
    or eax, 1 << 11                         ; NXE
    wrmsr
    mov byte [FR + 0x2800], 0xC3            ; ret
    mov dword [PT + 5*8], (FR + 0x2000) | 3
    mov dword [PT + 5*8 + 4], 0x80000000
    invlpg [VA(5)]
    CHECK32 dword [VA(5)], 0x33333333, "NXE=1: XD page is readable"
    mov ebx, VA(5) + 0x800
    TRY .nx1r
    jmp ebx
.nx1r:
    CHECK_EXC 14, 0x11, "fetch from XD page: error 0x11 (P|I/D)"
    CHECK32 dword [EXC_CR2], VA(5) + 0x800, "CR2 = fetch address"
    CHECK32 dword [EXC_RIP], VA(5) + 0x800, "saved EIP = fetch address"
    SETPTE 6, FR + 0x2000, 3
    mov ebx, VA(6) + 0x800
    call ebx
    OK "fetch from a page without XD"
    mov ebx, VA(2)
    TRY .nx2r
    jmp ebx
.nx2r:
    CHECK_EXC 14, 0x10, "fetch from not-present page with NXE=1: error 0x10"
    mov dword [PD1 + 4], 0x80000000         ; XD in the PDE
    RELOAD_CR3
    mov ebx, VA(6) + 0x800
    TRY .nx3r
    jmp ebx
.nx3r:
    CHECK_EXC 14, 0x11, "XD in the PDE forbids fetch through a PTE without XD"
    mov dword [PD1 + 4], 0
    RELOAD_CR3
    ; XD in the PDPTE is reserved for PAE paging (Table 4-8: bit 63 reserved)
    mov dword [PDPT + 0x0C], 0x80000000
    mov eax, cr3
    TRY .nx4r
    mov cr3, eax
.nx4r:
    CHECK_EXC 13, 0, "PDPTE bit 63 is reserved in PAE paging: MOV CR3 #GP(0)"
    mov dword [PDPT + 0x0C], 0
    RELOAD_CR3
.nxd:
    FINISH
END_IMAGE
