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

// The same debugger for a cluster's worker cores (models/cluster/cluster.h), called in
// the cluster's SystemC thread. Without one, the cluster runs its workers directly.
class WorkerDebugger {
public:
    virtual ~WorkerDebugger() = default;
    // Runs worker `index` like iss.run(cycle_limit) (its share of a lock-step window),
    // stopping on the way wherever the client asked. `awake` turns false when the worker
    // went to sleep in an access (it then yields): the window is over for it.
    virtual StopReason run_worker(unsigned index, Iss& iss, uint64_t cycle_limit, const bool& awake) = 0;
    // A worker's load or store that the debugger watches, or that went through the
    // cluster's bus (registers, devices).
    virtual void worker_access(unsigned index, uint32_t addr, const void* data, unsigned len, bool write) = 0;
};

}  // namespace vitsim
