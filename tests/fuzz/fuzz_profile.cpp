// Fuzz target: the SoC profile reader (soc/profile.cpp), and what deploy derives
// from a profile (target_for_profile).
#include <cstdint>
#include <string>

#include "deploy/deploy.h"
#include "fuzz_support.h"
#include "soc/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const vitsim::Profile profile = vitsim::parse_profile(text, "fuzz.json");
        for (const vitsim::MemoryTiming& m : profile.memories)
            if (m.size == 0 || uint64_t{m.base} + m.size > (uint64_t{1} << 32))
                vitsim::fuzz::finding("accepted a memory outside the address space", m.name);
        vitsim::deploy::target_for_profile(profile, 4096, 4096, 2048);
    } catch (const vitsim::ProfileError& e) {
        vitsim::fuzz::check_input_error(vitsim::kExitBadInput, e.what());
    } catch (...) {
        vitsim::fuzz::judge_current_exception();
    }
    return 0;
}
