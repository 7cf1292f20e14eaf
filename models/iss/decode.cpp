#include "iss/decode.h"

#include <cstring>

namespace vitsim {

namespace {

enum class Ext : uint8_t { I, M, ZICSR, XVITSIM };
enum class Format : uint8_t { R, RACC, I, IPI, S, SPI, B, U, J, SH, CSR, N, LP };

struct InsnInfo {
    Op op;
    Ext ext;
    uint32_t mask, match;
    Format format;
    Timing timing;
    const char* name;
};

const InsnInfo kInsns[] = {
#define INSN(name, ext, mask, match, fmt, timing, ...) \
    {Op::name, Ext::ext, mask, match, Format::fmt, Timing::timing, #name},
#include "iss/isa.def"
#undef INSN
};

enum class CFormat : uint8_t {
    CIW_ADDI4SPN, CL_LW, CS_SW, CI_ADDI, CJ_LINK, CI_LI, CI_ADDI16SP, CI_LUI, CB_SHIFT,
    CB_ANDI, CA, CJ, CB_BRANCH, CI_SLLI, CI_LWSP, CR_JR, CR_MV, CR_NONE, CR_JALR, CR_ADD, CSS_SWSP
};

struct CInsnInfo {
    uint16_t mask, match;
    Op op;
    CFormat format;
};

const CInsnInfo kCInsns[] = {
#define CINSN(name, mask, match, base, fmt) {mask, match, Op::base, CFormat::fmt},
#include "iss/cisa.def"
#undef CINSN
};

constexpr uint32_t bits(uint32_t w, int hi, int lo) { return (w >> lo) & ((1u << (hi - lo + 1)) - 1); }
constexpr int32_t sext(uint32_t v, int width) { return int32_t(v << (32 - width)) >> (32 - width); }

bool has_ext(Ext e, const IsaExtensions& isa) {
    switch (e) {
    case Ext::I: case Ext::ZICSR: return true;
    case Ext::M: return isa.m;
    case Ext::XVITSIM: return isa.xvitsim;
    }
    return false;
}

// Fields of a 32-bit instruction by format.
bool extract(uint32_t w, Format f, DecodedInsn& d) {
    d.rd = bits(w, 11, 7);
    d.rs1 = bits(w, 19, 15);
    d.rs2 = bits(w, 24, 20);
    switch (f) {
    case Format::R: case Format::RACC: d.imm = 0; break;
    case Format::I: case Format::IPI: d.imm = sext(w >> 20, 12); break;
    case Format::S: case Format::SPI: d.imm = sext((bits(w, 31, 25) << 5) | bits(w, 11, 7), 12); break;
    case Format::B:
        d.imm = sext((bits(w, 31, 31) << 12) | (bits(w, 7, 7) << 11) | (bits(w, 30, 25) << 5) | (bits(w, 11, 8) << 1), 13);
        break;
    case Format::U: d.imm = int32_t(w & 0xfffff000u); break;
    case Format::J:
        d.imm = sext((bits(w, 31, 31) << 20) | (bits(w, 19, 12) << 12) | (bits(w, 20, 20) << 11) | (bits(w, 30, 21) << 1), 21);
        break;
    case Format::SH: d.imm = int32_t(bits(w, 24, 20)); break;
    case Format::CSR: d.imm = int32_t(w >> 20); break;
    case Format::N: d.imm = 0; break;
    case Format::LP: {
        // Hardware loops: the loop index is bit 7; bits 11..8 must be 0.
        const uint32_t rd_field = bits(w, 11, 7);
        if (rd_field > 1) return false;
        d.imm = int32_t(w >> 20);  // unsigned
        d.rs2 = uint8_t(rd_field);
        d.rd = 0;
        return true;
    }
    }
    if (f == Format::S || f == Format::B || f == Format::SPI) d.rd = 0;
    if (f == Format::U || f == Format::J) d.rs1 = d.rs2 = 0;
    if (f == Format::I || f == Format::IPI || f == Format::SH || f == Format::CSR) d.rs2 = 0;
    if (f == Format::N) d.rd = d.rs1 = d.rs2 = 0;
    // Post-increment forms write rs1 too: rs1 == x0, or rd == rs1, has no meaning.
    if (f == Format::IPI && (d.rs1 == 0 || d.rd == d.rs1)) return false;
    if (f == Format::SPI && d.rs1 == 0) return false;
    return true;
}

// Fields of a compressed instruction, expanded to its base instruction.
bool extract_compressed(uint32_t w, CFormat f, DecodedInsn& d) {
    const uint8_t r_hi = bits(w, 11, 7), r2_hi = bits(w, 6, 2);
    const uint8_t r_lo1 = 8 + bits(w, 9, 7), r_lo2 = 8 + bits(w, 4, 2);  // rd'/rs1', rs2'
    const int32_t ci_imm = sext((bits(w, 12, 12) << 5) | bits(w, 6, 2), 6);
    const uint32_t shamt = (bits(w, 12, 12) << 5) | bits(w, 6, 2);
    d.rd = d.rs1 = d.rs2 = 0;
    d.imm = 0;
    switch (f) {
    case CFormat::CIW_ADDI4SPN:
        d.rd = r_lo2; d.rs1 = 2;
        d.imm = (bits(w, 12, 11) << 4) | (bits(w, 10, 7) << 6) | (bits(w, 6, 6) << 2) | (bits(w, 5, 5) << 3);
        return d.imm != 0;
    case CFormat::CL_LW:
        d.rd = r_lo2; d.rs1 = r_lo1;
        d.imm = (bits(w, 12, 10) << 3) | (bits(w, 6, 6) << 2) | (bits(w, 5, 5) << 6);
        return true;
    case CFormat::CS_SW:
        d.rs2 = r_lo2; d.rs1 = r_lo1;
        d.imm = (bits(w, 12, 10) << 3) | (bits(w, 6, 6) << 2) | (bits(w, 5, 5) << 6);
        return true;
    case CFormat::CI_ADDI: d.rd = d.rs1 = r_hi; d.imm = ci_imm; return true;
    case CFormat::CI_LI: d.rd = r_hi; d.imm = ci_imm; return true;
    case CFormat::CI_ADDI16SP:
        d.rd = d.rs1 = 2;
        d.imm = sext((bits(w, 12, 12) << 9) | (bits(w, 6, 6) << 4) | (bits(w, 5, 5) << 6) | (bits(w, 4, 3) << 7) |
                         (bits(w, 2, 2) << 5), 10);
        return d.imm != 0;
    // imm[17:12]: shifted as unsigned (a negative int shifted left is undefined in C++17).
    case CFormat::CI_LUI: d.rd = r_hi; d.imm = int32_t(uint32_t(ci_imm) << 12); return ci_imm != 0;
    case CFormat::CB_SHIFT: d.rd = d.rs1 = r_lo1; d.imm = int32_t(shamt); return shamt < 32;
    case CFormat::CB_ANDI: d.rd = d.rs1 = r_lo1; d.imm = ci_imm; return true;
    case CFormat::CA: d.rd = d.rs1 = r_lo1; d.rs2 = r_lo2; return true;
    case CFormat::CJ: case CFormat::CJ_LINK:
        d.rd = f == CFormat::CJ_LINK ? 1 : 0;
        d.imm = sext((bits(w, 12, 12) << 11) | (bits(w, 11, 11) << 4) | (bits(w, 10, 9) << 8) | (bits(w, 8, 8) << 10) |
                         (bits(w, 7, 7) << 6) | (bits(w, 6, 6) << 7) | (bits(w, 5, 3) << 1) | (bits(w, 2, 2) << 5), 12);
        return true;
    case CFormat::CB_BRANCH:
        d.rs1 = r_lo1;
        d.imm = sext((bits(w, 12, 12) << 8) | (bits(w, 11, 10) << 3) | (bits(w, 6, 5) << 6) | (bits(w, 4, 3) << 1) |
                         (bits(w, 2, 2) << 5), 9);
        return true;
    case CFormat::CI_SLLI: d.rd = d.rs1 = r_hi; d.imm = int32_t(shamt); return shamt < 32;
    case CFormat::CI_LWSP:
        d.rd = r_hi; d.rs1 = 2;
        d.imm = (bits(w, 12, 12) << 5) | (bits(w, 6, 4) << 2) | (bits(w, 3, 2) << 6);
        return r_hi != 0;
    case CFormat::CSS_SWSP:
        d.rs1 = 2; d.rs2 = r2_hi;
        d.imm = (bits(w, 12, 9) << 2) | (bits(w, 8, 7) << 6);
        return true;
    case CFormat::CR_JR: d.rs1 = r_hi; return r_hi != 0;
    case CFormat::CR_JALR: d.rd = 1; d.rs1 = r_hi; return r_hi != 0;
    case CFormat::CR_MV: d.rd = r_hi; d.rs2 = r2_hi; return true;
    case CFormat::CR_ADD: d.rd = d.rs1 = r_hi; d.rs2 = r2_hi; return true;
    case CFormat::CR_NONE: return true;
    }
    return false;
}

// The table is in Op order after kUndecoded and kIllegal (decode.h builds Op from it).
constexpr size_t kFirstTableOp = size_t(Op::kLoopEnd) + 1;
static_assert(sizeof kInsns / sizeof *kInsns == size_t(Op::kCount) - kFirstTableOp, "one InsnInfo per Op");

const InsnInfo* info_of(Op op) {
    return size_t(op) >= kFirstTableOp && op < Op::kCount ? &kInsns[size_t(op) - kFirstTableOp] : nullptr;
}

}  // namespace

const char* op_name(Op op) {
    if (op == Op::kUndecoded) return "undecoded";
    if (op == Op::kLoopEnd) return "loop end";
    const InsnInfo* i = info_of(op);
    return i ? i->name : "illegal";
}

Timing op_timing(Op op) {
    const InsnInfo* i = info_of(op);
    return i ? i->timing : Timing::SYSTEM;
}

bool decode(uint32_t word, const IsaExtensions& isa, DecodedInsn& out) {
    std::memset(&out, 0, sizeof out);
    out.op = Op::kIllegal;
    bool ok = false;
    if ((word & 3) != 3) {
        out.len = 2;
        out.raw = word & 0xffff;
        if (!isa.c) return false;
        for (const CInsnInfo& c : kCInsns) {
            if ((out.raw & c.mask) != c.match) continue;
            ok = extract_compressed(out.raw, c.format, out);
            if (ok) out.op = c.op;
            break;
        }
    } else {
        out.len = 4;
        out.raw = word;
        for (const InsnInfo& i : kInsns) {
            if ((word & i.mask) != i.match) continue;
            ok = has_ext(i.ext, isa) && extract(word, i.format, out);
            if (ok) out.op = i.op;
            break;
        }
    }
    if (!ok) {
        out.op = Op::kIllegal;
        out.rd = out.rs1 = out.rs2 = 0;
        out.imm = 0;
    }
    return ok;
}

uint32_t source_registers(const DecodedInsn& d) {
    const InsnInfo* i = info_of(d.op);
    if (!i) return 0;
    uint32_t mask = 0;
    switch (i->format) {
    case Format::RACC: mask |= 1u << d.rd; [[fallthrough]];
    case Format::R: case Format::S: case Format::SPI: case Format::B: mask |= (1u << d.rs1) | (1u << d.rs2); break;
    case Format::I: case Format::IPI: case Format::SH: mask |= 1u << d.rs1; break;
    case Format::CSR: if (d.op == Op::CSRRW || d.op == Op::CSRRS || d.op == Op::CSRRC) mask |= 1u << d.rs1; break;
    case Format::LP: if (d.op == Op::LP_COUNT || d.op == Op::LP_SETUP) mask |= 1u << d.rs1; break;
    case Format::U: case Format::J: case Format::N: break;
    }
    return mask & ~1u;  // x0 is never a hazard
}

unsigned class_cycles(Timing t, const CoreTiming& c) {
    switch (t) {
    case Timing::MUL: return c.mul_latency;
    case Timing::DIV: return c.div_latency;
    case Timing::DOTP: return c.dotp_latency;
    case Timing::CSR: return c.csr_latency;
    case Timing::JAL: case Timing::JALR: return c.base_cpi + c.jump_penalty;
    default: return c.base_cpi;
    }
}

}  // namespace vitsim
