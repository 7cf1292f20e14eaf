// Generic TLM-2.0 bus: routes by address to targets, any number of initiators.
// Targets see offsets (address - base). DMI regions are translated both ways.
#pragma once
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <vector>

namespace vitsim {

class Bus : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<Bus> targets_side;    // bind initiators here
    tlm_utils::multi_passthrough_initiator_socket<Bus> initiators_side;  // bind to targets

    explicit Bus(sc_core::sc_module_name name);

    // Maps [base, base+size) to the target bound as the next initiators_side port.
    // Call in binding order. Overlapping ranges are a configuration error (throws).
    void map(const std::string& target_name, uint64_t base, uint64_t size);

    struct Range {
        std::string name;
        uint64_t base, size;
        unsigned port;
    };
    const std::vector<Range>& ranges() const { return ranges_; }
    const Range* find(uint64_t addr) const;

private:
    void b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload& tx);
    void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);

    std::vector<Range> ranges_;
};

}  // namespace vitsim
