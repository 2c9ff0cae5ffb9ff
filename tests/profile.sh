#!/usr/bin/env bash
# -d profile samples the block that is running at each sample point (tests/profile.asm: a block
# of 30 instructions, then a block of one, in a loop): the long block's address must get at
# least 90% of the samples, the short block the rest. Usage: profile.sh TURTLES IMAGE
set -u
turtles=$1 image=$2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$turtles" -bios "$image" -nographic -max-insns 4000000 -d profile -D "$log"
status=$?
[ "$status" -eq 124 ] || { echo "FAIL: exit status $status, want 124 (-max-insns)"; exit 1; }
cat "$log"
rows=$(sed -n 's/^profile: \([0-9a-f]\{16\}\) *\([0-9]*\) *\([0-9.]*\)%$/\1 \3/p' "$log")
read -r rip share <<<"$(head -1 <<<"$rows")"
# the short block follows the long one, 31 bytes on (29 one-byte INCs and a two-byte JMP)
short=$(printf '%016x' $((0x$rip + 31)))
grep -q "^$short " <<<"$rows" || { echo "FAIL: hottest RIP $rip is not the long block (no samples at $short)"; exit 1; }
awk -v s="$share" 'BEGIN { exit !(s >= 90) }' || { echo "FAIL: long block has $share% of the samples"; exit 1; }
echo "PASS profile: the long block has $share% of the samples"
