// Armv7E-M Thumb decoding: 16/32-bit instruction -> ArmDecoded, done once per address
// and cached by ArmHart. The encodings, formats and operations are in arm.def.
#pragma once
#include <cstdint>
#include <vector>

namespace vitsim {

enum class ArmOp : uint16_t {
    kUndecoded = 0,   // cache entry not filled yet: the executor decodes it
    kUndefined,       // UNDEFINED encoding: UsageFault UNDEFINSTR
    kNoCoprocessor,   // coprocessor / FPU encoding on a core without one: UsageFault NOCP
    kPrologue,        // conditional (IT block) or reads PC: checks, then runs `real_op`
#define OP16(name, ...) name,
#define OP32(name, ...) name,
#define OP(name, ...) name,
#define ALIAS16(...)
#define ALIAS32(...)
#include "arm/arm.def"
#undef OP16
#undef OP32
#undef OP
#undef ALIAS16
#undef ALIAS32
    kCount
};

// Timing classes; their cycles come from ArmTiming (arm_timing.h).
enum class ArmClass : uint8_t {
    ALU, ALU_PC, DSP, MUL, MUL_LONG, DIV, LOAD, LOAD_PC, LOAD_DUAL, STORE, STORE_DUAL,
    LOAD_MULTI, STORE_MULTI, BRANCH, BRANCH_COND, BRANCH_REG, TABLE_BRANCH, EXCLUSIVE, SYSTEM, IT
};

// Register numbers beyond r0..r15 used by the decoder.
constexpr uint8_t kZeroReg = 16;  // always 0: base of literal loads (IMM is the address)
constexpr uint8_t kSinkReg = 17;  // written and never read: Rd of the compare forms

// ArmDecoded::flags
enum : uint8_t {
    kSetFlags = 1,   // S: update NZCV
    kImmCarry = 2,   // ThumbExpandImm rotated: a flag-setting logical op sets C = imm[31]
    kIndex = 4,      // P: address = Rn + offset (else Rn, post-indexed)
    kWriteback = 8,  // W: Rn = Rn + offset
    kInIt = 16,      // decoded as part of an IT block
    kPairsWithNext = 32,  // Cortex-M7: issued in slot 0, the next instruction pairs with it
    kNewFetchLine = 64,   // starts (or ends in) a fetch line the cache/accelerator looks up
};

// 32 bytes, one per halfword of executable memory.
struct ArmDecoded {
    ArmOp op;
    ArmOp real_op;           // for kPrologue: the operation to run once the checks pass
    uint8_t rd, rn, rm, ra;  // 0..15, kZeroReg, kSinkReg
    uint8_t len;             // 2 or 4
    uint8_t cycles;          // static cost: class cycles + static stalls
    uint8_t cond;            // condition (0..14, 14 = always)
    uint8_t flags;
    uint8_t shift_type, shift_n;
    uint8_t taken;           // extra cycles of a taken branch (refill + refetch wait states)
    uint8_t stall;           // static stalls in `cycles`: fetch (bits 3..0), other (7..4)
    int32_t imm;
    uint32_t raw;            // 16-bit: the halfword; 32-bit: first halfword << 16 | second
    uint64_t count;          // times executed
};
static_assert(sizeof(ArmDecoded) == 32, "keep the decode cache entry at 32 bytes");

// Length of the instruction whose first halfword is hw1.
inline unsigned arm_insn_length(uint16_t hw1) { return (hw1 >> 11) >= 0x1d ? 4 : 2; }

// Decodes one instruction at `pc` (for PC-relative targets). `in_it`: inside an IT block
// (16-bit forms do not set flags; CBZ, B<c>, IT are UNPREDICTABLE there: UNDEFINED here).
// Returns false (out.op = kUndefined or kNoCoprocessor) if it is not an instruction.
bool arm_decode(uint32_t raw, bool is32, uint32_t pc, bool in_it, ArmDecoded& out);

const char* arm_op_name(ArmOp op);
ArmClass arm_op_class(ArmOp op);
// Name of the table line (encoding) that matches, or nullptr: for tests and disassembly.
const char* arm_encoding_name(uint32_t raw, bool is32);
// The names of all table lines (16-bit, then 32-bit), in table order.
std::vector<const char*> arm_encoding_names();

// Registers an instruction reads to form an address (bit i = r_i), and the one it writes
// (or -1): for the address-generation stall of the Cortex-M4.
uint32_t arm_address_registers(const ArmDecoded& d);
int arm_result_register(const ArmDecoded& d);

// The registers an instruction reads and writes (bit i = r_i, r0..r14; PC, the zero and
// sink registers excluded) and whether it uses the shifter (shifted register operand,
// register-controlled shift, extend, bitfield, or an immediate wider than 8 bits): what
// the Cortex-M7 dual-issue rules need, found once at decode from the encoding's format.
struct ArmOperands {
    uint32_t reads = 0;
    uint32_t writes = 0;
    bool shifted = false;
};
ArmOperands arm_operands(const ArmDecoded& d);

}  // namespace vitsim
