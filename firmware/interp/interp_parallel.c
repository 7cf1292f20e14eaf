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

typedef struct {
    vs_mhsa_part_t part;
    uint32_t *exps;      /* S per core */
    int32_t item_rows;   /* attention items: 1 (head, row) or S (whole heads) */
    int32_t stream_tile; /* > 0: depth-first, query tiles through L1 */
    uint8_t *l1;         /* streamed: l1_per_core bytes per core */
    uint32_t l1_per_core;
} vs__mhsa_job_t;

static void vs__mhsa_project(void *arg, uint32_t core, int32_t begin, int32_t end) {
    (void)core;
    vs_mhsa_part_project(&((vs__mhsa_job_t *)arg)->part, begin, end);
}

static void vs__mhsa_attend(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__mhsa_job_t *j = (vs__mhsa_job_t *)arg;
    vs_mhsa_part_attend(&j->part, begin * j->item_rows, end * j->item_rows,
                        j->exps + core * (uint32_t)j->part.dims.seq_len);
}

/* Depth-first, query rows [t0, t0 + n) of head h: the head's keys and V^T into this
 * core's L1, then tiles of query rows in, context rows out, double-buffered: tile
 * i+1's queries and tile i-1's context move while tile i is computed. */
static void vs__mhsa_stream_head(const vs__mhsa_job_t *j, const vs_mhsa_l1_t *l1, int32_t h, int32_t t0,
                                 int32_t n) {
    vs_mhsa_head_t hd;
    vs_mhsa_part_head(&j->part, h, &hd);
    const int32_t tile = l1->tile, tiles = (n + tile - 1) / tile;
    uint32_t q_id[2] = {0, 0}, o_id[2] = {0, 0};
    vs_interp_copy_in(l1->keys, hd.keys, (uint32_t)hd.keys_bytes);
    const uint32_t kv_id = vs_interp_copy_in(l1->vt, hd.vt, (uint32_t)hd.vt_bytes);
    for (int32_t i = 0; i <= tiles; i++) {
        const int32_t r0 = t0 + i * tile, rows = t0 + n - r0 < tile ? t0 + n - r0 : tile;
        if (i < tiles) /* tile i's queries; tile 0's before waiting for the keys */
            q_id[i & 1] = vs_interp_copy_in(l1->q[i & 1], hd.queries + r0 * hd.query_bytes,
                                            (uint32_t)(rows * hd.query_bytes));
        if (i == 0) {
            vs_interp_copy_wait(kv_id);
            continue;
        }
        const int32_t k = i - 1, k0 = t0 + k * tile, k_rows = t0 + n - k0 < tile ? t0 + n - k0 : tile;
        vs_interp_copy_wait(q_id[k & 1]);
        if (k >= 2) vs_interp_copy_wait(o_id[k & 1]); /* its context buffer went out */
        vs_mhsa_part_attend_rows(&j->part, k_rows, l1->q[k & 1], l1->keys, l1->vt, l1->rows, l1->exps,
                                 l1->o[k & 1]);
        o_id[k & 1] = vs_interp_copy_out(hd.context + k0 * hd.context_bytes, l1->o[k & 1],
                                         (uint32_t)(k_rows * hd.context_bytes));
    }
    vs_interp_copy_wait(o_id[(tiles - 1) & 1]); /* every context row is back before the keys change */
}

static void vs__mhsa_attend_streamed(void *arg, uint32_t core, int32_t begin, int32_t end) {
    const vs__mhsa_job_t *j = (const vs__mhsa_job_t *)arg;
    const int32_t s = j->part.dims.seq_len;
    vs_mhsa_l1_t l1;
    vs_mhsa_part_l1_carve(&j->part, j->stream_tile, j->l1 + core * j->l1_per_core, &l1);
    for (begin *= j->item_rows, end *= j->item_rows; begin < end;) { /* runs of one head */
        const int32_t h = begin / s, t0 = begin - h * s;
        const int32_t n = end - begin < s - t0 ? end - begin : s - t0;
        vs__mhsa_stream_head(j, &l1, h, t0, n);
        begin += n;
    }
}

static void vs__mhsa_output(void *arg, uint32_t core, int32_t begin, int32_t end) {
    (void)core;
    vs_mhsa_part_output(&((vs__mhsa_job_t *)arg)->part, begin, end);
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
    j.l1 = (uint8_t *)0;
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
    VS_PHASE_BEGIN(VS_PHASE_PROJ);
    vs_interp_parallel(vs__mhsa_project, &j, items);
    VS_PHASE_END(VS_PHASE_PROJ);
    VS_PHASE_BEGIN(VS_PHASE_SCORES);
    vs_interp_parallel(stream_tile > 0 ? vs__mhsa_attend_streamed : vs__mhsa_attend, &j,
                       split_heads ? dims->heads : items);
    VS_PHASE_END(VS_PHASE_SCORES);
    VS_PHASE_BEGIN(VS_PHASE_OUT);
    vs_interp_parallel(vs__mhsa_output, &j, s);
    VS_PHASE_END(VS_PHASE_OUT);
    vs_interp_fast_free();
    return VS_OK;
}
