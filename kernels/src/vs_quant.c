/* Requantization entry point and build-variant query. */
#include "vs_internal.h"

int32_t vs_kernels_simd(void) { return VS_SIMD; }

int8_t vs_requantize_s8(int32_t acc, const vs_quant_t *q) {
    return (int8_t)vs__requant(acc, q->mul, q->shift);
}
