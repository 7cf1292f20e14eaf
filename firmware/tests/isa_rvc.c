/*
 * RV32C: every compressed instruction form, executed from rvc_cases.S where
 * each one is written as an explicit 16-bit c.* mnemonic.
 */
#include "check.h"
#include "vitsim/runtime.h"

uint32_t rvc_addi4spn_16(void), rvc_addi4spn_1020(void);
uint32_t rvc_lw_4(const uint32_t*), rvc_lw_124(const uint32_t*);
void rvc_sw_8(uint32_t*, uint32_t), rvc_sw_124(uint32_t*, uint32_t);
uint32_t rvc_nop(uint32_t), rvc_addi_m32(uint32_t), rvc_addi_31(uint32_t);
uint32_t rvc_jal(void);
uint32_t rvc_li_m32(void), rvc_li_31(void), rvc_li_x15(void);
uint32_t rvc_addi16sp_m512(void), rvc_addi16sp_496(void);
uint32_t rvc_lui_1(void), rvc_lui_31(void), rvc_lui_m1(void), rvc_lui_m32(void);
uint32_t rvc_srli_1(uint32_t), rvc_srli_31(uint32_t), rvc_srai_1(uint32_t), rvc_srai_31(uint32_t);
uint32_t rvc_andi_m1(uint32_t), rvc_andi_m32(uint32_t), rvc_andi_31(uint32_t);
uint32_t rvc_slli_1(uint32_t), rvc_slli_31(uint32_t), rvc_slli_x16(uint32_t);
uint32_t rvc_sub(uint32_t, uint32_t), rvc_xor(uint32_t, uint32_t), rvc_or(uint32_t, uint32_t);
uint32_t rvc_and(uint32_t, uint32_t), rvc_add(uint32_t, uint32_t), rvc_mv(uint32_t, uint32_t);
uint32_t rvc_j(void), rvc_beqz(uint32_t), rvc_bnez(uint32_t), rvc_bnez_loop(uint32_t);
uint32_t rvc_swsp_lwsp_252(uint32_t), rvc_swsp_addr(uint32_t), rvc_lwsp_addr(uint32_t);
uint32_t rvc_jr(uint32_t (*)(void)), rvc_ret7(void);
uint32_t rvc_jalr(uint32_t (*)(void)), rvc_return_link(void);
uint32_t rvc_ebreak(void), rvc_mixed_widths(uint32_t, uint32_t);
extern char rvc_jal_after[], rvc_jalr_after[], rvc_ebreak_pc[];

static const uint32_t kValues[] = {0x00000000u, 0x00000001u, 0xffffffffu,
                                   0x7fffffffu, 0x80000000u, 0x12345678u};
#define FOR_EACH_VALUE(v) for (unsigned i_ = 0, v; i_ < COUNT(kValues) && (v = kValues[i_], 1); i_++)

static void test_stack_and_memory(void) {
    check_begin("c.addi4spn");
    CHECK_EQ(rvc_addi4spn_16(), 16);
    CHECK_EQ(rvc_addi4spn_1020(), 1020);

    static uint32_t words[32];
    for (unsigned i = 0; i < 32; i++) words[i] = 0x01010101u * i;
    words[1] = 0x8000fffeu;
    check_begin("c.lw");
    CHECK_EQ(rvc_lw_4(words), 0x8000fffeu);
    CHECK_EQ(rvc_lw_124(words), 0x1f1f1f1fu);
    check_begin("c.sw");
    rvc_sw_8(words, 0xcafef00du);
    CHECK_EQ(words[2], 0xcafef00du);
    CHECK_EQ(words[3], 0x03030303u);
    rvc_sw_124(words, 0x89abcdefu);
    CHECK_EQ(words[31], 0x89abcdefu);
    CHECK_EQ(words[30], 0x1e1e1e1eu);

    check_begin("c.addi16sp");
    CHECK_EQ(rvc_addi16sp_m512(), (uint32_t)-512);
    CHECK_EQ(rvc_addi16sp_496(), 496);

    check_begin("c.swsp / c.lwsp");
    CHECK_EQ(rvc_swsp_lwsp_252(0x87654321u), 0x87654321u);
    CHECK_EQ(rvc_swsp_addr(0x0badf00du), 0x0badf00du);
    CHECK_EQ(rvc_lwsp_addr(0xfeedbeefu), 0xfeedbeefu);
}

static void test_immediates(void) {
    check_begin("c.nop");
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_nop(v), v);
    check_begin("c.addi");
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_addi_m32(v), v - 32);
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_addi_31(v), v + 31);
    check_begin("c.li");
    CHECK_EQ(rvc_li_m32(), 0xffffffe0u);
    CHECK_EQ(rvc_li_31(), 31);
    CHECK_EQ(rvc_li_x15(), 0xffffffffu);
    check_begin("c.lui");
    CHECK_EQ(rvc_lui_1(), 0x00001000u);
    CHECK_EQ(rvc_lui_31(), 0x0001f000u);
    CHECK_EQ(rvc_lui_m1(), 0xfffff000u);
    CHECK_EQ(rvc_lui_m32(), 0xfffe0000u);
    check_begin("c.srli");
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_srli_1(v), v >> 1);
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_srli_31(v), v >> 31);
    check_begin("c.srai");
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_srai_1(v), (v >> 1) | (v & 0x80000000u));
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_srai_31(v), (v & 0x80000000u) ? 0xffffffffu : 0);
    check_begin("c.andi");
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_andi_m1(v), v);
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_andi_m32(v), v & 0xffffffe0u);
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_andi_31(v), v & 31u);
    check_begin("c.slli");
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_slli_1(v), v << 1);
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_slli_31(v), v << 31);
    FOR_EACH_VALUE(v) CHECK_EQ(rvc_slli_x16(v), v << 4);
}

static void test_register_ops(void) {
    check_begin("c.sub");
    FOR_EACH_VALUE(a) FOR_EACH_VALUE(b) check_op(__LINE__, "c.sub", a, b, rvc_sub(a, b), a - b);
    check_begin("c.xor");
    FOR_EACH_VALUE(a) FOR_EACH_VALUE(b) check_op(__LINE__, "c.xor", a, b, rvc_xor(a, b), a ^ b);
    check_begin("c.or");
    FOR_EACH_VALUE(a) FOR_EACH_VALUE(b) check_op(__LINE__, "c.or", a, b, rvc_or(a, b), a | b);
    check_begin("c.and");
    FOR_EACH_VALUE(a) FOR_EACH_VALUE(b) check_op(__LINE__, "c.and", a, b, rvc_and(a, b), a & b);
    check_begin("c.add");
    FOR_EACH_VALUE(a) FOR_EACH_VALUE(b) check_op(__LINE__, "c.add", a, b, rvc_add(a, b), a + b);
    check_begin("c.mv");
    FOR_EACH_VALUE(a) FOR_EACH_VALUE(b) check_op(__LINE__, "c.mv", a, b, rvc_mv(a, b), b);
}

static void test_control(void) {
    check_begin("c.j");
    CHECK_EQ(rvc_j(), 2);
    check_begin("c.beqz");
    CHECK_EQ(rvc_beqz(0), 1);
    CHECK_EQ(rvc_beqz(1), 0);
    CHECK_EQ(rvc_beqz(0x80000000u), 0);
    check_begin("c.bnez");
    CHECK_EQ(rvc_bnez(0), 0);
    CHECK_EQ(rvc_bnez(1), 1);
    CHECK_EQ(rvc_bnez(0x80000000u), 1);
    CHECK_EQ(rvc_bnez_loop(5), 5);
    check_begin("c.jal links pc+2");
    CHECK_EQ(rvc_jal(), (uint32_t)rvc_jal_after);
    check_begin("c.jr");
    CHECK_EQ(rvc_jr(rvc_ret7), 7);
    check_begin("c.jalr links pc+2");
    CHECK_EQ(rvc_jalr(rvc_return_link), (uint32_t)rvc_jalr_after);
    check_begin("32-bit instruction at pc 2 mod 4");
    CHECK_EQ(rvc_mixed_widths(40, 2), 42);
}

static volatile uint32_t ebreak_cause, ebreak_epc, ebreak_count;
static void on_ebreak(vs_trap_frame* frame) {
    ebreak_cause = frame->mcause;
    ebreak_epc = frame->mepc;
    ebreak_count++;
    vs_trap_skip(frame);
}

static void test_ebreak(void) {
    check_begin("c.ebreak traps with mcause 3, mepc at the c.ebreak, resumes 2 bytes on");
    vs_trap_install(on_ebreak);
    CHECK_EQ(rvc_ebreak(), 2);
    vs_trap_uninstall();
    CHECK_EQ(ebreak_count, 1);
    CHECK_EQ(ebreak_cause, VS_CAUSE_BREAKPOINT);
    CHECK_EQ(ebreak_epc, (uint32_t)rvc_ebreak_pc);
}

int main(void) {
    test_stack_and_memory();
    test_immediates();
    test_register_ops();
    test_control();
    test_ebreak();
    return check_finish("isa_rvc");
}
