// vitsim elf FILE: runs a bare-metal RV32 or Arm program on a SoC profile and exits with
// the program's exit status.
#include <cinttypes>
#include <cstdio>
#include <iostream>

#include "sim/commands.h"
#include "sim/elf_loader.h"
#include "sim/exit_codes.h"
#include "sim/gdb_server.h"
#include "sim/options.h"
#include "sim/profiler.h"
#include "sim/report.h"
#include "soc/soc.h"
#include "traces/outputs.h"

namespace vitsim {

const char* const kElfUsage = "vitsim elf FILE [--soc NAME|PATH.json] [--max-cycles N] [--json OUT] "
                              "[--quantum-us N] [--dmi on|off] [--stats|-v] [--vcd OUT] [--fst OUT] [--timeline OUT] "
                              "[--trace-from X] [--trace-to Y] [--gdb PORT]";
namespace {

struct ElfCommandOptions {
    std::string program;
    SimulatorOptions sim;
};

ElfCommandOptions parse_options(const std::vector<std::string>& args) {
    ElfCommandOptions o;
    OptionParser parser("elf");
    o.sim.add_to(parser);
    const std::vector<std::string> positional = parser.parse(args);
    if (positional.empty()) throw UsageError("'vitsim elf' needs a program: " + std::string(kElfUsage));
    if (positional.size() > 1) throw UsageError("'vitsim elf' runs one program; unexpected '" + positional[1] + "'");
    o.program = positional[0];
    o.sim.finish();
    return o;
}

}  // namespace

std::string elf_options_help() {
    SimulatorOptions sim;
    OptionParser parser("elf");
    sim.add_to(parser);
    return parser.help();
}

int run_elf_command(const std::vector<std::string>& args) {
    const ElfCommandOptions o = parse_options(args);
    JsonReport json(o.sim.json, kElfReportSchema);
    check_trace_outputs(o.sim.trace);
    return run_with_report(json, [&] {
        const Profile profile = load_profile(o.sim.soc);
        const ElfImage image = read_elf(o.program);

        quiet_systemc();
        Soc soc("soc", profile, o.sim.run_options());
        place_elf(image, soc, o.program);
        const std::unique_ptr<TraceRecorder> traces = start_traces(soc, o.sim.trace, {});
        soc.reset(image.entry);
        const std::unique_ptr<GdbServer> gdb = attach_gdb(o.sim, soc);

        const RunResult result = soc.run();
        std::cout.flush();  // the program's output comes before any line of ours

        const RunReport report = collect_report(soc, o.program, result);
        json.doc = to_json(report);
        check_stop(soc, result, o.sim.max_cycles);
        print_marker_problems(report.layers);
        if (o.sim.stats) print_stats(report);
        json.write_ok();
        if (traces) write_traces(o.sim.trace, soc, *traces, report.layers, {});
        return report.exit_status & 0xFF;
    });
}

}  // namespace vitsim
