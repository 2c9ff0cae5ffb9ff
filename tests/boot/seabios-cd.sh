#!/usr/bin/env bash
# Boots Debian's SeaBIOS from the GRUB ISO of images/build-cd.sh on the turtles PC's ATAPI CD-ROM
# (PIIX3 IDE, secondary master): SeaBIOS must find the drive, boot El Torito, GRUB must load the
# kernel and initramfs through INT 13h, and the guest must print TURTLES-GUEST-OK and power off.
# GRUB draws on the VGA text screen (SeaVGABIOS); at exit the screen, dumped as text through
# -screenshot, must still show GRUB's "Booting `turtles guest'" (the kernel logs to COM1 only).
# Usage: seabios-cd.sh TURTLES SOURCE_ROOT [BIOS]
set -u
turtles=$1
src=$2
bios=${3:-/usr/share/seabios/bios-256k.bin}
[ -r "$bios" ] || { echo "SKIP: $bios not installed (Debian package seabios)"; exit 77; }
iso=$("$src/images/build-cd.sh" 2>/dev/null | sed -n 's/^ISO=//p')
[ -n "$iso" ] && [ -r "$iso" ] || { echo "SKIP: the ISO cannot be built (images/build-cd.sh)"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out" "$out.err" "$out.screen.txt"' EXIT
"$turtles" -m 256 -bios "$bios" -cdrom "$iso" -nographic -no-reboot -serial "file:$out" \
    -max-insns 40000000000 -d stats -screenshot "$out.screen.txt" 2>"$out.err"
status=$?
text=$(sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' "$out" | tr '\r' '\n')
grep -a -E "SeaBIOS \(version|Booting from|GRUB|TURTLES-GUEST-OK|Power down" <<<"$text"
cat "$out.err"
fail() { echo "FAIL: $1"; tail -20 <<<"$text"; exit 1; }
[ "$status" -eq 0 ] || fail "exit status $status (expected 0 after the guest powers off)"
grep -q "Booting from DVD/CD" <<<"$text" || fail "SeaBIOS did not boot from the CD-ROM"
grep -q "TURTLES-GUEST-OK" <<<"$text" || fail "the guest did not reach its marker"
grep -q "reboot: Power down" <<<"$text" || fail "the guest did not power off"
echo "--- VGA text screen at exit:"
sed '/^$/d' "$out.screen.txt"
grep -q "Booting \`turtles guest'" "$out.screen.txt" || fail "GRUB's boot message is not on the VGA screen"
echo "PASS seabios-cd"
