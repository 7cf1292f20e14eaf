#include "periph/dma.h"

#include <algorithm>
#include <stdexcept>

#include "bus/payload.h"
#include "vitsim/platform.h"

namespace vitsim {

Dma::Dma(sc_core::sc_module_name name, sc_core::sc_time access_latency, sc_core::sc_time clock_period,
         const Timing& timing)
    : RegisterDevice(name, access_latency), initiator("initiator"), period_(clock_period), timing_(timing) {
    if (period_ == sc_core::SC_ZERO_TIME) throw std::invalid_argument("dma: clock period is zero");
    if (timing_.bytes_per_cycle == 0) throw std::invalid_argument("dma: bytes_per_cycle is zero");
}

RegisterDevice::Access Dma::read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload&,
                                          const sc_core::sc_time& now) {
    switch (offset) {
        case VITSIM_DMA_SRC: value = src_; return Access::kOk;
        case VITSIM_DMA_DST: value = dst_; return Access::kOk;
        case VITSIM_DMA_LEN: value = len_; return Access::kOk;
        case VITSIM_DMA_STATUS: value = (now < done_ ? 1u : 0u) | (error_ ? 2u : 0u); return Access::kOk;
        case VITSIM_DMA_CTRL: return Access::kWrongDirection;
        default: return Access::kNoRegister;
    }
}

RegisterDevice::Access Dma::write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload&,
                                           const sc_core::sc_time& now) {
    switch (offset) {
        case VITSIM_DMA_SRC: src_ = value; return Access::kOk;
        case VITSIM_DMA_DST: dst_ = value; return Access::kOk;
        case VITSIM_DMA_LEN: len_ = value; return Access::kOk;
        case VITSIM_DMA_CTRL:
            if (value & 1) start(now);
            return Access::kOk;
        case VITSIM_DMA_STATUS: return Access::kWrongDirection;
        default: return Access::kNoRegister;
    }
}

void Dma::start(const sc_core::sc_time& now) {
    error_ = false;
    if (len_ == 0) return;
    if (!inside_one_memory(src_, len_, false) || !inside_one_memory(dst_, len_, true)) {
        error_ = true;
        stats_.errors++;
        return;
    }
    sc_core::sc_time latency = sc_core::SC_ZERO_TIME;
    if (!copy(latency)) {  // cannot happen after the range check, but never trust a target
        error_ = true;
        stats_.errors++;
        return;
    }
    const uint64_t stream_cycles = (uint64_t{len_} + timing_.bytes_per_cycle - 1) / timing_.bytes_per_cycle;
    const uint64_t wait_cycles = (latency.value() + period_.value() - 1) / period_.value();
    const sc_core::sc_time duration =
        sc_core::sc_time::from_value((timing_.setup_cycles + stream_cycles + wait_cycles) * period_.value());
    const sc_core::sc_time begin = std::max(now, done_);  // a start while busy queues behind the running transfer
    done_ = begin + duration;
    if (log_transfers_) transfers_.push_back({now, begin, done_, src_, dst_, len_});
    stats_.transfers++;
    stats_.bytes += len_;
    stats_.busy += duration;
}

// The range check asks the bus for the DMI region of the address: only memories grant
// one, so a range touching a peripheral, a hole or two memories is refused.
bool Dma::inside_one_memory(uint64_t addr, uint64_t len, bool for_write) {
    if (addr + len > (uint64_t{1} << 32)) return false;
    tlm::tlm_generic_payload tx;
    tx.set_address(addr);
    tx.set_command(for_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    tlm::tlm_dmi dmi;
    if (!initiator->get_direct_mem_ptr(tx, dmi)) return false;
    if (for_write ? !dmi.is_write_allowed() : !dmi.is_read_allowed()) return false;
    return addr >= dmi.get_start_address() && addr + len - 1 <= dmi.get_end_address();
}

bool Dma::transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len, sc_core::sc_time& latency) {
    tlm::tlm_generic_payload tx;
    prepare_payload(tx, cmd, addr, data, len);
    initiator->b_transport(tx, latency);
    return tx.is_response_ok();
}

// Bursts go forward; overlapping ranges with DST above SRC copy already-copied data,
// as a hardware channel would.
bool Dma::copy(sc_core::sc_time& latency) {
    uint8_t burst[kBurstBytes];
    for (uint32_t done = 0; done < len_;) {
        const unsigned n = std::min<uint32_t>(kBurstBytes, len_ - done);
        if (!transfer(tlm::TLM_READ_COMMAND, uint64_t{src_} + done, burst, n, latency)) return false;
        if (!transfer(tlm::TLM_WRITE_COMMAND, uint64_t{dst_} + done, burst, n, latency)) return false;
        done += n;
    }
    return true;
}

}  // namespace vitsim
