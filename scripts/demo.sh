#!/usr/bin/env bash
# The main job: set everything up, build turtles and run the bundled demo guest (a bare-metal
# program that goes from the reset vector to 64-bit long mode and draws the Mandelbrot set).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
mkdir -p build/demo
nasm -f bin -I tests/guest/include images/demo/mandel.asm -o build/demo/mandel.bin
status=0
build/turtles -m 64 -bios build/demo/mandel.bin -nographic -d stats || status=$?
# the demo exits through the debug-exit port with value 0, which is process status 1
if [ "$status" -eq 1 ]; then echo "demo: OK"; exit 0; fi
echo "demo: FAILED (status $status)"; exit 1
