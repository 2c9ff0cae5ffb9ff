; vmxpml -- page-modification logging (SDM Vol.3C 28.2.5 in the editions that number EPT 28.2;
; 29.3.6 in recent ones), with EPT accessed and dirty flags (28.2.4):
;   - every write that sets an EPT dirty flag from 0 to 1 writes the 4-KByte-aligned guest-
;     physical address to PML address + 8 * PML index and decrements the index, in access order
;     (4 KiB and 2 MiB EPT pages, a read-modify-write instruction);
;   - no entry for a page whose dirty flag is already set, or for reads; the first write to a page
;     that a read brought into the TLB still logs; after the hypervisor clears a dirty flag and
;     runs INVEPT, the next write logs again;
;   - guest paging-structure accesses are writes for EPT A/D (28.2.4), so they are logged too;
;   - with the index outside 0-511, an access that must set an accessed or dirty flag causes a
;     page-modification log-full VM exit (reason 62) instead: no flag is set, the access does not
;     happen (a write leaves memory alone), guest RIP is the instruction, the index stays FFFFH;
;   - bit 12 of the exit qualification (NMI unblocking due to IRET, 27.2.1) for log-full exits and
;     EPT violations during an IRET that found (virtual-)NMI blocking, which the exit clears;
;   - nothing is logged with "enable PML" 0, or with EPT A/D flags off (EPTP bit 6 = 0);
;   - the VM-entry checks on the PML address (26.2.1.1).
%define TESTNAME "vmxpml"
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
PML_BUF         equ TEST_RAM + 0x30000      ; the page-modification log (512 entries)
PML_PATTERN     equ 0x5a5a5a5a5a5a5a5a      ; what an entry holds before it is written
EPT_WB          equ 6 << 3                  ; leaf memory type write-back
EPT_AD          equ 0x300                   ; accessed (8) and dirty (9) flags
EPTP_AD         equ EPT_PML4 | 6 | (3 << 3) | (1 << 6)   ; WB, 4 levels, A/D on
EPTP_NOAD       equ EPT_PML4 | 6 | (3 << 3)
SEC_EPT         equ 1 << 1
SEC_VPID        equ 1 << 5
SEC_PML         equ 1 << 17
PIN_NMI         equ 1 << 3
PIN_VNMI        equ 1 << 5
VMCS_EPTP       equ 0x201a
VMCS_PML_ADDR   equ 0x200e
VMCS_PML_INDEX  equ 0x0812
VMCS_GPA        equ 0x2400
; the guest's own page tables (part E), on EPT pages whose flags start clear
G_PML4          equ 0x410000
G_PDPT          equ 0x411000
G_PD            equ 0x412000
G_PT            equ 0x413000
G_PAGE          equ 0x414000                ; linear 0x800000 maps here
IRET_FRAME      equ 0xfd8                   ; offset of a 5-qword IRET frame in its page

; PT2 entry flags of guest-physical page P (0x400000-0x5FFFFF) into eax
%macro EPTF 1
    mov rax, [EPT_PT2 + (((%1) - 0x400000) >> 12) * 8]
    and eax, EPT_AD
%endmacro
; log entry N
%define PML(n) qword [PML_BUF + (n) * 8]

bits 16
main:
    ENTER_PM32
    ENTER_LM
bits 64
    call idt64_init
    call tss64_setup
    mov ecx, MSR_VMX_PROCBASED2
    rdmsr
    and edx, SEC_EPT | SEC_VPID | SEC_PML
    CHECK32 edx, SEC_EPT | SEC_VPID | SEC_PML, "secondary controls: EPT, VPID, enable PML allowed"
    mov ecx, 0x48c
    rdmsr
    and eax, 1 << 21
    CHECK32 eax, 1 << 21, "EPT accessed and dirty flags supported"
    call vmx_on

    ; ---- VM-entry checks on the PML controls (26.2.1.1): VMfailValid, error 7 ----
    call build_ept
    lea rdi, [rel guest_a]
    call pml_vmcs
    VMW PROC2_CTLS, SEC_PML | SEC_VPID
    xor edi, edi
    call vmx_enter
    CHECK32 eax, 1, "enable PML without EPT: VMLAUNCH fails"
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 7, "enable PML without EPT: error 7 (invalid control fields)"
    VMW PROC2_CTLS, SEC_PML | SEC_EPT | SEC_VPID
    VMW VMCS_PML_ADDR, PML_BUF + 8
    xor edi, edi
    call vmx_enter
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 7, "PML address not 4-KByte aligned: error 7"
    VMW VMCS_PML_ADDR, 1 << 52
    xor edi, edi
    call vmx_enter
    VMR rcx, VM_INSN_ERROR
    CHECK32 ecx, 7, "PML address beyond the physical-address width: error 7"
    VMW VMCS_PML_ADDR, PML_BUF

    ; ---- A: logging order, 4 KiB and 2 MiB pages, already-dirty pages, reads ----
    lea rdi, [rel guest_a]
    call vmx_go
    CHECK32 eax, 0, "VMLAUNCH with EPT A/D and PML"
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "guest A ran to its CPUID"
    VMR rcx, VMCS_PML_INDEX
    CHECK rcx, 506, "five pages logged: PML index 511 -> 506"
    CHECK PML(511), 0x401000, "log[511]: the first write (0x401008), bits 11:0 clear"
    CHECK PML(510), 0x403000, "log[510]: the second dirtied page (0x403ff8)"
    CHECK PML(509), 0x402000, "log[509]: first write to a page read before (TLB filled by a read)"
    CHECK PML(508), 0x6a5000, "log[508]: 2 MiB EPT page: the 4 KiB page of the access"
    CHECK PML(507), 0x404000, "log[507]: LOCK INC (read-modify-write)"
    mov rcx, PML_PATTERN
    CHECK PML(506), rcx, "log[506] not written"
    EPTF 0x401000
    CHECK32 eax, EPT_AD, "EPT A and D set on 0x401000"
    EPTF 0x405000
    CHECK32 eax, 0, "EPT flags of an untouched page stay clear"
    mov rax, [EPT_PD0 + 3 * 8]
    and eax, EPT_AD
    CHECK32 eax, EPT_AD, "EPT A and D set on the 2 MiB page"
    CHECK qword [0x401100], 3, "the writes happened"

    ; ---- B: the hypervisor cleans a page (clears D, INVEPT): the next write logs again ----
    and qword [EPT_PT2 + 1 * 8], ~0x200
    call invept_single
    NEXT
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "guest B ran to its CPUID"
    VMR rcx, VMCS_PML_INDEX
    CHECK rcx, 505, "one more entry: index 505"
    CHECK PML(506), 0x401000, "log[506]: 0x401000 again after its dirty flag was cleared"
    mov rcx, PML_PATTERN
    CHECK PML(505), rcx, "no entry for the page that stayed dirty"

    ; ---- C: the log fills up: index 0 logs, then FFFFH makes a log-full exit ----
    call vmx_skip
    VMW VMCS_PML_INDEX, 0
    call vmx_cont
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 62, "write with PML index FFFFH: page-modification log full (62)"
    VMR rcx, GUEST_RIP
    lea rdx, [rel guest_a.full]
    CHECK rcx, rdx, "guest RIP is the writing instruction (fault-like)"
    VMR rcx, EXIT_QUAL
    CHECK rcx, 0, "exit qualification 0 (not during IRET)"
    VMR rcx, VMCS_PML_INDEX
    CHECK rcx, 0xffff, "the index went 0 -> FFFFH and stays there"
    CHECK PML(0), 0x405000, "log[0]: the write before the log was full"
    CHECK qword [0x406000], 0, "the write that found the log full did not happen"
    EPTF 0x406000
    CHECK32 eax, 0, "and set neither EPT A nor D"
    VMW VMCS_PML_INDEX, 511                 ; the hypervisor empties the log and retries
    call vmx_cont
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "the retried write completed (guest C reached its CPUID)"
    CHECK qword [0x406000], 9, "the retried write happened"
    CHECK PML(511), 0x406000, "and was logged at 511"

    ; ---- D: an access that must set only an accessed flag also finds the log full ----
    call vmx_skip
    VMW VMCS_PML_INDEX, 0xffff
    call vmx_cont
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 62, "read of a never-accessed page with index FFFFH: log full (62)"
    VMR rcx, GUEST_RIP
    lea rdx, [rel guest_a.read]
    CHECK rcx, rdx, "guest RIP is the reading instruction"
    EPTF 0x407000
    CHECK32 eax, 0, "the EPT accessed flag was not set"
    VMW VMCS_PML_INDEX, 511
    call vmx_cont
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "the retried read completed"
    VMR rcx, VMCS_PML_INDEX
    CHECK rcx, 511, "a read logs nothing (index still 511)"
    EPTF 0x407000
    CHECK32 eax, 0x100, "the read set A only"

    ; ---- E: guest paging-structure accesses are writes for EPT A/D: they are logged ----
    call build_guest_pt
    call vmx_skip
    VMW GUEST_CR3, G_PML4
    VMW VMCS_PML_INDEX, 511
    call invvpid_1                          ; no translation of the old CR3 may be used
    call vmx_cont
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "guest E with its own page tables ran to its CPUID"
    VMR rcx, VMCS_PML_INDEX
    CHECK rcx, 506, "five entries: PML4, PDPT, PD, PT, data page"
    CHECK PML(511), G_PML4, "log[511]: the guest's PML4 (walk for the first fetch)"
    CHECK PML(510), G_PDPT, "log[510]: its PDPT"
    CHECK PML(509), G_PD, "log[509]: its page directory"
    CHECK PML(508), G_PT, "log[508]: its page table (walk for the write)"
    CHECK PML(507), G_PAGE, "log[507]: the page written (linear 0x800000)"
    CHECK qword [G_PAGE], 10, "the write through the guest's tables happened"

    ; ---- F: IRET and bit 12 (NMI unblocking due to IRET) ----
    ; F1: virtual NMIs, virtual-NMI blocking, the IRET frame on a never-accessed page, log full
    lea rdi, [rel guest_f]
    call pml_vmcs
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, PIN_NMI | PIN_VNMI
    lea rdi, [0x408000 + IRET_FRAME]
    call iret_frame
    VMW VMCS_PML_INDEX, 0xffff
    VMW GUEST_INTERRUPTIBILITY, 8           ; blocking by NMI = virtual-NMI blocking
    mov rbx, 0x408000 + IRET_FRAME
    lea rdi, [rel guest_f]
    call vmx_go
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 62, "IRET with virtual-NMI blocking, frame on a fresh page: log full"
    VMR rcx, GUEST_RIP
    lea rdx, [rel guest_f.iret]
    CHECK rcx, rdx, "guest RIP is the IRET"
    VMR rcx, EXIT_QUAL
    CHECK rcx, 0x1000, "qualification bit 12: NMI unblocking due to IRET"
    VMR rcx, GUEST_INTERRUPTIBILITY
    CHECK rcx, 0, "the exit cleared virtual-NMI blocking"
    VMW VMCS_PML_INDEX, 511
    VMW GUEST_INTERRUPTIBILITY, 8           ; as a hypervisor does on seeing bit 12
    call vmx_cont
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "the retried IRET completed"
    VMR rcx, GUEST_RSP
    CHECK rcx, GUEST_STACK, "IRET loaded RSP from the frame"
    VMR rcx, GUEST_INTERRUPTIBILITY
    CHECK rcx, 0, "and removed virtual-NMI blocking"
    ; F2: the same without blocking: bit 12 clear
    lea rdi, [0x409000 + IRET_FRAME]
    call iret_frame
    VMW VMCS_PML_INDEX, 0xffff
    mov rbx, 0x409000 + IRET_FRAME
    lea rdi, [rel guest_f]
    call vmx_go
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 62, "IRET without virtual-NMI blocking: log full"
    VMR rcx, EXIT_QUAL
    CHECK rcx, 0, "qualification bit 12 clear"
    ; F3: an EPT violation during an IRET with virtual-NMI blocking
    lea rdi, [0x40a000 + IRET_FRAME]
    call iret_frame
    mov qword [EPT_PT2 + 10 * 8], 0         ; 0x40A000 not present
    call invept_single
    VMW VMCS_PML_INDEX, 511
    VMW GUEST_INTERRUPTIBILITY, 8
    mov rbx, 0x40a000 + IRET_FRAME
    lea rdi, [rel guest_f]
    call vmx_go
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 48, "IRET from a not-present EPT page: EPT violation"
    VMR rcx, EXIT_QUAL
    CHECK rcx, 0x1181, "qualification: read, not present, linear valid, final, bit 12"
    VMR rcx, GUEST_INTERRUPTIBILITY
    CHECK rcx, 0, "the EPT violation cleared virtual-NMI blocking"
    ; F4: no NMI exiting, no virtual NMIs: blocking by NMI
    vmx_set_ctl PIN_CTLS, MSR_VMX_TRUE_PIN, 0
    lea rdi, [0x40b000 + IRET_FRAME]
    call iret_frame
    VMW VMCS_PML_INDEX, 0xffff
    VMW GUEST_INTERRUPTIBILITY, 8
    mov rbx, 0x40b000 + IRET_FRAME
    lea rdi, [rel guest_f]
    call vmx_go
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 62, "IRET with blocking by NMI: log full"
    VMR rcx, EXIT_QUAL
    CHECK rcx, 0x1000, "qualification bit 12 (blocking by NMI)"
    VMR rcx, GUEST_INTERRUPTIBILITY
    CHECK rcx, 0, "blocking by NMI cleared"

    ; ---- G: no logging with "enable PML" 0, or with EPT A/D flags off ----
    lea rdi, [rel guest_g]
    call pml_vmcs
    VMW PROC2_CTLS, SEC_EPT | SEC_VPID
    VMW VMCS_PML_INDEX, 0xffff
    mov ebx, 0x40c000
    xor edi, edi
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "enable PML 0, index FFFFH: the write completes"
    VMR rcx, VMCS_PML_INDEX
    CHECK rcx, 0xffff, "and the index is untouched"
    EPTF 0x40c000
    CHECK32 eax, EPT_AD, "the dirty flag was set (EPT A/D on)"
    lea rdi, [rel guest_g]
    call pml_vmcs
    VMW VMCS_EPTP, EPTP_NOAD
    VMW VMCS_PML_INDEX, 0xffff
    mov ebx, 0x40d000
    xor edi, edi
    call vmx_enter
    VMR rcx, EXIT_REASON
    CHECK32 ecx, 10, "EPT A/D off, PML on, index FFFFH: the write completes"
    EPTF 0x40d000
    CHECK32 eax, 0, "no EPT flag is set with A/D off"
    mov rcx, PML_PATTERN
    CHECK PML(255), rcx, "nothing was logged"
    FINISH

; Fresh VMCS for guest RIP rdi: EPT with A/D (EPTP_AD), VPID 1, enable PML, an empty log at
; PML_BUF (every entry PML_PATTERN), index 511.
pml_vmcs:
    call vmx_fresh_vmcs
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    VMW PROC2_CTLS, SEC_EPT | SEC_VPID | SEC_PML
    VMW VMCS_EPTP, EPTP_AD
    VMW VMCS_VPID, 1
    VMW VMCS_PML_ADDR, PML_BUF
    VMW VMCS_PML_INDEX, 511
    mov edi, PML_BUF
    mov ecx, 512
    mov rax, PML_PATTERN
    rep stosq
    ret

invept_single:
    mov rax, EPTP_AD
    mov [RAM_SCRATCH + 0x140], rax
    mov qword [RAM_SCRATCH + 0x148], 0
    mov eax, 1
    invept rax, [RAM_SCRATCH + 0x140]
    ret

invvpid_1:
    mov qword [RAM_SCRATCH + 0x140], 1
    mov qword [RAM_SCRATCH + 0x148], 0
    mov eax, 1
    invvpid rax, [RAM_SCRATCH + 0x140]
    ret

; an IRET frame at rdi returning to guest_f.after with RSP = GUEST_STACK
iret_frame:
    lea rax, [rel guest_f.after]
    mov [rdi], rax
    mov qword [rdi + 8], SEL_CODE64
    mov qword [rdi + 16], 2
    mov qword [rdi + 24], GUEST_STACK
    mov qword [rdi + 32], SEL_DATA64
    ret

; Identity EPT for 0-4 GiB: 1 GiB pages above 1 GiB, 2 MiB pages below, 4 KiB pages for
; 0x400000-0x5FFFFF. Every entry has its accessed flag set and every leaf its dirty flag, so
; only the test pages are ever logged: the 4 KiB pages 0x401000-0x41FFFF and the 2 MiB page
; 0x600000-0x7FFFFF start with both flags clear.
build_ept:
    mov edi, EPT_PML4
    mov ecx, 0x4000 / 8
    xor eax, eax
    rep stosq
    mov qword [EPT_PML4], EPT_PDPT | 7 | 0x100
    mov qword [EPT_PDPT], EPT_PD0 | 7 | 0x100
    mov ecx, 1
.gb:
    mov rax, rcx
    shl rax, 30
    or rax, 7 | EPT_WB | 0x80 | EPT_AD
    mov [EPT_PDPT + rcx * 8], rax
    inc ecx
    cmp ecx, 4
    jb .gb
    xor ecx, ecx
.mb:
    mov rax, rcx
    shl rax, 21
    or rax, 7 | EPT_WB | 0x80 | EPT_AD
    mov [EPT_PD0 + rcx * 8], rax
    inc ecx
    cmp ecx, 512
    jb .mb
    mov qword [EPT_PD0 + 2 * 8], EPT_PT2 | 7 | 0x100
    and qword [EPT_PD0 + 3 * 8], ~EPT_AD
    xor ecx, ecx
.kb:
    mov rax, rcx
    shl rax, 12
    add rax, 0x400000
    or rax, 7 | EPT_WB | EPT_AD
    cmp ecx, 1
    jb .set
    cmp ecx, 0x20
    jae .set
    and eax, ~EPT_AD
.set:
    mov [EPT_PT2 + rcx * 8], rax
    inc ecx
    cmp ecx, 512
    jb .kb
    ; the test pages start zeroed
    mov edi, 0x401000
    mov ecx, 0x1f000 / 8
    xor eax, eax
    rep stosq
    ret

; Part E's guest page tables: 0-4 MiB identity in 2 MiB pages (code, data, stack), linear
; 0x800000 -> G_PAGE through G_PT. Accessed and dirty flags preset, so the guest walker writes
; nothing: the EPT still sees every read of them as a write.
build_guest_pt:
    mov qword [G_PML4], G_PDPT | 7 | 0x20
    mov qword [G_PDPT], G_PD | 7 | 0x20
    mov qword [G_PD], 0 | 0x87 | 0x60
    mov qword [G_PD + 8], 0x200000 | 0x87 | 0x60
    mov qword [G_PD + 4 * 8], G_PT | 7 | 0x20
    mov qword [G_PT], G_PAGE | 7 | 0x60
    ret

guest_a:
    mov qword [0x401008], 1                 ; logs 0x401000
    mov rax, [0x402000]                     ; a read: the accessed flag only
    mov qword [0x403ff8], 2                 ; logs 0x403000
    mov qword [0x401100], 3                 ; dirty already: nothing
    mov qword [0x402010], 4                 ; logs 0x402000
    mov qword [0x6a5123], 5                 ; 2 MiB EPT page: logs 0x6a5000
    lock inc qword [0x404000]               ; logs 0x404000
    cpuid
    ; B
    mov qword [0x401010], 6                 ; its dirty flag was cleared: logs 0x401000
    mov qword [0x403000], 7                 ; still dirty: nothing
    cpuid
    ; C
    mov qword [0x405000], 8                 ; logged at index 0; the index becomes FFFFH
.full:
    mov qword [0x406000], 9                 ; log full
    cpuid
    ; D
.read:
    mov rax, [0x407000]
    cpuid
    ; E (runs with the guest's own CR3)
    mov qword [0x800000], 10
    cpuid
    jmp $

; rbx = the IRET frame
guest_f:
    mov rsp, rbx
.iret:
    iretq
.after:
    cpuid
    jmp $

; rbx = the page to write
guest_g:
    mov qword [rbx], 11
    cpuid
    jmp $
END_IMAGE
