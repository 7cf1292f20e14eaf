// The GDB remote serial protocol on loopback for core 0 (vitsim elf|run --gdb PORT):
// registers, memory, breakpoints, watchpoints, single step, continue, Ctrl-C, and a
// monitor command that stops where a layer begins. docs/cli.md, "Debugging with gdb".
// A cluster's worker cores are gdb threads 2..N+1 beside core 0 (thread 1), all-stop:
// while core 0 is stopped, so is simulated time and with it the cluster, so their
// registers can be read and written; execution control (breakpoints, steps) is core 0's.
//
// The server runs inside the core's SystemC thread (core/core_debugger.h): while the
// target is stopped it blocks on the socket and simulated time stands still. While no
// breakpoint, watchpoint or step is pending the ISS runs whole quanta as without a
// debugger; otherwise it runs one instruction at a time (Iss::debug_step).
#pragma once
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/core_debugger.h"

namespace vitsim {

class Soc;
class Cluster;

class GdbServer final : public CoreDebugger {
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

    // The target stopped: tell the client and obey it until it resumes or leaves.
    void stop(Iss& iss, const std::string& reply);
    void serve(Iss& iss);
    Next handle(const std::string& packet, Iss& iss);
    std::string why_stopped(Iss& iss);
    bool steps_instructions() const;

    // Threads: 1 is core 0, 1 + i the cluster's worker i.
    unsigned thread_count() const;
    bool parse_thread(const std::string& text, unsigned& id) const;
    Iss& thread_iss(Iss& core0) const;  // the thread Hg selected
    std::string thread_name(unsigned id) const;
    std::string thread_list() const;
    std::string select_thread(const std::string& args);

    std::string read_registers(Iss& iss) const;
    std::string write_registers(Iss& iss, const std::string& hex);
    std::string read_memory(const std::string& args);
    std::string write_memory(Iss& iss, const std::string& args);
    std::string change_point(Iss& iss, const std::string& packet);
    std::string transfer_features(const std::string& args) const;
    std::string monitor(const std::string& hex_command);

    Soc& soc_;
    bool arm_;
    Cluster* cluster_ = nullptr;  // its workers are threads 2..N+1 (nullptr: none)
    unsigned selected_thread_ = 1;  // Hg: whose registers g/G/p/P use
    uint16_t port_ = 0;
    std::unique_ptr<Link> link_;
    bool connected_ = false;
    bool no_ack_ = false;
    unsigned polls_ = 0;

    std::set<uint32_t> breakpoints_;  // Z0 and Z1 alike: the pc is checked
    std::vector<Watchpoint> watchpoints_;
    int break_layer_ = -1;  // monitor break-layer N
    bool step_pending_ = false;
    std::string watch_hit_;  // "watch:ADDR;" of the access that hit, until reported
    bool layer_hit_ = false;
};

struct SimulatorOptions;
// With --gdb: a server listening for core 0 of `soc`, attached to it; else nullptr.
std::unique_ptr<GdbServer> attach_gdb(const SimulatorOptions& options, Soc& soc);

}  // namespace vitsim
