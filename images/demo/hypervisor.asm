; hypervisor.asm -- the smallest useful hypervisor, for learning VMX with turtles.
;
; Build and run it, tracing every VM entry and exit:
;     nasm -f bin -I tests/guest/include images/demo/hypervisor.asm -o build/hypervisor.bin
;     build/turtles -m 64 -bios build/hypervisor.bin -nographic -d vmx
; (scripts/hypervisor-demo.sh does both.) docs/vmx-walkthrough.md follows one of its exits
; through turtles' code.
;
; What it does, in the order of SDM Vol.3C:
;   1. enters 64-bit mode (tests/guest/include: boot.inc, pm.inc, lm.inc);
;   2. turns VMX on: IA32_FEATURE_CONTROL, CR4.VMXE, VMXON (chapter 23);
;   3. builds one VMCS (chapter 24) whose guest is a 64-bit function of this image, running
;      on the same page tables, with two controls on: "HLT exiting" and "unconditional I/O
;      exiting" (24.6.2);
;   4. VMLAUNCH, then a loop: each VM exit (chapter 27) lands at HOST_RIP with the host's
;      registers, reads the exit reason and qualification, emulates the instruction, moves
;      the guest's RIP past it and VMRESUMEs.
; The guest prints a greeting with OUT to COM1's data port, asks CPUID for the vendor, and
; halts. OUT exits (reason 30): the hypervisor sends the byte to the debug console (port
; 0xE9) instead. CPUID exits (reason 10): the hypervisor answers "TurtlesHV!!!" in
; EBX:EDX:ECX. HLT exits (reason 12): the hypervisor turns VMX off and ends the run.
%define TESTNAME "hypervisor"
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
    call vmx_on                         ; VMXON (vmx.inc)
    lea rdi, [rel guest]
    call vmx_fresh_vmcs                 ; VMCLEAR, VMPTRLD, host and guest state (vmx.inc)
    vmx_set_ctl PROC_CTLS, MSR_VMX_TRUE_PROC, PROC_HLT | PROC_UNCOND_IO
    xor edi, edi                        ; first entry: VMLAUNCH
.run:
    call vmx_enter                      ; returns here after each VM exit
    test eax, eax
    jnz .failed
    VMR rbx, EXIT_REASON
    cmp ebx, 30
    je .io
    cmp ebx, 10
    je .cpuid
    cmp ebx, 12
    je .hlt
    PRINTLN "hypervisor: unexpected exit"
    EXIT 1
.io:                                    ; qualification bits 31:16 port, 3 direction, 2:0 size-1
    VMR rbx, EXIT_QUAL
    shr ebx, 16
    cmp ebx, 0x3f8
    jne .next
    mov al, [guest_al]                  ; the guest's AL (the hypervisor saved it, see below)
    out 0xe9, al
    jmp .next
.cpuid:
    mov dword [guest_regs + 0], 'Turt'  ; EBX
    mov dword [guest_regs + 4], 'lesH'  ; EDX
    mov dword [guest_regs + 8], 'V!!!'  ; ECX
.next:
    call vmx_skip                       ; GUEST_RIP += VM-exit instruction length
    mov edi, 1                          ; next entries: VMRESUME
    jmp .run
.hlt:
    vmxoff
    PRINTLN "hypervisor: the guest halted; VMX is off. Bye."
    EXIT 0
.failed:
    VMR rbx, VM_INSN_ERROR
    PRINTLN "hypervisor: VM entry failed"
    EXIT 1

; VMX saves and loads RIP, RSP, RFLAGS, control and segment registers, but not the general
; registers: after an exit the host runs with the guest's RAX..R15, and the guest resumes with
; whatever the host left there. A real hypervisor saves and restores them around each exit;
; this one keeps it visible instead: the guest reloads what it needs after each exit, and the
; two exchange data through memory they share (there is no EPT here).
guest_al   equ RAM_SCRATCH + 0x200
guest_regs equ RAM_SCRATCH + 0x210

guest:
    lea rsi, [rel message]
.putc:
    lodsb
    test al, al
    jz .ask
    mov [guest_al], al
    mov dx, 0x3f8
    out dx, al                          ; VM exit: I/O instruction
    jmp .putc
.ask:
    cpuid                               ; VM exit: CPUID
    lea rsi, [guest_regs]
    mov ecx, 12
.vendor:
    lodsb
    mov [guest_al], al
    mov dx, 0x3f8
    out dx, al
    loop .vendor
    mov byte [guest_al], 10
    mov dx, 0x3f8                       ; (the hypervisor's exit handling clobbered DX)
    out dx, al
    hlt                                 ; VM exit: HLT
message: db "guest: hello from VMX non-root operation; my CPU vendor is ", 0
END_IMAGE
