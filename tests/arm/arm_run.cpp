// arm_run: runs an Armv7-M ELF on the Arm ISS alone (no SystemC), on the memory map of
// qemu's MPS2 boards (mps2-an500 / mps2-an386): 4 MiB at 0x00000000 (code, vector
// table) and 4 MiB at 0x20000000 (data). The console is semihosting; the exit status is
// the program's. Used by the tests (same output as qemu-system-arm -semihosting) and
// as the Arm host-MIPS benchmark.
//
//   arm_run [--stats] [--max-cycles N] [--m7] [--caches] [--trace N] program.elf
//   (--m7: the M7's CPUID and timing, dual issue; --caches: 16 KiB L1 I- and D-caches, as
//   an STM32H743, over both memories)
//   (--trace: prints pc and registers before each of the first N instructions, to stderr)
//
// Exit status: the program's (0..109), 113 unrecoverable fault (one line on stderr),
// 114 cycle limit, 111 bad ELF, 110 usage.
#include <elf.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "arm/arm_hart.h"
#include "memory_bus.h"

using namespace vitsim;

namespace {

constexpr uint32_t kCodeBase = 0x00000000, kDataBase = 0x20000000, kMemSize = 4u << 20;

struct Board : test::TwoMemoryBus {
    Board() : TwoMemoryBus(kCodeBase, kDataBase, kMemSize) {}
};

// Copies the PT_LOAD segments (at their physical addresses: .data's initial values sit in
// the code memory, where crt0 copies them from) and zero-fills the rest of each segment.
bool load_elf(const std::string& path, Board& board, std::string& error) {
    std::ifstream f(path, std::ios::binary);
    if (!f) { error = "cannot open " + path; return false; }
    const std::vector<uint8_t> image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    Elf32_Ehdr eh;
    if (image.size() < sizeof eh) { error = "not an ELF file"; return false; }
    std::memcpy(&eh, image.data(), sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_ARM) {
        error = "not a 32-bit Arm ELF file";
        return false;
    }
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph;
        const size_t at = eh.e_phoff + size_t(i) * eh.e_phentsize;
        if (at + sizeof ph > image.size()) { error = "truncated program header"; return false; }
        std::memcpy(&ph, image.data() + at, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        uint8_t* dst = board.at(ph.p_paddr, ph.p_memsz);
        if (!dst || ph.p_offset + ph.p_filesz > image.size()) {
            char buf[96];
            snprintf(buf, sizeof buf, "segment at 0x%08x (%u bytes) outside the memories", ph.p_paddr, ph.p_memsz);
            error = buf;
            return false;
        }
        std::memcpy(dst, image.data() + ph.p_offset, ph.p_filesz);
        std::memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    bool stats = false, m7 = false, caches = false;
    uint64_t trace = 0;
    uint64_t max_cycles = 20'000'000'000ull;
    std::string path;
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        if (a == "--stats") stats = true;
        else if (a == "--m7") m7 = true;
        else if (a == "--caches") caches = true;
        else if (a == "--trace" && i + 1 < argc) trace = std::strtoull(argv[++i], nullptr, 0);
        else if (a == "--max-cycles" && i + 1 < argc) max_cycles = std::strtoull(argv[++i], nullptr, 0);
        else if (!a.empty() && a[0] != '-' && path.empty()) path = a;
        else { fprintf(stderr, "usage: arm_run [--stats] [--max-cycles N] [--m7] [--caches] program.elf\n"); return 110; }
    }
    if (path.empty()) { fprintf(stderr, "usage: arm_run [--stats] [--max-cycles N] [--m7] [--caches] program.elf\n"); return 110; }

    Board board;
    std::string error;
    if (!load_elf(path, board, error)) { fprintf(stderr, "arm_run: %s: %s\n", path.c_str(), error.c_str()); return 111; }
    ArmOptions options;
    if (m7) options.cpuid = 0x411fc272;  // Cortex-M7 r1p2, as qemu's mps2-an500
    ArmHart hart(0, m7 ? cortex_m7_timing() : ArmTiming{}, options, board);
    if (caches) {
        MemorySystem system;
        system.icache = {16 * 1024, 2, 32};
        system.dcache = {16 * 1024, 4, 32};
        system.cacheable = {"code", "data"};
        hart.configure_memory_system(system);
    }
    AccessCounters code_counters, data_counters;
    hart.add_memory(MemoryTiming{"code", kCodeBase, kMemSize, true, true, 0, 0, 0, 16, true, 0}, board.code.data(), &code_counters);
    hart.add_memory(MemoryTiming{"data", kDataBase, kMemSize, true, true, 0, 0, 0, 16, true, 0}, board.data.data(), &data_counters);
    hart.set_console([](std::string_view s) { fwrite(s.data(), 1, s.size(), stdout); });
    hart.set_command_line(path);  // as qemu -kernel path: argv[0] is the ELF's name
    hart.reset(kCodeBase);

    // Wall time, and the process's CPU time: the machine may be shared, and CPU time is
    // what the simulator itself costs.
    auto cpu_seconds = [] { timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return double(t.tv_sec) + 1e-9 * double(t.tv_nsec); };
    const double cpu_start = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    StopReason why = StopReason::kLimit;
    for (uint64_t i = 0; i < trace && why == StopReason::kLimit && hart.cycles() < max_cycles; i++) {
        fprintf(stderr, "%08x:", hart.pc());
        for (unsigned r = 0; r < 15; r++) fprintf(stderr, " %08x", hart.reg(r));
        fprintf(stderr, " xpsr %08x\n", hart.xpsr());
        why = hart.run(hart.cycles() + 1);
    }
    if (why == StopReason::kLimit) why = hart.run(max_cycles);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = cpu_seconds() - cpu_start;
    fflush(stdout);
    if (stats) {
        const HartCounters c = hart.counters();
        fprintf(stderr, "arm_run: %llu instructions, %llu cycles (CPI %.3f)\n", (unsigned long long)c.instructions,
                (unsigned long long)c.cycles, c.instructions ? double(c.cycles) / double(c.instructions) : 0.0);
        fprintf(stderr, "arm_run: %.3f s CPU, %.1f host MIPS (CPU time); %.3f s wall, %.1f MIPS (wall)\n", cpu,
                cpu > 0 ? double(c.instructions) / cpu / 1e6 : 0.0, seconds,
                seconds > 0 ? double(c.instructions) / seconds / 1e6 : 0.0);
        fprintf(stderr, "arm_run: stalls: branch %llu, load/address %llu, mul/div %llu, memory %llu, fetch %llu\n",
                (unsigned long long)c.stalls.branch, (unsigned long long)c.stalls.load_use,
                (unsigned long long)c.stalls.muldiv, (unsigned long long)c.stalls.memory,
                (unsigned long long)c.stalls.fetch);
        if (caches)
            fprintf(stderr, "arm_run: icache %llu hits %llu misses, dcache %llu hits %llu misses\n",
                    (unsigned long long)c.caches.icache.hits, (unsigned long long)c.caches.icache.misses,
                    (unsigned long long)c.caches.dcache.hits, (unsigned long long)c.caches.dcache.misses);
    }
    switch (why) {
    case StopReason::kExit: return hart.exit_status();
    case StopReason::kTrap: fprintf(stderr, "arm_run: %s\n", describe(hart.stop()).c_str()); return 113;
    case StopReason::kLimit: fprintf(stderr, "arm_run: cycle limit reached at pc 0x%08x\n", hart.pc()); return 114;
    }
    return 119;
}
