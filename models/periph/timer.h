// TIMER (VITSIM_TIMER_BASE): a free-running 64-bit count of core clock cycles and a
// compare flag. mtime is derived from simulated time (sc_time_stamp() plus the
// reader's temporal-decoupling offset) and the clock period, so it equals the
// reading core's cycle counter even inside a quantum. No interrupt: firmware polls.
#pragma once
#include "periph/register_device.h"

namespace vitsim {

class Timer : public RegisterDevice {
public:
    Timer(sc_core::sc_module_name name, sc_core::sc_time access_latency, sc_core::sc_time clock_period,
          uint64_t clock_hz);

    uint64_t mtime(const sc_core::sc_time& now) const { return now.value() / period_.value(); }
    uint64_t compare() const { return compare_; }

private:
    Access read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload& tx,
                         const sc_core::sc_time& now) override;
    Access write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload& tx,
                          const sc_core::sc_time& now) override;

    sc_core::sc_time period_;
    uint32_t freq_hz_;
    uint64_t compare_ = UINT64_MAX;  // never reached until the firmware sets it
};

}  // namespace vitsim
