/*
 * Phase hooks: where a kernel spends its cycles (used by firmware/kbench).
 *
 * The MHSA kernels mark their own phases; the interpreter marks a linear layer's GEMM
 * and its fused activation (firmware/interp/interp.c).
 *
 * Built normally, VS_PHASE_BEGIN/VS_PHASE_END expand to nothing. When the
 * kernel sources are compiled with VS_PHASE_HOOKS=1 they call
 * vs_phase_begin(phase) / vs_phase_end(phase), which the program must define
 * (kbench reads mcycle in them and accumulates per phase; the interpreter writes
 * the phase to SIMCTRL, and the simulator reports each layer's phases). A phase may be
 * entered many times per kernel call (once per head and query tile); phases
 * never nest.
 */
#ifndef VS_PHASE_H
#define VS_PHASE_H

/* The phases, in id order: the enum below and the simulator's names (sim/profiler.cpp,
 * which reads the ids the interpreter writes to SIMCTRL PHASE_BEGIN/END) come from
 * this one list. */
#define VS_PHASES(X)                                                         \
    X(PROJ, "proj")           /* Q, K, V (or T, V) projections */            \
    X(TRANSPOSE, "transpose") /* token-major -> head-major copies (layer-wise) */ \
    X(SCORES, "scores")       /* Q K^T (or T X^T) with requantization to int8 */ \
    X(SOFTMAX, "softmax")     /* row max, exponentials, normalisation */     \
    X(CONTEXT, "context")     /* probabilities x V */                        \
    X(OUT, "out")             /* output projection */                         \
    X(GEMM, "gemm")           /* a linear layer's GEMM with its requantization */ \
    X(ACTIVATION, "activation") /* the GELU pass fused into a linear layer */

#define VS_PHASE_ENUM_(name, text) VS_PHASE_##name,
typedef enum { VS_PHASES(VS_PHASE_ENUM_) VS_PHASE_COUNT } vs_phase_t;
#undef VS_PHASE_ENUM_

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
