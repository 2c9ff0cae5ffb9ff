#!/usr/bin/env bash
# VM-exit round trips: a guest executes CPUID in a loop and every CPUID exits to a tiny host that
# resumes it. turtles runs the VMX version (bench/vmexit.asm); QEMU TCG, which emulates SVM but
# not VMX, runs the SVM version (bench/svmexit.asm) of the same loop. Debian's Bochs (built with
# VMX) runs the VMX version from its ROM slot and prints through its port E9h hack; it cannot
# power off, so its time is until "PASS vmexit" appears (bench/watch-serial.py --stop), startup
# included as for the others. Medians of RUNS runs, round trips per second and the ratios. A
# benchmark, not a test. BENCH_NO_BOCHS=1 leaves Bochs out.
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
use_bochs=1
[ "${BENCH_NO_BOCHS:-0}" = 1 ] && use_bochs=0
if [ $use_bochs = 1 ] && ! command -v bochs >/dev/null; then
    echo "bench: installing bochs vgabios" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq --no-install-recommends bochs vgabios >/dev/null || use_bochs=0
fi
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
t_bochs=fail
if [ $use_bochs = 1 ]; then
    cat >"$out/vmexit.bochsrc" <<EOF
# written by bench/vmexit.sh. Sandy Bridge: a Bochs model with VMX. ips: Bochs' virtual clock
# (unused by this guest), as in bench/boot.sh.
megs: 64
cpu: model=corei7_sandy_bridge_2600k, ips=50000000
romimage: file=$out/vmexit.bin
vgaromimage: file=/usr/share/vgabios/vgabios.bin
display_library: rfb, options="timeout=0"
port_e9_hack: enabled=1
speaker: enabled=0
sound: driver=dummy
log: $out/vmexit.bochs.log
panic: action=fatal
error: action=ignore
info: action=ignore
EOF
    echo c >"$out/vmexit.bochs-cmds" # Debian builds the debugger in: 'c' runs the guest
    PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
    t_bochs=$(for r in $(seq "$runs"); do
        read -r t _ rc < <("$PY" bench/watch-serial.py --stop "$out/vmexit.bochs.stderr" \
            "$out/vmexit.bochs" 600 "PASS vmexit" -- \
            bochs -q -f "$out/vmexit.bochsrc" -rc "$out/vmexit.bochs-cmds")
        if [ "$rc" = 0 ] && [ "$t" != - ]; then echo "$t"; else echo fail; fi
    done | median)
fi
rate() { [ "$1" = fail ] && echo n/a || echo "scale=0; $iters / $1" | bc -l; }
echo "VM-exit round trips (CPUID in the guest), $iters per run, median of $runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-36s %10s s %12s round trips/s\n" "turtles (VMX)" "$t_turtles" "$(rate "$t_turtles")"
printf "%-36s %10s s %12s round trips/s\n" "qemu-system-x86_64 TCG (SVM)" "$t_qemu" "$(rate "$t_qemu")"
[ $use_bochs = 1 ] && printf "%-36s %10s s %12s round trips/s\n" \
    "Bochs $(dpkg-query -W -f '${Version}' bochs 2>/dev/null) (VMX)" "$t_bochs" "$(rate "$t_bochs")"
if [ "$t_turtles" != fail ] && [ "$t_qemu" != fail ]; then
    printf "turtles is %.1fx QEMU TCG's rate\n" "$(echo "$t_qemu / $t_turtles" | bc -l)"
fi
if [ "$t_turtles" != fail ] && [ "$t_bochs" != fail ]; then
    printf "turtles is %.1fx Bochs' rate\n" "$(echo "$t_bochs / $t_turtles" | bc -l)"
fi
