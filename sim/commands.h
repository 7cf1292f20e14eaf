// The vitsim subcommands. Each takes the arguments after its name and returns the
// process exit status; failures throw CommandError (or an error type main() maps to
// an exit code). main.cpp lists them; a new subcommand is one more table entry.
#pragma once
#include <string>
#include <vector>

namespace vitsim {

struct Command {
    const char* name;
    const char* usage;    // one line: arguments and options
    const char* summary;  // one line: what it does
    const char* options;  // the option lines of --help ("" if none)
    bool simulates;       // takes the simulator options too (SimulatorOptions::kHelp)
    int (*run)(const std::vector<std::string>& args);
};

int run_elf_command(const std::vector<std::string>& args);
int run_profiles_command(const std::vector<std::string>& args);
int run_networks_command(const std::vector<std::string>& args);
int run_run_command(const std::vector<std::string>& args);
int run_sweep_command(const std::vector<std::string>& args);
int run_compare_command(const std::vector<std::string>& args);

extern const char* const kElfUsage;
extern const char* const kRunUsage;
extern const char* const kRunOptions;
extern const char* const kSweepUsage;
extern const char* const kSweepOptions;
extern const char* const kCompareUsage;

// Routes SystemC's own messages to stderr and silences the "simulation stopped"
// info, so that stdout carries only the program's console output.
void quiet_systemc();

}  // namespace vitsim
