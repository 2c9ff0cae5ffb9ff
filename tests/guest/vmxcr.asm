; vmxcr -- CR0/CR4 guest/host masks and read shadows (SDM Vol.3C 24.6.6, 25.1.3, 25.3): reads
; of host-owned bits return the shadow (MOV from CR0/CR4, SMSW); MOV to CR0/CR4 exits when it
; would give a host-owned bit a value other than the shadow's, and otherwise changes only the
; guest-owned bits; CLTS (exit only when TS is owned and set in the shadow; owned and clear:
; TS unchanged); LMSW (exit qualification with the source data and operand type, guest-linear
; address for a memory operand; PE can be set, never cleared); a guest-owned bit still obeys
; the VMX fixed bits (#GP), a host-owned one can be hidden behind the shadow.
%define TESTNAME "vmxcr"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
CR0_PE equ 1 << 0
CR0_MP equ 1 << 1
CR0_EM equ 1 << 2
CR0_TS equ 1 << 3
CR0_NE equ 1 << 5
CR0_WP equ 1 << 16
CR0_CD equ 1 << 30
CR4_PCE equ 1 << 8
CR4_OSFXSR equ 1 << 9
CR4_VMXE equ 1 << 13
HCR0 equ DATA_AREA + 0x100                  ; the host's CR0 and CR4
HCR4 equ DATA_AREA + 0x108
; GCR0 value: GUEST_CR0 = host CR0 with bits set (%1) and cleared (%2)
%macro GCR0 2
    mov rbx, [HCR0]
    or rbx, %1
    and rbx, ~(%2)
    VMW GUEST_CR0, rbx
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
    mov rax, cr0
    mov [HCR0], rax
    mov rax, cr4
    mov [HCR4], rax

    ; ---- reads: host-owned bits come from the shadow (25.3) ----
    VMW CR0_MASK, CR0_TS | CR0_CD
    VMW CR0_SHADOW, CR0_TS
    VMW CR4_MASK, CR4_VMXE | CR4_PCE
    VMW CR4_SHADOW, CR4_PCE
    RUN g_rd
    mov rbx, [HCR0]                     ; (CD is set: the reset value, never cleared here)
    or rbx, CR0_TS
    and rbx, ~CR0_CD
    CHECK r8, rbx, "MOV from CR0: TS from the shadow, CD (owned, shadow 0) clear, others actual"
    movzx ecx, bx
    CHECK16 r10w, ecx, "SMSW r16 reads the shadowed CR0"
    CHECK16 word [DATA_AREA], ecx, "SMSW m16 reads the shadowed CR0"
    mov rbx, [HCR4]
    and rbx, ~CR4_VMXE
    or rbx, CR4_PCE
    CHECK r9, rbx, "MOV from CR4: VMXE hidden (shadow 0), PCE from the shadow"

    ; ---- MOV to CR0/CR4 (25.1.3): writing back what the guest read does not exit and leaves the
    ; host-owned bits of the real register alone ----
    RUN g_wr_same
    VCHECK32 EXIT_REASON, 18, "MOV to CR0/CR4 of the shadowed values: no exit"
    mov rbx, [HCR0]
    or rbx, CR0_WP
    VCHECK GUEST_CR0, rbx, "real CR0: TS still clear (host-owned), WP set (guest-owned)"
    mov rbx, [HCR4]
    or rbx, CR4_OSFXSR
    VCHECK GUEST_CR4, rbx, "real CR4: VMXE still set, PCE still clear, OSFXSR set"
    RUN g_wr_ts
    EXPECT_EXIT 28, g_wr_ts.1, g_wr_ts.2, "MOV CR0 clearing TS (shadow 1)"
    VCHECK EXIT_QUAL, 0x300, "qualification: to CR0 from RBX"
    NEXT
    EXPECT_EXIT 28, g_wr_ts.3, g_wr_ts.4, "MOV CR0 setting CD (shadow 0)"
    NEXT
    EXPECT_EXIT 28, g_wr_ts.5, g_wr_ts.6, "MOV CR4 setting VMXE (shadow 0)"
    VCHECK EXIT_QUAL, 0xc04, "qualification: to CR4 from R12"

    ; ---- a guest-owned bit keeps the VMX fixed bits (#GP, 25.3); owned by the host, the guest
    ; can clear it in the shadow only ----
    GCR0 0, 0
    VMW CR0_MASK, 0
    TRY g_vmcall
    RUN g_ne
    CHECK_EXC 13, 0, "guest clears CR0.NE (guest-owned, fixed to 1): #GP(0)"
    VMW CR0_MASK, CR0_NE
    VMW CR0_SHADOW, 0
    RUN g_ne
    VCHECK32 EXIT_REASON, 18, "CR0.NE host-owned, shadow 0: clearing it does not exit"
    VCHECKM GUEST_CR0, CR0_NE, CR0_NE, "real CR0.NE still 1"
    CHECK32 r8d, 0, "the guest reads NE = 0 after its write"

    ; ---- CLTS (25.1.3, 25.3) ----
    GCR0 CR0_TS, 0
    VMW CR0_MASK, CR0_TS
    VMW CR0_SHADOW, CR0_TS
    RUN g_clts
    EXPECT_EXIT 28, g_clts, g_clts.1, "CLTS, TS owned and set in the shadow"
    VCHECK EXIT_QUAL, 0x20, "qualification: CR0, access type 2 (CLTS)"
    VMW CR0_SHADOW, 0
    RUN g_clts
    VCHECK32 EXIT_REASON, 18, "CLTS, TS owned and clear in the shadow: no exit"
    VCHECKM GUEST_CR0, CR0_TS, CR0_TS, "... and the real TS stays set"
    VMW CR0_MASK, 0
    RUN g_clts
    VCHECK32 EXIT_REASON, 18, "CLTS, TS guest-owned: no exit"
    VCHECKM GUEST_CR0, CR0_TS, 0, "... and the real TS is cleared"

    ; ---- LMSW (25.1.3): exits when an owned bit among MP/EM/TS would differ from the shadow or
    ; owned PE would be set over a shadow of 0; qualification: access type 3, operand type 6,
    ; source data 31:16 (table 27-3) ----
    GCR0 0, CR0_TS | CR0_MP
    VMW CR0_MASK, CR0_TS
    VMW CR0_SHADOW, 0
    RUN g_lmsw
    EXPECT_EXIT 28, g_lmsw.1, g_lmsw.2, "LMSW AX setting owned TS"
    VCHECK EXIT_QUAL, (0x000b << 16) | 0x30, "qualification: LMSW, register, source 000B"
    NEXT
    EXPECT_EXIT 28, g_lmsw.3, g_lmsw.4, "LMSW [rbx] setting owned TS"
    VCHECK EXIT_QUAL, (0x0009 << 16) | 0x70, "qualification: LMSW, memory, source 0009"
    VCHECK GUEST_LINEAR, DATA_AREA + 0x40, "guest-linear address of the LMSW operand"
    NEXT
    VCHECK32 EXIT_REASON, 18, "LMSW changing only guest-owned MP (and TS as in the shadow): no exit"
    VCHECKM GUEST_CR0, CR0_TS | CR0_MP | CR0_PE, CR0_MP | CR0_PE, "real CR0: MP set, TS untouched, PE kept"
    VMW CR0_MASK, CR0_PE
    RUN g_lmsw.5
    VCHECK32 EXIT_REASON, 18, "LMSW with PE=0, PE owned, shadow PE=0: no exit (PE is never cleared)"
    RUN g_lmsw
    EXPECT_EXIT 28, g_lmsw.1, g_lmsw.2, "LMSW setting owned PE over a shadow PE of 0"
    VMW CR0_SHADOW, CR0_PE
    RUN g_lmsw
    VCHECK32 EXIT_REASON, 0x12, "LMSW setting PE with shadow PE=1: no exit (as the other LMSWs)"
    FINISH

; ---- guest code ----
g_vmcall:
    vmcall
    jmp $
g_rd:
    mov r8, cr0
    mov r9, cr4
    smsw r10w
    smsw [DATA_AREA]
    vmcall
g_wr_same:
    mov rax, cr0
    bts rax, 16                         ; WP, guest-owned
    mov cr0, rax
    mov rax, cr4
    bts rax, 9                          ; OSFXSR, guest-owned
    mov cr4, rax
    vmcall
g_wr_ts:
    mov rbx, cr0
    btr rbx, 3
.1: mov cr0, rbx
.2: mov rbx, cr0
    bts rbx, 30
.3: mov cr0, rbx
.4: mov r12, cr4
    bts r12, 13
.5: mov cr4, r12
.6: vmcall
g_ne:
    mov rax, cr0
    btr rax, 5
    mov cr0, rax
    mov r8, cr0
    and r8d, 1 << 5
    vmcall
g_clts:
    clts
.1: vmcall
g_lmsw:
    mov eax, 0x000b                     ; PE MP TS
.1: lmsw ax
.2: mov ebx, DATA_AREA + 0x40
    mov word [rbx], 0x0009              ; PE TS
.3: lmsw [rbx]
.4: mov eax, 0x0003                     ; PE MP, TS 0 as in the shadow
    lmsw ax
    vmcall
.5: xor eax, eax
    lmsw ax
    vmcall
END_IMAGE
