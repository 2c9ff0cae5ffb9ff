; vbe -- the std VGA seen by a bare-metal program with no VGA BIOS: find the PCI function
; 1234:1111 on bus 0 (configuration mechanism #1, PCI 3.0 3.2.2.3.2), check its class and the
; size of BAR0 (PCI 3.0 6.2.5.1: write all-ones, read back), place BAR0 and enable memory
; decoding, program a 64x48x32 mode through the Bochs dispi ports 0x1CE/0x1CF (ID, video memory,
; XRES/YRES/BPP, ENABLE with LFB), draw a known pattern into the linear framebuffer found through
; BAR0, write the last pixel through the legacy banked window at 0xA0000 instead, and watch the
; vertical retrace bit of input status 1 (0x3DA) come and go with guest time.
; tests/guest/vbe.sh then checks every pixel of the PNG that -screenshot writes (tests/screen_check.c):
; colour(x, y) = (x << 18) | (y << 10) | ((x + y) << 1).
; Runs under turtles only (QEMU's guest runner uses -nodefaults, which has no VGA).
%define TESTNAME "vbe"
%include "boot.inc"
%include "report.inc"
%include "pm.inc"

LFB_ADDR    equ 0xE0000000
W           equ 64
H           equ 48
VGA_DEV     equ RAM_SCRATCH + 0x100     ; dword: the device number found

bits 16
main:
    ENTER_PM32

    ; ---- find the VGA function on bus 0 ----
    xor ebx, ebx
.scan:
    mov eax, ebx
    shl eax, 11
    or eax, 0x80000000
    mov dx, 0xCF8
    out dx, eax
    mov dx, 0xCFC
    in eax, dx
    cmp eax, 0x11111234
    je .found
    inc ebx
    cmp ebx, 32
    jb .scan
    FAIL_EXIT "no 1234:1111 on PCI bus 0"
.found:
    mov [VGA_DEV], ebx
    CHECK32 ebx, 2, "std VGA at device 2"
    mov ecx, 0x08
    call cfg_read
    shr eax, 8
    CHECK32 eax, 0x030000, "class 03/00/00 (VGA compatible)"

    ; ---- BAR0: 16 MiB, prefetchable memory ----
    mov ecx, 0x10
    mov eax, 0xFFFFFFFF
    call cfg_write
    call cfg_read
    CHECK32 eax, 0xFF000008, "BAR0 sizing: 16 MiB prefetchable"
    mov eax, LFB_ADDR
    call cfg_write
    mov ecx, 0x04
    call cfg_read
    or eax, 2                       ; COMMAND.Memory Space
    and eax, 0xFFFF
    call cfg_write
    mov ecx, 0x10
    call cfg_read
    and eax, 0xFFFFFFF0
    mov esi, eax                    ; the framebuffer, as the BAR says
    CHECK32 esi, LFB_ADDR, "BAR0 reads back the address"

    ; ---- dispi registers ----
    mov ecx, 0                      ; ID
    mov eax, 0xB0C5
    call vbe_write
    call vbe_read
    CHECK32 eax, 0xB0C5, "dispi ID 0xB0C5"
    mov ecx, 0x0A
    call vbe_read
    CHECK32 eax, 256, "16 MiB of video memory (in 64 KiB units)"
    mov ecx, 4
    xor eax, eax
    call vbe_write
    mov ecx, 1
    mov eax, W
    call vbe_write
    mov ecx, 2
    mov eax, H
    call vbe_write
    mov ecx, 3
    mov eax, 32
    call vbe_write
    mov ecx, 4
    mov eax, 0x41                   ; ENABLED | LFB_ENABLED
    call vbe_write
    mov ecx, 1
    call vbe_read
    CHECK32 eax, W, "XRES"
    mov ecx, 6
    call vbe_read
    CHECK32 eax, W, "VIRT_WIDTH follows XRES"

    ; ---- draw through the linear framebuffer ----
    mov edi, esi
    xor edx, edx                    ; y
.row:
    xor ecx, ecx                    ; x
.pix:
    mov eax, ecx
    shl eax, 18
    mov ebx, edx
    shl ebx, 10
    or eax, ebx
    lea ebx, [ecx + edx]
    shl ebx, 1
    or eax, ebx
    stosd
    inc ecx
    cmp ecx, W
    jb .pix
    inc edx
    cmp edx, H
    jb .row
    ; the last pixel once more, through the banked window (bank 0 at 0xA0000): first spoil it
    mov dword [esi + (H * W - 1) * 4], 0
    mov dword [0xA0000 + (H * W - 1) * 4], ((W - 1) << 18) | ((H - 1) << 10) | ((W - 1 + H - 1) << 1)
    mov eax, [esi + (H * W - 1) * 4]
    CHECK32 eax, ((W - 1) << 18) | ((H - 1) << 10) | ((W - 1 + H - 1) << 1), "window write seen in the LFB"
    mov eax, [0xA0000 + 5 * 4]
    CHECK32 eax, (5 << 18) | (5 << 1), "LFB write seen in the window"

    ; ---- vertical retrace follows guest time ----
    mov dx, 0x3C2
    mov al, 0x01                    ; colour I/O addresses (input status 1 at 0x3DA)
    out dx, al
    mov dx, 0x3DA
    xor ebx, ebx                    ; bit 0: saw retrace, bit 1: saw no retrace
    mov ecx, 20000000
.poll:
    in al, dx
    test al, 8
    setnz ah
    inc ah                          ; 1: no retrace now, 2: in retrace
    movzx eax, ah
    or ebx, eax
    cmp ebx, 3
    je .both
    dec ecx
    jnz .poll
.both:
    CHECK32 ebx, 3, "vertical retrace bit both set and clear over time"
    FINISH

; cfg_read: EAX <- dword at register ECX of the found device
cfg_read:
    push edx
    mov eax, [VGA_DEV]
    shl eax, 11
    or eax, ecx
    or eax, 0x80000000
    mov dx, 0xCF8
    out dx, eax
    mov dx, 0xCFC
    in eax, dx
    pop edx
    ret

; cfg_write: dword EAX to register ECX of the found device
cfg_write:
    push edx
    push eax
    mov eax, [VGA_DEV]
    shl eax, 11
    or eax, ecx
    or eax, 0x80000000
    mov dx, 0xCF8
    out dx, eax
    pop eax
    mov dx, 0xCFC
    out dx, eax
    pop edx
    ret

; vbe_write: dispi register ECX <- AX; vbe_read: EAX <- dispi register ECX
vbe_write:
    push edx
    push eax
    mov eax, ecx
    mov dx, 0x1CE
    out dx, ax
    pop eax
    mov dx, 0x1CF
    out dx, ax
    pop edx
    ret
vbe_read:
    push edx
    mov eax, ecx
    mov dx, 0x1CE
    out dx, ax
    mov dx, 0x1CF
    xor eax, eax
    in ax, dx
    pop edx
    ret

END_IMAGE
