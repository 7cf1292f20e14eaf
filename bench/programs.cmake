# Cross-built part of bench/ (included by firmware/target/CMakeLists.txt), RISC-V
# only (its SIMD section is Xvitsim; the Arm ISS has tests/arm/programs/bench.c):
# the full benchmark, and a short run of the same program for ctest.
# Its matrices and sort array take about 38 KB of static data: 64K of data memory.
vitsim_add_firmware(bench ARCH riscv SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench.c MIN_DATA_BYTES 65536)
vitsim_add_firmware(bench_small ARCH riscv SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench.c DEFINITIONS BENCH_REPEAT=1
  MIN_DATA_BYTES 65536)
