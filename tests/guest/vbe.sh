#!/usr/bin/env bash
# Runs the vbe guest program (vbe.asm) with -screenshot and checks the PNG's pixels
# (tests/screen_check.c).
# Usage: vbe.sh TURTLES VBE_BIN SCREEN_CHECK [DISPLAY]
# DISPLAY "sdl" runs it in the SDL window instead (with SDL_VIDEODRIVER=dummy: a smoke test of the
# window's run-loop hooks and renderer path that needs no display).
set -u
turtles=$1
bin=$2
check=$3
display=(-nographic)
if [ "${4:-}" = sdl ]; then
    display=(-display sdl -serial none)
    export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy}
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
timeout 60 "$turtles" -m 128 -bios "$bin" "${display[@]}" -no-reboot -screenshot "$dir/screen.png" \
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
echo "PASS vbe (screenshot, ${display[*]})"
