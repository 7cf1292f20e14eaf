// A memory (SRAM, flash, MRAM, L2, QSPI flash): TLM-2.0 target with DMI.
// Latency per access comes from MemoryTiming; every access is counted by width.
#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <functional>
#include <vector>

#include "iss/timing.h"

namespace vitsim {

class Memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Memory> socket;

    // `clock_period` converts wait cycles into the TLM delay the memory annotates.
    Memory(sc_core::sc_module_name name, const MemoryTiming& timing, sc_core::sc_time clock_period);

    const MemoryTiming& timing() const { return timing_; }
    AccessCounters& counters() { return counters_; }
    uint8_t* data() { return bytes_.data(); }

    // Called after every write that arrives as a transaction (DMA, cores without
    // DMI), with the memory offset and length: cores drop code decoded from there.
    void on_write(std::function<void(uint64_t offset, uint64_t len)> observer) {
        write_observers_.push_back(std::move(observer));
    }

    // Touch tracking: a bit per byte set by every access (cores through DMI included),
    // for the report's per-layer touched bytes. Off until enabled.
    void enable_touch_tracking();
    void clear_touched();
    uint64_t touched_bytes(uint64_t begin_offset, uint64_t end_offset) const;

private:
    void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
    unsigned transport_dbg(tlm::tlm_generic_payload& tx);

    MemoryTiming timing_;
    sc_core::sc_time period_;
    std::vector<uint8_t> bytes_;
    AccessCounters counters_;
    std::vector<uint8_t> touched_;
    std::vector<std::function<void(uint64_t, uint64_t)>> write_observers_;
};

}  // namespace vitsim
