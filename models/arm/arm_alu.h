// Pure arithmetic of Armv7E-M (ARM DDI 0403E, pseudocode library): shifts with carry,
// add with carry, saturation, the DSP lane operations. No state: the executor
// (arm_hart.cpp) passes flags in and out.
#pragma once
#include <cstdint>

namespace vitsim::arm {

enum ShiftType : uint8_t { kLSL = 0, kLSR = 1, kASR = 2, kROR = 3, kRRX = 4 };

inline uint32_t ror32(uint32_t v, unsigned n) { n &= 31; return n ? (v >> n) | (v << (32 - n)) : v; }

// Shift_C with an amount of 0..255 (register-specified shifts use Rm[7:0]); n = 0 leaves
// the value and the carry alone. RRX ignores n.
inline uint32_t shift_c(uint32_t v, unsigned type, unsigned n, uint32_t& carry) {
    if (type == kRRX) {
        const uint32_t r = (carry << 31) | (v >> 1);
        carry = v & 1;
        return r;
    }
    if (n == 0) return v;
    switch (type) {
    case kLSL:
        if (n >= 32) { carry = n == 32 ? (v & 1) : 0; return 0; }
        carry = (v >> (32 - n)) & 1;
        return v << n;
    case kLSR:
        if (n >= 32) { carry = n == 32 ? (v >> 31) : 0; return 0; }
        carry = (v >> (n - 1)) & 1;
        return v >> n;
    case kASR:
        if (n >= 32) { carry = v >> 31; return uint32_t(int32_t(v) >> 31); }
        carry = (v >> (n - 1)) & 1;
        return uint32_t(int32_t(v) >> n);
    default: {  // ROR
        const uint32_t r = ror32(v, n);
        carry = r >> 31;
        return r;
    }
    }
}

// Immediate shifts (n 0..32, decoded by DecodeImmShift) without the carry.
inline uint32_t shift(uint32_t v, unsigned type, unsigned n, uint32_t carry_in) {
    uint32_t c = carry_in;
    return shift_c(v, type, n, c);
}

inline uint32_t add_with_carry(uint32_t x, uint32_t y, uint32_t carry_in, uint32_t& carry, uint32_t& overflow) {
    const uint64_t u = uint64_t(x) + y + carry_in;
    const uint32_t r = uint32_t(u);
    carry = uint32_t(u >> 32);
    overflow = ((x ^ r) & (y ^ r)) >> 31;  // operands agree in sign, result does not
    return r;
}

// SignedSatQ / UnsignedSatQ: saturate to `bits` bits (signed 1..32, unsigned 0..31).
inline uint32_t signed_sat(int64_t x, unsigned bits, bool& saturated) {
    const int64_t hi = (int64_t(1) << (bits - 1)) - 1, lo = -(int64_t(1) << (bits - 1));
    if (x > hi) { saturated = true; return uint32_t(hi); }
    if (x < lo) { saturated = true; return uint32_t(lo); }
    return uint32_t(x);
}
inline uint32_t unsigned_sat(int64_t x, unsigned bits, bool& saturated) {
    const int64_t hi = (int64_t(1) << bits) - 1;
    if (x > hi) { saturated = true; return uint32_t(hi); }
    if (x < 0) { saturated = true; return 0; }
    return uint32_t(x);
}

inline int32_t lo16(uint32_t v) { return int16_t(v); }
inline int32_t hi16(uint32_t v) { return int16_t(v >> 16); }
inline uint32_t pack16(uint32_t lo, uint32_t hi) { return (lo & 0xffff) | (hi << 16); }

// ---- Parallel add/subtract (A7.4.x "parallel addition and subtraction") ----------------
// Mode: SMod = S (modulo, sets GE), SSat = Q (signed saturating), SHalf = SH (halving),
//       UMod = U (modulo, sets GE), USat = UQ (unsigned saturating), UHalf = UH.
// Lanes: ADD8/SUB8 four bytes; ADD16/SUB16 two halfwords; ASX: lo = a.lo - b.hi,
// hi = a.hi + b.lo; SAX: lo = a.lo + b.hi, hi = a.hi - b.lo.
enum class Par : uint8_t { SMod, SSat, SHalf, UMod, USat, UHalf };
enum class Lanes : uint8_t { ADD8, SUB8, ADD16, SUB16, ASX, SAX };

template <Par M> constexpr bool par_signed() { return M == Par::SMod || M == Par::SSat || M == Par::SHalf; }

// One lane: operands already extracted (bits wide), `add` says which way.
template <Par M, unsigned Bits>
inline uint32_t par_lane(uint32_t a, uint32_t b, bool add, bool& ge) {
    const uint32_t mask = (1u << Bits) - 1;
    int64_t x, y;
    if (par_signed<M>()) {
        x = int64_t(int32_t(a << (32 - Bits)) >> (32 - Bits));
        y = int64_t(int32_t(b << (32 - Bits)) >> (32 - Bits));
    } else {
        x = a & mask;
        y = b & mask;
    }
    const int64_t r = add ? x + y : x - y;
    bool sat = false;
    switch (M) {
    case Par::SMod: ge = r >= 0; return uint32_t(r) & mask;
    case Par::UMod: ge = add ? r >= int64_t(1) << Bits : r >= 0; return uint32_t(r) & mask;
    case Par::SSat: return signed_sat(r, Bits, sat) & mask;
    case Par::USat: return unsigned_sat(r, Bits, sat) & mask;
    default: return uint32_t(r >> 1) & mask;  // SH, UH: halving
    }
}

// Returns the result; for S and U modes sets the four GE bits (16-bit lanes set two each).
template <Par M, Lanes L>
inline uint32_t parallel(uint32_t a, uint32_t b, uint32_t& ge_bits) {
    bool ge[4] = {};
    uint32_t r = 0;
    if (L == Lanes::ADD8 || L == Lanes::SUB8) {
        for (unsigned i = 0; i < 4; i++) r |= par_lane<M, 8>(a >> (8 * i), b >> (8 * i), L == Lanes::ADD8, ge[i]) << (8 * i);
    } else {
        bool g0 = false, g1 = false;
        uint32_t lo, hi;
        if (L == Lanes::ADD16 || L == Lanes::SUB16) {
            lo = par_lane<M, 16>(a, b, L == Lanes::ADD16, g0);
            hi = par_lane<M, 16>(a >> 16, b >> 16, L == Lanes::ADD16, g1);
        } else {
            lo = par_lane<M, 16>(a, b >> 16, L == Lanes::SAX, g0);
            hi = par_lane<M, 16>(a >> 16, b, L == Lanes::ASX, g1);
        }
        r = pack16(lo, hi);
        ge[0] = ge[1] = g0;
        ge[2] = ge[3] = g1;
    }
    if (M == Par::SMod || M == Par::UMod) ge_bits = uint32_t(ge[0]) | ge[1] << 1 | ge[2] << 2 | ge[3] << 3;
    return r;
}

inline uint32_t select_bytes(uint32_t a, uint32_t b, uint32_t ge_bits) {
    uint32_t r = 0;
    for (unsigned i = 0; i < 4; i++) r |= ((ge_bits >> i & 1) ? a : b) & (0xffu << (8 * i));
    return r;
}

inline uint32_t abs_diff_sum8(uint32_t a, uint32_t b) {
    uint32_t s = 0;
    for (unsigned i = 0; i < 32; i += 8) {
        const int32_t x = int32_t((a >> i) & 0xff) - int32_t((b >> i) & 0xff);
        s += uint32_t(x < 0 ? -x : x);
    }
    return s;
}

inline uint32_t reverse_bits(uint32_t v) {
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
    v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
    return __builtin_bswap32(v);
}
inline uint32_t rev16(uint32_t v) { return ((v >> 8) & 0x00ff00ffu) | ((v & 0x00ff00ffu) << 8); }
inline uint32_t revsh(uint32_t v) { return uint32_t(int32_t(int16_t(((v & 0xff) << 8) | ((v >> 8) & 0xff)))); }
inline uint32_t clz32(uint32_t v) { return v ? uint32_t(__builtin_clz(v)) : 32; }

// Extends with rotation (SXTB16 and friends): rotate, then pick lanes.
inline uint32_t sxtb16(uint32_t v) { return pack16(uint32_t(int8_t(v)), uint32_t(int8_t(v >> 16))); }
inline uint32_t uxtb16(uint32_t v) { return v & 0x00ff00ffu; }
inline uint32_t add16(uint32_t a, uint32_t b) { return pack16(a + b, (a >> 16) + (b >> 16)); }

// Bitfields: lsb and msb (inclusive); a width of msb - lsb + 1.
inline uint32_t field_mask(unsigned lsb, unsigned msb) {
    return (msb - lsb >= 31 ? ~0u : ((1u << (msb - lsb + 1)) - 1)) << lsb;
}

}  // namespace vitsim::arm
