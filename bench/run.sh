#!/usr/bin/env bash
# Guest MIPS of a tight 64-bit loop (bench/loop.asm): turtles vs QEMU TCG on the same image,
# medians of RUNS runs, printed with the ratio. A benchmark, not a test.
# Usage: bench/run.sh [ITERATIONS] [RUNS]     (default 400000000 iterations = 2e9 instructions, 3 runs)
# Bochs joins when the platform boots disk images (it needs a boot sector; see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
iters=${1:-400000000}
runs=${2:-3}
scripts/setup.sh build >/dev/null
command -v qemu-system-x86_64 >/dev/null || {
    echo "bench: installing qemu-system-x86"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
}
out=build/bench
mkdir -p "$out"
nasm -f bin -I tests/guest/include -DITER="$iters" bench/loop.asm -o "$out/loop.bin"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # command... -> seconds on stdout
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}

insns=$( (build/turtles -bios "$out/loop.bin" -d stats 2>&1 >/dev/null || true) | sed -n "s/^turtles: \([0-9]*\) instructions.*/\1/p")
echo "guest: bench/loop.asm, $insns instructions per run"

t_turtles=$(for r in $(seq "$runs"); do timeit build/turtles -bios "$out/loop.bin"; done | median)
t_qemu=$(for r in $(seq "$runs"); do
    timeit qemu-system-x86_64 -accel tcg -cpu max -m 128 -nodefaults -display none \
        -bios "$out/loop.bin" -device isa-debug-exit,iobase=0xf4,iosize=4 -debugcon file:/dev/null
done | median)

mips() { echo "scale=1; $insns / $1 / 1000000" | bc -l; }
printf "%-28s %8.2f s  %8s MIPS\n" "turtles" "$t_turtles" "$(mips "$t_turtles")"
printf "%-28s %8.2f s  %8s MIPS\n" "qemu-system-x86_64 (TCG)" "$t_qemu" "$(mips "$t_qemu")"
printf "ratio turtles/QEMU speed: %.2f\n" "$(echo "$t_qemu / $t_turtles" | bc -l)"
