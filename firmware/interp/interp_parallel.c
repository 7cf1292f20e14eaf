/* Layers on a cluster: see interp_parallel.h. */
#include "interp_parallel.h"

#include <string.h>

#include "interp_platform.h"
#include "vs_phase.h"

/* A row-wise kernel on rows [begin, end) of a [rows][cols] operand. */
static int32_t vs__rows(int32_t begin, int32_t end, vs_mat_dims_t *part, int32_t cols) {
    part->rows = end - begin;
    part->cols = cols;
    return begin * cols;
}

typedef struct {
    const vs_linear_dims_t *dims;
    const vs_quant_t *q;
    const int8_t *x, *w;
    const int32_t *bias;
    int8_t *y;
    const vs_gelu_params_t *gelu;
    volatile int32_t failed;
} vs__linear_job_t;

static void vs__linear_share(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__linear_job_t *j = (vs__linear_job_t *)arg;
    (void)core;
    if (begin >= end) return;
    const vs_linear_dims_t part = {end - begin, j->dims->in_features, j->dims->out_features};
    int8_t *y = j->y + begin * part.out_features;
    vs_status_t st = vs_linear_s8(&part, j->q, j->x + begin * part.in_features, j->w, j->bias, y);
    if (st == VS_OK && j->gelu) {
        const vs_mat_dims_t rows = {part.tokens, part.out_features};
        st = vs_gelu_s8(&rows, j->gelu, y, y);
    }
    if (st != VS_OK) j->failed = 1;
}

vs_status_t vs_par_linear(const vs_linear_dims_t *dims, const vs_quant_t *q, const int8_t *x,
                          const int8_t *w, const int32_t *bias, int8_t *y,
                          const vs_gelu_params_t *gelu) {
    vs__linear_job_t j = {dims, q, x, w, bias, y, gelu, 0};
    vs_interp_parallel(vs__linear_share, &j, dims->tokens);
    return j.failed ? VS_ERR_ARG : VS_OK;
}

/* Rows per core per round of the overwrite: the GEMM core's 2-row blocking. */
#define VS_PAR_OVERWRITE_ROWS 2

typedef struct {
    vs__linear_job_t linear; /* x = y = the buffer */
    int8_t *stages;          /* 2 * out_features per core */
    int32_t cores;
} vs__overwrite_job_t;

/* Round `round` (counted from the end when out > in): this core's rows [*t0, *t0 + n). */
static int32_t vs__overwrite_rows(const vs__overwrite_job_t *j, int32_t round, uint32_t core, int32_t *t0) {
    const vs_linear_dims_t *d = j->linear.dims;
    const int32_t per_round = VS_PAR_OVERWRITE_ROWS * j->cores;
    int32_t first = round * per_round + (int32_t)core * VS_PAR_OVERWRITE_ROWS;
    int32_t last = first + VS_PAR_OVERWRITE_ROWS;
    if (last > d->tokens) last = d->tokens;
    if (first > last) first = last;
    if (d->out_features > d->in_features) { /* mirrored: rounds from the last row down */
        const int32_t mirrored = d->tokens - last;
        last = d->tokens - first;
        first = mirrored;
    }
    *t0 = first;
    return last - first;
}

/* Every core runs every round (the barrier needs all of them), with or without rows. */
static void vs__overwrite_share(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__overwrite_job_t *j = (vs__overwrite_job_t *)arg;
    vs__linear_job_t *l = &j->linear;
    const vs_linear_dims_t *d = l->dims;
    const int32_t in_f = d->in_features, out_f = d->out_features;
    const int32_t per_round = VS_PAR_OVERWRITE_ROWS * j->cores;
    const int32_t rounds = (d->tokens + per_round - 1) / per_round;
    int8_t *stage = j->stages + core * (uint32_t)(VS_PAR_OVERWRITE_ROWS * out_f);
    (void)begin;
    (void)end;
    for (int32_t round = 0; round < rounds; round++) {
        int32_t t0;
        const int32_t n = vs__overwrite_rows(j, round, core, &t0);
        const vs_linear_dims_t part = {n, in_f, out_f};
        if (n > 0 && vs_linear_s8(&part, l->q, l->y + t0 * in_f, l->w, l->bias, stage) != VS_OK) l->failed = 1;
        vs_interp_barrier(); /* every input row of the round is read */
        if (n <= 0) continue;
        int8_t *y = l->y + t0 * out_f;
        memcpy(y, stage, (size_t)(n * out_f));
        const vs_mat_dims_t rows = {n, out_f};
        if (l->gelu && vs_gelu_s8(&rows, l->gelu, y, y) != VS_OK) l->failed = 1;
    }
}

vs_status_t vs_par_linear_overwrite(const vs_linear_dims_t *dims, const vs_quant_t *q, int8_t *buf,
                                    const int8_t *w, const int32_t *bias,
                                    const vs_gelu_params_t *gelu, void *scratch) {
    vs__overwrite_job_t j = {{dims, q, buf, w, bias, buf, gelu, 0}, (int8_t *)0, (int32_t)vs_interp_cores()};
    if (j.cores < 1) j.cores = 1;
    if (dims->tokens <= 0 || dims->out_features <= 0) return VS_ERR_ARG;
    j.stages = (int8_t *)vs_interp_fast_alloc((uint32_t)(j.cores * VS_PAR_OVERWRITE_ROWS * dims->out_features));
    if (!j.stages) {
        vs_status_t st = vs_linear_overwrite_s8(dims, q, buf, w, bias, scratch);
        const vs_mat_dims_t rows = {dims->tokens, dims->out_features};
        if (st == VS_OK && gelu) st = vs_gelu_s8(&rows, gelu, buf, buf);
        return st;
    }
    vs_interp_parallel(vs__overwrite_share, &j, j.cores);
    vs_interp_fast_free();
    return j.linear.failed ? VS_ERR_ARG : VS_OK;
}

typedef struct {
    const vs_mat_dims_t *dims;
    const vs_layernorm_params_t *params;
    const int8_t *x, *gamma;
    const int32_t *beta;
    int8_t *y;
    volatile int32_t failed;
} vs__layernorm_job_t;

static void vs__layernorm_share(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__layernorm_job_t *j = (vs__layernorm_job_t *)arg;
    (void)core;
    if (begin >= end) return;
    vs_mat_dims_t part;
    const int32_t at = vs__rows(begin, end, &part, j->dims->cols);
    if (vs_layernorm_s8(&part, j->params, j->x + at, j->gamma, j->beta, j->y + at) != VS_OK) j->failed = 1;
}

vs_status_t vs_par_layernorm(const vs_mat_dims_t *dims, const vs_layernorm_params_t *params,
                             const int8_t *x, const int8_t *gamma, const int32_t *beta, int8_t *y) {
    vs__layernorm_job_t j = {dims, params, x, gamma, beta, y, 0};
    vs_interp_parallel(vs__layernorm_share, &j, dims->rows);
    return j.failed ? VS_ERR_ARG : VS_OK;
}

typedef struct {
    const vs_mat_dims_t *dims;
    const vs_add_params_t *params;
    const int8_t *a, *b;
    int8_t *y;
    volatile int32_t failed;
} vs__add_job_t;

static void vs__add_share(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__add_job_t *j = (vs__add_job_t *)arg;
    (void)core;
    if (begin >= end) return;
    vs_mat_dims_t part;
    const int32_t at = vs__rows(begin, end, &part, j->dims->cols);
    if (vs_add_s8(&part, j->params, j->a + at, j->b + at, j->y + at) != VS_OK) j->failed = 1;
}

vs_status_t vs_par_add(const vs_mat_dims_t *dims, const vs_add_params_t *params, const int8_t *a,
                       const int8_t *b, int8_t *y) {
    vs__add_job_t j = {dims, params, a, b, y, 0};
    vs_interp_parallel(vs__add_share, &j, dims->rows);
    return j.failed ? VS_ERR_ARG : VS_OK;
}

typedef struct {
    const vs_mat_dims_t *dims;
    const vs_gelu_params_t *params;
    int8_t *y;
    volatile int32_t failed;
} vs__gelu_job_t;

static void vs__gelu_share(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__gelu_job_t *j = (vs__gelu_job_t *)arg;
    (void)core;
    if (begin >= end) return;
    vs_mat_dims_t part;
    const int32_t at = vs__rows(begin, end, &part, j->dims->cols);
    if (vs_gelu_s8(&part, j->params, j->y + at, j->y + at) != VS_OK) j->failed = 1;
}

vs_status_t vs_par_gelu_in_place(const vs_mat_dims_t *dims, const vs_gelu_params_t *params, int8_t *y) {
    vs__gelu_job_t j = {dims, params, y, 0};
    vs_interp_parallel(vs__gelu_share, &j, dims->rows);
    return j.failed ? VS_ERR_ARG : VS_OK;
}

/* Items [*begin, *end) of share `part` of `parts` over [0, items): sizes differ by at most one. */
static void vs__share(int32_t items, int32_t part, int32_t parts, int32_t *begin, int32_t *end) {
    *begin = (int32_t)((int64_t)items * part / parts);
    *end = (int32_t)((int64_t)items * (part + 1) / parts);
}

/* `bytes` of fast memory per core (4-aligned), NULL when they do not all fit. */
static uint8_t *vs__fast_per_core(uint32_t bytes) {
    const uint32_t cores = vs_interp_cores();
    return (uint8_t *)vs_interp_fast_alloc((cores ? cores : 1u) * bytes);
}

typedef struct {
    const vs_patch_dims_t *dims;
    int32_t sub; /* 0: direct */
    const vs_quant_t *q;
    const int8_t *x, *w;
    const int32_t *bias;
    int8_t *out, *cols; /* cols: NULL, or where out's rows go, ld_cols apart */
    int32_t ld_cols;
    uint8_t *scratch; /* per_core bytes per core */
    uint32_t per_core;
    volatile int32_t failed;
} vs__patch_job_t;

static void vs__patch_share(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__patch_job_t *j = (vs__patch_job_t *)arg;
    if (begin >= end) return;
    void *scratch = j->scratch + core * j->per_core;
    const vs_status_t st =
        j->sub ? vs_patch_embed_decomposed_range_s8(j->dims, j->sub, begin, end, j->q, j->x, j->w, j->bias,
                                                    j->out, scratch)
               : vs_patch_embed_direct_range_s8(j->dims, begin, end, j->q, j->x, j->w, j->bias, j->out, scratch);
    if (st != VS_OK) {
        j->failed = 1;
        return;
    }
    const int32_t e = j->dims->embed;
    if (j->cols)
        for (int32_t t = begin; t < end; t++) memcpy(j->cols + t * j->ld_cols, j->out + t * e, (size_t)e);
}

vs_status_t vs_par_patch_embed(const vs_patch_dims_t *dims, int32_t sub, const vs_quant_t *q,
                               const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *out,
                               int8_t *cols, int32_t ld_cols, void *scratch) {
    const int32_t tokens = vs_patch_embed_tokens(dims);
    const int32_t per_core = sub ? vs_patch_embed_decomposed_s8_scratch_bytes(dims, sub)
                                 : vs_patch_embed_direct_s8_scratch_bytes(dims);
    if (tokens < 0 || per_core < 0) return VS_ERR_ARG;
    vs__patch_job_t j = {dims, sub, q, x, w, bias, out, cols, ld_cols, (uint8_t *)scratch, 0, 0};
    j.per_core = ((uint32_t)per_core + 3u) & ~3u;
    uint8_t *fast = vs__fast_per_core(j.per_core);
    if (!fast) {
        vs__patch_share(&j, 0, 0, tokens);
    } else {
        j.scratch = fast;
        vs_interp_parallel(vs__patch_share, &j, tokens);
        vs_interp_fast_free();
    }
    return j.failed ? VS_ERR_ARG : VS_OK;
}

typedef struct {
    const vs_lowrank_dims_t *dims;
    int32_t tile; /* at most tokens */
    const vs_lowrank_params_t *params;
    const int8_t *x;
    const vs_lowrank_weights_t *w;
    int8_t *y;
    const vs_gelu_params_t *gelu;
    uint8_t *scratch; /* per_core bytes per core: the two intermediates */
    uint32_t per_core;
    int32_t cores;
    volatile int32_t failed;
} vs__lowrank_job_t;

static void vs__lowrank_gelu(vs__lowrank_job_t *j, int32_t t0, int32_t n) {
    const vs_mat_dims_t rows = {n, j->dims->out_features};
    int8_t *y = j->y + t0 * rows.cols;
    if (j->gelu && vs_gelu_s8(&rows, j->gelu, y, y) != VS_OK) j->failed = 1;
}

/* Out of place (or this core alone): the whole chain on this core's rows. */
static void vs__lowrank_share(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__lowrank_job_t *j = (vs__lowrank_job_t *)arg;
    const vs_lowrank_dims_t *d = j->dims;
    if (begin >= end) return;
    const vs_lowrank_dims_t part = {end - begin, d->in_features, d->rank, d->out_features};
    if (vs_linear_lowrank_s8(&part, j->tile, j->params, j->x + begin * d->in_features, j->w,
                             j->y + begin * d->out_features, j->scratch + core * j->per_core) != VS_OK)
        j->failed = 1;
    else
        vs__lowrank_gelu(j, begin, end - begin);
}

/* In place: every core runs every round (the barrier needs all of them), with or
 * without rows; see vs_par_lowrank in interp_parallel.h. */
static void vs__lowrank_rounds(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__lowrank_job_t *j = (vs__lowrank_job_t *)arg;
    const vs_lowrank_dims_t *d = j->dims;
    const vs_lowrank_params_t *p = j->params;
    const int32_t tokens = d->tokens, in_f = d->in_features, r = d->rank, out_f = d->out_features;
    const int32_t rounds = (tokens + j->tile * j->cores - 1) / (j->tile * j->cores);
    int8_t *h1 = (int8_t *)(j->scratch + core * j->per_core), *h2 = h1 + j->per_core / 2;
    (void)begin;
    (void)end;
    for (int32_t round = 0; round < rounds; round++) {
        int32_t r0, r1, t0, t1;
        vs__share(tokens, round, rounds, &r0, &r1);
        vs__share(r1 - r0, (int32_t)core, j->cores, &t0, &t1);
        t0 += r0;
        t1 += r0;
        if (out_f > in_f) { /* mirrored: rounds from the last row down */
            const int32_t mirrored = tokens - t1;
            t1 = tokens - t0;
            t0 = mirrored;
        }
        const int32_t n = t1 - t0;
        const vs_linear_dims_t first = {n, in_f, r}, second = {n, r, r}, last = {n, r, out_f};
        if (n > 0 && (vs_linear_s8(&first, &p->q1, j->y + t0 * in_f, j->w->w1, j->w->b1, h1) != VS_OK ||
                      vs_linear_s8(&second, &p->q2, h1, j->w->w2, j->w->b2, h2) != VS_OK))
            j->failed = 1;
        vs_interp_barrier(); /* every input row of the round is read */
        if (n <= 0) continue;
        if (vs_linear_s8(&last, &p->q3, h2, j->w->w3, j->w->b3, j->y + t0 * out_f) != VS_OK) j->failed = 1;
        vs__lowrank_gelu(j, t0, n);
    }
}

/* One token (a classifier's chain): each factor's outputs split over the cores, a
 * barrier after the first two (the next factor reads all of their outputs); the
 * intermediates are core 0's. In place, the last factor writes over the token only
 * after every core read it (two barriers earlier). */
static void vs__lowrank_columns(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__lowrank_job_t *j = (vs__lowrank_job_t *)arg;
    const vs_lowrank_dims_t *d = j->dims;
    const vs_lowrank_weights_t *w = j->w;
    int8_t *h1 = (int8_t *)j->scratch, *h2 = h1 + j->per_core / 2;
    const int32_t depth[3] = {d->in_features, d->rank, d->rank}, width[3] = {d->rank, d->rank, d->out_features};
    const int8_t *src[3] = {j->x, h1, h2}, *weight[3] = {w->w1, w->w2, w->w3};
    const int32_t *bias[3] = {w->b1, w->b2, w->b3};
    const vs_quant_t *q[3] = {&j->params->q1, &j->params->q2, &j->params->q3};
    int8_t *dst[3] = {h1, h2, j->y};
    int32_t o0 = 0, o1 = 0;
    (void)begin;
    (void)end;
    for (int k = 0; k < 3; k++) {
        vs__share(width[k], (int32_t)core, j->cores, &o0, &o1);
        const vs_linear_dims_t part = {1, depth[k], o1 - o0};
        if (o1 > o0 && vs_linear_s8(&part, q[k], src[k], weight[k] + o0 * depth[k], bias[k] ? bias[k] + o0 : bias[k],
                                    dst[k] + o0) != VS_OK)
            j->failed = 1;
        if (k < 2) vs_interp_barrier();
    }
    const vs_mat_dims_t cols = {1, o1 - o0};
    if (j->gelu && o1 > o0 && vs_gelu_s8(&cols, j->gelu, j->y + o0, j->y + o0) != VS_OK) j->failed = 1;
}

vs_status_t vs_par_lowrank(const vs_lowrank_dims_t *dims, int32_t tile_tokens,
                           const vs_lowrank_params_t *params, const int8_t *x,
                           const vs_lowrank_weights_t *weights, int8_t *y,
                           const vs_gelu_params_t *gelu, void *scratch) {
    const int32_t per_core = vs_linear_lowrank_s8_scratch_bytes(dims, tile_tokens);
    if (per_core < 0 || !weights) return VS_ERR_ARG;
    vs__lowrank_job_t j = {dims, tile_tokens < dims->tokens ? tile_tokens : dims->tokens, params, x, weights, y,
                           gelu, (uint8_t *)scratch, (uint32_t)per_core, (int32_t)vs_interp_cores(), 0};
    if (j.cores < 1) j.cores = 1;
    uint8_t *fast = vs__fast_per_core(j.per_core);
    if (!fast) {
        vs__lowrank_share(&j, 0, 0, dims->tokens);
    } else {
        j.scratch = fast;
        if (dims->tokens == 1 && j.cores > 1)
            vs_interp_parallel(vs__lowrank_columns, &j, j.cores);
        else if (y == x)
            vs_interp_parallel(vs__lowrank_rounds, &j, j.cores);
        else
            vs_interp_parallel(vs__lowrank_share, &j, dims->tokens);
        vs_interp_fast_free();
    }
    return j.failed ? VS_ERR_ARG : VS_OK;
}

typedef struct {
    const vs_mat_dims_t *dims;
    const vs_quant_t *q;
    const int8_t *x;
    int8_t *y;
    volatile int32_t failed;
} vs__pool_job_t;

static void vs__pool_share(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__pool_job_t *j = (vs__pool_job_t *)arg;
    (void)core;
    if (begin < end && vs_mean_pool_range_s8(j->dims, begin, end, j->q, j->x, j->y) != VS_OK) j->failed = 1;
}

vs_status_t vs_par_mean_pool(const vs_mat_dims_t *dims, const vs_quant_t *q, const int8_t *x, int8_t *y) {
    vs__pool_job_t j = {dims, q, x, y, 0};
    if (vs_mean_pool_range_s8(dims, 0, 0, q, x, y) != VS_OK) return VS_ERR_ARG; /* checks, writes nothing */
    vs_interp_parallel(vs__pool_share, &j, dims->cols);
    return j.failed ? VS_ERR_ARG : VS_OK;
}

/* ---- MHSA ---------------------------------------------------------------------------
 * Each step can run from fast memory (the cluster's L1): a core stages what its items
 * need and streams its rows through it with the pipeline below. Step 2 does so when
 * depth-first (stream_tile > 0, deploy checked the L1); steps 1 and 3 whenever their
 * staging fits, else they read their operands where they are. */

static int32_t vs__min32(int32_t a, int32_t b) { return a < b ? a : b; }

/* A core's double-buffered pipeline over rows [t0, t0 + n) in tiles of `tile`: tile
 * i+1's inputs come in and tile i-1's outputs go out while tile i is computed, in
 * buffer slot i & 1. fetch and compute start their copies and return the last id;
 * the first compute also waits for `ready` (operands staged before the rows). */
typedef struct {
    void *ctx;
    uint32_t (*fetch)(void *ctx, uint32_t slot, int32_t r0, int32_t rows);
    uint32_t (*compute)(void *ctx, uint32_t slot, int32_t r0, int32_t rows);
} vs__pipe_t;

static void vs__pipe_run(const vs__pipe_t *p, int32_t t0, int32_t n, int32_t tile, uint32_t ready) {
    const int32_t tiles = (n + tile - 1) / tile;
    uint32_t in_id[2] = {0, 0}, out_id[2] = {0, 0};
    for (int32_t i = 0; i <= tiles; i++) {
        if (i < tiles) {
            const int32_t r0 = t0 + i * tile;
            in_id[i & 1] = p->fetch(p->ctx, (uint32_t)i & 1u, r0, vs__min32(tile, t0 + n - r0));
        }
        if (i == 0) {
            vs_interp_copy_wait(ready);
            continue;
        }
        const int32_t k0 = t0 + (i - 1) * tile;
        const uint32_t slot = (uint32_t)(i - 1) & 1u;
        vs_interp_copy_wait(in_id[slot]);
        if (i - 1 >= 2) vs_interp_copy_wait(out_id[slot]); /* tile i-3's outputs left the buffers */
        out_id[slot] = p->compute(p->ctx, slot, k0, vs__min32(tile, t0 + n - k0));
    }
    if (tiles > 0) vs_interp_copy_wait(out_id[(tiles - 1) & 1]); /* all out before the staging changes */
}

/* Takes `bytes` (rounded up to 4) at *at from base; base 0 only counts. */
static void *vs__take(uintptr_t base, uint32_t *at, uint32_t bytes) {
    const uintptr_t p = base + *at;
    *at += (bytes + 3u) & ~3u;
    return (void *)p;
}

typedef struct {
    vs_mhsa_part_t part;
    uint32_t *exps;      /* S per core */
    int32_t item_rows;   /* attention items: 1 (head, row) or S (whole heads) */
    int32_t stream_tile; /* > 0: depth-first, query tiles through L1 */
    int32_t tile;        /* tokens per tile of a staged step 1 or 3 (0: not staged) */
    uint8_t *l1;         /* a staged step: l1_per_core bytes per core (after `shared`) */
    uint32_t l1_per_core;
    const int8_t *wo;    /* step 3: Wo and bo in L1, shared by the cores */
    const int32_t *bo;
} vs__mhsa_job_t;

/* A staged step in this core: the job, the core's L1 buffers, the head (steps 1, 2). */
typedef struct {
    const vs__mhsa_job_t *job;
    int32_t h;
    vs_mhsa_head_t head;          /* step 2 */
    vs_mhsa_l1_t attend;          /* step 2 */
    const uint32_t *exp_table;    /* step 2: the softmax's exponentials, or NULL */
    vs_mhsa_head_weights_t w;     /* step 1: the head's weights in L1 */
    int8_t *x[2], *q[2], *k[2], *vt[2], *o[2], *y[2];
    int8_t *w_l1[3];
    int32_t *b_l1[3];
} vs__stage_t;

static uint8_t *vs__core_l1(const vs__mhsa_job_t *j, uint32_t core) { return j->l1 + core * j->l1_per_core; }

/* Items [begin, end) of H*S (head, token) items as runs of one head each. */
static void vs__head_runs(vs__stage_t *st, int32_t begin, int32_t end,
                          void (*run)(vs__stage_t *st, int32_t t0, int32_t n)) {
    const int32_t s = st->job->part.dims.seq_len;
    while (begin < end) {
        st->h = begin / s;
        const int32_t t0 = begin - st->h * s, n = vs__min32(end - begin, s - t0);
        run(st, t0, n);
        begin += n;
    }
}

/* ---- step 1: projections --------------------------------------------------------- */

static void vs__mhsa_project(void *arg, uint32_t core, int32_t begin, int32_t end) {
    (void)core;
    vs_mhsa_part_project(&((vs__mhsa_job_t *)arg)->part, begin, end);
}

/* A core's step-1 staging for tiles of `tile` tokens, carved from `base`; returns its bytes. */
static uint32_t vs__project_carve(const vs_mhsa_part_t *m, uint32_t tile, uintptr_t base, vs__stage_t *out) {
    const vs_mhsa_dims_t *d = &m->dims;
    const uint32_t e = (uint32_t)d->embed, p = (uint32_t)d->proj, depth = m->fused ? e : p;
    const uint32_t rows[3] = {depth, m->fused ? 0u : p, p};
    uint32_t at = 0;
    for (int i = 0; i < 3; i++) {
        out->w_l1[i] = (int8_t *)vs__take(base, &at, rows[i] * e);
        out->b_l1[i] = (int32_t *)vs__take(base, &at, 4u * rows[i]);
    }
    for (int i = 0; i < 2; i++) {
        out->x[i] = (int8_t *)vs__take(base, &at, tile * e);
        out->q[i] = (int8_t *)vs__take(base, &at, tile * depth);
        out->k[i] = (int8_t *)vs__take(base, &at, tile * rows[1]);
        out->vt[i] = (int8_t *)vs__take(base, &at, p * tile);
    }
    return at;
}

/* The head's weights into this core's L1 (st->w then points at them there);
 * returns the id of the last copy. */
static uint32_t vs__project_stage_weights(vs__stage_t *st) {
    const vs_mhsa_part_t *m = &st->job->part;
    uint32_t id = 0;
    vs_mhsa_part_head_weights(m, st->h, &st->w);
    for (int i = 0; i < 3; i++) {
        if (!st->w.w[i]) continue;
        id = vs_interp_copy_in(st->w_l1[i], st->w.w[i], (uint32_t)(st->w.rows[i] * m->dims.embed));
        st->w.w[i] = st->w_l1[i];
        if (!st->w.b[i]) continue;
        id = vs_interp_copy_in(st->b_l1[i], st->w.b[i], 4u * (uint32_t)st->w.rows[i]);
        st->w.b[i] = st->b_l1[i];
    }
    return id;
}

static uint32_t vs__project_fetch(void *ctx, uint32_t slot, int32_t r0, int32_t rows) {
    vs__stage_t *st = (vs__stage_t *)ctx;
    const vs_mhsa_part_t *m = &st->job->part;
    return vs_interp_copy_in(st->x[slot], m->x + r0 * m->dims.embed, (uint32_t)(rows * m->dims.embed));
}

static uint32_t vs__project_compute(void *ctx, uint32_t slot, int32_t r0, int32_t rows) {
    vs__stage_t *st = (vs__stage_t *)ctx;
    const vs_mhsa_part_t *m = &st->job->part;
    const int32_t s = m->dims.seq_len, p = m->dims.proj, depth = m->fused ? m->dims.embed : p;
    const int32_t row = st->h * s + r0;
    vs_mhsa_part_project_rows(m, rows, st->x[slot], &st->w, st->q[slot], st->k[slot], st->vt[slot], rows);
    vs_interp_copy_out(m->qt + row * depth, st->q[slot], (uint32_t)(rows * depth));
    if (!m->fused) vs_interp_copy_out(m->k + row * p, st->k[slot], (uint32_t)(rows * p));
    return vs_interp_copy_out_rows(m->vt + st->h * p * ((s + 3) & ~3) + r0, (uint32_t)((s + 3) & ~3), st->vt[slot],
                                   (uint32_t)rows, (uint32_t)p);
}

static void vs__project_run(vs__stage_t *st, int32_t t0, int32_t n) {
    const vs_mhsa_part_t *m = &st->job->part;
    const int32_t s = m->dims.seq_len, s4 = (s + 3) & ~3, p = m->dims.proj;
    const vs__pipe_t pipe = {st, vs__project_fetch, vs__project_compute};
    vs__pipe_run(&pipe, t0, n, st->job->tile, vs__project_stage_weights(st));
    if (t0 + n == s) { /* V^T's zero padding, as the kernel's own step 1 writes it */
        int8_t *vt = m->vt + st->h * p * s4;
        for (int32_t r = 0; r < p; r++) memset(vt + r * s4 + s, 0, (size_t)(s4 - s));
    }
}

static void vs__mhsa_project_staged(void *arg, uint32_t core, int32_t begin, int32_t end) {
    const vs__mhsa_job_t *j = (const vs__mhsa_job_t *)arg;
    vs__stage_t st;
    st.job = j;
    vs__project_carve(&j->part, (uint32_t)j->tile, (uintptr_t)vs__core_l1(j, core), &st);
    vs__head_runs(&st, begin, end, vs__project_run);
}

/* ---- step 2: attention ---------------------------------------------------------- */

static void vs__mhsa_attend(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__mhsa_job_t *j = (vs__mhsa_job_t *)arg;
    vs_mhsa_part_attend(&j->part, begin * j->item_rows, end * j->item_rows,
                        j->exps + core * (uint32_t)j->part.dims.seq_len);
}

static uint32_t vs__attend_fetch(void *ctx, uint32_t slot, int32_t r0, int32_t rows) {
    vs__stage_t *st = (vs__stage_t *)ctx;
    return vs_interp_copy_in(st->attend.q[slot], st->head.queries + r0 * st->head.query_bytes,
                             (uint32_t)(rows * st->head.query_bytes));
}

static uint32_t vs__attend_compute(void *ctx, uint32_t slot, int32_t r0, int32_t rows) {
    vs__stage_t *st = (vs__stage_t *)ctx;
    const vs_mhsa_l1_t *l1 = &st->attend;
    vs_mhsa_part_attend_rows(&st->job->part, rows, l1->q[slot], l1->keys, l1->vt, l1->rows, st->exp_table, l1->exps,
                             l1->o[slot]);
    return vs_interp_copy_out(st->head.context + r0 * st->head.context_bytes, l1->o[slot],
                              (uint32_t)(rows * st->head.context_bytes));
}

/* Depth-first, query rows [t0, t0 + n) of the head: its keys and V^T into this
 * core's L1, then the query rows through it. */
static void vs__attend_run(vs__stage_t *st, int32_t t0, int32_t n) {
    vs_mhsa_part_head(&st->job->part, st->h, &st->head);
    vs_interp_copy_in(st->attend.keys, st->head.keys, (uint32_t)st->head.keys_bytes);
    const uint32_t kv_id = vs_interp_copy_in(st->attend.vt, st->head.vt, (uint32_t)st->head.vt_bytes);
    const vs__pipe_t pipe = {st, vs__attend_fetch, vs__attend_compute};
    vs__pipe_run(&pipe, t0, n, st->attend.tile, kv_id);
}

static void vs__mhsa_attend_streamed(void *arg, uint32_t core, int32_t begin, int32_t end) {
    const vs__mhsa_job_t *j = (const vs__mhsa_job_t *)arg;
    vs__stage_t st;
    st.job = j;
    vs_mhsa_part_l1_carve(&j->part, j->stream_tile, vs__core_l1(j, core), &st.attend);
    st.exp_table = vs_mhsa_part_exp_table(&j->part, (end - begin) * j->item_rows, st.attend.exp_table);
    vs__head_runs(&st, begin * j->item_rows, end * j->item_rows, vs__attend_run);
}

/* ---- step 3: output projection ----------------------------------------------------- */

static void vs__mhsa_output(void *arg, uint32_t core, int32_t begin, int32_t end) {
    (void)core;
    vs_mhsa_part_output(&((vs__mhsa_job_t *)arg)->part, begin, end);
}

/* Wo and bo, shared: E*H*P + 4*E bytes at the start of the L1 taken. */
static uint32_t vs__output_shared_bytes(const vs_mhsa_dims_t *d) {
    return (((uint32_t)(d->embed * d->heads * d->proj) + 3u) & ~3u) + 4u * (uint32_t)d->embed;
}

/* A core's step-3 staging: the context of `tile` tokens (H pieces) and their outputs. */
static uint32_t vs__output_carve(const vs_mhsa_part_t *m, uint32_t tile, uintptr_t base, vs__stage_t *out) {
    const vs_mhsa_dims_t *d = &m->dims;
    uint32_t at = 0;
    for (int i = 0; i < 2; i++) {
        out->o[i] = (int8_t *)vs__take(base, &at, tile * (uint32_t)(d->heads * d->proj));
        out->y[i] = (int8_t *)vs__take(base, &at, tile * (uint32_t)d->embed);
    }
    return at;
}

/* Tile rows' context: head h's rows packed at o + h * rows * P. */
static uint32_t vs__output_fetch(void *ctx, uint32_t slot, int32_t r0, int32_t rows) {
    vs__stage_t *st = (vs__stage_t *)ctx;
    const vs_mhsa_part_t *m = &st->job->part;
    const int32_t s = m->dims.seq_len, p = m->dims.proj;
    uint32_t id = 0;
    for (int32_t h = 0; h < m->dims.heads; h++)
        id = vs_interp_copy_in(st->o[slot] + h * rows * p, m->o + (h * s + r0) * p, (uint32_t)(rows * p));
    return id;
}

static uint32_t vs__output_compute(void *ctx, uint32_t slot, int32_t r0, int32_t rows) {
    vs__stage_t *st = (vs__stage_t *)ctx;
    const vs_mhsa_part_t *m = &st->job->part;
    const int32_t e = m->dims.embed;
    vs_mhsa_part_output_rows(m, rows, st->o[slot], rows * m->dims.proj, st->job->wo, st->job->bo, st->y[slot]);
    return vs_interp_copy_out(m->y + r0 * e, st->y[slot], (uint32_t)(rows * e));
}

/* Core 0 brings Wo and bo into the shared L1; every core then streams its tokens. */
static void vs__mhsa_output_staged(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__mhsa_job_t *j = (vs__mhsa_job_t *)arg;
    const vs_mhsa_dims_t *d = &j->part.dims;
    if (core == 0) {
        const int8_t *wo;
        const int32_t *bo;
        vs_mhsa_part_output_weights(&j->part, &wo, &bo);
        uint8_t *shared = j->l1 - vs__output_shared_bytes(d);
        uint32_t id = vs_interp_copy_in(shared, wo, (uint32_t)(d->embed * d->heads * d->proj));
        j->wo = (const int8_t *)shared;
        j->bo = (const int32_t *)0;
        if (bo) {
            int32_t *bo_l1 = (int32_t *)(void *)(j->l1 - 4u * (uint32_t)d->embed);
            id = vs_interp_copy_in(bo_l1, bo, 4u * (uint32_t)d->embed);
            j->bo = bo_l1;
        }
        vs_interp_copy_wait(id);
    }
    vs_interp_barrier(); /* Wo is in L1 */
    if (begin >= end) return;
    vs__stage_t st;
    st.job = j;
    vs__output_carve(&j->part, (uint32_t)j->tile, (uintptr_t)vs__core_l1(j, core), &st);
    const vs__pipe_t pipe = {&st, vs__output_fetch, vs__output_compute};
    vs__pipe_run(&pipe, begin, end - begin, j->tile, 0);
}

/* ---- the three steps ----------------------------------------------------------------- */

/* A staged step's fast memory: `shared` bytes, then each core's staging for tiles of
 * up to VS_MHSA_STAGE_TILE tokens, halved until it fits. Sets j->tile (0: it does not
 * fit even for one token, or there is no cluster) and j->l1. */
#define VS_MHSA_STAGE_TILE 32
typedef uint32_t (*vs__carve_t)(const vs_mhsa_part_t *m, uint32_t tile, uintptr_t base, vs__stage_t *out);
static void vs__stage_alloc(vs__mhsa_job_t *j, uint32_t shared, vs__carve_t carve) {
    const uint32_t cores = vs_interp_cores();
    vs__stage_t unused;
    j->tile = 0;
    if (cores == 0) return;
    for (int32_t tile = vs__min32(VS_MHSA_STAGE_TILE, j->part.dims.seq_len); tile > 0; tile /= 2) {
        j->l1_per_core = carve(&j->part, (uint32_t)tile, 0, &unused);
        uint8_t *l1 = (uint8_t *)vs_interp_fast_alloc(shared + cores * j->l1_per_core);
        if (l1) {
            j->l1 = l1 + shared;
            j->tile = tile;
            return;
        }
    }
}

vs_status_t vs_par_mhsa(const vs_mhsa_dims_t *dims, const vs_mhsa_params_t *params,
                        const int8_t *x, const vs_mhsa_weights_t *weights,
                        const vs_mhsa_fused_weights_t *fused_weights, int8_t *y, void *scratch,
                        int split_heads, int32_t stream_tile) {
    vs__mhsa_job_t j;
    if (vs_mhsa_part_init(&j.part, dims, params, x, weights, fused_weights, y, scratch) != VS_OK)
        return VS_ERR_ARG;
    const int32_t s = dims->seq_len, items = dims->heads * s;
    j.item_rows = split_heads ? s : 1;
    j.stream_tile = stream_tile;
    j.exps = (uint32_t *)0;
    vs__stage_alloc(&j, 0, vs__project_carve);
    VS_PHASE_BEGIN(VS_PHASE_PROJ);
    vs_interp_parallel(j.tile > 0 ? vs__mhsa_project_staged : vs__mhsa_project, &j, items);
    VS_PHASE_END(VS_PHASE_PROJ);
    vs_interp_fast_free();
    if (stream_tile > 0) {
        const int32_t per_core = vs_mhsa_part_l1_bytes(dims, fused_weights != 0, stream_tile);
        if (per_core < 0) return VS_ERR_ARG;
        j.l1_per_core = (uint32_t)per_core;
        j.l1 = (uint8_t *)vs_interp_fast_alloc(vs_interp_cores() * j.l1_per_core);
        if (!j.l1) return VS_ERR_ARG; /* deploy checked the L1 budget */
    } else {
        j.exps = (uint32_t *)vs_interp_fast_alloc(vs_interp_cores() * 4u * (uint32_t)s);
        if (!j.exps) return VS_ERR_ARG;
    }
    VS_PHASE_BEGIN(VS_PHASE_SCORES);
    vs_interp_parallel(stream_tile > 0 ? vs__mhsa_attend_streamed : vs__mhsa_attend, &j,
                       split_heads ? dims->heads : items);
    VS_PHASE_END(VS_PHASE_SCORES);
    vs_interp_fast_free();
    vs__stage_alloc(&j, vs__output_shared_bytes(dims), vs__output_carve);
    VS_PHASE_BEGIN(VS_PHASE_OUT);
    vs_interp_parallel(j.tile > 0 ? vs__mhsa_output_staged : vs__mhsa_output, &j, s);
    VS_PHASE_END(VS_PHASE_OUT);
    vs_interp_fast_free();
    return VS_OK;
}
