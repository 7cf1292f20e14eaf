// Thumb / Thumb-2 base instructions: data processing and flags, shifts and ThumbExpandImm,
// IT blocks, every load/store addressing mode, LDM/STM/PUSH/POP, LDREX/STREX, TBB/TBH,
// CBZ/CBNZ, B/BL/BX/BLX, multiplies and divides, bitfields, reversals, MRS/MSR, CPS.
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void data_processing(void) {
    uint32_t r, f;
    // ADDS/SUBS/ADCS/SBCS/RSBS: NZCV.
    __asm__ volatile("adds %0, %2, %3\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0x7fffffff), "r"(1) : "cc");
    CHECK("adds overflow", r, 0x80000000); CHECK("adds overflow flags", NZCV(f), FLAG_N | FLAG_V);
    __asm__ volatile("adds %0, %2, %3\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0xffffffff), "r"(1) : "cc");
    CHECK("adds carry", r, 0); CHECK("adds carry flags", NZCV(f), FLAG_Z | FLAG_C);
    __asm__ volatile("subs %0, %2, %3\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(3), "r"(5) : "cc");
    CHECK("subs borrow", r, 0xfffffffe); CHECK("subs borrow flags", NZCV(f), FLAG_N);
    __asm__ volatile("subs %0, %2, %3\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0x80000000), "r"(1) : "cc");
    CHECK("subs overflow flags", NZCV(f), FLAG_C | FLAG_V);
    __asm__ volatile("cmp %2, %2\n adcs %0, %2, %3\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(10), "r"(20) : "cc");
    CHECK("adcs with carry in", r, 31);
    __asm__ volatile("cmp %2, %3\n sbcs %0, %2, %3\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(10), "r"(20) : "cc");
    CHECK("sbcs with borrow", r, (uint32_t)-11);
    __asm__ volatile("rsbs %0, %2, #0\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(5) : "cc");
    CHECK("negs", r, (uint32_t)-5); CHECK("negs flags", NZCV(f), FLAG_N);
    __asm__ volatile("rsb %0, %1, #100" : "=r"(r) : "r"(30));
    CHECK("rsb.w imm", r, 70);
    __asm__ volatile("cmn %1, %2\n mrs %0, apsr" : "=r"(f) : "r"(-5), "r"(5) : "cc");
    CHECK("cmn flags", NZCV(f), FLAG_Z | FLAG_C);
    __asm__ volatile("tst %1, %2\n mrs %0, apsr" : "=r"(f) : "r"(0xf0), "r"(0x0f) : "cc");
    CHECK("tst flags", NZCV(f) & FLAG_Z, FLAG_Z);
    __asm__ volatile("teq %1, %2\n mrs %0, apsr" : "=r"(f) : "r"(0x80000000), "r"(0) : "cc");
    CHECK("teq flags", NZCV(f) & (FLAG_N | FLAG_Z), FLAG_N);
    CHECK("orn", OP2("orn", 0x0f, 0xffff00ff), 0x0000ff0f);
    CHECK("bic", OP2("bic", 0xffff, 0xf0f0), 0x0f0f);
    CHECK("eor", OP2("eor", 0xff00ff00, 0x0ff00ff0), 0xf0f0f0f0);
    CHECK("mvn", OP1("mvn", 0x12345678), 0xedcba987);
    // ThumbExpandImm: the four replicated forms and a rotated one (which sets C from bit 31).
    __asm__ volatile("mov.w %0, #0x00ab00ab" : "=r"(r)); CHECK("imm 00XY00XY", r, 0x00ab00ab);
    __asm__ volatile("mov.w %0, #0xab00ab00" : "=r"(r)); CHECK("imm XY00XY00", r, 0xab00ab00);
    __asm__ volatile("mov.w %0, #0xabababab" : "=r"(r)); CHECK("imm XYXYXYXY", r, 0xabababab);
    __asm__ volatile("mov.w %0, #0x3fc00" : "=r"(r)); CHECK("imm rotated", r, 0x3fc00);
    __asm__ volatile("msr apsr_nzcvq, %2\n ands %0, %1, #0x80000000\n mrs %1, apsr" : "=r"(r), "+r"(f) : "r"(0) : "cc");
    f = 0;
    __asm__ volatile("msr apsr_nzcvq, %2\n ands %0, %3, #0x80000000\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0), "r"(0xffffffff) : "cc");
    CHECK("ands rotated imm sets C", NZCV(f), FLAG_N | FLAG_C);
    __asm__ volatile("msr apsr_nzcvq, %2\n ands %0, %3, #0xff\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(FLAG_C), "r"(0x100) : "cc");
    CHECK("ands plain imm keeps C", NZCV(f), FLAG_Z | FLAG_C);
    __asm__ volatile("addw %0, %1, #4095" : "=r"(r) : "r"(1)); CHECK("addw", r, 4096);
    __asm__ volatile("subw %0, %1, #4095" : "=r"(r) : "r"(4096)); CHECK("subw", r, 1);
    __asm__ volatile("movw %0, #0xbeef\n movt %0, #0xdead" : "=r"(r)); CHECK("movw/movt", r, 0xdeadbeef);
    __asm__ volatile("add.w %0, %1, %2, lsl #3" : "=r"(r) : "r"(1), "r"(2)); CHECK("add shifted reg", r, 17);
    __asm__ volatile("sub.w %0, %1, %2, asr #1" : "=r"(r) : "r"(0), "r"(-8)); CHECK("sub asr reg", r, 4);
}

static void shifts(void) {
    uint32_t r, f;
    __asm__ volatile("lsls %0, %2, #1\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0x80000001) : "cc");
    CHECK("lsls #1", r, 2); CHECK("lsls #1 carry", NZCV(f) & FLAG_C, FLAG_C);
    __asm__ volatile("lsrs %0, %2, #32\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0x80000000) : "cc");
    CHECK("lsrs #32", r, 0); CHECK("lsrs #32 carry", NZCV(f), FLAG_Z | FLAG_C);
    __asm__ volatile("asrs %0, %2, #32\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0x80000000) : "cc");
    CHECK("asrs #32", r, 0xffffffff); CHECK("asrs #32 carry", NZCV(f), FLAG_N | FLAG_C);
    __asm__ volatile("rors %0, %2, #4\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0x1234567f) : "cc");
    CHECK("ror #4", r, 0xf1234567); CHECK("ror carry", NZCV(f), FLAG_N | FLAG_C);
    __asm__ volatile("msr apsr_nzcvq, %2\n rrxs %0, %3\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(FLAG_C), "r"(3) : "cc");
    CHECK("rrx", r, 0x80000001); CHECK("rrx carry", NZCV(f), FLAG_N | FLAG_C);
    const uint32_t amounts[] = {0, 1, 31, 32, 33, 255, 256};
    uint32_t h = 0;
    for (unsigned i = 0; i < sizeof amounts / sizeof *amounts; i++) {
        uint32_t a = amounts[i], v = 0x80000081;
        __asm__ volatile("msr apsr_nzcvq, %2\n lsls %0, %3, %4\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0), "r"(v), "r"(a) : "cc"); h = mix(h, r ^ f);
        __asm__ volatile("msr apsr_nzcvq, %2\n lsrs %0, %3, %4\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0), "r"(v), "r"(a) : "cc"); h = mix(h, r ^ f);
        __asm__ volatile("msr apsr_nzcvq, %2\n asrs %0, %3, %4\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0), "r"(v), "r"(a) : "cc"); h = mix(h, r ^ f);
        __asm__ volatile("msr apsr_nzcvq, %2\n rors %0, %3, %4\n mrs %1, apsr" : "=r"(r), "=r"(f) : "r"(0), "r"(v), "r"(a) : "cc"); h = mix(h, r ^ f);
    }
    printf("register shifts: %08lx\n", (unsigned long)h);
    __asm__ volatile("movs %0, %1\n lsls %0, %0, %2" : "=&r"(r) : "r"(1), "r"(33) : "cc"); CHECK("lsl by 33", r, 0);
    __asm__ volatile("lsl.w %0, %1, %2" : "=r"(r) : "r"(3), "r"(4)); CHECK("lsl.w reg", r, 48);
    __asm__ volatile("asr.w %0, %1, %2" : "=r"(r) : "r"(0x80000000), "r"(40)); CHECK("asr.w by 40", r, 0xffffffff);
}

static void it_blocks(void) {
    uint32_t r = 0;
    __asm__ volatile("cmp %1, #5\n ite eq\n moveq %0, #1\n movne %0, #2" : "=r"(r) : "r"(5) : "cc");
    CHECK("ite eq taken", r, 1);
    __asm__ volatile("cmp %1, #5\n ite eq\n moveq %0, #1\n movne %0, #2" : "=r"(r) : "r"(6) : "cc");
    CHECK("ite eq else", r, 2);
    // Inside IT, 16-bit ADD does not set flags; a CMP inside the block changes what follows.
    uint32_t a = 1, b = 0;
    __asm__ volatile("cmp %0, #1\n itett eq\n addeq %0, %0, #1\n addne %1, %1, #5\n cmpeq %0, #3\n addeq %1, %1, #7"
                     : "+l"(a), "+l"(b) : : "cc");
    CHECK("itett a", a, 2); CHECK("itett b", b, 0);
    uint32_t f;
    __asm__ volatile("movs %0, #0\n it ne\n addne %0, #1\n mrs %1, apsr" : "=l"(r), "=r"(f) : : "cc");
    CHECK("it: no flags from 16-bit add", r, 0); CHECK("it flags", NZCV(f) & FLAG_Z, FLAG_Z);
    // Conditional 32-bit instructions, a conditional load, and a conditional branch last.
    static volatile uint32_t word = 77;
    __asm__ volatile("cmp %2, #0\n itt gt\n ldrgt %0, [%1]\n addgt.w %0, %0, #1000" : "=&r"(r) : "r"(&word), "r"(1), "0"(0) : "cc");
    CHECK("it ldr", r, 1077);
    __asm__ volatile("movs %0, #0\n cmp %1, #3\n it lt\n blt 1f\n movs %0, #9\n1:" : "=&l"(r) : "r"(2) : "cc");
    CHECK("it branch", r, 0);
    // Signed conditions.
    int x = -3;
    uint32_t conds = 0;
    __asm__ volatile("cmp %1, #0\n it lt\n orrlt %0, %0, #1\n it ge\n orrge %0, %0, #2\n it le\n orrle %0, %0, #4\n"
                     "it gt\n orrgt %0, %0, #8\n it mi\n orrmi %0, %0, #16\n it hi\n orrhi %0, %0, #32\n"
                     "it ls\n orrls %0, %0, #64\n it cs\n orrcs %0, %0, #128\n it vc\n orrvc %0, %0, #256"
                     : "+r"(conds) : "r"(x) : "cc");
    CHECK("conditions", conds, 1 | 4 | 16 | 32 | 128 | 256);
}

static uint32_t buffer[16] __attribute__((aligned(8)));

static void loads_stores(void) {
    for (unsigned i = 0; i < 16; i++) buffer[i] = 0x11111111u * i;
    uint32_t *p = &buffer[4], r;
    __asm__ volatile("ldr %0, [%1, #4]!" : "=r"(r), "+r"(p)); CHECK("ldr pre-index", r, 0x55555555); CHECK("pre wb", p, &buffer[5]);
    __asm__ volatile("ldr %0, [%1], #-8" : "=r"(r), "+r"(p)); CHECK("ldr post-index", r, 0x55555555); CHECK("post wb", p, &buffer[3]);
    __asm__ volatile("ldr %0, [%1, #-4]" : "=r"(r) : "r"(p)); CHECK("ldr negative offset", r, 0x22222222);
    __asm__ volatile("ldr.w %0, [%1, %2, lsl #2]" : "=r"(r) : "r"(buffer), "r"(7)); CHECK("ldr reg lsl", r, 0x77777777);
    uintptr_t base = (uintptr_t)buffer;
    __asm__ volatile("sub %1, %1, #4084\n ldr.w %0, [%1, #4092]" : "=r"(r), "+r"(base)); CHECK("ldr imm12", r, 0x22222222);
    static const int8_t bytes[4] = {-1, 2, -128, 127};
    __asm__ volatile("ldrsb.w %0, [%1, #2]" : "=r"(r) : "r"(bytes)); CHECK("ldrsb", r, 0xffffff80);
    __asm__ volatile("ldrb.w %0, [%1, #2]" : "=r"(r) : "r"(bytes)); CHECK("ldrb", r, 0x80);
    __asm__ volatile("ldrsh %0, [%1, %2]" : "=l"(r) : "l"(bytes), "l"(0)); CHECK("ldrsh reg", r, 0x02ff);
    __asm__ volatile("ldrsh.w %0, [%1, #2]" : "=r"(r) : "r"(bytes)); CHECK("ldrsh", r, 0x7f80);
    static const int16_t halves[2] = {-2, 5};
    __asm__ volatile("ldrsh.w %0, [%1]" : "=r"(r) : "r"(halves)); CHECK("ldrsh negative", r, 0xfffffffe);
    __asm__ volatile("ldrh %0, [%1, #2]" : "=l"(r) : "l"(halves)); CHECK("ldrh", r, 5);
    uint32_t lo, hi;
    p = &buffer[2];
    __asm__ volatile("ldrd %0, %1, [%2, #8]!" : "=r"(lo), "=r"(hi), "+r"(p)); CHECK("ldrd lo", lo, 0x44444444); CHECK("ldrd hi", hi, 0x55555555); CHECK("ldrd wb", p, &buffer[4]);
    __asm__ volatile("strd %1, %2, [%0], #8" : "+r"(p) : "r"(1), "r"(2) : "memory"); CHECK("strd", buffer[4] + buffer[5], 3); CHECK("strd wb", p, &buffer[6]);
    __asm__ volatile("strb.w %1, [%0, #1]\n strh.w %2, [%0, #2]" : : "r"(&buffer[8]), "r"(0xab), "r"(0xcdef) : "memory");
    CHECK("strb/strh", buffer[8], 0xcdefab88);
    __asm__ volatile("str %1, [%0, #-4]!" : "+r"(p) : "r"(99) : "memory"); CHECK("str pre-index", buffer[5], 99);
    // Unaligned word load (allowed on Armv7-M).
    uint32_t u;
    __asm__ volatile("ldr %0, [%1]" : "=r"(u) : "r"((uint8_t*)&buffer[8] + 1)); CHECK("unaligned ldr", u, 0x99cdefab);
    // LDM/STM, PUSH/POP, LDMDB/STMDB.
    uint32_t a0, a1, a2;
    p = &buffer[0];
    buffer[0] = 10; buffer[1] = 11; buffer[2] = 12;
    __asm__ volatile("mov r3, %3\n ldmia r3!, {r0, r1, r2}\n mov %0, r0\n mov %1, r1\n mov %2, r2\n mov %3, r3"
                     : "=r"(a0), "=r"(a1), "=r"(a2), "+r"(p) : : "r0", "r1", "r2", "r3", "memory");
    CHECK("ldmia", a0 + a1 * 16 + a2 * 256, 10 + 176 + 3072); CHECK("ldmia wb", p, &buffer[3]);
    __asm__ volatile("mov r3, %0\n mov r1, #7\n mov r2, #8\n stmdb r3!, {r1, r2}\n mov %0, r3" : "+r"(p) : : "r1", "r2", "r3", "memory");
    CHECK("stmdb", buffer[1] * 10 + buffer[2], 78); CHECK("stmdb wb", p, &buffer[1]);
    __asm__ volatile("mov r4, #44\n mov r5, #55\n push {r4, r5}\n mov r4, #0\n mov r5, #0\n pop {r4, r5}\n add %0, r4, r5" : "=r"(r) : : "r4", "r5", "memory");
    CHECK("push/pop", r, 99);
    __asm__ volatile("ldr %0, =0x12345678" : "=r"(r)); CHECK("ldr literal", r, 0x12345678);
    __asm__ volatile("ldr.w %0, 1f\n b 2f\n .align 2\n1: .word 0xcafef00d\n2:" : "=r"(r)); CHECK("ldr.w literal", r, 0xcafef00d);
    __asm__ volatile("ldrd %0, %1, 1f\n b 2f\n .align 3\n1: .word 5, 6\n2:" : "=r"(lo), "=r"(hi)); CHECK("ldrd literal", lo * 10 + hi, 56);
    __asm__ volatile("adr %0, 1f\n ldr %0, [%0]\n b 2f\n .align 2\n1: .word 0x600df00d\n2:" : "=l"(r)); CHECK("adr", r, 0x600df00d);
}

static void exclusives(void) {
    static volatile uint32_t lock;
    uint32_t status, v;
    lock = 5;
    __asm__ volatile("ldrex %0, [%2]\n add %0, %0, #1\n strex %1, %0, [%2]" : "=&r"(v), "=&r"(status) : "r"(&lock) : "memory");
    CHECK("strex succeeds", status, 0); CHECK("strex stored", lock, 6);
    __asm__ volatile("ldrex %0, [%2]\n clrex\n strex %1, %0, [%2]" : "=&r"(v), "=&r"(status) : "r"(&lock) : "memory");
    CHECK("strex after clrex fails", status, 1);
    static volatile uint16_t h = 3;
    __asm__ volatile("ldrexh %0, [%2]\n add %0, %0, #4\n strexh %1, %0, [%2]" : "=&r"(v), "=&r"(status) : "r"(&h) : "memory");
    CHECK("strexh", status * 100 + h, 7);
    static volatile uint8_t b8 = 1;
    __asm__ volatile("ldrexb %0, [%2]\n add %0, %0, #1\n strexb %1, %0, [%2]" : "=&r"(v), "=&r"(status) : "r"(&b8) : "memory");
    CHECK("strexb", status * 100 + b8, 2);
}

__attribute__((noinline)) static int table_branch_byte(int i) {
    int r;
    __asm__ volatile("movs %0, #0\n tbb [pc, %1]\n1:\n .byte (2f-1b)/2, (3f-1b)/2, (4f-1b)/2, 0\n"
                     "2: adds %0, #10\n3: adds %0, #20\n4: adds %0, #30\n" : "=&l"(r) : "r"(i) : "cc");
    return r;
}
__attribute__((noinline)) static int table_branch_half(int i) {
    int r;
    __asm__ volatile("movs %0, #0\n tbh [pc, %1, lsl #1]\n1:\n .hword (2f-1b)/2, (3f-1b)/2\n"
                     "2: adds %0, #1\n3: adds %0, #2\n" : "=&l"(r) : "r"(i) : "cc");
    return r;
}

__attribute__((noinline)) static uint32_t add_one(uint32_t x) { return x + 1; }

static void branches(void) {
    CHECK("tbb 0", table_branch_byte(0), 60);
    CHECK("tbb 1", table_branch_byte(1), 50);
    CHECK("tbb 2", table_branch_byte(2), 30);
    CHECK("tbh 0", table_branch_half(0), 3);
    CHECK("tbh 1", table_branch_half(1), 2);
    uint32_t r;
    __asm__ volatile("movs %0, #0\n cbz %1, 1f\n movs %0, #1\n1:" : "=&l"(r) : "l"(0) : "cc"); CHECK("cbz taken", r, 0);
    __asm__ volatile("movs %0, #0\n cbnz %1, 1f\n movs %0, #1\n1:" : "=&l"(r) : "l"(0) : "cc"); CHECK("cbnz not taken", r, 1);
    uint32_t (*volatile fp)(uint32_t) = add_one;
    CHECK("blx register", fp(41), 42);
    __asm__ volatile("adr r0, 1f + 1\n bx r0\n movs %0, #5\n .align 2\n1: movs %0, #6" : "=l"(r) : : "r0", "cc"); CHECK("bx", r, 6);
    // A switch compiled to a jump table, and recursion through BL.
    volatile int sum = 0;
    for (int i = 0; i < 12; i++) {
        switch (i) {
        case 0: sum += 1; break; case 1: sum += 2; break; case 2: sum += 4; break; case 3: sum += 8; break;
        case 4: sum += 16; break; case 5: sum += 32; break; case 6: sum += 64; break; case 7: sum += 128; break;
        case 8: sum += 256; break; case 9: sum += 512; break; default: sum += 1024; break;
        }
    }
    CHECK("switch", sum, 1023 + 2048);
}

static void multiplies(void) {
    CHECK("mul", OP2("mul", 7, -6), (uint32_t)-42);
    CHECK("mla", OP3("mla", 3, 4, 5), 17);
    CHECK("mls", OP3("mls", 3, 4, 5), (uint32_t)-7);
    uint32_t lo, hi;
    __asm__ volatile("smull %0, %1, %2, %3" : "=&r"(lo), "=&r"(hi) : "r"(-3), "r"(0x40000000)); CHECK("smull lo", lo, 0x40000000); CHECK("smull hi", hi, 0xffffffff);
    __asm__ volatile("umull %0, %1, %2, %3" : "=&r"(lo), "=&r"(hi) : "r"(0xffffffff), "r"(0xffffffff)); CHECK("umull lo", lo, 1); CHECK("umull hi", hi, 0xfffffffe);
    lo = 0xffffffff; hi = 0;
    __asm__ volatile("umlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(2), "r"(1)); CHECK("umlal lo", lo, 1); CHECK("umlal hi", hi, 1);
    lo = 0; hi = 0;
    __asm__ volatile("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(-1), "r"(1)); CHECK("smlal", lo & hi, 0xffffffff);
    lo = 0xffffffff; hi = 0xffffffff;
    __asm__ volatile("umaal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(0xffffffff), "r"(0xffffffff)); CHECK("umaal lo", lo, 0xffffffff); CHECK("umaal hi", hi, 0xffffffff);
    CHECK("sdiv", OP2("sdiv", -7, 2), (uint32_t)-3);
    CHECK("sdiv overflow", OP2("sdiv", 0x80000000, -1), 0x80000000);
    CHECK("sdiv by zero", OP2("sdiv", 5, 0), 0);
    CHECK("udiv", OP2("udiv", 0xffffffff, 16), 0x0fffffff);
    CHECK("udiv by zero", OP2("udiv", 5, 0), 0);
}

static void bits(void) {
    uint32_t r = 0xffffffff;
    __asm__ volatile("bfc %0, #4, #8" : "+r"(r)); CHECK("bfc", r, 0xfffff00f);
    __asm__ volatile("bfi %0, %1, #8, #4" : "+r"(r) : "r"(0x5)); CHECK("bfi", r, 0xfffff50f);
    __asm__ volatile("ubfx %0, %1, #4, #8" : "=r"(r) : "r"(0x12345678)); CHECK("ubfx", r, 0x67);
    __asm__ volatile("sbfx %0, %1, #4, #8" : "=r"(r) : "r"(0x00000f80)); CHECK("sbfx", r, 0xfffffff8);
    __asm__ volatile("sbfx %0, %1, #0, #32" : "=r"(r) : "r"(0x80000001)); CHECK("sbfx 32", r, 0x80000001);
    CHECK("rev", OP1("rev", 0x12345678), 0x78563412);
    CHECK("rev16", OP1("rev16", 0x12345678), 0x34127856);
    CHECK("revsh", OP1("revsh", 0x12345680), 0xffff8056);
    CHECK("rbit", OP1("rbit", 0x00000001), 0x80000000);
    CHECK("clz", OP1("clz", 0x00010000), 15);
    CHECK("clz 0", OP1("clz", 0), 32);
    CHECK("sxtb ror", ({ uint32_t r_; __asm__("sxtb %0, %1, ror #8" : "=r"(r_) : "r"(0x1280)); r_; }), 0x12);
    CHECK("sxth ror", ({ uint32_t r_; __asm__("sxth %0, %1, ror #16" : "=r"(r_) : "r"(0x80000000)); r_; }), 0xffff8000);
    CHECK("uxtb", OP1("uxtb", 0x1234), 0x34);
    CHECK("uxth", OP1("uxth", 0x12345678), 0x5678);
    CHECK("sxtab", OP2("sxtab", 100, 0xff), 99);
    CHECK("uxtah", ({ uint32_t r_; __asm__("uxtah %0, %1, %2, ror #16" : "=r"(r_) : "r"(1), "r"(0xffff0000)); r_; }), 0x10000);
}

static void system_registers(void) {
    uint32_t r;
    __asm__ volatile("mrs %0, primask" : "=r"(r)); CHECK("primask reset", r, 0);
    __asm__ volatile("cpsid i\n mrs %0, primask\n cpsie i" : "=r"(r)); CHECK("cpsid i", r, 1);
    __asm__ volatile("mov %0, #0x40\n msr basepri, %0\n mrs %0, basepri" : "=r"(r)); CHECK("basepri", r, 0x40);
    __asm__ volatile("mov %0, #0x80\n msr basepri_max, %0\n mrs %0, basepri" : "=r"(r)); CHECK("basepri_max keeps higher", r, 0x40);
    __asm__ volatile("mov %0, #0\n msr basepri, %0\n mrs %0, basepri" : "=r"(r)); CHECK("basepri clear", r, 0);
    __asm__ volatile("cpsid f\n mrs %0, faultmask\n cpsie f" : "=r"(r)); CHECK("faultmask", r, 1);
    __asm__ volatile("mrs %0, control" : "=r"(r)); CHECK("control", r, 0);
    __asm__ volatile("mrs %0, ipsr" : "=r"(r)); CHECK("ipsr thread", r, 0);
    set_apsr(FLAG_N | FLAG_V | 0x000f0000);
    CHECK("msr/mrs apsr", apsr() & 0xf80f0000, FLAG_N | FLAG_V | 0x000f0000);
    set_apsr(0);
    __asm__ volatile("dsb\n dmb\n isb\n nop\n yield\n sev" ::: "memory");
    CHECK("barriers and hints", 1, 1);
    volatile uint32_t* cpuid = (uint32_t*)0xe000ed00;
    CHECK("cpuid architecture", (*cpuid >> 16) & 0xf, 0xf);
}

// A little sort and a string routine: compiler-generated Thumb-2 as it comes.
static int compare(const void* a, const void* b) { return *(const int*)a - *(const int*)b; }
static void library(void) {
    int v[32];
    for (int i = 0; i < 32; i++) v[i] = (i * 37) % 32 - 16;
    qsort(v, 32, sizeof *v, compare);
    int sorted = 1;
    for (int i = 1; i < 32; i++) sorted &= v[i - 1] <= v[i];
    CHECK("qsort", sorted, 1);
    char s[32];
    snprintf(s, sizeof s, "%d-%x-%s", -12, 0xbeef, "ok");
    CHECK("snprintf", strcmp(s, "-12-beef-ok"), 0);
    CHECK("strlen", strlen(s), 11);
    long long big = 1234567890123ll;
    CHECK("64-bit division", (uint32_t)(big / 1000), (uint32_t)1234567890ull);
}

int main(void) {
    data_processing();
    shifts();
    it_blocks();
    loads_stores();
    exclusives();
    branches();
    multiplies();
    bits();
    system_registers();
    library();
    return finish("isa");
}
