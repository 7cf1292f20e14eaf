/*
 * Phase hooks: where a kernel spends its cycles (used by firmware/kbench).
 *
 * Built normally, VS_PHASE_BEGIN/VS_PHASE_END expand to nothing. When the
 * kernel sources are compiled with VS_PHASE_HOOKS=1 they call
 * vs_phase_begin(phase) / vs_phase_end(phase), which the program must define
 * (kbench reads mcycle in them and accumulates per phase). A phase may be
 * entered many times per kernel call (once per head and query tile); phases
 * never nest.
 */
#ifndef VS_PHASE_H
#define VS_PHASE_H

typedef enum {
    VS_PHASE_PROJ = 0,  /* Q, K, V (or T, V) projections */
    VS_PHASE_TRANSPOSE, /* token-major -> head-major copies (layer-wise) */
    VS_PHASE_SCORES,    /* Q K^T (or T X^T) with requantization to int8 */
    VS_PHASE_SOFTMAX,   /* row max, exponentials, normalisation */
    VS_PHASE_CONTEXT,   /* probabilities x V */
    VS_PHASE_OUT,       /* output projection */
    VS_PHASE_COUNT
} vs_phase_t;

#if defined(VS_PHASE_HOOKS) && VS_PHASE_HOOKS
void vs_phase_begin(vs_phase_t phase);
void vs_phase_end(vs_phase_t phase);
#define VS_PHASE_BEGIN(p) vs_phase_begin(p)
#define VS_PHASE_END(p) vs_phase_end(p)
#else
#define VS_PHASE_BEGIN(p) ((void)0)
#define VS_PHASE_END(p) ((void)0)
#endif

#endif /* VS_PHASE_H */
