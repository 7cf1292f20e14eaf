#include "sim/progress.h"

#include <unistd.h>

#include <cstdio>

namespace vitsim {

namespace {

constexpr size_t kWidth = 100;  // characters of the line; longer text is cut

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

Progress::Progress() : on_(::isatty(STDERR_FILENO) == 1) {}

void Progress::show(const std::string& line) {
    if (!on_) return;
    std::fprintf(stderr, "\r%-*.*s", int(kWidth), int(kWidth), ("vitsim: " + line).c_str());
    std::fflush(stderr);
    shown_ = true;
}

void Progress::clear() {
    if (!shown_) return;
    std::fprintf(stderr, "\r%*s\r", int(kWidth), "");
    std::fflush(stderr);
    shown_ = false;
}

void Progress::phase(const std::string& what) { show(what + "..."); }

void Progress::layer(uint32_t index, size_t count, const std::string& name, uint64_t done, uint64_t total,
                     uint64_t instructions, double sim_seconds) {
    if (!on_) return;
    if (index == 0) simulation_start_ = std::chrono::steady_clock::now();
    const double host = seconds_since(simulation_start_);
    char line[256];
    int n = std::snprintf(line, sizeof line, "layer %u/%zu %-24.24s  %.3f ms simulated", index + 1, count, name.c_str(),
                          sim_seconds * 1e3);
    if (host > 0.2 && instructions) n += std::snprintf(line + n, sizeof line - n, ", %.0f MIPS", instructions / host / 1e6);
    if (host > 1 && done > 0 && total > done)
        std::snprintf(line + n, sizeof line - n, ", about %.0f s left", host * double(total - done) / double(done));
    show(line);
}

void Progress::runs(size_t done, size_t total, const std::string& current) {
    char line[256];
    std::snprintf(line, sizeof line, "run %zu/%zu (%.0f s): %s", done + 1, total, seconds_since(start_), current.c_str());
    show(line);
}

}  // namespace vitsim
