// vitsim sweep: runs `vitsim run` once per combination of --vary values (each in its
// own process: SystemC elaborates once per process; several at a time with -j) and
// tabulates what each choice costs in cycles and saves in RAM.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include "deploy/network.h"
#include "deploy/options.h"
#include "deploy/weights.h"
#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/failure.h"
#include "sim/files.h"
#include "sim/options.h"
#include "sim/pareto.h"
#include "sim/plot.h"
#include "sim/progress.h"
#include "sim/report.h"
#include "soc/profile.h"

namespace vitsim {

const char* const kSweepUsage =
    "vitsim sweep --vary KEY=V1,V2[,...] [--vary ...] [-j N] [--json OUT] [--csv OUT] [--plot OUT] [any 'vitsim run' option]";
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
    std::string json_out, csv_out, plot_out;
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

// The texts of sweep's own options; the rest goes to the runs.
struct SweepOptionTexts {
    std::vector<std::string> vary;
    std::string jobs;
};

void add_sweep_options(OptionParser& parser, SweepOptions& o, SweepOptionTexts& texts) {
    parser.add_list("vary", &texts.vary, "KEY=V1,V2",
                    "a deployment option (--set key), soc or net (NET.json:WEIGHTS.vswt: a network with its own "
                    "weights), and its values; repeatable (a key given twice gets the values of both): every "
                    "combination runs");
    parser.add_value(",j", &texts.jobs, "N", "runs at a time (default: the host's cores)");
    parser.add_value("json", &o.json_out, "OUT",
                     "every run: soc, network, options, status, totals and pareto (schema vitsim-sweep/2)");
    parser.add_value("csv", &o.csv_out, "OUT", "the table as CSV");
    parser.add_value("plot", &o.plot_out, "OUT", "the Pareto front of the runs, OUT.svg or OUT.png (as 'vitsim plot')");
}

SweepOptions parse_sweep_options(const std::vector<std::string>& args) {
    SweepOptions o;
    SweepOptionTexts texts;
    OptionParser parser("sweep");
    add_sweep_options(parser, o, texts);
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
    for (const std::string& arg : o.run_args)  // each run's report comes back on its standard output
        if (arg == "--console")
            throw UsageError("'vitsim sweep' shows no firmware console (--console): use 'vitsim run --console'");
    if (texts.vary.empty()) throw UsageError("'vitsim sweep' needs at least one --vary KEY=V1,V2");
    for (const std::string& text : texts.vary) add_vary(o.vary, text);
    if (!texts.jobs.empty()) {
        const uint64_t n = parse_count("-j", texts.jobs);
        if (n == 0 || n > 256) throw UsageError("-j: expected 1 to 256 runs at a time, got '" + texts.jobs + "'");
        o.jobs = unsigned(n);
    }
    return o;
}

// A `--vary net=` value: a network (built-in name or .json path), optionally with
// its own weights file after a ':' ("out/digits-lr0.5.json:out/digits-lr0.5.vswt").
struct NetChoice {
    std::string net, weights;  // weights empty: the run's --weights, or the seed's
};

NetChoice split_net(const std::string& value) {
    size_t colon = value.find(".json:");
    if (colon != std::string::npos)
        colon += 5;
    else if (value.size() < 5 || value.compare(value.size() - 5, 5, ".json") != 0)
        colon = value.find(':');  // a built-in name has no ':'
    if (colon == std::string::npos) return {value, ""};
    if (colon + 1 == value.size()) throw UsageError("--vary net: '" + value + "' has no weights file after ':'");
    return {value.substr(0, colon), value.substr(colon + 1)};
}

// The value of run option --NAME (as "--NAME V" or "--NAME=V"; the last wins), or "".
std::string run_option(const std::vector<std::string>& run_args, const std::string& name) {
    std::string value;
    for (size_t i = 0; i < run_args.size(); i++) {
        if (run_args[i] == "--" + name && i + 1 < run_args.size()) value = run_args[i + 1];
        if (run_args[i].rfind("--" + name + "=", 0) == 0) value = run_args[i].substr(name.size() + 3);
    }
    return value;
}

// A varied network loads, and so do the weights it will run with (its own, else the
// runs' --weights) and they fit it: a sweep over imported networks fails here, not
// in every run, when a network is paired with another's weights.
void check_net(const std::string& value, const std::vector<std::string>& run_args) {
    const NetChoice choice = split_net(value);
    const deploy::NetworkSpec spec = deploy::load_network(choice.net);
    const std::string weights = choice.weights.empty() ? run_option(run_args, "weights") : choice.weights;
    if (!weights.empty()) deploy::validate_weights(spec.graph, deploy::load_weights(weights), weights);
}

// Every value is checked before anything runs: a deployment option by the deploy
// tool's parser (exit 110), a profile or a network (and its weights) by loading it
// (exit 111).
void check_variations(const std::vector<Variation>& vary, const std::vector<std::string>& run_args) {
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
                check_net(value, run_args);
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
            if (key == "net") {  // later options win
                const NetChoice choice = split_net(value);
                r.args.insert(r.args.end(), {"--net", choice.net});
                if (!choice.weights.empty()) r.args.insert(r.args.end(), {"--weights", choice.weights});
            } else if (key == "soc")
                r.args.insert(r.args.end(), {"--" + key, value});
            else
                r.args.insert(r.args.end(), {"--set", key + "=" + value});
        }
    }
    return runs;
}

std::string self_path() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) throw CommandError(kExitInternal, "cannot find the vitsim executable (/proc/self/exe)");
    return std::string(buf, size_t(n));
}

// What one run gave: its exit code, and its report (vitsim run writes one also when
// it fails, with "status" and "error"; none for a bad command line).
struct Outcome {
    int exit_code = 0;
    json report;        // null when there is none
    std::string error;  // the run's one line on stderr ("vitsim: " removed)
};

// The runs as child processes (Boost.Process), `jobs` at a time: each writes its report
// on its standard output (--json -) and its one line of failure on stderr, both read
// through pipes while it runs. A run's exit starts the next one.
class RunPool {
public:
    RunPool(const std::vector<Run>& runs, unsigned jobs, Progress& progress)
        : runs_(runs), jobs_(jobs), progress_(progress), out_(runs.size()), err_(runs.size()), codes_(runs.size()) {
        children_.reserve(runs.size());
    }

    // Outcomes in the runs' order, whatever order they finished in.
    std::vector<Outcome> run_all() {
        while (next_ < runs_.size() && next_ < jobs_) start_next();
        io_.run();  // returns when every child has exited and its pipes are read to the end
        progress_.clear();
        std::vector<Outcome> outcomes(runs_.size());
        for (size_t i = 0; i < runs_.size(); i++) outcomes[i] = outcome(i);
        return outcomes;
    }

private:
    void start_next() {
        const size_t i = next_++;
        std::vector<std::string> args = runs_[i].args;
        args.insert(args.end(), {"--json", "-"});
        progress_.runs(done_, runs_.size(), runs_[i].label);
        try {
            children_.emplace_back(exe_, boost::process::args(args), boost::process::std_in < boost::process::null,
                                   boost::process::std_out > out_[i], boost::process::std_err > err_[i], io_,
                                   boost::process::on_exit([this, i](int code, const std::error_code& ec) {
                                       codes_[i] = ec ? kExitInternal : code;
                                       finished(i);
                                   }));
        } catch (const boost::process::process_error& e) {
            throw CommandError(kExitInternal, "cannot start " + exe_ + ": " + e.what());
        }
    }

    void finished(size_t i) {
        done_++;
        progress_.runs(done_, runs_.size(), runs_[i].label);
        // Posted, not called: Boost.Process 1.74 calls this from a loop over its waiting
        // children, which starting a child here would change under it.
        boost::asio::post(io_, [this] {
            if (next_ < runs_.size()) start_next();
        });
    }

    Outcome outcome(size_t i) {
        Outcome o;
        const int status = children_[i].native_exit_code();
        o.exit_code = WIFSIGNALED(status) ? kExitInternal : codes_[i];
        std::string err = err_[i].get();
        while (!err.empty() && err.back() == '\n') err.pop_back();
        if (err.rfind("vitsim: ", 0) == 0) err.erase(0, 8);
        o.error = one_line(WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status)) : err);
        try {
            const std::string report = out_[i].get();
            if (!report.empty()) o.report = json::parse(report);
        } catch (const json::exception&) {
            o.report = nullptr;  // the run's own failure says why
        }
        return o;
    }

    const std::vector<Run>& runs_;
    const unsigned jobs_;
    Progress& progress_;
    const std::string exe_ = self_path();
    boost::asio::io_context io_;
    std::vector<std::future<std::string>> out_, err_;
    std::vector<int> codes_;
    std::vector<boost::process::child> children_;  // in the runs' order
    size_t next_ = 0, done_ = 0;
};

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
        if (t.contains("energy_uj")) row["energy_uj"] = t["energy_uj"];
    }
    if (r.is_object() && r.contains("inputs") && r["inputs"].is_object()) {  // vitsim run --inputs: accuracy
        const json& batch = r["inputs"];
        row["top1_accuracy"] = batch.value("top1_accuracy", json(nullptr));
        row["cycles_per_inference"] = batch["cycles_per_inference"].value("mean", 0.0);
        row["energy_uj_per_inference"] = batch["energy_uj_per_inference"].is_object()
                                             ? batch["energy_uj_per_inference"]["mean"]
                                             : json(nullptr);
    }
    return row;
}

// Marks every row "pareto": true when no other successful run is at least as fast,
// as small in peak SRAM (as frugal in energy, when every run has it; as accurate,
// when every run has a top-1) and better in one of them; failed runs are never on
// the front.
void mark_pareto(json& rows) {
    std::vector<size_t> ok;
    bool energy = true, accuracy = true;
    for (size_t i = 0; i < rows.size(); i++)
        if (rows[i]["status"] == "ok" && rows[i].contains("cycles")) {
            ok.push_back(i);
            energy = energy && rows[i].contains("energy_uj");
            accuracy = accuracy && rows[i].contains("top1_accuracy") && rows[i]["top1_accuracy"].is_number();
        }
    std::vector<Objectives> points;
    for (size_t i : ok) {
        const json& row = rows[i];
        points.push_back({row["sim_time_s"].get<double>(), double(row["sram_peak_bytes"].get<uint64_t>())});
        if (energy) points.back().push_back(row["energy_uj"].get<double>());
        if (accuracy) points.back().push_back(-row["top1_accuracy"].get<double>());  // higher is better
    }
    const std::vector<bool> optimal = pareto_optimal(points);
    for (json& row : rows) row["pareto"] = false;
    for (size_t k = 0; k < ok.size(); k++) rows[ok[k]]["pareto"] = bool(optimal[k]);
}

std::string number(const json& row, const char* key) {
    return row.contains(key) ? row[key].dump() : "";
}

std::string csv_text(const json& rows) {
    std::ostringstream out;
    out << "variant,soc,network,status,exit_code,cycles,mac_per_cycle,ram_linked_bytes,sram_peak_bytes,flash_bytes,"
           "attention_cycles,attention_sram_peak_bytes,energy_uj,pareto,error,top1_accuracy,cycles_per_inference,"
           "energy_uj_per_inference\n";
    auto text = [](const json& v) { return v.is_string() ? v.get<std::string>() : std::string(); };
    for (const json& row : rows)
        out << '"' << text(row["variant"]) << "\"," << text(row["soc"]) << ',' << text(row["network"]) << ','
            << text(row["status"]) << ',' << row["exit_code"].dump() << ',' << number(row, "cycles") << ','
            << number(row, "mac_per_cycle") << ',' << number(row, "ram_linked_bytes") << ','
            << number(row, "sram_peak_bytes") << ',' << number(row, "flash_bytes") << ','
            << number(row, "attention_cycles") << ',' << number(row, "attention_sram_peak_bytes") << ','
            << number(row, "energy_uj") << ',' << row["pareto"].dump() << ",\""
            << (row.contains("error") ? text(row["error"]) : "") << "\","
            << (row.contains("top1_accuracy") && !row["top1_accuracy"].is_null() ? row["top1_accuracy"].dump() : "")
            << ',' << number(row, "cycles_per_inference") << ','
            << (row.contains("energy_uj_per_inference") && !row["energy_uj_per_inference"].is_null()
                    ? row["energy_uj_per_inference"].dump()
                    : "")
            << '\n';
    return out.str();
}

// With --inputs the table is per inference (cycles and energy: the samples' means;
// the attention columns are the last sample's layers) with each run's top-1.
bool per_inference(const json& rows) {
    for (const json& row : rows)
        if (row.contains("cycles_per_inference")) return true;
    return false;
}

void print_header(bool inputs) {
    std::printf("%-52s %13s %7s %10s %10s %13s %10s %12s %s%6s  %s\n", "variant", inputs ? "cycles/inf" : "cycles",
                "MAC/cyc", "RAM linked", "layer peak", "attn cycles", "attn peak", inputs ? "uJ/inf" : "energy uJ",
                inputs ? "  top-1 " : "", "pareto", "status");
}

void print_row(const json& row, const std::string& status, bool inputs) {
    const std::string variant = row["variant"].get<std::string>();
    if (!row.contains("cycles")) {
        std::printf("%-52.52s %81s %s%6s  %s\n", variant.c_str(), "", inputs ? "        " : "", "", status.c_str());
        return;
    }
    const char* energy_key = inputs ? "energy_uj_per_inference" : "energy_uj";
    char energy[32] = "-", accuracy[32] = "      -";
    if (row.contains(energy_key) && row[energy_key].is_number())
        std::snprintf(energy, sizeof energy, "%.3f", row[energy_key].get<double>());
    if (row.contains("top1_accuracy") && row["top1_accuracy"].is_number())
        std::snprintf(accuracy, sizeof accuracy, "%6.2f%%", 100 * row["top1_accuracy"].get<double>());
    const uint64_t cycles =
        inputs ? uint64_t(std::llround(row.value("cycles_per_inference", 0.0))) : row["cycles"].get<uint64_t>();
    std::printf("%-52.52s %13" PRIu64 " %7.2f %10" PRIu64 " %10" PRIu64 " %13" PRIu64 " %10" PRIu64 " %12s %s%6s  %s\n",
                variant.c_str(), cycles, row["mac_per_cycle"].get<double>(), row["ram_linked_bytes"].get<uint64_t>(),
                row["sram_peak_bytes"].get<uint64_t>(), row["attention_cycles"].get<uint64_t>(),
                row["attention_sram_peak_bytes"].get<uint64_t>(), energy,
                inputs ? (std::string(accuracy) + " ").c_str() : "", row["pareto"].get<bool>() ? "yes" : "no",
                status.c_str());
}

}  // namespace

std::string sweep_options_help() {
    SweepOptions o;
    SweepOptionTexts texts;
    OptionParser parser("sweep");
    add_sweep_options(parser, o, texts);
    return parser.help() + "  Every other option is passed to each 'vitsim run' (--net, --soc, --set, ...).\n";
}

int run_sweep_command(const std::vector<std::string>& args) {
    const SweepOptions o = parse_sweep_options(args);
    if (!o.json_out.empty()) check_output_path("--json", o.json_out);
    if (!o.csv_out.empty()) check_output_path("--csv", o.csv_out);
    if (!o.plot_out.empty()) check_plot_path("--plot", o.plot_out);
    check_variations(o.vary, o.run_args);
    const std::vector<Run> runs = plan_runs(o);

    Progress progress;  // on a terminal: run i/N and the elapsed time
    const std::vector<Outcome> outcomes = RunPool(runs, o.jobs, progress).run_all();

    json rows = json::array();
    for (size_t i = 0; i < runs.size(); i++) rows.push_back(row_json(runs[i], outcomes[i]));
    mark_pareto(rows);

    const bool inputs = per_inference(rows);
    print_header(inputs);
    size_t failed = 0;
    const Outcome* first_failure = nullptr;
    const Run* first_failed_run = nullptr;
    for (size_t i = 0; i < runs.size(); i++) {
        print_row(rows[i], status_text(outcomes[i]), inputs);
        if (outcomes[i].exit_code != 0) {
            failed++;
            if (!first_failure) first_failure = &outcomes[i], first_failed_run = &runs[i];
        }
    }
    std::fflush(stdout);
    if (!o.json_out.empty())
        write_json_file(o.json_out, {{"schema", kSweepReportSchema},
                                     {"status", failed ? "failed" : "ok"},
                                     {"run_args", o.run_args},
                                     {"runs", rows}});
    if (!o.csv_out.empty()) write_text_file(o.csv_out, csv_text(rows));
    if (!o.plot_out.empty() && failed < runs.size()) {  // a front needs a run that succeeded
        const json report = {{"schema", kSweepReportSchema}, {"runs", rows}};
        plot_sweep(ReportReader("sweep"), report, o.plot_out);
    }
    if (first_failure)
        throw CommandError(first_failure->exit_code, std::to_string(failed) + " of " + std::to_string(runs.size()) +
                                                         " runs failed; first: " + first_failed_run->label + ": " +
                                                         status_text(*first_failure));
    return 0;
}

}  // namespace vitsim
