// UART console (VITSIM_UART_BASE): every byte written to TXDATA goes to a console
// sink. The SoC gives the same sink to the core's ecall write proxy, so both ways of
// printing end up in one stream, in program order.
#pragma once
#include <functional>
#include <string_view>

#include "periph/register_device.h"

namespace vitsim {

using ConsoleSink = std::function<void(std::string_view)>;

// Writes to std::cout (the simulator's stdout).
ConsoleSink stdout_console();

class Uart : public RegisterDevice {
public:
    Uart(sc_core::sc_module_name name, sc_core::sc_time access_latency, ConsoleSink sink = stdout_console());

    uint64_t bytes_sent() const { return bytes_sent_; }

private:
    Access read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload& tx,
                         const sc_core::sc_time& now) override;
    Access write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload& tx,
                          const sc_core::sc_time& now) override;

    ConsoleSink sink_;
    uint64_t bytes_sent_ = 0;
};

}  // namespace vitsim
