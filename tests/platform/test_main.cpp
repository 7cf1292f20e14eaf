// GoogleTest entry point for SystemC tests: libsystemc owns main() and calls sc_main.
// SystemC elaborates once per process, so every test runs in its own process
// (ctest does that through gtest_discover_tests; by hand use --gtest_filter).
#include <gtest/gtest.h>

#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) {
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
