/*
 * Xvitsim post-increment loads and stores.
 *   custom-1 (opcode 0x2B, I-type, funct3 = LOAD width):  rd = M[rs1]; rs1 += imm
 *   custom-2 (opcode 0x5B, S-type, funct3 = STORE width): M[rs1] = rs2; rs1 += imm
 * The access uses the old rs1; widths and extension follow lb/lh/lw/lbu/lhu
 * and sb/sh/sw.
 */
#include "check.h"
#include "vitsim/runtime.h"

/* value = load<funct3>(ptr); ptr += imm */
#define LOAD_POST(funct3, ptr, imm)                                                  \
    ({                                                                               \
        uint32_t v_;                                                                 \
        __asm__ volatile(".insn i 0x2B, " #funct3 ", %0, %1, " #imm                  \
                         : "=&r"(v_), "+r"(ptr) : : "memory");                       \
        v_;                                                                          \
    })
/* store<funct3>(ptr, value); ptr += imm */
#define STORE_POST(funct3, value, ptr, imm)                                          \
    __asm__ volatile(".insn s 0x5B, " #funct3 ", %1, " #imm "(%0)"                   \
                     : "+r"(ptr) : "r"(value) : "memory")

static volatile uint32_t pattern[4] = {0x017fff80u, 0x80001234u, 0xdeadbeefu, 0x00000000u};

static void test_loads(void) {
    const uint8_t* base = (const uint8_t*)pattern;
    const uint8_t* p;

    check_begin("post-increment lb/lbu (funct3 0/4): sign/zero extension, rs1 += imm");
    p = base;
    CHECK_EQ(LOAD_POST(0, p, 1), 0xffffff80u);
    CHECK_EQ(p, base + 1);
    CHECK_EQ(LOAD_POST(0, p, 1), 0xffffffffu);
    CHECK_EQ(LOAD_POST(0, p, 1), 0x0000007fu);
    CHECK_EQ(p, base + 3);
    p = base;
    CHECK_EQ(LOAD_POST(4, p, 7), 0x00000080u);
    CHECK_EQ(p, base + 7);
    CHECK_EQ(LOAD_POST(4, p, -7), 0x00000080u);
    CHECK_EQ(p, base);

    check_begin("post-increment lh/lhu (funct3 1/5)");
    p = base;
    CHECK_EQ(LOAD_POST(1, p, 2), 0xffffff80u);
    CHECK_EQ(LOAD_POST(1, p, 4), 0x0000017fu);
    CHECK_EQ(p, base + 6);
    CHECK_EQ(LOAD_POST(1, p, -6), 0xffff8000u);
    CHECK_EQ(p, base);
    CHECK_EQ(LOAD_POST(5, p, 6), 0x0000ff80u);
    CHECK_EQ(LOAD_POST(5, p, 0), 0x00008000u);
    CHECK_EQ(p, base + 6);

    check_begin("post-increment lw (funct3 2), immediate corners");
    p = base;
    CHECK_EQ(LOAD_POST(2, p, 4), 0x017fff80u);
    CHECK_EQ(LOAD_POST(2, p, 4), 0x80001234u);
    CHECK_EQ(LOAD_POST(2, p, -4), 0xdeadbeefu);
    CHECK_EQ(p, base + 4);
    CHECK_EQ(LOAD_POST(2, p, 2047), 0x80001234u);
    CHECK_EQ((uintptr_t)p, (uintptr_t)base + 4 + 2047);
    p = base;
    CHECK_EQ(LOAD_POST(2, p, -2048), 0x017fff80u);
    CHECK_EQ((uintptr_t)p, (uintptr_t)base - 2048);

    check_begin("post-increment lw walking an array");
    static uint32_t values[64];
    uint32_t want = 0;
    for (unsigned i = 0; i < 64; i++) {
        values[i] = i * 0x01000193u;
        want += values[i];
    }
    const uint32_t* w = values;
    uint32_t sum = 0;
    for (unsigned i = 0; i < 64; i++) sum += LOAD_POST(2, w, 4);
    CHECK_EQ(sum, want);
    CHECK_EQ(w, values + 64);
}

static void test_stores(void) {
    static volatile uint32_t words[4];
    uint8_t* base = (uint8_t*)words;
    uint8_t* p;

    check_begin("post-increment sb (funct3 0)");
    words[0] = 0x11223344u;
    p = base;
    STORE_POST(0, 0xaaaaaa01u, p, 1);
    STORE_POST(0, 0xbbbbbb02u, p, 2);
    CHECK_EQ(p, base + 3);
    STORE_POST(0, 0xcccccc03u, p, -3);
    CHECK_EQ(p, base);
    CHECK_EQ(words[0], 0x03220201u);

    check_begin("post-increment sh (funct3 1)");
    words[1] = 0x11223344u;
    p = base + 4;
    STORE_POST(1, 0xffff8001u, p, 2);
    CHECK_EQ(words[1], 0x11228001u);
    STORE_POST(1, 0x0000abcdu, p, 6);
    CHECK_EQ(words[1], 0xabcd8001u);
    CHECK_EQ(p, base + 12);

    check_begin("post-increment sw (funct3 2) filling an array");
    static uint32_t out[32];
    uint32_t* q = out;
    for (unsigned i = 0; i < 32; i++) STORE_POST(2, i * 7u + 1u, q, 4);
    CHECK_EQ(q, out + 32);
    uint32_t bad = 0;
    for (unsigned i = 0; i < 32; i++) bad += out[i] != i * 7u + 1u;
    CHECK_EQ(bad, 0);
    q = out + 31;
    STORE_POST(2, 0x5555aaaau, q, -124);
    CHECK_EQ(q, out);
    CHECK_EQ(out[31], 0x5555aaaau);
}

static volatile uint32_t illegal_count, illegal_tval;
static void count_illegal(vs_trap_frame* frame) {
    if (frame->mcause == VS_CAUSE_ILLEGAL_INSN) {
        illegal_count++;
        illegal_tval = frame->mtval;
    }
    vs_trap_skip(frame);
}

/* docs/isa.md: a post-increment load with rd == rs1 or rs1 == x0, and a
 * post-increment store with rs1 == x0, are illegal instructions. */
static void test_illegal_forms(void) {
    vs_trap_install(count_illegal);
    check_begin("lw.pi with rd == rs1 is illegal");
    illegal_count = 0;
    __asm__ volatile(".insn i 0x2B, 2, a0, a0, 4" ::: "a0", "memory");
    CHECK_EQ(illegal_count, 1);
    CHECK_EQ(illegal_tval, 0x0045252bu); /* lw.pi a0, 4(a0!) */
    check_begin("lw.pi / sw.pi with rs1 == x0 are illegal");
    illegal_count = 0;
    __asm__ volatile(".insn i 0x2B, 2, a0, x0, 4" ::: "a0", "memory");
    __asm__ volatile(".insn s 0x5B, 2, a0, 4(x0)" ::: "memory");
    CHECK_EQ(illegal_count, 2);
    vs_trap_uninstall();
}

int main(void) {
    test_loads();
    test_stores();
    test_illegal_forms();
    return check_finish("isa_postinc");
}
