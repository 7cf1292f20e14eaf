/*
 * Deterministic pseudo-random numbers for test and benchmark programs: one step of
 * Marsaglia's xorshift32 (shifts 13, 17, 5). Each program keeps its own state and
 * seed, so its inputs, checksums and expected outputs stay what they are.
 */
#ifndef VITSIM_XORSHIFT_H
#define VITSIM_XORSHIFT_H
#include <stdint.h>

static inline uint32_t vs_xorshift32(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

#endif /* VITSIM_XORSHIFT_H */
