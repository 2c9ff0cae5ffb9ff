#!/usr/bin/env bash
# Nested virtualization with real software: L1 is Debian's kernel whose initramfs
# (images/build-kvm-guest.sh) loads Debian's kvm and kvm_intel (nested=1) and runs Debian's
# qemu-system-x86_64 -accel kvm on an inner guest. At depth 1 the inner guest is the reference
# guest (L2 prints TURTLES-GUEST-OK); at depth 2 it is the depth-1 image, which runs L3 the same
# way inside L2. The run must print the innermost marker, every level's TURTLES-L<n>-DONE, power
# off L1 through ACPI (exit status 0), show that L1's kvm_intel enabled PML, and do so twice with
# identical serial output and instruction counts (determinism).
# Usage: kvm-l2.sh TURTLES [SOURCE_DIR [DEPTH [WORDS]]]   (TURTLES_NESTED_RUNS=1 for a single run)
# WORDS: more kernel command-line words for every level (the L4 test passes "quiet").
set -u
turtles=$1
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
depth=${3:-1}
words=${4:-}
runs=${TURTLES_NESTED_RUNS:-2}
vars=$("$src/images/build-kvm-guest.sh" --depth "$depth" 2>/tmp/turtles-kvm-image-build.log) || {
    echo "SKIP: could not build the KVM guest (see /tmp/turtles-kvm-image-build.log)"; exit 77; }
# L1 boots by PVH (the ELF vmlinux), like every inner level: the same kernel, without running
# its xz decompressor (~4.5e9 instructions) under emulation.
kernel=$(sed -n 's/^VMLINUX=//p' <<<"$vars")
initrd=$(sed -n 's/^INITRD=//p' <<<"$vars")
guest_mem=$(sed -n 's/^GUEST_MEM=//p' <<<"$vars")
# L1 holds its compressed and unpacked initramfs plus the inner guest's RAM.
mem=$(( 512 + guest_mem * 2 ))
# cryptomgr.notests: every level (init-kvm passes L1's command line on) skips the kernel's crypto
# self-tests, about 0.87e9 instructions of pure arithmetic per kernel boot that exercise nothing
# of VMX; the boot suite (linux-direct.sh) keeps them, as a check of the arithmetic.
append="console=ttyS0 panic=-1 cryptomgr.notests${words:+ $words}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() {
    "$turtles" -m "$mem" -kernel "$kernel" -initrd "$initrd" \
        -append "$append" -nographic -no-reboot -serial "file:$dir/serial$1" \
        -max-insns "${TURTLES_NESTED_MAX_INSNS:-60000000000}" -d stats 2>"$dir/stats$1"
    echo $? >"$dir/status$1"
}
fail() { echo "FAIL: $1"; exit 1; }
for k in $(seq "$runs"); do
    run "$k"
    grep -a "TURTLES-" "$dir/serial$k" | grep -av dmesg
    tail -3 "$dir/serial$k"
    cat "$dir/stats$k"
    [ "$(cat "$dir/status$k")" = 0 ] || fail "run $k: exit status $(cat "$dir/status$k")"
    grep -aq "TURTLES-GUEST-OK" "$dir/serial$k" || fail "run $k: no TURTLES-GUEST-OK from L$((depth + 1))"
    for l in $(seq "$depth" -1 1); do
        grep -aq "TURTLES-L$l-DONE" "$dir/serial$k" || fail "run $k: no TURTLES-L$l-DONE"
    done
    grep -aq "reboot: Power down" "$dir/serial$k" || fail "run $k: L1 did not power off"
    # turtles offers page-modification logging (with EPT A/D), so L1's kvm_intel must take it
    grep -aq "TURTLES-L1: kvm_intel.pml=Y" "$dir/serial$k" || fail "run $k: L1's kvm_intel runs without PML"
done
n1=$(sed -n 's/^turtles: \([0-9]*\) instructions.*/\1/p' "$dir/stats1")
for k in $(seq 2 "$runs"); do
    nk=$(sed -n 's/^turtles: \([0-9]*\) instructions.*/\1/p' "$dir/stats$k")
    [ -n "$n1" ] && [ "$n1" = "$nk" ] || fail "instruction counts differ: $n1 vs $nk"
    cmp -s "$dir/serial1" "$dir/serial$k" || { diff "$dir/serial1" "$dir/serial$k" | head; fail "serial output differs"; }
done
echo "PASS kvm-l$((depth + 1)): L$((depth + 1)) marker under KVM nested $depth deep, $runs run(s) of $n1 instructions"
