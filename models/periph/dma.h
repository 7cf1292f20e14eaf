// DMA (VITSIM_DMA_BASE): one memory-to-memory channel.
//
// Writing 1 to CTRL copies LEN bytes from SRC to DST through the DMA's own initiator
// socket on the bus, in bursts of b_transport calls, so the memories count the
// accesses like any other initiator's. The copy is done at once (loosely timed); the
// channel then reports busy until the time the transfer would have taken:
//   done = max(now, previous done) + setup_cycles + ceil(LEN / bytes_per_cycle)
//          + the wait states the memories annotated on the bursts.
// Firmware that waits for STATUS.busy == 0 therefore sees the right duration. Both
// ranges must lie inside one memory each (and DST must be writable); otherwise
// nothing is copied and STATUS.error is set until the next start.
#pragma once
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "periph/register_device.h"

namespace vitsim {

class Dma : public RegisterDevice {
public:
    struct Timing {
        unsigned setup_cycles = 16;
        unsigned bytes_per_cycle = 4;
    };
    struct Stats {
        uint64_t transfers = 0;  // completed starts
        uint64_t bytes = 0;      // bytes copied
        uint64_t errors = 0;     // starts refused for a bad range
        sc_core::sc_time busy;   // sum of the transfers' durations
    };
    // One started transfer, for traces: queued at `requested`, moving data from
    // `begin` (the previous transfer's end, or the request) until `done`.
    struct Transfer {
        sc_core::sc_time requested, begin, done;
        uint32_t src = 0, dst = 0, bytes = 0;
    };
    static constexpr unsigned kBurstBytes = 32;  // bytes per b_transport call

    tlm_utils::simple_initiator_socket<Dma> initiator;  // bind to the bus

    Dma(sc_core::sc_module_name name, sc_core::sc_time access_latency, sc_core::sc_time clock_period,
        const Timing& timing);

    const Stats& stats() const { return stats_; }
    // When the last started transfer completes (SC_ZERO_TIME before the first one).
    const sc_core::sc_time& done_time() const { return done_; }
    // Keeps every started transfer in transfers() (off by default: a run without
    // traces keeps no log).
    void log_transfers(bool on) { log_transfers_ = on; }
    const std::vector<Transfer>& transfers() const { return transfers_; }

private:
    Access read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload& tx,
                         const sc_core::sc_time& now) override;
    Access write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload& tx,
                          const sc_core::sc_time& now) override;

    void start(const sc_core::sc_time& now);
    bool inside_one_memory(uint64_t addr, uint64_t len, bool for_write);
    bool transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len, sc_core::sc_time& latency);
    bool copy(sc_core::sc_time& latency);

    sc_core::sc_time period_;
    Timing timing_;
    uint32_t src_ = 0, dst_ = 0, len_ = 0;
    bool error_ = false;
    sc_core::sc_time done_ = sc_core::SC_ZERO_TIME;
    Stats stats_;
    bool log_transfers_ = false;
    std::vector<Transfer> transfers_;
};

}  // namespace vitsim
