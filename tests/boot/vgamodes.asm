; vgamodes -- a boot sector that SeaBIOS loads from an IDE disk: it sets one video mode through the
; VGA BIOS (SeaVGABIOS, run from the std VGA's ROM BAR), draws a known picture, and halts with
; interrupts off, which ends the turtles run; -screenshot then writes the screen and
; tests/screen_check.c compares it with the picture. Assemble with -DMODE=...:
;   0x12   mode 12h (640x480, 16 colours): 'G' through the teletype (INT 10h AH=0Eh, colour 0Eh),
;          then a 64x64 block at (0, 16) pixel by pixel (INT 10h AH=0Ch), colour
;          ((x >> 3) + (y >> 3)) & 15
;   0x13   mode 13h (320x200, 256 colours): byte (x + y) & 255 at A000:(y * 320 + x)
;   0x118  VBE mode 118h through INT 10h AX=4F01h/4F02h with the linear framebuffer: pixel
;          (x, y) = (x << 16) | (y << 8) | x for x, y < 256, written through the framebuffer
;          address and line length the mode information block reports, at its bits per pixel
; (VESA BIOS Extension 3.0: functions 01h and 02h, ModeInfoBlock fields BytesPerScanLine at 10h,
; BitsPerPixel at 19h, PhysBasePtr at 28h.)
org 0x7c00
bits 16
MODEINFO    equ 0x600
BYTES_PP    equ 0x5f0

start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7c00
%if MODE == 0x13
    mov ax, 0x0013
    int 0x10
    mov ax, 0xa000
    mov es, ax
    xor di, di
    xor dx, dx                  ; y
.y: xor cx, cx                  ; x
.x: mov ax, cx
    add ax, dx
    stosb
    inc cx
    cmp cx, 320
    jb .x
    inc dx
    cmp dx, 200
    jb .y
%elif MODE == 0x12
    mov ax, 0x0012
    int 0x10
    mov ax, 0x0e00 | 'G'
    mov bx, 0x000e
    int 0x10
    xor dx, dx                  ; y - 16
.y: xor cx, cx
.x: mov ax, cx
    shr ax, 3
    mov bx, dx
    shr bx, 3
    add ax, bx
    and al, 15
    mov ah, 0x0c
    xor bh, bh
    add dx, 16
    int 0x10
    sub dx, 16
    inc cx
    cmp cx, 64
    jb .x
    inc dx
    cmp dx, 64
    jb .y
%else
    mov ax, 0x4f01
    mov cx, MODE
    mov di, MODEINFO
    int 0x10
    cmp ax, 0x004f
    jne .halt
    mov ax, 0x4f02
    mov bx, MODE | 0x4000       ; linear framebuffer
    int 0x10
    cmp ax, 0x004f
    jne .halt
    ; big real mode for ES, so 32-bit offsets reach the framebuffer above 4 GiB - 16 MiB
    lgdt [gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp 0x08:.pm
.pm:
    mov bx, 0x10
    mov es, bx
    and al, 0xfe
    mov cr0, eax
    jmp 0:.rm
.rm:
    movzx ebx, byte [MODEINFO + 0x19]
    shr ebx, 3
    mov [BYTES_PP], ebx
    mov edi, [MODEINFO + 0x28]
    movzx esi, word [MODEINFO + 0x10]
    xor edx, edx                ; y
.vy: xor ecx, ecx               ; x
    mov ebp, edi
.vx: mov eax, ecx
    shl eax, 16
    mov ebx, edx
    shl ebx, 8
    or eax, ebx
    or al, cl
    mov [es:edi], ax
    shr eax, 16
    mov [es:edi + 2], al
    add edi, [BYTES_PP]
    inc ecx
    cmp ecx, 256
    jb .vx
    mov edi, ebp
    add edi, esi
    inc edx
    cmp edx, 256
    jb .vy
%endif
.halt:
    cli
    hlt
    jmp .halt

align 8
gdt:
    dq 0
    dq 0x00009a000000ffff       ; 16-bit code, base 0, limit 64 KiB
    dq 0x00cf92000000ffff       ; data, base 0, limit 4 GiB
gdtr:
    dw 23
    dd gdt
    times 510 - ($ - $$) db 0
    dw 0xaa55
