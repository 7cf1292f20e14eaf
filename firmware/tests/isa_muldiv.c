/*
 * RV32M: mul, mulh, mulhsu, mulhu, div, divu, rem, remu including division by
 * zero (quotient all ones, remainder = dividend) and signed overflow
 * (INT_MIN / -1 = INT_MIN, remainder 0). Expected values: gen_cases.py.
 */
#include "cases_muldiv.h"
#include "check.h"

int main(void) {
    TEST_RR(mul, cases_mul);
    TEST_RR(mulh, cases_mulh);
    TEST_RR(mulhsu, cases_mulhsu);
    TEST_RR(mulhu, cases_mulhu);
    TEST_RR(div, cases_div);
    TEST_RR(divu, cases_divu);
    TEST_RR(rem, cases_rem);
    TEST_RR(remu, cases_remu);

    /* The same corners spelled out, so a failure names them directly. */
    check_begin("division by zero and overflow");
    uint32_t q, r;
    __asm__ volatile("div %0, %2, zero\n\trem %1, %2, zero" : "=&r"(q), "=&r"(r) : "r"(-7));
    CHECK_EQ(q, 0xffffffffu);
    CHECK_EQ(r, (uint32_t)-7);
    __asm__ volatile("divu %0, %2, zero\n\tremu %1, %2, zero" : "=&r"(q), "=&r"(r) : "r"(7));
    CHECK_EQ(q, 0xffffffffu);
    CHECK_EQ(r, 7);
    __asm__ volatile("div %0, %2, %3\n\trem %1, %2, %3"
                     : "=&r"(q), "=&r"(r) : "r"(0x80000000u), "r"(-1));
    CHECK_EQ(q, 0x80000000u);
    CHECK_EQ(r, 0);
    /* remainder takes the sign of the dividend */
    __asm__ volatile("div %0, %2, %3\n\trem %1, %2, %3" : "=&r"(q), "=&r"(r) : "r"(-7), "r"(2));
    CHECK_EQ(q, (uint32_t)-3);
    CHECK_EQ(r, (uint32_t)-1);
    __asm__ volatile("div %0, %2, %3\n\trem %1, %2, %3" : "=&r"(q), "=&r"(r) : "r"(7), "r"(-2));
    CHECK_EQ(q, (uint32_t)-3);
    CHECK_EQ(r, 1);
    return check_finish("isa_muldiv");
}
