// Self-checking test programs for the Arm ISS: each check compares a value computed on
// the target with the value the Armv7-M ARM gives (checked on qemu-system-arm too).
// Output goes through semihosting (picolibc's stdio), so the same ELF prints the same
// lines on vitsim (tests/arm/arm_run) and qemu-system-arm -M mps2-an500 -semihosting.
#pragma once
#include <stdint.h>
#include <stdio.h>

static int checks_run, checks_failed;

static void check(const char* name, uint32_t got, uint32_t expected) {
    checks_run++;
    if (got != expected) {
        checks_failed++;
        printf("FAIL %s: got 0x%08lx, expected 0x%08lx\n", name, (unsigned long)got, (unsigned long)expected);
    }
}
#define CHECK(name, got, expected) check(name, (uint32_t)(got), (uint32_t)(expected))

static int finish(const char* program) {
    if (checks_failed) {
        printf("%s: %d of %d checks FAILED\n", program, checks_failed, checks_run);
        return 1;
    }
    printf("%s: %d checks passed\n", program, checks_run);
    return 0;
}

// One instruction with one, two or three register operands, and the flags it leaves.
#define OP1(insn, a) ({ uint32_t r_; __asm__ volatile(insn " %0, %1" : "=r"(r_) : "r"(a) : "cc"); r_; })
#define OP2(insn, a, b) ({ uint32_t r_; __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a), "r"(b) : "cc"); r_; })
#define OP3(insn, a, b, c) \
    ({ uint32_t r_; __asm__ volatile(insn " %0, %1, %2, %3" : "=r"(r_) : "r"(a), "r"(b), "r"(c) : "cc"); r_; })

static inline uint32_t apsr(void) { uint32_t v; __asm__ volatile("mrs %0, apsr" : "=r"(v)); return v; }
static inline void set_apsr(uint32_t v) { __asm__ volatile("msr apsr_nzcvqg, %0" : : "r"(v) : "cc"); }
#define FLAG_N (1u << 31)
#define FLAG_Z (1u << 30)
#define FLAG_C (1u << 29)
#define FLAG_V (1u << 28)
#define FLAG_Q (1u << 27)
#define NZCV(v) ((v) & 0xf0000000u)

// A deterministic operand generator for the instruction sweeps (xorshift32).
static uint32_t sweep_state = 0x12345678;
static inline uint32_t next_operand(void) {
    uint32_t x = sweep_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    sweep_state = x;
    // Mix in the corner values the saturating and flag logic care about.
    switch (x & 15) {
    case 0: return 0x80000000u;
    case 1: return 0x7fffffffu;
    case 2: return 0xffffffffu;
    case 3: return 0x80008000u;
    case 4: return 0x7fff7fffu;
    case 5: return 0x80807f7fu;
    default: return x;
    }
}
static inline uint32_t mix(uint32_t h, uint32_t v) { return (h ^ v) * 0x01000193u + (h >> 15); }
