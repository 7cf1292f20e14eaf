// Decoder: every compressed form expands to its base instruction, immediates and
// registers come out right, and what is not an instruction is illegal.
#include <gtest/gtest.h>

#include "iss/decode.h"

using namespace vitsim;

namespace {

const IsaExtensions kFull;

DecodedInsn dec(uint32_t w, const IsaExtensions& isa = kFull) {
    DecodedInsn d;
    decode(w, isa, d);
    return d;
}

void expect_same_operation(const DecodedInsn& c, const DecodedInsn& e, const char* what) {
    EXPECT_EQ(c.op, e.op) << what << ": " << op_name(c.op) << " vs " << op_name(e.op);
    EXPECT_EQ(c.rd, e.rd) << what;
    EXPECT_EQ(c.rs1, e.rs1) << what;
    EXPECT_EQ(c.rs2, e.rs2) << what;
    EXPECT_EQ(c.imm, e.imm) << what;
}

// Pairs assembled by riscv64-unknown-elf-as: the compressed form and its expansion.
struct Pair { uint16_t compressed; uint32_t expanded; const char* text; };
const Pair kPairs[] = {
    {0x1fe0, 0x3fc10413, "c.addi4spn s0, sp, 1020"},
    {0x005c, 0x00410793, "c.addi4spn a5, sp, 4"},
    {0x5de8, 0x07c5a503, "c.lw a0, 124(a1)"},
    {0x4384, 0x0007a483, "c.lw s1, 0(a5)"},
    {0xc030, 0x04c42023, "c.sw a2, 64(s0)"},
    {0x0001, 0x00000013, "c.nop"},
    {0x1501, 0xfe050513, "c.addi a0, -32"},
    {0x037d, 0x01f30313, "c.addi t1, 31"},
    {0x56fd, 0xfff00693, "c.li a3, -1"},
    {0x42c5, 0x01100293, "c.li t0, 17"},
    {0x7101, 0xe0010113, "c.addi16sp sp, -512"},
    {0x617d, 0x1f010113, "c.addi16sp sp, 496"},
    {0x677d, 0x0001f737, "c.lui a4, 0x1f"},
    {0x7401, 0xfffe0437, "c.lui s0, 0xfffe0"},
    {0x817d, 0x01f55513, "c.srli a0, 31"},
    {0x8485, 0x4014d493, "c.srai s1, 1"},
    {0x9a65, 0xff967613, "c.andi a2, -7"},
    {0x8d0d, 0x40b50533, "c.sub a0, a1"},
    {0x8c3d, 0x00f44433, "c.xor s0, a5"},
    {0x8ed9, 0x00e6e6b3, "c.or a3, a4"},
    {0x8cf1, 0x00c4f4b3, "c.and s1, a2"},
    {0x0e1e, 0x007e1e13, "c.slli t3, 7"},
    {0x50fe, 0x0fc12083, "c.lwsp ra, 252(sp)"},
    {0xc26e, 0x01b12223, "c.swsp s11, 4(sp)"},
    {0x8282, 0x00028067, "c.jr t0"},
    {0x9502, 0x000500e7, "c.jalr a0"},
    {0x857e, 0x01f00533, "c.mv a0, t6"},
    {0x994e, 0x01390933, "c.add s2, s3"},
    {0x9002, 0x00100073, "c.ebreak"},
};

}  // namespace

TEST(Decoder, CompressedFormsExpandToTheirBaseInstruction) {
    for (const Pair& p : kPairs) {
        const DecodedInsn c = dec(p.compressed), e = dec(p.expanded);
        EXPECT_EQ(c.len, 2) << p.text;
        EXPECT_EQ(e.len, 4) << p.text;
        expect_same_operation(c, e, p.text);
    }
}

TEST(Decoder, CompressedBranchAndJumpOffsets) {
    EXPECT_EQ(dec(0xcd7d).op, Op::BEQ);  // c.beqz a0, +254
    EXPECT_EQ(dec(0xcd7d).imm, 254);
    EXPECT_EQ(dec(0xcd7d).rs1, 10);
    EXPECT_EQ(dec(0xcd7d).rs2, 0);
    EXPECT_EQ(dec(0xf081).op, Op::BNE);  // c.bnez s1, -256
    EXPECT_EQ(dec(0xf081).imm, -256);
    EXPECT_EQ(dec(0xafed).op, Op::JAL);  // c.j +2042
    EXPECT_EQ(dec(0xafed).imm, 2042);
    EXPECT_EQ(dec(0xafed).rd, 0);
    EXPECT_EQ(dec(0x3001).imm, -2048);   // c.jal -2048
    EXPECT_EQ(dec(0x3001).rd, 1);
}

TEST(Decoder, BaseImmediates) {
    EXPECT_EQ(dec(0xfe051ce3).op, Op::BNE);  // bnez a0, -8
    EXPECT_EQ(dec(0xfe051ce3).imm, -8);
    EXPECT_EQ(dec(0x200002b7).imm, 0x20000000);  // lui t0, 0x20000
    EXPECT_EQ(dec(0x00b2a023).op, Op::SW);
    EXPECT_EQ(dec(0x00b2a023).rs2, 11);
    EXPECT_EQ(dec(0x00b2a023).rd, 0);
    EXPECT_EQ(dec(0x800000ef).imm, -(1 << 20));  // jal ra, -1 MiB
    EXPECT_EQ(dec(0x4014d493).op, Op::SRAI);
    EXPECT_EQ(dec(0x4014d493).imm, 1);
    EXPECT_EQ(dec(0xb0002573).op, Op::CSRRS);   // csrr a0, mcycle
    EXPECT_EQ(dec(0xb0002573).imm, 0xb00);
}

TEST(Decoder, NotInstructionsAreIllegal) {
    EXPECT_EQ(dec(0x0000).op, Op::kIllegal);       // defined illegal (c.addi4spn, imm 0)
    EXPECT_EQ(dec(0xffffffff).op, Op::kIllegal);
    EXPECT_EQ(dec(0x4000).op, Op::LW);             // c.lw a0, 0(s0) is legal
    EXPECT_EQ(dec(0x4002).op, Op::kIllegal);       // c.lwsp x0: reserved
    EXPECT_EQ(dec(0x8002).op, Op::kIllegal);       // c.jr x0: reserved
    EXPECT_EQ(dec(0x6101).op, Op::kIllegal);       // c.addi16sp 0: reserved
    EXPECT_EQ(dec(0x6501).op, Op::kIllegal);       // c.lui a0, 0: reserved
    EXPECT_EQ(dec(0x1006).op, Op::kIllegal);       // c.slli ra, 33: shamt[5] reserved on RV32
    EXPECT_EQ(dec(0x02051513).op, Op::kIllegal);   // slli with shamt 32
}

TEST(Decoder, ExtensionsAbsentFromTheCoreAreIllegal) {
    IsaExtensions base;
    base.m = base.c = base.xvitsim = false;
    EXPECT_EQ(dec(0x02b50533, kFull).op, Op::MUL);
    EXPECT_EQ(dec(0x02b50533, base).op, Op::kIllegal);
    EXPECT_EQ(dec(0x4501, base).op, Op::kIllegal);  // c.li a0, 0
    EXPECT_EQ(dec(0x00b5050b, kFull).op, Op::SDOTP4);
    EXPECT_EQ(dec(0x00b5050b, base).op, Op::kIllegal);
}

TEST(Decoder, CustomInstructions) {
    const DecodedInsn d = dec(0x02c5868b);  // .insn r CUSTOM_0, 0, 1, a3, a1, a2
    EXPECT_EQ(d.op, Op::SDOTP2);
    EXPECT_EQ(d.rd, 13);
    EXPECT_EQ(d.rs1, 11);
    EXPECT_EQ(d.rs2, 12);
    EXPECT_EQ(dec(0x0085950b).op, Op::CLIP);  // .insn i CUSTOM_0, 1, a0, a1, 8
    EXPECT_EQ(dec(0x0085950b).imm, 8);
    EXPECT_EQ(dec(0x0045a52b).op, Op::LW_PI);  // lw.pi a0, 4(a1!)
    EXPECT_EQ(dec(0x0045a52b).imm, 4);
    EXPECT_EQ(dec(0x0040252b).op, Op::kIllegal);  // post-increment of x0
    EXPECT_EQ(dec(0x0045a5ab).op, Op::kIllegal);  // rd == rs1
    EXPECT_EQ(dec(0x00a5a25b).op, Op::SW_PI);   // sw.pi a0, 4(a1!)
}

TEST(Decoder, SourceRegistersForTheLoadUseHazard) {
    EXPECT_EQ(source_registers(dec(0x00130313)), 1u << 6);              // addi t1, t1, 1
    EXPECT_EQ(source_registers(dec(0x00b2a023)), (1u << 5) | (1u << 11));  // sw a1, 0(t0)
    EXPECT_EQ(source_registers(dec(0x200002b7)), 0u);                    // lui
    EXPECT_EQ(source_registers(dec(0x00b5050b)), (1u << 10) | (1u << 11));  // sdotp4 a0 += a0.a1
}

TEST(Decoder, CompressedLuiWithNegativeImmediates) {
    // c.lui's 6-bit immediate is sign-extended, then shifted to bits 17..12.
    EXPECT_EQ(dec(0x7401).op, Op::LUI);   // c.lui s0, 0xfffe0 (imm -32, the most negative)
    EXPECT_EQ(dec(0x7401).imm, int32_t(0xfffe0000u));
    EXPECT_EQ(dec(0x757d).imm, int32_t(0xfffff000u));  // c.lui a0, 0xfffff (imm -1)
}
