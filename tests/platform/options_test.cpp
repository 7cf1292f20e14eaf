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

// The command line as Boost.Program_options reads it, with vitsim's own words.
namespace {

struct Parsed {
    std::string soc, json;
    std::vector<std::string> sets;
    bool stats = false;
};

OptionParser parser_for(Parsed& p) {
    OptionParser parser("run");
    parser.add_value("soc", &p.soc, "NAME", "profile");
    parser.add_value(",j", &p.json, "N", "jobs");
    parser.add_list("set", &p.sets, "KEY=VALUE", "a setting");
    parser.add_flag("stats,v", &p.stats, "summary");
    return parser;
}

std::string usage_message(const std::vector<std::string>& args) {
    Parsed p;
    try {
        parser_for(p).parse(args);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Options, ValuesFollowOrAreJoinedWithAnEqualsSign) {
    Parsed p;
    const auto rest = parser_for(p).parse({"--soc", "gap9", "a.elf", "--set=mhsa=x", "--set", "fwsa=on", "-j", "4", "-v"});
    EXPECT_EQ(p.soc, "gap9");
    EXPECT_EQ(p.json, "4");
    EXPECT_EQ(p.sets, (std::vector<std::string>{"mhsa=x", "fwsa=on"}));
    EXPECT_TRUE(p.stats);
    EXPECT_EQ(rest, std::vector<std::string>{"a.elf"});
}

TEST(Options, ALaterValueWinsAndFlagsRepeat) {
    Parsed p;
    parser_for(p).parse({"--soc=a", "--stats", "--soc", "b", "--stats"});
    EXPECT_EQ(p.soc, "b");
    EXPECT_TRUE(p.stats);
}

TEST(Options, DoubleDashEndsTheOptions) {
    Parsed p;
    const auto rest = parser_for(p).parse({"--soc", "a", "--", "--soc", "-v"});
    EXPECT_EQ(p.soc, "a");
    EXPECT_FALSE(p.stats);
    EXPECT_EQ(rest, (std::vector<std::string>{"--soc", "-v"}));
}

TEST(Options, ADashAloneIsAValue) {
    Parsed p;
    parser_for(p).parse({"--soc", "-"});
    EXPECT_EQ(p.soc, "-");
}

TEST(Options, ProblemsAreNamedInVitsimsWords) {
    EXPECT_EQ(usage_message({"--frob"}), "unknown option '--frob' for 'vitsim run'");
    EXPECT_EQ(usage_message({"--so", "x"}), "unknown option '--so' for 'vitsim run'");  // no abbreviations
    EXPECT_EQ(usage_message({"--soc"}), "option --soc needs a value");
    EXPECT_EQ(usage_message({"--stats=yes"}), "option --stats takes no value");
}

TEST(Options, UnknownOptionsPassThroughInOrder) {
    Parsed p;
    const auto rest = parser_for(p).parse_known({"--net", "tiny", "--set", "a=1", "--frob=2", "x", "-j", "3", "--", "--soc"});
    EXPECT_EQ(rest, (std::vector<std::string>{"--net", "tiny", "--frob=2", "x", "--soc"}));
    EXPECT_EQ(p.sets, std::vector<std::string>{"a=1"});
    EXPECT_EQ(p.json, "3");
    EXPECT_EQ(p.soc, "");
}

TEST(Options, HelpIsGeneratedFromTheOptions) {
    Parsed p;
    const std::string help = parser_for(p).help();
    EXPECT_NE(help.find("--soc NAME"), std::string::npos) << help;
    EXPECT_NE(help.find("-j N"), std::string::npos) << help;
    EXPECT_NE(help.find("--stats"), std::string::npos) << help;
}
