// Command-line option parsing shared by the vitsim subcommands.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/exit_codes.h"
#include "soc/soc.h"
#include "traces/window.h"

namespace vitsim {

// A bad command line: exit 110, the message is followed by a hint to --help.
class UsageError : public CommandError {
public:
    explicit UsageError(const std::string& message) : CommandError(kExitUsage, message) {}
};

// A command's options, read by Boost.Program_options (which also writes their --help):
// "--name VALUE", "--name=VALUE", flags, one-letter options ("-j 4", "-v"); everything
// else is positional, and "--" ends the options. Values stay text here: each command
// converts them strictly (parse_count, ...) so that a bad one is named in its message.
// A value option given twice keeps the last value (sweep relies on it); a list option
// keeps every value in order; a flag may be repeated.
class OptionParser {
public:
    explicit OptionParser(std::string command);
    ~OptionParser();
    OptionParser(OptionParser&&) noexcept;
    OptionParser& operator=(OptionParser&&) noexcept;

    // `name`: "soc" (--soc), ",j" (-j only) or "stats,v" (--stats and -v); `value_name` is what
    // --help shows after it ("N", "OUT"); `help` may hold newlines.
    void add_value(const std::string& name, std::string* out, const char* value_name, const char* help);
    void add_flag(const std::string& name, bool* out, const char* help);
    // An option that may be given several times; every value is appended.
    void add_list(const std::string& name, std::vector<std::string>* out, const char* value_name, const char* help);
    // Returns the positional arguments; throws UsageError.
    std::vector<std::string> parse(const std::vector<std::string>& args) const;
    // Like parse, but returns every argument it does not know (options, their values
    // and positional ones, in order) instead of refusing them: for a command that
    // passes them on to another.
    std::vector<std::string> parse_known(const std::vector<std::string>& args) const;
    // The option lines of --help, generated from the options added.
    std::string help() const;

private:
    struct Impl;
    std::vector<std::string> parse(const std::vector<std::string>& args, bool keep_unknown) const;
    std::string command_;
    std::unique_ptr<Impl> impl_;
};

// The options every simulating command takes (vitsim elf, vitsim run).
struct SimulatorOptions {
    static constexpr uint64_t kDefaultMaxCycles = 50'000'000'000ull;
    std::string soc = "stm32f746";
    std::string json;
    uint64_t max_cycles = kDefaultMaxCycles;
    double quantum_us = 10;
    bool dmi = true;
    bool stats = false;
    TraceOptions trace;  // --vcd --fst --timeline --trace-from --trace-to
    int gdb_port = -1;  // --gdb PORT: serve gdb on localhost:PORT (0: any free port); -1: no
    unsigned cores = 0;  // --cores: cluster worker cores (0 = the profile's)


    // Registers --soc --json --max-cycles --quantum-us --dmi --cores --stats -v --gdb and
    // the trace options.
    void add_to(OptionParser& parser);
    // Converts the texts given; throws UsageError.
    void finish();
    RunOptions run_options() const { return {quantum_us, dmi, max_cycles, cores}; }

private:
    std::string max_cycles_text_, quantum_text_, dmi_text_, trace_from_text_, trace_to_text_, gdb_text_, cores_text_;
};

// Option values; each throws UsageError naming the option and the bad text.
uint64_t parse_count(const std::string& option, const std::string& text);   // "1000", "50e9"
double parse_positive(const std::string& option, const std::string& text);  // "10", "0.5"
// "layer:NAME" or a cycle count (--trace-from, --trace-to).
TraceBound parse_trace_bound(const std::string& option, const std::string& text);
bool parse_on_off(const std::string& option, const std::string& text);      // "on" / "off"

}  // namespace vitsim
