// TLM extension naming the hart that issued a transaction. SIMCTRL uses it to take
// the counter snapshot of the core that wrote a layer marker; a transaction without
// it is taken to come from hart 0 (single-core SoCs, the DMA, tests).
#pragma once
#include <cstdint>
#include <tlm>

namespace vitsim {

struct HartIdExtension : tlm::tlm_extension<HartIdExtension> {
    explicit HartIdExtension(uint32_t id = 0) : hartid(id) {}
    tlm::tlm_extension_base* clone() const override { return new HartIdExtension(hartid); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        hartid = static_cast<const HartIdExtension&>(other).hartid;
    }
    uint32_t hartid;
};

inline uint32_t issuing_hart(const tlm::tlm_generic_payload& tx) {
    const HartIdExtension* ext = tx.get_extension<HartIdExtension>();
    return ext ? ext->hartid : 0;
}

}  // namespace vitsim
