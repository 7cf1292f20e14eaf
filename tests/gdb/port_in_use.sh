#!/bin/bash
# --gdb on a port that is taken (by a first vitsim waiting for gdb), or not a port:
# one line, exit 110.
set -u
vitsim=$1 program=$2
work=$(mktemp -d)
trap 'kill "$first" 2>/dev/null; rm -rf "$work"' EXIT
timeout 60 "$vitsim" elf "$program" --soc gap9 --gdb 0 >/dev/null 2>"$work/first" &
first=$!
port=
for _ in $(seq 200); do
    port=$(sed -n 's/^vitsim: waiting for gdb on localhost:\([0-9]\{1,5\}\)$/\1/p' "$work/first")
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "FAIL: the first vitsim printed no port"; exit 1; }
timeout 60 "$vitsim" elf "$program" --soc gap9 --gdb "$port" >/dev/null 2>"$work/second"
status=$?
cat "$work/second"
[ "$status" = 110 ] || { echo "FAIL: exit $status, expected 110"; exit 1; }
[ "$(wc -l < "$work/second")" = 1 ] || { echo "FAIL: expected one line on stderr"; exit 1; }
grep -q "^vitsim: --gdb: cannot listen on localhost:$port: " "$work/second" || { echo "FAIL: message"; exit 1; }
for bad in abc 65536 -1; do
    timeout 60 "$vitsim" elf "$program" --soc gap9 --gdb "$bad" >/dev/null 2>"$work/bad"
    status=$?
    [ "$status" = 110 ] && [ "$(wc -l < "$work/bad")" = 1 ] || { echo "FAIL: --gdb $bad: exit $status"; cat "$work/bad"; exit 1; }
done
echo ok
