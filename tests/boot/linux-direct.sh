#!/usr/bin/env bash
# Boots the reference guest (Debian's kernel + a busybox initramfs, built by
# images/build-linux-guest.sh from Debian packages) by direct kernel boot, twice: both runs must
# print the marker, power off through ACPI (exit status 0), and produce identical serial output and
# identical instruction counts (determinism).
# FORMAT bzimage (default) boots the bzImage through the Linux boot protocol; FORMAT pvh boots the
# same kernel as an ELF vmlinux by PVH (the Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY, bios/pvh.c;
# vmlinux extracted by images/extract-vmlinux.sh), which skips the bzImage's xz decompressor, and
# also checks that the kernel took its memory map, initrd and RSDP from the start_info.
# Usage: linux-direct.sh TURTLES [SOURCE_DIR [bzimage|pvh]]
set -u
turtles=$1
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
format=${3:-bzimage}
case "$format" in
    bzimage) script=build-linux-guest.sh key=KERNEL ;;
    pvh) script=extract-vmlinux.sh key=VMLINUX ;;
    *) echo "FAIL: unknown format $format (bzimage or pvh)"; exit 1 ;;
esac
if [ -z "${TURTLES_KERNEL:-}" ]; then
    vars=$("$src/images/$script" 2>/tmp/turtles-image-build.log) || {
        echo "SKIP: could not build the reference guest (see /tmp/turtles-image-build.log)"; exit 77; }
    TURTLES_KERNEL=$(sed -n "s/^$key=//p" <<<"$vars")
    TURTLES_INITRD=$(sed -n 's/^INITRD=//p' <<<"$vars")
    if [ "$format" = pvh ] && [ "$(sed -n 's/^PVH_ENTRY=//p' <<<"$vars")" = none ]; then
        echo "SKIP: the reference kernel has no PVH entry note"; exit 77
    fi
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() {
    "$turtles" -m 256 -kernel "$TURTLES_KERNEL" -initrd "$TURTLES_INITRD" \
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
    # The kernel's crypto self-tests (testmgr: about 0.87e9 instructions of integer, SSE and
    # big-number arithmetic, checked against known answers) ran and none failed.
    grep -q "alg: self-tests for .* passed" "$dir/serial$k" || fail "run $k: the crypto self-tests did not run"
    if grep -E "alg: .*(fail|error)" "$dir/serial$k"; then fail "run $k: a crypto self-test failed"; fi
    if [ "$format" = pvh ]; then
        grep -q "RAMDISK: \[mem" "$dir/serial$k" || fail "run $k: the kernel found no initrd"
        grep -q "ACPI: RSDP 0x00000000000F0000" "$dir/serial$k" || fail "run $k: the kernel did not use the RSDP"
    fi
done
n1=$(sed -n 's/^turtles: \([0-9]*\) instructions.*/\1/p' "$dir/stats1")
n2=$(sed -n 's/^turtles: \([0-9]*\) instructions.*/\1/p' "$dir/stats2")
[ -n "$n1" ] && [ "$n1" = "$n2" ] || fail "instruction counts differ: $n1 vs $n2"
cmp -s "$dir/serial1" "$dir/serial2" || { diff "$dir/serial1" "$dir/serial2" | head; fail "serial output differs"; }
echo "PASS linux-direct ($format): marker and ACPI power-off, both runs $n1 instructions with identical output"
