// What a long command is doing, on one line of stderr that rewrites itself: only
// when stderr is a terminal, so that logs and pipes see nothing extra.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace vitsim {

class Progress {
public:
    Progress();  // on when stderr is a terminal
    ~Progress() { clear(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    bool on() const { return on_; }
    // "deploying", "generating weights", ...
    void phase(const std::string& what);
    // Simulation: layer `index` (0-based) of `count` begins. `done` / `total` is the
    // work behind and in all (MACs), for the ETA; `instructions` and `sim_seconds`
    // are the simulated core's so far, for MIPS and simulated time.
    void layer(uint32_t index, size_t count, const std::string& name, uint64_t done, uint64_t total,
               uint64_t instructions, double sim_seconds);
    // "sweep 3/8 mhsa=layer-wise fwsa=on"
    void runs(size_t done, size_t total, const std::string& current);
    void clear();

private:
    void show(const std::string& line);
    bool on_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point simulation_start_{};
};

}  // namespace vitsim
