# Cross-built part of bench/ (included by firmware/target/CMakeLists.txt):
# the full benchmark, and a short run of the same program for ctest.
vitsim_add_firmware(bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench.c)
vitsim_add_firmware(bench_small SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench.c DEFINITIONS BENCH_REPEAT=1)
