// A generic payload set up for one plain transfer (no byte enables, no DMI hint):
// what every initiator in the platform (cores, DMA) sends.
#pragma once
#include <cstdint>
#include <tlm>

namespace vitsim {

inline void prepare_payload(tlm::tlm_generic_payload& tx, tlm::tlm_command cmd, uint64_t addr, void* data,
                            unsigned len) {
    tx.set_command(cmd);
    tx.set_address(addr);
    tx.set_data_ptr(static_cast<unsigned char*>(data));
    tx.set_data_length(len);
    tx.set_streaming_width(len);
    tx.set_byte_enable_ptr(nullptr);
    tx.set_dmi_allowed(false);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

// Sets an extension on a payload for one transport and clears it however the
// transport ends: the payload's destructor frees every extension still set, and the
// extension lives on the initiator's stack (a device may throw).
template <typename Extension>
class ScopedExtension {
public:
    ScopedExtension(tlm::tlm_generic_payload& tx, Extension& extension) : tx_(tx), extension_(&extension) {
        tx_.set_extension(extension_);
    }
    ~ScopedExtension() { tx_.clear_extension(extension_); }
    ScopedExtension(const ScopedExtension&) = delete;
    ScopedExtension& operator=(const ScopedExtension&) = delete;

private:
    tlm::tlm_generic_payload& tx_;
    Extension* extension_;
};

}  // namespace vitsim
