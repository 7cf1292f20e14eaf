/*
 * Traps and fences: ecall, ebreak, illegal instructions, load/store access
 * faults (unmapped address, store to read-only flash) reach the handler at
 * mtvec with the right mcause/mepc/mtval, and mret resumes at mepc.
 * fence and fence.i execute; fence.i makes rewritten code visible.
 */
#include "check.h"
#include "vitsim/runtime.h"

/* An address no profile maps (see the JSON files in soc/profiles). */
#define UNMAPPED_ADDRESS 0x60000000u

static volatile uint32_t trap_count, trap_cause, trap_epc, trap_tval;

static void record_and_skip(vs_trap_frame* frame) {
    trap_count++;
    trap_cause = frame->mcause;
    trap_epc = frame->mepc;
    trap_tval = frame->mtval;
    vs_trap_skip(frame);
}

static void reset_record(void) {
    trap_count = 0;
    trap_cause = trap_epc = trap_tval = 0xffffffffu;
}

/* Runs `insn` (an asm string, may use t0) at a known address; returns that
 * address. Operands of the instruction start at %1. */
#define RUN_AT_LABEL(insn, ...)                                                         \
    ({                                                                                  \
        uint32_t at_;                                                                   \
        __asm__ volatile(NORVC("lui %0, %%hi(1f)\n\taddi %0, %0, %%lo(1f)\n1:\t" insn)   \
                         : "=&r"(at_) : __VA_ARGS__ : "t0", "memory");                  \
        at_;                                                                            \
    })

static void test_ecall_ebreak(void) {
    check_begin("ecall: mcause 11, mepc at the ecall, mtval 0");
    reset_record();
    /* a7 = 0 is no proxy call (93 exit, 64 write): it must reach the handler */
    register uint32_t a7 __asm__("a7") = 0;
    uint32_t at = RUN_AT_LABEL("ecall", "r"(a7));
    CHECK_EQ(trap_count, 1);
    CHECK_EQ(trap_cause, VS_CAUSE_ECALL_M);
    CHECK_EQ(trap_epc, at);
    CHECK_EQ(trap_tval, 0);

    check_begin("ebreak: mcause 3, mepc at the ebreak, mtval 0 or the pc");
    reset_record();
    at = RUN_AT_LABEL("ebreak", "r"(0));
    CHECK_EQ(trap_count, 1);
    CHECK_EQ(trap_cause, VS_CAUSE_BREAKPOINT);
    CHECK_EQ(trap_epc, at);
    CHECK_TRUE(trap_tval == 0 || trap_tval == at);
}

#define CHECK_ILLEGAL(insn_text, insn_word)                                   \
    do {                                                                     \
        reset_record();                                                      \
        uint32_t at_ = RUN_AT_LABEL(insn_text, "r"(0));                      \
        CHECK_EQ(trap_count, 1);                                             \
        CHECK_EQ(trap_cause, VS_CAUSE_ILLEGAL_INSN);                         \
        CHECK_EQ(trap_epc, at_);                                             \
        CHECK_EQ(trap_tval, insn_word);                                      \
    } while (0)

static void test_illegal(void) {
    check_begin("illegal: OP-V major opcode (mtval = instruction)");
    CHECK_ILLEGAL(".word 0x00000057", 0x00000057u);
    check_begin("illegal: reserved funct7 in OP (sll with bit 30)");
    CHECK_ILLEGAL(".word 0x40001033", 0x40001033u);
    check_begin("illegal: floating-point load (no F extension)");
    CHECK_ILLEGAL(".word 0x00002007", 0x00002007u);
    check_begin("illegal: all-zero 16-bit instruction");
    CHECK_ILLEGAL(".half 0x0000\n\t.half 0x0001", 0x0000u); /* 2nd half: c.nop */
    check_begin("illegal: write to read-only CSR mhartid");
    CHECK_ILLEGAL("csrw mhartid, zero", 0xf1401073u);
    check_begin("illegal: unknown CSR (pmpcfg0)");
    CHECK_ILLEGAL("csrr t0, 0x3a0", 0x3a0022f3u);
}

static void test_access_faults(void) {
    uint32_t value = 0x5a5a5a5au;
    check_begin("load from unmapped address: mcause 5, mtval = address");
    reset_record();
    uint32_t at = RUN_AT_LABEL("lw t0, 0(%1)", "r"(UNMAPPED_ADDRESS));
    CHECK_EQ(trap_count, 1);
    CHECK_EQ(trap_cause, VS_CAUSE_LOAD_ACCESS_FAULT);
    CHECK_EQ(trap_epc, at);
    CHECK_EQ(trap_tval, UNMAPPED_ADDRESS);

    check_begin("store to unmapped address: mcause 7, mtval = address");
    reset_record();
    at = RUN_AT_LABEL("sw %1, 8(%2)", "r"(value), "r"(UNMAPPED_ADDRESS));
    CHECK_EQ(trap_count, 1);
    CHECK_EQ(trap_cause, VS_CAUSE_STORE_ACCESS_FAULT);
    CHECK_EQ(trap_epc, at);
    CHECK_EQ(trap_tval, UNMAPPED_ADDRESS + 8);

#if !VITSIM_CODE_MEMORY_WRITABLE
    check_begin("store to read-only code memory: mcause 7");
    /* not volatile itself: GCC would place a const volatile in writable .sdata */
    static const uint32_t in_code_memory = 0x13579bdfu;
    reset_record();
    at = RUN_AT_LABEL("sb %1, 1(%2)", "r"(value), "r"(&in_code_memory));
    CHECK_EQ(trap_count, 1);
    CHECK_EQ(trap_cause, VS_CAUSE_STORE_ACCESS_FAULT);
    CHECK_EQ(trap_epc, at);
    CHECK_EQ(trap_tval, (uint32_t)&in_code_memory + 1);
    CHECK_EQ(*(const volatile uint32_t*)&in_code_memory, 0x13579bdfu);
#endif
}

/* The handler may send execution elsewhere: mret goes to the new mepc. */
static volatile uint32_t redirect_target;
static void redirect(vs_trap_frame* frame) {
    trap_count++;
    frame->mepc = redirect_target;
    frame->regs[10] = 0x600d; /* a0 */
}

static void test_mret_target(void) {
    check_begin("mret resumes at the mepc the handler chose, with its registers");
    uint32_t result;
    __asm__ volatile(NORVC("lui t0, %%hi(1f)\n\taddi t0, t0, %%lo(1f)\n\tsw t0, 0(%1)\n\t"
                           "li a0, 0\n\tebreak\n\tli a0, 0xbad\n1:\tmv %0, a0")
                     : "=r"(result) : "r"(&redirect_target) : "t0", "a0", "memory");
    CHECK_EQ(result, 0x600d);
}

static void test_mstatus_on_trap(void) {
    check_begin("mstatus: MPP = M after a trap from M-mode");
    reset_record();
    register uint32_t a7 __asm__("a7") = 0;
    __asm__ volatile("ecall" : : "r"(a7) : "memory");
    CHECK_EQ(trap_count, 1);
    uint32_t mstatus;
    __asm__ volatile("csrr %0, mstatus" : "=r"(mstatus));
    CHECK_EQ((mstatus >> 11) & 3, 3);
}

/* Code written into the data memory at run time: "li a0, N; ret". */
static uint32_t code_buffer[2] __attribute__((aligned(4)));

static uint32_t run_generated(uint32_t n) {
    code_buffer[0] = 0x00000513u | (n << 20); /* addi a0, x0, n */
    code_buffer[1] = 0x00008067u;             /* jalr x0, 0(ra) */
    __asm__ volatile("fence.i" ::: "memory");
    uint32_t (*fn)(void) = (uint32_t (*)(void))(uintptr_t)code_buffer;
    return fn();
}

static void test_fences(void) {
    check_begin("fence variants execute");
    volatile uint32_t x = 1;
    __asm__ volatile("fence" ::: "memory");
    __asm__ volatile("fence rw, rw" ::: "memory");
    __asm__ volatile("fence iorw, iorw" ::: "memory");
    __asm__ volatile("fence r, w" ::: "memory");
    x += 1;
    CHECK_EQ(x, 2);

    check_begin("fence.i makes rewritten code visible");
    CHECK_EQ(run_generated(1), 1);
    CHECK_EQ(run_generated(2), 2);
    CHECK_EQ(run_generated(1234), 1234);
}

int main(void) {
    vs_trap_install(record_and_skip);
    test_ecall_ebreak();
    test_illegal();
    test_access_faults();
    vs_trap_install(redirect);
    test_mret_target();
    vs_trap_install(record_and_skip);
    test_mstatus_on_trap();
    vs_trap_uninstall();
    test_fences();
    return check_finish("isa_trap");
}
