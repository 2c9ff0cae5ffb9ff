#!/usr/bin/env bash
# run-guest.sh EMU IMAGE [timeout-seconds]
#   EMU: "qemu" (QEMU TCG, -cpu max), "kvm" (QEMU KVM, -cpu host), or the
#        path of the turtles executable (run as: EMU -m 128 -bios IMAGE -nographic -no-reboot).
# Prints the guest's port-0xE9 output; exits 0 iff the emulator exited with
# status 1 (guest wrote 0 to port 0xF4) and the output has "PASS <name>",
# where <name> is the image file name without directory and extension.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 qemu|kvm|TURTLES IMAGE [timeout-seconds]" >&2
    exit 2
fi
emu=$1
img=$2
tmo=${3:-30}
name=$(basename "$img")
name=${name%.*}
[ -r "$img" ] || { echo "run-guest: cannot read image $img"; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

qemu_common=(-m 128 -bios "$img" -nodefaults -display none -no-reboot
    -chardev "file,id=dbgcon,path=$out" -device isa-debugcon,iobase=0xe9,chardev=dbgcon
    -device isa-debug-exit,iobase=0xf4,iosize=0x04)
case "$emu" in
qemu)
    timeout "$tmo" qemu-system-x86_64 -machine pc -accel tcg -cpu max "${qemu_common[@]}" </dev/null >/dev/null 2>"$out.err"
    st=$? ;;
kvm)
    timeout "$tmo" qemu-system-x86_64 -machine pc -accel kvm -cpu host "${qemu_common[@]}" </dev/null >/dev/null 2>"$out.err"
    st=$? ;;
*)
    timeout "$tmo" "$emu" -m 128 -bios "$img" -nographic -no-reboot </dev/null >"$out" 2>"$out.err"
    st=$? ;;
esac
cat "$out"
if [ -s "$out.err" ]; then sed 's/^/[stderr] /' "$out.err" | head -20; fi
rm -f "$out.err"
if [ $st -eq 124 ]; then
    echo "run-guest: $name: TIMEOUT after ${tmo}s"
    exit 1
fi
if [ $st -ne 1 ]; then
    echo "run-guest: $name: emulator exit status $st (guest value $(( (st-1)/2 )) if debug-exit; expected status 1)"
    exit 1
fi
if ! grep -q "^PASS $name\$" "$out"; then
    echo "run-guest: $name: status 1 but no 'PASS $name' line"
    exit 1
fi
exit 0
