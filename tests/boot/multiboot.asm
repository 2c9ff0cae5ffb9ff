; multiboot -- a minimal Multiboot 1 kernel (a.out kludge, loaded at 1 MiB) for the -kernel
; Multiboot path: checks the loader's entry state (EAX magic, EBX info with the command line and
; one module, flat 32-bit protected mode), prints through port 0xE9, exits through port 0xF4.
; nasm -f bin tests/boot/multiboot.asm -o multiboot.bin
bits 32
org 0x100000
MB_MAGIC equ 0x1BADB002
MB_FLAGS equ (1 << 1) | (1 << 16)       ; memory info, a.out kludge addresses
header:
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
    dd header, 0x100000, end, end, start ; header, load, load_end, bss_end, entry
start:
    mov esp, 0x90000
    cmp eax, 0x2BADB002                  ; Multiboot spec 3.2: magic in EAX
    jne fail
    test dword [ebx], 1 << 2             ; flags: cmdline present
    jz fail
    test dword [ebx], 1 << 3             ; flags: mods present
    jz fail
    cmp dword [ebx + 20], 1              ; mods_count
    jne fail
    mov esi, [ebx + 16]                  ; cmdline
    call puts
    mov al, 10
    out 0xe9, al
    mov esi, [ebx + 24]                  ; mods_addr -> first module
    mov esi, [esi + 8]                   ; its string
    call puts
    mov al, 10
    out 0xe9, al
    mov esi, pass
    call puts
    xor eax, eax
    out 0xf4, eax
fail:
    mov esi, failmsg
    call puts
    mov eax, 1
    out 0xf4, eax
    hlt
puts:
    lodsb
    test al, al
    jz .d
    out 0xe9, al
    jmp puts
.d: ret
pass: db "PASS multiboot", 10, 0
failmsg: db "FAIL multiboot", 10, 0
end:
