// vitsim: command-line entry point. Dispatches to the subcommands of commands.h and
// turns every failure into one line on stderr and a documented exit code.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <systemc>

#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/failure.h"
#include "sim/options.h"

#ifndef VITSIM_VERSION
#define VITSIM_VERSION "unknown"
#endif

namespace vitsim {

namespace {

const Command kCommands[] = {
    {"run", kRunUsage, "deploy a network, run it on the simulated SoC, report every layer", run_options_help,
     run_run_command},
    {"sweep", kSweepUsage, "run every combination of option values; tabulate cycles and peak SRAM, mark the Pareto front",
     sweep_options_help, run_sweep_command},
    {"compare", kCompareUsage, "per-layer time, RAM and energy of two or more run reports, side by side",
     compare_options_help, run_compare_command},
    {"plot", kPlotUsage, "SVG or PNG of a run report's layers or a sweep's Pareto front (gnuplot)", plot_options_help,
     run_plot_command},
    {"elf", kElfUsage, "run a bare-metal RV32 or Arm program; exit with its exit status", elf_options_help,
     run_elf_command},
    {"profiles", "vitsim profiles", "list the SoC profiles", nullptr, run_profiles_command},
    {"networks", "vitsim networks", "list the built-in networks with their shapes, parameters and MACs", nullptr,
     run_networks_command},
};

void print_usage(std::ostream& out) {
    out << "usage:\n";
    for (const Command& c : kCommands) out << "  " << c.usage << "\n      " << c.summary << "\n";
    out << "  vitsim --help | --version\n";
    for (const Command& c : kCommands)
        if (c.options_help) out << "\noptions of 'vitsim " << c.name << "':\n" << c.options_help();
    out << "\nexit status: the program's own (0..109), or 110 usage, 111 bad input file, 112 load error,\n"
           "113 trap, 114 cycle limit, 115 plan does not fit / over budget, 116 golden mismatch,\n"
           "119 internal error (docs/cli.md)\n";
}

void report_systemc(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
    if (actions & sc_core::SC_DISPLAY) std::cerr << sc_core::sc_report_compose_message(report) << std::endl;
    sc_core::sc_report_handler::default_handler(report, actions & ~(sc_core::SC_DISPLAY | sc_core::SC_LOG));
}

int dispatch(const std::vector<std::string>& args) {
    if (args.empty()) throw UsageError("no command given");
    const std::string& first = args[0];
    if (first == "--help" || first == "-h" || first == "help") {
        print_usage(std::cout);
        return 0;
    }
    if (first == "--version") {
        std::cout << "vitsim " << VITSIM_VERSION << " (SystemC " << sc_core::sc_release() << ")\n";
        return 0;
    }
    for (const Command& c : kCommands) {
        if (first != c.name) continue;
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        for (const std::string& a : rest)
            if (a == "--help" || a == "-h") {
                std::cout << "usage: " << c.usage << "\n" << (c.options_help ? c.options_help() : "");
                return 0;
            }
        return c.run(rest);
    }
    if (first[0] == '-') throw UsageError("unknown option '" + first + "' (a command comes first)");
    throw UsageError("unknown command '" + first + "'");
}

// SystemC prints its banner on stderr before sc_main unless this is set; vitsim's
// stderr is reserved for one-line messages. Runs before main(); a user's own
// setting wins.
const bool kBannerSilenced = [] { return ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0) == 0; }();

int fail(int code, const std::string& message) {
    std::cout.flush();
    std::cerr << "vitsim: " << message << '\n';
    return code;
}

}  // namespace

void quiet_systemc() {
    sc_core::sc_report_handler::set_handler(report_systemc);
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
}

}  // namespace vitsim

int sc_main(int argc, char* argv[]) {
    using namespace vitsim;
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        return dispatch(args);
    } catch (...) {
        const Failure f = failure_of(std::current_exception());
        return fail(f.exit_code, f.message);
    }
}
