// vitsim run: deploys a network with the chosen options, runs the interpreter
// firmware on the simulated SoC, checks its output against the host golden model
// bit for bit, and reports every layer (cycles, MACs, peak SRAM, touched bytes).
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "deploy/deploy.h"
#include "deploy/golden.h"
#include "deploy/reference.h"
#include "sim/commands.h"
#include "sim/elf_loader.h"
#include "sim/exit_codes.h"
#include "sim/message_text.h"
#include "sim/options.h"
#include "sim/report.h"
#include "soc/soc.h"
#include "traces/vcd.h"

#ifndef VITSIM_FIRMWARE_DIR
#define VITSIM_FIRMWARE_DIR "firmware"
#endif

namespace vitsim {

const char* const kRunUsage =
    "vitsim run [--net NAME|PATH.json] [--set KEY=VALUE ...] [--soc NAME] [--json OUT] [--csv OUT] "
    "[--sram-budget BYTES] [--weights FILE] [--seed N] [--firmware ELF] [--console] [--vcd OUT] [simulator options]";

const char* const kRunOptions =
    "  --net NAME|PATH.json  network (default eegformer; networks/*.json)\n"
    "  --set KEY=VALUE       deployment option, repeatable (docs/deploy.md): mhsa=layer-wise|depth-first,\n"
    "                        fwsa=on|off, tile=N, patch-embed=direct|decomposed,\n"
    "                        linear=out-of-place|token-overwrite, sqrt=newton:N|bisect,\n"
    "                        weights=in-place|staged, simd=on|off\n"
    "                        (defaults: the memory techniques on: mhsa=depth-first\n"
    "                        linear=token-overwrite patch-embed=decomposed)\n"
    "  --csv OUT             write the per-layer table as CSV\n"
    "  --sram-budget BYTES   fail (exit 115) naming the first layer whose peak SRAM exceeds BYTES (\"320K\")\n"
    "  --weights FILE        quantized weights file instead of the seeded ones\n"
    "  --seed N              seed of the generated weights and input (default 1)\n"
    "  --firmware ELF        interpreter firmware (default: the build's interp.<soc>.elf)\n"
    "  --console             show the firmware's console output\n"
    "  --vcd OUT             write a VCD of the layers over time (gtkwave OUT traces/vitsim.gtkw)\n";

namespace {

// The defaults of `vitsim run`: what a deployment on a small MCU would use.
const std::vector<std::string> kDefaultSettings = {"mhsa=depth-first", "linear=token-overwrite",
                                                   "patch-embed=decomposed"};

struct RunCommandOptions {
    SimulatorOptions sim;
    std::string net = "eegformer";
    std::vector<std::string> settings;
    std::string csv, weights_file, firmware, vcd;
    uint64_t seed = 1;
    uint64_t sram_budget = 0;  // 0: none
    bool console = false;
};

RunCommandOptions parse_run_options(const std::vector<std::string>& args) {
    RunCommandOptions o;
    std::string seed, budget;
    OptionParser parser("run");
    o.sim.add_to(parser);
    parser.add_value("--net", &o.net);
    parser.add_list("--set", &o.settings);
    parser.add_value("--csv", &o.csv);
    parser.add_value("--sram-budget", &budget);
    parser.add_value("--weights", &o.weights_file);
    parser.add_value("--seed", &seed);
    parser.add_value("--firmware", &o.firmware);
    parser.add_value("--vcd", &o.vcd);
    parser.add_flag("--console", &o.console);
    const std::vector<std::string> positional = parser.parse(args);
    if (!positional.empty()) throw UsageError("'vitsim run' takes no positional argument; unexpected '" + positional[0] + "'");
    o.sim.finish();
    if (!seed.empty()) o.seed = parse_count("--seed", seed);
    if (!budget.empty()) {
        try {
            o.sram_budget = parse_size(budget);
        } catch (const std::exception&) {
            throw UsageError("--sram-budget: expected a size like 320K, 1M or 327680, got '" + budget + "'");
        }
    }
    return o;
}

std::string weights_cache_dir() {
    if (const char* dir = std::getenv("VITSIM_CACHE_DIR")) return std::string(dir) + "/weights";
    if (const char* xdg = std::getenv("XDG_CACHE_HOME")) return std::string(xdg) + "/vitsim/weights";
    if (const char* home = std::getenv("HOME")) return std::string(home) + "/.cache/vitsim/weights";
    return "/tmp/vitsim-cache/weights";
}

std::string firmware_path(const RunCommandOptions& o, const std::string& soc, bool simd) {
    if (!o.firmware.empty()) return o.firmware;
    const char* dir = std::getenv("VITSIM_FIRMWARE_DIR");
    const std::string name = std::string(simd ? "interp." : "interp_portable.") + soc + ".elf";
    const std::string path = std::string(dir ? dir : VITSIM_FIRMWARE_DIR) + "/" + name;
    if (!std::filesystem::exists(path))
        throw CommandError(kExitBadInput, path + ": interpreter firmware not found (the 'firmware' target builds "
                                                 "one per profile in soc/profiles; or give --firmware ELF)");
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

std::string format_bytes(uint64_t b) {
    char buf[32];
    if (b >= 10 * 1024) std::snprintf(buf, sizeof buf, "%.1fK", b / 1024.0);
    else std::snprintf(buf, sizeof buf, "%" PRIu64, b);
    return buf;
}

void print_table(const std::vector<LayerRow>& rows, const RunReport& report, uint64_t total_macs,
                 uint64_t sram_peak, bool golden_match, const std::string& title) {
    std::printf("%s\n", title.c_str());
    std::printf("%4s %-24s %-11s %12s %11s %7s %9s %9s %8s\n", "#", "layer", "op", "cycles", "MACs", "MAC/cyc",
                "SRAM peak", "touched", "stack");
    for (const LayerRow& r : rows) {
        const uint64_t cycles = r.record ? r.record->counters.cycles : 0;
        std::printf("%4u %-24.24s %-11.11s %12" PRIu64 " %11" PRId64 " %7.2f %9s %9s %8s\n", r.plan->index,
                    r.plan->name.c_str(), r.plan->op.c_str(), cycles, r.plan->macs,
                    cycles ? double(r.plan->macs) / double(cycles) : 0.0, format_bytes(r.sram_peak).c_str(),
                    format_bytes(r.touch.touched).c_str(), format_bytes(r.touch.stack).c_str());
    }
    std::printf("total: %" PRIu64 " cycles (%.3f ms at %g MHz), %" PRIu64 " instructions, %" PRIu64
                " MACs, %.2f MAC/cycle, peak SRAM %s\n",
                report.totals.cycles, report.sim_time_s * 1e3, report.clock_hz / 1e6, report.totals.instructions,
                total_macs, report.totals.cycles ? double(total_macs) / double(report.totals.cycles) : 0.0,
                format_bytes(sram_peak).c_str());
    std::printf("golden: %s\n", golden_match ? "firmware output equals the host golden model bit for bit"
                                             : "MISMATCH between firmware output and host golden model");
}

std::string csv_text(const std::vector<LayerRow>& rows) {
    std::ostringstream out;
    out << "index,name,op,kernel,cycles,instructions,macs,sram_peak_bytes,planned_bytes,touched_bytes,stack_bytes\n";
    for (const LayerRow& r : rows) {
        out << r.plan->index << ',' << r.plan->name << ',' << r.plan->op << ',' << r.plan->kernel << ','
            << (r.record ? r.record->counters.cycles : 0) << ',' << (r.record ? r.record->counters.instructions : 0)
            << ',' << r.plan->macs << ',' << r.sram_peak << ',' << r.plan->planned_bytes << ',' << r.touch.touched
            << ',' << r.touch.stack << '\n';
    }
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
        j["stalls"] = measured["stalls"];
        j["memories"] = measured["memories"];
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

}  // namespace

int run_run_command(const std::vector<std::string>& args) {
    const RunCommandOptions o = parse_run_options(args);
    const Profile profile = load_profile(o.sim.soc);
    std::vector<std::string> settings = kDefaultSettings;
    settings.insert(settings.end(), o.settings.begin(), o.settings.end());
    const deploy::DeployOptions options = deploy::parse_options(settings);

    // Deploy: the firmware's layout sets the budgets; the plan is refused here if
    // it cannot fit the profile's SRAM.
    const std::string elf_path = firmware_path(o, profile.name, options.simd);
    const ElfImage elf = read_elf(elf_path);
    const FirmwareLayout fw = firmware_layout(elf, elf_path, profile);
    const deploy::NetworkSpec net = deploy::load_network(o.net);
    const deploy::Weights weights = o.weights_file.empty()
                                        ? deploy::cached_weights(net.graph, o.seed, weights_cache_dir())
                                        : deploy::load_weights(o.weights_file);
    const deploy::DeployTarget target =
        deploy::target_for_profile(profile, fw.code_bytes, fw.stack_top - fw.stack_limit, fw.static_bytes);
    const deploy::DeployResult deployed = deploy::deploy(net.graph, weights, options, target);
    const deploy::GoldenResult golden = deploy::golden_run(deployed.image);

    std::vector<LayerRow> rows;
    for (const deploy::LayerPlan& lp : deployed.plan.layers) {
        LayerRow r;
        r.plan = &lp;
        r.sram_peak = uint64_t(lp.planned_bytes) + fw.static_bytes;  // + stack, once measured
        rows.push_back(r);
    }
    if (o.sram_budget) check_budget(rows, o.sram_budget, false);  // a lower bound: before simulating

    // Simulate: firmware, then the model image blobs and their address.
    quiet_systemc();
    std::string console_text;
    Soc soc("soc", profile, o.sim.run_options(),
            o.console ? stdout_console() : ConsoleSink([&](std::string_view s) { console_text.append(s); }));
    place_elf(elf, soc, elf_path);
    load_model(soc, deployed, fw);

    Memory* data = soc.memory_at(target.data.base, target.data.size);
    data->enable_touch_tracking();
    soc.core(0).hart().set_touch_tracking(true);
    const uint64_t stack_begin = fw.stack_limit - target.data.base, stack_end = fw.stack_top - target.data.base;
    std::map<uint32_t, TouchMeasure> touch;  // by layer id
    const bool show_progress = isatty(STDERR_FILENO);  // long runs: the current layer on a terminal
    const size_t layer_count = deployed.plan.layers.size();
    soc.simctrl().on_event([&](const SimCtrlEvent& e) {
        if (e.kind == SimCtrlEvent::Kind::kLayerBegin) data->clear_touched();
        if (show_progress && e.kind == SimCtrlEvent::Kind::kLayerBegin && e.id < layer_count)
            std::fprintf(stderr, "\rvitsim: layer %u/%zu %-40.40s", e.id + 1, layer_count,
                         deployed.plan.layers[e.id].name.c_str());
        if (e.kind == SimCtrlEvent::Kind::kLayerEnd)
            touch[e.id] = {data->touched_bytes(0, target.data.size), data->touched_bytes(stack_begin, stack_end)};
    });
    soc.reset(elf.entry);
    const RunResult result = soc.run();
    if (show_progress) std::fprintf(stderr, "\r%70s\r", "");
    std::cout.flush();

    RunReport report = collect_report(soc, elf_path, result);
    check_stop(soc, result, o.sim.max_cycles);
    if (report.exit_status != 0)
        throw CommandError(kExitInternal, "interpreter firmware exited with status " +
                                              std::to_string(report.exit_status) + ": " + console_text);

    // Output: the firmware's arena is its heap start (aligned to 4) unless deploy placed it.
    const uint64_t arena = deployed.arena_address ? deployed.arena_address : (uint64_t(fw.heap_start) + 3) & ~uint64_t(3);
    std::vector<int8_t> output(deployed.output_bytes);
    soc.read_memory(arena + deployed.output_offset, output.data(), output.size());
    const bool golden_match = output == golden.output;
    // Quantization error: the int8 output against the float forward pass.
    const deploy::ReferenceResult reference =
        deploy::float_forward(net.graph, deploy::dequantize(weights), deploy::dequantize_input(weights), false);
    const deploy::QuantError qerr = deploy::quantization_error(output, deployed.output_scale, reference.output);

    // Per-layer rows: plan + measured counters + touched bytes.
    const nlohmann::ordered_json base = to_json(report);
    std::map<uint32_t, size_t> record_of;
    for (size_t i = 0; i < report.layers.layers.size(); i++) record_of[report.layers.layers[i].id] = i;
    uint64_t total_macs = 0, sram_peak = 0;
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
        sram_peak = std::max(sram_peak, r.sram_peak);
        layers.push_back(layer_json(r, measured));
    }

    uint64_t flash_bytes = fw.code_bytes, external_bytes = 0;
    for (const deploy::PlacedBlob& b : deployed.blobs)
        (b.memory == profile.code_memory ? flash_bytes : external_bytes) += b.bytes;

    nlohmann::ordered_json doc = base;
    doc["schema"] = "vitsim-run/1";
    doc["network"] = net.graph.name;
    nlohmann::ordered_json opts = nlohmann::ordered_json::object();
    for (const auto& [k, v] : options.items()) opts[k] = v;
    doc["options"] = opts;
    doc["golden_match"] = golden_match;
    doc["quantization_error"] = {{"max_abs", qerr.max_abs},
                                 {"rms", qerr.rms},
                                 {"relative_rms", qerr.relative_rms},
                                 {"argmax_equal", qerr.argmax_equal}};
    doc["totals"]["macs"] = total_macs;
    doc["totals"]["mac_per_cycle"] = report.totals.cycles ? double(total_macs) / double(report.totals.cycles) : 0.0;
    doc["totals"]["sram_peak_bytes"] = sram_peak;
    doc["totals"]["arena_bytes"] = deployed.arena_bytes;
    doc["totals"]["static_bytes"] = fw.static_bytes;
    doc["totals"]["flash_bytes"] = flash_bytes;
    doc["totals"]["external_flash_bytes"] = external_bytes;
    doc["layers"] = layers;
    doc["plan"] = deploy::plan_to_json(deployed.plan);

    if (!o.sim.json.empty()) write_json_file(o.sim.json, doc);
    if (!o.csv.empty()) write_text_file(o.csv, csv_text(rows));
    if (!o.vcd.empty()) {
        std::vector<std::string> names;
        for (const deploy::LayerPlan& lp : deployed.plan.layers) names.push_back(lp.name);
        write_text_file(o.vcd, layer_vcd(soc.simctrl().events(), unsigned(soc.core_count()), names));
    }
    print_table(rows, report, total_macs, sram_peak, golden_match,
                net.graph.name + " on " + profile.name + " (" + options.text() + ")");
    std::printf("int8 vs float reference: relative RMS error %.2f%%, top class %s\n", 100 * qerr.relative_rms,
                qerr.argmax_equal ? "equal" : "DIFFERENT");
    print_marker_problems(report.layers);
    if (o.sim.stats) print_stats(report);

    if (!golden_match)
        throw CommandError(kExitGolden, "firmware output differs from the host golden model (" +
                                            std::to_string(output.size()) + " bytes)");
    if (o.sram_budget) check_budget(rows, o.sram_budget, true);
    return 0;
}

}  // namespace vitsim
