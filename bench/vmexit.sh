#!/usr/bin/env bash
# VM-exit round trips: a guest executes CPUID in a loop and every CPUID exits to a tiny host that
# resumes it. turtles runs the VMX version (bench/vmexit.asm); QEMU TCG, which emulates SVM but
# not VMX, runs the SVM version (bench/svmexit.asm) of the same loop. Medians of RUNS runs,
# round trips per second and the ratio. A benchmark, not a test.
# Usage: bench/vmexit.sh [ROUND_TRIPS] [RUNS]     (default 1000000 round trips, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
iters=${1:-1000000}
runs=${2:-3}
scripts/setup.sh build >/dev/null
command -v qemu-system-x86_64 >/dev/null || {
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
}
out=build/bench
mkdir -p "$out"
nasm -f bin -I tests/guest/include -DITER="$iters" bench/vmexit.asm -o "$out/vmexit.bin"
nasm -f bin -I tests/guest/include -DITER="$iters" bench/svmexit.asm -o "$out/svmexit.bin"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # expected-output command... -> seconds, or "fail"
    local want=$1 t0 t1 o
    shift
    t0=$(date +%s.%N)
    o=$("$@" 2>&1 || true)
    t1=$(date +%s.%N)
    if grep -q "$want" <<<"$o"; then echo "$t1 - $t0" | bc -l; else echo fail; fi
}
t_turtles=$(for r in $(seq "$runs"); do
    timeit "PASS vmexit" build/turtles -m 64 -bios "$out/vmexit.bin" -nographic; done | median)
t_qemu=$(for r in $(seq "$runs"); do
    timeit "PASS svmexit" qemu-system-x86_64 -accel tcg -cpu max -m 64 -nodefaults -display none \
        -bios "$out/svmexit.bin" -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon stdio
done | median)
rate() { [ "$1" = fail ] && echo n/a || echo "scale=0; $iters / $1" | bc -l; }
echo "VM-exit round trips (CPUID in the guest), $iters per run, median of $runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-36s %10s s %12s round trips/s\n" "turtles (VMX)" "$t_turtles" "$(rate "$t_turtles")"
printf "%-36s %10s s %12s round trips/s\n" "qemu-system-x86_64 TCG (SVM)" "$t_qemu" "$(rate "$t_qemu")"
if [ "$t_turtles" != fail ] && [ "$t_qemu" != fail ]; then
    printf "turtles is %.1fx QEMU TCG's rate\n" "$(echo "$t_qemu / $t_turtles" | bc -l)"
fi
