#!/usr/bin/env bash
# Boot benchmark: the reference Linux guest (images/build-linux-guest.sh, images/build-cd.sh)
# under turtles, QEMU TCG and Bochs, side by side. For every configuration the script starts
# the emulator, timestamps the moment TURTLES-GUEST-OK appears on the guest's serial port and
# the moment the emulator exits (the guest powers off through ACPI), and prints the medians of
# RUNS runs and their ratios to turtles. A benchmark, not a test: it prints numbers and never
# fails because an emulator is slow or cannot boot a configuration (that is reported as n/a).
#
# Usage: bench/boot.sh [RUNS]          (default 3 runs per configuration)
# Environment:
#   BOOT_TIMEOUT=SECONDS   limit per emulator run (default 600); a run that hits it is killed
#   BOOT_ONLY="LIST"       only these configurations, space separated, from:
#                          turtles-direct turtles-cd qemu-direct qemu-cd bochs-cd
# Output: the table on stdout and in build/bench/results-boot.txt; the serial output and
# stderr of every run in build/bench/boot-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
timeout_s=${BOOT_TIMEOUT:-600}
only=${BOOT_ONLY:-turtles-direct turtles-cd qemu-direct qemu-cd bochs-cd}
marker=TURTLES-GUEST-OK
mem=256
append="console=ttyS0 panic=-1"
load0=$(cut -d' ' -f1-3 /proc/loadavg)

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
command -v qemu-system-x86_64 >/dev/null || {
    echo "bench: installing qemu-system-x86" >&2
    $SUDO apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
}
if ! command -v bochs >/dev/null || [ ! -f /usr/share/bochs/BIOS-bochs-latest ] \
   || [ ! -f /usr/share/vgabios/vgabios.bin ]; then
    echo "bench: installing bochs bochsbios vgabios" >&2
    $SUDO apt-get install -y -qq --no-install-recommends bochs bochsbios vgabios >/dev/null
fi
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

scripts/setup.sh build >/dev/null
guest=$(images/build-linux-guest.sh)
kernel=$(sed -n 's/^KERNEL=//p' <<<"$guest")
initrd=$(sed -n 's/^INITRD=//p' <<<"$guest")
kver=$(sed -n 's/^KERNEL_VERSION=//p' <<<"$guest")
iso=$(images/build-cd.sh | sed -n 's/^ISO=//p')

out=build/bench
logs=$out/boot-logs
mkdir -p "$logs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- the runner -----------------------------------------------------------------------------
# run.py [--serial-file F] [--stdin TEXT] LOG TIMEOUT -- COMMAND...
# Starts COMMAND in its own session and watches the guest's serial output (its stdout, or the
# file F that the emulator writes). Prints "MARKER EXIT RC": seconds from the start to the
# marker ("-" if it never appeared) and to the emulator's exit, and the exit status (124 when
# the run hit TIMEOUT and was killed). The serial output goes to LOG.serial.
cat >"$tmp/run.py" <<'EOF'
import os, select, signal, subprocess, sys, time
args = sys.argv[1:]
serial_file = stdin_text = None
while args[0].startswith("--"):
    if args[0] == "--serial-file": serial_file = args[1]
    elif args[0] == "--stdin": stdin_text = args[1].encode().decode("unicode_escape").encode()
    args = args[2:]
log, timeout = args[0], float(args[1])
cmd = args[3:]
marker = os.environ["MARKER"].encode()
logf = open(log + ".serial", "wb")
errf = open(log + ".stderr", "wb")
if serial_file and os.path.exists(serial_file): os.unlink(serial_file)
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
                     stdout=errf if serial_file else subprocess.PIPE, stderr=errf,
                     start_new_session=True)
if stdin_text is not None:
    try:
        p.stdin.write(stdin_text); p.stdin.close()
    except OSError:
        pass
t_marker = None
seen = b""
def feed(data):
    global seen, t_marker
    logf.write(data)
    if t_marker is None:
        seen = (seen + data)[-(len(marker) + len(data)):]
        if marker in seen: t_marker = time.monotonic() - t0
        seen = seen[-len(marker):]
deadline = t0 + timeout
rc = None
if serial_file:
    f = None
    while True:
        if f is None and os.path.exists(serial_file): f = open(serial_file, "rb")
        if f is not None:
            data = f.read()
            if data: feed(data)
        rc = p.poll()
        if rc is not None:
            t_exit = time.monotonic() - t0
            if f is None and os.path.exists(serial_file): f = open(serial_file, "rb")
            if f is not None: feed(f.read())
            break
        if time.monotonic() > deadline: break
        time.sleep(0.02)
else:
    fd = p.stdout.fileno()
    while True:
        left = deadline - time.monotonic()
        if left <= 0: break
        r, _, _ = select.select([fd], [], [], min(left, 1.0))
        if r:
            data = os.read(fd, 65536)
            if not data:
                try:
                    rc = p.wait(timeout=max(0.0, deadline - time.monotonic()))
                    t_exit = time.monotonic() - t0
                except subprocess.TimeoutExpired:
                    pass
                break
            feed(data)
if rc is None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try: os.killpg(p.pid, sig)
        except ProcessLookupError: break
        try:
            p.wait(timeout=5); break
        except subprocess.TimeoutExpired:
            pass
    rc, t_exit = 124, time.monotonic() - t0
else:
    # Emulators may leave helpers behind in their session (none expected); reap them.
    try: os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError: pass
print("%s %.3f %d" % ("-" if t_marker is None else "%.3f" % t_marker, t_exit, rc))
EOF

# --- configurations ---------------------------------------------------------------------------
turtles_cd_args() { # prints turtles' CD-boot arguments, or nothing while it has no CD drive
    local help
    help=$(build/turtles -h 2>&1 || true)
    grep -q -- '-cdrom' <<<"$help" || return 0
    if grep -q -- '-boot' <<<"$help"; then echo "-cdrom $iso -boot d"; else echo "-cdrom $iso"; fi
}

bochsrc() { # the Bochs configuration for the CD: written to the temp dir
    cat >"$tmp/bochsrc" <<EOF
# written by bench/boot.sh
megs: $mem
# ips: instructions per guest second, Bochs' virtual clock (TSC, timers, UART line speed).
# The Bochs manual asks for about the host's emulation speed; Debian's bochs-bin runs some
# 50 MIPS here. With the default (4e6) Linux sees a 4 MHz CPU and reports soft lockups; with
# 1e9 (turtles' TSC rate) the console at 9600 baud costs ~1e6 instructions per character of
# busy-waiting (Bochs paces its UART; turtles' and QEMU's transmit at once).
cpu: model=corei5_lynnfield_750, ips=50000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
# Debian builds no 'nogui' display; the VNC display with timeout=0 waits for no client.
display_library: rfb, options="timeout=0"
pci: enabled=1, chipset=i440fx
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-slave: type=cdrom, path=$iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$tmp/bochs-com1.txt
# Debian's ALSA mixer thread aborts without a sound card: no sound at all.
speaker: enabled=0
sound: driver=dummy
log: $tmp/bochs.log
panic: action=fatal
error: action=ignore
info: action=ignore
debug: action=ignore
EOF
}

# run_config NAME RUN -> "MARKER EXIT RC MIPS" (MIPS "-" but for turtles)
run_config() {
    local name=$1 r=$2 log=$logs/$1.$2 res mips=-
    case $name in
    turtles-direct)
        res=$(MARKER=$marker $PY "$tmp/run.py" "$log" "$timeout_s" -- build/turtles -m $mem \
            -kernel "$kernel" -initrd "$initrd" -append "$append" -nographic -serial stdio -d stats) ;;
    turtles-cd)
        # shellcheck disable=SC2046
        res=$(MARKER=$marker $PY "$tmp/run.py" "$log" "$timeout_s" -- build/turtles -m $mem \
            $(turtles_cd_args) -nographic -serial stdio -d stats) ;;
    qemu-direct)
        res=$(MARKER=$marker $PY "$tmp/run.py" "$log" "$timeout_s" -- qemu-system-x86_64 \
            -accel tcg -cpu Nehalem -m $mem -display none -serial stdio -monitor none \
            -kernel "$kernel" -initrd "$initrd" -append "$append") ;;
    qemu-cd)
        res=$(MARKER=$marker $PY "$tmp/run.py" "$log" "$timeout_s" -- qemu-system-x86_64 \
            -accel tcg -cpu Nehalem -m $mem -display none -serial stdio -monitor none \
            -cdrom "$iso" -boot d) ;;
    bochs-cd)
        bochsrc
        # The debugger is compiled in: Bochs stops at its prompt first; 'c' continues.
        res=$(MARKER=$marker $PY "$tmp/run.py" --serial-file "$tmp/bochs-com1.txt" --stdin 'c\n' \
            "$log" "$timeout_s" -- bochs -q -f "$tmp/bochsrc") ;;
    esac
    case $name in turtles-*)
        mips=$(sed -n 's/^turtles: [0-9]* instructions in .* s (\([0-9.]*\) MIPS).*/\1/p' "$log.stderr")
        mips=${mips:--} ;;
    esac
    echo "$res $mips"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
ratio() { # a b -> a/b or n/a
    if [ "$1" = - ] || [ "$2" = - ]; then echo n/a; else printf "%.2f\n" "$(echo "$1 / $2" | bc -l)"; fi
}
fmt() { if [ "$1" = - ]; then echo n/a; else printf "%.1f s" "$1"; fi; }

label() {
    case $1 in
    turtles-direct) echo "turtles, direct kernel boot" ;;
    turtles-cd)     echo "turtles, CD (SeaBIOS+GRUB)" ;;
    qemu-direct)    echo "QEMU TCG, direct kernel boot" ;;
    qemu-cd)        echo "QEMU TCG, CD (SeaBIOS+GRUB)" ;;
    bochs-cd)       echo "Bochs, CD (Bochs BIOS+GRUB)" ;;
    esac
}

declare -A MARK EXIT MIPS NOTE
for name in turtles-direct turtles-cd qemu-direct qemu-cd bochs-cd; do
    MARK[$name]=-; EXIT[$name]=-; MIPS[$name]=-; NOTE[$name]=""
    grep -qw -- "$name" <<<"$only" || { NOTE[$name]="not run"; continue; }
    if [ "$name" = turtles-cd ] && [ -z "$(turtles_cd_args)" ]; then
        NOTE[$name]="turtles has no CD drive yet"; continue
    fi
    : >"$tmp/m"; : >"$tmp/e"; : >"$tmp/s"; fails=0
    for r in $(seq "$runs"); do
        read -r m e rc mips < <(run_config "$name" "$r")
        echo "bench: $name run $r: marker ${m} s, exit ${e} s, status $rc, MIPS $mips" >&2
        if [ "$m" = - ]; then fails=$((fails + 1)); continue; fi
        echo "$m" >>"$tmp/m"
        # Power-off counts only when the emulator exited by itself after the marker.
        if [ "$rc" != 124 ]; then echo "$e" >>"$tmp/e"; fi
        if [ "$mips" != - ]; then echo "$mips" >>"$tmp/s"; fi
    done
    MARK[$name]=$(median <"$tmp/m"); EXIT[$name]=$(median <"$tmp/e"); MIPS[$name]=$(median <"$tmp/s")
    [ "$fails" -eq 0 ] || NOTE[$name]="$fails of $runs runs without the marker (limit ${timeout_s} s)"
done

# The ratio column compares with turtles on the same boot path (direct or CD).
ref() { case $1 in *-direct) echo turtles-direct ;; *) echo turtles-cd ;; esac; }
{
    echo "Boot benchmark ($(date -u +%Y-%m-%d\ %H:%M\ UTC), $(nproc) CPUs, load before: $load0)"
    echo "guest: Debian kernel $kver + busybox initramfs, -m $mem, marker $marker; medians of $runs runs"
    echo
    printf "%-30s %12s %12s %11s %14s\n" "configuration" "to marker" "to power-off" "guest MIPS" "turtles/this"
    for name in turtles-direct turtles-cd qemu-direct qemu-cd bochs-cd; do
        mips=${MIPS[$name]}; if [ "$mips" = - ]; then mips=""; fi
        case $name in turtles-*) rat="" ;; *) rat=$(ratio "${MARK[$(ref "$name")]}" "${MARK[$name]}") ;; esac
        printf "%-30s %12s %12s %11s %14s" "$(label "$name")" "$(fmt "${MARK[$name]}")" \
            "$(fmt "${EXIT[$name]}")" "$mips" "$rat"
        if [ -n "${NOTE[$name]}" ]; then printf "  (%s)" "${NOTE[$name]}"; fi
        echo
    done
    echo
    echo "turtles/this: turtles' time to the marker divided by this emulator's, same boot path"
    echo "(direct or CD): how many times faster than turtles it is. Bochs against turtles' direct"
    echo "boot (a different path, only indicative): $(ratio "${MARK[turtles-direct]}" "${MARK[bochs-cd]}")."
    echo "Guest MIPS: turtles' own -d stats (instructions / its run time)."
    echo "QEMU: $(qemu-system-x86_64 --version | head -1 | sed 's/QEMU emulator version //'), -accel tcg -cpu Nehalem."
    echo "Bochs: Debian's $(dpkg-query -W -f '${Version}' bochs 2>/dev/null) (bochs-bin), cpu corei5_lynnfield_750,"
    echo "ips=5e7 (see the script). Debian builds Bochs with its debugger compiled in, which"
    echo "makes it slower than an optimized build (--disable-debugger and the speed options)."
    echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/results-boot.txt"
