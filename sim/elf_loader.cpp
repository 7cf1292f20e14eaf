#include "sim/elf_loader.h"

#include <elf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "exit_codes.h"

namespace vitsim {

int ElfError::exit_code() const { return kind_ == ElfErrorKind::kOutsideMemory ? kExitLoad : kExitBadInput; }

std::string elf_hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(v));
    return buf;
}

namespace {

std::vector<uint8_t> read_bytes(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ElfError(ElfErrorKind::kUnreadable, path + ": is a directory, not a program");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ElfError(ElfErrorKind::kUnreadable, path + ": cannot open: " + std::strerror(errno));
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw ElfError(ElfErrorKind::kUnreadable, path + ": read error: " + std::strerror(errno));
    return bytes;
}

// Identification bytes first: each answers "is this something we can run" with its
// own message before any header field is trusted.
void check_ident(const std::vector<uint8_t>& file, const std::string& path) {
    if (file.size() < SELFMAG || std::memcmp(file.data(), ELFMAG, SELFMAG) != 0)
        throw ElfError(ElfErrorKind::kNotElf, path + ": not an ELF file");
    if (file.size() < EI_NIDENT) throw ElfError(ElfErrorKind::kTruncated, path + ": truncated ELF header");
    if (file[EI_CLASS] == ELFCLASS64)
        throw ElfError(ElfErrorKind::kNot32Bit, path + ": 64-bit ELF; vitsim runs 32-bit programs (ELFCLASS32)");
    if (file[EI_CLASS] != ELFCLASS32)
        throw ElfError(ElfErrorKind::kNot32Bit, path + ": unknown ELF class " + std::to_string(file[EI_CLASS]));
    if (file[EI_DATA] != ELFDATA2LSB)
        throw ElfError(ElfErrorKind::kNotLittleEndian, path + ": big-endian ELF; vitsim's cores are little-endian");
    if (file.size() < sizeof(Elf32_Ehdr)) throw ElfError(ElfErrorKind::kTruncated, path + ": truncated ELF header");
}

void check_header(const Elf32_Ehdr& eh, size_t file_size, const std::string& path) {
    if (eh.e_machine != EM_RISCV && eh.e_machine != EM_ARM)
        throw ElfError(ElfErrorKind::kUnknownMachine, path + ": not a RISC-V or Arm program (ELF machine " +
                                                          std::to_string(eh.e_machine) + ")");
    if (eh.e_type != ET_EXEC)
        throw ElfError(ElfErrorKind::kNotExecutable,
                       path + ": not an executable (ELF type " + std::to_string(eh.e_type) + "); link it with -static");
    if (eh.e_phnum == 0) throw ElfError(ElfErrorKind::kMalformed, path + ": no program headers");
    if (eh.e_phentsize != sizeof(Elf32_Phdr))
        throw ElfError(ElfErrorKind::kMalformed,
                       path + ": program header size " + std::to_string(eh.e_phentsize) + ", expected " +
                           std::to_string(sizeof(Elf32_Phdr)));
    if (uint64_t{eh.e_phoff} + uint64_t{eh.e_phnum} * sizeof(Elf32_Phdr) > file_size)
        throw ElfError(ElfErrorKind::kTruncated, path + ": program headers extend beyond the end of the file");
}

ElfSegment read_segment(const Elf32_Phdr& ph, unsigned index, const std::vector<uint8_t>& file,
                        const std::string& path) {
    const std::string which = path + ": segment " + std::to_string(index) + " (" + elf_hex(ph.p_paddr) + ")";
    if (ph.p_filesz > ph.p_memsz)
        throw ElfError(ElfErrorKind::kMalformed, which + ": file size larger than memory size");
    if (uint64_t{ph.p_offset} + ph.p_filesz > file.size())
        throw ElfError(ElfErrorKind::kTruncated, which + ": bytes extend beyond the end of the file");
    ElfSegment s;
    s.paddr = ph.p_paddr;
    s.memsz = ph.p_memsz;
    s.data.assign(file.begin() + ph.p_offset, file.begin() + ph.p_offset + ph.p_filesz);
    return s;
}

constexpr size_t kMaxSymbolName = 256;

// Named symbols of the first SHT_SYMTAB (a stripped program has none: not an error).
std::map<std::string, uint32_t> read_symbols(const Elf32_Ehdr& eh, const std::vector<uint8_t>& file) {
    std::map<std::string, uint32_t> symbols;
    if (eh.e_shentsize != sizeof(Elf32_Shdr) || uint64_t{eh.e_shoff} + uint64_t{eh.e_shnum} * sizeof(Elf32_Shdr) > file.size())
        return symbols;
    auto section = [&](unsigned i) {
        Elf32_Shdr sh;
        std::memcpy(&sh, file.data() + eh.e_shoff + i * sizeof(Elf32_Shdr), sizeof sh);
        return sh;
    };
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        const Elf32_Shdr sh = section(i);
        if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh.e_shnum) continue;
        const Elf32_Shdr strtab = section(sh.sh_link);
        if (uint64_t{sh.sh_offset} + sh.sh_size > file.size() || uint64_t{strtab.sh_offset} + strtab.sh_size > file.size())
            return symbols;
        for (uint64_t off = sh.sh_offset; off + sizeof(Elf32_Sym) <= uint64_t{sh.sh_offset} + sh.sh_size;
             off += sizeof(Elf32_Sym)) {
            Elf32_Sym sym;
            std::memcpy(&sym, file.data() + off, sizeof sym);
            if (sym.st_name == 0 || sym.st_name >= strtab.sh_size) continue;
            const char* name = reinterpret_cast<const char*>(file.data() + strtab.sh_offset + sym.st_name);
            const size_t length = strnlen(name, strtab.sh_size - sym.st_name);
            // Names vitsim looks up are short; skipping long ones keeps a crafted
            // table (every symbol a different suffix of one huge string) from
            // costing symbols x string bytes of memory.
            if (length <= kMaxSymbolName) symbols.emplace(std::string(name, length), sym.st_value);
        }
        break;
    }
    return symbols;
}

}  // namespace

uint32_t ElfImage::symbol(const std::string& name, const std::string& path) const {
    auto it = symbols.find(name);
    if (it == symbols.end()) throw ElfError(ElfErrorKind::kMalformed, path + ": no symbol '" + name + "'");
    return it->second;
}

uint32_t ElfImage::symbol_in_segment(const std::string& name, uint32_t bytes, const std::string& path) const {
    const uint32_t address = symbol(name, path);
    for (const ElfSegment& s : segments)
        if (address >= s.paddr && uint64_t{address} - s.paddr + bytes <= s.memsz) return address;
    throw ElfError(ElfErrorKind::kMalformed, path + ": symbol '" + name + "' (" + elf_hex(address) +
                                                 ") is not inside any loadable segment");
}

uint32_t ElfImage::symbol_in_range(const std::string& name, uint64_t begin, uint64_t end, const std::string& region,
                                   const std::string& path) const {
    const uint32_t address = symbol(name, path);
    if (address < begin || address > end)
        throw ElfError(ElfErrorKind::kOutsideMemory, path + ": symbol '" + name + "' (" + elf_hex(address) +
                                                         ") is outside " + region + " (" + elf_hex(begin) + ".." +
                                                         elf_hex(end) + ")");
    return address;
}

ElfImage read_elf(const std::string& path) { return parse_elf(read_bytes(path), path); }

ElfImage parse_elf(const std::vector<uint8_t>& file, const std::string& path) {
    check_ident(file, path);
    Elf32_Ehdr eh;
    std::memcpy(&eh, file.data(), sizeof eh);
    check_header(eh, file.size(), path);

    ElfImage image;
    image.machine = eh.e_machine == EM_ARM ? ElfMachine::kArm : ElfMachine::kRiscV;
    image.entry = eh.e_entry;
    uint64_t loaded_bytes = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph;
        std::memcpy(&ph, file.data() + eh.e_phoff + i * sizeof(Elf32_Phdr), sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        // Segments never share file bytes in a linked program; a file whose
        // segments add up to more than its size would be copied many times over.
        loaded_bytes += ph.p_filesz;
        if (loaded_bytes > file.size())
            throw ElfError(ElfErrorKind::kMalformed, path + ": segment " + std::to_string(i) +
                                                         ": loadable segments overlap in the file");
        image.segments.push_back(read_segment(ph, i, file, path));
    }
    if (image.segments.empty()) throw ElfError(ElfErrorKind::kMalformed, path + ": no loadable segment");
    image.symbols = read_symbols(eh, file);
    return image;
}

}  // namespace vitsim
