#!/usr/bin/env bash
# Determinism: the same image run twice must print the same output and retire the same number of
# instructions. Usage: determinism.sh TURTLES IMAGE
set -u
turtles=$1 image=$2
run() { "$turtles" -bios "$image" -nographic -d stats 2>&1; }
a=$(run) b=$(run)
count() { sed -n 's/^turtles: \([0-9]*\) instructions.*/\1/p' <<<"$1"; }
body() { grep -v '^turtles: [0-9]* instructions' <<<"$1"; }
ca=$(count "$a") cb=$(count "$b")
if [ -z "$ca" ] || [ "$ca" != "$cb" ]; then echo "instruction counts differ: '$ca' vs '$cb'"; exit 1; fi
if [ "$(body "$a")" != "$(body "$b")" ]; then echo "outputs differ"; diff <(body "$a") <(body "$b") | head; exit 1; fi
echo "deterministic: $ca instructions, $(body "$a" | wc -l) output lines, identical twice"
