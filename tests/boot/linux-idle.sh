#!/usr/bin/env bash
# Idle pacing (-icount sleep=on|off, ui/pace.c) on the reference guest's shell: with sleep=on a
# guest idling at its prompt for 4 s of wall time sees about 4 s pass and leaves the host CPU
# alone; with sleep=off it skips from timer to timer, so its clock runs far ahead and the
# emulator stays busy. Reads the guest's /proc/uptime and the emulator's CPU time around the
# idle period.
# Usage: linux-idle.sh TURTLES [SOURCE_DIR]
set -u
turtles=$1
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "${TURTLES_KERNEL:-}" ]; then
    vars=$("$src/images/build-linux-guest.sh" 2>/tmp/turtles-image-build.log) || {
        echo "SKIP: could not build the reference guest"; exit 77; }
    TURTLES_KERNEL=$(sed -n 's/^KERNEL=//p' <<<"$vars")
    TURTLES_INITRD=$(sed -n 's/^INITRD=//p' <<<"$vars")
fi
idle_s=4
tck=$(getconf CLK_TCK)
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $1"; tail -5 "$dir/out" 2>/dev/null; exit 1; }
wait_for() { # pattern seconds
    for _ in $(seq $(($2 * 10))); do
        grep -aq "$1" "$dir/out" && return 0
        # the emulator may have printed the pattern and exited since the grep just before
        kill -0 "$pid" 2>/dev/null || { grep -aq "$1" "$dir/out"; return; }
        sleep 0.1
    done
    return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# run SLEEP: boots, reads the guest's uptime before and after idle_s seconds at the prompt;
# sets up_delta (guest seconds, 2 decimals) and cpu_s (emulator CPU seconds) for that period
# (SLEEP "tty": no -icount, with the console on a pseudo-terminal made by script(1), where the
# default is to pace)
run() {
    rm -f "$dir/in" "$dir/out"
    mkfifo "$dir/in"
    local cmd=("$turtles" -m 256 -kernel "$TURTLES_KERNEL" -initrd "$TURTLES_INITRD"
        -append "console=ttyS0 panic=-1 turtles.shell=1" -nographic -max-insns 100000000000)
    if [ "$1" = tty ]; then
        script -q -e -c "$(printf '%q ' "${cmd[@]}")" /dev/null <"$dir/in" >"$dir/out" 2>&1 &
    else
        "${cmd[@]}" -icount "sleep=$1" <"$dir/in" >"$dir/out" 2>&1 &
    fi
    pid=$!
    exec 3>"$dir/in"
    wait_for '/ #' 300 || fail "sleep=$1: no shell prompt"
    printf 'echo U1 $(cut -d" " -f1 /proc/uptime)\n' >&3
    wait_for '^U1 [0-9]' 60 || fail "sleep=$1: no first uptime"
    local c0 c1 spid=$pid
    # under script(1), measure turtles itself (script's child)
    [ "$1" = tty ] && pid=$(pgrep -P "$spid" -f -- "-max-insns 100000000000" | head -1)
    c0=$(cpu_ticks)
    sleep "$idle_s"
    c1=$(cpu_ticks)
    pid=$spid
    printf 'echo U2 $(cut -d" " -f1 /proc/uptime)\n' >&3
    wait_for '^U2 [0-9]' 60 || fail "sleep=$1: no second uptime"
    printf 'poweroff -f\n' >&3
    wait_for 'reboot: Power down' 120 || fail "sleep=$1: no power-off"
    exec 3>&-
    wait "$pid"
    pid=
    local u1 u2
    u1=$(sed -n 's/^U1 \([0-9.]*\).*/\1/p' "$dir/out" | tr -d '\r')
    u2=$(sed -n 's/^U2 \([0-9.]*\).*/\1/p' "$dir/out" | tr -d '\r')
    up_delta=$(echo "$u2 - $u1" | bc -l)
    cpu_s=$(echo "($c1 - $c0) / $tck" | bc -l)
    printf 'sleep=%s: guest uptime %s -> %s (+%.2f s) over %d s of wall time; emulator CPU %.2f s\n' \
        "$1" "$u1" "$u2" "$up_delta" "$idle_s" "$cpu_s"
}
gt() { [ "$(echo "$1 > $2" | bc -l)" = 1 ]; }

run on
gt "$up_delta" $((idle_s - 1)) || fail "sleep=on: the guest saw only $up_delta s of $idle_s s idle"
gt "$up_delta" $((idle_s * 2)) && fail "sleep=on: the guest clock ran ahead ($up_delta s in $idle_s s)"
gt "$cpu_s" 1.0 && fail "sleep=on: the emulator used $cpu_s s of CPU while the guest idled"
on_delta=$up_delta
run off
gt "$up_delta" $((idle_s * 2)) || fail "sleep=off: guest time did not skip ahead ($up_delta s in $idle_s s)"
gt "$cpu_s" 1.2 || fail "sleep=off: the emulator used only $cpu_s s of CPU skipping guest time"
off_delta=$up_delta
if command -v script >/dev/null; then
    run tty
    gt "$up_delta" $((idle_s * 2)) && fail "on a terminal: the guest clock ran ahead ($up_delta s in $idle_s s)"
    gt "$cpu_s" 1.0 && fail "on a terminal: the emulator used $cpu_s s of CPU while the guest idled"
    tty_note=", a terminal paces by default (+$up_delta s)"
else
    tty_note=" (no script(1): the terminal default is not checked)"
fi
echo "PASS linux-idle: sleep=on follows the wall clock (+$on_delta s in $idle_s s), sleep=off skips (+$off_delta s)$tty_note"
