#!/usr/bin/env python3
"""Runs an Arm ELF on vitsim's ISS (arm_run --trace) and on qemu-system-arm (one
instruction per translation block, -d cpu) and prints the first instruction after which
the registers or NZCV differ, with the instructions before it: the quickest way to find
an ISS bug with qemu as the oracle.

    tests/arm/trace_diff.py build/tests/arm/arm_run program.elf [instructions]

qemu's trace is coarser in places: it runs an IT block as one translation block, and it
may take an asynchronous exception (PendSV, SysTick) an instruction later than vitsim
(both are allowed). When the two program counters differ, the tool looks up to 8
instructions ahead on either side for the same pc and goes on from there."""
import re
import subprocess
import sys
import tempfile


def qemu_states(path):
    out, cur = [], {}
    for line in open(path):
        for m in re.finditer(r"R(\d\d)=([0-9a-f]{8})", line):
            cur[int(m.group(1))] = int(m.group(2), 16)
        m = re.match(r"XPSR=([0-9a-f]{8})", line)
        if m and len(cur) == 16:
            out.append((cur[15], [cur[i] for i in range(15)], int(m.group(1), 16) >> 28))
            cur = {}
    return out


def iss_states(text):
    out = []
    for line in text.splitlines():
        p = line.split()
        if len(p) >= 18 and p[0].endswith(":") and p[16] == "xpsr":
            out.append((int(p[0][:-1], 16), [int(x, 16) for x in p[1:16]], int(p[17], 16) >> 28))
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    arm_run, elf = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    iss = subprocess.run([arm_run, "--m7", "--trace", str(steps), elf], capture_output=True, text=True).stderr
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        subprocess.run(["qemu-system-arm", "-M", "mps2-an500", "-display", "none", "-monitor", "none",
                        "-serial", "none", "-chardev", "null,id=con", "-semihosting-config",
                        "enable=on,chardev=con", "-singlestep", "-d", "cpu,nochain", "-D", log.name,
                        "-kernel", elf], capture_output=True, timeout=600)
        qemu = qemu_states(log.name)
    mine = iss_states(iss)
    i = j = compared = 0
    while i < len(qemu) and j < len(mine) and compared < steps:
        q, m = qemu[i], mine[j]
        if q[0] != m[0]:  # resynchronise on the pc
            ahead_mine = next((k for k in range(1, 9) if j + k < len(mine) and mine[j + k][0] == q[0]), None)
            ahead_qemu = next((k for k in range(1, 9) if i + k < len(qemu) and qemu[i + k][0] == m[0]), None)
            if ahead_mine is not None:
                j += ahead_mine
                continue
            if ahead_qemu is not None:
                i += ahead_qemu
                continue
        if q[0] != m[0] or q[1] != m[1] or (compared > 0 and q[2] != m[2]):
            print("first difference (qemu instruction %d, vitsim instruction %d):" % (i, j))
            for k in range(4, -1, -1):
                for who, trace, at in (("qemu  ", qemu, i - k), ("vitsim", mine, j - k)):
                    if at >= 0:
                        s = trace[at]
                        print(" %s pc %08x nzcv %x  %s" % (who, s[0], s[2], " ".join("%08x" % r for r in s[1])))
            sys.exit(1)
        i += 1
        j += 1
        compared += 1
    print("same registers and flags at %d common instructions" % compared)


if __name__ == "__main__":
    main()
