#include "periph/uart.h"

#include <iostream>

#include "vitsim/platform.h"

namespace vitsim {

ConsoleSink stdout_console() {
    return [](std::string_view text) { std::cout.write(text.data(), static_cast<std::streamsize>(text.size())); };
}

Uart::Uart(sc_core::sc_module_name name, sc_core::sc_time access_latency, ConsoleSink sink)
    : RegisterDevice(name, access_latency), sink_(std::move(sink)) {}

RegisterDevice::Access Uart::read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload&,
                                           const sc_core::sc_time&) {
    switch (offset) {
        case VITSIM_UART_STATUS: value = 1; return Access::kOk;  // the transmitter never backs up
        case VITSIM_UART_TXDATA: return Access::kWrongDirection;
        default: return Access::kNoRegister;
    }
}

RegisterDevice::Access Uart::write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload&,
                                            const sc_core::sc_time&) {
    switch (offset) {
        case VITSIM_UART_TXDATA: {
            const char byte = static_cast<char>(value & 0xFF);
            sink_(std::string_view(&byte, 1));
            bytes_sent_++;
            return Access::kOk;
        }
        case VITSIM_UART_STATUS: return Access::kWrongDirection;
        default: return Access::kNoRegister;
    }
}

}  // namespace vitsim
