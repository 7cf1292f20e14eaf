// Common base of the memory-mapped peripherals (UART, SIMCTRL, TIMER, DMA): a TLM-2.0
// target with 32-bit registers at word offsets (see vitsim/platform.h). An access of
// 1, 2 or 4 bytes must start at a register's offset; the low bytes of the register are
// read or written. Every access costs a fixed latency that is added to the TLM delay.
#pragma once
#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace vitsim {

class RegisterDevice : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<RegisterDevice> socket;

    // `access_latency`: what every register access costs the initiator.
    RegisterDevice(sc_core::sc_module_name name, sc_core::sc_time access_latency);

protected:
    enum class Access {
        kOk,
        kNoRegister,      // nothing at this offset: TLM_ADDRESS_ERROR_RESPONSE
        kWrongDirection,  // write to a read-only / read of a write-only register: TLM_COMMAND_ERROR_RESPONSE
    };
    // `now` is the time of the access as the initiator sees it: sc_time_stamp() plus
    // its temporal-decoupling offset, so values that depend on time stay exact.
    virtual Access read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload& tx,
                                 const sc_core::sc_time& now) = 0;
    virtual Access write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload& tx,
                                  const sc_core::sc_time& now) = 0;
    // Called first for every well-formed access; a device whose state is computed
    // ahead of time (the matrix engine) may block the initiator here (wait, then
    // fold `delay` into the time waited) until its state at the access is known.
    virtual void before_access(const tlm::tlm_generic_payload& /*tx*/, sc_core::sc_time& /*delay*/) {}

private:
    void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);

    sc_core::sc_time latency_;
};

}  // namespace vitsim
