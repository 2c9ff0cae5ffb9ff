#!/bin/sh
# Standalone build + run of the softfloat unit test (the meson build wires the same files).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${TMPDIR:-/tmp}/turtles_test_softfloat
CFLAGS="-std=c11 -O2 -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
gcc $CFLAGS -I"$here" "$here"/sf_core.c "$here"/sf_x87.c "$here"/sf_sse.c "$here"/sf_trans.c "$here"/sf_approx.c \
    "$root"/tests/unit/test_softfloat.c $(pkg-config --cflags --libs check) -o "$out"
exec "$out" "$@"
