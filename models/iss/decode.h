// Decoding: instruction word -> DecodedInsn, done once per address and cached.
#pragma once
#include <cstdint>

#include "iss/timing.h"

namespace vitsim {

enum class Op : uint16_t {
    kUndecoded = 0,  // cache entry not filled yet: the executor decodes it
    kIllegal,        // decoded, but not an instruction this core has
    kLoopEnd,        // the last instruction of a hardware loop: loop check, then loop_op
#define INSN(name, ...) name,
#include "iss/isa.def"
#undef INSN
    kCount
};

enum class Timing : uint8_t { ALU, LOAD, STORE, BRANCH, JAL, JALR, MUL, DIV, DOTP, CSR, SYSTEM };

// 32 bytes, one per halfword of executable memory.
struct DecodedInsn {
    Op op;
    uint8_t rd, rs1, rs2;   // rd == 32 when the instruction writes x0 (discarded)
    uint8_t len;            // 2 (compressed) or 4
    uint8_t cycles;         // static cost: base CPI + the static stalls below
    uint8_t taken;          // extra cycles when a conditional branch is taken
    int32_t imm;
    uint32_t raw;           // the instruction word as fetched (16 or 32 bits)
    uint8_t stall_load_use, stall_fetch, stall_branch, stall_muldiv;  // parts of `cycles`
    Op loop_op;             // when op == kLoopEnd: the instruction's own operation
    uint8_t loop_ends;      // bit L set: this is the last instruction of hardware loop L
    uint8_t reserved;
    uint64_t count;         // times executed (hot-spot profile, static stall totals)
};
static_assert(sizeof(DecodedInsn) == 32, "keep the decode cache entry at 32 bytes");

const char* op_name(Op op);
Timing op_timing(Op op);

// Decodes one instruction (16- or 32-bit, from its low bits) into `out`: operation,
// fields and immediate. Timing fields are left zero (the hart fills them, it knows
// the memory map). Returns false (and out.op = kIllegal) if the word is not an
// instruction of a core with `isa`.
bool decode(uint32_t word, const IsaExtensions& isa, DecodedInsn& out);

// Registers the instruction reads (for the load-use hazard): bit i set = reads x_i.
uint32_t source_registers(const DecodedInsn& d);

// Total static cycles of an instruction's timing class (before memory and hazards).
unsigned class_cycles(Timing t, const CoreTiming& timing);

}  // namespace vitsim
