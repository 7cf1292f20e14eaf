// vitsim sweep: runs `vitsim run` once per combination of --vary values (each in its
// own process: SystemC elaborates once per process) and tabulates what each choice
// costs in cycles and saves in peak SRAM. vitsim compare: per-layer deltas of two
// run reports.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/options.h"
#include "sim/report.h"

extern char** environ;

namespace vitsim {

const char* const kSweepUsage =
    "vitsim sweep --vary KEY=V1,V2[,...] [--vary ...] [--json OUT] [any 'vitsim run' option]";
const char* const kSweepOptions =
    "  --vary KEY=V1,V2      deployment option and its values; repeatable: every combination runs\n"
    "  --json OUT            write every run's totals and the table (schema vitsim-sweep/1)\n"
    "  other options         passed to each 'vitsim run' (--net, --soc, --set, ...)\n";
const char* const kCompareUsage = "vitsim compare A.json B.json";

namespace {

using json = nlohmann::ordered_json;

struct Variation {
    std::string key;
    std::vector<std::string> values;
};

Variation parse_vary(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw UsageError("--vary: expected KEY=V1,V2, got '" + text + "'");
    Variation v{text.substr(0, eq), {}};
    std::string rest = text.substr(eq + 1);
    for (size_t start = 0;;) {
        const size_t comma = rest.find(',', start);
        v.values.push_back(rest.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return v;
}

// Every combination of the variations' values, as lists of "key=value".
std::vector<std::vector<std::string>> combinations(const std::vector<Variation>& vary) {
    std::vector<std::vector<std::string>> out = {{}};
    for (const Variation& v : vary) {
        std::vector<std::vector<std::string>> next;
        for (const auto& partial : out)
            for (const std::string& value : v.values) {
                auto c = partial;
                c.push_back(v.key + "=" + value);
                next.push_back(c);
            }
        out = next;
    }
    return out;
}

std::string self_path() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) throw CommandError(kExitInternal, "cannot find the vitsim executable (/proc/self/exe)");
    return std::string(buf, size_t(n));
}

// Runs `vitsim ARGS` with stdout discarded; returns its exit status and stderr.
std::pair<int, std::string> run_child(const std::string& exe, const std::vector<std::string>& args,
                                      const std::string& err_path) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(exe.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw CommandError(kExitInternal, "cannot start " + exe);
    int status = 0;
    waitpid(pid, &status, 0);
    std::ifstream in(err_path);
    std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(err_path.c_str());
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return {WIFEXITED(status) ? WEXITSTATUS(status) : kExitInternal, err};
}

json read_report(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw CommandError(kExitBadInput, path + ": cannot open report");
    try {
        return json::parse(in);
    } catch (const std::exception& e) {
        throw CommandError(kExitBadInput, path + ": not a JSON report: " + e.what());
    }
}

// What compare reads from a run report, with the types it reads them as: a
// wrongly typed field is a bad input file (111) naming the file and the key.
void check_compared_report(const json& report, const std::string& path) {
    auto bad = [&](const std::string& key, const char* expected) {
        throw CommandError(kExitBadInput, path + ": " + key + ": expected " + expected + " (a 'vitsim run' report)");
    };
    auto number_if_present = [&](const json& object, const char* key, const std::string& where) {
        if (object.contains(key) && !object[key].is_number()) bad(where + key, "a number");
    };
    if (!report.is_object()) bad("(top level)", "an object");
    if (!report.contains("layers") || !report["layers"].is_array()) bad("layers", "an array");
    if (!report.contains("totals") || !report["totals"].is_object()) bad("totals", "an object");
    number_if_present(report["totals"], "cycles", "totals.");
    number_if_present(report["totals"], "sram_peak_bytes", "totals.");
    for (size_t i = 0; i < report["layers"].size(); i++) {
        const json& layer = report["layers"][i];
        const std::string where = "layers[" + std::to_string(i) + "]";
        if (!layer.is_object()) bad(where, "an object");
        if (layer.contains("name") && !layer["name"].is_string()) bad(where + ".name", "a string");
        number_if_present(layer, "cycles", where + ".");
        number_if_present(layer, "sram_peak_bytes", where + ".");
    }
}

// Cycles of the layers with op `op` (e.g. the attention layers).
uint64_t op_cycles(const json& report, const std::string& op) {
    uint64_t sum = 0;
    for (const json& l : report["layers"])
        if (l.value("op", "") == op) sum += l.value("cycles", uint64_t{0});
    return sum;
}

uint64_t op_peak(const json& report, const std::string& op) {
    uint64_t peak = 0;
    for (const json& l : report["layers"])
        if (l.value("op", "") == op) peak = std::max(peak, l.value("sram_peak_bytes", uint64_t{0}));
    return peak;
}

std::string join(const std::vector<std::string>& parts) {
    std::string s;
    for (const std::string& p : parts) s += (s.empty() ? "" : " ") + p;
    return s;
}

}  // namespace

int run_sweep_command(const std::vector<std::string>& args) {
    std::vector<std::string> run_args, vary_texts;
    std::string json_out;
    for (size_t i = 0; i < args.size(); i++) {
        const bool has_value = i + 1 < args.size();
        if (args[i] == "--vary" || args[i] == "--json") {
            if (!has_value) throw UsageError("option " + args[i] + " needs a value");
            if (args[i] == "--vary")
                vary_texts.push_back(args[i + 1]);
            else
                json_out = args[i + 1];
            i++;
        } else if (args[i].rfind("--vary=", 0) == 0) {
            vary_texts.push_back(args[i].substr(7));
        } else if (args[i].rfind("--json=", 0) == 0) {
            json_out = args[i].substr(7);
        } else {
            run_args.push_back(args[i]);
        }
    }
    if (vary_texts.empty()) throw UsageError("'vitsim sweep' needs at least one --vary KEY=V1,V2");
    std::vector<Variation> vary;
    for (const std::string& t : vary_texts) vary.push_back(parse_vary(t));

    const std::string exe = self_path();
    const std::string tmp = "/tmp/vitsim-sweep-" + std::to_string(getpid());
    const auto combos = combinations(vary);
    json rows = json::array();
    std::printf("%-58s %13s %8s %10s %13s %10s %s\n", "variant", "cycles", "MAC/cyc", "peak SRAM", "attn cycles",
                "attn SRAM", "golden");
    for (size_t i = 0; i < combos.size(); i++) {
        const std::string label = join(combos[i]);
        std::fprintf(stderr, "vitsim: sweep [%zu/%zu] %s\n", i + 1, combos.size(), label.c_str());
        std::vector<std::string> child = {"run"};
        child.insert(child.end(), run_args.begin(), run_args.end());
        for (const std::string& setting : combos[i]) child.insert(child.end(), {"--set", setting});
        const std::string report_path = tmp + "-" + std::to_string(i) + ".json";
        child.insert(child.end(), {"--json", report_path});
        const auto [status, err] = run_child(exe, child, tmp + ".err");
        json row = {{"variant", label}, {"settings", combos[i]}, {"exit_status", status}};
        if (status == 0 || status == kExitGolden) {
            const json r = read_report(report_path);
            std::remove(report_path.c_str());
            const json& t = r["totals"];
            row["cycles"] = t["cycles"];
            row["mac_per_cycle"] = t["mac_per_cycle"];
            row["sram_peak_bytes"] = t["sram_peak_bytes"];
            row["attention_cycles"] = op_cycles(r, "mhsa");
            row["attention_sram_peak_bytes"] = op_peak(r, "mhsa");
            row["golden_match"] = r["golden_match"];
            std::printf("%-58.58s %13" PRIu64 " %8.2f %10" PRIu64 " %13" PRIu64 " %10" PRIu64 " %s\n", label.c_str(),
                        t["cycles"].get<uint64_t>(), t["mac_per_cycle"].get<double>(),
                        t["sram_peak_bytes"].get<uint64_t>(), op_cycles(r, "mhsa"), op_peak(r, "mhsa"),
                        r["golden_match"].get<bool>() ? "match" : "MISMATCH");
        } else {
            row["error"] = err;
            std::printf("%-58.58s  %s\n", label.c_str(), err.c_str());
        }
        std::fflush(stdout);
        rows.push_back(row);
    }
    if (!json_out.empty())
        write_json_file(json_out, {{"schema", "vitsim-sweep/1"}, {"run_args", run_args}, {"runs", rows}});
    return 0;
}

int run_compare_command(const std::vector<std::string>& args) {
    if (args.size() != 2) throw UsageError("'vitsim compare' takes two run reports: " + std::string(kCompareUsage));
    const json a = read_report(args[0]), b = read_report(args[1]);
    check_compared_report(a, args[0]);
    check_compared_report(b, args[1]);
    std::map<std::string, const json*> b_layers;
    for (const json& l : b["layers"]) b_layers[l.value("name", "")] = &l;
    std::printf("A: %s  %s\nB: %s  %s\n", args[0].c_str(), a.value("options", json::object()).dump().c_str(),
                args[1].c_str(), b.value("options", json::object()).dump().c_str());
    std::printf("%-24s %12s %12s %8s %10s %10s %8s\n", "layer", "cycles A", "cycles B", "B/A", "SRAM A", "SRAM B",
                "B/A");
    auto row = [](const std::string& name, double ca, double cb, double sa, double sb) {
        std::printf("%-24.24s %12.0f %12.0f %8.3f %10.0f %10.0f %8.3f\n", name.c_str(), ca, cb, ca ? cb / ca : 0.0, sa,
                    sb, sa ? sb / sa : 0.0);
    };
    for (const json& l : a["layers"]) {
        const std::string name = l.value("name", "");
        auto it = b_layers.find(name);
        if (it == b_layers.end()) {
            std::printf("%-24.24s only in A\n", name.c_str());
            continue;
        }
        row(name, l.value("cycles", 0.0), it->second->value("cycles", 0.0), l.value("sram_peak_bytes", 0.0),
            it->second->value("sram_peak_bytes", 0.0));
        b_layers.erase(it);
    }
    for (const auto& [name, l] : b_layers) std::printf("%-24.24s only in B\n", name.c_str());
    row("total", a["totals"].value("cycles", 0.0), b["totals"].value("cycles", 0.0),
        a["totals"].value("sram_peak_bytes", 0.0), b["totals"].value("sram_peak_bytes", 0.0));
    return 0;
}

}  // namespace vitsim
