#include "arm/arm_decode.h"

#include <cstring>

namespace vitsim {

namespace {

enum class Format : uint8_t {
    T16_SHIFT_IMM, T16_REG3, T16_IMM3, T16_IMM8, T16_CMP_IMM8, T16_DP, T16_SHIFT_REG, T16_TEST,
    T16_NEG, T16_HI, T16_HI_CMP, T16_BX, T16_LIT, T16_LS_REG, T16_LS_IMM5W, T16_LS_IMM5B,
    T16_LS_IMM5H, T16_LS_SP, T16_ADR, T16_ADD_SP, T16_SP_IMM7, T16_CBZ, T16_EXT, T16_PUSH,
    T16_POP, T16_CPS, T16_IMM8ONLY, T16_NONE, T16_IT, T16_LDMSTM, T16_BCOND, T16_B,
    T32_LDM, T32_STREX, T32_LDREX, T32_STREXBH, T32_TB, T32_LDRD, T32_DP_REG, T32_DP_IMM,
    T32_ADR, T32_IMM12, T32_IMM16, T32_SAT, T32_SAT16, T32_BITFIELD, T32_MSR, T32_MRS,
    T32_BCOND, T32_B, T32_LS_I12, T32_LS_I8, T32_LS_REG, T32_LS_LIT, T32_SHIFT_REG, T32_EXT,
    T32_REG3, T32_MUL, T32_MULL, T32_NONE
};

struct Encoding {
    const char* name;
    uint32_t mask, match;
    Format format;
    ArmOp op;
};

const Encoding kEncodings16[] = {
#define OP16(name, mask, match, fmt, ...) {#name, mask, match, Format::fmt, ArmOp::name},
#define ALIAS16(name, mask, match, fmt, op) {#name, mask, match, Format::fmt, ArmOp::op},
#define OP32(...)
#define ALIAS32(...)
#define OP(...)
#include "arm/arm.def"
#undef OP16
#undef ALIAS16
#undef OP32
#undef ALIAS32
#undef OP
};

const Encoding kEncodings32[] = {
#define OP32(name, mask, match, fmt, ...) {#name, mask, match, Format::fmt, ArmOp::name},
#define ALIAS32(name, mask, match, fmt, op) {#name, mask, match, Format::fmt, ArmOp::op},
#define OP16(...)
#define ALIAS16(...)
#define OP(...)
#include "arm/arm.def"
#undef OP16
#undef ALIAS16
#undef OP32
#undef ALIAS32
#undef OP
};

struct OpInfo {
    const char* name;
    ArmClass timing;
};

const OpInfo kOps[] = {
    {"undecoded", ArmClass::SYSTEM}, {"undefined", ArmClass::SYSTEM},
    {"no-coprocessor", ArmClass::SYSTEM}, {"prologue", ArmClass::ALU},
#define OP16(name, mask, match, fmt, timing, ...) {#name, ArmClass::timing},
#define OP32(name, mask, match, fmt, timing, ...) {#name, ArmClass::timing},
#define OP(name, timing, ...) {#name, ArmClass::timing},
#define ALIAS16(...)
#define ALIAS32(...)
#include "arm/arm.def"
#undef OP16
#undef OP32
#undef OP
#undef ALIAS16
#undef ALIAS32
};
static_assert(sizeof kOps / sizeof *kOps == size_t(ArmOp::kCount), "an OpInfo per ArmOp");

constexpr uint32_t bits(uint32_t w, int hi, int lo) { return (w >> lo) & ((1u << (hi - lo + 1)) - 1); }
constexpr int32_t sext(uint32_t v, int width) { return int32_t(v << (32 - width)) >> (32 - width); }
constexpr uint32_t align4(uint32_t a) { return a & ~3u; }

// ThumbExpandImm_C (A5.3.2): the 12-bit modified immediate; `rotated` says whether the
// carry out is imm[31] (else the carry is unchanged).
uint32_t thumb_expand_imm(uint32_t imm12, bool& rotated) {
    const uint32_t imm8 = imm12 & 0xff;
    rotated = false;
    if ((imm12 >> 10) == 0) {
        switch ((imm12 >> 8) & 3) {
        case 0: return imm8;
        case 1: return imm8 << 16 | imm8;
        case 2: return imm8 << 24 | imm8 << 8;
        default: return imm8 * 0x01010101u;
        }
    }
    rotated = true;
    const uint32_t unrotated = 0x80 | (imm12 & 0x7f), n = imm12 >> 7;
    return (unrotated >> n) | (unrotated << (32 - n));
}

// DecodeImmShift (A7.4.2): type and amount 0..32; ROR #0 is RRX.
void decode_imm_shift(uint32_t type, uint32_t imm5, ArmDecoded& d) {
    d.shift_type = uint8_t(type);
    d.shift_n = uint8_t(imm5);
    if ((type == 1 || type == 2) && imm5 == 0) d.shift_n = 32;
    if (type == 3 && imm5 == 0) { d.shift_type = 4; d.shift_n = 1; }
}

uint8_t sink_pc(uint32_t r) { return r == 15 ? kSinkReg : uint8_t(r); }

// Fills `d` from the fields of format f; false if the encoding is UNDEFINED (or
// UNPREDICTABLE in a way that vitsim treats as UNDEFINED).
bool extract(uint32_t w, Format f, uint32_t pc, bool in_it, ArmDecoded& d) {
    const uint8_t s16 = in_it ? 0 : kSetFlags;  // 16-bit data processing sets flags outside IT
    switch (f) {
    // ---- 16-bit
    case Format::T16_SHIFT_IMM:
        d.rd = bits(w, 2, 0); d.rm = bits(w, 5, 3); d.flags = s16;
        decode_imm_shift(bits(w, 12, 11), bits(w, 10, 6), d);
        break;
    case Format::T16_REG3: d.rd = bits(w, 2, 0); d.rn = bits(w, 5, 3); d.rm = bits(w, 8, 6); d.flags = s16; break;
    case Format::T16_IMM3: d.rd = bits(w, 2, 0); d.rn = bits(w, 5, 3); d.imm = bits(w, 8, 6); d.flags = s16; break;
    case Format::T16_IMM8: d.rd = d.rn = bits(w, 10, 8); d.imm = bits(w, 7, 0); d.flags = s16; break;
    case Format::T16_CMP_IMM8: d.rd = kSinkReg; d.rn = bits(w, 10, 8); d.imm = bits(w, 7, 0); d.flags = kSetFlags; break;
    case Format::T16_DP: d.rd = d.rn = bits(w, 2, 0); d.rm = bits(w, 5, 3); d.flags = s16; break;
    case Format::T16_SHIFT_REG: {
        static const uint8_t kType[16] = {0, 0, 0, 1, 2, 0, 0, 3};
        d.rd = d.rn = bits(w, 2, 0); d.rm = bits(w, 5, 3); d.flags = s16; d.shift_type = kType[bits(w, 9, 6)];
        break;
    }
    case Format::T16_TEST: d.rd = kSinkReg; d.rn = bits(w, 2, 0); d.rm = bits(w, 5, 3); d.flags = kSetFlags; break;
    case Format::T16_NEG: d.rd = bits(w, 2, 0); d.rn = bits(w, 5, 3); d.imm = 0; d.flags = s16; break;
    case Format::T16_HI: d.rd = d.rn = uint8_t(bits(w, 7, 7) << 3 | bits(w, 2, 0)); d.rm = bits(w, 6, 3); break;
    case Format::T16_HI_CMP:
        d.rd = kSinkReg; d.rn = uint8_t(bits(w, 7, 7) << 3 | bits(w, 2, 0)); d.rm = bits(w, 6, 3); d.flags = kSetFlags;
        break;
    case Format::T16_BX: d.rm = bits(w, 6, 3); if (bits(w, 2, 0)) return false; break;
    case Format::T16_LIT: d.rd = bits(w, 10, 8); d.rn = kZeroReg; d.imm = int32_t(align4(pc + 4) + bits(w, 7, 0) * 4); break;
    case Format::T16_LS_REG: d.rd = bits(w, 2, 0); d.rn = bits(w, 5, 3); d.rm = bits(w, 8, 6); break;
    case Format::T16_LS_IMM5W: d.rd = bits(w, 2, 0); d.rn = bits(w, 5, 3); d.imm = bits(w, 10, 6) * 4; break;
    case Format::T16_LS_IMM5B: d.rd = bits(w, 2, 0); d.rn = bits(w, 5, 3); d.imm = bits(w, 10, 6); break;
    case Format::T16_LS_IMM5H: d.rd = bits(w, 2, 0); d.rn = bits(w, 5, 3); d.imm = bits(w, 10, 6) * 2; break;
    case Format::T16_LS_SP: d.rd = bits(w, 10, 8); d.rn = 13; d.imm = bits(w, 7, 0) * 4; break;
    case Format::T16_ADR: d.rd = bits(w, 10, 8); d.imm = int32_t(align4(pc + 4) + bits(w, 7, 0) * 4); break;
    case Format::T16_ADD_SP: d.rd = bits(w, 10, 8); d.rn = 13; d.imm = bits(w, 7, 0) * 4; break;
    case Format::T16_SP_IMM7: d.rd = d.rn = 13; d.imm = bits(w, 6, 0) * 4; break;
    case Format::T16_CBZ:
        if (in_it) return false;
        d.rn = bits(w, 2, 0); d.imm = int32_t(pc + 4 + (bits(w, 9, 9) << 6 | bits(w, 7, 3) << 1));
        break;
    case Format::T16_EXT: d.rd = bits(w, 2, 0); d.rm = bits(w, 5, 3); break;
    case Format::T16_PUSH:
        d.rn = 13; d.imm = int32_t(bits(w, 7, 0) | bits(w, 8, 8) << 14); d.flags = kWriteback;
        if (d.imm == 0) return false;
        break;
    case Format::T16_POP:
        d.rn = 13; d.imm = int32_t(bits(w, 7, 0) | bits(w, 8, 8) << 15); d.flags = kWriteback;
        if (d.imm == 0) return false;
        break;
    case Format::T16_CPS: d.imm = int32_t(w & 0x1f); break;
    case Format::T16_IMM8ONLY: d.imm = bits(w, 7, 0); break;
    case Format::T16_NONE: break;
    case Format::T16_IT:
        if (in_it) return false;
        d.imm = bits(w, 7, 0);
        if (bits(w, 7, 4) == 15 || (bits(w, 7, 4) == 14 && __builtin_popcount(bits(w, 3, 0)) != 1)) return false;
        break;
    case Format::T16_LDMSTM: {
        d.rn = bits(w, 10, 8); d.imm = bits(w, 7, 0);
        const bool load = bits(w, 11, 11);
        d.flags = (!load || !(d.imm >> d.rn & 1)) ? kWriteback : 0;
        if (d.imm == 0) return false;
        break;
    }
    case Format::T16_BCOND:
        if (in_it) return false;
        d.cond = bits(w, 11, 8); d.imm = int32_t(pc + 4 + sext(bits(w, 7, 0) << 1, 9));
        break;
    case Format::T16_B: d.imm = int32_t(pc + 4 + sext(bits(w, 10, 0) << 1, 12)); break;

    // ---- 32-bit
    case Format::T32_LDM: {
        d.rn = bits(w, 19, 16); d.imm = bits(w, 15, 0); d.flags = bits(w, 21, 21) ? kWriteback : 0;
        const bool load = bits(w, 20, 20);
        if (d.rn == 15 || (d.imm & (1 << 13)) || (!load && (d.imm & 0x8000)) || d.imm == 0) return false;
        if (load && (d.imm & 0xc000) == 0xc000) return false;  // PC and LR both
        break;
    }
    case Format::T32_STREX: d.rd = bits(w, 11, 8); d.rm = bits(w, 15, 12); d.rn = bits(w, 19, 16); d.imm = bits(w, 7, 0) * 4; break;
    case Format::T32_LDREX: d.rd = bits(w, 15, 12); d.rn = bits(w, 19, 16); d.imm = bits(w, 7, 0) * 4; break;
    case Format::T32_STREXBH: d.rd = bits(w, 3, 0); d.rm = bits(w, 15, 12); d.rn = bits(w, 19, 16); break;
    case Format::T32_TB: d.rn = bits(w, 19, 16); d.rm = bits(w, 3, 0); break;
    case Format::T32_LDRD: {
        d.rd = bits(w, 15, 12); d.ra = bits(w, 11, 8); d.rn = bits(w, 19, 16);
        const bool p = bits(w, 24, 24), u = bits(w, 23, 23), wb = bits(w, 21, 21);
        const uint32_t offset = bits(w, 7, 0) * 4;
        if (!p && !wb) return false;
        d.imm = u ? int32_t(offset) : -int32_t(offset);
        d.flags = uint8_t((p ? kIndex : 0) | (wb ? kWriteback : 0));
        if (d.rn == 15) {  // literal
            if (wb || !bits(w, 20, 20)) return false;
            d.rn = kZeroReg; d.imm = int32_t(align4(pc + 4) + uint32_t(d.imm));
        }
        break;
    }
    case Format::T32_DP_REG:
        d.rd = sink_pc(bits(w, 11, 8)); d.rn = bits(w, 19, 16); d.rm = bits(w, 3, 0);
        d.flags = bits(w, 20, 20) ? kSetFlags : 0;
        decode_imm_shift(bits(w, 5, 4), bits(w, 14, 12) << 2 | bits(w, 7, 6), d);
        break;
    case Format::T32_DP_IMM: {
        d.rd = sink_pc(bits(w, 11, 8)); d.rn = bits(w, 19, 16);
        bool rotated;
        d.imm = int32_t(thumb_expand_imm(bits(w, 26, 26) << 11 | bits(w, 14, 12) << 8 | bits(w, 7, 0), rotated));
        d.flags = uint8_t((bits(w, 20, 20) ? kSetFlags : 0) | (rotated ? kImmCarry : 0));
        break;
    }
    case Format::T32_ADR: {
        const uint32_t imm = bits(w, 26, 26) << 11 | bits(w, 14, 12) << 8 | bits(w, 7, 0);
        d.rd = bits(w, 11, 8);
        d.imm = int32_t(bits(w, 23, 23) ? align4(pc + 4) - imm : align4(pc + 4) + imm);
        break;
    }
    case Format::T32_IMM12:
        d.rd = bits(w, 11, 8); d.rn = bits(w, 19, 16);
        d.imm = int32_t(bits(w, 26, 26) << 11 | bits(w, 14, 12) << 8 | bits(w, 7, 0));
        break;
    case Format::T32_IMM16:
        d.rd = bits(w, 11, 8);
        d.imm = int32_t(bits(w, 19, 16) << 12 | bits(w, 26, 26) << 11 | bits(w, 14, 12) << 8 | bits(w, 7, 0));
        break;
    case Format::T32_SAT:
        d.rd = bits(w, 11, 8); d.rn = bits(w, 19, 16);
        d.shift_type = bits(w, 21, 21) ? 2 : 0;
        d.shift_n = uint8_t(bits(w, 14, 12) << 2 | bits(w, 7, 6));
        d.imm = int32_t(bits(w, 4, 0) + (bits(w, 23, 23) ? 0 : 1));  // SSAT: 1..32, USAT: 0..31
        break;
    case Format::T32_SAT16:
        d.rd = bits(w, 11, 8); d.rn = bits(w, 19, 16);
        d.imm = int32_t(bits(w, 3, 0) + (bits(w, 23, 23) ? 0 : 1));
        break;
    case Format::T32_BITFIELD: {
        d.rd = bits(w, 11, 8); d.rn = bits(w, 19, 16);
        d.shift_n = uint8_t(bits(w, 14, 12) << 2 | bits(w, 7, 6));
        d.imm = bits(w, 4, 0);
        const bool insert = bits(w, 22, 21) == 3;  // BFI/BFC: imm = msb; SBFX/UBFX: imm = width - 1
        if (insert ? d.imm < d.shift_n : d.shift_n + d.imm > 31) return false;
        break;
    }
    case Format::T32_MSR: d.rn = bits(w, 19, 16); d.imm = bits(w, 7, 0); d.shift_n = bits(w, 11, 10); break;
    case Format::T32_MRS: d.rd = bits(w, 11, 8); d.imm = bits(w, 7, 0); break;
    case Format::T32_BCOND:
        if (in_it) return false;
        d.cond = bits(w, 25, 22);
        if (d.cond >= 14) return false;
        d.imm = int32_t(pc + 4 + sext(bits(w, 26, 26) << 20 | bits(w, 11, 11) << 19 | bits(w, 13, 13) << 18 |
                                      bits(w, 21, 16) << 12 | bits(w, 10, 0) << 1, 21));
        break;
    case Format::T32_B: {
        const uint32_t s = bits(w, 26, 26), i1 = !(bits(w, 13, 13) ^ s), i2 = !(bits(w, 11, 11) ^ s);
        d.imm = int32_t(pc + 4 + sext(s << 24 | i1 << 23 | i2 << 22 | bits(w, 25, 16) << 12 | bits(w, 10, 0) << 1, 25));
        break;
    }
    case Format::T32_LS_I12:
        d.rd = bits(w, 15, 12); d.rn = bits(w, 19, 16); d.imm = bits(w, 11, 0);
        if (d.rn == 15) return false;
        break;
    case Format::T32_LS_I8: {
        d.rd = bits(w, 15, 12); d.rn = bits(w, 19, 16);
        const bool p = bits(w, 10, 10), u = bits(w, 9, 9), wb = bits(w, 8, 8);
        if ((!p && !wb) || d.rn == 15) return false;
        d.imm = u ? int32_t(bits(w, 7, 0)) : -int32_t(bits(w, 7, 0));
        d.flags = uint8_t((p ? kIndex : 0) | (wb ? kWriteback : 0));
        break;
    }
    case Format::T32_LS_REG:
        d.rd = bits(w, 15, 12); d.rn = bits(w, 19, 16); d.rm = bits(w, 3, 0); d.shift_n = bits(w, 5, 4);
        if (d.rn == 15) return false;
        break;
    case Format::T32_LS_LIT:
        d.rd = bits(w, 15, 12); d.rn = kZeroReg;
        d.imm = int32_t(bits(w, 23, 23) ? align4(pc + 4) + bits(w, 11, 0) : align4(pc + 4) - bits(w, 11, 0));
        break;
    case Format::T32_SHIFT_REG:
        d.rd = bits(w, 11, 8); d.rn = bits(w, 19, 16); d.rm = bits(w, 3, 0); d.shift_type = bits(w, 22, 21);
        d.flags = bits(w, 20, 20) ? kSetFlags : 0;
        break;
    case Format::T32_EXT: d.rd = bits(w, 11, 8); d.rn = bits(w, 19, 16); d.rm = bits(w, 3, 0); d.shift_n = uint8_t(bits(w, 5, 4) * 8); break;
    case Format::T32_REG3: d.rd = bits(w, 11, 8); d.rn = bits(w, 19, 16); d.rm = bits(w, 3, 0); break;
    case Format::T32_MUL:
        d.rd = bits(w, 11, 8); d.rn = bits(w, 19, 16); d.rm = bits(w, 3, 0); d.ra = bits(w, 15, 12); d.shift_type = bits(w, 5, 4);
        break;
    case Format::T32_MULL:
        d.ra = bits(w, 15, 12); d.rd = bits(w, 11, 8); d.rn = bits(w, 19, 16); d.rm = bits(w, 3, 0); d.shift_type = bits(w, 5, 4);
        if (d.ra == d.rd) return false;
        break;
    case Format::T32_NONE: break;
    }
    return true;
}

const Encoding* match(uint32_t raw, bool is32) {
    if (is32) {
        for (const Encoding& e : kEncodings32) if ((raw & e.mask) == e.match) return &e;
    } else {
        for (const Encoding& e : kEncodings16) if ((raw & e.mask) == e.match) return &e;
    }
    return nullptr;
}

}  // namespace

bool arm_decode(uint32_t raw, bool is32, uint32_t pc, bool in_it, ArmDecoded& d) {
    std::memset(&d, 0, sizeof d);
    d.raw = raw;
    d.len = is32 ? 4 : 2;
    d.cond = 14;
    const Encoding* e = match(raw, is32);
    if (!e || e->op == ArmOp::kUndefined) { d.op = ArmOp::kUndefined; return false; }
    if (e->op == ArmOp::kNoCoprocessor) { d.op = ArmOp::kNoCoprocessor; return false; }
    d.op = e->op;
    if (!extract(raw, e->format, pc, in_it, d)) {
        const uint32_t keep_raw = d.raw;
        std::memset(&d, 0, sizeof d);
        d.raw = keep_raw; d.len = is32 ? 4 : 2; d.cond = 14; d.op = ArmOp::kUndefined;
        return false;
    }
    if (in_it) d.flags |= kInIt;
    // A register field the encoding fixes to 1111 (MOV's Rn, MUL's Ra, SXTB's Rn, BFC's Rn)
    // is not an operand: point it at the zero register so it does not read as PC.
    if (is32 && (e->mask & e->match & 0x000f0000u) == 0x000f0000u && d.rn == 15) d.rn = kZeroReg;
    if (is32 && (e->mask & e->match & 0x0000f000u) == 0x0000f000u && d.ra == 15) d.ra = kZeroReg;
    return true;
}

const char* arm_op_name(ArmOp op) { return kOps[size_t(op)].name; }
ArmClass arm_op_class(ArmOp op) { return kOps[size_t(op)].timing; }

const char* arm_encoding_name(uint32_t raw, bool is32) {
    const Encoding* e = match(raw, is32);
    return e ? e->name : nullptr;
}

std::vector<const char*> arm_encoding_names() {
    std::vector<const char*> names;
    for (const Encoding& e : kEncodings16) names.push_back(e.name);
    for (const Encoding& e : kEncodings32) names.push_back(e.name);
    return names;
}

uint32_t arm_address_registers(const ArmDecoded& d) {
    const ArmOp op = d.op == ArmOp::kPrologue ? d.real_op : d.op;
    switch (arm_op_class(op)) {
    case ArmClass::LOAD: case ArmClass::LOAD_PC: case ArmClass::STORE: case ArmClass::LOAD_DUAL:
    case ArmClass::STORE_DUAL: case ArmClass::LOAD_MULTI: case ArmClass::STORE_MULTI:
    case ArmClass::EXCLUSIVE: case ArmClass::TABLE_BRANCH: break;
    default: return 0;
    }
    uint32_t regs = 1u << d.rn;
    switch (op) {
    case ArmOp::LDR_REG: case ArmOp::LDRB_REG: case ArmOp::LDRH_REG: case ArmOp::LDRSB_REG:
    case ArmOp::LDRSH_REG: case ArmOp::STR_REG: case ArmOp::STRB_REG: case ArmOp::STRH_REG:
    case ArmOp::LDR_PC_REG: case ArmOp::TBB: case ArmOp::TBH:
        regs |= 1u << d.rm;
        break;
    default: break;
    }
    return regs & 0xffff;
}

int arm_result_register(const ArmDecoded& d) {
    const ArmOp op = d.op == ArmOp::kPrologue ? d.real_op : d.op;
    switch (arm_op_class(op)) {
    case ArmClass::ALU: case ArmClass::DSP: case ArmClass::MUL: case ArmClass::MUL_LONG:
    case ArmClass::DIV: case ArmClass::LOAD:
        return d.rd < 15 ? d.rd : -1;
    default: return -1;
    }
}

namespace {
uint32_t reg_bit(unsigned r) { return r < 15 ? 1u << r : 0; }
}  // namespace

ArmOperands arm_operands(const ArmDecoded& e) {
    ArmOperands o;
    const Encoding* enc = match(e.raw, e.len == 4);
    if (!enc) return o;
    const ArmOp op = e.op == ArmOp::kPrologue ? e.real_op : e.op;
    const ArmClass cls = arm_op_class(op);
    const bool store = cls == ArmClass::STORE || cls == ArmClass::STORE_DUAL || cls == ArmClass::STORE_MULTI;
    const uint32_t rd = reg_bit(e.rd), rn = reg_bit(e.rn), rm = reg_bit(e.rm), ra = reg_bit(e.ra);
    const uint32_t list = uint32_t(e.imm) & 0x7fff;
    switch (enc->format) {
    case Format::T16_SHIFT_IMM: o.reads = rm; o.shifted = e.shift_n != 0; break;
    case Format::T16_SHIFT_REG: o.reads = rn | rm; o.shifted = true; break;
    case Format::T16_REG3: case Format::T16_DP: case Format::T16_TEST: case Format::T16_HI:
    case Format::T16_HI_CMP: case Format::T32_REG3: case Format::T32_STREX: case Format::T32_STREXBH:
    case Format::T32_TB: case Format::T16_LS_REG: case Format::T32_LS_REG:
        o.reads = rn | rm;
        break;
    case Format::T16_IMM3: case Format::T16_IMM8: case Format::T16_CMP_IMM8: case Format::T16_NEG:
    case Format::T16_LS_IMM5W: case Format::T16_LS_IMM5B: case Format::T16_LS_IMM5H: case Format::T16_LS_SP:
    case Format::T16_ADD_SP: case Format::T16_SP_IMM7: case Format::T16_CBZ: case Format::T32_LDREX:
    case Format::T32_IMM12: case Format::T32_SAT16: case Format::T32_MSR: case Format::T32_LS_I12:
    case Format::T32_LS_I8: case Format::T32_LDRD:
        o.reads = rn;
        break;
    case Format::T16_BX: o.reads = rm; break;
    case Format::T16_EXT: o.reads = rm; o.shifted = cls == ArmClass::ALU && op != ArmOp::REV && op != ArmOp::REV16 && op != ArmOp::REVSH; break;
    case Format::T32_EXT: o.reads = rn | rm; o.shifted = true; break;
    case Format::T32_SAT: o.reads = rn; o.shifted = e.shift_n != 0; break;
    case Format::T32_BITFIELD: o.reads = rn | (op == ArmOp::BFI || op == ArmOp::BFC ? rd : 0); o.shifted = true; break;
    case Format::T32_IMM16: o.reads = op == ArmOp::MOVT ? rd : 0; break;
    case Format::T32_DP_REG: o.reads = rn | rm; o.shifted = e.shift_n != 0 && !(e.shift_type == 0 && e.shift_n == 0); break;
    case Format::T32_DP_IMM: o.reads = rn; o.shifted = uint32_t(e.imm) > 0xff; break;
    case Format::T32_SHIFT_REG: o.reads = rn | rm; o.shifted = true; break;
    case Format::T32_MUL: o.reads = rn | rm | ra; break;
    case Format::T32_MULL:
        o.reads = rn | rm | (op == ArmOp::SMULL || op == ArmOp::UMULL ? 0 : rd | ra);
        break;
    case Format::T16_PUSH: case Format::T16_POP: case Format::T16_LDMSTM: case Format::T32_LDM:
        o.reads = rn | (store ? list : 0);
        if (!store) o.writes = list;
        break;
    default: break;  // literals, ADR, branches, hints: no register operands
    }
    if (store && cls != ArmClass::STORE_MULTI) o.reads |= rd | (cls == ArmClass::STORE_DUAL ? ra : 0);
    if (cls == ArmClass::STORE && enc->format == Format::T32_LS_REG) o.reads |= rm;
    const int result = arm_result_register(e);
    if (result >= 0) o.writes |= reg_bit(unsigned(result));
    if (cls == ArmClass::MUL_LONG || cls == ArmClass::LOAD_DUAL) o.writes |= rd | ra;
    if (cls == ArmClass::EXCLUSIVE && enc->format == Format::T32_LDREX) o.writes |= rd;
    if ((e.flags & kWriteback) && cls != ArmClass::STORE_MULTI && cls != ArmClass::LOAD_MULTI) o.writes |= rn;
    if (op == ArmOp::BL || op == ArmOp::BLX) o.writes |= reg_bit(14);
    return o;
}

}  // namespace vitsim
