#!/usr/bin/env bash
# SIGTERM and SIGHUP end a run the way QEMU's "terminating on signal" does: at the end of the
# current slice, with the -d stats line and the -d profile report written, exit status 128 + the
# signal's number. IMAGE loops forever (tests/profile.asm).
# Usage: signal.sh TURTLES IMAGE
set -u
turtles=$1 image=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for sig in TERM HUP; do
    "$turtles" -bios "$image" -nographic -d stats,profile -D "$dir/log" >/dev/null 2>"$dir/err" &
    pid=$!
    sleep 0.5
    kill -s "$sig" "$pid"
    wait "$pid"
    status=$?
    num=$(kill -l "$sig")
    cat "$dir/err"
    [ "$status" -eq $((128 + num)) ] || { echo "FAIL: SIG$sig: exit status $status, want $((128 + num))"; exit 1; }
    grep -q "^turtles: terminating on signal $num\$" "$dir/err" || { echo "FAIL: SIG$sig: no 'terminating' line"; exit 1; }
    grep -q "^turtles: [0-9]* instructions in " "$dir/err" || { echo "FAIL: SIG$sig: no -d stats line"; exit 1; }
    grep -q "^profile: [0-9]* samples" "$dir/log" || { echo "FAIL: SIG$sig: no -d profile report in the log"; exit 1; }
done
echo "PASS signal"
