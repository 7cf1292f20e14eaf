#include "soc/soc.h"

#include <chrono>
#include <cstring>
#include <stdexcept>

#include "arm/arm_hart.h"
#include "iss/hart.h"
#include "vitsim/platform.h"

namespace vitsim {

namespace {
// Each device decodes a 4 KiB window (platform.h spaces them 0x1000 apart).
constexpr uint64_t kDeviceWindow = VITSIM_SIMCTRL_BASE - VITSIM_UART_BASE;

// The instruction-set simulator of the profile's core.
std::unique_ptr<Iss> make_iss(const Profile& profile, uint32_t hartid, IssBus& bus) {
    if (!is_arm(profile.core)) return std::make_unique<Hart>(hartid, profile.timing, profile.isa, bus);
    ArmOptions options;
    // The boot alias resolved: STM32 parts fetch the reset vector from the start of flash.
    options.vector_table = profile.memory(profile.code_memory).base;
    options.cpuid = profile.core == CoreModel::kCortexM7 ? 0x411fc272 : 0x410fc241;  // r1p2 / r0p1
    auto hart = std::make_unique<ArmHart>(hartid, profile.arm_timing, options, bus);
    hart->configure_memory_system(profile.memory_system);  // L1 caches, ART ("caches")
    return hart;
}
}  // namespace

sc_core::sc_time clock_period(uint64_t clock_hz) {
    const sc_core::sc_time period(1.0 / static_cast<double>(clock_hz), sc_core::SC_SEC);
    if (period == sc_core::SC_ZERO_TIME) throw std::invalid_argument("clock too fast for the SystemC time resolution");
    return period;
}

Soc::Soc(sc_core::sc_module_name name, const Profile& profile, const RunOptions& options, ConsoleSink console)
    : sc_module(name), profile_(profile), options_(options), period_(clock_period(profile.clock_hz)) {
    bus_ = std::make_unique<Bus>("bus");

    for (const MemoryTiming& timing : profile_.memories) {
        memories_.push_back(std::make_unique<Memory>(timing.name.c_str(), timing, period_));
        attach(timing.name, timing.base, timing.size, memories_.back()->socket);
    }

    const sc_core::sc_time device_latency = profile_.peripheral_latency * period_;
    const unsigned harts = 1;  // the main core; cluster workers are harts 1..n (below)
    uart_ = std::make_unique<Uart>("uart", device_latency, console);
    simctrl_ = std::make_unique<SimCtrl>("simctrl", device_latency, harts);
    timer_ = std::make_unique<Timer>("timer", device_latency, period_, profile_.clock_hz);
    dma_ = std::make_unique<Dma>("dma", device_latency, period_,
                                 Dma::Timing{profile_.dma.setup_cycles, profile_.dma.bytes_per_cycle});
    attach("uart", VITSIM_UART_BASE, kDeviceWindow, uart_->socket);
    attach("simctrl", VITSIM_SIMCTRL_BASE, kDeviceWindow, simctrl_->socket);
    attach("timer", VITSIM_TIMER_BASE, kDeviceWindow, timer_->socket);
    attach("dma", VITSIM_DMA_BASE, kDeviceWindow, dma_->socket);
    dma_->initiator.bind(bus_->targets_side);
    if (profile_.cluster.cores) make_cluster(console);

    std::vector<std::pair<MemoryTiming, AccessCounters*>> core_memories;
    for (auto& m : memories_) {  // a memory made of parts is a region per part for the core
        const MemoryTiming& t = m->timing();
        if (t.parts.empty()) core_memories.emplace_back(t, &m->counters());
        for (const MemoryTiming& part : t.parts) core_memories.emplace_back(part, &m->counters());
    }
    for (unsigned hartid = 0; hartid < harts; hartid++) {
        CoreConfig config;
        config.hartid = hartid;
        config.clock_period = period_;
        config.quantum = sc_core::sc_time(options_.quantum_us, sc_core::SC_US);
        config.dmi = options_.dmi;
        config.max_cycles = options_.max_cycles;
        const std::string core_name = "core" + std::to_string(hartid);
        const IssFactory make_hart = [this, hartid](IssBus& bus) { return make_iss(profile_, hartid, bus); };
        cores_.push_back(std::make_unique<Core>(core_name.c_str(), config, make_hart, core_memories));
        cores_.back()->socket.bind(bus_->targets_side);
        cores_.back()->set_console(console);
    }

    // Code written by the DMA (or any other initiator) must be decoded again.
    for (auto& m : memories_) {
        if (!m->timing().executable) continue;
        const uint32_t base = m->timing().base;
        m->on_write([this, base](uint64_t offset, uint64_t len) {
            for (auto& core : cores_) core->iss().invalidate_code_range(uint32_t(base + offset), uint32_t(len));
        });
    }

    simctrl_->on_exit([this](int status) {
        for (auto& core : cores_) core->request_exit(status);
    });
    simctrl_->set_counter_source([this](uint32_t hartid) {
        if (hartid < cores_.size()) return cores_[hartid]->iss().counters();
        const uint32_t worker = hartid - uint32_t(cores_.size());
        if (cluster_ && worker < cluster_->cores()) return cluster_->hart(worker).counters();
        return HartCounters{};
    });
    simctrl_->set_activity_snapshot([this] { return activity(); });
    simctrl_->set_memory_snapshot([this] {
        std::vector<AccessCounters> snapshot;
        for (auto& m : memories_) snapshot.push_back(m->counters());
        return snapshot;
    });
    if (cluster_)
        simctrl_->set_cluster_snapshot([this](SimCtrlEvent::Kind kind) {
            ClusterCounters now = cluster_->counters();
            if (kind == SimCtrlEvent::Kind::kLayerBegin) cluster_->clear_l1_touched();  // the layer's own L1 use
            return now;
        });
}

SocActivity Soc::activity() {
    SocActivity a;
    for (auto& core : cores_) {
        // The FC waiting in the cluster's JOIN is asleep on the event unit, not stalled.
        HartCounters c = core->iss().counters();
        const uint64_t blocked = std::min(core->blocked_cycles(), c.stalls.memory);
        c.stalls.memory -= blocked;
        c.sleep_cycles += blocked;
        a.cores.push_back(c);
    }
    a.dma_bytes = dma_->stats().bytes;
    if (!cluster_) return a;
    for (unsigned i = 0; i < cluster_->cores(); i++) {
        HartCounters c = cluster_->hart(i).counters();
        const ClusterStalls s = cluster_->stalls(i);
        c.sleep_cycles = s.barrier + s.dma_wait + s.idle;  // the event unit gates the core's clock
        a.cores.push_back(c);
    }
    a.cluster_dma_bytes = cluster_->dma_stats().bytes;
    if (engine_) {
        const MatrixEngine::Stats& e = engine_->stats();
        a.engine = {e.busy_cycles, e.macs, e.outputs, e.port_bytes, e.register_accesses};
    }
    return a;
}

void Soc::make_cluster(ConsoleSink console) {
    Cluster::Config config;
    config.params = profile_.cluster;
    config.cores = options_.cluster_cores ? options_.cluster_cores : profile_.cluster.cores;
    if (config.cores > 8) throw std::invalid_argument("--cores: at most 8 cluster cores");
    config.timing = profile_.timing;
    config.isa = profile_.isa;
    config.period = period_;
    config.quantum = sc_core::sc_time(options_.quantum_us, sc_core::SC_US);
    config.register_latency = profile_.peripheral_latency;
    std::vector<ClusterMemory> memories;
    for (auto& m : memories_) memories.push_back({m->timing(), m->data(), &m->counters()});
    cluster_ = std::make_unique<Cluster>("cluster", config, memories, console);
    attach("cluster", VITSIM_CLUSTER_BASE, VITSIM_CLUSTER_SIZE, cluster_->regs);
    cluster_->socket.bind(bus_->targets_side);
    const unsigned lanes = profile_.cluster.engine_lanes;
    if (!lanes || !options_.engine) return;
    // The matrix engine: registers on the SoC bus, memory port on the L1 banks.
    const MemoryTiming& l1 = profile_.memory(profile_.cluster.l1_memory);
    engine_ = std::make_unique<MatrixEngine>("engine", profile_.peripheral_latency * period_, period_, lanes, l1.base,
                                             l1.size);
    attach("engine", profile_.cluster.engine_base, VITSIM_ENGINE_SIZE, engine_->socket);
    engine_->mem.bind(cluster_->tcdm);
    cluster_->add_master(*engine_);
    engine_->on_start([this] { cluster_->wake(); });
}

Memory* Soc::memory_at(uint64_t addr, uint64_t len) {
    for (auto& m : memories_) {
        const MemoryTiming& t = m->timing();
        if (addr >= t.base && addr + len <= uint64_t{t.base} + t.size) return m.get();
    }
    return nullptr;
}

// The bus's debug transport is only reachable once SystemC has bound the ports
// (elaboration), but programs are loaded before that; the write goes straight to the
// memory's storage instead, with the same meaning: no time, no counters.
bool Soc::write_memory(uint64_t addr, const void* data, uint64_t len) {
    Memory* m = memory_at(addr, len);
    if (!m) return false;
    if (len) std::memcpy(m->data() + (addr - m->timing().base), data, len);
    return true;
}

bool Soc::read_memory(uint64_t addr, void* data, uint64_t len) {
    Memory* m = memory_at(addr, len);
    if (!m) return false;
    if (len) std::memcpy(data, m->data() + (addr - m->timing().base), len);
    return true;
}

void Soc::reset(uint32_t entry) {
    const MemoryTiming& data = profile_.memory(profile_.data_memory);
    for (auto& core : cores_) core->reset(entry, data.base + data.size);
}

RunResult Soc::run() {
    RunResult result;
    const auto start = std::chrono::steady_clock::now();
    sc_core::sc_start();
    result.host_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Core& main_core = *cores_.front();
    if (cluster_ && !cluster_->failure().empty()) throw ClusterFailure(cluster_->failure());
    if (!main_core.finished())
        throw std::runtime_error("simulation ended before core0 stopped (at " +
                                 sc_core::sc_time_stamp().to_string() + ")");
    result.stop = main_core.stop_reason();
    return result;
}

}  // namespace vitsim
