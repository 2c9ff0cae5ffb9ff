#!/usr/bin/env bash
# RDRAND/RDSEED determinism and -seed: runs the rdrand guest test image, which prints its first
# RDRAND value, and checks that two runs with the default seed print the same value and retire
# the same number of instructions, that -seed with the default constant (CPU_RNG_DEFAULT_SEED in
# cpu/cpu.h) changes nothing, that another seed gives another value, and that a bad -seed is a
# usage error (exit status 1). Usage: rdrand-seed.sh TURTLES RDRAND_IMAGE
set -u
turtles=$1 image=$2
run() { "$turtles" -m 128 -bios "$image" -nographic -no-reboot -d stats "$@" 2>&1 </dev/null; }
first() { sed -n 's/^first RDRAND: //p' <<<"$1"; }
count() { sed -n 's/^turtles: \([0-9]*\) instructions.*/\1/p' <<<"$1"; }
fail() { echo "rdrand-seed: $*"; exit 1; }
a=$(run) b=$(run) c=$(run -seed 0x747572746c65) d=$(run -seed 1) e=$(run -seed 18446744073709551615)
grep -q '^PASS rdrand' <<<"$a" || fail "the guest test did not pass: $a"
[ -n "$(first "$a")" ] || fail "no 'first RDRAND' line"
[ "$(first "$a")" = "$(first "$b")" ] || fail "default seed: '$(first "$a")' then '$(first "$b")'"
[ -n "$(count "$a")" ] && [ "$(count "$a")" = "$(count "$b")" ] || fail "instruction counts differ"
[ "$(first "$a")" = "$(first "$c")" ] || fail "-seed of the default constant changed the value"
[ "$(first "$d")" != "$(first "$a")" ] || fail "-seed 1 gave the default value"
[ "$(first "$e")" != "$(first "$a")" ] && [ "$(first "$e")" != "$(first "$d")" ] || fail "-seed 2^64-1"
grep -q '^PASS rdrand' <<<"$d" || fail "the guest test did not pass with -seed 1"
for bad in x 1x -1 18446744073709551616 ''; do
    "$turtles" -seed "$bad" -bios "$image" -nographic >/dev/null 2>&1 </dev/null
    [ $? -eq 1 ] || fail "-seed '$bad' was accepted"
done
echo "rdrand-seed: default $(first "$a") twice ($(count "$a") instructions), -seed 1 $(first "$d")"
