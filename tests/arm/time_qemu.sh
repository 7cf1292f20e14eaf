#!/bin/bash
# Wall and CPU time of an ELF on qemu-system-arm (mps2-an500, semihosting): the ceiling
# the Arm ISS's host speed is compared with (qemu translates to host code, no timing).
#   tests/arm/time_qemu.sh program.elf
set -eu
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not installed"; exit 0; }
TIMEFORMAT="qemu-system-arm mps2-an500: %R s wall, %U s user + %S s system CPU"
time qemu-system-arm -M mps2-an500 -display none -monitor none -serial none \
    -chardev stdio,id=con -semihosting-config enable=on,chardev=con -kernel "$1" >/dev/null
