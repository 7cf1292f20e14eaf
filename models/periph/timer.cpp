#include "periph/timer.h"

#include <stdexcept>

#include "vitsim/platform.h"

namespace vitsim {

Timer::Timer(sc_core::sc_module_name name, sc_core::sc_time access_latency, sc_core::sc_time clock_period,
             uint64_t clock_hz)
    : RegisterDevice(name, access_latency), period_(clock_period), freq_hz_(static_cast<uint32_t>(clock_hz)) {
    if (period_ == sc_core::SC_ZERO_TIME) throw std::invalid_argument("timer: clock period is zero");
    if (clock_hz > UINT32_MAX) throw std::invalid_argument("timer: FREQ_HZ does not fit in 32 bits");
}

RegisterDevice::Access Timer::read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload&,
                                            const sc_core::sc_time& now) {
    switch (offset) {
        case VITSIM_TIMER_MTIME_LO: value = static_cast<uint32_t>(mtime(now)); return Access::kOk;
        case VITSIM_TIMER_MTIME_HI: value = static_cast<uint32_t>(mtime(now) >> 32); return Access::kOk;
        case VITSIM_TIMER_CMP_LO: value = static_cast<uint32_t>(compare_); return Access::kOk;
        case VITSIM_TIMER_CMP_HI: value = static_cast<uint32_t>(compare_ >> 32); return Access::kOk;
        case VITSIM_TIMER_STATUS: value = mtime(now) >= compare_ ? 1 : 0; return Access::kOk;
        case VITSIM_TIMER_FREQ_HZ: value = freq_hz_; return Access::kOk;
        default: return Access::kNoRegister;
    }
}

RegisterDevice::Access Timer::write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload&,
                                             const sc_core::sc_time&) {
    switch (offset) {
        case VITSIM_TIMER_CMP_LO: compare_ = (compare_ & ~uint64_t{0xFFFFFFFF}) | value; return Access::kOk;
        case VITSIM_TIMER_CMP_HI: compare_ = (compare_ & 0xFFFFFFFF) | (uint64_t{value} << 32); return Access::kOk;
        case VITSIM_TIMER_MTIME_LO:
        case VITSIM_TIMER_MTIME_HI:
        case VITSIM_TIMER_STATUS:
        case VITSIM_TIMER_FREQ_HZ: return Access::kWrongDirection;
        default: return Access::kNoRegister;
    }
}

}  // namespace vitsim
