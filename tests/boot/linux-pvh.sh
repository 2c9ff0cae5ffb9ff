#!/usr/bin/env bash
# Boots the reference guest's kernel as an ELF vmlinux by PVH direct boot (the Xen ELF note
# XEN_ELFNOTE_PHYS32_ENTRY, bios/pvh.c), twice: vmlinux is extracted from Debian's bzImage by
# images/extract-vmlinux.sh, the initrd is the reference busybox initramfs. Both runs must print
# the marker, power off through ACPI (exit status 0), and produce identical serial output and
# identical instruction counts (determinism). The bzImage's xz decompressor does not run, so
# this takes far fewer instructions than linux-direct.sh.
# Usage: linux-pvh.sh TURTLES [SOURCE_DIR]
set -u
turtles=$1
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "${TURTLES_VMLINUX:-}" ]; then
    vars=$("$src/images/extract-vmlinux.sh" 2>/tmp/turtles-image-build.log) || {
        echo "SKIP: could not build the reference vmlinux (see /tmp/turtles-image-build.log)"; exit 77; }
    TURTLES_VMLINUX=$(sed -n 's/^VMLINUX=//p' <<<"$vars")
    TURTLES_INITRD=$(sed -n 's/^INITRD=//p' <<<"$vars")
    entry=$(sed -n 's/^PVH_ENTRY=//p' <<<"$vars")
    [ "$entry" != none ] || { echo "SKIP: the reference kernel has no PVH entry note"; exit 77; }
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() {
    "$turtles" -m 256 -kernel "$TURTLES_VMLINUX" -initrd "$TURTLES_INITRD" \
        -append "console=ttyS0 panic=-1" -nographic -serial "file:$dir/serial$1" \
        -max-insns 40000000000 -d stats 2>"$dir/stats$1"
    echo $? >"$dir/status$1"
}
fail() { echo "FAIL: $1"; exit 1; }
for k in 1 2; do
    run $k
    tail -3 "$dir/serial$k"
    cat "$dir/stats$k"
    [ "$(cat "$dir/status$k")" = 0 ] || fail "run $k: exit status $(cat "$dir/status$k")"
    grep -q "TURTLES-GUEST-OK" "$dir/serial$k" || fail "run $k: no marker on the serial console"
    grep -q "reboot: Power down" "$dir/serial$k" || fail "run $k: the kernel did not power off"
    # the kernel took the PVH path: its memory map and initrd came from the start_info
    grep -q "RAMDISK: \[mem" "$dir/serial$k" || fail "run $k: the kernel found no initrd"
    grep -q "ACPI: RSDP 0x00000000000F0000" "$dir/serial$k" || fail "run $k: the kernel did not use the RSDP"
done
n1=$(sed -n 's/^turtles: \([0-9]*\) instructions.*/\1/p' "$dir/stats1")
n2=$(sed -n 's/^turtles: \([0-9]*\) instructions.*/\1/p' "$dir/stats2")
[ -n "$n1" ] && [ "$n1" = "$n2" ] || fail "instruction counts differ: $n1 vs $n2"
cmp -s "$dir/serial1" "$dir/serial2" || { diff "$dir/serial1" "$dir/serial2" | head; fail "serial output differs"; }
echo "PASS linux-pvh: marker and ACPI power-off, both runs $n1 instructions with identical output"
