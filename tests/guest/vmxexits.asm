; vmxexits -- instruction-caused VM exits (SDM Vol.3C 25.1.2, 25.1.3) with their exit reason,
; guest RIP (fault-like: the instruction itself), instruction length (27.2.5) and exit
; qualification (27.2.1): INVLPG, RDTSC, RDTSCP, RDPMC, MOV from CR3, MOV to/from CR8,
; CR3-target values, MOV DR, PAUSE, WBINVD, INVD, XSETBV; the same instructions running
; normally when their control is 0; and the priority of privilege faults over VM exits (25.1.1).
%define TESTNAME "vmxexits"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"
%include "lm.inc"
%include "idt.inc"
%include "vmx.inc"
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

    ; ---- INVLPG exiting: the qualification is the linear address, segment base included
    ; (SDM Vol.3C 27.2.1) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_INVLPG
    VMW GUEST_FS_BASE, 0x10000
    RUN g_invlpg
    EXPECT_EXIT 14, g_invlpg.1, g_invlpg.2, "INVLPG [rbx+0x10]"
    VCHECK EXIT_QUAL, 0x123010, "INVLPG: qualification = linear address"
    NEXT
    EXPECT_EXIT 14, g_invlpg.2, g_invlpg.3, "INVLPG [fs:rbx]"
    VCHECK EXIT_QUAL, 0x133000, "INVLPG: qualification includes the FS base"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    RUN g_invlpg
    VCHECK32 EXIT_REASON, 18, "INVLPG without INVLPG exiting runs (next exit: VMCALL)"

    ; ---- RDTSC, RDTSCP (needs "enable RDTSCP"), RDPMC (25.1.3, 25.3) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_RDTSC | PROC_RDPMC | PROC_SECONDARY
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_RDTSCP
    RUN g_tsc
    EXPECT_EXIT 16, g_tsc, g_tsc.1, "RDTSC"
    NEXT
    EXPECT_EXIT 51, g_tsc.1, g_tsc.2, "RDTSCP with enable RDTSCP"
    NEXT
    EXPECT_EXIT 15, g_tsc.2, g_tsc.3, "RDPMC"
    mov ecx, 0xc0000103                 ; IA32_TSC_AUX
    mov eax, 0x5a5
    xor edx, edx
    wrmsr
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    RUN g_tscp
    VCHECK32 EXIT_REASON, 18, "RDTSCP without RDTSC exiting runs"
    CHECK32 ecx, 0x5a5, "RDTSCP in the guest: ECX = IA32_TSC_AUX"
    ; "enable RDTSCP" = 0: RDTSCP is #UD, delivered through the guest IDT (25.3)
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, 0
    TRY g_vmcall
    RUN g_tscp
    CHECK_EXC 6, NOERR, "RDTSCP without enable RDTSCP: #UD in the guest"
    CHECK32 dword [EXC_RIP], g_tscp, "#UD at the RDTSCP"
    VCHECK32 EXIT_REASON, 18, "the guest's handler ran (next exit: VMCALL)"

    ; ---- CR3-store, CR8-load and CR8-store exiting; qualification: CR number 3:0, access
    ; type 5:4 (0 to CR, 1 from CR), GPR 11:8 (27.2.1, table 27-3) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_CR3_STORE | PROC_CR8_LOAD | PROC_CR8_STORE
    RUN g_cr
    EXPECT_EXIT 28, g_cr.0, g_cr.1, "MOV RSI, CR3"
    VCHECK EXIT_QUAL, 0x613, "qualification: from CR3 to RSI"
    NEXT
    EXPECT_EXIT 28, g_cr.1, g_cr.2, "MOV R10, CR3"
    VCHECK EXIT_QUAL, 0xa13, "qualification: from CR3 to R10"
    NEXT
    EXPECT_EXIT 28, g_cr.2, g_cr.3, "MOV CR8, RCX"
    VCHECK EXIT_QUAL, 0x108, "qualification: to CR8 from RCX"
    NEXT
    EXPECT_EXIT 28, g_cr.3, g_cr.4, "MOV RDX, CR8"
    VCHECK EXIT_QUAL, 0x218, "qualification: from CR8 to RDX"
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, 0
    RUN g_cr
    VCHECK32 EXIT_REASON, 18, "CR3/CR8 accesses without their exiting controls run"
    CHECK rsi, LM_PML4, "guest MOV from CR3 reads the guest CR3"
    ; CR3-target values: MOV to CR3 of one of the first CR3-target-count values does not exit
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_CR3_LOAD
    VMW CR3_TARGET0, 0x5000
    VMW CR3_TARGET1, 0x6000
    VMW CR3_TARGET2, 0x7000
    VMW CR3_TARGET3, LM_PML4
    VMW CR3_TARGET_COUNT, 4
    RUN g_cr3
    VCHECK32 EXIT_REASON, 18, "MOV to CR3 of CR3-target value 3 (count 4): no exit"
    VMW CR3_TARGET_COUNT, 3
    RUN g_cr3
    EXPECT_EXIT 28, g_cr3.1, g_cr3.2, "MOV to CR3, target 3 beyond count 3"
    VCHECK EXIT_QUAL, 0x003, "qualification: to CR3 from RAX"
    VMW CR3_TARGET_COUNT, 0

    ; ---- MOV-DR exiting: qualification DR number 2:0, direction 4 (1 = from DR), GPR 11:8
    ; (table 27-4); the exit has priority over the DR7.GD #DB (25.1.3) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_MOV_DR
    RUN g_dr
    EXPECT_EXIT 29, g_dr, g_dr.1, "MOV DR3, RBX"
    VCHECK EXIT_QUAL, 0x303, "qualification: to DR3 from RBX"
    NEXT
    EXPECT_EXIT 29, g_dr.1, g_dr.2, "MOV R9, DR6"
    VCHECK EXIT_QUAL, 0x916, "qualification: from DR6 to R9"
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E | ENTRY_LOAD_DEBUG
    VMW GUEST_DR7, 0x2400                ; GD
    RUN g_dr.2
    EXPECT_EXIT 29, g_dr.2, g_dr.3, "MOV RAX, DR0 with DR7.GD=1"
    VCHECK EXIT_QUAL, 0x010, "qualification: from DR0 to RAX"
    VMW GUEST_DR7, 0x400
    vmx_set_ctl ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E

    ; ---- PAUSE exiting, WBINVD exiting (secondary), INVD and XSETBV (unconditional) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_PAUSE | PROC_SECONDARY
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, PROC2_WBINVD
    RUN g_misc
    EXPECT_EXIT 40, g_misc, g_misc.1, "PAUSE"
    NEXT
    EXPECT_EXIT 54, g_misc.1, g_misc.2, "WBINVD"
    NEXT
    EXPECT_EXIT 13, g_misc.2, g_misc.3, "INVD (unconditional)"
    mov eax, 1
    cpuid
    bt ecx, 26
    jc .xsave
    SKIP "XSETBV: no XSAVE"
    jmp .noxsave
.xsave:
    NEXT
    EXPECT_EXIT 55, g_misc.4, g_misc.5, "XSETBV with CR4.OSXSAVE (unconditional)"
    VMR rbx, HOST_CR4
    VMW GUEST_CR4, rbx                  ; OSXSAVE clear again
    VMW EXC_BITMAP, 1 << 6
    RUN g_misc.4
    VCHECK32 EXIT_REASON, 0, "XSETBV with CR4.OSXSAVE=0: #UD comes first (exception exit)"
    VCHECK32 EXIT_INTR_INFO, 0x80000306, "interruption info: #UD"
    VMW EXC_BITMAP, 0
.noxsave:
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_SECONDARY
    vmx_set_ctl PROC2_CTLS, MSR_VMX_PROCBASED2, 0
    RUN g_misc
    VCHECK32 EXIT_REASON, 13, "PAUSE and WBINVD without exiting run (next exit: INVD)"
    VCHECK GUEST_RIP, g_misc.2, "... at the INVD"

    ; ---- a CPL3 guest: privilege faults come before VM exits (25.1.1), except for MOV DR
    ; (25.1.3) ----
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_HLT | PROC_RDPMC | PROC_MOV_DR
    VMW GUEST_CS_SEL, SEL_UCODE64 | 3
    VMW GUEST_CS_AR, 0xa0fb
    VMW GUEST_SS_SEL, SEL_UDATA | 3
    VMW GUEST_SS_AR, 0xc0f3
    TRY g_vmcall
    RUN g_user
    CHECK_EXC 13, 0, "CPL3 HLT with HLT exiting: #GP(0) in the guest"
    CHECK32 dword [EXC_RIP], g_user, "#GP at the HLT"
    TRY g_vmcall
    RUN g_user.1
    CHECK_EXC 13, 0, "CPL3 RDPMC (CR4.PCE=0) with RDPMC exiting: #GP(0) in the guest"
    RUN g_user.2
    EXPECT_EXIT 29, g_user.2, g_user.3, "CPL3 MOV RAX, DR7 exits (no #GP)"
    NEXT
    EXPECT_EXIT 10, g_user.3, g_user.4, "CPL3 CPUID exits"
    VCHECK32 GUEST_SS_AR, 0xc0f3, "saved SS access rights: DPL 3"
    FINISH

; ---- guest code ----
g_vmcall:
    vmcall
    jmp $
g_invlpg:
    mov ebx, 0x123000
.1: invlpg [rbx + 0x10]
.2: invlpg [fs:rbx]
.3: vmcall
g_tsc:
    rdtsc
.1: rdtscp
.2: rdpmc
.3: vmcall
g_tscp:
    rdtscp
    vmcall
g_cr:
    xor ecx, ecx
.0: mov rsi, cr3
.1: mov r10, cr3
.2: mov cr8, rcx
.3: mov rdx, cr8
.4: vmcall
g_cr3:
    mov eax, LM_PML4
.1: mov cr3, rax
.2: vmcall
g_dr:
    mov dr3, rbx
.1: mov r9, dr6
.2: mov rax, dr0
.3: vmcall
g_misc:
    pause
.1: wbinvd
.2: invd
.3: mov rax, cr4
    bts rax, 18                         ; OSXSAVE
    mov cr4, rax
    xor ecx, ecx
    mov eax, 3
    xor edx, edx
.4: xsetbv
.5: vmcall
g_user:
    hlt
.1: xor ecx, ecx
    rdpmc
.2: mov rax, dr7
.3: cpuid
.4: vmcall
END_IMAGE
