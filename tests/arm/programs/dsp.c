// The DSP extension: constant checks of each family (saturation and Q, GE and SEL, dual
// multiplies, long accumulates), then a sweep of every DSP instruction over 64 operand
// sets with corner values, each folded into one hash (result, Q and GE) that is checked
// against the value qemu-system-arm computes; and a CMSIS-NN style int8 matrix multiply
// (SXTB16 + SMLAD) against plain C.
#include <string.h>

#include "check.h"

static void constants(void) {
    uint32_t r;
    set_apsr(0);
    __asm__ volatile("ssat %0, #8, %1" : "=r"(r) : "r"(300)); CHECK("ssat 8 high", r, 127); CHECK("ssat sets Q", apsr() & FLAG_Q, FLAG_Q);
    set_apsr(0);
    __asm__ volatile("ssat %0, #8, %1" : "=r"(r) : "r"(-5)); CHECK("ssat 8 in range", r, (uint32_t)-5); CHECK("ssat keeps Q clear", apsr() & FLAG_Q, 0);
    __asm__ volatile("ssat %0, #16, %1, asr #4" : "=r"(r) : "r"(-0x100000)); CHECK("ssat asr", r, 0xffff8000);
    __asm__ volatile("usat %0, #8, %1" : "=r"(r) : "r"(-3)); CHECK("usat negative", r, 0);
    __asm__ volatile("usat %0, #8, %1, lsl #2" : "=r"(r) : "r"(70)); CHECK("usat lsl", r, 255);
    __asm__ volatile("ssat16 %0, #4, %1" : "=r"(r) : "r"(0x7fff8000)); CHECK("ssat16", r, 0x0007fff8);
    __asm__ volatile("usat16 %0, #4, %1" : "=r"(r) : "r"(0x0003fff0)); CHECK("usat16", r, 0x00030000);
    set_apsr(0);
    CHECK("qadd saturates", OP2("qadd", 0x7fffffff, 1), 0x7fffffff); CHECK("qadd Q", apsr() & FLAG_Q, FLAG_Q);
    CHECK("qsub", OP2("qsub", 0x80000000, 1), 0x80000000);  // Rd = Rm - Rn: operands in asm order
    CHECK("qdadd", OP2("qdadd", 1, 0x40000000), 0x7fffffff);
    CHECK("qdsub", OP2("qdsub", 0, 0x40000000), 0x80000001);
    set_apsr(0);
    CHECK("sadd8", OP2("sadd8", 0x7f80ff01, 0x01800101), 0x80000002);
    CHECK("sadd8 GE", (apsr() >> 16) & 0xf, 0xb);  // lane 2: -128 + -128 < 0
    CHECK("sel", OP2("sel", 0x11223344, 0xaabbccdd), 0x11bb3344);
    CHECK("usub16 ", OP2("usub16", 0x00050001, 0x00030002), 0x0002ffff);
    CHECK("usub16 GE", (apsr() >> 16) & 0xf, 0xc);
    CHECK("uadd8 GE carry", (OP2("uadd8", 0xff000001, 0x01000001), (apsr() >> 16) & 0xf), 0x8);
    CHECK("qadd16", OP2("qadd16", 0x7fff8000, 0x00017fff), 0x7fffffff);
    CHECK("uqsub8", OP2("uqsub8", 0x10203040, 0x20202020), 0x00001020);
    CHECK("shadd16", OP2("shadd16", 0x00030005, 0x00010003), 0x00020004);
    CHECK("uhsub8", OP2("uhsub8", 0x00000000, 0x00000001), 0x000000ff);
    CHECK("sasx", OP2("sasx", 0x00100020, 0x00010002), 0x0012001f);
    CHECK("ssax", OP2("ssax", 0x00100020, 0x00010002), 0x000e0021);
    CHECK("smlad", OP3("smlad", 0x00020003, 0x00040005, 10), 10 + 8 + 15);
    CHECK("smladx", OP3("smladx", 0x00020003, 0x00040005, 0), 10 + 12);
    CHECK("smlsd", OP3("smlsd", 0x00020003, 0x00040005, 0), 15 - 8);
    set_apsr(0);
    CHECK("smlad overflow wraps", OP3("smlad", 0x80008000, 0x80008000, 0), 0x80000000);
    CHECK("smlad overflow Q", apsr() & FLAG_Q, FLAG_Q);
    CHECK("smuad", OP2("smuad", 0xffff0002, 0x00030004), (uint32_t)(8 - 3));
    CHECK("smusdx", OP2("smusdx", 0x00020003, 0x00040005), (uint32_t)(3 * 4 - 2 * 5));
    CHECK("smulbt", OP2("smulbt", 0x0000fffe, 0x00070000), (uint32_t)-14);
    CHECK("smultb", OP2("smultb", 0xfffe0000, 0x00000007), (uint32_t)-14);
    CHECK("smlatt", OP3("smlatt", 0x00030000, 0x00040000, 1), 13);
    CHECK("smulwb", OP2("smulwb", 0x00010000, 0x00000003), 3);
    CHECK("smlawt", OP3("smlawt", 0x00020000, 0x00050000, 1), 11);
    CHECK("smmul", OP2("smmul", 0x40000000, 0x00000004), 1);
    CHECK("smmulr", OP2("smmulr", 0x40000000, 0x00000003), 1);
    CHECK("smmla", OP3("smmla", 0x40000000, 0x00000004, 10), 11);
    CHECK("smmls", OP3("smmls", 0x40000000, 0x00000004, 10), 9);
    CHECK("usad8", OP2("usad8", 0x01020304, 0x04030201), 3 + 1 + 1 + 3);
    CHECK("usada8", OP3("usada8", 0x01020304, 0x04030201, 100), 108);
    CHECK("sxtb16", OP1("sxtb16", 0x80ff7f01), 0xffff0001);
    CHECK("uxtb16", OP1("uxtb16", 0x80ff7f01), 0x00ff0001);
    CHECK("sxtab16", OP2("sxtab16", 0x00010001, 0x00ff00ff), 0x00000000);
    CHECK("pkhbt", ({ uint32_t r_; __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r_) : "r"(0x1111aaaa), "r"(0x0000bbbb)); r_; }), 0xbbbbaaaa);
    CHECK("pkhtb", ({ uint32_t r_; __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r_) : "r"(0xaaaa1111), "r"(0xbbbb0000)); r_; }), 0xaaaabbbb);
    uint32_t lo = 1, hi = 0;
    __asm__ volatile("smlald %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(0x7fff7fff), "r"(0x7fff7fff));
    CHECK("smlald lo", lo, 0x7ffe0003); CHECK("smlald hi", hi, 0);
    lo = 0; hi = 0;
    __asm__ volatile("smlsld %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(0x00010000), "r"(0x00050000));
    CHECK("smlsld", lo & hi, 0xfffffffb);
    lo = 0; hi = 0;
    __asm__ volatile("smlaltb %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(0xffff0000), "r"(0x00000003));
    CHECK("smlaltb", lo & hi, 0xfffffffd);
}

// ---- Sweeps: each instruction over the same operand sets ---------------------------------
struct expected_hash { const char* name; uint32_t hash; };
#include "dsp_expected.h"

static uint32_t hashes[128];
static int hash_count;

static void report(const char* name, uint32_t h) {
    printf("%-10s %08lx\n", name, (unsigned long)h);
    if (hash_count < (int)(sizeof expected / sizeof *expected) && strcmp(expected[hash_count].name, name) == 0)
        check(name, h, expected[hash_count].hash);
    else
        check("sweep table out of step", 0, 1);
    hashes[hash_count++] = h;
}

#define STATUS() (apsr() & 0xf80f0000u)
#define SWEEP(name, body)                                                            \
    do {                                                                             \
        uint32_t h = 0;                                                              \
        sweep_state = 0x9e3779b9u;                                                   \
        for (int i = 0; i < 64; i++) {                                               \
            const uint32_t a = next_operand(), b = next_operand(), c = next_operand(); \
            (void)b; (void)c;                                                        \
            set_apsr(c & 0x000f0000u);  /* random GE bits (for SEL), Q and NZCV clear */ \
            uint32_t r = body;                                                       \
            h = mix(mix(h, r), STATUS());                                            \
        }                                                                            \
        report(name, h);                                                             \
    } while (0)
#define S2(insn) SWEEP(insn, OP2(insn, a, b))
#define S3(insn) SWEEP(insn, OP3(insn, a, b, c))
#define S1(insn) SWEEP(insn, OP1(insn, a))
#define SL(insn)                                                                               \
    SWEEP(insn, ({ uint32_t lo_ = c, hi_ = a ^ b; __asm__ volatile(insn " %0, %1, %2, %3"       \
                     : "+r"(lo_), "+r"(hi_) : "r"(a), "r"(b) : "cc"); lo_ ^ (hi_ * 3); }))
#define SI(label, text) SWEEP(label, ({ uint32_t r_; __asm__ volatile(text : "=r"(r_) : "r"(a), "r"(b) : "cc"); r_; }))

static void sweeps(void) {
    S2("sadd8"); S2("qadd8"); S2("shadd8"); S2("uadd8"); S2("uqadd8"); S2("uhadd8");
    S2("sadd16"); S2("qadd16"); S2("shadd16"); S2("uadd16"); S2("uqadd16"); S2("uhadd16");
    S2("sasx"); S2("qasx"); S2("shasx"); S2("uasx"); S2("uqasx"); S2("uhasx");
    S2("ssub8"); S2("qsub8"); S2("shsub8"); S2("usub8"); S2("uqsub8"); S2("uhsub8");
    S2("ssub16"); S2("qsub16"); S2("shsub16"); S2("usub16"); S2("uqsub16"); S2("uhsub16");
    S2("ssax"); S2("qsax"); S2("shsax"); S2("usax"); S2("uqsax"); S2("uhsax");
    S2("sel"); S2("qadd"); S2("qsub"); S2("qdadd"); S2("qdsub");
    S2("smuad"); S2("smuadx"); S2("smusd"); S2("smusdx");
    S2("smulbb"); S2("smulbt"); S2("smultb"); S2("smultt"); S2("smulwb"); S2("smulwt");
    S2("smmul"); S2("smmulr"); S2("usad8"); S2("sxtab16"); S2("uxtab16"); S2("sxtab"); S2("sxtah"); S2("uxtab"); S2("uxtah");
    S1("sxtb16"); S1("uxtb16"); S1("rbit"); S1("rev"); S1("rev16"); S1("revsh"); S1("clz");
    S2("mul"); S2("sdiv"); S2("udiv");
    S3("smlad"); S3("smladx"); S3("smlsd"); S3("smlsdx");
    S3("smlabb"); S3("smlabt"); S3("smlatb"); S3("smlatt"); S3("smlawb"); S3("smlawt");
    S3("smmla"); S3("smmlar"); S3("smmls"); S3("smmlsr"); S3("usada8"); S3("mla"); S3("mls");
    SL("smlald"); SL("smlaldx"); SL("smlsld"); SL("smlsldx");
    SL("smlalbb"); SL("smlalbt"); SL("smlaltb"); SL("smlaltt");
    SL("smlal"); SL("umlal"); SL("umaal"); SL("smull"); SL("umull");
    SI("ssat#1", "ssat %0, #1, %1"); SI("ssat#8lsl", "ssat %0, #8, %1, lsl #3"); SI("ssat#16asr", "ssat %0, #16, %1, asr #7");
    SI("ssat#32", "ssat %0, #32, %1, asr #1"); SI("usat#0", "usat %0, #0, %1"); SI("usat#8", "usat %0, #8, %1, asr #20");
    SI("usat#31", "usat %0, #31, %1"); SI("ssat16#8", "ssat16 %0, #8, %1"); SI("usat16#5", "usat16 %0, #5, %1");
    SI("sxtb16ror", "sxtb16 %0, %1, ror #8"); SI("uxtab16ror", "uxtab16 %0, %1, %2, ror #24");
    SI("pkhbt", "pkhbt %0, %1, %2, lsl #5"); SI("pkhtb", "pkhtb %0, %1, %2, asr #11");
    SI("adcs", "adcs %0, %1, %2"); SI("sbcs", "sbcs %0, %1, %2"); SI("rsbs", "rsbs %0, %1, %2, ror #3");
    SI("bics", "bics %0, %1, %2, lsr #9"); SI("orns", "orns %0, %1, %2, rrx"); SI("movs", "movs %0, %1, asr #31");
}

// ---- int8 matrix multiply, CMSIS-NN style ------------------------------------------------
#define M 8
#define K 64
#define N 8
static int8_t A[M][K], B[N][K];  // B is stored transposed: rows are output columns

static inline uint32_t sxtb16(uint32_t x) { uint32_t r; __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(x)); return r; }
static inline uint32_t sxtb16_ror8(uint32_t x) { uint32_t r; __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x)); return r; }
static inline int32_t smlad(uint32_t a, uint32_t b, int32_t acc) { int32_t r; __asm__("smlad %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc)); return r; }

static void matmul(void) {
    for (int i = 0; i < M; i++) for (int k = 0; k < K; k++) A[i][k] = (int8_t)((i * 31 + k * 17) % 251 - 125);
    for (int j = 0; j < N; j++) for (int k = 0; k < K; k++) B[j][k] = (int8_t)((j * 13 + k * 7) % 253 - 126);
    int failures = 0;
    uint32_t h = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            int32_t acc = 0, ref = 0;
            for (int k = 0; k < K; k += 4) {
                uint32_t a, b;
                memcpy(&a, &A[i][k], 4);
                memcpy(&b, &B[j][k], 4);
                acc = smlad(sxtb16(a), sxtb16(b), acc);
                acc = smlad(sxtb16_ror8(a), sxtb16_ror8(b), acc);
            }
            for (int k = 0; k < K; k++) ref += A[i][k] * B[j][k];
            failures += acc != ref;
            h = mix(h, (uint32_t)acc);
        }
    CHECK("int8 matmul with sxtb16/smlad", failures, 0);
    printf("matmul     %08lx\n", (unsigned long)h);
}

int main(void) {
    constants();
    sweeps();
    matmul();
    return finish("dsp");
}
