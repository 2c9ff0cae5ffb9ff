#!/bin/sh
# Builds and runs the x87 host-differential self test (x86-64 host only).
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${TMPDIR:-/tmp}/turtles_x87_selftest
gcc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
    -Wno-unused-parameter -I"$root" -I"$root/include" \
    "$root"/cpu/x87/selftest.c "$root"/cpu/x87/x87_*.c "$root"/cpu/x87/fxsave.c \
    "$root"/cpu/decode/decode.c "$root"/cpu/fpu/sf_*.c -o "$out"
exec "$out" "$@"
