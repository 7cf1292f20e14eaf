// vitsim run: deploys a network with the chosen options, runs the interpreter
// firmware on the simulated SoC, checks its output against the host golden model
// bit for bit, and reports every layer (cycles, MACs, peak SRAM, touched bytes).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "deploy/deploy.h"
#include "deploy/errors.h"
#include "deploy/golden.h"
#include "deploy/reference.h"
#include "sim/commands.h"
#include "sim/elf_loader.h"
#include "sim/exit_codes.h"
#include "sim/gdb_server.h"
#include "sim/files.h"
#include "sim/message_text.h"
#include "sim/options.h"
#include "sim/plot.h"
#include "sim/progress.h"
#include "sim/report.h"
#include "sim/run_inputs.h"
#include "soc/soc.h"
#include "traces/outputs.h"

#ifndef VITSIM_FIRMWARE_DIR
#define VITSIM_FIRMWARE_DIR "firmware"
#endif

namespace vitsim {

const char* const kRunUsage =
    "vitsim run [--net NAME|PATH.json] [--set KEY=VALUE ...] [--soc NAME] [--json OUT] [--csv OUT] "
    "[--sram-budget BYTES] [--flash-budget BYTES] [--weights FILE] [--seed N] [--firmware ELF] [--inputs FILE.npz] [--console] [--phases] [--plot OUT] [simulator options]";

namespace {

// The defaults of `vitsim run`: what a deployment on a small MCU would use.
const std::vector<std::string> kDefaultSettings = {"mhsa=depth-first", "linear=token-overwrite",
                                                   "patch-embed=decomposed"};

struct RunCommandOptions {
    SimulatorOptions sim;
    std::string net = "eegformer";
    std::vector<std::string> settings;
    std::string csv, weights_file, firmware;
    std::string plot;  // --plot OUT: the report's per-layer plot
    std::string inputs;  // --inputs: samples (and labels) to run one after another
    uint64_t seed = 1;
    uint64_t sram_budget = 0;   // 0: none
    uint64_t flash_budget = 0;  // 0: none
    bool console = false;
    bool phases = false;  // print the phase breakdown of each layer
};

// A budget in bytes ("320K", "1M", "327680"); "" = none. 0 is refused: it would
// silently mean "no budget".
uint64_t parse_budget(const std::string& option, const std::string& text) {
    if (text.empty()) return 0;
    const UsageError problem(option + ": expected a positive size like 320K, 1M or 327680, got '" + text + "'");
    uint64_t bytes = 0;
    try {
        bytes = parse_size(text);
    } catch (const std::exception&) {
        throw problem;
    }
    if (bytes == 0) throw problem;
    return bytes;
}

// The texts of the options that parse_run_options converts.
struct RunOptionTexts {
    std::string seed, sram_budget, flash_budget;
};

void add_run_options(OptionParser& parser, RunCommandOptions& o, RunOptionTexts& texts) {
    parser.add_value("net", &o.net, "NAME|PATH.json", "network (default eegformer; networks/*.json)");
    parser.add_list("set", &o.settings, "KEY=VALUE",
                    "deployment option, repeatable (docs/deploy.md): mhsa=layer-wise|depth-first, fwsa=on|off, "
                    "tile=N, patch-embed=direct|decomposed, linear=out-of-place|token-overwrite, "
                    "sqrt=newton:N|bisect, weights=in-place|staged, simd=on|off, split=balanced|heads (defaults: the memory techniques "
                    "on: mhsa=depth-first linear=token-overwrite patch-embed=decomposed)");
    parser.add_value("csv", &o.csv, "OUT", "write the per-layer table as CSV");
    parser.add_value("sram-budget", &texts.sram_budget, "BYTES",
                     "fail (exit 115) naming the first layer whose peak SRAM exceeds BYTES (\"320K\")");
    parser.add_value("flash-budget", &texts.flash_budget, "BYTES",
                     "fail (exit 115) when the internal flash used (firmware + model) exceeds BYTES");
    parser.add_value("weights", &o.weights_file, "FILE", "quantized weights file instead of the seeded ones");
    parser.add_value("seed", &texts.seed, "N", "seed of the generated weights and input (default 1)");
    parser.add_value("firmware", &o.firmware, "ELF", "interpreter firmware (default: the build's interp.<soc>.elf)");
    parser.add_value("inputs", &o.inputs, "FILE.npz",
                     "run N samples (x [N, input shape], optional labels y [N]) one after another, each output "
                     "checked against the golden; per-sample classes, accuracy, cycles");
    parser.add_flag("console", &o.console, "show the firmware's console output");
    parser.add_flag("phases", &o.phases, "after the table, where each layer's cycles go (kernel phases)");
    parser.add_value("plot", &o.plot, "OUT", "per-layer plot of the report, OUT.svg or OUT.png (as 'vitsim plot')");
    o.sim.add_to(parser);
}

RunCommandOptions parse_run_options(const std::vector<std::string>& args) {
    RunCommandOptions o;
    RunOptionTexts texts;
    OptionParser parser("run");
    add_run_options(parser, o, texts);
    const std::vector<std::string> positional = parser.parse(args);
    if (!positional.empty()) throw UsageError("'vitsim run' takes no positional argument; unexpected '" + positional[0] + "'");
    o.sim.finish();
    if (!texts.seed.empty()) o.seed = parse_count("--seed", texts.seed);
    o.sram_budget = parse_budget("--sram-budget", texts.sram_budget);
    o.flash_budget = parse_budget("--flash-budget", texts.flash_budget);
    return o;
}

std::string weights_cache_dir() {
    if (const char* dir = std::getenv("VITSIM_CACHE_DIR")) return std::string(dir) + "/weights";
    if (const char* xdg = std::getenv("XDG_CACHE_HOME")) return std::string(xdg) + "/vitsim/weights";
    if (const char* home = std::getenv("HOME")) return std::string(home) + "/.cache/vitsim/weights";
    return "/tmp/vitsim-cache/weights";
}

// The interpreter built for `profile` (firmware/target builds interp.<name>.elf for
// every profile in soc/profiles), or --firmware. A profile of the user's own has
// none until it is built: the message says how.
std::string firmware_path(const RunCommandOptions& o, const Profile& profile, bool simd) {
    if (!o.firmware.empty()) return o.firmware;
    const char* dir = std::getenv("VITSIM_FIRMWARE_DIR");
    const std::string name = std::string(simd ? "interp." : "interp_portable.") + profile.name + ".elf";
    const std::string path = std::string(dir ? dir : VITSIM_FIRMWARE_DIR) + "/" + name;
    if (!std::filesystem::exists(path))
        throw CommandError(kExitBadInput, "no interpreter firmware for profile '" + profile.name + "' (" + path +
                                              "): copy " + profile.source +
                                              " into soc/profiles/ and run 'cmake --build build', which builds it, "
                                              "or give --firmware ELF");
    return path;
}

// What the firmware ELF tells the deployment: code size, static data, stack.
struct FirmwareLayout {
    uint64_t code_bytes = 0;    // loaded bytes in the code memory
    uint64_t static_bytes = 0;  // .data + .bss (+ code when code and data share a memory)
    uint32_t stack_limit = 0, stack_top = 0;
    uint32_t heap_start = 0;
    uint32_t image_address_word = 0;  // where the model image's address is written
};

FirmwareLayout firmware_layout(const ElfImage& elf, const std::string& path, const Profile& profile) {
    FirmwareLayout f;
    check_machine(elf, profile, path);
    const MemoryTiming& code = profile.memory(profile.code_memory);
    const MemoryTiming& data = profile.memory(profile.data_memory);
    const uint64_t code_limit = uint64_t{code.base} + code.size, data_limit = uint64_t{data.base} + data.size;
    uint64_t code_end = code.base;
    for (const ElfSegment& s : elf.segments) {
        if (s.paddr < code.base || s.paddr >= code_limit) continue;
        code_end = std::max<uint64_t>(code_end, uint64_t{s.paddr} + s.memsz);
        if (code_end > code_limit)  // refused before deploy plans with a code size larger than the memory
            throw ElfError(ElfErrorKind::kOutsideMemory, path + ": segment " + elf_hex(s.paddr) + ".." + elf_hex(code_end) +
                                                             " is outside every memory of " +
                                                             escape_for_message(profile.name));
    }
    f.code_bytes = code_end - code.base;
    // The linker symbols must lie in this profile's data memory and in order: a
    // firmware built for another SoC is refused here, not turned into a nonsense plan.
    const std::string region = "the data memory " + escape_for_message(data.name) + " of " + escape_for_message(profile.name);
    auto in_data = [&](const char* name) { return elf.symbol_in_range(name, data.base, data_limit, region, path); };
    const uint32_t data_start = in_data("__data_start"), bss_end = in_data("__bss_end");
    f.stack_limit = in_data("__stack_limit");
    f.stack_top = in_data("__stack");
    f.heap_start = in_data("__heap_start");
    if (bss_end < data_start || f.stack_top < f.stack_limit)
        throw ElfError(ElfErrorKind::kMalformed, path + ": linker symbols out of order (__data_start " +
                                                     elf_hex(data_start) + ", __bss_end " + elf_hex(bss_end) +
                                                     ", __stack_limit " + elf_hex(f.stack_limit) + ", __stack " +
                                                     elf_hex(f.stack_top) + ")");
    f.static_bytes = bss_end - (profile.code_memory == profile.data_memory ? code.base : data_start);
    // The word the model image's address is written to must be loaded with the program.
    f.image_address_word = elf.symbol_in_segment("vs_model_image_address", 4, path);
    return f;
}

// Per-layer bytes measured by the memory model between a layer's two markers.
struct TouchMeasure {
    uint64_t touched = 0;  // data-memory bytes read or written
    uint64_t stack = 0;    // of which in the stack
};

struct LayerRow {
    const deploy::LayerPlan* plan = nullptr;
    const LayerRecord* record = nullptr;
    TouchMeasure touch;
    uint64_t sram_peak = 0;  // planned live + scratch + staging + stack high-water + static
};

// The L1 plan's peak where deploy tiles the layer; else (attention, whose kernels
// allocate their L1 at run time) the L1 the layer touched.
uint64_t l1_peak_bytes(const LayerRow& r) {
    if (r.plan->l1.peak_bytes || !r.record) return r.plan->l1.peak_bytes;
    return r.record->cluster.l1_touched_bytes;
}

// The RAM and flash a deployment needs, the way a user links it (STM32Cube.AI's
// "RAM total / Flash total"): docs/cli.md, "RAM and flash".
struct MemoryTotals {
    uint64_t ram_linked = 0;        // arena + stack reserved + static: what the firmware links
    uint64_t arena = 0;             // activations, scratch and staged weights, as placed
    uint64_t activations_peak = 0;  // largest live activations of one layer
    uint64_t scratch_peak = 0;      // largest kernel scratch of one layer
    uint64_t staging_peak = 0;      // largest staged weights of one layer
    uint64_t stack_reserved = 0, stack_used = 0;  // linked, and the measured high-water
    uint64_t static_bytes = 0;      // .data + .bss
    uint64_t layer_peak = 0;        // largest layer need (LayerRow::sram_peak)
    uint64_t flash_internal = 0;    // firmware code + model parts in the code memory
    uint64_t firmware_code = 0;
    uint64_t flash_external = 0;    // model parts elsewhere (quad-SPI flash, MRAM)
};

nlohmann::ordered_json ram_json(const MemoryTotals& m) {
    return {{"linked_bytes", m.ram_linked},     {"arena_bytes", m.arena},
            {"activations_peak_bytes", m.activations_peak}, {"scratch_peak_bytes", m.scratch_peak},
            {"staging_peak_bytes", m.staging_peak}, {"stack_reserved_bytes", m.stack_reserved},
            {"stack_used_bytes", m.stack_used},   {"static_bytes", m.static_bytes},
            {"layer_peak_bytes", m.layer_peak}};
}

nlohmann::ordered_json flash_json(const MemoryTotals& m) {
    return {{"internal_bytes", m.flash_internal},
            {"firmware_code_bytes", m.firmware_code},
            {"model_internal_bytes", m.flash_internal - m.firmware_code},
            {"external_bytes", m.flash_external}};
}

uint64_t cycles_of(const LayerRow& r) { return r.record ? r.record->counters.cycles : 0; }
double mac_per_cycle(int64_t macs, uint64_t cycles) { return cycles ? double(macs) / double(cycles) : 0.0; }
// With --inputs: one inference's MACs over its mean cycles (totals.cycles is the whole run's).
double batch_mac_per_cycle(uint64_t macs, const nlohmann::ordered_json& batch) {
    const double cycles = batch["cycles_per_inference"]["mean"].get<double>();
    return cycles > 0 ? double(macs) / cycles : 0.0;
}

// Where each layer's cycles go: its kernel phases, in cycles and as a share of the
// layer; "other" is what no phase covers (loops around the kernels, the markers).
void print_phases(const std::vector<LayerRow>& rows) {
    std::printf("phases (cycles, share of the layer):\n");
    for (const LayerRow& r : rows) {
        if (!r.record || r.record->phases.empty() || r.record->counters.cycles == 0) continue;
        const double layer = double(r.record->counters.cycles);
        uint64_t covered = 0;
        std::printf("  %-24.24s", r.plan->name.c_str());
        for (const PhaseTotal& p : r.record->phases) {
            covered += p.counters.cycles;
            std::printf(" %s %" PRIu64 " (%.1f%%)", phase_name(p.phase).c_str(), p.counters.cycles,
                        100.0 * double(p.counters.cycles) / layer);
        }
        const uint64_t other = r.record->counters.cycles - std::min(covered, r.record->counters.cycles);
        std::printf(" other %" PRIu64 " (%.1f%%)\n", other, 100.0 * double(other) / layer);
    }
}

// On a profile with a cluster: per layer the busiest core's cycles, the balance
// (mean / busiest), the stalls summed over the cores, the cluster DMA's bytes and
// the L1 plan's peak (docs/cli.md, layers[].cluster). Nothing elsewhere.
void print_cluster_table(const std::vector<LayerRow>& rows) {
    bool any = false;
    for (const LayerRow& r : rows) any = any || (r.record && !r.record->cluster.cores.empty());
    if (!any) return;
    std::printf("cluster (stalls summed over the cores):\n%4s %-24s %12s %7s %10s %10s %10s %10s %10s %9s %8s\n", "#",
                "layer", "busiest", "balance", "bank_conf", "barrier", "dma_wait", "l2_lat", "icache", "DMA", "L1 peak");
    for (const LayerRow& r : rows) {
        if (!r.record || r.record->cluster.cores.empty()) continue;
        const ClusterLayerSummary c = summarize(r.record->cluster);
        std::printf("%4u %-24.24s %12" PRIu64 " %7.2f %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
                    " %9" PRIu64 " %8" PRIu64 "\n",
                    r.plan->index, r.plan->name.c_str(), c.busy_max, c.balance(), c.bank_conflict, c.barrier, c.dma_wait,
                    c.l2_latency, c.pipeline.icache, r.record->cluster.dma.bytes, l1_peak_bytes(r));
    }
}

// "caches: I 99.1% of 1234567, D 97.0% of 45678, ART 88.2% of 9012" for a core that has
// them; nothing for one that has none.
void print_cache_line(const CacheCounters& c) {
    std::string line;
    auto part = [&](const char* name, const CacheCounters::HitMiss& h) {
        const uint64_t accesses = h.hits + h.misses;
        if (!accesses) return;
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s%s %.1f%% of %" PRIu64, line.empty() ? "" : ", ", name,
                      100.0 * double(h.hits) / double(accesses), accesses);
        line += buf;
    };
    part("I-cache", c.icache);
    part("D-cache", c.dcache);
    part("ART", c.flash_accelerator);
    part("ART data", c.flash_accelerator_data);
    if (!line.empty()) std::printf("hits:  %s\n", line.c_str());
}

// "energy: 12.3 uJ, 45.6 mW average (core 1.2, memory 3.4, ...)".
void print_energy_line(const RunReport& report) {
    const EnergyBreakdown& e = report.energy;
    int64_t memory = 0;
    for (int64_t m : e.memories) memory += m;
    std::printf("energy: %.4f uJ, %.3f mW average (uJ: core %.4f, %smemory %.4f, caches %.4f, dma %.4f, "
                "background %.4f, leakage %.4f%s)\n",
                fj_to_uj(e.total()), average_power_mw(e.total(), report.sim_time_s), fj_to_uj(e.core),
                report.cluster.empty() ? "" : ("cluster " + std::to_string(fj_to_uj(e.cluster)) + ", ").c_str(),
                fj_to_uj(memory), fj_to_uj(e.caches), fj_to_uj(e.dma), fj_to_uj(e.background), fj_to_uj(e.leakage),
                e.has_engine ? (", engine " + std::to_string(fj_to_uj(e.engine))).c_str() : "");
}

// Every byte figure of the table in bytes: one unit, no mixing of bytes and K.
void print_table(const std::vector<LayerRow>& rows, const RunReport& report, uint64_t total_macs,
                 const MemoryTotals& mem, bool golden_match, const std::string& title) {
    std::printf("%s\n", title.c_str());
    std::printf("%4s %-24s %-11s %12s %11s %7s %9s %9s %7s %9s%s%s\n", "#", "layer", "op", "cycles", "MACs", "MAC/cyc",
                "RAM need", "touched", "stack", "weights", report.has_energy ? "   energy uJ" : "",
                report.energy.has_engine ? "   engine uJ" : "");
    for (const LayerRow& r : rows) {
        std::printf("%4u %-24.24s %-11.11s %12" PRIu64 " %11" PRId64 " %7.2f %9" PRIu64 " %9" PRIu64 " %7" PRIu64
                    " %9" PRId64,
                    r.plan->index, r.plan->name.c_str(), r.plan->op.c_str(), cycles_of(r), r.plan->macs,
                    mac_per_cycle(r.plan->macs, cycles_of(r)), r.sram_peak, r.touch.touched, r.touch.stack,
                    r.plan->weight_bytes);
        if (report.has_energy) std::printf(" %12.4f", r.record ? fj_to_uj(r.record->energy.total()) : 0.0);
        if (report.energy.has_engine) std::printf(" %12.4f", r.record ? fj_to_uj(r.record->energy.engine) : 0.0);
        std::printf("\n");
    }
    std::printf("total: %" PRIu64 " cycles (%.3f ms at %g MHz), %" PRIu64 " instructions, %" PRIu64
                " MACs, %.2f MAC/cycle\n",
                report.totals.cycles, report.sim_time_s * 1e3, report.clock_hz / 1e6, report.totals.instructions,
                total_macs, mac_per_cycle(int64_t(total_macs), report.totals.cycles));
    std::printf("RAM:   %" PRIu64 " bytes linked = arena %" PRIu64 " (activations <= %" PRIu64 ", scratch <= %" PRIu64
                ", staged weights <= %" PRIu64 ") + stack %" PRIu64 " reserved (%" PRIu64 " used) + static %" PRIu64
                "; largest layer need %" PRIu64 "\n",
                mem.ram_linked, mem.arena, mem.activations_peak, mem.scratch_peak, mem.staging_peak, mem.stack_reserved,
                mem.stack_used, mem.static_bytes, mem.layer_peak);
    std::printf("flash: %" PRIu64 " bytes internal (firmware %" PRIu64 " + model %" PRIu64 "), %" PRIu64
                " bytes external\n",
                mem.flash_internal, mem.firmware_code, mem.flash_internal - mem.firmware_code, mem.flash_external);
    print_cache_line(report.totals.caches);
    if (report.has_energy) print_energy_line(report);
    std::printf("golden: %s\n", golden_match ? "firmware output equals the host golden model bit for bit"
                                             : "MISMATCH between firmware output and host golden model");
}

// The table as CSV: what ran (soc, network, options) on every row, a row per layer
// and a totals row.
std::string csv_text(const std::vector<LayerRow>& rows, const std::string& soc, const std::string& network,
                     const std::string& options, const RunReport& report, uint64_t total_macs, const MemoryTotals& mem) {
    std::ostringstream out;
    out << "soc,network,options,index,name,op,kernel,cycles,instructions,macs,mac_per_cycle,sram_peak_bytes,"
           "planned_bytes,touched_bytes,stack_bytes,weight_bytes,stall_load_use,stall_branch,stall_muldiv,"
           "stall_memory,stall_fetch,icache_hits,icache_misses,dcache_hits,dcache_misses,flash_accel_hits,"
           "flash_accel_misses,flash_accel_data_hits,flash_accel_data_misses,energy_uj,engine_energy_uj\n";
    const std::string what = soc + ',' + network + ",\"" + options + "\",";
    auto stalls = [](const HartCounters& c) {
        const StallCounters& s = c.stalls;
        const CacheCounters& k = c.caches;
        return std::to_string(s.load_use) + ',' + std::to_string(s.branch) + ',' + std::to_string(s.muldiv) + ',' +
               std::to_string(s.memory) + ',' + std::to_string(s.fetch) + ',' + std::to_string(k.icache.hits) + ',' +
               std::to_string(k.icache.misses) + ',' + std::to_string(k.dcache.hits) + ',' +
               std::to_string(k.dcache.misses) + ',' + std::to_string(k.flash_accelerator.hits) + ',' +
               std::to_string(k.flash_accelerator.misses) + ',' + std::to_string(k.flash_accelerator_data.hits) + ',' +
               std::to_string(k.flash_accelerator_data.misses);
    };
    // The total and the engine's part; empty when the profile has no energy model (or
    // no engine table).
    auto energy = [&](const EnergyBreakdown& e) {
        if (!report.has_energy) return std::string(",");
        std::ostringstream uj;
        uj << std::setprecision(9) << fj_to_uj(e.total()) << ',';
        if (report.energy.has_engine) uj << fj_to_uj(e.engine);
        return uj.str();
    };
    int64_t weight_bytes = 0;
    for (const LayerRow& r : rows) {
        weight_bytes += r.plan->weight_bytes;
        out << what << r.plan->index << ',' << r.plan->name << ',' << r.plan->op << ',' << r.plan->kernel << ','
            << cycles_of(r) << ',' << (r.record ? r.record->counters.instructions : 0) << ',' << r.plan->macs << ','
            << mac_per_cycle(r.plan->macs, cycles_of(r)) << ',' << r.sram_peak << ',' << r.plan->planned_bytes << ','
            << r.touch.touched << ',' << r.touch.stack << ',' << r.plan->weight_bytes << ','
            << stalls(r.record ? r.record->counters : HartCounters{}) << ','
            << energy(r.record ? r.record->energy : EnergyBreakdown{}) << '\n';
    }
    out << what << "total,total,,," << report.totals.cycles << ',' << report.totals.instructions << ',' << total_macs
        << ',' << mac_per_cycle(int64_t(total_macs), report.totals.cycles) << ',' << mem.ram_linked << ",,,"
        << mem.stack_used << ',' << weight_bytes << ',' << stalls(report.totals) << ',' << energy(report.energy) << '\n';
    return out.str();
}

nlohmann::ordered_json layer_json(const LayerRow& r, const nlohmann::ordered_json& measured) {
    nlohmann::ordered_json j = {
        {"index", r.plan->index},
        {"name", r.plan->name},
        {"op", r.plan->op},
        {"kernel", r.plan->kernel},
        {"cycles", r.record ? r.record->counters.cycles : 0},
        {"instructions", r.record ? r.record->counters.instructions : 0},
        {"macs", r.plan->macs},
        {"mac_per_cycle", r.record && r.record->counters.cycles
                              ? double(r.plan->macs) / double(r.record->counters.cycles) : 0.0},
        {"sram_peak_bytes", r.sram_peak},
        {"planned_bytes", r.plan->planned_bytes},
        {"live_bytes", r.plan->live_bytes},
        {"scratch_bytes", r.plan->scratch_bytes},
        {"staging_bytes", r.plan->staging_bytes},
        {"touched_bytes", r.touch.touched},
        {"stack_bytes", r.touch.stack},
        {"weight_bytes", r.plan->weight_bytes},
    };
    if (!measured.is_null()) {
        j["begin_s"] = measured["begin_s"];
        j["end_s"] = measured["end_s"];
        j["stalls"] = measured["stalls"];
        j["caches"] = measured["caches"];
        j["memories"] = measured["memories"];
        j["phases"] = measured["phases"];
        for (const char* key : {"energy_uj", "avg_power_mw", "energy"})
            if (measured.contains(key)) j[key] = measured[key];
        if (measured.contains("cluster")) {  // profiles with a cluster (docs/cli.md)
            j["cluster"] = measured["cluster"];
            j["dma_bytes"] = measured["cluster"]["dma_bytes"];
            j["l1_peak_bytes"] = l1_peak_bytes(r);
            j["l1_touched_bytes"] = measured["cluster"]["l1_peak_bytes"];  // L1 words the layer touched
            j["l1"] = deploy::l1_plan_json(r.plan->l1);
            j["l2_peak_bytes"] = r.sram_peak;
        }
    }
    return j;
}

// The first layer whose peak SRAM exceeds the budget, as an error.
void check_budget(const std::vector<LayerRow>& rows, uint64_t budget, bool measured) {
    for (const LayerRow& r : rows)
        if (r.sram_peak > budget)
            throw CommandError(kExitNoFit, "layer " + std::to_string(r.plan->index) + " '" + r.plan->name + "' needs " +
                                               std::to_string(r.sram_peak) + " bytes of SRAM" +
                                               (measured ? "" : " at least") + ", budget " + std::to_string(budget));
}

// Internal flash a deployment occupies: firmware code + the model parts placed there.
uint64_t internal_flash_bytes(const deploy::DeployResult& deployed, const FirmwareLayout& fw, const Profile& profile) {
    uint64_t bytes = fw.code_bytes;
    for (const deploy::PlacedBlob& b : deployed.blobs)
        if (b.memory == profile.code_memory) bytes += b.bytes;
    return bytes;
}

void check_flash_budget(uint64_t flash_bytes, uint64_t budget) {
    if (flash_bytes > budget)
        throw CommandError(kExitNoFit, "internal flash needs " + std::to_string(flash_bytes) +
                                           " bytes (firmware code and the model parts placed there), budget " +
                                           std::to_string(budget));
}

// Runs a budget check; when it fails, the report's "budgets" says so before the
// failure ends the run.
template <typename Check>
void enforce_budget(JsonReport& json, Check check) {
    try {
        check();
    } catch (const CommandError& e) {
        json.doc["budgets"]["fits"] = false;
        json.doc["budgets"]["misfit"] = e.what();
        throw;
    }
}

// The deployed model in the simulated memories: its blobs where deploy placed them,
// and the model part's address in the word the interpreter reads.
void load_model(Soc& soc, const deploy::DeployResult& deployed, const FirmwareLayout& fw) {
    for (const deploy::PlacedBlob& b : deployed.blobs)
        if (!soc.write_memory(b.address, deployed.image.data() + b.file_offset, b.bytes))
            throw CommandError(kExitLoad, "model part '" + b.name + "' (" + std::to_string(b.bytes) +
                                              " bytes at " + std::to_string(b.address) + ") is outside every memory");
    const uint32_t model_address = uint32_t(deployed.blobs.at(0).address);
    soc.write_memory(fw.image_address_word, &model_address, sizeof model_address);
}

// The firmware's console text ends with its last complete or partial line.
std::string last_line(const std::string& console) {
    std::string text = console;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    const auto newline = text.rfind('\n');
    return newline == std::string::npos ? text : text.substr(newline + 1);
}

// deploy(), and when the plan does not fit, the plan that did not fit in the report.
deploy::DeployResult deploy_or_report_plan(const deploy::Graph& graph, const deploy::Weights& weights,
                                           const deploy::DeployOptions& options, const deploy::DeployTarget& target,
                                           JsonReport& json) {
    try {
        return deploy::deploy(graph, weights, options, target);
    } catch (const deploy::NoFitError&) {
        json.doc["plan"] = deploy::plan_to_json(deploy::plan_network(graph, weights, options, target));
        throw;
    }
}

// The layers as the traces name and describe them (sram_peak once measured).
std::vector<TraceLayer> trace_layers(const std::vector<LayerRow>& rows) {
    std::vector<TraceLayer> layers;
    for (const LayerRow& r : rows)
        layers.push_back({r.plan->name, true, uint64_t(r.plan->live_bytes), uint64_t(r.plan->planned_bytes),
                          uint64_t(r.plan->macs), r.sram_peak});
    return layers;
}

// Deploy, simulate, compare, report: what `vitsim run` does once its outputs are known
// to be writable. Fills json.doc as it goes (a failure's report says how far it got).
int run_network(const RunCommandOptions& o, JsonReport& json) {
    Progress progress;  // on a terminal: phase, layer i/N, simulated time, MIPS, ETA
    const Profile profile = load_profile(o.sim.soc);
    std::vector<std::string> settings = kDefaultSettings;
    settings.insert(settings.end(), o.settings.begin(), o.settings.end());
    const deploy::DeployOptions options = deploy::parse_options(settings);
    json.doc["soc"] = profile.name;
    json.doc["options"] = options.to_json();
    if (options.engine && !profile.cluster.engine_lanes)
        throw deploy::OptionError("deploy option 'engine=on': profile '" + profile.name + "' has no matrix engine");

    // Deploy: the firmware's layout sets the budgets. Shapes are checked against the
    // memories before any weight is generated; the plan is refused here if it cannot
    // fit the profile's SRAM.
    const std::string elf_path = firmware_path(o, profile, options.simd);
    const ElfImage elf = read_elf(elf_path);
    const FirmwareLayout fw = firmware_layout(elf, elf_path, profile);
    const deploy::NetworkSpec net = deploy::load_network(o.net);
    json.doc["network"] = net.graph.name;
    deploy::DeployTarget target =
        deploy::target_for_profile(profile, fw.code_bytes, fw.stack_top - fw.stack_limit, fw.static_bytes);
    if (o.sim.cores && target.cluster_cores) target.cluster_cores = o.sim.cores;  // --cores: L1 per core
    deploy::check_shapes_fit(net.graph, target);
    progress.phase(o.weights_file.empty() ? "weights (generated once, then cached)" : "reading weights");
    const deploy::Weights weights = o.weights_file.empty()
                                        ? deploy::cached_weights(net.graph, o.seed, weights_cache_dir())
                                        : deploy::load_weights(o.weights_file);
    std::unique_ptr<InputBatch> batch;
    InputSet input_set;  // read before the deployment: a bad file fails fast
    if (!o.inputs.empty())
        input_set = read_inputs(o.inputs, net.graph, weights, net.graph.tensors.at(net.graph.output).cols);
    progress.phase("deploying");
    const deploy::DeployResult deployed = deploy_or_report_plan(net.graph, weights, options, target, json);
    if (!o.inputs.empty()) batch = std::make_unique<InputBatch>(std::move(input_set), deployed, target);
    json.doc["plan"] = deploy::plan_to_json(deployed.plan);
    progress.phase("host golden model");
    const deploy::GoldenResult golden = deploy::golden_run(deployed.image);

    std::vector<LayerRow> rows;
    for (const deploy::LayerPlan& lp : deployed.plan.layers) {
        LayerRow r;
        r.plan = &lp;
        r.sram_peak = uint64_t(lp.planned_bytes) + fw.static_bytes;  // + stack, once measured
        rows.push_back(r);
    }
    // Budgets: before simulating (SRAM: the planned bytes, a lower bound), and again
    // after it with the measured stack.
    json.doc["budgets"] = {{"sram_bytes", o.sram_budget ? nlohmann::ordered_json(o.sram_budget) : nullptr},
                           {"flash_bytes", o.flash_budget ? nlohmann::ordered_json(o.flash_budget) : nullptr},
                           {"fits", true},
                           {"misfit", ""}};
    if (o.sram_budget) enforce_budget(json, [&] { check_budget(rows, o.sram_budget, false); });
    if (o.flash_budget)
        enforce_budget(json, [&] { check_flash_budget(internal_flash_bytes(deployed, fw, profile), o.flash_budget); });

    // Simulate: firmware, then the model image blobs and their address.
    quiet_systemc();
    std::string console_text;
    Soc soc("soc", profile, o.sim.run_options(),
            o.console ? stdout_console() : ConsoleSink([&](std::string_view s) { console_text.append(s); }));
    place_elf(elf, soc, elf_path);
    load_model(soc, deployed, fw);
    if (batch) batch->load(soc, elf, elf_path);
    const uint64_t arena_base = deployed.arena_address ? deployed.arena_address : (uint64_t(fw.heap_start) + 3) & ~uint64_t(3);

    Memory* data = soc.memory_at(target.data.base, target.data.size);
    data->enable_touch_tracking();
    soc.core(0).iss().set_touch_tracking(true);
    const uint64_t stack_begin = fw.stack_limit - target.data.base, stack_end = fw.stack_top - target.data.base;
    std::map<uint32_t, TouchMeasure> touch;  // by layer id
    const std::vector<deploy::LayerPlan>& planned = deployed.plan.layers;
    std::vector<uint64_t> macs_before(planned.size() + 1, 0);  // MACs of the layers before each one: the ETA
    for (size_t i = 0; i < planned.size(); i++) macs_before[i + 1] = macs_before[i] + uint64_t(planned[i].macs);
    // The engine's counters at each layer's markers (it is idle there: the FC waited).
    std::map<uint32_t, MatrixEngine::Stats> engine_begin, engine_layer;  // by layer id
    soc.simctrl().on_event([&](const SimCtrlEvent& e) {
        if (batch) batch->on_event(e, soc, arena_base);
        if (soc.engine() && e.kind == SimCtrlEvent::Kind::kLayerBegin) engine_begin[e.id] = soc.engine()->stats();
        if (soc.engine() && e.kind == SimCtrlEvent::Kind::kLayerEnd) {
            const MatrixEngine::Stats &now = soc.engine()->stats(), &then = engine_begin[e.id];
            engine_layer[e.id] = {now.jobs - then.jobs, now.errors - then.errors, now.busy_cycles - then.busy_cycles,
                                  now.stall_cycles - then.stall_cycles, now.active_cycles - then.active_cycles,
                                  now.macs - then.macs};
        }
        if (e.kind == SimCtrlEvent::Kind::kLayerBegin) data->clear_touched();
        if (progress.on() && e.kind == SimCtrlEvent::Kind::kLayerBegin && e.id < planned.size())
            progress.layer(e.id, planned.size(), planned[e.id].name, macs_before[e.id], macs_before.back(),
                           e.counters.instructions, e.time.to_seconds());
        if (e.kind == SimCtrlEvent::Kind::kLayerEnd)
            touch[e.id] = {data->touched_bytes(0, target.data.size), data->touched_bytes(stack_begin, stack_end)};
    });
    const std::unique_ptr<TraceRecorder> traces = start_traces(soc, o.sim.trace, trace_layers(rows));
    soc.reset(elf.entry);
    const std::unique_ptr<GdbServer> gdb = attach_gdb(o.sim, soc);
    const RunResult result = soc.run();
    progress.clear();
    std::cout.flush();

    RunReport report = collect_report(soc, elf_path, result);
    check_stop(soc, result, o.sim.max_cycles);
    if (report.exit_status != 0)
        throw CommandError(o.firmware.empty() ? kExitInternal : kExitBadInput,
                           elf_path + ": the interpreter firmware exited with status " +
                               std::to_string(report.exit_status) + " (its last console line: '" +
                               last_line(console_text) + "')");

    // Output: the firmware's arena is its heap start (aligned to 4) unless deploy placed it.
    const uint64_t arena = arena_base;
    std::vector<int8_t> output(deployed.output_bytes);
    soc.read_memory(arena + deployed.output_offset, output.data(), output.size());
    bool golden_match = output == golden.output;
    // Quantization error: the int8 output against the float forward pass.
    progress.phase("float reference");
    const deploy::ReferenceResult reference =
        deploy::float_forward(net.graph, deploy::dequantize(weights), deploy::dequantize_input(weights), false);
    progress.clear();
    const deploy::QuantError qerr =
        deploy::quantization_error(batch ? golden.output : output, deployed.output_scale, reference.output);

    // Per-layer rows: plan + measured counters + touched bytes.
    const nlohmann::ordered_json base = to_json(report);
    std::map<uint32_t, size_t> record_of;
    for (size_t i = 0; i < report.layers.layers.size(); i++) record_of[report.layers.layers[i].id] = i;
    uint64_t total_macs = 0;
    MemoryTotals mem;
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (LayerRow& r : rows) {
        auto it = record_of.find(r.plan->index);
        nlohmann::ordered_json measured;
        if (it != record_of.end()) {
            r.record = &report.layers.layers[it->second];
            measured = base["layers"][it->second];
        }
        r.touch = touch[r.plan->index];
        r.sram_peak += r.touch.stack;
        total_macs += uint64_t(r.plan->macs);
        mem.layer_peak = std::max(mem.layer_peak, r.sram_peak);
        mem.activations_peak = std::max(mem.activations_peak, uint64_t(r.plan->live_bytes));
        mem.scratch_peak = std::max(mem.scratch_peak, uint64_t(r.plan->scratch_bytes));
        mem.staging_peak = std::max(mem.staging_peak, uint64_t(r.plan->staging_bytes));
        mem.stack_used = std::max(mem.stack_used, r.touch.stack);
        layers.push_back(layer_json(r, measured));
        if (soc.engine()) {  // busy cycles, and MACs per MAC the array could have done
            const MatrixEngine::Stats& s = engine_layer[r.plan->index];
            const double peak = double(s.busy_cycles) * 4 * soc.engine()->lanes();
            layers.back()["engine_cycles"] = s.busy_cycles;
            layers.back()["engine_stall_cycles"] = s.stall_cycles;
            layers.back()["engine_macs"] = s.macs;
            layers.back()["engine_utilisation"] = peak > 0 ? double(s.macs) / peak : 0.0;
        }
    }

    mem.arena = uint64_t(deployed.plan.arena_bytes);
    mem.stack_reserved = uint64_t(deployed.plan.stack_reserve);
    mem.static_bytes = fw.static_bytes;
    mem.ram_linked = mem.arena + mem.stack_reserved + mem.static_bytes;
    mem.firmware_code = fw.code_bytes;
    mem.flash_internal = internal_flash_bytes(deployed, fw, profile);
    for (const deploy::PlacedBlob& b : deployed.blobs)
        if (b.memory != profile.code_memory) mem.flash_external += b.bytes;

    nlohmann::ordered_json& doc = json.doc;
    for (const auto& [key, value] : base.items())
        if (key != "schema") doc[key] = value;
    if (batch) {  // every sample's output against the golden model on that sample
        doc["inputs"] = batch->finish(report.layers.layers, base["layers"]);
        golden_match = batch->golden_match();
    }
    doc["golden_match"] = golden_match;
    doc["quantization_error"] = {{"max_abs", qerr.max_abs},
                                 {"rms", qerr.rms},
                                 {"relative_rms", qerr.relative_rms},
                                 {"argmax_equal", qerr.argmax_equal}};
    doc["totals"]["macs"] = total_macs;
    doc["totals"]["mac_per_cycle"] = mac_per_cycle(int64_t(total_macs), report.totals.cycles);
    if (batch)  // the network's MACs are one inference's: per inference, over its mean cycles
        doc["totals"]["mac_per_cycle"] = batch_mac_per_cycle(total_macs, doc["inputs"]);
    doc["totals"]["sram_peak_bytes"] = mem.layer_peak;
    doc["totals"]["arena_bytes"] = deployed.arena_bytes;
    doc["totals"]["static_bytes"] = fw.static_bytes;
    doc["totals"]["flash_bytes"] = mem.flash_internal;
    doc["totals"]["external_flash_bytes"] = mem.flash_external;
    doc["totals"]["ram"] = ram_json(mem);
    doc["totals"]["flash"] = flash_json(mem);
    doc["layers"] = layers;
    doc["plan"] = deploy::plan_to_json(deployed.plan);

    if (!json.to_stdout()) {  // with --json - stdout carries the report alone
        print_table(rows, report, total_macs, mem, golden_match,
                    net.graph.name + " on " + profile.name + " (" + options.text() + ")");
        std::printf("int8 vs float reference: relative RMS error %.2f%%, top class %s\n", 100 * qerr.relative_rms,
                    qerr.argmax_equal ? "equal" : "DIFFERENT");
        print_cluster_table(rows);
        if (o.phases) print_phases(rows);
        if (batch) print_batch_summary(doc["inputs"]);
    }
    std::fflush(stdout);
    if (!golden_match && batch)
        throw CommandError(kExitGolden, "--inputs: the firmware output of " + std::to_string(batch->mismatches()) +
                                            " samples differs from the host golden model");
    if (!golden_match)
        throw CommandError(kExitGolden, "firmware output differs from the host golden model (" +
                                            std::to_string(output.size()) + " bytes)");
    if (o.sram_budget) enforce_budget(json, [&] { check_budget(rows, o.sram_budget, true); });

    // Success: every output, each written whole.
    json.write_ok();
    if (!o.csv.empty()) write_text_file(o.csv, csv_text(rows, profile.name, net.graph.name, options.text(), report, total_macs, mem));
    if (traces) write_traces(o.sim.trace, soc, *traces, report.layers, trace_layers(rows));
    if (!o.plot.empty()) {  // the report as written, read back the way 'vitsim plot' reads its file
        nlohmann::ordered_json doc = {{"schema", kRunReportSchema}, {"status", "ok"}};
        doc.update(json.doc);
        plot_run(read_run_figures(ReportReader("run"), nlohmann::ordered_json::parse(doc.dump())), o.plot);
    }
    print_marker_problems(report.layers);
    if (o.sim.stats) print_stats(report);
    return 0;
}

}  // namespace

std::string run_options_help() {
    RunCommandOptions o;
    RunOptionTexts texts;
    OptionParser parser("run");
    add_run_options(parser, o, texts);
    return parser.help();
}

int run_run_command(const std::vector<std::string>& args) {
    const RunCommandOptions o = parse_run_options(args);
    JsonReport json(o.sim.json, kRunReportSchema);
    if (!o.csv.empty()) check_output_path("--csv", o.csv);
    if (!o.plot.empty()) check_plot_path("--plot", o.plot);
    check_trace_outputs(o.sim.trace);
    return run_with_report(json, [&] { return run_network(o, json); });
}

}  // namespace vitsim
