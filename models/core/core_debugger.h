// A debugger attached to a core (the gdb server, sim/gdb_server.h). It runs inside the
// core's SystemC thread: while it waits for its client, simulated time stands still.
// Without one, the core calls the ISS directly and nothing here costs anything.
#pragma once
#include <cstdint>

#include "core/iss.h"

namespace vitsim {

class CoreDebugger {
public:
    virtual ~CoreDebugger() = default;
    // After reset, before the first instruction: the target starts stopped.
    virtual void start(Iss& iss) = 0;
    // Runs the ISS like Iss::run(cycle_limit), stopping on the way wherever the client
    // asked (breakpoints, watchpoints, single step, interrupt).
    virtual StopReason run(Iss& iss, uint64_t cycle_limit) = 0;
    // A bus transaction of the core (peripherals, memories without DMI): watchpoints and
    // the SIMCTRL layer markers are seen here.
    virtual void bus_access(uint32_t addr, const void* data, unsigned len, bool write) = 0;
    // The run ended (exit, trap, --max-cycles): the client is told.
    virtual void finish(Iss& iss, StopReason reason) = 0;
};

}  // namespace vitsim
