/*
 * Minimal self-checking harness for vitsim's instruction-level test programs.
 *
 * A program is a sequence of numbered checks (one per instruction or corner
 * case group); each check makes any number of assertions. Every failing
 * assertion prints one line naming the check, the source line and the values;
 * the program's exit status is the number of the first failing check (0 when
 * all pass). Programs keep their check count below 110, the first exit code
 * reserved for the simulator.
 */
#ifndef VITSIM_TEST_CHECK_H
#define VITSIM_TEST_CHECK_H
#include <stdint.h>
#include <stdio.h>

static int check_number;          /* number of the current check, from 1 */
static const char* check_title;   /* its name, e.g. "sltu" */
static int check_first_failure;   /* number of the first failing check */
static unsigned check_failures;   /* failing assertions */
static unsigned check_assertions; /* all assertions */

static inline void check_begin(const char* title) {
    check_number++;
    check_title = title;
}

static inline void check_failed(void) {
    check_failures++;
    if (check_first_failure == 0) check_first_failure = check_number;
}

/* got == want for a plain value. */
static inline void check_eq(int line, const char* what, uint32_t got, uint32_t want) {
    check_assertions++;
    if (got == want) return;
    check_failed();
    printf("FAIL check %d (%s) line %d: %s = 0x%08lx, expected 0x%08lx\n", check_number,
           check_title, line, what, (unsigned long)got, (unsigned long)want);
}

/* got == want for an operation on two operands, e.g. "sra 0x80000000, 0x1f". */
static inline void check_op(int line, const char* op, uint32_t a, uint32_t b, uint32_t got,
                            uint32_t want) {
    check_assertions++;
    if (got == want) return;
    check_failed();
    printf("FAIL check %d (%s) line %d: %s 0x%08lx, 0x%08lx = 0x%08lx, expected 0x%08lx\n",
           check_number, check_title, line, op, (unsigned long)a, (unsigned long)b,
           (unsigned long)got, (unsigned long)want);
}

/* Same with three operands (accumulating custom instructions). */
static inline void check_op3(int line, const char* op, uint32_t acc, uint32_t a, uint32_t b,
                             uint32_t got, uint32_t want) {
    check_assertions++;
    if (got == want) return;
    check_failed();
    printf("FAIL check %d (%s) line %d: %s acc 0x%08lx, 0x%08lx, 0x%08lx = 0x%08lx, expected "
           "0x%08lx\n",
           check_number, check_title, line, op, (unsigned long)acc, (unsigned long)a,
           (unsigned long)b, (unsigned long)got, (unsigned long)want);
}

#define CHECK_EQ(got, want) check_eq(__LINE__, #got, (uint32_t)(got), (uint32_t)(want))
#define CHECK_TRUE(cond) check_eq(__LINE__, #cond, (cond) ? 1u : 0u, 1u)

/* Prints the summary and returns the exit status for main(). */
static inline int check_finish(const char* program) {
    if (check_first_failure == 0) {
        printf("PASS %s: %d checks, %u assertions\n", program, check_number, check_assertions);
        return 0;
    }
    printf("FAILED %s: %u of %u assertions; first failing check %d\n", program, check_failures,
           check_assertions, check_first_failure);
    return check_first_failure < 110 ? check_first_failure : 109;
}

/* Inline-assembly helpers: `.option norvc` keeps the instruction under test
 * 32 bits wide (the assembler would otherwise compress some forms). */
#define NORVC(text) ".option push\n\t.option norvc\n\t" text "\n\t.option pop"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* rd = rs1 <op> rs2 (one 32-bit instruction) for every {a, b, want} case */
#define TEST_RR(op, cases)                                                              \
    do {                                                                                \
        check_begin(#op);                                                               \
        for (unsigned i_ = 0; i_ < COUNT(cases); i_++) {                                \
            uint32_t a_ = cases[i_].a, b_ = cases[i_].b, r_;                             \
            __asm__ volatile(NORVC(#op " %0, %1, %2") : "=r"(r_) : "r"(a_), "r"(b_));   \
            check_op(__LINE__, #op, a_, b_, r_, cases[i_].want);                         \
        }                                                                               \
    } while (0)

#endif /* VITSIM_TEST_CHECK_H */
