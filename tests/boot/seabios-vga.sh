#!/usr/bin/env bash
# Video modes set through the VGA BIOS: SeaBIOS boots boot sectors (vgamodes.asm, one per mode)
# from an IDE disk; each sets mode 12h, mode 13h or VBE mode 118h through INT 10h (SeaVGABIOS
# from the std VGA's ROM BAR; for VBE, the linear framebuffer at the address SeaBIOS gave BAR0)
# and draws a known picture; the -screenshot PNG is compared with it (tests/screen_check.c).
# Usage: seabios-vga.sh TURTLES SCREEN_CHECK KIND=IMAGE... [BIOS]
set -u
turtles=$1
check=$2
shift 2
bios=/usr/share/seabios/bios-256k.bin
[ -r "$bios" ] || { echo "SKIP: $bios not installed (Debian package seabios)"; exit 77; }
[ -r /usr/share/seabios/vgabios-stdvga.bin ] || { echo "SKIP: no SeaVGABIOS"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0
for arg in "$@"; do
    kind=${arg%%=*} img=${arg#*=}
    "$turtles" -m 64 -bios "$bios" -hda "$img" -nographic -serial none -max-insns 200000000 -d stats \
        -screenshot "$dir/$kind.png" >"$dir/$kind.out" 2>&1
    st=$?
    sed 's/^/  /' "$dir/$kind.out"
    # the boot sector halts with interrupts off, which ends the run with status 0
    if [ $st -ne 0 ] || ! grep -q "halted with nothing to wake it at 0000:0000000000007c" "$dir/$kind.out"; then
        echo "FAIL $kind: the boot sector did not run to its halt (status $st)"
        status=1
        continue
    fi
    "$check" "$kind" "$dir/$kind.png" || status=1
done
[ $status -eq 0 ] && echo "PASS seabios-vga"
exit $status
