#!/usr/bin/env bash
# The main job: set everything up, build turtles and the reference guest (Debian's kernel and a
# busybox initramfs, from Debian packages), and boot it to a shell on the serial console.
# Type commands at the prompt; `poweroff -f` (or Ctrl-A x) ends the run.
#   --marker   boot to the marker line and power off instead of starting a shell
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
vars=$(images/build-linux-guest.sh)
kernel=$(sed -n 's/^KERNEL=//p' <<<"$vars")
initrd=$(sed -n 's/^INITRD=//p' <<<"$vars")
append="console=ttyS0 panic=-1 turtles.shell=1"
[ "${1:-}" = "--marker" ] && append="console=ttyS0 panic=-1"
echo "booting $kernel (Ctrl-A x quits)"
exec build/turtles -m 256 -kernel "$kernel" -initrd "$initrd" -append "$append" -nographic -d stats
