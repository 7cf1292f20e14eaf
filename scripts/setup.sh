#!/bin/sh
# Installs the Debian 12 packages vitsim's build needs, when they are missing.
# Idempotent: installed packages are left alone, and `apt-get update` runs at
# most once (only when something has to be installed). Run as root (or with
# sudo available).
#   scripts/setup.sh            install what is missing
#   scripts/setup.sh --check    only report; exit 1 when something is missing
set -eu

PACKAGES="
cmake
make
g++
pkg-config
libsystemc-dev
libboost-dev
libboost-program-options-dev
libboost-filesystem-dev
gnuplot-nox
nlohmann-json3-dev
libgtest-dev
verilator
gtkwave
gcc-riscv64-unknown-elf
picolibc-riscv64-unknown-elf
clang-14
libclang-rt-14-dev
gcc-arm-none-eabi
binutils-arm-none-eabi
picolibc-arm-none-eabi
qemu-system-arm
gdb-multiarch
zlib1g-dev
python3-numpy
python3-onnx
python3-torch
python3-sklearn
"

check_only=no
case "${1:-}" in
    "") ;;
    --check) check_only=yes ;;
    *) echo "scripts/setup.sh: unknown option '$1' (use --check or nothing)" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "scripts/setup.sh: dpkg-query not found; this script supports Debian/Ubuntu only" >&2
    exit 2
fi

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "scripts/setup.sh: all build packages are installed"
    exit 0
fi
echo "scripts/setup.sh: missing:$missing"
if [ "$check_only" = yes ]; then
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "scripts/setup.sh: run as root (or install sudo) to install:$missing" >&2
    exit 2
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
# shellcheck disable=SC2086  # word splitting of the package list is intended
$sudo apt-get install -y --no-install-recommends $missing
echo "scripts/setup.sh: installed:$missing"
