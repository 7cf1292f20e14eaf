#include "core/core.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include "bus/payload.h"
#include "periph/hart_id_extension.h"

namespace vitsim {

Core::Core(sc_core::sc_module_name name, const CoreConfig& config, const IssFactory& make_iss,
           const std::vector<std::pair<MemoryTiming, AccessCounters*>>& memories)
    : sc_module(name), socket("socket"), config_(config), iss_(make_iss(*this)), memories_(memories) {
    SC_HAS_PROCESS(Core);
    SC_THREAD(run_thread);
    socket.register_invalidate_direct_mem_ptr(this, &Core::invalidate_direct_mem_ptr);
    tlm::tlm_global_quantum::instance().set(config.quantum);
}

void Core::reset(uint32_t entry, uint32_t stack_top) {
    reset_pending_ = true;
    reset_entry_ = entry;
    reset_stack_top_ = stack_top;
    synced_cycles_ = 0;
}

// Memories are attached once the bus is bound: with DMI the core reads and writes
// them through host pointers, without it every access is a bus transaction.
void Core::end_of_elaboration() {
    for (const auto& [timing, counters] : memories_) {
        uint8_t* host = nullptr;
        if (config_.dmi) {
            tlm::tlm_generic_payload tx;
            tlm::tlm_dmi dmi;
            tx.set_address(timing.base);
            tx.set_command(tlm::TLM_READ_COMMAND);
            if (socket->get_direct_mem_ptr(tx, dmi) && dmi.get_start_address() <= timing.base &&
                dmi.get_end_address() >= uint64_t(timing.base) + timing.size - 1)
                host = dmi.get_dmi_ptr() + (timing.base - dmi.get_start_address());
        }
        iss_->add_memory(timing, host, counters);
    }
}

// A memory withdrew DMI: the core goes through the bus for it (same cycles).
void Core::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
    iss_->revoke_direct_access(start, end);
}

sc_core::sc_time Core::local_offset() const {
    return double(iss_->cycles() - synced_cycles_) * config_.clock_period;
}

// Runs the core one quantum at a time; simulated time advances only at quantum
// ends (and the core's cycle count is the source of that time).
void Core::run_thread() {
    if (reset_pending_) iss_->reset(reset_entry_, reset_stack_top_);
    reset_pending_ = false;
    if (debugger_) debugger_->start(*iss_);
    tlm_utils::tlm_quantumkeeper qk;
    qk.reset();
    const uint64_t period_ps = config_.clock_period.value();
    for (;;) {
        const uint64_t quantum_cycles = std::max<uint64_t>(1, tlm::tlm_global_quantum::instance().compute_local_quantum().value() / period_ps);
        uint64_t limit = iss_->cycles() + quantum_cycles;
        if (config_.max_cycles) limit = std::min(limit, config_.max_cycles);
        const StopReason reason = debugger_ ? debugger_->run(*iss_, limit) : iss_->run(limit);
        qk.set(local_offset());
        qk.sync();
        synced_cycles_ = iss_->cycles();
        if (quantum_observer_ && reason == StopReason::kLimit) quantum_observer_(*this);
        if (reason != StopReason::kLimit || (config_.max_cycles && iss_->cycles() >= config_.max_cycles)) {
            stop_reason_ = reason;
            finished_ = true;
            if (quantum_observer_) quantum_observer_(*this);
            if (debugger_) debugger_->finish(*iss_, reason);
            sc_core::sc_stop();
            return;
        }
    }
}

BusResult Core::transport(tlm::tlm_command cmd, uint32_t addr, void* data, unsigned len) {
    tlm::tlm_generic_payload tx;
    prepare_payload(tx, cmd, addr, data, len);
    HartIdExtension who(config_.hartid);  // SIMCTRL snapshots the core that wrote
    const ScopedExtension<HartIdExtension> tagged(tx, who);
    const sc_core::sc_time before = local_offset();
    const sc_core::sc_time stamp = sc_core::sc_time_stamp();
    sc_core::sc_time delay = before;
    socket->b_transport(tx, delay);
    // A target may block (the cluster's JOIN: the core sleeps): the time it waited
    // is part of the access, and the core's clock is synchronised up to where it resumed.
    const sc_core::sc_time waited = sc_core::sc_time_stamp() - stamp;
    synced_cycles_ += waited.value() / config_.clock_period.value();
    blocked_cycles_ += waited.value() / config_.clock_period.value();
    if (debugger_) debugger_->bus_access(addr, data, len, cmd == tlm::TLM_WRITE_COMMAND);
    if (!tx.is_response_ok()) return {false, 0};
    return {true, uint32_t((delay + waited - before).value() / config_.clock_period.value())};
}

BusResult Core::bus_read(uint32_t addr, void* data, unsigned len) {
    return transport(tlm::TLM_READ_COMMAND, addr, data, len);
}

BusResult Core::bus_write(uint32_t addr, const void* data, unsigned len) {
    return transport(tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(data), len);
}

bool Core::bus_fetch(uint32_t addr, void* data, unsigned len) {
    tlm::tlm_generic_payload tx;
    prepare_payload(tx, tlm::TLM_READ_COMMAND, addr, data, len);
    return socket->transport_dbg(tx) == len;
}

}  // namespace vitsim
