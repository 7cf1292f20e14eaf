// Placing a read ELF into the SoC's memories. Kept apart from the reader
// (elf_loader.cpp) so that the reader builds without SystemC (tests/fuzz).
#include "sim/elf_loader.h"
#include "sim/message_text.h"
#include "soc/soc.h"

namespace vitsim {

void place_elf(const ElfImage& image, Soc& soc, const std::string& path) {
    // Check every segment before writing any, so a failed load leaves memory untouched.
    for (const ElfSegment& s : image.segments) {
        const uint64_t end = uint64_t{s.paddr} + s.memsz;
        if (!soc.memory_at(s.paddr, s.memsz))
            throw ElfError(ElfErrorKind::kOutsideMemory, path + ": segment " + elf_hex(s.paddr) + ".." + elf_hex(end) +
                                                             " is outside every memory of " + escape_for_message(soc.profile().name));
    }
    for (const ElfSegment& s : image.segments) {
        soc.write_memory(s.paddr, s.data.data(), s.data.size());
        const std::vector<uint8_t> zeros(s.memsz - s.data.size(), 0);
        soc.write_memory(s.paddr + s.data.size(), zeros.data(), zeros.size());
    }
}

uint32_t load_elf(const std::string& path, Soc& soc) {
    const ElfImage image = read_elf(path);
    place_elf(image, soc, path);
    return image.entry;
}

}  // namespace vitsim
