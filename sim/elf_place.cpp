// Placing a read ELF into the SoC's memories. Kept apart from the reader
// (elf_loader.cpp) so that the reader builds without SystemC (tests/fuzz).
#include "sim/elf_loader.h"
#include "sim/message_text.h"
#include "soc/soc.h"

namespace vitsim {

namespace {

// A program linked for another profile may load (its segments fit) and then fault
// on its first push: its stack, from the linker symbols __stack_limit..__stack of
// vitsim's runtime, must lie in a writable memory of this profile.
void check_stack(const ElfImage& image, Soc& soc, const std::string& path) {
    const auto limit = image.symbols.find("__stack_limit"), top = image.symbols.find("__stack");
    if (limit == image.symbols.end() || top == image.symbols.end() || limit->second >= top->second) return;
    const Memory* m = soc.memory_at(limit->second, top->second - limit->second);
    if (!m || !m->timing().writable)
        throw ElfError(ElfErrorKind::kOutsideMemory,
                       path + ": its stack " + elf_hex(limit->second) + ".." + elf_hex(top->second) +
                           " lies in no writable memory of " + escape_for_message(soc.profile().name) +
                           ": the program was linked for another memory map (build it for this profile)");
}

}  // namespace

void check_machine(const ElfImage& image, const Profile& profile, const std::string& path) {
    const bool arm_program = image.machine == ElfMachine::kArm;
    if (arm_program == is_arm(profile.core)) return;
    throw ElfError(ElfErrorKind::kWrongMachine,
                   path + ": " + (arm_program ? "an Arm (Thumb-2) program (ELF machine 40)" : "a RISC-V program (ELF machine 243)") +
                       ", but " + escape_for_message(profile.name) + "'s core is " + core_model_name(profile.core) +
                       ", which runs " + core_isa_name(profile.core) + " programs");
}

void place_elf(const ElfImage& image, Soc& soc, const std::string& path) {
    check_machine(image, soc.profile(), path);
    // Check every segment before writing any, so a failed load leaves memory untouched.
    for (const ElfSegment& s : image.segments) {
        const uint64_t end = uint64_t{s.paddr} + s.memsz;
        if (!soc.memory_at(s.paddr, s.memsz))
            throw ElfError(ElfErrorKind::kOutsideMemory, path + ": segment " + elf_hex(s.paddr) + ".." + elf_hex(end) +
                                                             " is outside every memory of " + escape_for_message(soc.profile().name));
    }
    check_stack(image, soc, path);
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
