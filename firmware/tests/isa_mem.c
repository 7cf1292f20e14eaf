/*
 * RV32I loads and stores: sign and zero extension of lb/lh/lbu/lhu, positive
 * and negative offsets, partial stores sb/sh into words, in the data memory
 * (.data) and, for loads, in the code memory (.rodata).
 */
#include "check.h"

/* Bytes with the sign bit set and clear at every position. */
#define PATTERN_WORDS {0x017fff80u, 0x80001234u}
static volatile uint32_t ram_words[2] = PATTERN_WORDS;
/* Not volatile itself: GCC would place a const volatile in writable .sdata. */
static const uint32_t rom_words[2] = PATTERN_WORDS;

#define LOAD(op, base, offset)                                                   \
    ({                                                                           \
        uint32_t r_;                                                             \
        __asm__ volatile(NORVC(#op " %0, " #offset "(%1)")                        \
                         : "=r"(r_) : "r"(base) : "memory");                      \
        r_;                                                                      \
    })

static void test_loads(const char* where, const volatile uint32_t* words) {
    const volatile uint8_t* p = (const volatile uint8_t*)words;
    check_begin(where);
    /* memory bytes: 80 ff 7f 01 34 12 00 80 */
    CHECK_EQ(LOAD(lb, p, 0), 0xffffff80u);
    CHECK_EQ(LOAD(lb, p, 1), 0xffffffffu);
    CHECK_EQ(LOAD(lb, p, 2), 0x0000007fu);
    CHECK_EQ(LOAD(lb, p, 3), 0x00000001u);
    CHECK_EQ(LOAD(lbu, p, 0), 0x00000080u);
    CHECK_EQ(LOAD(lbu, p, 1), 0x000000ffu);
    CHECK_EQ(LOAD(lbu, p, 2), 0x0000007fu);
    CHECK_EQ(LOAD(lbu, p, 7), 0x00000080u);
    CHECK_EQ(LOAD(lh, p, 0), 0xffffff80u);
    CHECK_EQ(LOAD(lh, p, 2), 0x0000017fu);
    CHECK_EQ(LOAD(lh, p, 6), 0xffff8000u);
    CHECK_EQ(LOAD(lhu, p, 0), 0x0000ff80u);
    CHECK_EQ(LOAD(lhu, p, 6), 0x00008000u);
    CHECK_EQ(LOAD(lhu, p, 4), 0x00001234u);
    CHECK_EQ(LOAD(lw, p, 0), 0x017fff80u);
    CHECK_EQ(LOAD(lw, p, 4), 0x80001234u);
    /* negative offsets from a pointer past the data */
    const volatile uint8_t* end = p + 8;
    CHECK_EQ(LOAD(lw, end, -8), 0x017fff80u);
    CHECK_EQ(LOAD(lb, end, -1), 0xffffff80u);
    CHECK_EQ(LOAD(lbu, end, -1), 0x00000080u);
    CHECK_EQ(LOAD(lh, end, -2), 0xffff8000u);
    CHECK_EQ(LOAD(lhu, end, -4), 0x00001234u);
}

#define STORE(op, value, base, offset) \
    __asm__ volatile(NORVC(#op " %0, " #offset "(%1)") : : "r"(value), "r"(base) : "memory")

static void test_partial_stores(void) {
    static volatile uint32_t word;
    volatile uint8_t* p = (volatile uint8_t*)&word;

    check_begin("sb writes one byte (the low byte of rs2)");
    word = 0x11223344u;
    STORE(sb, 0xcafe12abu, p, 0);
    CHECK_EQ(word, 0x112233abu);
    word = 0x11223344u;
    STORE(sb, 0xcafe12abu, p, 1);
    CHECK_EQ(word, 0x1122ab44u);
    word = 0x11223344u;
    STORE(sb, 0xcafe12abu, p, 2);
    CHECK_EQ(word, 0x11ab3344u);
    word = 0x11223344u;
    STORE(sb, 0xcafe12abu, p, 3);
    CHECK_EQ(word, 0xab223344u);
    word = 0x11223344u;
    STORE(sb, 0x00000080u, p + 4, -4);
    CHECK_EQ(word, 0x11223380u);

    check_begin("sh writes one halfword (the low half of rs2)");
    word = 0x11223344u;
    STORE(sh, 0xcafe8001u, p, 0);
    CHECK_EQ(word, 0x11228001u);
    word = 0x11223344u;
    STORE(sh, 0xcafe8001u, p, 2);
    CHECK_EQ(word, 0x80013344u);
    word = 0x11223344u;
    STORE(sh, 0xcafe8001u, p + 4, -2);
    CHECK_EQ(word, 0x80013344u);

    check_begin("sw and load-back of every width");
    STORE(sw, 0x8081fe7fu, p, 0);
    CHECK_EQ(word, 0x8081fe7fu);
    CHECK_EQ(LOAD(lb, p, 0), 0x0000007fu);
    CHECK_EQ(LOAD(lb, p, 1), 0xfffffffeu);
    CHECK_EQ(LOAD(lh, p, 2), 0xffff8081u);
    CHECK_EQ(LOAD(lhu, p, 2), 0x00008081u);
    STORE(sw, 0x01020304u, (uintptr_t)p + 2048, -2048);
    CHECK_EQ(word, 0x01020304u);
}

/* Large positive and negative 12-bit offsets reach the right word. */
static void test_offset_range(void) {
    static volatile uint32_t block[1024];
    volatile uint8_t* mid = (volatile uint8_t*)&block[512];
    check_begin("12-bit offsets -2048 and +2044");
    block[0] = 0xa5a5a5a5u;
    block[1023] = 0x5a5a5a5au;
    CHECK_EQ(LOAD(lw, mid, -2048), 0xa5a5a5a5u);
    CHECK_EQ(LOAD(lw, mid, 2044), 0x5a5a5a5au);
    STORE(sw, 0x12345678u, mid, -2048);
    STORE(sh, 0x9abcu, mid, 2046);
    CHECK_EQ(block[0], 0x12345678u);
    CHECK_EQ(block[1023], 0x9abc5a5au);
}

/* vitsim performs misaligned accesses (as a Cortex-M7 does) instead of trapping. */
static void test_misaligned(void) {
    static volatile uint32_t words[3] = {0x33221100u, 0x77665544u, 0xbbaa9988u};
    volatile uint8_t* p = (volatile uint8_t*)words;
    check_begin("misaligned loads and stores are performed");
    CHECK_EQ(LOAD(lw, p, 1), 0x44332211u);
    CHECK_EQ(LOAD(lw, p, 3), 0x66554433u);
    CHECK_EQ(LOAD(lh, p, 3), 0x00004433u);
    CHECK_EQ(LOAD(lh, p, 7), 0xffff8877u);
    CHECK_EQ(LOAD(lhu, p, 7), 0x00008877u);
    STORE(sw, 0xddccbbaau, p, 2);
    CHECK_EQ(words[0], 0xbbaa1100u);
    CHECK_EQ(words[1], 0x7766ddccu);
    STORE(sh, 0x0000eeffu, p, 5);
    CHECK_EQ(words[1], 0x77eeffccu);
}

int main(void) {
    test_loads("loads from the data memory", ram_words);
    test_loads("loads from the code memory", rom_words);
    test_partial_stores();
    test_offset_range();
    test_misaligned();
    return check_finish("isa_mem");
}
