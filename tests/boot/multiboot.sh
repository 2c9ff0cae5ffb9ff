#!/usr/bin/env bash
# -kernel with a Multiboot 1 image (tests/boot/multiboot.asm): entry state, command line, module.
# Usage: multiboot.sh TURTLES IMAGE
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "module-data" >"$dir/mod"
out=$("$1" -kernel "$2" -initrd "$dir/mod modarg=1" -append "hello=world" -serial none -nographic 2>&1)
status=$?
echo "$out"
[ $status -eq 1 ] || { echo "FAIL: exit status $status"; exit 1; }
grep -q "hello=world" <<<"$out" && grep -q "mod modarg=1" <<<"$out" && grep -q "PASS multiboot" <<<"$out" || {
    echo "FAIL: missing output"; exit 1; }
