// The GDB remote serial protocol on loopback for core 0 (vitsim elf|run --gdb PORT):
// registers, memory, breakpoints, watchpoints, single step, continue, Ctrl-C, and a
// monitor command that stops where a layer begins. docs/cli.md, "Debugging with gdb".
// A cluster's worker cores are gdb threads 2..N+1 beside core 0 (thread 1), all-stop:
// breakpoints and watchpoints apply to every thread, the stop reply names the thread
// that hit one (gdb switches to it), and any thread can be single-stepped.
//
// The server runs inside the SystemC thread of whichever core stopped (core 0's, or the
// cluster's for a worker; core/core_debugger.h): while the target is stopped it blocks
// on the socket and simulated time stands still for every core. While no breakpoint,
// watchpoint or step is pending a core runs whole quanta (a worker its lock-step window)
// as without a debugger; otherwise one instruction at a time (Iss::debug_step).
#pragma once
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/core_debugger.h"

namespace vitsim {

class Soc;
class Cluster;

class GdbServer final : public CoreDebugger, public WorkerDebugger {
public:
    // Listens on 127.0.0.1:port (0: a free port the system picks) and says so on stderr
    // ("vitsim: waiting for gdb on localhost:PORT"); a port that cannot be had is a
    // UsageError (exit 110). The client is accepted when the simulation starts.
    GdbServer(uint16_t port, Soc& soc, bool arm);
    ~GdbServer() override;
    uint16_t port() const { return port_; }

    // core/core_debugger.h
    void start(Iss& iss) override;
    StopReason run(Iss& iss, uint64_t cycle_limit) override;
    void bus_access(uint32_t addr, const void* data, unsigned len, bool write) override;
    void finish(Iss& iss, StopReason reason) override;
    StopReason run_worker(unsigned index, Iss& iss, uint64_t cycle_limit, const bool& awake) override;
    void worker_access(unsigned index, uint32_t addr, const void* data, unsigned len, bool write) override;

    // `kill` ends the program with this status, as a shell reports a killed process.
    static constexpr int kKilledStatus = 128 + 9;

private:
    struct Link;  // the Boost.Asio socket
    enum class Next { kStay, kResume, kLeave };
    enum class WatchKind { kWrite, kRead, kAccess };
    struct Watchpoint {
        uint32_t addr, len;
        WatchKind kind;
    };

    // Packets.
    bool read_packet(std::string& payload);
    void send_packet(const std::string& payload);
    bool interrupt_requested();
    void disconnect();

    // Runs thread `thread` (its ISS `iss`) like Iss::run; `awake` (workers): false once
    // it went to sleep.
    StopReason run_thread(unsigned thread, Iss& iss, uint64_t cycle_limit, const bool* awake);
    void end_run(unsigned thread, Iss& iss, StopReason reason, const std::string& why);
    void check_watchpoints(unsigned thread, uint32_t addr, unsigned len, bool write);
    // The target stopped: tell the client and obey it until it resumes or leaves.
    void stop(unsigned thread, const std::string& reply);
    void serve();
    Next handle(const std::string& packet);
    Next resume(const std::string& vcont);
    std::pair<std::string, unsigned> why_stopped(unsigned thread, const Iss& iss);
    bool steps_instructions(unsigned thread) const;

    // Threads: 1 is core 0, 1 + i the cluster's worker i.
    unsigned thread_count() const;
    bool parse_thread(const std::string& text, unsigned& id) const;
    Iss& thread_iss(unsigned id) const;
    std::string thread_name(unsigned id) const;
    std::string thread_list() const;
    std::string select_thread(const std::string& args);

    std::string read_registers(Iss& iss) const;
    std::string write_registers(Iss& iss, const std::string& hex);
    std::string read_memory(const std::string& args);
    std::string write_memory(const std::string& args);
    std::string change_point(const std::string& packet);
    std::string transfer_features(const std::string& args) const;
    std::string monitor(const std::string& hex_command);

    Soc& soc_;
    bool arm_;
    Cluster* cluster_ = nullptr;  // its workers are threads 2..N+1 (nullptr: none)
    Iss* core0_ = nullptr;          // thread 1
    unsigned selected_thread_ = 1;  // Hg: whose registers g/G/p/P use
    unsigned resume_thread_ = 0;    // Hc: the thread s steps (0: the Hg thread)
    uint16_t port_ = 0;
    std::unique_ptr<Link> link_;
    bool connected_ = false;
    bool no_ack_ = false;
    unsigned polls_ = 0;

    std::set<uint32_t> breakpoints_;  // Z0 and Z1 alike: the pc is checked
    std::vector<Watchpoint> watchpoints_;
    int break_layer_ = -1;  // monitor break-layer N
    unsigned step_thread_ = 0;  // the thread to stop after its next instruction (0: none)
    unsigned locked_thread_ = 0;  // vCont resumed this thread alone (0: every thread runs)
    std::set<unsigned> held_;     // workers held at a breakpoint meanwhile
    std::string watch_hit_;    // "watch:ADDR;" of the access that hit, until reported
    unsigned watch_thread_ = 1;  // the thread whose access that was
    bool layer_hit_ = false;
};

struct SimulatorOptions;
// With --gdb: a server listening for core 0 of `soc`, attached to it and to the
// cluster's workers; else nullptr.
std::unique_ptr<GdbServer> attach_gdb(const SimulatorOptions& options, Soc& soc);

}  // namespace vitsim
