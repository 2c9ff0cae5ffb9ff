; vmxtlb -- cached translations under VPIDs and EPT (SDM Vol.3C 28.3.1: linear and combined
; mappings are tagged by VPID, and combined ones also by EP4TA; 28.3.3.1 and 28.3.3.3: what
; invalidates them; 30.3 INVVPID and INVEPT). A 64-bit guest shares the host's page tables and
; reads a linear address X whose PTE the host points at pages holding different values. Every
; check asserts only what the SDM guarantees: a context that never translated X cannot hold an
; old translation for it, and after the proper invalidation the new mapping is seen. Nothing
; is asserted to stay stale (keeping a stale translation is allowed, not required).
;   - VPIDs: a fresh VPID sees a PTE change the host only INVLPGed for itself; INVVPID type 0
;     (individual address), 1 (single context), 3 (single context retaining globals) and 2 (all
;     contexts) make the change visible to the VPIDs they name; more VPIDs than turtles keeps
;     contexts (4), so a reused context must not carry its old owner's translations.
;   - the host's translations: a fresh VPID does not see a stale host translation; INVLPG in
;     root operation and in the guest act on their own side.
;   - without "enable VPID", VM entry and VM exit invalidate VPID 0's mappings (26.3.2.5,
;     27.5.5; 28.3.3.1).
;   - EPT: one VPID with two EPTPs mapping guest-physical G to different host pages (combined
;     mappings tagged by EP4TA); INVVPID type 0 reaches every EPTP's context of the VPID;
;     INVEPT single-context (matched by EP4TA, bits 51:12, for every VPID) and all-context;
;     EPTP switching with VMFUNC moves the guest to the new EPTP's mappings (25.5.5.3).
%define TESTNAME "vmxtlb"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

SEC_EPT         equ 1 << 1
SEC_VPID        equ 1 << 5
SEC_VMFUNC      equ 1 << 13
MSR_EPT_VPID_CAP equ 0x48c
INV_DESC        equ RAM_SCRATCH + 0x140     ; 16-byte INVVPID / INVEPT descriptor
EPTP_LIST       equ TEST_RAM + 0x4c000

; linear X, 4 KiB-mapped through PT_X (which replaces the 2 MiB page 0x800000-0x9FFFFF).
; X, G and the data pages are chosen so that their TLB indexes (page number mod 256) are
; different from each other and from the pages the guest and host otherwise touch.
PT_X            equ TEST_RAM + 0x30000
X               equ 0x8a5000
XPTE            equ PT_X + ((X >> 12) & 511) * 8
PG_A            equ 0x310000
PG_B            equ 0x311000
PG_C            equ 0x312000
VA              equ 0xa0a0a0a0a0a0a0a1
VB              equ 0xb0b0b0b0b0b0b0b2
VC              equ 0xc0c0c0c0c0c0c0c3

; EPT: two tables, identity for 0-1 GiB (2 MiB pages) except the 2 MiB region of guest-physical
; G, which is 4 KiB-mapped: identity except G itself. The guest reaches G at linear G through
; the host's identity page tables.
EPT1_PML4       equ TEST_RAM + 0x40000
EPT1_PDPT       equ TEST_RAM + 0x41000
EPT1_PD         equ TEST_RAM + 0x42000
EPT1_PT         equ TEST_RAM + 0x43000
EPT2_PML4       equ TEST_RAM + 0x48000
EPT2_PDPT       equ TEST_RAM + 0x49000
EPT2_PD         equ TEST_RAM + 0x4a000
EPT2_PT         equ TEST_RAM + 0x4b000
G               equ 0x4a7000
EPT_WB          equ 6 << 3                  ; leaf memory type write-back
EPTP1           equ EPT1_PML4 | 6 | (3 << 3)   ; WB, 4 levels
EPTP2           equ EPT2_PML4 | 6 | (3 << 3)
EPTP2_AD        equ EPTP2 | (1 << 6)        ; the same EP4TA with A/D flags enabled
G_PTE1          equ EPT1_PT + ((G >> 12) & 511) * 8
G_PTE2          equ EPT2_PT + ((G >> 12) & 511) * 8
PG_E1           equ 0x314000
PG_E2           equ 0x315000
PG_E3           equ 0x316000
PG_E4           equ 0x317000
VE1             equ 0x1e1e1e1e1e1e1e11
VE2             equ 0x2e2e2e2e2e2e2e22
VE3             equ 0x3e3e3e3e3e3e3e33
VE4             equ 0x4e4e4e4e4e4e4e44

; SETPTE page: points X at page (P, RW, US; not global); no invalidation
%macro SETPTE 1
    mov qword [XPTE], %1 | 7
%endmacro
; HOST_INVLPG: INVLPG X in root operation (the host's own, VPID 0, translations)
%macro HOST_INVLPG 0
    mov eax, X
    invlpg [rax]
%endmacro
; GREAD vpid, address, expected, "desc": the guest with that VPID reads the qword at address
%macro GREAD 4+
    mov ecx, %1
    mov esi, %2
    call read_as
    CHECK rbx, %3, %4
%endmacro
; INVVPID_OK type, vpid, address, "desc": INVVPID and a check that it succeeded
%macro INVVPID_OK 4+
    mov qword [INV_DESC], %2
    mov rax, %3
    mov [INV_DESC + 8], rax
    mov eax, %1
    invvpid rax, [INV_DESC]
    pushfq
    pop rax
    and eax, 0x8d5                          ; CF, PF, AF, ZF, SF, OF: VMsucceed clears all
    CHECK32 eax, 0, %4
%endmacro
; INVEPT_OK type, eptp, "desc"
%macro INVEPT_OK 3+
    mov rax, %2
    mov [INV_DESC], rax
    mov qword [INV_DESC + 8], 0
    mov eax, %1
    invept rax, [INV_DESC]
    pushfq
    pop rax
    and eax, 0x8d5
    CHECK32 eax, 0, %3
%endmacro

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    mov ecx, MSR_VMX_PROCBASED2
    rdmsr
    and edx, SEC_EPT | SEC_VPID | SEC_VMFUNC
    CHECK32 edx, SEC_EPT | SEC_VPID | SEC_VMFUNC, "secondary controls: EPT, VPID and VM functions allowed"
    mov ecx, 0x491                          ; IA32_VMX_VMFUNC
    rdmsr
    and eax, 1
    CHECK32 eax, 1, "VM function 0 (EPTP switching) allowed"
    mov ecx, MSR_EPT_VPID_CAP
    rdmsr
    and eax, (1 << 6) | (1 << 14) | (1 << 20) | (1 << 21) | (1 << 25) | (1 << 26)
    CHECK32 eax, (1 << 6) | (1 << 14) | (1 << 20) | (1 << 21) | (1 << 25) | (1 << 26), "EPT caps: 4-level, WB, INVEPT single and all, A/D"
    and edx, 0xf01
    CHECK32 edx, 0xf01, "INVVPID with types 0, 1, 2 and 3"

    call build_pages
    call vmx_on
    xor edi, edi
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    VMW PROC2_CTLS, SEC_VPID
    VMW EXC_BITMAP, 0xffffffff              ; a guest fault exits (and the read check fails)

    ; ---- 1-4: a context that never translated X; INVVPID types 0 and 1 (30.3, 28.3.3.3) ----
    SETPTE PG_A
    HOST_INVLPG
    GREAD 1, X, VA, "VPID 1 reads X: page A"
    SETPTE PG_B
    HOST_INVLPG                             ; the host's translations only
    GREAD 2, X, VB, "PTE -> B, host INVLPG: VPID 2 (never translated X) sees B"
    INVVPID_OK 0, 1, X, "INVVPID type 0 (VPID 1, X): VMsucceed"
    GREAD 1, X, VB, "after INVVPID type 0 VPID 1 sees B"
    SETPTE PG_A
    HOST_INVLPG
    INVVPID_OK 1, 2, 0, "INVVPID type 1 (VPID 2): VMsucceed"
    GREAD 2, X, VA, "PTE -> A, INVVPID type 1: VPID 2 sees A"
    INVVPID_OK 1, 1, 0, "INVVPID type 1 (VPID 1): VMsucceed"
    GREAD 1, X, VA, "PTE -> A, INVVPID type 1: VPID 1 sees A"

    ; ---- 5: type 3 (retaining globals; X is not global), reused contexts, type 2 ----
    SETPTE PG_B
    HOST_INVLPG
    INVVPID_OK 3, 1, 0, "INVVPID type 3 (VPID 1): VMsucceed"
    GREAD 1, X, VB, "PTE -> B (non-global), INVVPID type 3: VPID 1 sees B"
    ; VPID 2 still may hold X -> A; VPIDs 3-6 are new and take over the contexts of 1 and 2
    GREAD 3, X, VB, "VPID 3 (new) sees B"
    GREAD 4, X, VB, "VPID 4 (new) sees B"
    GREAD 5, X, VB, "VPID 5 (new, more VPIDs than contexts) sees B"
    GREAD 6, X, VB, "VPID 6 (new, more VPIDs than contexts) sees B"
    SETPTE PG_C
    HOST_INVLPG
    INVVPID_OK 2, 0, 0, "INVVPID type 2 (all contexts): VMsucceed"
    GREAD 3, X, VC, "PTE -> C, INVVPID type 2: VPID 3 sees C"
    GREAD 4, X, VC, "... VPID 4 sees C"
    GREAD 5, X, VC, "... VPID 5 sees C"
    GREAD 6, X, VC, "... VPID 6 sees C"
    GREAD 1, X, VC, "... VPID 1 sees C"
    GREAD 2, X, VC, "... VPID 2 sees C"
    GREAD 3, X, VC, "... VPID 3 again sees C"

    ; ---- the host's translations with VPIDs (28.3.3.1: INVLPG acts on the current VPID) ----
    SETPTE PG_A
    HOST_INVLPG
    mov eax, X
    mov rbx, [rax]
    CHECK rbx, VA, "host reads X: A"
    SETPTE PG_B                             ; no INVLPG: the host may still use X -> A
    GREAD 9, X, VB, "PTE -> B, no INVLPG: VPID 9 (new) does not see the host's A"
    HOST_INVLPG
    mov eax, X
    mov rbx, [rax]
    CHECK rbx, VB, "after the exit, INVLPG in root operation: the host sees B"
    ; translations made in root operation are VPID 0's (28.3.1): VPID 9, whose X was invalidated
    ; since it last ran, must not use the host's
    INVVPID_OK 0, 9, X, "INVVPID type 0 (VPID 9, X): VMsucceed"
    mov eax, X
    mov rbx, [rax]
    CHECK rbx, VB, "the host reads X again: B"
    SETPTE PG_A                             ; no INVLPG
    GREAD 9, X, VA, "PTE -> A, no INVLPG: VPID 9 does not see the host's B"
    mov ecx, 9
    mov esi, X
    mov r8, PG_B | 7
    mov r9, XPTE
    call invlpg_as
    CHECK r10, VA, "VPID 9 reads A, "
    CHECK rbx, VB, "... sets PTE -> B and INVLPGs: it sees B"
    HOST_INVLPG
    mov eax, X
    mov rbx, [rax]
    CHECK rbx, VB, "host INVLPG after the guest's change: the host sees B"

    ; ---- 7: without "enable VPID" entries and exits invalidate VPID 0 (26.3.2.5, 27.5.5) ----
    VMW PROC2_CTLS, 0
    mov eax, X
    mov rbx, [rax]
    CHECK rbx, VB, "no VPIDs: host reads X: B"
    SETPTE PG_A                             ; no INVLPG
    GREAD 0, X, VA, "PTE -> A, no INVLPG: the VM entry invalidated, the guest sees A"
    mov ecx, 0
    mov esi, X
    mov r8, PG_C | 7
    mov r9, XPTE
    call write_as
    CHECK rbx, VA, "the guest reads A (cached) and sets PTE -> C without INVLPG"
    mov eax, X
    mov rbx, [rax]
    CHECK rbx, VC, "the VM exit invalidated: the host sees C"

    ; ---- 6: EPT, combined mappings tagged by EP4TA (28.3.1), INVEPT (30.3, 28.3.3.4) ----
    call build_ept
    VMW PROC2_CTLS, SEC_EPT | SEC_VPID
    INVVPID_OK 2, 0, 0, "INVVPID type 2 before the EPT part: VMsucceed"
    VMW 0x201a, EPTP1
    GREAD 1, G, VE1, "EPTP 1, VPID 1: G is host page E1"
    VMW 0x201a, EPTP2
    GREAD 1, G, VE2, "EPTP 2, same VPID: G is host page E2"
    VMW 0x201a, EPTP1
    GREAD 1, G, VE1, "EPTP 1 again: G is E1"
    ; INVVPID type 0 reaches the VPID's combined mappings for every EP4TA (28.3.3.3)
    SETPTE PG_A
    HOST_INVLPG
    GREAD 1, X, VA, "EPTP 1, VPID 1: X is A"
    VMW 0x201a, EPTP2
    GREAD 1, X, VA, "EPTP 2, VPID 1: X is A"
    SETPTE PG_B
    HOST_INVLPG
    INVVPID_OK 0, 1, X, "INVVPID type 0 (VPID 1, X) with EPT: VMsucceed"
    GREAD 1, X, VB, "PTE -> B, INVVPID type 0: EPTP 2's context sees B"
    VMW 0x201a, EPTP1
    GREAD 1, X, VB, "... and EPTP 1's context sees B"
    ; INVEPT single-context: every VPID's combined mappings for the EP4TA
    GREAD 2, G, VE1, "EPTP 1, VPID 2: G is E1"
    mov qword [G_PTE1], PG_E3 | 7 | EPT_WB
    INVEPT_OK 1, EPTP1, "EPT 1: G -> E3, INVEPT single-context EPTP 1: VMsucceed"
    GREAD 1, G, VE3, "EPTP 1, VPID 1 sees E3"
    GREAD 2, G, VE3, "EPTP 1, VPID 2 sees E3"
    VMW 0x201a, EPTP2
    GREAD 1, G, VE2, "EPTP 2 (unchanged) still maps G to E2"
    mov qword [G_PTE2], PG_E4 | 7 | EPT_WB
    INVEPT_OK 1, EPTP2_AD, "EPT 2: G -> E4, INVEPT single-context EPTP 2 with A/D flag: VMsucceed"
    GREAD 1, G, VE4, "EPTP 2 sees E4 (INVEPT matches the EP4TA, bits 51:12)"
    ; INVEPT all-context
    mov qword [G_PTE1], PG_E1 | 7 | EPT_WB
    mov qword [G_PTE2], PG_E2 | 7 | EPT_WB
    INVEPT_OK 2, 0, "EPT 1: G -> E1, EPT 2: G -> E2, INVEPT all-context: VMsucceed"
    GREAD 1, G, VE2, "EPTP 2, VPID 1 sees E2"
    VMW 0x201a, EPTP1
    GREAD 1, G, VE1, "EPTP 1, VPID 1 sees E1"
    GREAD 2, G, VE1, "EPTP 1, VPID 2 sees E1"
    ; EPTP switching (VMFUNC 0, SDM Vol.3C 25.5.5.3) moves the guest to the new EPTP's context
    mov qword [EPTP_LIST], EPTP1
    mov qword [EPTP_LIST + 8], EPTP2
    VMW PROC2_CTLS, SEC_EPT | SEC_VPID | SEC_VMFUNC
    VMW 0x2018, 1                           ; VM-function controls: EPTP switching
    VMW 0x2024, EPTP_LIST
    mov ecx, 1
    mov esi, G
    lea rdi, [rel g_vmfunc]
    call run_as
    CHECK r10, VE1, "VMFUNC guest with VPID 1 reads G under EPTP 1: E1, "
    CHECK rbx, VE2, "... switches to EPTP 2 and reads G: E2"
    FINISH

; read_as: ecx = VPID, rsi = address -> rbx = the qword the guest read at rsi, or -1 when it
; did not reach its VMCALL (a failed entry or any other exit)
read_as:
    lea rdi, [rel g_read]
run_as:
    push rax
    push rdx
    mov rax, VMCS_VPID
    mov edx, ecx
    vmwrite rax, rdx
    call vmx_go
    test eax, eax
    jnz .bad
    mov rax, EXIT_REASON
    vmread rdx, rax
    cmp edx, 18
    jne .bad
    pop rdx
    pop rax
    ret
.bad:
    mov rbx, -1
    mov r10, -1
    pop rdx
    pop rax
    ret
; write_as: ecx = VPID, rsi = address, r9 = PTE address, r8 = new PTE -> rbx = [rsi] read
; before the guest writes the PTE (no INVLPG)
write_as:
    lea rdi, [rel g_write]
    jmp run_as
; invlpg_as: as write_as, then the guest INVLPGs rsi and reads it again: r10 = first read,
; rbx = second
invlpg_as:
    lea rdi, [rel g_invlpg]
    jmp run_as

g_read:
    mov rbx, [rsi]
    vmcall
    jmp $
g_vmfunc:
    mov r10, [rsi]
    xor eax, eax
    mov ecx, 1
    vmfunc
    mov rbx, [rsi]
    vmcall
    jmp $
g_write:
    mov rbx, [rsi]
    mov [r9], r8
    vmcall
    jmp $
g_invlpg:
    mov r10, [rsi]
    mov [r9], r8
    invlpg [rsi]
    mov rbx, [rsi]
    vmcall
    jmp $

; the data pages, and PT_X mapping 0x800000-0x9FFFFF (identity, X -> A), installed in the
; host's (and guest's) page directory
build_pages:
    mov rax, VA
    mov [PG_A], rax
    mov rax, VB
    mov [PG_B], rax
    mov rax, VC
    mov [PG_C], rax
    mov rax, VE1
    mov [PG_E1], rax
    mov rax, VE2
    mov [PG_E2], rax
    mov rax, VE3
    mov [PG_E3], rax
    mov rax, VE4
    mov [PG_E4], rax
    xor ecx, ecx
.pt:
    mov rax, rcx
    shl rax, 12
    add rax, 0x800000 | 7
    mov [PT_X + rcx * 8], rax
    inc ecx
    cmp ecx, 512
    jb .pt
    SETPTE PG_A
    mov qword [LM_PD + (X >> 21) * 8], PT_X | 7
    mov rax, cr3                            ; the 2 MiB translation goes
    mov cr3, rax
    ret

; EPT 1 and EPT 2 (see the constants): G -> E1 and G -> E2
build_ept:
    mov edi, EPT1_PML4
    mov ecx, 0x4000 / 8
    xor eax, eax
    rep stosq
    mov qword [EPT1_PML4], EPT1_PDPT | 7
    mov qword [EPT1_PDPT], EPT1_PD | 7
    xor ecx, ecx
.mb:
    mov rax, rcx
    shl rax, 21
    or rax, 7 | EPT_WB | 0x80
    mov [EPT1_PD + rcx * 8], rax
    mov rax, rcx
    shl rax, 12
    add rax, (G & ~0x1fffff) | 7 | EPT_WB
    mov [EPT1_PT + rcx * 8], rax
    inc ecx
    cmp ecx, 512
    jb .mb
    mov qword [EPT1_PD + (G >> 21) * 8], EPT1_PT | 7
    mov esi, EPT1_PML4
    mov edi, EPT2_PML4
    mov ecx, 0x4000 / 8
    rep movsq
    mov qword [EPT2_PML4], EPT2_PDPT | 7
    mov qword [EPT2_PDPT], EPT2_PD | 7
    mov qword [EPT2_PD + (G >> 21) * 8], EPT2_PT | 7
    mov qword [G_PTE1], PG_E1 | 7 | EPT_WB
    mov qword [G_PTE2], PG_E2 | 7 | EPT_WB
    ret
END_IMAGE
