#!/usr/bin/env bash
# Boots Debian's unmodified SeaBIOS on the turtles PC with no disks: the firmware must complete
# POST (PCI, PAM shadowing, fw_cfg, ACPI tables, timers, serial console), run the std VGA's
# option ROM (SeaVGABIOS, from the PCI ROM BAR) and reach its boot menu, print "No bootable
# device" on COM1 and on the VGA text screen (checked through -screenshot's text dump), and
# reboot, which -no-reboot turns into a clean exit.
# Usage: seabios.sh TURTLES [BIOS]
set -u
turtles=$1
bios=${2:-/usr/share/seabios/bios-256k.bin}
[ -r "$bios" ] || { echo "SKIP: $bios not installed (Debian package seabios)"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out" "$out.screen.txt"' EXIT
"$turtles" -m 128 -bios "$bios" -nographic -no-reboot -serial "file:$out" -max-insns 2000000000 -d stats \
    -screenshot "$out.screen.txt" 2>"$out.err"
status=$?
text=$(sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' "$out" | tr '\r' '\n')
echo "$text" | head -20
cat "$out.err"; rm -f "$out.err"
fail() { echo "FAIL: $1"; exit 1; }
[ "$status" -eq 0 ] || fail "exit status $status (expected 0 after the reboot with -no-reboot)"
grep -q "SeaBIOS (version" <<<"$text" || fail "no SeaBIOS banner on COM1"
grep -q "No bootable device" <<<"$text" || fail "SeaBIOS did not reach the end of its boot order"
echo "--- VGA text screen at exit:"
sed '/^$/d' "$out.screen.txt"
grep -q "^SeaBIOS (version" "$out.screen.txt" || fail "no SeaBIOS banner on the VGA screen"
grep -q "^No bootable device" "$out.screen.txt" || fail "no 'No bootable device' on the VGA screen"
echo "PASS seabios"
