#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Validate the reference guest under Debian's QEMU (TCG, no KVM) and time it.
#   images/check-qemu.sh [--runs N] [--no-shell]
# Builds (or reuses) the guest and the ISO, then for each of
#   kernel:  qemu ... -kernel vmlinuz -initrd initrd.img -append "console=ttyS0 panic=-1"
#   cdrom:   qemu ... -cdrom turtles-guest.iso
# boots N times (default 3), requires TURTLES-GUEST-OK, the power-off and a
# zero exit, and prints the median wall time. Unless --no-shell, also boots
# with turtles.shell=1 and runs one command in the guest shell.
# Stdout: KEY=VALUE lines (KERNEL_BOOT_S=, KERNEL_BOOT_S_CPU=, CDROM_BOOT_S=,
# CDROM_BOOT_S_CPU=, SHELL=ok): median wall and QEMU CPU seconds.
# Logs of the last run of each: $CACHE_DIR/logs/. Exit status 0 iff all passed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_cache_dir

RUNS=3 SHELLTEST=1
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --no-shell) SHELLTEST=0; shift ;;
        *) die "usage: $0 [--runs N] [--no-shell]" ;;
    esac
done
TIMEOUT=${TURTLES_QEMU_TIMEOUT:-600}

ensure_pkgs qemu-system-x86
OUTS=$("$IMAGES_SRC/build-cd.sh")
KERNEL=$(sed -n 's/^KERNEL=//p' <<<"$OUTS")
INITRD=$(sed -n 's/^INITRD=//p' <<<"$OUTS")
ISO=$(sed -n 's/^ISO=//p' <<<"$OUTS")
LOGS="$CACHE_DIR/logs"; mkdir -p "$LOGS"

QEMU=(qemu-system-x86_64 -accel tcg -m 256 -nographic -no-reboot)
CMDLINE="console=ttyS0 panic=-1"

# boot NAME ARGS... : one boot, sets $ELAPSED (wall s) and $CPU (user+sys s
# of QEMU, less sensitive to a busy host); fails unless the guest passed.
boot() {
    local name=$1 log="$LOGS/$1.log" tf rc=0 TIMEFORMAT='%R %U %S'; shift
    tf=$(mktemp)
    { time timeout "$TIMEOUT" "${QEMU[@]}" "$@" </dev/null >"$log" 2>&1 || rc=$?; } 2>"$tf"
    read -r ELAPSED CPU < <(awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$tf")
    rm -f "$tf"
    if [ $rc -ne 0 ] || ! grep -aq '^TURTLES-GUEST-OK' "$log" \
       || ! grep -aq 'reboot: Power down' "$log"; then
        log "$name: FAILED (qemu exit $rc, ${ELAPSED}s); log: $log"
        tail -n 20 "$log" >&2
        return 1
    fi
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

FAIL=0
measure() {
    local key=$1 name=$2 times=() cpus=() n; shift 2
    for ((n = 1; n <= RUNS; n++)); do
        boot "$name" "$@" || { FAIL=1; return 0; }
        times+=("$ELAPSED"); cpus+=("$CPU")
        log "$name run $n: ${ELAPSED}s wall, ${CPU}s cpu"
    done
    printf '%s=%s\n%s_CPU=%s\n' "$key" "$(median "${times[@]}")" "$key" "$(median "${cpus[@]}")"
}

measure KERNEL_BOOT_S kernel -kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE"
measure CDROM_BOOT_S cdrom -cdrom "$ISO"

# Interactive shell: wait for the shell banner, type a command, then exit.
if [ $SHELLTEST -eq 1 ]; then
    log="$LOGS/shell.log"; fifo=$(mktemp -u "$LOGS/.in.XXXXXX"); mkfifo "$fifo"
    timeout "$TIMEOUT" "${QEMU[@]}" -kernel "$KERNEL" -initrd "$INITRD" \
        -append "$CMDLINE turtles.shell=1" <"$fifo" >"$log" 2>&1 &
    qpid=$!
    exec 9>"$fifo"
    for ((n = 0; n < TIMEOUT * 2; n++)); do
        grep -aq 'turtles guest shell' "$log" && break
        kill -0 $qpid 2>/dev/null || break
        sleep 0.5
    done
    sleep 2   # let the shell open the tty before typing
    # shellcheck disable=SC2016  # $((6*7)) is for the guest's shell
    printf 'echo SHELL-$((6*7))\nexit\n' >&9
    rc=0; wait $qpid || rc=$?
    exec 9>&-; rm -f "$fifo"
    if [ $rc -eq 0 ] && grep -aq '^SHELL-42' "$log" && grep -aq 'reboot: Power down' "$log"; then
        echo "SHELL=ok"
    else
        log "shell: FAILED (qemu exit $rc); log: $log"; tail -n 20 "$log" >&2; FAIL=1
    fi
fi
exit $FAIL
