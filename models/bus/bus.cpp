#include "bus/bus.h"

#include <stdexcept>

namespace vitsim {

Bus::Bus(sc_core::sc_module_name name)
    : sc_module(name), targets_side("targets_side"), initiators_side("initiators_side") {
    targets_side.register_b_transport(this, &Bus::b_transport);
    targets_side.register_get_direct_mem_ptr(this, &Bus::get_direct_mem_ptr);
    targets_side.register_transport_dbg(this, &Bus::transport_dbg);
    initiators_side.register_invalidate_direct_mem_ptr(this, &Bus::invalidate_direct_mem_ptr);
}

void Bus::map(const std::string& target_name, uint64_t base, uint64_t size) {
    for (const Range& r : ranges_)
        if (base < r.base + r.size && r.base < base + size)
            throw std::runtime_error("bus: " + target_name + " overlaps " + r.name);
    ranges_.push_back({target_name, base, size, static_cast<unsigned>(ranges_.size())});
}

const Bus::Range* Bus::find(uint64_t addr) const {
    for (const Range& r : ranges_)
        if (addr - r.base < r.size) return &r;
    return nullptr;
}

void Bus::b_transport(int, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    const uint64_t addr = tx.get_address();
    const Range* r = find(addr);
    if (!r || addr + tx.get_data_length() > r->base + r->size) {
        tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    tx.set_address(addr - r->base);
    initiators_side[r->port]->b_transport(tx, delay);
    tx.set_address(addr);
}

bool Bus::get_direct_mem_ptr(int, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi) {
    const uint64_t addr = tx.get_address();
    const Range* r = find(addr);
    if (!r) return false;
    tx.set_address(addr - r->base);
    const bool granted = initiators_side[r->port]->get_direct_mem_ptr(tx, dmi);
    tx.set_address(addr);
    dmi.set_start_address(dmi.get_start_address() + r->base);
    dmi.set_end_address(dmi.get_end_address() + r->base);
    return granted;
}

unsigned Bus::transport_dbg(int, tlm::tlm_generic_payload& tx) {
    const uint64_t addr = tx.get_address();
    const Range* r = find(addr);
    if (!r) return 0;
    tx.set_address(addr - r->base);
    const unsigned n = initiators_side[r->port]->transport_dbg(tx);
    tx.set_address(addr);
    return n;
}

void Bus::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
    const Range& r = ranges_.at(port);
    for (unsigned i = 0; i < targets_side.size(); i++)
        targets_side[i]->invalidate_direct_mem_ptr(start + r.base, end + r.base);
}

}  // namespace vitsim
