/*
 * vitsim int8 vision-transformer kernels (public API).
 *
 * One source tree, compiled three ways:
 *   - for the RISC-V target inside the firmware (VS_SIMD=1 uses the custom
 *     instructions of vitsim/custom.h, VS_SIMD=0 is plain RV32IM C),
 *   - for the host as the golden model (library vitsim_kernels, VS_SIMD=1: the
 *     custom instructions are plain C with identical semantics there),
 *   - for the host portable path (library vitsim_kernels_portable, VS_SIMD=0).
 * Both paths give bit-identical outputs. The math of every kernel, its
 * quantization and its buffers are specified in docs/kernels.md.
 *
 * Conventions (the same for every kernel):
 *   - Names: vs_<op>_s8 (int8 activations); vs_<op>_s8_scratch_bytes() gives the
 *     scratch a kernel needs.
 *   - Arguments: (dims, [schedule knobs], params, inputs, weights, outputs, scratch).
 *     dims is a small const struct; params holds the quantization parameters.
 *   - Quantization: symmetric int8 (no zero points), int32 accumulators, int32
 *     biases (optional: NULL means zero), requantization by multiply + shift with
 *     round half up and saturation to [-128, 127] (vs_requantize_s8 below).
 *   - Memory: kernels never allocate. Tensors are row-major, int8. Scratch must
 *     be 4-byte aligned; its size is returned by the *_scratch_bytes function.
 *     4-byte-aligned tensors and row lengths that are multiples of 4 take the
 *     fast word-load path of the SIMD kernels; anything else is still correct.
 *   - Aliasing: an output may alias an input only where the kernel says so.
 *   - Kernels return VS_OK or VS_ERR_ARG (bad dims or params, checked on entry,
 *     nothing written). *_scratch_bytes return a byte count >= 0, or VS_ERR_ARG.
 *   - No floating point, no libc beyond memcpy/memset.
 */
#ifndef VITSIM_KERNELS_H
#define VITSIM_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status and build variant ----------------------------------------------- */
typedef enum { VS_OK = 0, VS_ERR_ARG = -1 } vs_status_t;

/* 1 when this library was compiled with the SIMD path (VS_SIMD=1), else 0. */
int32_t vs_kernels_simd(void);

/* ---- quantization ------------------------------------------------------------ */
/*
 * Requantization parameters: real multiplier = mul * 2^-shift.
 * 64-bit form (vs_requantize_s8; GEMMs, LayerNorm output, GELU output, pooling):
 *   y = sat8(((int64)acc * mul + 2^(shift-1)) >> shift),  shift in [1, 62].
 * 32-bit form (inputs of softmax and GELU, residual add; values |x| <= 255):
 *   y = (x * mul + 2^(shift-1)) >> shift  in int32,  |mul| < 2^22, shift in [1, 30].
 * ">>" is an arithmetic (flooring) shift, so rounding is half up for any sign.
 */
typedef struct {
    int32_t mul;
    int32_t shift;
} vs_quant_t;

#define VS_QUANT_SHIFT_MIN 1
#define VS_QUANT_SHIFT_MAX 62
#define VS_QUANT32_SHIFT_MAX 30
#define VS_QUANT32_MUL_LIMIT (1 << 22) /* |mul| must be below this */

/* The 64-bit requantization above, exactly as every kernel applies it. */
int8_t vs_requantize_s8(int32_t acc, const vs_quant_t *q);

/* ---- dimensions -------------------------------------------------------------- */
/* A token matrix: rows (tokens, or query rows) x cols (features, or keys). */
typedef struct {
    int32_t rows;
    int32_t cols;
} vs_mat_dims_t;

/* Linear: x [tokens][in_features] -> y [tokens][out_features]. */
typedef struct {
    int32_t tokens;
    int32_t in_features;
    int32_t out_features;
} vs_linear_dims_t;

/* Low-rank chain: in_features -> rank -> rank -> out_features. */
typedef struct {
    int32_t tokens;
    int32_t in_features;
    int32_t rank;
    int32_t out_features;
} vs_lowrank_dims_t;

/* Patch embedding: HWC image [height][width][channels] -> [tokens][embed],
 * kernel = stride = patch, tokens = (height/patch) * (width/patch) (floor). */
typedef struct {
    int32_t height;
    int32_t width;
    int32_t channels;
    int32_t patch;
    int32_t embed;
} vs_patch_dims_t;

/* Multi-head self-attention: S tokens, E embedding, P per-head projection, H heads. */
typedef struct {
    int32_t seq_len;
    int32_t embed;
    int32_t proj;
    int32_t heads;
} vs_mhsa_dims_t;

/* ---- linear ------------------------------------------------------------------ */
/*
 * y[t][o] = sat8(requant(bias[o] + sum_i x[t][i] * w[o][i]))
 * w: [out_features][in_features] (one row per output, as PyTorch nn.Linear).
 * bias: int32 [out_features] at the accumulator scale, or NULL.
 * y must not overlap x.
 */
vs_status_t vs_linear_s8(const vs_linear_dims_t *dims, const vs_quant_t *q,
                         const int8_t *x, const int8_t *w, const int32_t *bias,
                         int8_t *y);

/*
 * Token overwriting: same math as vs_linear_s8, in place.
 * buf holds tokens * max(in_features, out_features) bytes. On entry its start
 * holds x [tokens][in_features]; on return it holds y [tokens][out_features]
 * (both packed, row stride = the row's own length). Rows are processed in
 * blocks of 2 tokens, first to last when out <= in, last to first when out > in,
 * so that a block's output only covers input rows already consumed; the block's
 * output rows are staged in scratch (2 * out_features bytes) and then copied.
 */
vs_status_t vs_linear_overwrite_s8(const vs_linear_dims_t *dims, const vs_quant_t *q,
                                   int8_t *buf, const int8_t *w, const int32_t *bias,
                                   void *scratch);
int32_t vs_linear_overwrite_s8_scratch_bytes(const vs_linear_dims_t *dims);

/*
 * Low-rank chain y = L3(L2(L1(x))), each Lk a vs_linear_s8 with its own requant.
 * Tokens go through the whole chain in tiles of tile_tokens rows, so only two
 * tile_tokens x rank intermediates exist (scratch). y may be x itself (token
 * overwriting, same buffer rules as vs_linear_overwrite_s8: buf of
 * tokens * max(in, out) bytes), otherwise y must not overlap x.
 */
typedef struct {
    const int8_t *w1; const int32_t *b1; /* [rank][in_features]   */
    const int8_t *w2; const int32_t *b2; /* [rank][rank]          */
    const int8_t *w3; const int32_t *b3; /* [out_features][rank]  */
} vs_lowrank_weights_t;
typedef struct {
    vs_quant_t q1, q2, q3;
} vs_lowrank_params_t;
vs_status_t vs_linear_lowrank_s8(const vs_lowrank_dims_t *dims, int32_t tile_tokens,
                                 const vs_lowrank_params_t *params, const int8_t *x,
                                 const vs_lowrank_weights_t *weights, int8_t *y,
                                 void *scratch);
int32_t vs_linear_lowrank_s8_scratch_bytes(const vs_lowrank_dims_t *dims,
                                           int32_t tile_tokens);

/*
 * Classifier: linear on one token: y[o] = sat8(requant(bias[o] + x[token] . w[o])).
 * dims->tokens = number of rows in x; token = which row (0 = class token).
 */
vs_status_t vs_classifier_s8(const vs_linear_dims_t *dims, int32_t token,
                             const vs_quant_t *q, const int8_t *x, const int8_t *w,
                             const int32_t *bias, int8_t *y);

/* Index of the first maximum of x[0..n-1] (n >= 1), or VS_ERR_ARG. */
int32_t vs_argmax_s8(const int8_t *x, int32_t n);

/* ---- patch embedding --------------------------------------------------------- */
/*
 * y[t][e] = sat8(requant(bias[e] + sum_{ky,kx,c} x[py*p+ky][px*p+kx][c] * w[e][ky][kx][c]))
 * with t = py * (width/p) + px.
 *
 * Direct: w is [embed][patch][patch][channels]; two patches at a time are
 * copied (im2col) into scratch: 2 rows of patch*patch*channels bytes, each
 * rounded up to 4.
 */
vs_status_t vs_patch_embed_direct_s8(const vs_patch_dims_t *dims, const vs_quant_t *q,
                                     const int8_t *x, const int8_t *w,
                                     const int32_t *bias, int8_t *y, void *scratch);
int32_t vs_patch_embed_direct_s8_scratch_bytes(const vs_patch_dims_t *dims);

/*
 * Decomposed: the patch x patch kernel is split into (patch/sub)^2 sub-kernels of
 * sub x sub; for two tokens at a time each sub-patch (sub*sub*channels bytes) is
 * gathered and its partial sums accumulated in an int32 buffer [2][embed]; one
 * requantization at the end, so the output equals the direct one bit for bit.
 * sub must divide patch. w_sub is [(patch/sub)^2][embed][sub][sub][channels],
 * sub-kernel index = sy * (patch/sub) + sx; vs_patch_embed_decompose_weights
 * rearranges direct weights into it. Scratch: 2 rows of sub*sub*channels bytes
 * (each rounded up to 4) + 2*embed*4 bytes.
 */
vs_status_t vs_patch_embed_decomposed_s8(const vs_patch_dims_t *dims, int32_t sub,
                                         const vs_quant_t *q, const int8_t *x,
                                         const int8_t *w_sub, const int32_t *bias,
                                         int8_t *y, void *scratch);
int32_t vs_patch_embed_decomposed_s8_scratch_bytes(const vs_patch_dims_t *dims,
                                                   int32_t sub);
vs_status_t vs_patch_embed_decompose_weights(const vs_patch_dims_t *dims, int32_t sub,
                                             const int8_t *w, int8_t *w_sub);

/*
 * Token-range forms (a core of a cluster computes its share of the tokens): the
 * same arguments as the whole-layer kernels above (x, y and the dims are the whole
 * layer's), and [begin, end) the output tokens to compute, 0 <= begin <= end <=
 * tokens (empty is fine); only rows begin..end-1 of y are written, each equal to
 * that row of the whole-layer call. The whole-layer kernels are the range
 * [0, tokens). Scratch: the whole-layer kernel's size, one per concurrent caller.
 */
vs_status_t vs_patch_embed_direct_range_s8(const vs_patch_dims_t *dims, int32_t begin, int32_t end,
                                           const vs_quant_t *q, const int8_t *x, const int8_t *w,
                                           const int32_t *bias, int8_t *y, void *scratch);
vs_status_t vs_patch_embed_decomposed_range_s8(const vs_patch_dims_t *dims, int32_t sub,
                                               int32_t begin, int32_t end, const vs_quant_t *q,
                                               const int8_t *x, const int8_t *w_sub,
                                               const int32_t *bias, int8_t *y, void *scratch);

/* Number of output tokens of a patch embedding, or VS_ERR_ARG. */
int32_t vs_patch_embed_tokens(const vs_patch_dims_t *dims);

/* ---- normalisation and activations ------------------------------------------ */
/*
 * LayerNorm over each row (cols <= 512): integer mean and variance,
 * ve = cols * sum(x^2) - (sum x)^2 + eps, normalised to [2^30, 2^32) by an even
 * left shift 2k, sigma = isqrt(.), n = (x - mean)/std in Q11, then
 * y = sat8(requant(n * gamma + beta)). gamma int8 [cols], beta int32 [cols] at
 * scale gamma_scale * 2^-11 (or NULL). y may be x.
 * eps (>= 1) is in units of ve: round(cols^2 * eps_real / in_scale^2), at least 1.
 */
typedef enum { VS_SQRT_BISECT = 0, VS_SQRT_NEWTON = 1 } vs_sqrt_method_t;
typedef struct {
    int32_t sqrt_method;  /* vs_sqrt_method_t */
    int32_t newton_steps; /* Newton iterations (1..32); ignored by bisection */
    uint32_t eps;         /* >= 1 */
    vs_quant_t out;       /* (n * gamma + beta) -> int8 output (64-bit form) */
} vs_layernorm_params_t;
#define VS_LAYERNORM_MAX_COLS 512
#define VS_LAYERNORM_FRAC_BITS 11
vs_status_t vs_layernorm_s8(const vs_mat_dims_t *dims, const vs_layernorm_params_t *params,
                            const int8_t *x, const int8_t *gamma, const int32_t *beta,
                            int8_t *y);

/* floor(sqrt(n)) by 16 steps of bisection (one bit per step). */
uint32_t vs_isqrt_bisect_u32(uint32_t n);
/*
 * Newton iteration x <- (x + n/x) / 2 from x0 = 2^ceil(bits(n)/2) >= sqrt(n), at
 * most `steps` iterations, stopping when x no longer decreases. The result is
 * >= floor(sqrt(n)); with steps >= VS_ISQRT_NEWTON_EXACT_STEPS it equals
 * floor(sqrt(n)) for every uint32 n.
 */
uint32_t vs_isqrt_newton_u32(uint32_t n, int32_t steps);
#define VS_ISQRT_NEWTON_EXACT_STEPS 5

/*
 * Integer softmax over each row (cols <= 1024), I-BERT i-exp:
 *   d = x - max(row) in [-255, 0]; u = -(32-bit requant of d by `in`), i.e. -x'
 *   at the working scale 2^-10 (in = input_scale * 2^10), clamped to 31 * 710;
 *   z = floor(u / 710) (ln2 in Q10); p = z * 710 - u in (-710, 0];
 *   e = ((p + 1385)^2 + 1006165) >> z   [0.3585 (p + 1.353)^2 + 0.344, Q10];
 *   f = floor((2^32 - 1) / sum e)        (the one division per row);
 *   out = min(127, (e * f + 2^24) >> 25) ~ round(128 e / sum e), computed in
 *   uint32 as ((e * f >> 24) + 1) >> 1 (e * f <= 2^32 - 1 since e <= sum).
 * Output probabilities are int8 with fixed scale 2^-7 (VS_SOFTMAX_OUT_SHIFT).
 * y may be x. Scratch: cols * 4 bytes (the row's exponentials).
 */
typedef struct {
    vs_quant_t in; /* 32-bit form: (x - max) -> Q10 working scale */
} vs_softmax_params_t;
#define VS_SOFTMAX_MAX_COLS 1024
#define VS_SOFTMAX_OUT_SHIFT 7
vs_status_t vs_softmax_s8(const vs_mat_dims_t *dims, const vs_softmax_params_t *params,
                          const int8_t *x, int8_t *y, void *scratch);
int32_t vs_softmax_s8_scratch_bytes(const vs_mat_dims_t *dims);

/*
 * Integer GELU (I-BERT i-GELU), elementwise over rows * cols values:
 *   u = 32-bit requant of x by `in` = x / sqrt(2) at the working scale 2^-10;
 *   m = min(|u|, 1811);  erf = sgn(u) * (3630803 - (m - 1811)^2)
 *   [1 - 0.2888 (min(|u|, 1.769) - 1.769)^2 at scale 0.2888 * 2^-20];
 *   y = sat8(requant64(x * (3630803 + erf), out)), out = in_scale * 0.2888 * 2^-21 / out_scale.
 * y may be x.
 */
typedef struct {
    vs_quant_t in;  /* 32-bit form: x -> x/sqrt(2) in Q10, i.e. in_scale * 2^10 / sqrt(2) */
    vs_quant_t out; /* 64-bit form */
} vs_gelu_params_t;
vs_status_t vs_gelu_s8(const vs_mat_dims_t *dims, const vs_gelu_params_t *params,
                       const int8_t *x, int8_t *y);

/* ---- elementwise and token ops ----------------------------------------------- */
/*
 * Residual add, both inputs brought to the output scale with one rounding:
 *   y = sat8((a * a_mul + b * b_mul + 2^(shift-1)) >> shift)   (int32)
 * |a_mul|, |b_mul| < 2^22, shift in [1, 30]. y may be a or b.
 */
typedef struct {
    int32_t a_mul;
    int32_t b_mul;
    int32_t shift;
} vs_add_params_t;
vs_status_t vs_add_s8(const vs_mat_dims_t *dims, const vs_add_params_t *params,
                      const int8_t *a, const int8_t *b, int8_t *y);

/*
 * Class token concat: y [rows+1][cols] = [cls; x]. y may be x (the buffer must then
 * hold (rows+1)*cols bytes; rows are moved down by one, last row first).
 * cls must have the same scale as x.
 */
vs_status_t vs_cls_concat_s8(const vs_mat_dims_t *dims, const int8_t *cls,
                             const int8_t *x, int8_t *y);

/* Mean pool over tokens: y[c] = sat8(requant(sum_r x[r][c], q)); q includes 1/rows. */
vs_status_t vs_mean_pool_s8(const vs_mat_dims_t *dims, const vs_quant_t *q,
                            const int8_t *x, int8_t *y);
/* Columns [begin, end) of it only (0 <= begin <= end <= cols): y[begin..end-1]
 * written, x and dims the whole layer's. vs_mean_pool_s8 is the range [0, cols). */
vs_status_t vs_mean_pool_range_s8(const vs_mat_dims_t *dims, int32_t begin, int32_t end,
                                  const vs_quant_t *q, const int8_t *x, int8_t *y);

/* ---- multi-head self-attention ----------------------------------------------- */
/*
 * x [S][E] -> y [S][E]. Per head h (rows h*P .. h*P+P-1 of wq, wk, wv):
 *   Q = sat8(rq(X Wq[h]^T + bq), q)        [S][P]
 *   K = sat8(rq(X Wk[h]^T + bk), k)        [S][P]
 *   V = sat8(rq(X Wv[h]^T + bv), v)        stored transposed [P][S]
 *   A = softmax(sat8(rq(Q K^T, scores)))   int8 at 2^-7, [S][S]
 *   O[h] = sat8(rq(A V, context))          head-major O [H][S][P]
 *   y = sat8(rq(sum_h O[h] Wo[:, h*P:(h+1)*P]^T + bo, out))
 * wo is [E][H*P] (nn.MultiheadAttention out_proj layout). y may be x (x is not
 * read after the heads are done); otherwise no overlap.
 */
typedef struct {
    const int8_t *wq, *wk, *wv;  /* [heads*proj][embed] */
    const int32_t *bq, *bk, *bv; /* [heads*proj] or NULL */
    const int8_t *wo;            /* [embed][heads*proj] */
    const int32_t *bo;           /* [embed] or NULL */
} vs_mhsa_weights_t;

/*
 * Fused-weight self-attention (FWSA): per head the offline product
 * wf[h] = (Wk[h]^T Wq[h]) quantized to int8, [E][E] in linear layout [out f][in e]
 * (wf[h][f][e] ~ sum_p Wk[h][p][f] Wq[h][p][e]), and bf[h] = Wk[h]^T bq[h]
 * (bias terms constant along a score row cancel in softmax), so that
 *   T = sat8(rq(X Wf[h]^T + bf[h], fused))   [S][E]
 *   A = softmax(sat8(rq(T X^T, scores)))
 * V, the context requant and the output projection are as above.
 */
typedef struct {
    const int8_t *wf;            /* [heads][embed][embed] */
    const int32_t *bf;           /* [heads][embed] or NULL */
    const int8_t *wv;            /* [heads*proj][embed] */
    const int32_t *bv;           /* [heads*proj] or NULL */
    const int8_t *wo;            /* [embed][heads*proj] */
    const int32_t *bo;           /* [embed] or NULL */
} vs_mhsa_fused_weights_t;

typedef struct {
    vs_quant_t q, k, v;          /* projections (q, k unused by the fused kernels) */
    vs_quant_t fused;            /* X Wf -> T (fused kernels only) */
    vs_quant_t scores;           /* Q K^T (or T X^T) -> int8 scores, 1/sqrt(P) folded in */
    vs_softmax_params_t softmax; /* scores scale -> Q10 */
    vs_quant_t context;          /* A (2^-7) x V -> int8 head output */
    vs_quant_t out;              /* output projection */
} vs_mhsa_params_t;

/*
 * Layer-wise baseline: Q, K, V computed one token at a time with the linear
 * kernel into a token-major [S][H*P] buffer, then explicitly transposed into
 * head-major buffers; the full H x S x S map is materialised.
 * Scratch: 3*S*H*P + H*P*S4 + H*S*S4 + 4*S bytes, S4 = S rounded up to a
 * multiple of 4 (each part rounded up to 4). Rows of S scores/probabilities and
 * of V^T are stored S4 apart with zero padding, for word loads whatever S is.
 */
vs_status_t vs_mhsa_layerwise_s8(const vs_mhsa_dims_t *dims, const vs_mhsa_params_t *params,
                                 const int8_t *x, const vs_mhsa_weights_t *weights,
                                 int8_t *y, void *scratch);
int32_t vs_mhsa_layerwise_s8_scratch_bytes(const vs_mhsa_dims_t *dims);

/*
 * Depth-first: per head K and V^T resident; query rows in tiles of `tile` rows
 * (1..S; larger values act as S): Q tile -> score rows -> softmax -> times V ->
 * context, then the output projection, either over the whole context or
 * accumulated per tile into int32 accumulators, whichever needs less scratch.
 * Operands in a 4-row interleaved ("panel") layout, a 4x4-blocked GEMM and a
 * table-driven softmax (docs/kernels.md, "Depth-first building blocks").
 * Bit-identical to the layer-wise schedule.
 * Scratch (docs/kernels.md lists the parts; S4, P4, E4 = S, P, E rounded up to
 * 4): per head K and V^T (S4*P4 each), X packed once (S4*E4), one tile of Q and
 * scores, the 1 KiB table of exponentials (when H*S*S >= 2048), and the context
 * (S4*align4(H*P)) or the accumulators (4*(S+3)*E4). EEGFormer (S81 E32 P32 H8),
 * tile 8: 23556 bytes.
 */
vs_status_t vs_mhsa_depthfirst_s8(const vs_mhsa_dims_t *dims, int32_t tile,
                                  const vs_mhsa_params_t *params, const int8_t *x,
                                  const vs_mhsa_weights_t *weights, int8_t *y,
                                  void *scratch);
int32_t vs_mhsa_depthfirst_s8_scratch_bytes(const vs_mhsa_dims_t *dims, int32_t tile);

/*
 * FWSA, layer-wise: T for all heads [H][S][E], V^T [H][P][S] and the full map.
 * Scratch: H*S*E + H*P*S4 + H*S*S4 + H*S*P + 4*S bytes (each part rounded up to 4).
 */
vs_status_t vs_mhsa_fused_layerwise_s8(const vs_mhsa_dims_t *dims,
                                       const vs_mhsa_params_t *params, const int8_t *x,
                                       const vs_mhsa_fused_weights_t *weights, int8_t *y,
                                       void *scratch);
int32_t vs_mhsa_fused_layerwise_s8_scratch_bytes(const vs_mhsa_dims_t *dims);

/*
 * FWSA, depth-first: per head V^T resident (X itself plays K), T computed per
 * query tile; otherwise as vs_mhsa_depthfirst_s8 (no K; the weight panel holds
 * Wf, E x E). Bit-identical to vs_mhsa_fused_layerwise_s8.
 * Scratch: docs/kernels.md. EEGFormer, tile 8: 20868.
 */
vs_status_t vs_mhsa_fused_depthfirst_s8(const vs_mhsa_dims_t *dims, int32_t tile,
                                        const vs_mhsa_params_t *params, const int8_t *x,
                                        const vs_mhsa_fused_weights_t *weights, int8_t *y,
                                        void *scratch);
int32_t vs_mhsa_fused_depthfirst_s8_scratch_bytes(const vs_mhsa_dims_t *dims, int32_t tile);

/* ---- cluster-parallel self-attention ------------------------------------------ */
/*
 * The MHSA of one layer as three steps over ranges of work items, so that the
 * cores of a cluster (docs/cluster.md) each take a share; every step needs the
 * previous one finished on every core (fork/join or a barrier between them).
 * Each step runs the inner loops of the layer-wise kernels (linear rows, GEMM,
 * softmax row) on its items only, so the result equals every single-core
 * schedule bit for bit whatever the split:
 *   1. vs_mhsa_part_project: items (head, token) = h*S + t, H*S of them:
 *      Q and K rows (head-major [H][S][P]) and V^T columns ([H][P][S4]) of those
 *      tokens; FWSA: T rows ([H][S][E]) and V^T columns;
 *   2. vs_mhsa_part_attend: items (head, query row) = h*S + r, H*S of them:
 *      score row, softmax, context row (head-major O [H][S][P]); `exps` is S
 *      uint32 of scratch of this core's own;
 *   3. vs_mhsa_part_output: items = tokens, S of them: y rows = O . Wo^T + bo.
 * Buffers: the scratch of vs_mhsa_layerwise_s8 (vs_mhsa_layerwise_s8_scratch_bytes)
 * or, fused, of vs_mhsa_fused_layerwise_s8; the trailing 4*S bytes of exponentials
 * are not used (each core brings its own). y may be x. vs_mhsa_part_init checks
 * the arguments as the single-core kernels do (VS_ERR_ARG, nothing written).
 */
typedef struct {
    vs_mhsa_dims_t dims;
    const vs_mhsa_params_t *params;
    int32_t fused;                       /* 0: weights, 1: fused_weights */
    const vs_mhsa_weights_t *weights;
    const vs_mhsa_fused_weights_t *fused_weights;
    const int8_t *x;
    int8_t *y;
    int8_t *qt;  /* Q [H][S][P], or T [H][S][E] when fused */
    int8_t *k;   /* K [H][S][P] (not fused) */
    int8_t *vt;  /* V^T [H][P][S4] */
    int8_t *map; /* score rows, then probabilities [H][S][S4] */
    int8_t *o;   /* context, head-major [H][S][P] */
} vs_mhsa_part_t;
vs_status_t vs_mhsa_part_init(vs_mhsa_part_t *m, const vs_mhsa_dims_t *dims,
                              const vs_mhsa_params_t *params, const int8_t *x,
                              const vs_mhsa_weights_t *weights,
                              const vs_mhsa_fused_weights_t *fused_weights, int8_t *y,
                              void *scratch);
void vs_mhsa_part_project(const vs_mhsa_part_t *m, int32_t begin, int32_t end);
void vs_mhsa_part_attend(const vs_mhsa_part_t *m, int32_t begin, int32_t end, uint32_t *exps);
void vs_mhsa_part_output(const vs_mhsa_part_t *m, int32_t begin, int32_t end);
/* Not fused, for an accelerator that does the other GEMMs (firmware/interp/interp_engine.c):
 * step 1's V^T columns alone (items (head, token)), step 2's softmax alone on score
 * rows already in place (items (head, query row); zero padding up to S4). */
void vs_mhsa_part_values(const vs_mhsa_part_t *m, int32_t begin, int32_t end);
void vs_mhsa_part_softmax(const vs_mhsa_part_t *m, int32_t begin, int32_t end, uint32_t *exps);

/*
 * Depth-first on a cluster ("streamed" step 2): a core copies one head's keys
 * (K[h], or X when fused) and V^T[h] into its own fast memory (the cluster's L1),
 * then streams that head's query rows through it in tiles of `tile` rows, two
 * query tiles and two context tiles in flight (double buffering), and writes the
 * context rows back. Steps 1 and 3 are as above; the map [H][S][S4] is never
 * materialised, so the scratch is vs_mhsa_part_streamed_scratch_bytes (the part of
 * vs_mhsa_part_init's carving before the map). Same integers as every other
 * schedule, bit for bit.
 *   vs_mhsa_part_l1_bytes: fast memory per core (keys, V^T, 2 query tiles,
 *     one tile of score rows, 2 context tiles, S exponentials, the 1 KiB table of
 *     exponentials; each rounded to 4);
 *   vs_mhsa_part_head_keys_bytes: its part that one head's K and V^T take;
 *   vs_mhsa_part_l1_carve: that layout in `l1`;
 *   vs_mhsa_part_head: where head h's operands are in the scratch (row strides in
 *     bytes: query rows `query_bytes`, context rows `context_bytes`);
 *   vs_mhsa_part_attend_rows: scores, softmax and context of n query rows from
 *     wherever the operands are (`rows`: n*S4 bytes of scratch); the softmax takes
 *     its exponentials from exp_table when not NULL;
 *   vs_mhsa_part_exp_table: fills `table` (256 uint32) with the layer's softmax
 *     exponentials and returns it when `rows` query rows have enough of them to pay
 *     for it (rows * S >= 2048, as the single-core depth-first kernel decides), else
 *     returns NULL. Same bytes either way.
 */
typedef struct {
    int32_t tile;
    int8_t *keys, *vt, *q[2], *rows, *o[2];
    uint32_t *exps, *exp_table;
} vs_mhsa_l1_t;
typedef struct {
    const int8_t *queries, *keys, *vt;
    int8_t *context;
    int32_t query_bytes, keys_bytes, vt_bytes, context_bytes;
} vs_mhsa_head_t;
int32_t vs_mhsa_part_streamed_scratch_bytes(const vs_mhsa_dims_t *dims, int fused);
int32_t vs_mhsa_part_l1_bytes(const vs_mhsa_dims_t *dims, int fused, int32_t tile);
int32_t vs_mhsa_part_head_keys_bytes(const vs_mhsa_dims_t *dims, int fused);
void vs_mhsa_part_l1_carve(const vs_mhsa_part_t *m, int32_t tile, void *l1, vs_mhsa_l1_t *out);
void vs_mhsa_part_head(const vs_mhsa_part_t *m, int32_t h, vs_mhsa_head_t *out);
void vs_mhsa_part_attend_rows(const vs_mhsa_part_t *m, int32_t n, const int8_t *queries,
                              const int8_t *keys, const int8_t *vt, int8_t *rows,
                              const uint32_t *exp_table, uint32_t *exps, int8_t *context);
const uint32_t *vs_mhsa_part_exp_table(const vs_mhsa_part_t *m, int32_t rows, uint32_t *table);

/*
 * Step 1 from wherever the operands are (a cluster stages them in its L1):
 *   vs_mhsa_part_head_weights: head h's rows of the projection weights and biases:
 *     w[0] Wq[h] (P rows of E; fused: Wf[h], E rows), w[1] Wk[h] (NULL when fused),
 *     w[2] Wv[h]; b[i] NULL where the layer has no bias;
 *   vs_mhsa_part_project_rows: n tokens of that head from x (n rows of E): queries
 *     (n rows of P, or of E when fused), keys (n rows of P; not fused) and V^T
 *     columns (P rows of n, vt_stride apart). No zero padding.
 */
typedef struct {
    const int8_t *w[3];
    const int32_t *b[3];
    int32_t rows[3]; /* rows of each weight block (0: none) */
} vs_mhsa_head_weights_t;
void vs_mhsa_part_head_weights(const vs_mhsa_part_t *m, int32_t h, vs_mhsa_head_weights_t *out);
void vs_mhsa_part_project_rows(const vs_mhsa_part_t *m, int32_t n, const int8_t *x,
                               const vs_mhsa_head_weights_t *w, int8_t *queries, int8_t *keys,
                               int8_t *vt, int32_t vt_stride);
/*
 * Step 3 from wherever the operands are:
 *   vs_mhsa_part_output_weights: Wo [E][H*P] and bo (NULL: none);
 *   vs_mhsa_part_output_rows: n rows of y (n rows of E) from the context of n
 *     tokens, head h's n rows of P at o + h * o_chunk.
 */
void vs_mhsa_part_output_weights(const vs_mhsa_part_t *m, const int8_t **wo, const int32_t **bo);
void vs_mhsa_part_output_rows(const vs_mhsa_part_t *m, int32_t n, const int8_t *o, int32_t o_chunk,
                              const int8_t *wo, const int32_t *bo, int8_t *y);

#ifdef __cplusplus
}
#endif
#endif /* VITSIM_KERNELS_H */
