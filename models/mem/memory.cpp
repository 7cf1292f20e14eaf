#include "mem/memory.h"

#include <algorithm>
#include <cstring>

namespace vitsim {

namespace {
int width_index(unsigned len) { return len >= 4 ? 2 : len >= 2 ? 1 : 0; }
}  // namespace

Memory::Memory(sc_core::sc_module_name name, const MemoryTiming& timing, sc_core::sc_time clock_period)
    : sc_module(name), socket("socket"), timing_(timing), period_(clock_period), bytes_(timing.size, 0) {
    socket.register_b_transport(this, &Memory::b_transport);
    socket.register_get_direct_mem_ptr(this, &Memory::get_direct_mem_ptr);
    socket.register_transport_dbg(this, &Memory::transport_dbg);
}

// Addresses arriving here are offsets into the memory (the bus subtracts the base).
void Memory::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    const uint64_t addr = tx.get_address();
    const unsigned len = tx.get_data_length();
    if (addr + len > bytes_.size() || tx.get_byte_enable_ptr()) {
        tx.set_response_status(tx.get_byte_enable_ptr() ? tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE
                                                        : tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    // Wider transfers (DMA bursts) are counted as words plus a tail.
    auto count = [&](uint64_t* c) {
        if (len <= 4) { c[width_index(len)]++; return; }
        c[2] += len / 4;
        c[0] += len % 4;
    };
    if (counters_.touched) mark_touched(counters_.touched, addr, len);
    if (tx.is_read()) {
        std::memcpy(tx.get_data_ptr(), &bytes_[addr], len);
        count(counters_.reads);
        delay += timing_.at(timing_.base + uint32_t(addr)).read_wait * period_;
    } else if (tx.is_write()) {
        if (!timing_.writable) {
            tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
            return;
        }
        std::memcpy(&bytes_[addr], tx.get_data_ptr(), len);
        count(counters_.writes);
        delay += timing_.at(timing_.base + uint32_t(addr)).write_wait * period_;
        for (const auto& observer : write_observers_) observer(addr, len);
    }
    tx.set_dmi_allowed(true);
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Memory::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    dmi.set_dmi_ptr(bytes_.data());
    dmi.set_start_address(0);
    dmi.set_end_address(bytes_.size() - 1);
    dmi.set_read_latency(timing_.read_wait * period_);
    dmi.set_write_latency(timing_.write_wait * period_);
    if (timing_.writable)
        dmi.allow_read_write();
    else
        dmi.allow_read();
    return true;
}

void Memory::enable_touch_tracking() {
    touched_.assign(bytes_.size() / 8 + 1, 0);
    counters_.touched = touched_.data();
}

void Memory::clear_touched() { std::fill(touched_.begin(), touched_.end(), 0); }

uint64_t Memory::touched_bytes(uint64_t begin_offset, uint64_t end_offset) const {
    end_offset = std::min<uint64_t>(end_offset, bytes_.size());
    uint64_t n = 0, a = begin_offset;
    for (; a < end_offset && (a & 7); a++) n += (touched_[a >> 3] >> (a & 7)) & 1;
    for (; a + 8 <= end_offset; a += 8) n += __builtin_popcount(touched_[a >> 3]);
    for (; a < end_offset; a++) n += (touched_[a >> 3] >> (a & 7)) & 1;
    return n;
}

// Debug access: the loader and tools; no timing, no counting, flash writable.
unsigned Memory::transport_dbg(tlm::tlm_generic_payload& tx) {
    const uint64_t addr = tx.get_address();
    if (addr >= bytes_.size()) return 0;
    const unsigned len = std::min<uint64_t>(tx.get_data_length(), bytes_.size() - addr);
    if (tx.is_read())
        std::memcpy(tx.get_data_ptr(), &bytes_[addr], len);
    else if (tx.is_write())
        std::memcpy(&bytes_[addr], tx.get_data_ptr(), len);
    return len;
}

}  // namespace vitsim
