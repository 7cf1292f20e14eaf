// The M-profile exception model: a vector table of our own (VTOR), SVC with 8-word
// stacking and EXC_RETURN (MSP and PSP, with and without the alignment word), PendSV
// and priorities (tail-chaining, PRIMASK, BASEPRI), SysTick counting, UsageFault
// (UNDEFINSTR, DIVBYZERO, NOCP), BusFault with BFAR, MemManage on an execute-never
// address, and escalation to HardFault (HFSR.FORCED) when a fault is disabled.
#include <string.h>

#include "check.h"

#define REG(addr) (*(volatile uint32_t*)(addr))
#define SCB_ICSR REG(0xe000ed04)
#define SCB_VTOR REG(0xe000ed08)
#define SCB_CCR REG(0xe000ed14)
#define SCB_SHPR2 REG(0xe000ed1c)
#define SCB_SHPR3 REG(0xe000ed20)
#define SCB_SHCSR REG(0xe000ed24)
#define SCB_CFSR REG(0xe000ed28)
#define SCB_HFSR REG(0xe000ed2c)
#define SCB_BFAR REG(0xe000ed38)
#define SYST_CSR REG(0xe000e010)
#define SYST_RVR REG(0xe000e014)
#define SYST_CVR REG(0xe000e018)

// What the handlers saw.
static volatile uint32_t svc_number, svc_exc_return, svc_ipsr, svc_stacked_xpsr, svc_calls;
static volatile uint32_t fault_cfsr, fault_hfsr, fault_bfar, fault_kind, fault_count;
static volatile uint32_t pendsv_count, systick_count, order[8], order_len;
static volatile uint32_t nested_svc, irq_count, irq_ipsr;

// The handlers get the exception frame and EXC_RETURN from a small assembly entry.
#define HANDLER(name)                                                                          \
    void name##_c(uint32_t* frame, uint32_t exc_return);                                     \
    __attribute__((naked)) static void name(void) {                                          \
        __asm__ volatile("tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n mov r1, lr\n" \
                         "push {r1, lr}\n bl " #name "_c\n pop {r1, pc}");                   \
    }

HANDLER(svc_handler)
void svc_handler_c(uint32_t* frame, uint32_t exc_return) {
    const uint16_t* pc = (const uint16_t*)frame[6];
    svc_number = pc[-1] & 0xff;
    svc_exc_return = exc_return;
    svc_stacked_xpsr = frame[7];
    __asm__ volatile("mrs %0, ipsr" : "=r"(svc_ipsr));
    frame[0] += 100;  // the caller's r0: the "return value"
    svc_calls++;
    order[order_len++] = 11;
    if (svc_number == 2) SCB_ICSR = 1u << 28;  // pend PendSV (lower priority): runs after us
    order[order_len++] = 110;
}

// Faults skip the faulting instruction (16 or 32 bits), or return to the caller when the
// fault was on the instruction fetch (the stacked PC is not executable).
static void record_fault(uint32_t* frame, uint32_t kind) {
    fault_cfsr = SCB_CFSR;
    fault_hfsr = SCB_HFSR;
    fault_bfar = SCB_BFAR;
    fault_kind = kind;
    fault_count++;
    SCB_CFSR = fault_cfsr;  // write one to clear
    SCB_HFSR = fault_hfsr;
    const uint32_t pc = frame[6];
    if (pc >= 0xe0000000u) {
        frame[6] = frame[5] & ~1u;  // back to the caller (LR)
        return;
    }
    const uint16_t hw = *(const uint16_t*)pc;
    frame[6] = pc + ((hw >> 11) >= 0x1d ? 4 : 2);
}
HANDLER(usage_handler)
void usage_handler_c(uint32_t* frame, uint32_t exc_return) { (void)exc_return; record_fault(frame, 6); }
HANDLER(bus_handler)
void bus_handler_c(uint32_t* frame, uint32_t exc_return) { (void)exc_return; record_fault(frame, 5); }
HANDLER(mem_handler)
void mem_handler_c(uint32_t* frame, uint32_t exc_return) { (void)exc_return; record_fault(frame, 4); }
HANDLER(hard_handler)
void hard_handler_c(uint32_t* frame, uint32_t exc_return) { (void)exc_return; record_fault(frame, 3); }

static void pendsv_handler(void) {
    pendsv_count++;
    order[order_len++] = 14;
    if (nested_svc) {  // SVC (priority 0x80) preempts PendSV (0xf0): a nested exception
        register uint32_t r0 __asm__("r0") = 1;
        __asm__ volatile("svc #6" : "+r"(r0) : : "memory");
        nested_svc = r0;
    }
}
static void irq3_handler(void) {
    irq_count++;
    __asm__ volatile("mrs %0, ipsr" : "=r"(irq_ipsr));
}
static void systick_handler(void) { systick_count++; }
static void default_handler(void) {
    printf("FAIL unexpected exception\n");
    for (;;) {}
}

static void (*vectors[64])(void) __attribute__((aligned(256)));

static void install_vectors(void) {
    for (int i = 0; i < 64; i++) vectors[i] = default_handler;
    const uint32_t* boot = (const uint32_t*)SCB_VTOR;
    vectors[0] = (void (*)(void))boot[0];
    vectors[1] = (void (*)(void))boot[1];
    vectors[3] = hard_handler;
    vectors[4] = mem_handler;
    vectors[5] = bus_handler;
    vectors[6] = usage_handler;
    vectors[11] = svc_handler;
    vectors[14] = pendsv_handler;
    vectors[15] = systick_handler;
    vectors[16 + 3] = irq3_handler;
    SCB_VTOR = (uint32_t)vectors;
    __asm__ volatile("dsb\n isb" ::: "memory");
    CHECK("vtor", SCB_VTOR, (uint32_t)vectors);
}

static uint32_t svc(void) {  // svc #1 with r0 = 5: the handler adds 100
    register uint32_t r0 __asm__("r0") = 5;
    __asm__ volatile("svc #1" : "+r"(r0) : : "memory");
    return r0;
}

static void supervisor_calls(void) {
    SCB_SHPR2 = 0x80u << 24;  // SVCall priority 0x80
    SCB_SHPR3 = 0xf0u << 16;  // PendSV priority 0xf0 (lowest), SysTick 0
    CHECK("svc returns r0 + 100", svc(), 105);
    CHECK("svc number", svc_number, 1);
    CHECK("svc ipsr", svc_ipsr, 11);
    CHECK("exc_return thread msp", svc_exc_return, 0xfffffff9);
    // With SP 4 bytes off 8-byte alignment, the frame is realigned and xPSR bit 9 says so.
    uint32_t sp_before, sp_after;
    __asm__ volatile("mov %0, sp\n sub sp, #4\n movs r0, #0\n svc #3\n add sp, #4\n mov %1, sp"
                     : "=&r"(sp_before), "=&r"(sp_after) : : "r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    CHECK("stack realigned: xpsr bit 9", (svc_stacked_xpsr >> 9) & 1, 1);
    CHECK("sp restored after realigned frame", sp_after, sp_before);
    __asm__ volatile("movs r0, #0\n svc #3" : : : "r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    CHECK("aligned frame: xpsr bit 9 clear", (svc_stacked_xpsr >> 9) & 1, 0);
    // Thread mode on the process stack.
    static uint32_t process_stack[256] __attribute__((aligned(8)));
    uint32_t r;
    __asm__ volatile("msr psp, %1\n mrs r1, control\n orr r1, r1, #2\n msr control, r1\n isb\n"
                     "movs r0, #7\n svc #4\n mov %0, r0\n"
                     "mrs r1, control\n bic r1, r1, #2\n msr control, r1\n isb"
                     : "=r"(r) : "r"(&process_stack[256]) : "r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    CHECK("svc on psp: r0 + 100", r, 107);
    CHECK("exc_return thread psp", svc_exc_return, 0xfffffffd);
    uint32_t psp;
    __asm__ volatile("mrs %0, psp" : "=r"(psp));
    CHECK("psp restored", psp, (uint32_t)&process_stack[256]);
}

static void priorities(void) {
    // SVC (0x80) pends PendSV (0xf0): PendSV waits for the SVC handler to return.
    order_len = 0;
    register uint32_t r0 __asm__("r0") = 0;
    __asm__ volatile("svc #2" : "+r"(r0) : : "memory");
    CHECK("order: svc", order[0], 11);
    CHECK("order: svc finished", order[1], 110);
    CHECK("order: then pendsv", order[2], 14);
    CHECK("pendsv ran once", pendsv_count, 1);
    // PRIMASK holds PendSV off; clearing it lets it in.
    __asm__ volatile("cpsid i" ::: "memory");
    SCB_ICSR = 1u << 28;
    __asm__ volatile("dsb\n isb" ::: "memory");
    CHECK("primask blocks pendsv", pendsv_count, 1);
    CHECK("icsr shows pendsv pending", (SCB_ICSR >> 28) & 1, 1);
    __asm__ volatile("cpsie i\n isb" ::: "memory");
    CHECK("pendsv after cpsie", pendsv_count, 2);
    // BASEPRI 0x40 masks priority 0xf0; raising BASEPRI back to 0 unmasks.
    __asm__ volatile("msr basepri, %0" : : "r"(0x40) : "memory");
    SCB_ICSR = 1u << 28;
    __asm__ volatile("dsb\n isb" ::: "memory");
    CHECK("basepri blocks pendsv", pendsv_count, 2);
    __asm__ volatile("msr basepri, %0\n isb" : : "r"(0) : "memory");
    CHECK("pendsv after basepri 0", pendsv_count, 3);
    // A higher-priority exception preempts a running handler: EXC_RETURN says "to Handler".
    nested_svc = 1;
    SCB_ICSR = 1u << 28;
    __asm__ volatile("dsb\n isb" ::: "memory");
    CHECK("nested: svc ran inside pendsv", nested_svc, 101);
    CHECK("nested: exc_return to handler mode", svc_exc_return, 0xfffffff1);
    nested_svc = 0;
    // An external interrupt through the NVIC: enable, priority, software trigger (STIR).
    REG(0xe000e400) = 0x40u << 24;  // IPR0 byte 3: IRQ 3 priority 0x40
    REG(0xe000e100) = 1u << 3;      // ISER0
    REG(0xe000ef00) = 3;            // STIR
    __asm__ volatile("dsb\n isb" ::: "memory");
    CHECK("irq 3 taken", irq_count, 1);
    CHECK("irq 3 ipsr", irq_ipsr, 19);
    REG(0xe000e180) = 1u << 3;      // ICER0: disabled, a pend waits
    REG(0xe000e200) = 1u << 3;      // ISPR0
    __asm__ volatile("dsb\n isb" ::: "memory");
    CHECK("disabled irq stays pending", (REG(0xe000e200) >> 3) & 1, 1);
    CHECK("disabled irq not taken", irq_count, 1);
    REG(0xe000e100) = 1u << 3;
    __asm__ volatile("dsb\n isb" ::: "memory");
    CHECK("enabled pending irq taken", irq_count, 2);
}

static void systick(void) {
    SYST_RVR = 999;
    SYST_CVR = 0;
    SYST_CSR = 7;  // processor clock, interrupt, enable
    while (systick_count < 5) {}
    SYST_CSR = 0;
    CHECK("systick interrupts", systick_count >= 5, 1);
    CHECK("systick reload value", SYST_RVR, 999);
    CHECK("systick counter below reload", SYST_CVR <= 999, 1);
}

__attribute__((noinline)) static uint32_t divide(uint32_t a, uint32_t b) {
    uint32_t r;
    __asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static void faults(void) {
    SCB_SHCSR |= 7u << 16;  // enable MemManage, BusFault, UsageFault
    fault_count = 0;
    __asm__ volatile("udf #7" ::: "memory");
    CHECK("udf: usagefault", fault_kind, 6);
    CHECK("udf: UNDEFINSTR", fault_cfsr, 1u << 16);
    __asm__ volatile(".short 0xf7f0, 0xa000" ::: "memory");  // udf.w
    CHECK("udf.w: UNDEFINSTR", fault_cfsr, 1u << 16);
    __asm__ volatile(".short 0xee00, 0x0a10" ::: "memory");  // vmov s0, r0: no FPU
    CHECK("fpu instruction: usagefault", fault_kind, 6);
    CHECK("fpu instruction: NOCP", fault_cfsr, 1u << 19);
    CHECK("udiv by zero without trap", divide(7, 0), 0);
    SCB_CCR |= 1u << 4;  // DIV_0_TRP
    divide(7, 0);
    CHECK("udiv by zero traps: DIVBYZERO", fault_cfsr, 1u << 25);
    SCB_CCR &= ~(1u << 4);
    // A load from an address no device answers: precise BusFault, BFAR holds it.
    volatile uint32_t* nowhere = (volatile uint32_t*)0x50000000;
    (void)*nowhere;
    CHECK("bad load: busfault", fault_kind, 5);
    CHECK("bad load: PRECISERR | BFARVALID", fault_cfsr, (1u << 9) | (1u << 15));
    CHECK("bad load: BFAR", fault_bfar, 0x50000000);
    // Executing from the system region (execute never): MemManage IACCVIOL.
    void (*xn)(void) = (void (*)(void))0xe0000001;
    xn();
    CHECK("execute never: memmanage", fault_kind, 4);
    CHECK("execute never: IACCVIOL", fault_cfsr & 1, 1);
    // UsageFault disabled: the same fault escalates to HardFault, HFSR.FORCED.
    SCB_SHCSR &= ~(1u << 18);
    __asm__ volatile("udf #1" ::: "memory");
    CHECK("disabled usagefault escalates", fault_kind, 3);
    CHECK("escalation: HFSR.FORCED", fault_hfsr, 1u << 30);
    CHECK("escalation: CFSR still says why", fault_cfsr, 1u << 16);
    CHECK("faults handled", fault_count, 7);
}

int main(void) {
    install_vectors();
    supervisor_calls();
    priorities();
    systick();
    faults();
    return finish("exceptions");
}
