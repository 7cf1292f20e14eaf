#!/usr/bin/env python3
"""Ctrl-C and kill against `vitsim elf PROGRAM --gdb 0`, speaking the remote protocol
directly (gdb -batch cannot send Ctrl-C): continue, interrupt after a moment, read the
registers, kill. vitsim must stop with SIGINT, then exit 137 saying it was killed.
    interrupt.py VITSIM PROGRAM SOC"""
import re
import socket
import subprocess
import sys
import time

vitsim, program, soc = sys.argv[1:4]
sim = subprocess.Popen([vitsim, "elf", program, "--soc", soc, "--gdb", "0"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
try:
    line = sim.stderr.readline()
    match = re.fullmatch(r"vitsim: waiting for gdb on localhost:(\d+)\n", line)
    if not match:
        sys.exit(f"FAIL: first line on stderr: {line!r}")
    link = socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=30)

    def send(payload):
        link.sendall(b"$%s#%02x" % (payload, sum(payload) & 0xFF))

    def reply():
        data = b""
        while not re.search(rb"\$([^#]*)#[0-9a-f]{2}", data):
            chunk = link.recv(4096)
            if not chunk:
                sys.exit("FAIL: connection closed")
            data += chunk
        return re.search(rb"\$([^#]*)#", data).group(1)

    send(b"QStartNoAckMode")
    answer = reply()
    if answer != b"OK":
        sys.exit(f"FAIL: QStartNoAckMode answered {answer!r}")
    send(b"?")
    assert reply().startswith(b"T05"), "starts stopped"
    send(b"c")
    time.sleep(0.3)
    link.sendall(b"\x03")
    stop = reply()
    if not stop.startswith(b"T02"):
        sys.exit(f"FAIL: expected a SIGINT stop reply, got {stop!r}")
    send(b"g")
    registers = reply()
    if not re.fullmatch(rb"(?:[0-9a-f]{8})+", registers):
        sys.exit(f"FAIL: registers {registers!r}")
    send(b"k")
    link.close()
    status = sim.wait(timeout=60)
    err = sim.stderr.read()
    if status != 137 or "vitsim: killed by the debugger" not in err:
        sys.exit(f"FAIL: exit {status}, stderr {err!r}")
    print(f"ok: stopped with {stop.decode()}, {len(registers) // 8} registers, exit {status}")
finally:
    if sim.poll() is None:
        sim.kill()
