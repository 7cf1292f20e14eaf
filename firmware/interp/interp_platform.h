/*
 * What the interpreter needs from its platform. Two implementations:
 *   interp_platform_target.c  RISC-V firmware: SIMCTRL layer markers, DMA copies
 *   interp_platform_host.c    host golden model: hooks (no-ops by default), memcpy
 */
#ifndef VITSIM_INTERP_PLATFORM_H
#define VITSIM_INTERP_PLATFORM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void vs_interp_layer_begin(uint32_t index);
void vs_interp_layer_end(uint32_t index);

/* Copies `bytes` from src to dst and returns when they are there; 0 = ok. */
int vs_interp_copy(void *dst, const void *src, uint32_t bytes);

/*
 * Parallel work (firmware/interp/interp_parallel.c). vs_interp_cores() is the
 * number of cluster cores that run the kernels, 0 when there is no cluster (the
 * host, single-core profiles: the kernels run on this core, as always).
 * vs_interp_parallel runs task(arg, core, begin, end) on every core over its
 * share of [0, items) (shares differ by at most one item) and returns when all
 * are done (every core runs the task, also with an empty share, so that all
 * meet at vs_interp_barrier). vs_interp_fast_alloc gives memory close to the cores (the cluster's
 * L1), NULL when it does not fit; vs_interp_fast_free releases all of it.
 */
typedef void (*vs_interp_task_t)(void *arg, uint32_t core, int32_t begin, int32_t end);
uint32_t vs_interp_cores(void);
/* Inside a task: waits until every core of the step arrived (nothing without a cluster). */
void vs_interp_barrier(void);
void vs_interp_parallel(vs_interp_task_t task, void *arg, int32_t items);
/* vs_interp_parallel in two halves: begin returns while the cores work (this core
 * drives the matrix engine meanwhile), end waits for them. One at a time, no
 * vs_interp_parallel in between; without a cluster begin does all the work. */
void vs_interp_parallel_begin(vs_interp_task_t task, void *arg, int32_t items);
void vs_interp_parallel_end(void);
void *vs_interp_fast_alloc(uint32_t bytes);
void vs_interp_fast_free(void);
/*
 * Inside a task: copies between fast memory and the rest that run in the
 * background (the cluster's DMA; where there is none, memcpy, done at once).
 * Each returns an id; vs_interp_copy_wait(id) returns when that copy and every
 * one started before it are complete. Used by the depth-first attention step.
 */
uint32_t vs_interp_copy_in(void *fast, const void *slow, uint32_t bytes);
uint32_t vs_interp_copy_out(void *slow, const void *fast, uint32_t bytes);
/* `rows` rows of row_bytes, packed in fast memory, to rows slow_stride apart. */
uint32_t vs_interp_copy_out_rows(void *slow, uint32_t slow_stride, const void *fast, uint32_t row_bytes,
                                 uint32_t rows);
void vs_interp_copy_wait(uint32_t id);

/*
 * A linear layer y = requant(bias + x . w) (tokens x in_f -> out_f, rows packed) on
 * an accelerator, x == y for the token-overwrite form: 1 when done there, 0 when it does not fit (the caller runs the
 * kernel), -1 when the accelerator reported an error. The host (golden model)
 * never offloads: its kernels are what the accelerator must equal bit for bit.
 */
int vs_interp_linear_offload(int32_t tokens, int32_t in_f, int32_t out_f, int32_t mul, int32_t shift,
                             const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y);

/*
 * One GEMM C = requant(bias + A . B^T) on the accelerator (the matrix engine,
 * docs/engine.md): C is m x n (rows ldc apart), B n rows of k bytes (ldb apart),
 * A m rows of k bytes, lda apart, made of `chunks` pieces of k / chunks bytes, piece
 * i of row r at a + i * a_chunk + r * lda (chunks 1: plain rows; the attention's
 * head-major context is H pieces); bias NULL for none. vs_interp_gemm_fits says
 * whether a depth-k GEMM with this shift can go to the accelerator at all (it then
 * takes any m, n); vs_interp_gemm_offload: 1 done, 0 not taken (nothing written),
 * -1 the accelerator reported an error. The host has none (0).
 */
typedef struct {
    uint32_t m, n, k;
    const int8_t *a;
    uint32_t lda, chunks, a_chunk;
    const int8_t *b;
    uint32_t ldb;
    const int32_t *bias;
    int8_t *c;
    uint32_t ldc;
    int32_t mul, shift;
    uint32_t l1_skip; /* L1 bytes from its base the engine leaves alone (the cores' tiles); 0: none */
} vs_interp_gemm_t;
int vs_interp_gemm_fits(uint32_t k, int32_t shift);
int vs_interp_gemm_offload(const vs_interp_gemm_t *g);
/* Profiles with a cluster: 1 when vs_interp_gemm_offload would take g (decided
 * before anything runs), else 0. */
int vs_interp_gemm_takes(const vs_interp_gemm_t *g);

/* Host only: hooks called by the host implementation (NULL = none). */
typedef void (*vs_interp_layer_hook_t)(void *user, uint32_t index, int end);
typedef void (*vs_interp_copy_hook_t)(void *user, uint32_t bytes);
void vs_interp_host_set_hooks(vs_interp_layer_hook_t layer_hook, vs_interp_copy_hook_t copy_hook, void *user);

#ifdef __cplusplus
}
#endif
#endif /* VITSIM_INTERP_PLATFORM_H */
