#!/usr/bin/env bash
# Sets everything up and runs every test suite:
#   unit (Check), length (decoder vs Capstone), guest (bare-metal programs), diff (host
#   differential, x86-64 hosts only), boot (real firmware and Linux), nested, nested-l3 and
#   nested-l4 (Debian's KVM and QEMU inside turtles running an L2 Linux, KVM in that L2 running an
#   L3, and KVM in L3 running an L4, each twice), then unit + guest again under ASan+UBSan.
# Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export TURTLES_WERROR=1
scripts/setup.sh build || { echo "0 passed, 1 failed"; exit 1; }

pass=0
fail=0
run_suites() { # build_dir suites...
    local dir=$1; shift
    local args=()
    for s in "$@"; do args+=(--suite "$s"); done
    meson test -C "$dir" "${args[@]}" --print-errorlogs --num-processes 2 >"$dir/test-output.txt" 2>&1
    grep -E '^ *[0-9]+/[0-9]+ ' "$dir/test-output.txt" | sed 's/^/  /'
    local ok f
    ok=$(awk '/^Ok:/ {print $2}' "$dir/test-output.txt")
    f=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {s += $NF} END {print s + 0}' "$dir/test-output.txt")
    pass=$((pass + ${ok:-0}))
    fail=$((fail + ${f:-0}))
    if [ "${f:-0}" -ne 0 ]; then
        grep -B2 -A30 -E '(FAIL|TIMEOUT) ' "$dir/test-output.txt" | head -150
    fi
}

echo "== release build: unit, length, guest, diff, boot, nested, nested-l3, nested-l4"
run_suites build unit length guest diff boot nested nested-l3 nested-l4

echo "== ASan+UBSan build: unit, guest"
if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan --buildtype=debugoptimized -Db_sanitize=address,undefined \
        -Db_lundef=false --werror >/dev/null
fi
if ninja -C build-asan >/dev/null; then
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    export ASAN_OPTIONS=detect_leaks=1
    run_suites build-asan unit guest
else
    echo "ASan build failed"
    fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
