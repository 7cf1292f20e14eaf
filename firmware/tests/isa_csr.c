/*
 * Zicsr: csrrw/csrrs/csrrc and their immediate forms on mscratch (old value
 * returned, new value written), rd = x0 and rs1 = x0 variants, mcycle and
 * minstret counting up and writable, mhartid == 0 and misa describing the profile's ISA.
 */
#include "check.h"
#include "vitsim/runtime.h"

static uint32_t read_mscratch(void) {
    uint32_t v;
    __asm__ volatile("csrr %0, mscratch" : "=r"(v));
    return v;
}
static void write_mscratch(uint32_t v) { __asm__ volatile("csrw mscratch, %0" : : "r"(v)); }

static void test_register_forms(void) {
    uint32_t old;
    check_begin("csrrw");
    write_mscratch(0x12345678u);
    __asm__ volatile("csrrw %0, mscratch, %1" : "=r"(old) : "r"(0xcafebabeu));
    CHECK_EQ(old, 0x12345678u);
    CHECK_EQ(read_mscratch(), 0xcafebabeu);
    /* rd = x0: write only */
    __asm__ volatile("csrrw x0, mscratch, %0" : : "r"(0x0f0f0f0fu));
    CHECK_EQ(read_mscratch(), 0x0f0f0f0fu);

    check_begin("csrrs");
    __asm__ volatile("csrrs %0, mscratch, %1" : "=r"(old) : "r"(0xf0000001u));
    CHECK_EQ(old, 0x0f0f0f0fu);
    CHECK_EQ(read_mscratch(), 0xff0f0f0fu);
    /* rs1 = x0: read only, no write */
    __asm__ volatile("csrrs %0, mscratch, x0" : "=r"(old));
    CHECK_EQ(old, 0xff0f0f0fu);
    CHECK_EQ(read_mscratch(), 0xff0f0f0fu);

    check_begin("csrrc");
    __asm__ volatile("csrrc %0, mscratch, %1" : "=r"(old) : "r"(0x0000ffffu));
    CHECK_EQ(old, 0xff0f0f0fu);
    CHECK_EQ(read_mscratch(), 0xff0f0000u);
    __asm__ volatile("csrrc %0, mscratch, x0" : "=r"(old));
    CHECK_EQ(old, 0xff0f0000u);
    CHECK_EQ(read_mscratch(), 0xff0f0000u);

    check_begin("csrrw with rd == rs1 swaps");
    uint32_t reg = 0x11111111u;
    write_mscratch(0x22222222u);
    __asm__ volatile("csrrw %0, mscratch, %0" : "+r"(reg));
    CHECK_EQ(reg, 0x22222222u);
    CHECK_EQ(read_mscratch(), 0x11111111u);
}

static void test_immediate_forms(void) {
    uint32_t old;
    check_begin("csrrwi");
    write_mscratch(0xffffffffu);
    __asm__ volatile("csrrwi %0, mscratch, 31" : "=r"(old));
    CHECK_EQ(old, 0xffffffffu);
    CHECK_EQ(read_mscratch(), 31); /* 5-bit immediate is zero-extended */
    __asm__ volatile("csrrwi %0, mscratch, 0" : "=r"(old));
    CHECK_EQ(old, 31);
    CHECK_EQ(read_mscratch(), 0);

    check_begin("csrrsi");
    write_mscratch(0x80000000u);
    __asm__ volatile("csrrsi %0, mscratch, 0x15" : "=r"(old));
    CHECK_EQ(old, 0x80000000u);
    CHECK_EQ(read_mscratch(), 0x80000015u);
    __asm__ volatile("csrrsi %0, mscratch, 0" : "=r"(old));
    CHECK_EQ(old, 0x80000015u);
    CHECK_EQ(read_mscratch(), 0x80000015u);

    check_begin("csrrci");
    __asm__ volatile("csrrci %0, mscratch, 0x11" : "=r"(old));
    CHECK_EQ(old, 0x80000015u);
    CHECK_EQ(read_mscratch(), 0x80000004u);
    __asm__ volatile("csrrci %0, mscratch, 0" : "=r"(old));
    CHECK_EQ(old, 0x80000004u);
    CHECK_EQ(read_mscratch(), 0x80000004u);
}

static void test_counters(void) {
    check_begin("mcycle increases");
    uint32_t c0 = vs_mcycle();
    uint32_t c1 = vs_mcycle();
    CHECK_TRUE(c1 > c0);
    volatile uint32_t sink = 0;
    for (int i = 0; i < 100; i++) sink += i;
    uint32_t c2 = vs_mcycle();
    CHECK_TRUE(c2 - c1 >= 100);
    uint64_t c64 = vs_mcycle64();
    CHECK_TRUE(c64 >= c2);

    check_begin("minstret counts retired instructions");
    uint32_t i0, i1;
    /* exactly 3 instructions retire between the two reads (incl. the 2nd) */
    __asm__ volatile(NORVC("csrr %0, minstret\n\tnop\n\tnop\n\tcsrr %1, minstret")
                     : "=&r"(i0), "=r"(i1));
    CHECK_EQ(i1 - i0, 3);
    uint32_t i2 = vs_minstret();
    for (int i = 0; i < 100; i++) sink += i;
    CHECK_TRUE(vs_minstret() - i2 >= 300);
    CHECK_TRUE(vs_minstret64() >= i2);

    check_begin("mcycle >= minstret");
    CHECK_TRUE(vs_mcycle64() >= vs_minstret64());

    check_begin("user aliases cycle, time, instret follow the machine counters");
    uint32_t m, u;
    __asm__ volatile("csrr %0, mcycle\n\tcsrr %1, cycle" : "=&r"(m), "=r"(u));
    CHECK_TRUE(u > m && u - m < 100);
    __asm__ volatile("csrr %0, mcycle\n\tcsrr %1, time" : "=&r"(m), "=r"(u));
    CHECK_TRUE(u > m && u - m < 100); /* time counts core cycles */
    __asm__ volatile("csrr %0, minstret\n\tcsrr %1, instret" : "=&r"(m), "=r"(u));
    CHECK_EQ(u - m, 1);
    __asm__ volatile("csrr %0, cycleh\n\tcsrr %1, instreth" : "=&r"(m), "=r"(u));
    CHECK_EQ(m, (uint32_t)(vs_mcycle64() >> 32));
    CHECK_EQ(u, (uint32_t)(vs_minstret64() >> 32));

    check_begin("writes to the counters set them (the next instruction reads the value)");
    const uint32_t written = 0x12345;
    __asm__ volatile("csrw minstret, %1\n\tcsrr %0, minstret" : "=&r"(u) : "r"(written));
    CHECK_EQ(u, written);
    __asm__ volatile("csrw mcycle, %1\n\tcsrr %0, mcycle" : "=&r"(u) : "r"(written));
    CHECK_TRUE(u >= written && u - written < 100); /* plus the reading instruction's cycles */
    __asm__ volatile("csrw minstreth, %1\n\tcsrr %0, minstreth" : "=&r"(u) : "r"(7));
    CHECK_EQ(u, 7);
    __asm__ volatile("csrw minstreth, zero\n\tcsrw mcycleh, zero");
}

/* Stall counters: readable and never decreasing. */
#define READ_CSR(name) ({ uint32_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })

static void test_performance_counters(void) {
    check_begin("mhpmcounter3..7 (stall cycles) never decrease");
    uint32_t before[5] = {READ_CSR(mhpmcounter3), READ_CSR(mhpmcounter4), READ_CSR(mhpmcounter5),
                          READ_CSR(mhpmcounter6), READ_CSR(mhpmcounter7)};
    volatile uint32_t sink = 1;
    for (int i = 1; i < 50; i++) sink = sink * 3 / (uint32_t)i + sink; /* div, branches, loads */
    uint32_t after[5] = {READ_CSR(mhpmcounter3), READ_CSR(mhpmcounter4), READ_CSR(mhpmcounter5),
                         READ_CSR(mhpmcounter6), READ_CSR(mhpmcounter7)};
    for (int i = 0; i < 5; i++) CHECK_TRUE(after[i] >= before[i]);
#if defined(__riscv_div)
    CHECK_TRUE(after[2] > before[2]); /* the divisions took more than one cycle */
#endif
    CHECK_TRUE(after[1] > before[1]);   /* the loop's taken branches */
}

static void test_machine_info(void) {
    uint32_t v;
    check_begin("mhartid, mvendorid, marchid, mimpid");
    __asm__ volatile("csrr %0, mhartid" : "=r"(v));
    CHECK_EQ(v, 0);
    CHECK_EQ(READ_CSR(mvendorid), 0);
    CHECK_EQ(READ_CSR(marchid), 0);
    CHECK_EQ(READ_CSR(mimpid), 0);

    /* the profile's ISA is what this program was compiled for */
#if defined(__riscv_mul)
    const uint32_t has_m = 1;
#else
    const uint32_t has_m = 0;
#endif
#if defined(__riscv_compressed)
    const uint32_t has_c = 1;
#else
    const uint32_t has_c = 0;
#endif
    check_begin("misa: RV32I with the profile's M, C and X");
    __asm__ volatile("csrr %0, misa" : "=r"(v));
    CHECK_EQ(v >> 30, 1);                     /* MXL = 1: 32-bit */
    CHECK_EQ((v >> ('I' - 'A')) & 1, 1);
    CHECK_EQ((v >> ('M' - 'A')) & 1, has_m);
    CHECK_EQ((v >> ('C' - 'A')) & 1, has_c);
    CHECK_EQ((v >> ('E' - 'A')) & 1, 0);
    CHECK_EQ((v >> ('F' - 'A')) & 1, 0);
    /* X: non-standard extensions present (Xvitsim) */
    CHECK_EQ((v >> ('X' - 'A')) & 1, VITSIM_HAS_XVITSIM);
}

int main(void) {
    test_register_forms();
    test_immediate_forms();
    test_counters();
    test_performance_counters();
    test_machine_info();
    return check_finish("isa_csr");
}
