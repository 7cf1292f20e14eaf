/*
 * The start-up code and the generated linker script: .data copied, .bss
 * zeroed, constructors run, TLS (errno) reachable through tp, heap and stack
 * where the symbols say, printf formatting, and data placed in a profile's
 * extra memory (e.g. .qspi) loaded where it belongs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vitsim/runtime.h"

extern char __data_start[], __data_end[], __bss_start[], __bss_end[];
extern char __heap_start[], __heap_end[], __stack[], __stack_limit[], __tls_base[];

static uint32_t initialised[4] = {0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u};
static uint8_t odd_sized[3] = {1, 2, 3};
static uint32_t zeroed[64];
static volatile int constructor_ran;

__attribute__((constructor)) static void mark_constructor(void) { constructor_ran = 1; }

#if VITSIM_HAS_MEMORY_QSPI
/* Large read-only data belongs in the external flash (weights, later). */
static const uint32_t in_qspi[256] __attribute__((section(".qspi"))) = {
    [0] = 0xfeedface, [1] = 0x12345678, [255] = 0xabcdef01};
#endif

static void test_startup(void) {
    check_begin(".data copied from its load address");
    CHECK_EQ(initialised[0], 0x11111111u);
    CHECK_EQ(initialised[3], 0x44444444u);
    CHECK_EQ(odd_sized[2], 3);
    CHECK_TRUE((uintptr_t)initialised >= (uintptr_t)__data_start &&
               (uintptr_t)initialised < (uintptr_t)__data_end);

    check_begin(".bss zeroed");
    uint32_t any = 0;
    for (unsigned i = 0; i < 64; i++) any |= zeroed[i];
    CHECK_EQ(any, 0);
    CHECK_TRUE((uintptr_t)zeroed >= (uintptr_t)__bss_start &&
               (uintptr_t)zeroed < (uintptr_t)__bss_end);

    check_begin("constructors ran before main");
    CHECK_EQ(constructor_ran, 1);

    check_begin("tp points at the TLS block; errno lives there");
    uint32_t tp;
#if defined(__riscv)
    __asm__ volatile("mv %0, tp" : "=r"(tp));
#else
    /* Arm TLS variant 1: the thread pointer is a TCB offset below the block */
    extern char __arm32_tls_tcb_offset[];
    extern void* __aeabi_read_tp(void);
    tp = (uintptr_t)__aeabi_read_tp() + (uintptr_t)__arm32_tls_tcb_offset;
#endif
    CHECK_EQ(tp, (uintptr_t)__tls_base);
    errno = 0;
    CHECK_EQ(strtol("99999999999999999999", NULL, 10), 0x7fffffff);
    CHECK_EQ(errno, ERANGE);
}

static void test_heap_and_stack(void) {
    check_begin("malloc returns heap memory");
    uint8_t* block = malloc(1000);
    CHECK_TRUE(block != NULL);
    CHECK_TRUE((uintptr_t)block >= (uintptr_t)__heap_start &&
               (uintptr_t)block + 1000 <= (uintptr_t)__heap_end);
    memset(block, 0xa5, 1000);
    CHECK_EQ(block[999], 0xa5);
    free(block);

    check_begin("sp between the stack limit and the top of the data memory");
    uint32_t sp;
#if defined(__riscv)
    __asm__ volatile("mv %0, sp" : "=r"(sp));
#else
    __asm__ volatile("mov %0, sp" : "=r"(sp));
#endif
    CHECK_TRUE(sp > (uintptr_t)__stack_limit && sp < (uintptr_t)__stack);
    CHECK_EQ((uintptr_t)__stack % 16, 0);
}

static void test_printf(void) {
    check_begin("printf formatting through the UART stream");
    char buffer[64];
    snprintf(buffer, sizeof buffer, "%d %u %x %s %llu", -42, 42u, 0xbeefu, "ok",
             1234567890123ull);
    CHECK_EQ(strcmp(buffer, "-42 42 beef ok 1234567890123"), 0);
    CHECK_EQ(printf("printf on the UART\n"), 19);
}

static void test_extra_memory(void) {
#if VITSIM_HAS_MEMORY_QSPI
    check_begin(".qspi data is loaded in the quad-SPI flash");
    CHECK_EQ((uintptr_t)in_qspi >> 28, 0x9);
    const volatile uint32_t* q = in_qspi;
    CHECK_EQ(q[0], 0xfeedfaceu);
    CHECK_EQ(q[1], 0x12345678u);
    CHECK_EQ(q[2], 0);
    CHECK_EQ(q[255], 0xabcdef01u);
#endif
}

int main(void) {
    test_startup();
    test_heap_and_stack();
    test_printf();
    test_extra_memory();
    return check_finish("runtime_layout");
}
