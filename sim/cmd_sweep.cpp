// vitsim sweep: runs `vitsim run` once per combination of --vary values (each in its
// own process: SystemC elaborates once per process; several at a time with -j) and
// tabulates what each choice costs in cycles and saves in RAM.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "deploy/network.h"
#include "deploy/options.h"
#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/failure.h"
#include "sim/files.h"
#include "sim/options.h"
#include "sim/progress.h"
#include "sim/report.h"
#include "soc/profile.h"

extern char** environ;

namespace vitsim {

const char* const kSweepUsage =
    "vitsim sweep --vary KEY=V1,V2[,...] [--vary ...] [-j N] [--json OUT] [--csv OUT] [any 'vitsim run' option]";
const char* const kSweepOptions =
    "  --vary KEY=V1,V2      a deployment option (--set key), soc or net, and its values; repeatable\n"
    "                        (a key given twice gets the values of both): every combination runs\n"
    "  -j N                  runs at a time (default: the host's cores)\n"
    "  --json OUT            every run: soc, network, options, status and totals (schema vitsim-sweep/2)\n"
    "  --csv OUT             the table as CSV\n"
    "  other options         passed to each 'vitsim run' (--net, --soc, --set, ...)\n";

namespace {

using json = nlohmann::ordered_json;

// One --vary key and its values, in the order given, without repeats.
struct Variation {
    std::string key;
    std::vector<std::string> values;
};

struct SweepOptions {
    std::vector<Variation> vary;
    std::vector<std::string> run_args;  // passed to every run
    std::string json_out, csv_out;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
};

void add_vary(std::vector<Variation>& vary, const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw UsageError("--vary: expected KEY=V1,V2, got '" + text + "'");
    const std::string key = text.substr(0, eq);
    auto it = std::find_if(vary.begin(), vary.end(), [&](const Variation& v) { return v.key == key; });
    if (it == vary.end()) it = vary.insert(vary.end(), Variation{key, {}});
    std::istringstream values(text.substr(eq + 1));
    for (std::string value; std::getline(values, value, ',');) {
        if (value.empty()) throw UsageError("--vary " + key + ": an empty value in '" + text + "'");
        if (std::find(it->values.begin(), it->values.end(), value) == it->values.end()) it->values.push_back(value);
    }
}

SweepOptions parse_sweep_options(const std::vector<std::string>& args) {
    SweepOptions o;
    std::vector<std::string> vary;
    std::string jobs;
    OptionParser parser("sweep");
    parser.add_list("--vary", &vary);
    parser.add_value("--json", &o.json_out);
    parser.add_value("--csv", &o.csv_out);
    parser.add_value("-j", &jobs);
    // Everything else goes to the runs, which check it (an unknown option fails every
    // run, and so the sweep).
    o.run_args = parser.parse_known(args);
    // Every run would write the same trace file: a trace is of one run.
    for (const std::string& a : o.run_args)
        for (const char* trace : {"--vcd", "--fst", "--timeline", "--trace-from", "--trace-to"})
            if (a == trace || a.rfind(std::string(trace) + "=", 0) == 0)
                throw UsageError(std::string("'vitsim sweep' writes no trace (") + trace +
                                 "): trace one run with 'vitsim run'");
    for (const std::string& arg : o.run_args)  // runs in parallel cannot share one debugger
        if (arg == "--gdb" || arg.rfind("--gdb=", 0) == 0)
            throw UsageError("--gdb debugs one run: use 'vitsim run --gdb PORT' with the options of that run");
    if (vary.empty()) throw UsageError("'vitsim sweep' needs at least one --vary KEY=V1,V2");
    for (const std::string& text : vary) add_vary(o.vary, text);
    if (!jobs.empty()) {
        const uint64_t n = parse_count("-j", jobs);
        if (n == 0 || n > 256) throw UsageError("-j: expected 1 to 256 runs at a time, got '" + jobs + "'");
        o.jobs = unsigned(n);
    }
    return o;
}

// Every value is checked before anything runs: a deployment option by the deploy
// tool's parser (exit 110), a profile or a network by loading it (exit 111).
void check_variations(const std::vector<Variation>& vary) {
    std::vector<std::string> keys = deploy::option_keys();
    keys.insert(keys.begin(), {"soc", "net"});
    for (const Variation& v : vary) {
        if (std::find(keys.begin(), keys.end(), v.key) == keys.end()) {
            std::string allowed;
            for (const std::string& k : keys) allowed += (allowed.empty() ? "" : ", ") + k;
            throw UsageError("--vary: unknown key '" + v.key + "' (allowed: " + allowed + ")");
        }
        for (const std::string& value : v.values) {
            if (v.key == "soc")
                load_profile(value);
            else if (v.key == "net")
                deploy::load_network(value);
            else
                deploy::parse_options({v.key + "=" + value});
        }
    }
}

// A run: its varied values and the arguments of its `vitsim run`.
struct Run {
    std::vector<std::pair<std::string, std::string>> settings;  // varied key, value
    std::string label;                                           // "mhsa=depth-first soc=gap9"
    std::vector<std::string> args;
};

std::vector<Run> plan_runs(const SweepOptions& o) {
    std::vector<Run> runs = {Run{}};
    for (const Variation& v : o.vary) {
        std::vector<Run> next;
        for (const Run& partial : runs)
            for (const std::string& value : v.values) {
                Run r = partial;
                r.settings.emplace_back(v.key, value);
                r.label += (r.label.empty() ? "" : " ") + v.key + "=" + value;
                next.push_back(r);
            }
        runs = next;
    }
    for (Run& r : runs) {
        r.args = {"run"};
        r.args.insert(r.args.end(), o.run_args.begin(), o.run_args.end());
        for (const auto& [key, value] : r.settings) {
            if (key == "soc" || key == "net")
                r.args.insert(r.args.end(), {"--" + key, value});  // later options win
            else
                r.args.insert(r.args.end(), {"--set", key + "=" + value});
        }
    }
    return runs;
}

// A private folder (mkdtemp: unpredictable, mode 0700) for the runs' reports and
// messages; removed with its contents when the sweep ends, whichever way.
class PrivateFolder {
public:
    PrivateFolder() {
        const char* tmp = std::getenv("TMPDIR");
        std::string name = std::string(tmp && *tmp ? tmp : "/tmp") + "/vitsim-sweep-XXXXXX";
        if (!::mkdtemp(name.data())) throw CommandError(kExitInternal, "cannot create a temporary folder in " + name);
        path_ = name;
    }
    ~PrivateFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    PrivateFolder(const PrivateFolder&) = delete;
    PrivateFolder& operator=(const PrivateFolder&) = delete;
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

std::string self_path() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) throw CommandError(kExitInternal, "cannot find the vitsim executable (/proc/self/exe)");
    return std::string(buf, size_t(n));
}

// Starts `exe ARGS` with stdout discarded and stderr into `err_path`.
pid_t start_child(const std::string& exe, const std::vector<std::string>& args, const std::string& err_path) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(exe.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw CommandError(kExitInternal, "cannot start " + exe);
    return pid;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// What one run gave: its exit code, and its report (vitsim run writes one also when
// it fails, with "status" and "error"; none for a bad command line).
struct Outcome {
    int exit_code = 0;
    json report;        // null when there is none
    std::string error;  // the run's one line on stderr ("vitsim: " removed)
};

// Runs every run, `jobs` at a time; outcomes in the runs' order.
std::vector<Outcome> run_all(const std::vector<Run>& runs, unsigned jobs, Progress& progress) {
    const std::string exe = self_path();
    const PrivateFolder tmp;
    std::vector<Outcome> outcomes(runs.size());
    std::map<pid_t, size_t> running;
    size_t next = 0, done = 0;
    auto report_path = [&](size_t i) { return tmp.file("run" + std::to_string(i) + ".json"); };
    auto err_path = [&](size_t i) { return tmp.file("run" + std::to_string(i) + ".err"); };
    while (done < runs.size()) {
        while (running.size() < jobs && next < runs.size()) {
            std::vector<std::string> args = runs[next].args;
            args.insert(args.end(), {"--json", report_path(next)});
            running[start_child(exe, args, err_path(next))] = next;
            next++;
        }
        progress.runs(done, runs.size(), runs[running.begin()->second].label);
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        auto it = running.find(pid);
        if (it == running.end()) continue;
        const size_t i = it->second;
        running.erase(it);
        done++;
        Outcome& out = outcomes[i];
        out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : kExitInternal;
        std::string err = read_text(err_path(i));
        while (!err.empty() && err.back() == '\n') err.pop_back();
        if (err.rfind("vitsim: ", 0) == 0) err.erase(0, 8);
        out.error = one_line(err);
        try {
            if (std::filesystem::exists(report_path(i))) out.report = json::parse(read_text(report_path(i)));
        } catch (const json::exception&) {
            out.report = nullptr;  // the run's own failure says why
        }
    }
    progress.clear();
    return outcomes;
}

// Cycles and the largest RAM need of the layers with op `op` (the attention layers).
std::pair<uint64_t, uint64_t> op_figures(const json& report, const std::string& op) {
    uint64_t cycles = 0, peak = 0;
    for (const json& l : report.value("layers", json::array()))
        if (l.value("op", "") == op) {
            cycles += l.value("cycles", uint64_t{0});
            peak = std::max(peak, l.value("sram_peak_bytes", uint64_t{0}));
        }
    return {cycles, peak};
}

// "ok", "golden mismatch", or "failed (115): <why>".
std::string status_text(const Outcome& o) {
    if (o.exit_code == 0) return "ok";
    if (o.exit_code == kExitGolden) return "golden mismatch";
    return "failed (" + std::to_string(o.exit_code) + "): " + o.error;
}

json row_json(const Run& run, const Outcome& o) {
    json settings = json::object();
    for (const auto& [key, value] : run.settings) settings[key] = value;
    json row = {{"variant", run.label}, {"settings", settings}};
    const json& r = o.report;
    row["soc"] = r.is_object() ? r.value("soc", json(nullptr)) : json(nullptr);
    row["network"] = r.is_object() ? r.value("network", json(nullptr)) : json(nullptr);
    row["options"] = r.is_object() ? r.value("options", json::object()) : json::object();
    row["status"] = o.exit_code == 0 ? "ok" : "failed";
    row["exit_code"] = o.exit_code;
    if (o.exit_code != 0) row["error"] = o.error;
    if (r.is_object() && r.contains("totals")) {
        const json& t = r["totals"];
        const auto [attn_cycles, attn_peak] = op_figures(r, "mhsa");
        row["cycles"] = t.value("cycles", uint64_t{0});
        row["sim_time_s"] = t.value("sim_time_s", 0.0);
        row["mac_per_cycle"] = t.value("mac_per_cycle", 0.0);
        row["ram_linked_bytes"] = t.contains("ram") ? t["ram"].value("linked_bytes", uint64_t{0}) : 0;
        row["sram_peak_bytes"] = t.value("sram_peak_bytes", uint64_t{0});
        row["flash_bytes"] = t.value("flash_bytes", uint64_t{0});
        row["attention_cycles"] = attn_cycles;
        row["attention_sram_peak_bytes"] = attn_peak;
        row["golden_match"] = r.value("golden_match", false);
    }
    if (r.is_object() && r.contains("inputs") && r["inputs"].is_object()) {  // vitsim run --inputs: accuracy
        row["top1_accuracy"] = r["inputs"].value("top1_accuracy", json(nullptr));
        row["cycles_per_inference"] = r["inputs"]["cycles_per_inference"].value("mean", 0.0);
    }
    return row;
}

std::string number(const json& row, const char* key) {
    return row.contains(key) ? row[key].dump() : "";
}

std::string csv_text(const json& rows) {
    std::ostringstream out;
    out << "variant,soc,network,status,exit_code,cycles,mac_per_cycle,ram_linked_bytes,sram_peak_bytes,flash_bytes,"
           "attention_cycles,attention_sram_peak_bytes,error,top1_accuracy\n";
    auto text = [](const json& v) { return v.is_string() ? v.get<std::string>() : std::string(); };
    for (const json& row : rows)
        out << '"' << text(row["variant"]) << "\"," << text(row["soc"]) << ',' << text(row["network"]) << ','
            << text(row["status"]) << ',' << row["exit_code"].dump() << ',' << number(row, "cycles") << ','
            << number(row, "mac_per_cycle") << ',' << number(row, "ram_linked_bytes") << ','
            << number(row, "sram_peak_bytes") << ',' << number(row, "flash_bytes") << ','
            << number(row, "attention_cycles") << ',' << number(row, "attention_sram_peak_bytes") << ",\""
            << (row.contains("error") ? text(row["error"]) : "") << "\","
            << (row.contains("top1_accuracy") && !row["top1_accuracy"].is_null() ? row["top1_accuracy"].dump() : "")
            << '\n';
    return out.str();
}

void print_row(const json& row, const std::string& run_status) {
    const std::string variant = row["variant"].get<std::string>();
    std::string status = run_status;  // with --inputs and labels: the top-1 accuracy after it
    if (row.contains("top1_accuracy") && row["top1_accuracy"].is_number()) {
        char accuracy[32];
        std::snprintf(accuracy, sizeof accuracy, "  top-1 %.2f%%", 100 * row["top1_accuracy"].get<double>());
        status += accuracy;
    }
    if (!row.contains("cycles")) {
        std::printf("%-52.52s %78s  %s\n", variant.c_str(), "", status.c_str());
        return;
    }
    std::printf("%-52.52s %13" PRIu64 " %7.2f %10" PRIu64 " %10" PRIu64 " %13" PRIu64 " %10" PRIu64 "  %s\n",
                variant.c_str(), row["cycles"].get<uint64_t>(), row["mac_per_cycle"].get<double>(),
                row["ram_linked_bytes"].get<uint64_t>(), row["sram_peak_bytes"].get<uint64_t>(),
                row["attention_cycles"].get<uint64_t>(), row["attention_sram_peak_bytes"].get<uint64_t>(),
                status.c_str());
}

}  // namespace

int run_sweep_command(const std::vector<std::string>& args) {
    const SweepOptions o = parse_sweep_options(args);
    if (!o.json_out.empty()) check_output_path("--json", o.json_out);
    if (!o.csv_out.empty()) check_output_path("--csv", o.csv_out);
    check_variations(o.vary);
    const std::vector<Run> runs = plan_runs(o);

    Progress progress;  // on a terminal: run i/N and the elapsed time
    const std::vector<Outcome> outcomes = run_all(runs, o.jobs, progress);

    std::printf("%-52s %13s %7s %10s %10s %13s %10s  %s\n", "variant", "cycles", "MAC/cyc", "RAM linked",
                "layer peak", "attn cycles", "attn peak", "status");
    json rows = json::array();
    size_t failed = 0;
    const Outcome* first_failure = nullptr;
    const Run* first_failed_run = nullptr;
    for (size_t i = 0; i < runs.size(); i++) {
        rows.push_back(row_json(runs[i], outcomes[i]));
        print_row(rows.back(), status_text(outcomes[i]));
        if (outcomes[i].exit_code != 0) {
            failed++;
            if (!first_failure) first_failure = &outcomes[i], first_failed_run = &runs[i];
        }
    }
    std::fflush(stdout);
    if (!o.json_out.empty())
        write_json_file(o.json_out, {{"schema", "vitsim-sweep/2"},
                                     {"status", failed ? "failed" : "ok"},
                                     {"run_args", o.run_args},
                                     {"runs", rows}});
    if (!o.csv_out.empty()) write_text_file(o.csv_out, csv_text(rows));
    if (first_failure)
        throw CommandError(first_failure->exit_code, std::to_string(failed) + " of " + std::to_string(runs.size()) +
                                                         " runs failed; first: " + first_failed_run->label + ": " +
                                                         status_text(*first_failure));
    return 0;
}

}  // namespace vitsim
