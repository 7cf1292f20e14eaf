#!/bin/bash
# One scripted gdb session against `vitsim elf PROGRAM --soc SOC --gdb 0`.
#   session.sh VITSIM GDB PROGRAM SOC SCRIPT EXPECT WORKDIR [NETWORK]
# With NETWORK it is `vitsim run --net NETWORK --soc SOC --firmware PROGRAM` instead.
# EXPECT: the exit code vitsim must end with on its first line ("exit: N"), then one
# extended regular expression per line that gdb's output must match, in order. The
# program's console must equal that of a run without --gdb.
set -u
vitsim=$1 gdb=$2 program=$3 soc=$4 script=$5 expect=$6 work=$7 network=${8:-}
command=(elf "$program" --soc "$soc")
[ -n "$network" ] && command=(run --net "$network" --soc "$soc" --firmware "$program")
mkdir -p "$work"
rm -f "$work"/stdout "$work"/stderr "$work"/gdb.out

timeout 120 "$vitsim" "${command[@]}" --gdb 0 >"$work/stdout" 2>"$work/stderr" &
sim=$!

# The port vitsim chose, from its one line on stderr.
port=
for _ in $(seq 200); do
    port=$(sed -n 's/^vitsim: waiting for gdb on localhost:\([0-9]\{1,5\}\)$/\1/p' "$work/stderr")
    [ -n "$port" ] && break
    kill -0 "$sim" 2>/dev/null || break
    sleep 0.05
done
if [ -z "$port" ]; then
    echo "FAIL: vitsim did not say which port it listens on; its stderr:"
    cat "$work/stderr"
    kill "$sim" 2>/dev/null
    exit 1
fi

timeout 120 "$gdb" -nx -batch -ex "set pagination off" -ex "set confirm off" \
    -ex "file $program" -ex "target remote localhost:$port" -x "$script" >"$work/gdb.out" 2>&1
gdb_status=$?
wait "$sim"
sim_status=$?

echo "--- gdb (exit $gdb_status) ---"
cat "$work/gdb.out"
echo "--- vitsim stdout ---"
cat "$work/stdout"
echo "--- vitsim stderr (exit $sim_status) ---"
cat "$work/stderr"

fail=0
expected_exit=$(sed -n '1s/^exit: //p' "$expect")
if [ "$sim_status" != "$expected_exit" ]; then
    echo "FAIL: vitsim exited with $sim_status, expected $expected_exit"
    fail=1
fi
# The patterns in order: each must match a line after the previous one's.
line=0
while IFS= read -r pattern; do
    [ -z "$pattern" ] && continue
    found=$(tail -n +"$((line + 1))" "$work/gdb.out" | grep -n -E -m1 -- "$pattern" | cut -d: -f1)
    if [ -z "$found" ]; then
        echo "FAIL: no line matching '$pattern' after line $line of gdb's output"
        fail=1
        break
    fi
    line=$((line + found))
done < <(tail -n +2 "$expect")
# Debugging must not change the run: the console (the program's cycle counts, or
# run's per-layer table) equals that of a run without --gdb.
timeout 120 "$vitsim" "${command[@]}" >"$work/plain.stdout" 2>/dev/null
if ! cmp -s "$work/stdout" "$work/plain.stdout"; then
    echo "FAIL: the console differs from a run without --gdb:"
    diff "$work/plain.stdout" "$work/stdout"
    fail=1
fi
exit $fail
