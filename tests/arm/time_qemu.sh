#!/bin/sh
# Wall time of an ELF on qemu-system-arm (mps2-an500, semihosting): the ceiling the Arm
# ISS's host speed is compared with (qemu translates to host code and has no timing).
#   tests/arm/time_qemu.sh program.elf
set -eu
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not installed"; exit 0; }
start=$(date +%s.%N)
qemu-system-arm -M mps2-an500 -display none -monitor none -serial none -chardev stdio,id=con -semihosting-config enable=on,chardev=con -kernel "$1" >/dev/null
end=$(date +%s.%N)
echo "qemu-system-arm mps2-an500: $(echo "$end - $start" | bc) s wall time"
