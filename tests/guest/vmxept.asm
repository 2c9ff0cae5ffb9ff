; vmxept -- EPT and unrestricted guest (SDM Vol.3C 28.2, 27.2.1, 26.3): a 64-bit guest whose
; guest-physical memory is translated through EPT (1 GiB, 2 MiB and 4 KiB EPT pages): a remapped
; page, EPT violations with their exit qualification and guest-physical / guest-linear
; addresses (write to a read-only page, not-present page, a guest paging-structure access),
; an EPT misconfiguration, EPT accessed/dirty flags, INVEPT/INVVPID, EPTP switching with VMFUNC,
; and a real-mode guest run as an unrestricted guest.
%define TESTNAME "vmxept"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"

EPT_PML4        equ TEST_RAM + 0x20000
EPT_PDPT        equ TEST_RAM + 0x21000
EPT_PD0         equ TEST_RAM + 0x22000      ; 0 - 1 GiB in 2 MiB pages
EPT_PT2         equ TEST_RAM + 0x23000      ; 0x400000 - 0x5FFFFF in 4 KiB pages
EPT_PT0         equ TEST_RAM + 0x24000      ; 0 - 0x1FFFFF in 4 KiB pages
EPT2_PML4       equ TEST_RAM + 0x28000      ; a second EPT: 0x400000 -> 0x600000
EPT2_PDPT       equ TEST_RAM + 0x29000
EPT2_PD0        equ TEST_RAM + 0x2a000
EPT2_PT2        equ TEST_RAM + 0x2b000
EPTP_LIST       equ TEST_RAM + 0x2c000
EPTP2_VALUE     equ EPT2_PML4 | 6 | (3 << 3)
MARK2           equ 0x99aabbccddeeff00
SEC_VMFUNC      equ 1 << 13
EPT_WB          equ 6 << 3                  ; leaf memory type write-back
EPTP_VALUE      equ EPT_PML4 | 6 | (3 << 3) | (1 << 6)   ; WB, 4 levels, A/D on
MARK            equ 0x1122334455667788
SEC_EPT         equ 1 << 1
SEC_VPID        equ 1 << 5
SEC_UG          equ 1 << 7
ENTRY_LOAD_EFER equ 1 << 15

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    ; capability: EPT, VPID, unrestricted guest may be 1
    mov ecx, MSR_VMX_PROCBASED2
    rdmsr
    and edx, SEC_EPT | SEC_VPID | SEC_UG
    CHECK32 edx, SEC_EPT | SEC_VPID | SEC_UG, "secondary controls: EPT, VPID, unrestricted guest allowed"
    mov ecx, 0x48c
    rdmsr
    and eax, (1 << 6) | (1 << 14) | (1 << 20) | (1 << 21)
    CHECK32 eax, (1 << 6) | (1 << 14) | (1 << 20) | (1 << 21), "EPT caps: 4-level, WB, INVEPT, A/D"

    call build_ept
    mov rax, MARK
    mov [0x500000], rax                     ; host page behind guest-physical 0x400000
    call vmx_on
    lea rdi, [rel guest]
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    VMW PROC2_CTLS, SEC_EPT | SEC_VPID
    VMW 0x201a, EPTP_VALUE                  ; EPT pointer
    VMW VMCS_VPID, 1

    xor edi, edi
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "guest ran with EPT up to its CPUID"
    mov rcx, MARK
    CHECK rbx, rcx, "guest-physical 0x400000 reads host page 0x500000"
    mov rax, [EPT_PT2]
    and eax, 0x300
    CHECK32 eax, 0x100, "EPT A flag set by the read, D flag clear"

    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 48, "write to a read-only EPT page: EPT violation (48)"
    VMR rcx, EXIT_QUAL
    CHECK rcx, 0x18a, "qualification: write, readable, linear valid, final translation"
    VMR rcx, 0x2400
    CHECK rcx, 0x401008, "guest-physical address"
    VMR rcx, GUEST_LINEAR
    CHECK rcx, 0x401008, "guest-linear address"
    mov qword [EPT_PT2 + 8], 0x401000 | 7 | EPT_WB   ; make it writable and retry the write
    mov rax, EPTP_VALUE
    mov [RAM_SCRATCH + 0x120], rax
    mov qword [RAM_SCRATCH + 0x128], 0
    mov eax, 1                              ; single-context
    invept rax, [RAM_SCRATCH + 0x120]
    pushfq
    pop rax
    and eax, 0x8d5
    CHECK32 eax, 0, "INVEPT single-context: VMsucceed"
    mov eax, 7
    invept rax, [RAM_SCRATCH + 0x120]
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 28, "INVEPT type 7: error 28"
    mov qword [RAM_SCRATCH + 0x120], 1      ; VPID 1
    mov eax, 1
    invvpid rax, [RAM_SCRATCH + 0x120]
    pushfq
    pop rax
    and eax, 0x8d5
    CHECK32 eax, 0, "INVVPID single-context: VMsucceed"

    mov edi, 1
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 48, "read of a not-present EPT page: EPT violation"
    VMR rcx, EXIT_QUAL
    CHECK rcx, 0x181, "qualification: read, not present, linear valid, final translation"
    mov rax, [EPT_PT2 + 8]
    and eax, 0x300
    CHECK32 eax, 0x300, "EPT A and D flags set by the retried write"
    mov qword [EPT_PT2 + 16], 0x402000 | 7 | EPT_WB
    mov edi, 1
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 49, "write-only EPT entry: EPT misconfiguration (49)"
    VMR rcx, 0x2400
    CHECK rcx, 0x403000, "misconfiguration guest-physical address"
    mov qword [EPT_PT2 + 24], 0x403000 | 7 | EPT_WB
    mov edi, 1
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "guest finished its accesses"

    ; guest paging-structure access through EPT: hide the guest's page directory (LM_PD)
    call vmx_skip
    mov rax, EPT_PT0 | 7
    mov [EPT_PD0], rax
    mov qword [EPT_PT0 + (LM_PD >> 12) * 8], 0
    mov rax, EPTP_VALUE                     ; cached translations must go (SDM Vol.3C 28.3.3.4)
    mov [RAM_SCRATCH + 0x120], rax
    mov eax, 1
    invept rax, [RAM_SCRATCH + 0x120]
    mov edi, 1
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 48, "guest page walk hits a not-present EPT page: EPT violation"
    VMR rcx, EXIT_QUAL
    CHECK rcx, 0x82, "qualification: paging-structure access (a write with EPT A/D), linear valid"
    VMR rcx, 0x2400
    and ecx, ~0xfff
    CHECK32 ecx, LM_PD, "guest-physical address inside the guest's page directory"

    ; EPTP switching: VMFUNC 0 with ECX = 1 loads the second EPTP of the list
    call build_ept
    call build_ept2
    lea rdi, [rel guest_vmfunc]
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    VMW PROC2_CTLS, SEC_EPT | SEC_VMFUNC
    VMW 0x201a, EPTP_VALUE
    VMW 0x2018, 1                           ; VM-function controls: EPTP switching
    VMW 0x2024, EPTP_LIST
    xor edi, edi
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "guest switched EPTP with VMFUNC and reached its CPUID"
    mov rcx, MARK2
    CHECK rbx, rcx, "after the switch guest-physical 0x400000 is host 0x600000"
    VMR rcx, 0x201a
    CHECK rcx, EPTP2_VALUE, "the EPT pointer field holds the new EPTP"
    call vmx_skip
    mov edi, 1
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 59, "VMFUNC with an EPTP index of 600: VM exit (59)"

    ; unrestricted guest: a real-mode guest
    lea rdi, [rel guest16]
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_LOAD_EFER
    VMW PROC2_CTLS, SEC_EPT | SEC_UG
    call build_ept
    VMW 0x201a, EPTP_VALUE
    VMW GUEST_EFER, 0
    VMW GUEST_CR0, 0x30                     ; ET, NE: no PE, no PG
    VMW GUEST_CR4, 1 << 13
    VMW GUEST_CS_SEL, 0xf000
    VMW GUEST_CS_BASE, 0xf0000
    VMW GUEST_CS_LIMIT, 0xffff
    VMW GUEST_CS_AR, 0x9b
    VMW GUEST_RIP, ROFS(guest16)
    VMW GUEST_RSP, 0x7000
    mov ebx, GUEST_ES_SEL
.rseg:
    cmp ebx, GUEST_CS_SEL
    je .rnext
    VMW rbx, 0
    lea rax, [rbx + 0x4000]
    mov edx, 0xffff
    vmwrite rax, rdx
    lea rax, [rbx + 0x4014]
    mov edx, 0x93
    vmwrite rax, rdx
    lea rax, [rbx + 0x6006]
    xor edx, edx
    vmwrite rax, rdx
.rnext:
    add ebx, 2
    cmp ebx, GUEST_GS_SEL
    jbe .rseg
    xor ebx, ebx
    xor edi, edi
    call vmx_enter
    CHECK32 eax, 0, "VMLAUNCH of a real-mode unrestricted guest"
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "the real-mode guest ran to its CPUID"
    CHECK32 ebx, 0x5678, "and computed in real mode (BX)"
    VMR rcx, GUEST_RIP
    CHECK32 ecx, ROFS(guest16.cpuid), "guest RIP is a real-mode offset"
    FINISH

; identity EPT for 0-4 GiB: 1 GiB pages above 1 GiB, 2 MiB pages below, 4 KiB pages for
; 0x400000-0x5FFFFF with special entries for 0x400000 (remapped), 0x401000 (read-only),
; 0x402000 (not present) and 0x403000 (write-only: misconfigured)
build_ept:
    mov edi, EPT_PML4
    mov ecx, 0x5000 / 8
    xor eax, eax
    rep stosq
    mov qword [EPT_PML4], EPT_PDPT | 7
    mov qword [EPT_PDPT], EPT_PD0 | 7
    mov ecx, 1
.gb:
    mov rax, rcx
    shl rax, 30
    or rax, 7 | EPT_WB | 0x80
    mov [EPT_PDPT + rcx * 8], rax
    inc ecx
    cmp ecx, 4
    jb .gb
    xor ecx, ecx
.mb:
    mov rax, rcx
    shl rax, 21
    or rax, 7 | EPT_WB | 0x80
    mov [EPT_PD0 + rcx * 8], rax
    inc ecx
    cmp ecx, 512
    jb .mb
    mov qword [EPT_PD0 + 2 * 8], EPT_PT2 | 7
    xor ecx, ecx
.kb:
    mov rax, rcx
    shl rax, 12
    add rax, 0x400000
    or rax, 7 | EPT_WB
    mov [EPT_PT2 + rcx * 8], rax
    mov rax, rcx
    shl rax, 12
    or rax, 7 | EPT_WB
    mov [EPT_PT0 + rcx * 8], rax
    inc ecx
    cmp ecx, 512
    jb .kb
    mov qword [EPT_PT2 + 0], 0x500000 | 7 | EPT_WB
    mov qword [EPT_PT2 + 8], 0x401000 | 1 | EPT_WB
    mov qword [EPT_PT2 + 16], 0
    mov qword [EPT_PT2 + 24], 0x403000 | 2 | EPT_WB
    ret

; EPT2: the same as the first EPT but 0x400000 maps to host 0x600000 (MARK2 there); the EPTP
; list holds EPTP_VALUE at 0 and EPTP2_VALUE at 1
build_ept2:
    mov rsi, EPT_PML4
    mov rdi, EPT2_PML4
    mov ecx, 0x4000 / 8
    rep movsq
    mov qword [EPT2_PML4], EPT2_PDPT | 7
    mov qword [EPT2_PDPT], EPT2_PD0 | 7
    mov qword [EPT2_PD0 + 2 * 8], EPT2_PT2 | 7
    mov qword [EPT2_PT2], 0x600000 | 7 | EPT_WB
    mov rax, MARK2
    mov [0x600000], rax
    mov edi, EPTP_LIST
    mov ecx, 512
    xor eax, eax
    rep stosq
    mov qword [EPTP_LIST], EPTP_VALUE
    mov qword [EPTP_LIST + 8], EPTP2_VALUE
    ret

guest_vmfunc:
    xor eax, eax
    mov ecx, 1
    vmfunc
    mov rbx, [0x400000]
    cpuid
    xor eax, eax
    mov ecx, 600
    vmfunc
    jmp $

guest:
    mov rbx, [0x400000]
    cpuid
    mov [0x401008], rbx
    mov rbx, [0x402000]
    mov rbx, [0x403000]
    cpuid
    nop
    jmp $

bits 16
guest16:
    mov bx, 0x1234
    add bx, 0x4444
.cpuid:
    cpuid
    hlt
END_IMAGE
