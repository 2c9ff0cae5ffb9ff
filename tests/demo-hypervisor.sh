#!/usr/bin/env bash
# The example hypervisor (images/demo/hypervisor.asm) runs its guest to the end: the guest's
# greeting reaches the debug console through I/O exits, the CPUID answer comes from the
# hypervisor, and -d vmx shows the exits by name.
# Usage: demo-hypervisor.sh TURTLES IMAGE
set -u
out=$("$1" -m 64 -bios "$2" -nographic -d vmx 2>&1)
status=$?
fail() { echo "$out" | tail -20; echo "FAIL: $1"; exit 1; }
[ "$status" -eq 1 ] || fail "exit status $status (expected 1: debug exit with value 0)"
grep -q "my CPU vendor is TurtlesHV!!!" <<<"$out" || fail "guest output or CPUID answer missing"
grep -q "VMX exit: I/O instruction (30) qual=0x3f80000: out port 0x3f8 size 1" <<<"$out" || fail "no decoded I/O exit"
grep -q "VMX exit: CPUID (10)" <<<"$out" || fail "no CPUID exit"
grep -q "VMX exit: HLT (12)" <<<"$out" || fail "no HLT exit"
echo "PASS demo-hypervisor"
