// Option values are read strictly: what is not exactly a number is refused (exit 110).
#include <gtest/gtest.h>

#include "sim/failure.h"
#include "sim/options.h"

using namespace vitsim;

TEST(Options, CountsAreDigitsOrDigitsWithAnExponent) {
    EXPECT_EQ(parse_count("--max-cycles", "1000"), 1000u);
    EXPECT_EQ(parse_count("--max-cycles", "50e9"), 50'000'000'000u);
    EXPECT_EQ(parse_count("--max-cycles", "0"), 0u);
    for (const char* bad : {"0x10", " 5", "5 ", "1.0", "-1", "+1", "", "e9", "5e", "1e19", "99999999999999999999", "inf"})
        EXPECT_THROW(parse_count("--max-cycles", bad), UsageError) << bad;
}

TEST(Options, PositiveNumbersArePlainDecimals) {
    EXPECT_DOUBLE_EQ(parse_positive("--quantum-us", "10"), 10.0);
    EXPECT_DOUBLE_EQ(parse_positive("--quantum-us", "0.5"), 0.5);
    EXPECT_DOUBLE_EQ(parse_positive("--quantum-us", "1e-3"), 1e-3);
    for (const char* bad : {"0x10", " 5", "0", "-1", "inf", "nan", "", ".5", "1e999"})
        EXPECT_THROW(parse_positive("--quantum-us", bad), UsageError) << bad;
}

TEST(Options, QuantumOutsideItsRangeIsRefused) {
    for (const char* bad : {"1e-300", "0.0001", "2e6"}) {
        SimulatorOptions o;
        OptionParser parser("elf");
        o.add_to(parser);
        parser.parse({"--quantum-us", bad});
        EXPECT_THROW(o.finish(), UsageError) << bad;
    }
}

TEST(Failure, MessagesStayOnOneLine) {
    EXPECT_EQ(one_line("a\nb\r\tc\x01\x7f"), "a\\nb\\r\\tc\\x01\\x7f");
    const Failure f = failure_of(std::make_exception_ptr(UsageError("bad 'x\ny'")));
    EXPECT_EQ(f.exit_code, 110);
    EXPECT_EQ(f.message, "bad 'x\\ny' (see 'vitsim --help')");
}
