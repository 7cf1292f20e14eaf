// vitsim profiles: the shipped SoC profiles: core, memories, and what each stands in for.
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

std::string core_text(const Profile& p) {
    if (p.core == CoreModel::kCortexM4) return "Cortex-M4 (Armv7E-M)";
    if (p.core == CoreModel::kCortexM7) return "Cortex-M7 (Armv7E-M)";
    const IsaExtensions& isa = p.isa;
    return std::string("RV32I") + (isa.m ? "M" : "") + (isa.c ? "C" : "") + (isa.xvitsim ? "+Xvitsim" : "");
}

// Two lines per profile: the core, its clock and where code and data go; then every
// memory; then what the profile stands in for (its description).
void print_profile(const std::string& name, const Profile& p) {
    std::printf("%s: %s core at %g MHz, code in %s, data in %s\n", name.c_str(), core_text(p).c_str(),
                p.clock_hz / 1e6, p.code_memory.c_str(), p.data_memory.c_str());
    std::string memories;
    for (const MemoryTiming& m : p.memories) {
        char where[16];
        std::snprintf(where, sizeof where, "0x%08x", m.base);
        memories += (memories.empty() ? "" : ", ") + m.name + " " + size_text(m.size) + " @ " + where +
                    (m.writable ? "" : " (read-only)");
    }
    std::printf("  memories: %s\n  %s\n", memories.c_str(), p.description.c_str());
}

}  // namespace

int run_profiles_command(const std::vector<std::string>& args) {
    OptionParser parser("profiles");
    if (!parser.parse(args).empty()) throw UsageError("'vitsim profiles' takes no arguments");
    int status = 0;
    for (const std::string& name : profile_names()) {
        try {
            const Profile p = load_profile(name);
            print_profile(name, p);
        } catch (const ProfileError& e) {
            std::fflush(stdout);
            std::cerr << "vitsim: " << e.what() << '\n';
            status = kExitBadInput;
        }
    }
    return status;
}

}  // namespace vitsim
