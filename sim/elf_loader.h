// Loader of bare-metal 32-bit programs: ELF32, little-endian, executable, for RISC-V
// (EM_RISCV) or Arm (EM_ARM); place_elf refuses a program for another core than the
// profile's.
// PT_LOAD segments go to their physical addresses (p_paddr), so a program linked to
// run from SRAM but stored in flash (LMA != VMA) is placed as a real flash image.
#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace vitsim {

class Soc;
struct Profile;

enum class ElfErrorKind {
    kUnreadable,     // cannot open or read the file
    kNotElf,         // no ELF magic
    kNot32Bit,       // ELFCLASS64 (or unknown class)
    kNotLittleEndian,
    kUnknownMachine, // e_machine is neither EM_RISCV nor EM_ARM
    kWrongMachine,   // a program for another instruction set than the profile's core
    kNotExecutable,  // e_type != ET_EXEC
    kTruncated,      // a header or a segment's bytes extend beyond the end of the file
    kMalformed,      // inconsistent headers (entry size, filesz > memsz, nothing to load)
    kOutsideMemory,  // a segment does not fit in any memory of the SoC
};

class ElfError : public std::runtime_error {
public:
    ElfError(ElfErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ElfErrorKind kind() const { return kind_; }
    // 112 for kOutsideMemory (a load error), 111 for a bad file.
    int exit_code() const;

private:
    ElfErrorKind kind_;
};

struct ElfSegment {
    uint32_t paddr = 0;
    uint32_t memsz = 0;          // bytes beyond data.size() are zero-filled (.bss)
    std::vector<uint8_t> data;   // the p_filesz bytes from the file
};

enum class ElfMachine { kRiscV, kArm };

struct ElfImage {
    ElfMachine machine = ElfMachine::kRiscV;
    uint32_t entry = 0;
    std::vector<ElfSegment> segments;  // PT_LOAD with memsz > 0, in file order
    std::map<std::string, uint32_t> symbols;  // the symbol table's named symbols (if any)

    // The address of `name`; throws ElfError (kMalformed) naming `path` if absent.
    uint32_t symbol(const std::string& name, const std::string& path) const;
    // The address of `name`, which must lie, with the `bytes` bytes after it, inside
    // one loadable segment (a word the simulator writes before the run, such as
    // vs_model_image_address); throws ElfError (kMalformed) naming `path` otherwise.
    uint32_t symbol_in_segment(const std::string& name, uint32_t bytes, const std::string& path) const;
    // The address of `name`, which must lie in [begin, end] (the end included:
    // linker symbols such as __stack or __bss_end mark the end of a region);
    // throws ElfError (kOutsideMemory, exit 112) naming `path` and `region`.
    uint32_t symbol_in_range(const std::string& name, uint64_t begin, uint64_t end, const std::string& region,
                             const std::string& path) const;
};

// "0x0800abcd": addresses in ELF messages.
std::string elf_hex(uint64_t value);

// Reads and checks `path`; messages start with the path: "prog.elf: not an ELF file".
ElfImage read_elf(const std::string& path);
// The same checks on the bytes of a file already read (`path` names it in messages).
ElfImage parse_elf(const std::vector<uint8_t>& file, const std::string& path);

// Refuses (kWrongMachine, exit 111) a program whose instruction set is not the one of
// `profile`'s core, naming both: "prog.elf: an Arm (Thumb-2) program (ELF machine 40),
// but gap9's core is rv32, which runs RISC-V (RV32) programs".
void check_machine(const ElfImage& image, const Profile& profile, const std::string& path);

// Writes every segment into the SoC's memories (untimed; sim/elf_place.cpp). `path` names the program
// in error messages: "prog.elf: segment 0x30000000..0x30000100 is outside every
// memory of stm32f746". A program whose stack (vitsim runtime's __stack_limit ..
// __stack) lies in no writable memory was linked for another profile: refused
// (kOutsideMemory) before anything is written.
void place_elf(const ElfImage& image, Soc& soc, const std::string& path);

// read_elf + place_elf; returns the entry point.
uint32_t load_elf(const std::string& path, Soc& soc);

}  // namespace vitsim
