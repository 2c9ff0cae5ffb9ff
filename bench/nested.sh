#!/usr/bin/env bash
# Nested boot benchmark: the KVM host guest of images/build-kvm-guest.sh (L1: Debian's kernel,
# kvm + kvm_intel or kvm_amd with nested=1, Debian's qemu-system-x86_64 -accel kvm) booting the
# reference guest as L2 (depth 1), or booting the depth-1 image as L2 which boots L3 (depth 2),
# under turtles (VMX, -cpu corei7), under QEMU TCG (SVM; QEMU has no VMX) and, when asked, under
# Debian's Bochs (VMX, from a GRUB CD of the same kernel and initramfs: Bochs has no direct
# kernel boot), side by side.
# For every run the script timestamps, in the serial output, the line with which L1 starts its
# guest, the innermost marker TURTLES-GUEST-OK, and the emulator's exit (L1 powers off through
# ACPI), and prints the medians of RUNS runs and the ratios to turtles. A benchmark, not a test:
# it prints numbers and never fails because an emulator is slow or cannot boot a configuration
# (that is reported as n/a).
#
# Usage: bench/nested.sh [RUNS]          (default 3 runs per configuration)
# Environment:
#   NESTED_ONLY="LIST"      configurations to run, space separated, from:
#                           turtles-l2 qemu-l2 turtles-l3 qemu-l3 bochs-l2 bochs-l3
#                           (default: turtles-l2 qemu-l2; an L3 run takes 1 to 3 minutes on
#                           turtles or QEMU; Bochs takes 10 minutes or more for L2)
#   NESTED_TIMEOUT=SECONDS  limit per run (default 900 for L2, 3600 for L3, four times that for
#                           Bochs); a run that hits it is killed and counts as failed
#   NESTED_QEMU_CPU=MODEL   QEMU's CPU model (default EPYC: SVM with NPT under TCG)
# Output: the table on stdout and in build/bench/results-nested.txt; every run's serial output
# and stderr in build/bench/nested-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
only=${NESTED_ONLY:-turtles-l2 qemu-l2}
qemu_cpu=${NESTED_QEMU_CPU:-EPYC}
marker=TURTLES-GUEST-OK
# The command line of tests/boot/kvm-l2.sh (every level inherits it; see there); set
# NESTED_APPEND to measure another, e.g. "console=ttyS0 panic=-1" with the crypto self-tests.
append=${NESTED_APPEND:-console=ttyS0 panic=-1 cryptomgr.notests}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
ALL="turtles-l2 qemu-l2 bochs-l2 turtles-l3 qemu-l3 bochs-l3"
for name in $only; do
    grep -qw -- "$name" <<<"$ALL" || { echo "bench: unknown configuration $name (from: $ALL)" >&2; exit 1; }
done

command -v qemu-system-x86_64 >/dev/null || {
    echo "bench: installing qemu-system-x86" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
scripts/setup.sh build >/dev/null

out=build/bench
logs=$out/nested-logs
mkdir -p "$logs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The image of each depth that is asked for: KERNEL, INITRD and the memory as tests/boot/kvm-l2.sh
# gives it (L1 holds its compressed and unpacked initramfs plus the inner guest's RAM).
declare -A KERNEL INITRD MEM ISO
for d in 1 2; do
    grep -qw "l$((d + 1))" <<<"${only//-/ }" || continue
    vars=$(images/build-kvm-guest.sh --depth "$d" 2>"$logs/image-d$d.log") \
        || { echo "bench: images/build-kvm-guest.sh --depth $d failed (see $logs/image-d$d.log)" >&2; exit 1; }
    KERNEL[$d]=$(sed -n 's/^VMLINUX=//p' <<<"$vars")  # PVH entry: no xz decompressor
    INITRD[$d]=$(sed -n 's/^INITRD=//p' <<<"$vars")
    MEM[$d]=$(( 512 + $(sed -n 's/^GUEST_MEM=//p' <<<"$vars") * 2 ))
    if grep -qw "bochs-l$((d + 1))" <<<"$only"; then
        ISO[$d]=$(images/build-cd.sh --kvm-guest "$d" --append "$append" 2>"$logs/cd-d$d.log" \
            | sed -n 's/^ISO=//p') \
            || { echo "bench: images/build-cd.sh --kvm-guest $d failed (see $logs/cd-d$d.log)" >&2; exit 1; }
    fi
done
if grep -qw "bochs-l[23]" <<<"$only" && { ! command -v bochs >/dev/null \
        || [ ! -f /usr/share/bochs/BIOS-bochs-latest ] || [ ! -f /usr/share/vgabios/vgabios.bin ]; }; then
    echo "bench: installing bochs bochsbios vgabios" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq --no-install-recommends bochs bochsbios vgabios >/dev/null
fi

# Bochs' configuration for a depth-d CD, as bench/boot.sh's (see there for ips and the display)
# with a CPU model that has VMX with EPT, VPID and unrestricted guest.
bochsrc() { # depth file
    cat >"$2" <<EOF
# written by bench/nested.sh
megs: ${MEM[$1]}
cpu: model=corei7_sandy_bridge_2600k, ips=50000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
display_library: rfb, options="timeout=0"
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path="${ISO[$1]}", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$tmp/serial.txt
speaker: enabled=0
sound: driver=dummy
log: $tmp/bochs.log
panic: action=fatal
error: action=ignore
info: action=ignore
EOF
}

# run_config NAME RUN -> "L1START L2START MARKER EXIT RC INSNS MIPS" (times in seconds from the
# start, "-" for what did not happen; L2START only at depth 2; INSNS and MIPS only for turtles)
run_config() {
    local name=$1 r=$2 log=$logs/$1.$2 d serial res insns=- mips=- limit
    d=$(( ${name##*-l} - 1 ))
    serial=$tmp/serial.txt
    limit=${NESTED_TIMEOUT:-$((d == 1 ? 900 : 3600))}
    case $name in bochs-*) limit=${NESTED_TIMEOUT:-$((d == 1 ? 3600 : 14400))} ;; esac
    local watch=("$PY" bench/watch-serial.py "$serial" "$log" "$limit"
        "TURTLES-L1: /dev/kvm present; starting the L2 guest"
        "TURTLES-L2: /dev/kvm present; starting the L3 guest" "$marker" --)
    case $name in
    turtles-*)
        res=$("${watch[@]}" build/turtles -m "${MEM[$d]}" -kernel "${KERNEL[$d]}" \
            -initrd "${INITRD[$d]}" -append "$append" -nographic -no-reboot \
            -serial "file:$serial" -d stats)
        insns=$(sed -n 's/^turtles: \([0-9]*\) instructions.*/\1/p' "$log.stderr")
        mips=$(sed -n 's/^turtles: [0-9]* instructions in .* s (\([0-9.]*\) MIPS).*/\1/p' "$log.stderr")
        ;;
    qemu-*)
        res=$("${watch[@]}" qemu-system-x86_64 -accel tcg -cpu "$qemu_cpu" -m "${MEM[$d]}" \
            -kernel "${KERNEL[$d]}" -initrd "${INITRD[$d]}" -append "$append" -nographic \
            -no-reboot -serial "file:$serial" -monitor none)
        ;;
    bochs-*)
        # Debian builds the debugger in: Bochs waits at its prompt until 'c' (here from -rc)
        bochsrc "$d" "$tmp/bochsrc"
        echo c >"$tmp/bochs-cmds"
        res=$("${watch[@]}" bochs -q -f "$tmp/bochsrc" -rc "$tmp/bochs-cmds")
        # Bochs exits with status 1 on every exit, the guest's ACPI power-off included
        if [ "${res##* }" = 1 ] && grep -q "ACPI control: soft power off" "$log.stderr"; then
            res="${res% *} 0"
        fi
        ;;
    esac
    echo "$res ${insns:--} ${mips:--}"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
ratio() { # a b -> a/b or n/a
    if [ "$1" = - ] || [ "$2" = - ]; then echo n/a; else printf "%.2f\n" "$(echo "$1 / $2" | bc -l)"; fi
}
fmt() { if [ "$1" = - ]; then echo n/a; else printf "%.1f s" "$1"; fi; }
diff_s() { if [ "$1" = - ] || [ "$2" = - ]; then echo -; else echo "$2 - $1" | bc -l; fi; }

label() {
    case $1 in
    turtles-l2) echo "turtles (VMX), L2" ;;
    qemu-l2)    echo "QEMU TCG (SVM), L2" ;;
    bochs-l2)   echo "Bochs (VMX, CD), L2" ;;
    turtles-l3) echo "turtles (VMX), L3" ;;
    qemu-l3)    echo "QEMU TCG (SVM), L3" ;;
    bochs-l3)   echo "Bochs (VMX, CD), L3" ;;
    esac
}

declare -A MARK INNER OWN EXIT MIPS INSNS NOTE
for name in $ALL; do
    MARK[$name]=-; INNER[$name]=-; OWN[$name]=-; EXIT[$name]=-; MIPS[$name]=-; INSNS[$name]=-
    NOTE[$name]=""
    grep -qw -- "$name" <<<"$only" || { NOTE[$name]="not run"; continue; }
    : >"$tmp/m"; : >"$tmp/i"; : >"$tmp/o"; : >"$tmp/e"; : >"$tmp/s"; : >"$tmp/n"; fails=0
    for r in $(seq "$runs"); do
        read -r t1 t2 m e rc insns mips < <(run_config "$name" "$r")
        inner=$(diff_s "$t1" "$m")
        # The innermost guest's own boot: from the line with which its host starts it.
        case $name in *-l2) own=$inner ;; *) own=$(diff_s "$t2" "$m") ;; esac
        echo "bench: $name run $r: L1 starts L2 at ${t1} s, marker ${m} s (inner boot ${inner} s," \
             "innermost ${own} s), exit ${e} s, status $rc, instructions $insns, MIPS $mips" >&2
        if [ "$m" = - ] || [ "$inner" = - ]; then fails=$((fails + 1)); continue; fi
        echo "$m" >>"$tmp/m"; echo "$inner" >>"$tmp/i"; echo "$own" >>"$tmp/o"
        # The whole run counts only when the emulator exited by itself, with status 0.
        if [ "$rc" = 0 ]; then echo "$e" >>"$tmp/e"; fi
        if [ "$mips" != - ]; then echo "$mips" >>"$tmp/s"; echo "$insns" >>"$tmp/n"; fi
    done
    MARK[$name]=$(median <"$tmp/m"); INNER[$name]=$(median <"$tmp/i"); OWN[$name]=$(median <"$tmp/o")
    EXIT[$name]=$(median <"$tmp/e"); MIPS[$name]=$(median <"$tmp/s"); INSNS[$name]=$(median <"$tmp/n")
    [ "$fails" -eq 0 ] || NOTE[$name]="$fails of $runs runs without the marker"
done

ref() { echo "turtles-${1##*-}"; }
{
    echo "Nested boot benchmark ($(date -u +%Y-%m-%d\ %H:%M\ UTC), $(nproc) CPUs, load before: $load0)"
    echo "L1: Debian kernel + KVM (nested=1) + Debian QEMU -accel kvm -cpu host; innermost guest prints"
    echo "$marker; medians of $runs runs"
    echo
    printf "%-22s %10s %11s %10s %10s %6s %11s %11s\n" "configuration" "to marker" "inner boot" \
        "innermost" "to exit" "MIPS" "marker t/x" "inner t/x"
    for name in $ALL; do
        mips=${MIPS[$name]}; if [ "$mips" = - ]; then mips=""; fi
        case $name in
        turtles-*) rm=""; ri="" ;;
        *) if [ "${NOTE[$name]}" = "not run" ]; then rm=""; ri=""; else
           rm=$(ratio "${MARK[$(ref "$name")]}" "${MARK[$name]}")
           ri=$(ratio "${INNER[$(ref "$name")]}" "${INNER[$name]}"); fi ;;
        esac
        printf "%-22s %10s %11s %10s %10s %6s %11s %11s" "$(label "$name")" "$(fmt "${MARK[$name]}")" \
            "$(fmt "${INNER[$name]}")" "$(fmt "${OWN[$name]}")" "$(fmt "${EXIT[$name]}")" "$mips" "$rm" "$ri"
        if [ -n "${NOTE[$name]}" ]; then printf "  (%s)" "${NOTE[$name]}"; fi
        echo
    done
    echo
    echo "to marker: start of the emulator to $marker from the innermost guest. inner boot: from"
    echo "L1's 'TURTLES-L1: /dev/kvm present; starting the L2 guest' to the marker (everything L1's"
    echo "KVM and QEMU run). innermost: from the line with which the innermost guest's host starts"
    echo "it to the marker (at L2 the same as inner boot). to exit: the emulator's exit after L1's"
    echo "ACPI power-off. MIPS: turtles' -d stats (instructions / its run time)."
    echo "marker t/x, inner t/x: turtles' time divided by the row's emulator's (below 1: turtles is"
    echo "faster). Bochs boots a GRUB CD of the same kernel, initramfs and command line, so its"
    echo "'to marker' includes its BIOS and GRUB reading the initramfs; compare 'inner boot'."
    for name in turtles-l2 turtles-l3; do
        [ "${INSNS[$name]}" = - ] || echo "$(label "$name"): ${INSNS[$name]} instructions (median)."
    done
    # the issue's nesting measure: the innermost guest's own boot at depth 2 against depth 1
    for e in turtles qemu bochs; do
        r=$(ratio "${OWN[$e-l3]}" "${OWN[$e-l2]}")
        [ "$r" = n/a ] || echo "${e}: L3's own boot / L2's own boot (innermost columns) = $r"
    done
    echo "Kernel command line (L1's; every inner level inherits it): $append"
    echo "turtles: -cpu corei7 (default, VMX), kvm_intel nested=1."
    echo "QEMU: $(qemu-system-x86_64 --version | head -1 | sed 's/QEMU emulator version //'), -accel tcg -cpu $qemu_cpu, kvm_amd nested=1."
    if grep -qw "bochs-l[23]" <<<"$only"; then
        echo "Bochs: Debian's $(dpkg-query -W -f '${Version}' bochs 2>/dev/null) (bochs-bin, debugger built in), cpu"
        echo "corei7_sandy_bridge_2600k (VMX), ips=5e7, kvm_intel nested=1."
    fi
    echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/results-nested.txt"
