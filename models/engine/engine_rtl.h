// The matrix engine's RTL (rtl/matrix_engine/matrix_engine.sv) as the wrapper drives
// it: one Verilated SystemC model per array size (Verilator fixes parameters at
// verilation), behind one interface, so MatrixEngine works with any of them.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

namespace vitsim {

// The RTL's outputs after the last evaluation.
struct EnginePins {
    bool req = false, we = false;
    uint32_t addr = 0, be = 0, wdata = 0;
    bool irq = false;
    uint32_t state = 0;  // RTL state_t: 0 idle, 1 check, 2 bias, 3 loadw, 4 row, 5 quant, 6 write
};

// Every call that evaluates the RTL yields for a delta cycle: call from a SystemC
// thread (the cluster's, the FC's), never during elaboration.
class EngineRtl {
public:
    virtual ~EngineRtl() = default;
    // The memory window the RTL accepts operands in (its range check).
    virtual void set_memory_window(uint32_t base, uint32_t size) = 0;
    // rst_n low for one clock edge.
    virtual void reset() = 0;
    // The register at `offset` (combinational read: no clock edge).
    virtual uint32_t read_register(uint32_t offset) = 0;
    // One clock edge with the register write port set.
    virtual void write_register(uint32_t offset, uint32_t value) = 0;
    // One clock edge with this answer on the memory port (rdata matters with gnt on a read).
    virtual void clock(bool gnt, uint32_t rdata) = 0;
    virtual const EnginePins& pins() const = 0;
};

// The array sizes (lanes) verilated into this build, and a model of one of them;
// nullptr for a size that was not verilated. `name` names the SystemC module.
const std::vector<unsigned>& engine_rtl_lanes();
std::unique_ptr<EngineRtl> make_engine_rtl(const char* name, unsigned lanes);

}  // namespace vitsim
