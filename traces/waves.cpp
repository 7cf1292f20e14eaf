#include "traces/waves.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/exit_codes.h"
#include "sim/profiler.h"

namespace vitsim {

namespace {

// Signals and their value changes, in any order; text() sorts them and writes the
// window: every signal's value at its start, then the changes inside it.
class VcdBuilder {
public:
    size_t wire(const std::string& scope, const std::string& name, unsigned width) { return add(scope, name, width); }
    size_t text_signal(const std::string& scope, const std::string& name) { return add(scope, name, 0); }

    void set(uint64_t t, size_t var, uint64_t value) {
        changes_.push_back({t, var, vars_[var].width == 1 ? std::to_string(value & 1) : "b" + binary(value) + " "});
    }
    void set_unknown(uint64_t t, size_t var) { changes_.push_back({t, var, vars_[var].width == 1 ? "x" : "bx "}); }
    void set_text(uint64_t t, size_t var, const std::string& value) { changes_.push_back({t, var, "s" + word(value) + " "}); }

    std::string text(const TraceSpan& span);

private:
    struct Var {
        std::string scope, name, code;
        unsigned width;  // 0: string
    };
    struct Change {
        uint64_t t;
        size_t var;
        std::string value;  // as written before the code: "1", "b101 ", "sname "
    };

    size_t add(const std::string& scope, const std::string& name, unsigned width) {
        vars_.push_back({scope, name, code_of(vars_.size()), width});
        return vars_.size() - 1;
    }
    static std::string binary(uint64_t v) {
        std::string s;
        do s.insert(s.begin(), char('0' + (v & 1)));
        while (v >>= 1);
        return s;
    }
    // VCD values end at white space: a name keeps its other characters.
    static std::string word(const std::string& s) {
        std::string w = s.empty() ? "-" : s;
        for (char& c : w)
            if (c <= ' ' || c > '~') c = '_';
        return w;
    }
    // Identifier codes: base-94 numbers in the printable characters.
    static std::string code_of(size_t index) {
        std::string code;
        do code += char('!' + index % 94);
        while ((index /= 94) > 0);
        return code;
    }
    std::string header() const;

    std::vector<Var> vars_;
    std::vector<Change> changes_;
};

// Scopes nest by dots ("soc.core0"); signals of one scope are declared together.
std::string VcdBuilder::header() const {
    std::ostringstream out;
    out << "$version vitsim $end\n$timescale 1ps $end\n";
    std::map<std::string, std::vector<const Var*>> by_scope;
    for (const Var& v : vars_) by_scope[v.scope].push_back(&v);
    std::vector<std::string> open;
    for (const auto& [scope, vars] : by_scope) {
        std::vector<std::string> parts;
        std::stringstream path(scope);
        for (std::string p; std::getline(path, p, '.');) parts.push_back(p);
        size_t common = 0;
        while (common < open.size() && common < parts.size() && open[common] == parts[common]) common++;
        for (size_t i = open.size(); i > common; i--) out << "$upscope $end\n";
        open.resize(common);
        for (size_t i = common; i < parts.size(); i++) {
            out << "$scope module " << parts[i] << " $end\n";
            open.push_back(parts[i]);
        }
        for (const Var* v : vars) {
            if (v->width == 0)
                out << "$var string 1 " << v->code << ' ' << v->name << " $end\n";
            else
                out << "$var wire " << v->width << ' ' << v->code << ' ' << v->name
                    << (v->width > 1 ? " [" + std::to_string(v->width - 1) + ":0]" : "") << " $end\n";
        }
    }
    for (size_t i = 0; i < open.size(); i++) out << "$upscope $end\n";
    out << "$enddefinitions $end\n";
    return out.str();
}

std::string VcdBuilder::text(const TraceSpan& span) {
    std::stable_sort(changes_.begin(), changes_.end(), [](const Change& a, const Change& b) { return a.t < b.t; });
    std::vector<std::string> value(vars_.size());
    for (size_t i = 0; i < vars_.size(); i++) value[i] = vars_[i].width == 0 ? "s- " : vars_[i].width == 1 ? "x" : "bx ";
    size_t c = 0;
    for (; c < changes_.size() && changes_[c].t <= span.from_ps; c++) value[changes_[c].var] = changes_[c].value;

    std::string out = header();
    out += "#" + std::to_string(span.from_ps) + "\n$dumpvars\n";
    for (size_t i = 0; i < vars_.size(); i++) out += value[i] + vars_[i].code + "\n";
    out += "$end\n";
    while (c < changes_.size() && changes_[c].t <= span.to_ps) {
        const uint64_t t = changes_[c].t;
        std::map<size_t, std::string> at;  // the last change of a signal at one instant wins
        for (; c < changes_.size() && changes_[c].t == t; c++) at[changes_[c].var] = changes_[c].value;
        std::string lines;
        for (const auto& [var, v] : at)
            if (v != value[var]) {
                value[var] = v;
                lines += v + vars_[var].code + "\n";
            }
        if (!lines.empty()) out += "#" + std::to_string(t) + "\n" + lines;
    }
    if (span.to_ps > span.from_ps) out += "#" + std::to_string(span.to_ps) + "\n";  // the window's end is visible
    return out;
}

void add_core_samples(VcdBuilder& vcd, const std::string& scope, const std::vector<CoreSample>& samples) {
    const size_t state = vcd.text_signal(scope, "state"), pc = vcd.wire(scope, "pc", 32),
                 instructions = vcd.wire(scope, "instructions", 32), stalls = vcd.wire(scope, "stall_cycles", 32);
    for (const CoreSample& s : samples) {
        vcd.set_text(s.begin_ps, state, core_state(s));
        vcd.set(s.begin_ps, instructions, s.instructions);
        vcd.set(s.begin_ps, stalls, s.stalls.load_use + s.stalls.branch + s.stalls.muldiv + s.stalls.memory +
                                        s.stalls.fetch + s.cluster.bank_conflict);
        vcd.set(s.end_ps, pc, s.pc);
        if (s.halted) {
            vcd.set_text(s.end_ps, state, "halted");
            vcd.set(s.end_ps, instructions, 0);
            vcd.set(s.end_ps, stalls, 0);
        }
        // A worker asleep or idle at the sample's end stays so until its next sample
        // (the cluster takes none while nothing is forked); a next sample at the same
        // instant overrides this.
        if (std::string(s.activity) != "running") {
            vcd.set_text(s.end_ps, state, resting_state(s.activity));
            vcd.set(s.end_ps, instructions, 0);
            vcd.set(s.end_ps, stalls, 0);
        }
    }
}

// The cluster DMA per cluster quantum: busy, and the bytes it moved.
void add_cluster_dma(VcdBuilder& vcd, const std::vector<ClusterDmaSample>& samples) {
    if (samples.empty()) return;
    const size_t busy = vcd.wire("soc.cluster.dma", "busy", 1), bytes = vcd.wire("soc.cluster.dma", "bytes", 32);
    for (const ClusterDmaSample& s : samples) {
        vcd.set(s.begin_ps, busy, s.busy);
        vcd.set(s.begin_ps, bytes, s.bytes);
    }
}

// Per core: the innermost open layer (name and index) and the running kernel phase;
// the plan's live and planned SRAM bytes of the layer that began last.
void add_markers(VcdBuilder& vcd, Soc& soc, const std::vector<TraceLayer>& layers) {
    struct HartSignals {
        size_t layer, index, phase;
        std::vector<uint32_t> open;  // layer ids, innermost last
    };
    std::vector<HartSignals> harts;
    for (size_t h = 0; h < soc.core_count(); h++) {
        const std::string scope = "soc.core" + std::to_string(h);
        harts.push_back({vcd.text_signal(scope, "layer"), vcd.wire(scope, "layer_index", 16),
                         vcd.text_signal(scope, "phase"), {}});
    }
    const bool planned = !layers.empty() && layers.front().planned;
    size_t live = 0, need = 0;
    if (planned) {
        live = vcd.wire("soc.plan", "live_bytes", 32);
        need = vcd.wire("soc.plan", "planned_bytes", 32);
    }
    for (const SimCtrlEvent& e : soc.simctrl().events()) {
        if (e.hartid >= harts.size()) continue;
        HartSignals& h = harts[e.hartid];
        const uint64_t t = e.time.value();
        switch (e.kind) {
            case SimCtrlEvent::Kind::kLayerBegin:
                h.open.push_back(e.id);
                if (planned) {
                    vcd.set(t, live, trace_layer(layers, e.id).live_bytes);
                    vcd.set(t, need, trace_layer(layers, e.id).planned_bytes);
                }
                break;
            case SimCtrlEvent::Kind::kLayerEnd: {
                const auto it = std::find(h.open.rbegin(), h.open.rend(), e.id);
                if (it != h.open.rend()) h.open.erase(std::next(it).base());
                break;
            }
            case SimCtrlEvent::Kind::kPhaseBegin: vcd.set_text(t, h.phase, phase_name(e.id)); continue;
            case SimCtrlEvent::Kind::kPhaseEnd: vcd.set_text(t, h.phase, "-"); continue;
            default: continue;
        }
        if (h.open.empty()) {
            vcd.set_text(t, h.layer, "-");
            vcd.set_unknown(t, h.index);
        } else {
            vcd.set_text(t, h.layer, trace_layer(layers, h.open.back()).name);
            vcd.set(t, h.index, h.open.back());
        }
    }
}

// busy while a transfer is queued or moving; bytes_in_flight: the bytes of those.
void add_dma(VcdBuilder& vcd, Soc& soc) {
    const size_t busy = vcd.wire("soc.dma0", "busy", 1), in_flight = vcd.wire("soc.dma0", "bytes_in_flight", 32);
    std::map<uint64_t, int64_t> delta;
    delta[0] += 0;
    for (const Dma::Transfer& x : soc.dma().transfers()) {
        delta[x.requested.value()] += x.bytes;
        delta[x.done.value()] -= x.bytes;
    }
    int64_t bytes = 0;
    for (const auto& [t, d] : delta) {
        bytes += d;
        vcd.set(t, busy, bytes > 0);
        vcd.set(t, in_flight, uint64_t(bytes));
    }
}

void add_memories(VcdBuilder& vcd, Soc& soc, const std::vector<MemorySample>& samples) {
    std::vector<size_t> vars;
    for (const MemoryTiming& m : soc.profile().memories) vars.push_back(vcd.wire("soc." + m.name, "accesses", 32));
    for (const MemorySample& s : samples)
        for (size_t i = 0; i < vars.size() && i < s.accesses.size(); i++) vcd.set(s.begin_ps, vars[i], s.accesses[i]);
}

// Instantaneous power (average over each quantum of core 0) per power domain and in
// total, in microwatts: integers, which every VCD/FST reader shows (as analog too).
void add_power(VcdBuilder& vcd, Soc& soc, const std::vector<PowerSample>& samples) {
    if (samples.empty()) return;
    const size_t total = vcd.wire("soc.power", "total_uw", 32);
    std::vector<size_t> domains;
    for (const DomainEnergy& d : soc.profile().energy.domains) domains.push_back(vcd.wire("soc.power", d.name + "_uw", 32));
    auto uw = [](double mw) { return uint64_t(std::llround(std::max(0.0, mw) * 1000.0)); };
    for (const PowerSample& s : samples) {
        vcd.set(s.begin_ps, total, uw(s.total_mw));
        for (size_t d = 0; d < domains.size() && d < s.domain_mw.size(); d++) vcd.set(s.begin_ps, domains[d], uw(s.domain_mw[d]));
    }
}

// The matrix engine's RTL (profiles with one): its state machine, busy, the array
// computing, and its L1 port (request, write, lost bank, address), clock by clock.
void add_engine(VcdBuilder& vcd, Soc& soc) {
    const MatrixEngine* engine = soc.engine();
    if (!engine) return;
    static const char* const kStates[] = {"idle", "check", "bias", "loadw", "row", "quant", "write"};
    const std::string scope = "soc.cluster.engine";
    const size_t state = vcd.text_signal(scope, "state"), busy = vcd.wire(scope, "busy", 1),
                 array = vcd.wire(scope, "array_active", 1), req = vcd.wire(scope, "mem_req", 1),
                 we = vcd.wire(scope, "mem_we", 1), stall = vcd.wire(scope, "mem_stall", 1),
                 addr = vcd.wire(scope, "mem_addr", 32);
    auto put = [&](uint64_t t, const MatrixEngine::WaveSample& w) {
        vcd.set_text(t, state, w.state < std::size(kStates) ? kStates[w.state] : "?");
        vcd.set(t, busy, w.state != 0);
        vcd.set(t, array, w.array_active);
        vcd.set(t, req, w.mem_req);
        vcd.set(t, we, w.mem_we);
        vcd.set(t, stall, w.mem_stall);
        vcd.set(t, addr, w.mem_addr);
    };
    put(0, MatrixEngine::WaveSample{});  // idle (clock-gated) until the first job
    for (const MatrixEngine::WaveSample& w : engine->waves()) put(w.cycle * engine->period_ps(), w);
}

}  // namespace

std::string waveform_vcd(Soc& soc, const TraceRecorder& recorder, const std::vector<TraceLayer>& layers) {
    VcdBuilder vcd;
    for (size_t i = 0; i < soc.core_count(); i++)
        add_core_samples(vcd, "soc.core" + std::to_string(i), recorder.core_samples()[i]);
    for (size_t i = 0; i < recorder.worker_samples().size(); i++)
        add_core_samples(vcd, "soc.cluster.core" + std::to_string(i), recorder.worker_samples()[i]);
    add_cluster_dma(vcd, recorder.cluster_dma_samples());
    add_markers(vcd, soc, layers);
    add_dma(vcd, soc);
    add_memories(vcd, soc, recorder.memory_samples());
    add_power(vcd, soc, recorder.power_samples());
    add_engine(vcd, soc);
    return vcd.text(recorder.span());
}

namespace {

std::string vcd2fst_path() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/vcd2fst";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return "";
}

}  // namespace

void check_vcd2fst(const std::string& option) {
    if (vcd2fst_path().empty())
        throw CommandError(kExitBadInput, option + ": needs GTKWave's vcd2fst on the PATH (Debian package gtkwave)");
}

// vcd2fst reads and writes files: both live in a private folder removed afterwards.
std::string vcd_to_fst(const std::string& vcd_text) {
    const std::string tool = vcd2fst_path();
    if (tool.empty()) throw CommandError(kExitBadInput, "--fst: needs GTKWave's vcd2fst on the PATH");
    std::string folder = (std::filesystem::temp_directory_path() / "vitsim-fst-XXXXXX").string();
    if (!::mkdtemp(folder.data())) throw CommandError(kExitBadInput, "--fst: cannot make a temporary folder");
    struct RemoveFolder {
        std::string path;
        ~RemoveFolder() {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
    } cleanup{folder};
    const std::string vcd_path = folder + "/trace.vcd", fst_path = folder + "/trace.fst";
    std::ofstream(vcd_path, std::ios::binary) << vcd_text;
    const pid_t child = ::fork();
    if (child == 0) {
        std::freopen("/dev/null", "w", stdout);
        std::freopen("/dev/null", "w", stderr);
        ::execl(tool.c_str(), "vcd2fst", vcd_path.c_str(), fst_path.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw CommandError(kExitBadInput, "--fst: " + tool + " failed to convert the trace");
    std::ifstream in(fst_path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

}  // namespace vitsim
