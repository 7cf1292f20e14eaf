/*
 * RV32I integer computational instructions: register-register and immediate
 * ALU operations, shifts, lui/auipc and the hard-wired zero register.
 * Every instruction is executed by inline assembly (never folded by the
 * compiler) and compared with values from gen_cases.py.
 */
#include "cases_alu.h"
#include "check.h"

/* rd = rs1 <op> imm */
#define RUN_IMM(op, a, imm, want)                                                       \
    do {                                                                                \
        uint32_t a_ = (a), r_;                                                          \
        __asm__ volatile(NORVC(#op " %0, %1, " #imm) : "=r"(r_) : "r"(a_));             \
        check_op(__LINE__, #op, a_, (uint32_t)(imm), r_, (want));                        \
    } while (0);

static void test_register_ops(void) {
    TEST_RR(add, cases_add);
    TEST_RR(sub, cases_sub);
    TEST_RR(slt, cases_slt);
    TEST_RR(sltu, cases_sltu);
    TEST_RR(xor, cases_xor);
    TEST_RR(or, cases_or);
    TEST_RR(and, cases_and);
    /* shift amounts come from the low 5 bits of rs2 only */
    TEST_RR(sll, cases_sll);
    TEST_RR(srl, cases_srl);
    TEST_RR(sra, cases_sra);
}

static void test_immediate_ops(void) {
    check_begin("addi");
    IMM_CASES_ADDI(RUN_IMM)
    check_begin("slti");
    IMM_CASES_SLTI(RUN_IMM)
    check_begin("sltiu (immediate sign-extended, compared unsigned)");
    IMM_CASES_SLTIU(RUN_IMM)
    check_begin("xori");
    IMM_CASES_XORI(RUN_IMM)
    check_begin("ori");
    IMM_CASES_ORI(RUN_IMM)
    check_begin("andi");
    IMM_CASES_ANDI(RUN_IMM)
    check_begin("slli");
    IMM_CASES_SLLI(RUN_IMM)
    check_begin("srli");
    IMM_CASES_SRLI(RUN_IMM)
    check_begin("srai");
    IMM_CASES_SRAI(RUN_IMM)
}

#define RUN_LUI(imm, want)                                                  \
    do {                                                                    \
        uint32_t r_;                                                        \
        __asm__ volatile(NORVC("lui %0, " #imm) : "=r"(r_));                \
        check_op(__LINE__, "lui", (uint32_t)(imm), 0, r_, (want));           \
    } while (0)

static void test_lui_auipc(void) {
    check_begin("lui");
    RUN_LUI(0, 0x00000000u);
    RUN_LUI(1, 0x00001000u);
    RUN_LUI(0x7ffff, 0x7ffff000u);
    RUN_LUI(0x80000, 0x80000000u);
    RUN_LUI(0xfffff, 0xfffff000u);

    /* auipc adds the upper immediate to its own address; the address is
     * taken independently with an absolute lui/addi of the same label. */
    check_begin("auipc");
    uint32_t got, here;
    __asm__ volatile(NORVC("1: auipc %0, 0\n\tlui %1, %%hi(1b)\n\taddi %1, %1, %%lo(1b)")
                     : "=r"(got), "=&r"(here));
    CHECK_EQ(got, here);
    __asm__ volatile(NORVC("1: auipc %0, 1\n\tlui %1, %%hi(1b)\n\taddi %1, %1, %%lo(1b)")
                     : "=r"(got), "=&r"(here));
    CHECK_EQ(got, here + 0x1000u);
    __asm__ volatile(NORVC("1: auipc %0, 0xfffff\n\tlui %1, %%hi(1b)\n\taddi %1, %1, %%lo(1b)")
                     : "=r"(got), "=&r"(here));
    CHECK_EQ(got, here - 0x1000u);
    __asm__ volatile(NORVC("1: auipc %0, 0x80000\n\tlui %1, %%hi(1b)\n\taddi %1, %1, %%lo(1b)")
                     : "=r"(got), "=&r"(here));
    CHECK_EQ(got, here + 0x80000000u);
}

static void test_zero_register(void) {
    check_begin("x0 reads 0, writes are discarded");
    uint32_t r;
    __asm__ volatile(NORVC("addi x0, x0, 5\n\tmv %0, x0") : "=r"(r));
    CHECK_EQ(r, 0);
    __asm__ volatile(NORVC("lui x0, 0x12345\n\tadd %0, x0, x0") : "=r"(r));
    CHECK_EQ(r, 0);
    __asm__ volatile(NORVC("li t0, -1\n\tadd x0, t0, t0\n\tor %0, x0, x0") : "=r"(r) : : "t0");
    CHECK_EQ(r, 0);
    /* a load into x0 still accesses memory but leaves x0 at 0 */
    static volatile uint32_t word = 0xdeadbeefu;
    __asm__ volatile(NORVC("lw x0, 0(%1)\n\taddi %0, x0, 0") : "=r"(r) : "r"(&word));
    CHECK_EQ(r, 0);
    __asm__ volatile(NORVC("sub %0, x0, %1") : "=r"(r) : "r"(1u));
    CHECK_EQ(r, 0xffffffffu);
}

int main(void) {
    test_register_ops();
    test_immediate_ops();
    test_lui_auipc();
    test_zero_register();
    return check_finish("isa_alu");
}
