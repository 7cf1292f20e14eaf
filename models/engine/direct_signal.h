// A signal channel whose writes take effect at once, for driving a Verilated SystemC
// model cycle by cycle from C++ (models/engine): the wrapper writes the inputs, then
// fires `changed()` (an immediate notification) and yields for one delta cycle: the
// model's SC_METHOD (sensitive to its inputs) runs in that evaluation phase, and its
// outputs, written through the same kind of channel, are there when the wrapper
// resumes. One delta per evaluation, no update phase per signal.
#pragma once
#include <systemc>

namespace vitsim {

template <typename T>
class DirectSignal : public sc_core::sc_signal_inout_if<T>, public sc_core::sc_prim_channel {
public:
    explicit DirectSignal(const char* name) : sc_core::sc_prim_channel(name) {}

    const T& read() const override { return value_; }
    const T& get_data_ref() const override { return value_; }
    void write(const T& value) override { value_ = value; }
    bool event() const override { return false; }
    const sc_core::sc_event& value_changed_event() const override { return changed_; }
    const sc_core::sc_event& default_event() const override { return changed_; }
    // What sc_signal_in_if<bool> adds (plain members for other types).
    const sc_core::sc_event& posedge_event() const { return changed_; }
    const sc_core::sc_event& negedge_event() const { return changed_; }
    bool posedge() const { return false; }
    bool negedge() const { return false; }
    // Wakes the processes sensitive to this signal in the current evaluation phase.
    void changed() { changed_.notify(); }

private:
    T value_{};
    sc_core::sc_event changed_;
};

}  // namespace vitsim
