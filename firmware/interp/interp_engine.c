/* Attention on the matrix engine and the cluster's cores (interp_engine.h). */
#include "interp_engine.h"

#include "interp_platform.h"
#include "vs_phase.h"

typedef struct {
    vs_mhsa_part_t part;
    uint32_t *exps; /* S per core */
} vs__engine_mhsa_t;

static void vs__values(void *arg, uint32_t core, int32_t begin, int32_t end) {
    (void)core;
    vs_mhsa_part_values(&((vs__engine_mhsa_t *)arg)->part, begin, end);
}

static void vs__softmax(void *arg, uint32_t core, int32_t begin, int32_t end) {
    vs__engine_mhsa_t *j = (vs__engine_mhsa_t *)arg;
    vs_mhsa_part_softmax(&j->part, begin, end, j->exps + core * (uint32_t)j->part.dims.seq_len);
}

/* C [m][n] (ldc) = requant(bias + A [m][k] (lda) . B [n][k] (ldb)) on the engine. */
static int vs__gemm(uint32_t m, uint32_t n, uint32_t k, const int8_t *a, uint32_t lda, const int8_t *b, uint32_t ldb,
                    const int32_t *bias, int8_t *c, uint32_t ldc, const vs_quant_t *q) {
    const vs_interp_gemm_t g = {m, n, k, a, lda, 1, 0, b, ldb, bias, c, ldc, q->mul, q->shift, 0};
    return vs_interp_gemm_offload(&g) == 1 ? 0 : -1;
}

/* Q and K of every head: [H][S][P] each. */
static int vs__project(const vs_mhsa_part_t *m) {
    const vs_mhsa_dims_t *d = &m->dims;
    const uint32_t s = (uint32_t)d->seq_len, e = (uint32_t)d->embed, p = (uint32_t)d->proj;
    const vs_mhsa_weights_t *w = m->weights;
    for (uint32_t h = 0; h < (uint32_t)d->heads; h++) {
        if (vs__gemm(s, p, e, m->x, e, w->wq + h * p * e, e, w->bq ? w->bq + h * p : 0, m->qt + h * s * p, p,
                     &m->params->q) ||
            vs__gemm(s, p, e, m->x, e, w->wk + h * p * e, e, w->bk ? w->bk + h * p : 0, m->k + h * s * p, p,
                     &m->params->k))
            return -1;
    }
    return 0;
}

/* Per head: score rows [S][S4] = requant(Q K^T), or the context [S][P] =
 * requant(probabilities [S][S4] . V^T [P][S4]). */
static int vs__per_head(const vs_mhsa_part_t *m, int context) {
    const vs_mhsa_dims_t *d = &m->dims;
    const uint32_t s = (uint32_t)d->seq_len, s4 = (s + 3u) & ~3u, p = (uint32_t)d->proj;
    for (uint32_t h = 0; h < (uint32_t)d->heads; h++) {
        const int st = context ? vs__gemm(s, p, s4, m->map + h * s * s4, s4, m->vt + h * p * s4, s4, 0,
                                          m->o + h * s * p, p, &m->params->context)
                               : vs__gemm(s, s, p, m->qt + h * s * p, p, m->k + h * s * p, p, 0,
                                          m->map + h * s * s4, s4, &m->params->scores);
        if (st) return -1;
    }
    return 0;
}

/* y [S][E] = requant(O . Wo^T + bo), O's row t the H pieces O[h][t]. */
static int vs__output(const vs_mhsa_part_t *m) {
    const vs_mhsa_dims_t *d = &m->dims;
    const uint32_t s = (uint32_t)d->seq_len, p = (uint32_t)d->proj, hp = (uint32_t)d->heads * p;
    const vs_interp_gemm_t g = {s, (uint32_t)d->embed, hp, m->o, p, (uint32_t)d->heads, s * p, m->weights->wo, hp,
                                m->weights->bo, m->y, (uint32_t)d->embed, m->params->out.mul, m->params->out.shift, 0};
    return vs_interp_gemm_offload(&g) == 1 ? 0 : -1;
}

static int vs__shapes_fit(const vs_mhsa_dims_t *d, const vs_mhsa_params_t *p) {
    const uint32_t s4 = ((uint32_t)d->seq_len + 3u) & ~3u;
    return vs_interp_gemm_fits((uint32_t)d->embed, p->q.shift) && vs_interp_gemm_fits((uint32_t)d->embed, p->k.shift) &&
           vs_interp_gemm_fits((uint32_t)d->proj, p->scores.shift) && vs_interp_gemm_fits(s4, p->context.shift) &&
           vs_interp_gemm_fits((uint32_t)(d->heads * d->proj), p->out.shift);
}

int vs_engine_mhsa(const vs_mhsa_dims_t *dims, const vs_mhsa_params_t *params, const int8_t *x,
                   const vs_mhsa_weights_t *weights, int8_t *y, void *scratch) {
    vs__engine_mhsa_t j;
    if (vs_interp_cores() == 0 || !vs__shapes_fit(dims, params)) return 0;
    if (vs_mhsa_part_init(&j.part, dims, params, x, weights, (const vs_mhsa_fused_weights_t *)0, y, scratch) != VS_OK)
        return -1;
    const int32_t items = dims->heads * dims->seq_len;
    /* the cores compute V^T while the engine does Q and K (different buffers) */
    VS_PHASE_BEGIN(VS_PHASE_PROJ);
    vs_interp_parallel_begin(vs__values, &j, items);
    int st = vs__project(&j.part);
    vs_interp_parallel_end();
    VS_PHASE_END(VS_PHASE_PROJ);
    if (st) return -1;
    VS_PHASE_BEGIN(VS_PHASE_SCORES);
    st = vs__per_head(&j.part, 0);
    /* each core's exponentials in fast memory, which the engine's blocks reuse after */
    j.exps = st ? 0 : (uint32_t *)vs_interp_fast_alloc(vs_interp_cores() * 4u * (uint32_t)dims->seq_len);
    if (j.exps) vs_interp_parallel(vs__softmax, &j, items);
    vs_interp_fast_free();
    if (j.exps) st = vs__per_head(&j.part, 1);
    VS_PHASE_END(VS_PHASE_SCORES);
    if (st || !j.exps) return -1;
    VS_PHASE_BEGIN(VS_PHASE_OUT);
    st = vs__output(&j.part);
    VS_PHASE_END(VS_PHASE_OUT);
    return st ? -1 : 1;
}
