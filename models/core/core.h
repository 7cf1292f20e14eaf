// SystemC wrapper of one core, whatever its instruction set: runs the ISS (core/iss.h)
// inside a time quantum (TLM-2.0 loosely timed, temporal decoupling), memories
// through DMI, peripherals through b_transport on the bus.
#pragma once
#include <functional>
#include <memory>
#include <string_view>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "core/core_debugger.h"
#include "core/iss.h"

namespace vitsim {

// Makes the core's ISS, given the bus side the wrapper offers it.
using IssFactory = std::function<std::unique_ptr<Iss>(IssBus& bus)>;

struct CoreConfig {
    uint32_t hartid = 0;  // also tags the core's bus transactions (SIMCTRL markers)
    sc_core::sc_time clock_period{1, sc_core::SC_NS};
    sc_core::sc_time quantum{10, sc_core::SC_US};  // temporal decoupling quantum
    bool dmi = true;                                // direct memory access for memories
    uint64_t max_cycles = 0;                        // 0 = no limit
};

class Core : public sc_core::sc_module, private IssBus {
public:
    tlm_utils::simple_initiator_socket<Core> socket;

    // `memories`: every memory on the bus with its timing and access counters;
    // the core uses DMI for them (when enabled) and the bus for everything else.
    Core(sc_core::sc_module_name name, const CoreConfig& config, const IssFactory& make_iss,
         const std::vector<std::pair<MemoryTiming, AccessCounters*>>& memories);

    // Architectural reset (core/iss.h: Iss::reset), carried out when the simulation
    // starts: an ISS may read memory at reset (an Arm core's vector table), and the
    // memories are attached at the end of elaboration.
    void reset(uint32_t entry, uint32_t stack_top);
    // Ends the run at the current instruction (SIMCTRL exit, ecall exit).
    void request_exit(int status) { iss_->request_exit(status); }
    // Called at the end of every quantum and once when the core stops (traces sample
    // the core there). Unset by default: one test per quantum, nothing per instruction.
    void on_quantum(std::function<void(const Core&)> observer) { quantum_observer_ = std::move(observer); }
    // Console output of the ISA's host-call convention.
    void set_console(std::function<void(std::string_view)> sink) { iss_->set_console(std::move(sink)); }

    // A debugger to obey from the first instruction on (nullptr: none). Not owned.
    void set_debugger(CoreDebugger* debugger) { debugger_ = debugger; }

    const Iss& iss() const { return *iss_; }
    Iss& iss() { return *iss_; }
    const CoreConfig& config() const { return config_; }
    // Current cycle count including the not-yet-synchronised local time.
    uint64_t now_cycles() const { return iss_->cycles(); }
    // Why the run ended (valid once finished()): exit, trap, or kLimit = --max-cycles.
    bool finished() const { return finished_; }
    // Cycles the core waited inside a blocking access (the cluster's JOIN or DMA wait:
    // the FC asleep on the event unit); they are inside the hart's memory stalls.
    uint64_t blocked_cycles() const { return blocked_cycles_; }
    StopReason stop_reason() const { return stop_reason_; }

private:
    void run_thread();
    void end_of_elaboration() override;
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
    sc_core::sc_time local_offset() const;

    // IssBus: accesses that do not go through DMI.
    BusResult bus_read(uint32_t addr, void* data, unsigned len) override;
    BusResult bus_write(uint32_t addr, const void* data, unsigned len) override;
    bool bus_fetch(uint32_t addr, void* data, unsigned len) override;
    BusResult transport(tlm::tlm_command cmd, uint32_t addr, void* data, unsigned len);

    CoreConfig config_;
    std::unique_ptr<Iss> iss_;
    std::vector<std::pair<MemoryTiming, AccessCounters*>> memories_;
    uint64_t synced_cycles_ = 0;  // cycles already accounted for in sc_time_stamp()
    uint64_t blocked_cycles_ = 0;
    bool reset_pending_ = false;
    uint32_t reset_entry_ = 0, reset_stack_top_ = 0;
    std::function<void(const Core&)> quantum_observer_;
    bool finished_ = false;
    StopReason stop_reason_ = StopReason::kLimit;
    CoreDebugger* debugger_ = nullptr;
};

}  // namespace vitsim
