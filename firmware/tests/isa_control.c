/*
 * RV32I control transfer: jal/jalr link values, jalr clearing bit 0 of the
 * target and using rs1 before rd is written, and all six conditional branches
 * taken and not taken, forwards and backwards, with signed/unsigned corners.
 */
#include "cases_branch.h"
#include "check.h"

/* 1 when the branch is taken (forward target) */
#define BRANCH_FWD(op, a, b)                                                          \
    ({                                                                                \
        uint32_t t_;                                                                  \
        __asm__ volatile(NORVC(#op " %1, %2, 1f\n\tli %0, 0\n\tj 2f\n1:\tli %0, 1\n2:") \
                         : "=&r"(t_) : "r"(a), "r"(b));                               \
        t_;                                                                           \
    })

/* 1 when the branch is taken (backward target) */
#define BRANCH_BACK(op, a, b)                                                         \
    ({                                                                                \
        uint32_t t_;                                                                  \
        __asm__ volatile(NORVC("j 2f\n1:\tli %0, 1\n\tj 3f\n2:\t" #op " %1, %2, 1b\n\t" \
                               "li %0, 0\n3:")                                        \
                         : "=&r"(t_) : "r"(a), "r"(b));                               \
        t_;                                                                           \
    })

#define TEST_BRANCH(op, cases)                                                      \
    do {                                                                            \
        check_begin(#op);                                                           \
        for (unsigned i_ = 0; i_ < COUNT(cases); i_++) {                            \
            uint32_t a_ = cases[i_].a, b_ = cases[i_].b;                             \
            check_op(__LINE__, #op " forward", a_, b_, BRANCH_FWD(op, a_, b_),       \
                     cases[i_].want);                                               \
            check_op(__LINE__, #op " backward", a_, b_, BRANCH_BACK(op, a_, b_),     \
                     cases[i_].want);                                               \
        }                                                                           \
    } while (0)

static void test_branches(void) {
    TEST_BRANCH(beq, cases_beq);
    TEST_BRANCH(bne, cases_bne);
    TEST_BRANCH(blt, cases_blt);
    TEST_BRANCH(bge, cases_bge);
    TEST_BRANCH(bltu, cases_bltu);
    TEST_BRANCH(bgeu, cases_bgeu);
}

static void test_jal(void) {
    uint32_t link, expected;
    check_begin("jal links pc+4 and jumps");
    __asm__ volatile(NORVC("jal %0, 1f\n2:\tli %0, 0\n1:\tlui %1, %%hi(2b)\n\taddi %1, %1, %%lo(2b)")
                     : "=&r"(link), "=&r"(expected));
    CHECK_EQ(link, expected);
    /* backward jump over a poisoned path */
    uint32_t path;
    __asm__ volatile(NORVC("li %0, 0\n\tj 2f\n1:\taddi %0, %0, 1\n\tj 3f\n2:\tjal x0, 1b\n\t"
                           "li %0, 99\n3:")
                     : "=&r"(path));
    CHECK_EQ(path, 1);
    /* jal x0 (plain jump) does not write x0 */
    uint32_t zero;
    __asm__ volatile(NORVC("jal x0, 1f\n1:\tmv %0, x0") : "=r"(zero));
    CHECK_EQ(zero, 0);
}

static void test_jalr(void) {
    uint32_t link, expected, target;
    __asm__ volatile(NORVC("lui %0, %%hi(1f)\n\taddi %0, %0, %%lo(1f)\n\tj 2f\n1:\tret\n2:")
                     : "=r"(target));

    check_begin("jalr links pc+4 and jumps to rs1+imm");
    __asm__ volatile(NORVC("jalr ra, %2, 0\n3:\tmv %0, ra\n\t"
                           "lui %1, %%hi(3b)\n\taddi %1, %1, %%lo(3b)")
                     : "=&r"(link), "=&r"(expected) : "r"(target) : "ra");
    CHECK_EQ(link, expected);

    check_begin("jalr clears bit 0 of the target");
    __asm__ volatile(NORVC("jalr ra, %2, 1\n3:\tmv %0, ra\n\t"
                           "lui %1, %%hi(3b)\n\taddi %1, %1, %%lo(3b)")
                     : "=&r"(link), "=&r"(expected) : "r"(target) : "ra");
    CHECK_EQ(link, expected);
    __asm__ volatile(NORVC("jalr ra, %2, -1\n3:\tmv %0, ra\n\t"
                           "lui %1, %%hi(3b)\n\taddi %1, %1, %%lo(3b)")
                     : "=&r"(link), "=&r"(expected) : "r"(target + 2) : "ra");
    CHECK_EQ(link, expected);

    check_begin("jalr with rd == rs1 uses the old rs1");
    __asm__ volatile(NORVC("mv ra, %2\n\tjalr ra, ra, 0\n3:\tmv %0, ra\n\t"
                           "lui %1, %%hi(3b)\n\taddi %1, %1, %%lo(3b)")
                     : "=&r"(link), "=&r"(expected) : "r"(target) : "ra");
    CHECK_EQ(link, expected);

    check_begin("jalr x0 (indirect jump) and link into another register");
    uint32_t taken;
    __asm__ volatile(NORVC("lui t0, %%hi(1f)\n\taddi t0, t0, %%lo(1f)\n\tli %0, 0\n\t"
                           "jalr x0, t0, 0\n\tli %0, 7\n1:\taddi %0, %0, 1")
                     : "=&r"(taken) : : "t0");
    CHECK_EQ(taken, 1);
    __asm__ volatile(NORVC("lui t0, %%hi(1f)\n\taddi t0, t0, %%lo(1f)\n\tjalr %0, t0, 0\n"
                           "2:\tnop\n1:\tlui %1, %%hi(2b)\n\taddi %1, %1, %%lo(2b)")
                     : "=&r"(link), "=&r"(expected) : : "t0");
    CHECK_EQ(link, expected);
}

/* A real call/return through a function pointer, and recursion. */
static __attribute__((noinline)) uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static void test_calls(void) {
    check_begin("calls and returns");
    uint32_t (*volatile fn)(uint32_t) = fib;
    CHECK_EQ(fn(20), 6765);
}

int main(void) {
    test_branches();
    test_jal();
    test_jalr();
    test_calls();
    return check_finish("isa_control");
}
