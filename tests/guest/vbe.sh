#!/usr/bin/env bash
# Runs the vbe guest program (vbe.asm) with -screenshot and checks the PNG's pixels
# (tests/screen_check.c).
# Usage: vbe.sh TURTLES VBE_BIN SCREEN_CHECK
set -u
turtles=$1
bin=$2
check=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
timeout 60 "$turtles" -m 128 -bios "$bin" -nographic -no-reboot -screenshot "$dir/screen.png" \
    </dev/null >"$dir/out" 2>"$dir/err"
st=$?
cat "$dir/out"
sed 's/^/[stderr] /' "$dir/err"
[ $st -eq 1 ] || { echo "FAIL: emulator exit status $st (expected 1)"; exit 1; }
grep -q "^PASS vbe$" "$dir/out" || { echo "FAIL: no PASS line"; exit 1; }
"$check" guest-vbe "$dir/screen.png" || exit 1
# the text dump of a graphics screen says so
"$turtles" -m 128 -bios "$bin" -nographic -no-reboot -screenshot "$dir/screen.txt" </dev/null >/dev/null 2>&1
grep -q "graphics mode, 64x48" "$dir/screen.txt" || { echo "FAIL: text dump: $(cat "$dir/screen.txt")"; exit 1; }
echo "PASS vbe (screenshot)"
