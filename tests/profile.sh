#!/usr/bin/env bash
# -d profile samples the block that is running at each sample point (tests/profile.asm: a block
# of 30 instructions, then a block of one, in a loop): the long block's address must get at
# least 90% of the samples, the short block the rest. With VMX_IMAGE (tests/profilevmx.asm: a VMX
# guest loops 1.2e6 instructions, then its host 0.6e6), the guest's rows must be tagged "guest
# vpid N" (about two thirds of the samples) and the host's untagged (about one third).
# Usage: profile.sh TURTLES IMAGE [VMX_IMAGE]
set -u
turtles=$1 image=$2 vmx_image=${3:-}
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
echo "the long block has $share% of the samples"
if [ -n "$vmx_image" ]; then
    "$turtles" -bios "$vmx_image" -nographic -no-reboot -d profile -D "$log" >/dev/null
    status=$?
    [ "$status" -eq 1 ] || { echo "FAIL: $vmx_image: exit status $status, want 1 (PASS)"; exit 1; }
    cat "$log"
    # shares of the rows with and without the tag
    guest=$(awk '/^profile: [0-9a-f]+ / && / guest vpid [0-9]+$/ { s += $4 } END { print s + 0 }' "$log")
    host=$(awk '/^profile: [0-9a-f]+ / && $4 ~ /%$/ && NF == 4 { s += $4 } END { print s + 0 }' "$log")
    awk -v g="$guest" -v h="$host" 'BEGIN { exit !(g >= 55 && g <= 80 && h >= 25 && h <= 45) }' || {
        echo "FAIL: guest rows $guest%, host rows $host% (want about 67 and 33)"; exit 1; }
    echo "guest rows $guest%, host rows $host%"
fi
echo "PASS profile"
