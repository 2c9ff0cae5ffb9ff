#!/usr/bin/env bash
# Builds turtles and the example hypervisor (images/demo/hypervisor.asm) and runs it with
# -d vmx, so every VM entry and exit is printed. See docs/vmx-walkthrough.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
mkdir -p build/demo
nasm -f bin -I tests/guest/include images/demo/hypervisor.asm -o build/demo/hypervisor.bin
status=0
build/turtles -m 64 -bios build/demo/hypervisor.bin -nographic -d vmx "$@" || status=$?
# the hypervisor ends through the debug-exit port with value 0: process status 1
[ "$status" -eq 1 ] && exit 0
echo "hypervisor demo: FAILED (status $status)"
exit 1
