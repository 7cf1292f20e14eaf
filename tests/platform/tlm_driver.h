// A TLM initiator for the platform tests: runs a test body inside an SC_THREAD and
// offers read/write helpers that report the response and the annotated delay.
#pragma once
#include <cstring>
#include <functional>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "periph/hart_id_extension.h"

namespace vitsim::test {

struct Access {
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    uint32_t value = 0;            // read data (zero-extended)
    sc_core::sc_time delay;        // delay after the call (what the target added + `at`)
    bool ok() const { return status == tlm::TLM_OK_RESPONSE; }
};

class TlmDriver : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<TlmDriver> socket;
    std::function<void(TlmDriver&)> body;
    HartIdExtension* hart = nullptr;  // attached to every transaction when set

    explicit TlmDriver(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
        SC_HAS_PROCESS(TlmDriver);
        SC_THREAD(run);
    }

    // `at`: the initiator's local time offset (temporal decoupling) at the access.
    Access read(uint64_t addr, unsigned len = 4, sc_core::sc_time at = sc_core::SC_ZERO_TIME) {
        Access a;
        unsigned char buf[4] = {};
        a.delay = at;
        a.status = transport(tlm::TLM_READ_COMMAND, addr, buf, len, a.delay);
        std::memcpy(&a.value, buf, len);
        return a;
    }
    Access write(uint64_t addr, uint32_t value, unsigned len = 4, sc_core::sc_time at = sc_core::SC_ZERO_TIME) {
        Access a;
        a.delay = at;
        a.status = transport(tlm::TLM_WRITE_COMMAND, addr, reinterpret_cast<unsigned char*>(&value), len, a.delay);
        return a;
    }

private:
    tlm::tlm_response_status transport(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, unsigned len,
                                       sc_core::sc_time& delay) {
        tlm::tlm_generic_payload tx;
        tx.set_command(cmd);
        tx.set_address(addr);
        tx.set_data_ptr(data);
        tx.set_data_length(len);
        tx.set_streaming_width(len);
        tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        if (hart) tx.set_extension(hart);
        socket->b_transport(tx, delay);
        if (hart) tx.clear_extension(hart);
        return tx.get_response_status();
    }
    void run() {
        if (body) body(*this);
    }
};

}  // namespace vitsim::test
