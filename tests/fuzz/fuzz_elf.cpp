// Fuzz target: the ELF reader (sim/elf_loader.cpp) and the symbol lookups
// `vitsim run` makes on the interpreter firmware.
#include <cstdint>
#include <vector>

#include "fuzz_support.h"
#include "sim/elf_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> file(data, data + size);
    try {
        const vitsim::ElfImage image = vitsim::parse_elf(file, "fuzz.elf");
        uint64_t loaded = 0;
        for (const vitsim::ElfSegment& s : image.segments) {
            if (s.data.size() > s.memsz) vitsim::fuzz::finding("segment holds more bytes than its memory size", "");
            loaded += s.data.size();
        }
        if (loaded > size) vitsim::fuzz::finding("segments hold more bytes than the file", "");
        image.symbol_in_segment("vs_model_image_address", 4, "fuzz.elf");
    } catch (const vitsim::ElfError& e) {
        vitsim::fuzz::check_input_error(e.exit_code(), e.what());
    } catch (...) {
        vitsim::fuzz::judge_current_exception();
    }
    return 0;
}
