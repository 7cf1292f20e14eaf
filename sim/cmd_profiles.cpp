// vitsim profiles: the shipped SoC profiles, one line each.
#include <cstdio>
#include <iostream>

#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/options.h"
#include "soc/profile.h"

namespace vitsim {

namespace {

std::string size_text(uint64_t bytes) {
    if (bytes % (1024 * 1024) == 0) return std::to_string(bytes >> 20) + "M";
    if (bytes % 1024 == 0) return std::to_string(bytes >> 10) + "K";
    return std::to_string(bytes);
}

std::string summary(const Profile& p) {
    char clock[32];
    std::snprintf(clock, sizeof clock, "%g MHz", p.clock_hz / 1e6);
    std::string line = clock;
    for (const MemoryTiming& m : p.memories) {
        char where[16];
        std::snprintf(where, sizeof where, "0x%08x", m.base);
        line += std::string(line == clock ? "  " : ", ") + m.name + " " + size_text(m.size) + " @ " + where;
    }
    return line;
}

}  // namespace

int run_profiles_command(const std::vector<std::string>& args) {
    OptionParser parser("profiles");
    if (!parser.parse(args).empty()) throw UsageError("'vitsim profiles' takes no arguments");
    int status = 0;
    for (const std::string& name : profile_names()) {
        try {
            const Profile p = load_profile(name);
            std::printf("%-12s %s\n", name.c_str(), summary(p).c_str());
        } catch (const ProfileError& e) {
            std::fflush(stdout);
            std::cerr << "vitsim: " << e.what() << '\n';
            status = kExitBadInput;
        }
    }
    return status;
}

}  // namespace vitsim
