#include "periph/register_device.h"

#include <cstring>

namespace vitsim {

RegisterDevice::RegisterDevice(sc_core::sc_module_name name, sc_core::sc_time access_latency)
    : sc_module(name), socket("socket"), latency_(access_latency) {
    socket.register_b_transport(this, &RegisterDevice::b_transport);
}

void RegisterDevice::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    const uint64_t offset = tx.get_address();
    const unsigned len = tx.get_data_length();
    if (tx.get_byte_enable_ptr()) {
        tx.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if ((offset & 3) || (len != 1 && len != 2 && len != 4) || offset > UINT32_MAX) {
        tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    before_access(tx, delay);
    const sc_core::sc_time now = sc_core::sc_time_stamp() + delay;
    Access result = Access::kOk;
    if (tx.is_read()) {
        uint32_t value = 0;
        result = read_register(static_cast<uint32_t>(offset), value, tx, now);
        std::memcpy(tx.get_data_ptr(), &value, len);  // little-endian host and target
    } else if (tx.is_write()) {
        uint32_t value = 0;
        std::memcpy(&value, tx.get_data_ptr(), len);
        result = write_register(static_cast<uint32_t>(offset), value, tx, now);
    }
    delay += latency_;
    switch (result) {
        case Access::kOk: tx.set_response_status(tlm::TLM_OK_RESPONSE); break;
        case Access::kNoRegister: tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); break;
        case Access::kWrongDirection: tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE); break;
    }
}

}  // namespace vitsim
