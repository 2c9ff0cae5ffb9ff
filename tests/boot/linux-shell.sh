#!/usr/bin/env bash
# The reference guest's interactive shell on the serial console (stdio): wait for the prompt, type
# a command, check its answer, then power off from the shell.
# Usage: linux-shell.sh TURTLES [SOURCE_DIR]
set -u
turtles=$1
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "${TURTLES_KERNEL:-}" ]; then
    vars=$("$src/images/build-linux-guest.sh" 2>/tmp/turtles-image-build.log) || {
        echo "SKIP: could not build the reference guest"; exit 77; }
    TURTLES_KERNEL=$(sed -n 's/^KERNEL=//p' <<<"$vars")
    TURTLES_INITRD=$(sed -n 's/^INITRD=//p' <<<"$vars")
fi
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
mkfifo "$dir/in"
"$turtles" -m 256 -kernel "$TURTLES_KERNEL" -initrd "$TURTLES_INITRD" \
    -append "console=ttyS0 panic=-1 turtles.shell=1" -nographic -max-insns 100000000000 \
    <"$dir/in" >"$dir/out" 2>&1 &
pid=$!
exec 3>"$dir/in"
wait_for() { # pattern seconds
    for _ in $(seq $(($2 * 10))); do
        grep -q "$1" "$dir/out" && return 0
        # the emulator may have printed the pattern and exited since the grep just before
        kill -0 $pid 2>/dev/null || { grep -q "$1" "$dir/out"; return; }
        sleep 0.1
    done
    return 1
}
fail() { echo "FAIL: $1"; tail -5 "$dir/out"; exit 1; }
wait_for '/ #' 300 || fail "no shell prompt"
printf 'echo SHELL-$((6*7))\n' >&3
wait_for 'SHELL-42' 60 || fail "the shell did not answer"
printf 'poweroff -f\n' >&3
wait_for 'reboot: Power down' 120 || fail "no power-off"
exec 3>&-
wait $pid
status=$?
[ $status -eq 0 ] || fail "exit status $status"
echo "PASS linux-shell: prompt, command answered (SHELL-42), power-off from the shell"
