#include "periph/simctrl.h"

#include "periph/hart_id_extension.h"
#include "vitsim/platform.h"

namespace vitsim {

SimCtrl::SimCtrl(sc_core::sc_module_name name, sc_core::sc_time access_latency, unsigned harts)
    : RegisterDevice(name, access_latency), harts_(harts) {}

RegisterDevice::Access SimCtrl::read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload&,
                                              const sc_core::sc_time&) {
    switch (offset) {
        case VITSIM_SIMCTRL_HARTS: value = harts_; return Access::kOk;
        case VITSIM_SIMCTRL_STACK_LIMIT: value = stack_limit_.value_or(0); return Access::kOk;
        case VITSIM_SIMCTRL_EXIT:
        case VITSIM_SIMCTRL_LAYER_BEGIN:
        case VITSIM_SIMCTRL_LAYER_END:
        case VITSIM_SIMCTRL_PHASE_BEGIN:
        case VITSIM_SIMCTRL_PHASE_END:
        case VITSIM_SIMCTRL_SNAPSHOT:
        case VITSIM_SIMCTRL_ENERGY_BEGIN:
        case VITSIM_SIMCTRL_ENERGY_END: return Access::kWrongDirection;
        default: return Access::kNoRegister;
    }
}

RegisterDevice::Access SimCtrl::write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload& tx,
                                               const sc_core::sc_time& now) {
    switch (offset) {
        case VITSIM_SIMCTRL_EXIT:
            exit_status_ = static_cast<int>(value);
            if (exit_handler_) exit_handler_(static_cast<int>(value));
            return Access::kOk;
        case VITSIM_SIMCTRL_LAYER_BEGIN: record(SimCtrlEvent::Kind::kLayerBegin, value, tx, now); return Access::kOk;
        case VITSIM_SIMCTRL_LAYER_END: record(SimCtrlEvent::Kind::kLayerEnd, value, tx, now); return Access::kOk;
        case VITSIM_SIMCTRL_PHASE_BEGIN: record(SimCtrlEvent::Kind::kPhaseBegin, value, tx, now); return Access::kOk;
        case VITSIM_SIMCTRL_PHASE_END: record(SimCtrlEvent::Kind::kPhaseEnd, value, tx, now); return Access::kOk;
        case VITSIM_SIMCTRL_SNAPSHOT: record(SimCtrlEvent::Kind::kSnapshot, value, tx, now); return Access::kOk;
        case VITSIM_SIMCTRL_ENERGY_BEGIN: record(SimCtrlEvent::Kind::kEnergyBegin, value, tx, now); return Access::kOk;
        case VITSIM_SIMCTRL_ENERGY_END: record(SimCtrlEvent::Kind::kEnergyEnd, value, tx, now); return Access::kOk;
        case VITSIM_SIMCTRL_STACK_LIMIT: stack_limit_ = value; return Access::kOk;
        case VITSIM_SIMCTRL_HARTS: return Access::kWrongDirection;
        default: return Access::kNoRegister;
    }
}

void SimCtrl::record(SimCtrlEvent::Kind kind, uint32_t id, const tlm::tlm_generic_payload& tx,
                     const sc_core::sc_time& now) {
    SimCtrlEvent e{kind, id, issuing_hart(tx), {}, {}, {}, now, {}};
    if (counters_) e.counters = counters_(e.hartid);
    if (memories_) e.memories = memories_();
    const bool layer = kind == SimCtrlEvent::Kind::kLayerBegin || kind == SimCtrlEvent::Kind::kLayerEnd;
    const bool window = layer || kind == SimCtrlEvent::Kind::kEnergyBegin || kind == SimCtrlEvent::Kind::kEnergyEnd;
    if (activity_ && window) e.activity = activity_();
    if (cluster_ && layer) e.cluster = cluster_(kind);
    events_.push_back(std::move(e));
    if (observer_) observer_(events_.back());
}

}  // namespace vitsim
