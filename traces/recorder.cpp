#include "traces/recorder.h"

#include <algorithm>

#include "sim/options.h"

namespace vitsim {

namespace {

uint64_t total_accesses(const AccessCounters& c) {
    uint64_t n = 0;
    for (int w = 0; w < 3; w++) n += c.reads[w] + c.writes[w];
    return n;
}

StallCounters minus(const StallCounters& a, const StallCounters& b) {
    return {a.load_use - b.load_use, a.branch - b.branch, a.muldiv - b.muldiv, a.memory - b.memory, a.fetch - b.fetch};
}

// A layer by name, or by index when the run has no names (vitsim elf: layer:3).
uint32_t layer_id(const std::string& option, const TraceBound& bound, const std::vector<std::string>& names) {
    const std::string& n = bound.layer;
    if (names.empty() && n.size() <= 9 && n.find_first_not_of("0123456789") == std::string::npos)
        return uint32_t(std::stoul(n));
    if (names.empty()) throw UsageError(option + ": this program's layers have no names: give layer:INDEX, e.g. layer:3");
    const auto it = std::find(names.begin(), names.end(), n);
    if (it == names.end())
        throw UsageError(option + ": no layer '" + bound.layer + "' in this run" +
                         (names.empty() ? "" : " (layers: " + names.front() + " ... " + names.back() + ")"));
    return uint32_t(it - names.begin());
}

}  // namespace

// The interval's state: a worker with nothing executed is asleep ("asleep:barrier",
// "asleep:dma_wait") or "idle" (not forked). Otherwise the largest of the stall and
// sleep causes when they took more than half of its cycles ("stalled:memory",
// "stalled:bank_conflict", "asleep" for a clock-gated FC), else "running"; "halted"
// once stopped.
std::string resting_state(const std::string& activity) {
    return activity == "idle" ? activity : "asleep:" + activity;
}

std::string core_state(const CoreSample& s) {
    const std::string activity = s.activity;
    if (s.instructions == 0 && activity != "running") return resting_state(activity);
    const std::pair<const char*, uint64_t> causes[] = {
        {"stalled:load_use", s.stalls.load_use}, {"stalled:branch", s.stalls.branch},
        {"stalled:muldiv", s.stalls.muldiv},     {"stalled:memory", s.stalls.memory},
        {"stalled:fetch", s.stalls.fetch},       {"stalled:bank_conflict", s.cluster.bank_conflict},
        {"asleep", s.sleep_cycles},              {"asleep:barrier", s.cluster.barrier},
        {"asleep:dma_wait", s.cluster.dma_wait}, {"idle", s.cluster.idle}};
    uint64_t total = 0;
    const auto* largest = &causes[0];
    for (const auto& c : causes) {
        total += c.second;
        if (c.second > largest->second) largest = &c;
    }
    return 2 * total > s.cycles ? largest->first : "running";
}

TraceRecorder::TraceRecorder(Soc& soc, const TraceBound& from, const TraceBound& to,
                             const std::vector<std::string>& layer_names)
    : soc_(soc),
      cores_(soc.core_count()),
      last_(soc.core_count()),
      last_blocked_(soc.core_count(), 0),
      has_baseline_(soc.core_count(), true),  // from reset: every counter is zero
      last_accesses_(soc.memory_count(), 0) {
    const uint64_t period_ps = soc.core(0).config().clock_period.value();
    if (from.kind == TraceBound::Kind::kCycle) from_ps_ = from.cycle * period_ps;
    if (from.kind == TraceBound::Kind::kNone) from_ps_ = 0;
    if (to.kind == TraceBound::Kind::kCycle) to_ps_ = to.cycle * period_ps;
    if (from.kind == TraceBound::Kind::kLayer) from_layer_ = layer_id("--trace-from", from, layer_names);
    if (to.kind == TraceBound::Kind::kLayer) to_layer_ = layer_id("--trace-to", to, layer_names);
    if (from_ps_ == uint64_t{0})  // from reset: every counter is zero
        last_activity_.emplace(SocActivity{}, std::vector<AccessCounters>(soc.memory_count()));
    for (size_t i = 0; i < soc.core_count(); i++)
        soc.core(i).on_quantum([this, i](const Core& core) { sample(i, core); });
    soc.dma().log_transfers(true);
    if (Cluster* cluster = soc.cluster()) {
        workers_.resize(cluster->cores());
        if (from_ps_ == uint64_t{0}) cluster_baseline_.emplace();  // from reset: zero
        cluster->on_quantum([this, cluster](uint64_t end_ps) { sample_cluster(*cluster, end_ps); });
    }
}

// Layer bounds become times when their markers are written: the first begin of the
// from-layer, then the first end of the to-layer inside the window.
void TraceRecorder::follow_markers() {
    const std::vector<SimCtrlEvent>& events = soc_.simctrl().events();
    for (; events_seen_ < events.size(); events_seen_++) {
        const SimCtrlEvent& e = events[events_seen_];
        if (from_layer_ && !from_ps_ && e.kind == SimCtrlEvent::Kind::kLayerBegin && e.id == *from_layer_) {
            from_ps_ = e.time.value();
            if (e.hartid < last_.size()) {
                take_baseline(e.hartid, e.counters, from_ps_.value());
                last_blocked_[e.hartid] = soc_.core(e.hartid).blocked_cycles();
            }
            if (soc_.cluster()) {
                cluster_baseline_ = soc_.cluster()->counters();
                cluster_end_ps_ = *from_ps_;
            }
        }
        if (to_layer_ && from_ps_ && !to_ps_ && e.kind == SimCtrlEvent::Kind::kLayerEnd && e.id == *to_layer_)
            to_ps_ = e.time.value();
    }
}

// An interval is kept when it overlaps the window; an open bound keeps it.
bool TraceRecorder::wanted(uint64_t begin_ps, uint64_t end_ps) const {
    if (!from_ps_ || end_ps < *from_ps_) return false;
    return !to_ps_ || begin_ps <= *to_ps_;
}

// The next interval of this length reaches the window's start: take a baseline now.
bool TraceRecorder::entering(uint64_t begin_ps, uint64_t end_ps) const {
    return from_ps_ && end_ps < *from_ps_ && end_ps + (end_ps - begin_ps) >= *from_ps_;
}

// Iss::counters() walks the decode cache (instruction counts live in the decoded
// entries): it costs tens of microseconds, more than simulating a quantum. Outside
// the window it is not called; the first interval inside starts from the from-layer
// marker's snapshot, or from counters taken one quantum before a cycle bound.
void TraceRecorder::sample(size_t index, const Core& core) {
    follow_markers();
    CoreSample& last = last_[index];
    const uint64_t begin_ps = last.end_ps, end_ps = sc_core::sc_time_stamp().value();
    if (index == 0) sample_memories(begin_ps, end_ps);  // cheap: keeps the access totals current
    if (!wanted(begin_ps, end_ps)) {
        last.end_ps = end_ps;
        last_blocked_[index] = core.blocked_cycles();
        has_baseline_[index] = false;
        if (entering(begin_ps, end_ps)) take_baseline(index, core.iss().counters(), end_ps);
        if (index == 0) sample_power(begin_ps, end_ps, false);
        return;
    }
    if (index == 0) sample_power(begin_ps, end_ps, true);
    const HartCounters now = core.iss().counters();
    const bool recorded = has_baseline_[index];
    CoreSample s;
    s.begin_ps = begin_ps;
    s.end_ps = end_ps;
    s.cycles = now.cycles - last.cycles;
    s.instructions = now.instructions - last.instructions;
    s.stalls = minus(now.stalls, last.stalls);
    s.sleep_cycles = now.sleep_cycles - last.sleep_cycles;
    // Cycles blocked in the cluster's JOIN are asleep (as the energy model counts them).
    const uint64_t blocked = std::min(core.blocked_cycles() - last_blocked_[index], s.stalls.memory);
    s.stalls.memory -= blocked;
    s.sleep_cycles += blocked;
    s.pc = core.iss().pc();
    s.halted = core.finished();
    take_baseline(index, now, end_ps);
    last_blocked_[index] = core.blocked_cycles();
    if (recorded) cores_[index].push_back(s);
}

void TraceRecorder::take_baseline(size_t index, const HartCounters& counters, uint64_t at_ps) {
    CoreSample& last = last_[index];
    last.end_ps = at_ps;
    last.cycles = counters.cycles;
    last.instructions = counters.instructions;
    last.stalls = counters.stalls;
    last.sleep_cycles = counters.sleep_cycles;
    has_baseline_[index] = true;
}

void TraceRecorder::sample_memories(uint64_t begin_ps, uint64_t end_ps) {
    MemorySample m{begin_ps, end_ps, {}};
    for (size_t i = 0; i < soc_.memory_count(); i++) {
        const uint64_t total = total_accesses(soc_.memory(i).counters());
        m.accesses.push_back(total - last_accesses_[i]);
        last_accesses_[i] = total;
    }
    if (wanted(begin_ps, end_ps)) memories_.push_back(std::move(m));
}

// Like Iss::counters(), the activity of every core is dear: it is read at the quanta
// inside the window and at the one before it only. `record`: the quantum is inside.
void TraceRecorder::sample_power(uint64_t begin_ps, uint64_t end_ps, bool record) {
    const EnergyParams& params = soc_.profile().energy;
    if (!params.present) return;
    if (!record && !entering(begin_ps, end_ps)) {
        last_activity_.reset();
        return;
    }
    std::vector<AccessCounters> accesses;
    for (size_t i = 0; i < soc_.memory_count(); i++) accesses.push_back(soc_.memory(i).counters());
    auto now = std::make_pair(soc_.activity(), std::move(accesses));
    if (record && last_activity_ && end_ps > begin_ps) {
        std::vector<AccessCounters> delta;
        for (size_t i = 0; i < now.second.size(); i++) delta.push_back(now.second[i] - last_activity_->second[i]);
        const uint64_t period_ps = soc_.core(0).config().clock_period.value();
        const EnergyBreakdown e = estimate_energy(params, soc_.profile().clock_hz, now.first - last_activity_->first,
                                                  delta, (end_ps - begin_ps) / period_ps);
        const double seconds = double(end_ps - begin_ps) * 1e-12;
        PowerSample p{begin_ps, end_ps, {}, average_power_mw(e.total(), seconds)};
        for (int64_t fj : e.domains) p.domain_mw.push_back(average_power_mw(fj, seconds));
        power_.push_back(std::move(p));
    }
    last_activity_ = std::move(now);
}

// Like the cores' counters, the cluster's are read inside the window (and one
// quantum before it) only.
void TraceRecorder::sample_cluster(const Cluster& cluster, uint64_t end_ps) {
    follow_markers();
    const uint64_t begin_ps = cluster_end_ps_;
    cluster_end_ps_ = end_ps;
    const bool keep = wanted(begin_ps, end_ps);
    if (!keep && !entering(begin_ps, end_ps)) {
        cluster_baseline_.reset();
        return;
    }
    ClusterCounters now = cluster.counters();
    if (keep && cluster_baseline_) {
        const ClusterCounters d = now - *cluster_baseline_;
        for (unsigned i = 0; i < cluster.cores(); i++) {
            CoreSample s;
            s.begin_ps = begin_ps;
            s.end_ps = end_ps;
            s.cycles = d.cores[i].hart.cycles;
            s.instructions = d.cores[i].hart.instructions;
            s.stalls = d.cores[i].hart.stalls;
            s.cluster = d.cores[i].stalls;
            s.activity = cluster.activity(i);
            s.pc = cluster.hart(i).pc();
            workers_[i].push_back(s);
        }
        cluster_dma_.push_back({begin_ps, end_ps, d.dma.bytes, d.dma.bytes > 0 || cluster.dma_busy()});
    }
    cluster_baseline_ = std::move(now);
}

TraceSpan TraceRecorder::span() const {
    const uint64_t end = sc_core::sc_time_stamp().value();
    TraceSpan s;
    s.from_ps = std::min(from_ps_.value_or(end), end);
    s.to_ps = std::max(s.from_ps, std::min(to_ps_.value_or(end), end));
    return s;
}

}  // namespace vitsim
