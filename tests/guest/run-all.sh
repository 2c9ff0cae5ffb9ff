#!/usr/bin/env bash
# run-all.sh EMU OUT_DIR [extra nasm args...]
#   Assembles every test in tests.list into OUT_DIR/<name>.bin and runs each
#   with run-guest.sh against EMU (qemu | kvm | path to turtles).  Prints one
#   line per test, then "N passed, N failed".  Logs: OUT_DIR/<name>.<emu>.log
#   Exit status 0 iff all passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 2 ]; then
    echo "usage: $0 qemu|kvm|TURTLES OUT_DIR [nasm args...]" >&2
    exit 2
fi
emu=$1; out=$2; shift 2
mkdir -p "$out"
tag=$(basename "$emu")
pass=0; fail=0
while read -r name; do
    case "$name" in ''|'#'*) continue ;; esac
    bin=$out/$name.bin
    log=$out/$name.$tag.log
    if ! nasm -f bin -I "$here/include/" "$@" -o "$bin" "$here/$name.asm" >"$log" 2>&1; then
        echo "FAIL $name (assembly failed, see $log)"; fail=$((fail+1)); continue
    fi
    if "$here/run-guest.sh" "$emu" "$bin" >>"$log" 2>&1; then
        echo "PASS $name"; pass=$((pass+1))
    else
        nok=$(grep -c '^not ok' "$log")
        echo "FAIL $name ($nok 'not ok'; $(tail -1 "$log"))"; fail=$((fail+1))
    fi
done < "$here/tests.list"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
