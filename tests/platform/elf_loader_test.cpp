// ELF loader: bad inputs give the right error kind and message; good ones land at
// their physical addresses with .bss zeroed. The files are written by the test.
#include <gtest/gtest.h>

#include <elf.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "sim/elf_loader.h"
#include "soc/soc.h"

namespace vitsim {
namespace {

struct SegmentSpec {
    uint32_t vaddr, paddr;
    std::vector<uint8_t> bytes;
    uint32_t memsz;
};

// A minimal ELF32 RISC-V executable: header, program headers, segment bytes.
std::vector<uint8_t> make_elf(const std::vector<SegmentSpec>& segments, uint32_t entry = 0x08000000) {
    Elf32_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_RISCV;
    eh.e_version = EV_CURRENT;
    eh.e_entry = entry;
    eh.e_phoff = sizeof(Elf32_Ehdr);
    eh.e_ehsize = sizeof(Elf32_Ehdr);
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_phnum = static_cast<Elf32_Half>(segments.size());
    std::vector<uint8_t> file(sizeof eh + segments.size() * sizeof(Elf32_Phdr));
    std::memcpy(file.data(), &eh, sizeof eh);
    for (size_t i = 0; i < segments.size(); i++) {
        Elf32_Phdr ph{};
        ph.p_type = PT_LOAD;
        ph.p_offset = static_cast<Elf32_Off>(file.size());
        ph.p_vaddr = segments[i].vaddr;
        ph.p_paddr = segments[i].paddr;
        ph.p_filesz = static_cast<Elf32_Word>(segments[i].bytes.size());
        ph.p_memsz = segments[i].memsz;
        ph.p_flags = PF_R | PF_X;
        std::memcpy(file.data() + sizeof eh + i * sizeof ph, &ph, sizeof ph);
        file.insert(file.end(), segments[i].bytes.begin(), segments[i].bytes.end());
    }
    return file;
}

std::vector<uint8_t> good_elf() { return make_elf({{0x08000000, 0x08000000, {0x13, 0, 0, 0}, 4}}); }

// Files written by this process, removed when it exits.
struct TempFiles {
    std::vector<std::string> paths;
    ~TempFiles() {
        for (const std::string& p : paths) std::remove(p.c_str());
    }
} temp_files;

std::string write_file(const std::string& name, const std::vector<uint8_t>& bytes) {
    // The pid keeps concurrent test runs (other build trees) from sharing files.
    const std::string path = ::testing::TempDir() + "vitsim_elf_" + std::to_string(::getpid()) + "_" + name;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    temp_files.paths.push_back(path);
    return path;
}

// The kind and message of the error read_elf raises for `bytes`.
std::pair<ElfErrorKind, std::string> read_error(const std::string& name, const std::vector<uint8_t>& bytes) {
    const std::string path = write_file(name, bytes);
    try {
        read_elf(path);
    } catch (const ElfError& e) {
        std::string message = e.what();
        EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << "message does not start with the path: " << message;
        return {e.kind(), message.substr(path.size() + 2)};
    }
    ADD_FAILURE() << name << ": no error";
    return {ElfErrorKind::kUnreadable, ""};
}

TEST(ElfLoader, AcceptsAMinimalRiscVExecutable) {
    const ElfImage image = read_elf(write_file("good", good_elf()));
    EXPECT_EQ(image.entry, 0x08000000u);
    ASSERT_EQ(image.segments.size(), 1u);
    EXPECT_EQ(image.segments[0].data.size(), 4u);
}

TEST(ElfLoader, RejectsNonElfBytes) {
    const auto [kind, message] = read_error("text", {'h', 'e', 'l', 'l', 'o', '\n'});
    EXPECT_EQ(kind, ElfErrorKind::kNotElf);
    EXPECT_EQ(message, "not an ELF file");
    EXPECT_EQ(read_error("empty", {}).first, ElfErrorKind::kNotElf);
}

TEST(ElfLoader, Rejects64BitElf) {
    std::vector<uint8_t> file = good_elf();
    file[EI_CLASS] = ELFCLASS64;
    const auto [kind, message] = read_error("elf64", file);
    EXPECT_EQ(kind, ElfErrorKind::kNot32Bit);
    EXPECT_EQ(message, "64-bit ELF; vitsim runs 32-bit programs (ELFCLASS32)");
}

TEST(ElfLoader, RejectsBigEndian) {
    std::vector<uint8_t> file = good_elf();
    file[EI_DATA] = ELFDATA2MSB;
    EXPECT_EQ(read_error("be", file).first, ElfErrorKind::kNotLittleEndian);
}

TEST(ElfLoader, ReadsArmProgramsAndRejectsOtherMachines) {
    std::vector<uint8_t> file = good_elf();
    const Elf32_Half arm = EM_ARM, x86 = EM_386;
    std::memcpy(file.data() + offsetof(Elf32_Ehdr, e_machine), &arm, sizeof arm);
    EXPECT_EQ(parse_elf(file, "arm").machine, ElfMachine::kArm);
    std::memcpy(file.data() + offsetof(Elf32_Ehdr, e_machine), &x86, sizeof x86);
    const auto [kind, message] = read_error("x86", file);
    EXPECT_EQ(kind, ElfErrorKind::kUnknownMachine);
    EXPECT_EQ(message, "not a RISC-V or Arm program (ELF machine 3)");
}

TEST(ElfLoader, RejectsNonExecutables) {
    std::vector<uint8_t> file = good_elf();
    const Elf32_Half rel = ET_REL;
    std::memcpy(file.data() + offsetof(Elf32_Ehdr, e_type), &rel, sizeof rel);
    EXPECT_EQ(read_error("rel", file).first, ElfErrorKind::kNotExecutable);
}

TEST(ElfLoader, RejectsTruncatedFiles) {
    const std::vector<uint8_t> file = good_elf();
    EXPECT_EQ(read_error("cut_ident", {file.begin(), file.begin() + 10}).first, ElfErrorKind::kTruncated);
    EXPECT_EQ(read_error("cut_header", {file.begin(), file.begin() + 40}).first, ElfErrorKind::kTruncated);
    const auto [kind, message] = read_error("cut_phdr", {file.begin(), file.begin() + sizeof(Elf32_Ehdr) + 8});
    EXPECT_EQ(kind, ElfErrorKind::kTruncated);
    EXPECT_EQ(message, "program headers extend beyond the end of the file");
    const auto seg = read_error("cut_segment", {file.begin(), file.end() - 2});
    EXPECT_EQ(seg.first, ElfErrorKind::kTruncated);
    EXPECT_EQ(seg.second, "segment 0 (0x08000000): bytes extend beyond the end of the file");
}

TEST(ElfLoader, RejectsInconsistentHeaders) {
    EXPECT_EQ(read_error("filesz", make_elf({{0x08000000, 0x08000000, {1, 2, 3, 4}, 2}})).first,
              ElfErrorKind::kMalformed);
    EXPECT_EQ(read_error("nothing", make_elf({})).first, ElfErrorKind::kMalformed);
}

// Found by fuzz_elf: program headers that all point at the same file bytes made
// the reader copy the file once per header (2048 headers of a 64 KiB file: 128 MiB).
TEST(ElfLoader, RejectsSegmentsThatShareFileBytes) {
    std::vector<uint8_t> file = make_elf(std::vector<SegmentSpec>(16, {0x08000000, 0x08000000, {1, 2, 3, 4}, 4}));
    for (size_t i = 0; i < 16; i++) {
        Elf32_Phdr ph;
        std::memcpy(&ph, file.data() + sizeof(Elf32_Ehdr) + i * sizeof ph, sizeof ph);
        ph.p_offset = 0;
        ph.p_filesz = ph.p_memsz = static_cast<Elf32_Word>(file.size());
        std::memcpy(file.data() + sizeof(Elf32_Ehdr) + i * sizeof ph, &ph, sizeof ph);
    }
    EXPECT_EQ(read_error("shared", file),
              std::make_pair(ElfErrorKind::kMalformed, std::string("segment 1: loadable segments overlap in the file")));
}

TEST(ElfLoader, MissingFileIsUnreadable) {
    try {
        read_elf("/nonexistent/prog.elf");
        FAIL() << "no error";
    } catch (const ElfError& e) {
        EXPECT_EQ(e.kind(), ElfErrorKind::kUnreadable);
        EXPECT_EQ(e.exit_code(), 111);
        EXPECT_EQ(std::string(e.what()), "/nonexistent/prog.elf: cannot open: No such file or directory");
    }
}

TEST(ElfLoader, SegmentOutsideEveryMemoryIsALoadError) {
    Soc soc("soc", load_profile("stm32f746-rv32"), RunOptions{});
    const std::string path =
        write_file("outside", make_elf({{0x30000000, 0x30000000, std::vector<uint8_t>(0x100, 1), 0x100}}));
    try {
        load_elf(path, soc);
        FAIL() << "no error";
    } catch (const ElfError& e) {
        EXPECT_EQ(e.kind(), ElfErrorKind::kOutsideMemory);
        EXPECT_EQ(e.exit_code(), 112);
        EXPECT_EQ(std::string(e.what()),
                  path + ": segment 0x30000000..0x30000100 is outside every memory of stm32f746-rv32");
    }
    // A segment that starts in flash but runs past its end does not fit either.
    const std::string straddle = write_file("straddle", make_elf({{0, 0x080FFFFC, {}, 8}}));
    EXPECT_THROW(load_elf(straddle, soc), ElfError);
}

TEST(ElfLoader, PlacesSegmentsAtPhysicalAddressesAndZeroesBss) {
    Soc soc("soc", load_profile("stm32f746-rv32"), RunOptions{});
    // .data linked for SRAM (vaddr) but stored in flash (paddr); .bss in SRAM.
    std::vector<uint8_t> garbage(64, 0xEE);
    ASSERT_TRUE(soc.write_memory(0x20000000, garbage.data(), garbage.size()));
    const std::string path = write_file(
        "layout", make_elf({{0x08000000, 0x08000000, {0x13, 0, 0, 0, 0x6F, 0, 0, 0}, 8},
                            {0x20000100, 0x08000100, {0xAA, 0xBB}, 2},
                            {0x20000000, 0x20000000, {0x11, 0x22}, 48}},
                           0x08000004));
    EXPECT_EQ(load_elf(path, soc), 0x08000004u);
    uint8_t b[64];
    ASSERT_TRUE(soc.read_memory(0x08000100, b, 2));
    EXPECT_EQ(b[0], 0xAA);
    EXPECT_EQ(b[1], 0xBB);
    ASSERT_TRUE(soc.read_memory(0x20000100, b, 2));
    EXPECT_EQ(b[0], 0);  // the vaddr was not written
    ASSERT_TRUE(soc.read_memory(0x20000000, b, 64));
    EXPECT_EQ(b[0], 0x11);
    EXPECT_EQ(b[1], 0x22);
    for (int i = 2; i < 48; i++) EXPECT_EQ(b[i], 0) << i;  // .bss zero-filled
    EXPECT_EQ(b[48], 0xEE);                                // nothing beyond memsz
}

}  // namespace
}  // namespace vitsim
