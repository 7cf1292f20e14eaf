// vitsim elf FILE: runs a bare-metal RV32 program on a SoC profile and exits with
// the program's exit status.
#include <cinttypes>
#include <cstdio>
#include <iostream>

#include "sim/commands.h"
#include "sim/elf_loader.h"
#include "sim/exit_codes.h"
#include "sim/options.h"
#include "sim/profiler.h"
#include "sim/report.h"
#include "soc/soc.h"

namespace vitsim {

const char* const kElfUsage = "vitsim elf FILE [--soc NAME|PATH.json] [--max-cycles N] [--json OUT] "
                              "[--quantum-us N] [--dmi on|off] [--stats|-v]";
const char* const kElfOptions =
    "  --soc NAME|PATH.json  SoC profile (default stm32f746; see 'vitsim profiles')\n"
    "  --max-cycles N        stop with exit 114 after N core cycles (default 50e9; 0 = no limit)\n"
    "  --json OUT            write the run report (schema vitsim-report/1) to OUT\n"
    "  --quantum-us N        temporal-decoupling quantum in microseconds (default 10)\n"
    "  --dmi on|off          direct memory access for the core (default on)\n"
    "  --stats, -v           one-line summary (instructions, cycles, time, MIPS) on stderr\n";

namespace {

constexpr uint64_t kDefaultMaxCycles = 50'000'000'000ull;
constexpr size_t kMaxProblemLines = 10;

struct ElfCommandOptions {
    std::string program;
    std::string soc = "stm32f746";
    std::string json;
    uint64_t max_cycles = kDefaultMaxCycles;
    double quantum_us = 10;
    bool dmi = true;
    bool stats = false;
};

ElfCommandOptions parse_options(const std::vector<std::string>& args) {
    ElfCommandOptions o;
    std::string max_cycles, quantum, dmi;
    bool verbose = false;
    OptionParser parser("elf");
    parser.add_value("--soc", &o.soc);
    parser.add_value("--json", &o.json);
    parser.add_value("--max-cycles", &max_cycles);
    parser.add_value("--quantum-us", &quantum);
    parser.add_value("--dmi", &dmi);
    parser.add_flag("--stats", &o.stats);
    parser.add_flag("-v", &verbose);
    const std::vector<std::string> positional = parser.parse(args);
    if (positional.empty()) throw UsageError("'vitsim elf' needs a program: " + std::string(kElfUsage));
    if (positional.size() > 1) throw UsageError("'vitsim elf' runs one program; unexpected '" + positional[1] + "'");
    o.program = positional[0];
    if (!max_cycles.empty()) o.max_cycles = parse_count("--max-cycles", max_cycles);
    if (!quantum.empty()) o.quantum_us = parse_positive("--quantum-us", quantum);
    if (!dmi.empty()) o.dmi = parse_on_off("--dmi", dmi);
    if (o.soc.empty()) throw UsageError("--soc: empty profile name");
    o.stats = o.stats || verbose;
    return o;
}

const char* stop_name(StopReason reason) {
    switch (reason) {
        case StopReason::kExit: return "exit";
        case StopReason::kTrap: return "trap";
        case StopReason::kLimit: return "cycle-limit";
    }
    return "?";
}

RunReport make_report(Soc& soc, const ElfCommandOptions& o, const RunResult& result) {
    const Hart& hart = soc.core(0).hart();
    RunReport r;
    r.soc = soc.profile().name;
    r.clock_hz = soc.profile().clock_hz;
    r.program = o.program;
    r.stop = stop_name(result.stop);
    r.exit_status = result.stop == StopReason::kExit ? hart.exit_status() : 0;
    if (result.stop == StopReason::kTrap) r.trap = hart.trap();
    r.totals = hart.counters();
    r.sim_time_s = static_cast<double>(r.totals.cycles) / static_cast<double>(r.clock_hz);
    r.host_seconds = result.host_seconds;
    for (size_t i = 0; i < soc.memory_count(); i++)
        r.memories.push_back({soc.memory(i).timing().name, soc.memory(i).counters()});
    const Dma::Stats& dma = soc.dma().stats();
    r.dma = {dma.transfers, dma.bytes, dma.errors, dma.busy.to_seconds()};
    r.layers = profile_layers(soc.simctrl().events());
    return r;
}

void print_stats(const RunReport& r) {
    const double mips = r.host_seconds > 0 ? r.totals.instructions / r.host_seconds / 1e6 : 0.0;
    std::fprintf(stderr,
                 "vitsim: %" PRIu64 " instructions, %" PRIu64 " cycles, %.6g s simulated at %g MHz, "
                 "%.3f s host, %.1f MIPS\n",
                 r.totals.instructions, r.totals.cycles, r.sim_time_s, r.clock_hz / 1e6, r.host_seconds, mips);
}

void print_marker_problems(const LayerProfile& layers) {
    for (size_t i = 0; i < layers.problems.size() && i < kMaxProblemLines; i++)
        std::cerr << "vitsim: warning: " << layers.problems[i] << '\n';
    if (layers.problems.size() > kMaxProblemLines)
        std::cerr << "vitsim: warning: " << layers.problems.size() - kMaxProblemLines << " more marker problems\n";
}

std::string hex(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

}  // namespace

int run_elf_command(const std::vector<std::string>& args) {
    const ElfCommandOptions o = parse_options(args);
    const Profile profile = load_profile(o.soc);
    const ElfImage image = read_elf(o.program);

    quiet_systemc();
    RunOptions run;
    run.quantum_us = o.quantum_us;
    run.dmi = o.dmi;
    run.max_cycles = o.max_cycles;
    Soc soc("soc", profile, run);
    place_elf(image, soc, o.program);
    soc.reset(image.entry);

    const RunResult result = soc.run();
    std::cout.flush();  // the program's output comes before any line of ours

    const RunReport report = make_report(soc, o, result);
    if (!o.json.empty()) {
        try {
            write_json_file(o.json, to_json(report));
        } catch (const std::runtime_error& e) {
            throw CommandError(kExitBadInput, e.what());
        }
    }
    print_marker_problems(report.layers);
    if (o.stats) print_stats(report);

    const Hart& hart = soc.core(0).hart();
    switch (result.stop) {
        case StopReason::kExit: return report.exit_status & 0xFF;
        case StopReason::kTrap: throw CommandError(kExitTrap, "trap: " + describe(hart.trap()));
        case StopReason::kLimit:
            throw CommandError(kExitCycleLimit, "cycle limit of " + std::to_string(o.max_cycles) +
                                                    " reached at pc " + hex(hart.pc()));
    }
    return kExitInternal;
}

}  // namespace vitsim
