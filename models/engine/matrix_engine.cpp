#include "engine/matrix_engine.h"

#include <stdexcept>
#include <string>

#include "bus/payload.h"
#include "periph/hart_id_extension.h"
#include "vitsim/platform.h"

namespace vitsim {

MatrixEngine::MatrixEngine(sc_core::sc_module_name name, sc_core::sc_time access_latency,
                           sc_core::sc_time clock_period, unsigned lanes, uint32_t mem_base, uint32_t mem_size)
    : RegisterDevice(name, access_latency), mem("mem"), period_ps_(clock_period.value()), lanes_(lanes) {
    if (period_ps_ == 0) throw std::invalid_argument("engine: clock period is zero");
    rtl_ = make_engine_rtl((std::string(basename()) + "_rtl").c_str(), lanes);
    if (!rtl_) throw std::invalid_argument("engine: no RTL with " + std::to_string(lanes) + " lanes in this build");
    rtl_->set_memory_window(mem_base, mem_size);
}

MatrixEngine::~MatrixEngine() = default;

// An FC access while the engine runs: the cluster thread computes the RTL ahead of
// the FC's time, so the access waits for the done line (as JOIN waits for the cores).
void MatrixEngine::before_access(const tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    if (!reset_done_) {  // the RTL's reset edge, at its first use (SystemC is running then)
        rtl_->reset();
        reset_done_ = true;
    }
    if (!running_ || issuing_hart(tx) != 0) return;
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    while (running_) sc_core::wait(done_event_);
    const uint64_t now = cycles_at(sc_core::sc_time_stamp());
    if (done_cycle_ > now) sc_core::wait(sc_core::sc_time::from_value((done_cycle_ - now) * period_ps_));
}

RegisterDevice::Access MatrixEngine::read_register(uint32_t offset, uint32_t& value, const tlm::tlm_generic_payload&,
                                                   const sc_core::sc_time&) {
    if (offset == VITSIM_ENGINE_START || offset == VITSIM_ENGINE_WAIT) return Access::kWrongDirection;
    if (offset > VITSIM_ENGINE_WAIT) return Access::kNoRegister;
    value = rtl_->read_register(offset);
    stats_.register_accesses++;
    return Access::kOk;
}

RegisterDevice::Access MatrixEngine::write_register(uint32_t offset, uint32_t value, const tlm::tlm_generic_payload&,
                                                    const sc_core::sc_time& now) {
    if (offset > VITSIM_ENGINE_WAIT) return Access::kNoRegister;
    if (offset >= VITSIM_ENGINE_CYCLES && offset <= VITSIM_ENGINE_CONFIG) return Access::kWrongDirection;
    stats_.register_accesses++;
    if (offset == VITSIM_ENGINE_WAIT) return Access::kOk;  // before_access waited for the done line
    if (running_) return Access::kOk;                       // a worker's write while busy: the RTL ignores it
    // One clock edge of the register port, at the writer's cycle.
    const uint64_t cycle = std::max(cycles_at(now), cycle_);
    rtl_->write_register(offset, value);
    cycle_ = cycle + 1;
    if (rtl_->pins().state != 0) {  // START: the RTL left idle
        running_ = true;
        stats_.jobs++;
        job_outputs_ = uint64_t(rtl_->read_register(VITSIM_ENGINE_M)) * rtl_->read_register(VITSIM_ENGINE_N);
        job_macs_ = job_outputs_ * rtl_->read_register(VITSIM_ENGINE_K);
        if (wake_) wake_();
    }
    return Access::kOk;
}

void MatrixEngine::advance(uint64_t end) {
    while (running_ && cycle_ < end) step();
}

// One clock of the RTL. A request is sent once, at the cycle the RTL raises it; the
// RTL sees mem_gnt low until the cycle the target granted it.
void MatrixEngine::step() {
    const EnginePins& pins = rtl_->pins();
    bool gnt = false;
    if (pins.req) {
        if (granted_at_ == UINT64_MAX) {
            uint8_t bytes[4];
            uint8_t enables[4];
            for (unsigned i = 0; i < 4; i++) {
                bytes[i] = uint8_t(pins.wdata >> (8 * i));
                enables[i] = (pins.be >> i & 1) ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
            }
            tlm::tlm_generic_payload tx;
            prepare_payload(tx, pins.we ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, pins.addr, bytes, 4);
            if (pins.we) {
                tx.set_byte_enable_ptr(enables);
                tx.set_byte_enable_length(4);
            }
            const uint64_t stamp_ps = sc_core::sc_time_stamp().value(), at_ps = cycle_ * period_ps_;
            sc_core::sc_time delay = sc_core::sc_time::from_value(at_ps > stamp_ps ? at_ps - stamp_ps : 0);
            mem->b_transport(tx, delay);
            stats_.port_bytes += pins.we ? unsigned(__builtin_popcount(pins.be & 0xF)) : 4u;
            if (!tx.is_response_ok())  // the RTL's range check keeps it inside the memory
                throw std::logic_error("engine: memory access outside the L1 at 0x" + std::to_string(pins.addr));
            granted_at_ = std::max(cycle_, cycles_at(sc_core::sc_time_stamp() + delay));
            read_data_ = uint32_t(bytes[0]) | uint32_t(bytes[1]) << 8 | uint32_t(bytes[2]) << 16 |
                         uint32_t(bytes[3]) << 24;
        }
        gnt = granted_at_ == cycle_;
        if (gnt) granted_at_ = UINT64_MAX;
    }
    if (recording_) {
        constexpr uint32_t kRowState = 4;  // S_ROW: the array's MACs happen on a granted A word
        WaveSample w;
        w.cycle = cycle_;
        w.state = uint8_t(pins.state);
        w.array_active = pins.state == kRowState && gnt;
        w.mem_req = pins.req;
        w.mem_we = pins.req && pins.we;
        w.mem_stall = pins.req && !gnt;
        w.mem_addr = pins.req ? pins.addr : 0;
        record(w);
    }
    rtl_->clock(gnt, gnt ? read_data_ : 0);
    cycle_++;
    if (rtl_->pins().state == 0) finish();
}

// Only changes: a sample equal to the last one adds nothing to the waveform.
void MatrixEngine::record(const WaveSample& sample) {
    if (!waves_.empty() && waves_.back() == sample) return;
    waves_.push_back(sample);
}

void MatrixEngine::finish() {
    running_ = false;
    done_cycle_ = cycle_;
    const uint32_t status = rtl_->read_register(VITSIM_ENGINE_STATUS);
    if (status & VITSIM_ENGINE_ERROR) stats_.errors++;
    else {
        stats_.macs += job_macs_;
        stats_.outputs += job_outputs_;
    }
    stats_.busy_cycles += rtl_->read_register(VITSIM_ENGINE_CYCLES);
    stats_.stall_cycles += rtl_->read_register(VITSIM_ENGINE_STALLS);
    stats_.active_cycles += rtl_->read_register(VITSIM_ENGINE_ACTIVE);
    done_event_.notify(sc_core::SC_ZERO_TIME);
    if (recording_) {  // idle from this clock on
        WaveSample idle;
        idle.cycle = cycle_;
        record(idle);
    }
}

}  // namespace vitsim
