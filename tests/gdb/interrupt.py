#!/usr/bin/env python3
"""Ctrl-C and kill against `vitsim elf PROGRAM --gdb 0`, speaking the remote protocol
directly (gdb -batch cannot send Ctrl-C): continue, interrupt after a moment, read the
registers, kill. vitsim must stop with SIGINT, then exit 137 saying it was killed.
With WORKER_FUNCTION (a function the cluster's workers run), a breakpoint there first
stops a worker; the Ctrl-C, sent while the workers run it, must stop one too.
    interrupt.py VITSIM PROGRAM SOC [WORKER_FUNCTION]"""
import re
import socket
import struct
import subprocess
import sys
import time

vitsim, program, soc = sys.argv[1:4]
worker_function = sys.argv[4] if len(sys.argv) > 4 else None


def symbol_address(elf_path, name):
    """The value of symbol `name` in a 32-bit little-endian ELF's .symtab."""
    elf = open(elf_path, "rb").read()
    shoff, = struct.unpack_from("<I", elf, 0x20)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x2E)
    sections = [struct.unpack_from("<IIIIIIIIII", elf, shoff + i * shentsize) for i in range(shnum)]
    for _, kind, _, _, offset, size, link, _, _, entsize in sections:
        if kind != 2:  # SHT_SYMTAB
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, entsize):
            name_at, value = struct.unpack_from("<II", elf, at)
            end = elf.index(b"\0", strings + name_at)
            if elf[strings + name_at:end].decode() == name:
                return value
    sys.exit(f"FAIL: no symbol {name} in {elf_path}")


def thread_of(stop):
    match = re.search(rb"thread:([0-9a-f]+);", stop)
    return int(match.group(1), 16) if match else None
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
    if worker_function:
        breakpoint = b"%x,2" % symbol_address(program, worker_function)
        send(b"Z0," + breakpoint)
        assert reply() == b"OK"
        send(b"vCont;c")
        hit = reply()
        if not hit.startswith(b"T05") or not thread_of(hit) or thread_of(hit) < 2:
            sys.exit(f"FAIL: expected a worker thread at {worker_function}, got {hit!r}")
        send(b"z0," + breakpoint)
        assert reply() == b"OK"
    send(b"c")
    time.sleep(0.3)
    link.sendall(b"\x03")
    stop = reply()
    if not stop.startswith(b"T02"):
        sys.exit(f"FAIL: expected a SIGINT stop reply, got {stop!r}")
    if worker_function and (not thread_of(stop) or thread_of(stop) < 2):
        sys.exit(f"FAIL: the workers were running, the stop names {stop!r}")
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
