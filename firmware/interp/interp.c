/*
 * vitsim network interpreter (see interp.h and docs/deploy.md).
 *
 * One function per op turns a layer record into kernel calls. Weight tensors
 * are read in place from flash/qspi, or, for staged layers, from the copy the
 * interpreter makes into the arena just before the kernel runs (one copy per
 * weight group). Nothing here allocates: every buffer is an arena offset the
 * deploy tool planned.
 */
#include <string.h>

#include "interp.h"
#include "interp_engine.h"
#include "interp_parallel.h"
#include "interp_platform.h"
#include "vitsim/kernels.h"
#if defined(VS_CLUSTER) && VS_CLUSTER
#include "interp_tiling.h"
#endif
#include "vs_phase.h"

/* The layout is part of the format: fail the build if a compiler pads it. */
typedef char vs__header_size_check[sizeof(vs_model_header_t) == 128 ? 1 : -1];
typedef char vs__record_size_check[sizeof(vs_layer_record_t) == 256 ? 1 : -1];

typedef struct {
    const vs_model_header_t *hdr;
    uint8_t *arena;
    const uint8_t *weights; /* where header.weights_address can be read */
    const vs_l1_plan_t *l1_plans; /* one per layer, or NULL (vs_model.h) */
    const vs_layer_record_t *records;
} vs__ctx_t;

/* Built for a profile with a cluster (VS_CLUSTER=1, firmware/interp/CMakeLists.txt):
 * the layers run on its cores. Elsewhere the test compiles away, so the
 * single-core interpreter is the code it always was. */
#ifndef VS_CLUSTER
#define VS_CLUSTER 0
#endif
static int vs__on_cluster(void) { return VS_CLUSTER && vs_interp_cores() > 0; }

#if VS_CLUSTER
/* The layer's L1 plan when it runs tiled on the cluster, else NULL (the layer
 * then reads its operands where they are). */
static const vs_l1_plan_t *vs__l1_plan(const vs__ctx_t *c, const vs_layer_record_t *r) {
    if (!vs__on_cluster() || !c->l1_plans) return (const vs_l1_plan_t *)0;
    const vs_l1_plan_t *plan = &c->l1_plans[r - c->records];
    return plan->tile_rows ? plan : (const vs_l1_plan_t *)0;
}
#endif

static uint32_t vs__align4(uint32_t n) { return (n + 3u) & ~3u; }

static vs_quant_t vs__quant(const int32_t *p) {
    vs_quant_t q;
    q.mul = p[0];
    q.shift = p[1];
    return q;
}

/* [offset, offset + bytes) inside [0, limit), without overflow. */
static int vs__inside(uint32_t offset, uint32_t bytes, uint32_t limit) {
    return offset <= limit && bytes <= limit - offset;
}

static int vs__check_record(const vs__ctx_t *c, const vs_layer_record_t *r) {
    const vs_model_header_t *h = c->hdr;
    if (r->group_count == 0 || r->in_offset >= h->arena_bytes || r->out_offset >= h->arena_bytes ||
        r->in2_offset >= h->arena_bytes)
        return VS_RUN_ERR_RANGE;
    if (r->scratch_bytes && !vs__inside(r->scratch_offset, r->scratch_bytes, h->arena_bytes)) return VS_RUN_ERR_RANGE;
    if (r->weight_bytes) {
        if (r->weight_address < h->weights_address ||
            !vs__inside(r->weight_address - h->weights_address, r->weight_bytes, h->weights_bytes) ||
            (uint64_t)r->group_bytes * r->group_count > r->weight_bytes)
            return VS_RUN_ERR_RANGE;
        if ((r->flags & VS_LAYER_STAGED) && !vs__inside(r->staging_offset, r->group_bytes, h->arena_bytes))
            return VS_RUN_ERR_RANGE;
    }
    return VS_RUN_OK;
}

/* The weight tensors of group g: staged into the arena first, or in place. */
static int vs__group_base(const vs__ctx_t *c, const vs_layer_record_t *r, uint32_t g, const uint8_t **base) {
    const uint8_t *src = c->weights + (r->weight_address - c->hdr->weights_address) + g * r->group_bytes;
    if (!(r->flags & VS_LAYER_STAGED)) {
        *base = src;
        return VS_RUN_OK;
    }
    uint8_t *dst = c->arena + r->staging_offset;
    if (vs_interp_copy(dst, src, r->group_bytes) != 0) return VS_RUN_ERR_COPY;
    *base = dst;
    return VS_RUN_OK;
}

static const void *vs__tensor(const vs_layer_record_t *r, const uint8_t *base, int k) {
    return r->tensor[k] == VS_NO_TENSOR ? (const void *)0 : (const void *)(base + r->tensor[k]);
}

static int vs__status(vs_status_t s) { return s == VS_OK ? VS_RUN_OK : VS_RUN_ERR_KERNEL; }

static int vs__gelu_in_place(const vs_layer_record_t *r, int8_t *y, int32_t rows, int32_t cols, const int32_t *p) {
    if (!(r->flags & VS_LAYER_GELU)) return VS_RUN_OK;
    vs_mat_dims_t d;
    vs_gelu_params_t gp;
    d.rows = rows;
    d.cols = cols;
    gp.in = vs__quant(p);
    gp.out = vs__quant(p + 2);
    VS_PHASE_BEGIN(VS_PHASE_ACTIVATION);
    const int st = vs__status(vs__on_cluster() ? vs_par_gelu_in_place(&d, &gp, y) : vs_gelu_s8(&d, &gp, y, y));
    VS_PHASE_END(VS_PHASE_ACTIVATION);
    return st;
}

static int vs__patch_embed(const vs__ctx_t *c, const vs_layer_record_t *r) {
    vs_patch_dims_t d;
    const vs_quant_t q = vs__quant(r->param);
    const int32_t embed = r->dim[4], sub = r->dim[5], group_embed = r->dim[6], tokens = r->dim[7];
    const int8_t *x = (const int8_t *)(c->arena + r->in_offset);
    int8_t *y = (int8_t *)(c->arena + r->out_offset);
    uint8_t *scratch = c->arena + r->scratch_offset;
    /* Several groups: each group's [tokens][group_embed] result is built at the
     * start of the scratch area, the kernel's own scratch follows it. */
    const uint32_t group_out = r->group_count > 1 ? vs__align4((uint32_t)(tokens * group_embed)) : 0;
    d.height = r->dim[0];
    d.width = r->dim[1];
    d.channels = r->dim[2];
    d.patch = r->dim[3];
    d.embed = group_embed;
    for (uint32_t g = 0; g < r->group_count; g++) {
        const uint8_t *base;
        int st = vs__group_base(c, r, g, &base);
        if (st != VS_RUN_OK) return st;
        int8_t *dst = group_out ? (int8_t *)scratch : y;
        const int8_t *w = (const int8_t *)vs__tensor(r, base, 0);
        const int32_t *b = (const int32_t *)vs__tensor(r, base, 1);
        if (vs__on_cluster()) { /* the cores copy their own rows of a group into place */
            st = vs__status(vs_par_patch_embed(&d, sub, &q, x, w, b, dst,
                                               group_out ? y + (int32_t)g * group_embed : (int8_t *)0, embed,
                                               scratch + group_out));
            if (st != VS_RUN_OK) return st;
            continue;
        }
        st = vs__status(sub ? vs_patch_embed_decomposed_s8(&d, sub, &q, x, w, b, dst, scratch + group_out)
                            : vs_patch_embed_direct_s8(&d, &q, x, w, b, dst, scratch + group_out));
        if (st != VS_RUN_OK) return st;
        if (group_out)
            for (int32_t t = 0; t < tokens; t++)
                memcpy(y + t * embed + (int32_t)g * group_embed, dst + t * group_embed, (size_t)group_embed);
    }
    return VS_RUN_OK;
}

static const int8_t *x_of(const vs__ctx_t *c, const vs_layer_record_t *r) {
    return (const int8_t *)(c->arena + r->in_offset);
}

/* The GEMM and its GELU pass on the same rows, one fork; out of place (variant 0)
 * or token overwriting (variant 1). */
static int vs__linear_on_cluster(const vs__ctx_t *c, const vs_layer_record_t *r, const vs_linear_dims_t *d,
                                 const vs_quant_t *q, const int8_t *x, const int8_t *w, const int32_t *b, int8_t *y,
                                 void *scratch) {
    vs_gelu_params_t gp;
    gp.in = vs__quant(r->param + 2);
    gp.out = vs__quant(r->param + 4);
    const vs_gelu_params_t *gelu = (r->flags & VS_LAYER_GELU) ? &gp : (const vs_gelu_params_t *)0;
#if VS_CLUSTER
    const vs_l1_plan_t *plan = vs__l1_plan(c, r);
    if (plan) return vs__status(vs_tiled_linear(plan, d, q, x, w, b, y, gelu));
#else
    (void)c;
#endif
    return vs__status(r->variant == 1 ? vs_par_linear_overwrite(d, q, y, w, b, gelu, scratch)
                                      : vs_par_linear(d, q, x, w, b, y, gelu));
}

/* Deploy's row split of an out-of-place linear layer (dim[3]: the cores' rows, the
 * last ones; docs/engine.md): the engine and the cores at once, GELU included.
 * 1 done, 0 not split (no split planned, no L1 plan, or the engine cannot take it), -1 error. */
static int vs__linear_split(const vs__ctx_t *c, const vs_layer_record_t *r, const vs_linear_dims_t *d,
                            const vs_quant_t *q, const int8_t *x, const int8_t *w, const int32_t *b, int8_t *y) {
#if VS_CLUSTER
    const vs_l1_plan_t *plan = vs__l1_plan(c, r);
    if (r->variant != 0 || r->dim[3] <= 0 || !plan) return 0;
    vs_gelu_params_t gp;
    gp.in = vs__quant(r->param + 2);
    gp.out = vs__quant(r->param + 4);
    return vs_engine_linear_split(plan, d, q, x, w, b, y, (r->flags & VS_LAYER_GELU) ? &gp : (const vs_gelu_params_t *)0,
                                  r->dim[3]);
#else
    (void)c, (void)r, (void)d, (void)q, (void)x, (void)w, (void)b, (void)y;
    return 0;
#endif
}

/* The matrix engine first where the model asks for it and the shape fits, else the
 * cluster's cores, else this core; GELU after the GEMM (the cluster's pass does it on
 * its own rows). One GEMM phase whichever ran it. */
static int vs__linear(const vs__ctx_t *c, const vs_layer_record_t *r) {
    vs_linear_dims_t d;
    const vs_quant_t q = vs__quant(r->param);
    const uint8_t *base;
    int st = vs__group_base(c, r, 0, &base);
    if (st != VS_RUN_OK) return st;
    d.tokens = r->dim[0];
    d.in_features = r->dim[1];
    d.out_features = r->dim[2];
    const int8_t *w = (const int8_t *)vs__tensor(r, base, 0);
    const int32_t *b = (const int32_t *)vs__tensor(r, base, 1);
    int8_t *y = (int8_t *)(c->arena + r->out_offset);
    void *scratch = c->arena + r->scratch_offset;
    if (r->variant > 1) return VS_RUN_ERR_OP;
    /* token-overwrite (variant 1) reads its input from y itself */
    const int8_t *x = r->variant == 1 ? y : x_of(c, r);
    VS_PHASE_BEGIN(VS_PHASE_GEMM);
    const int engine = (c->hdr->flags & VS_MODEL_FLAG_ENGINE) != 0;
    const int split = engine ? vs__linear_split(c, r, &d, &q, x, w, b, y) : 0;
    if (split) {
        VS_PHASE_END(VS_PHASE_GEMM);
        return split > 0 ? VS_RUN_OK : VS_RUN_ERR_OP;
    }
    const int offloaded = engine ? vs_interp_linear_offload(d.tokens, d.in_features, d.out_features, q.mul, q.shift, x, w, b, y)
                              : 0;
    const int gelu_done = !offloaded && vs__on_cluster();
    if (offloaded)
        st = offloaded > 0 ? VS_RUN_OK : VS_RUN_ERR_OP;
    else if (gelu_done)
        st = vs__linear_on_cluster(c, r, &d, &q, x, w, b, y, scratch);
    else if (r->variant == 1)
        st = vs__status(vs_linear_overwrite_s8(&d, &q, y, w, b, scratch));
    else
        st = vs__status(vs_linear_s8(&d, &q, x, w, b, y));
    VS_PHASE_END(VS_PHASE_GEMM);
    if (st != VS_RUN_OK || gelu_done) return st;
    return vs__gelu_in_place(r, y, d.tokens, d.out_features, r->param + 2);
}

static int vs__lowrank(const vs__ctx_t *c, const vs_layer_record_t *r) {
    vs_lowrank_dims_t d;
    vs_lowrank_params_t p;
    vs_lowrank_weights_t w;
    const uint8_t *base;
    int st = vs__group_base(c, r, 0, &base);
    if (st != VS_RUN_OK) return st;
    if (r->variant > 1) return VS_RUN_ERR_OP;
    d.tokens = r->dim[0];
    d.in_features = r->dim[1];
    d.rank = r->dim[2];
    d.out_features = r->dim[3];
    p.q1 = vs__quant(r->param);
    p.q2 = vs__quant(r->param + 2);
    p.q3 = vs__quant(r->param + 4);
    w.w1 = (const int8_t *)vs__tensor(r, base, 0);
    w.b1 = (const int32_t *)vs__tensor(r, base, 1);
    w.w2 = (const int8_t *)vs__tensor(r, base, 2);
    w.b2 = (const int32_t *)vs__tensor(r, base, 3);
    w.w3 = (const int8_t *)vs__tensor(r, base, 4);
    w.b3 = (const int32_t *)vs__tensor(r, base, 5);
    int8_t *y = (int8_t *)(c->arena + r->out_offset);
    const int8_t *x = (const int8_t *)(c->arena + r->in_offset);
    void *scratch = c->arena + r->scratch_offset;
    if (vs__on_cluster()) { /* the GELU on the same rows, in the same fork */
        vs_gelu_params_t gp;
        gp.in = vs__quant(r->param + 6);
        gp.out = vs__quant(r->param + 8);
        VS_PHASE_BEGIN(VS_PHASE_GEMM);
        st = vs__status(vs_par_lowrank(&d, r->dim[4], &p, x, &w, y,
                                       (r->flags & VS_LAYER_GELU) ? &gp : (const vs_gelu_params_t *)0, scratch));
        VS_PHASE_END(VS_PHASE_GEMM);
        return st;
    }
    VS_PHASE_BEGIN(VS_PHASE_GEMM);
    st = vs__status(vs_linear_lowrank_s8(&d, r->dim[4], &p, x, &w, y, scratch));
    VS_PHASE_END(VS_PHASE_GEMM);
    if (st != VS_RUN_OK) return st;
    return vs__gelu_in_place(r, y, d.tokens, d.out_features, r->param + 6);
}

static int vs__layernorm(const vs__ctx_t *c, const vs_layer_record_t *r) {
    vs_mat_dims_t d;
    vs_layernorm_params_t p;
    const uint8_t *base;
    int st = vs__group_base(c, r, 0, &base);
    if (st != VS_RUN_OK) return st;
    d.rows = r->dim[0];
    d.cols = r->dim[1];
    p.sqrt_method = r->param[0];
    p.newton_steps = r->param[1];
    p.eps = (uint32_t)r->param[2];
    p.out = vs__quant(r->param + 3);
    const int8_t *gamma = (const int8_t *)vs__tensor(r, base, 0);
    const int32_t *beta = (const int32_t *)vs__tensor(r, base, 1);
    int8_t *y = (int8_t *)(c->arena + r->out_offset);
#if VS_CLUSTER
    const vs_l1_plan_t *plan = vs__l1_plan(c, r);
    if (plan && gamma && beta) return vs__status(vs_tiled_layernorm(plan, &d, &p, x_of(c, r), gamma, beta, y));
#endif
    if (vs__on_cluster()) return vs__status(vs_par_layernorm(&d, &p, x_of(c, r), gamma, beta, y));
    return vs__status(vs_layernorm_s8(&d, &p, x_of(c, r), gamma, beta, y));
}

/* On a cluster the schedules run as the steps of vs_par_mhsa: layer-wise with the
 * whole map in the scratch, depth-first streaming each head's query tiles through
 * L1 (no map); the record's scratch must hold their buffers (deploy plans them for
 * cluster profiles). Returns the tile to stream with (0: layer-wise), -1 if the
 * scratch is too small. */
static int32_t vs__cluster_mhsa_tile(const vs_layer_record_t *r, const vs_mhsa_dims_t *d, int fused) {
    const int depth_first = r->variant == VS_MHSA_DEPTHFIRST || r->variant == VS_MHSA_FUSED_DEPTHFIRST;
    const int32_t needed = depth_first ? vs_mhsa_part_streamed_scratch_bytes(d, fused)
                           : fused     ? vs_mhsa_fused_layerwise_s8_scratch_bytes(d)
                                       : vs_mhsa_layerwise_s8_scratch_bytes(d);
    if (needed < 0 || (uint32_t)needed > r->scratch_bytes) return -1;
    return depth_first ? r->dim[4] : 0;
}

static int vs__mhsa(const vs__ctx_t *c, const vs_layer_record_t *r) {
    vs_mhsa_dims_t d;
    vs_mhsa_params_t p;
    const uint8_t *base;
    int st = vs__group_base(c, r, 0, &base);
    if (st != VS_RUN_OK) return st;
    d.seq_len = r->dim[0];
    d.embed = r->dim[1];
    d.proj = r->dim[2];
    d.heads = r->dim[3];
    const int32_t tile = r->dim[4];
    p.q = vs__quant(r->param);
    p.k = vs__quant(r->param + 2);
    p.v = vs__quant(r->param + 4);
    p.fused = vs__quant(r->param + 6);
    p.scores = vs__quant(r->param + 8);
    p.softmax.in = vs__quant(r->param + 10);
    p.context = vs__quant(r->param + 12);
    p.out = vs__quant(r->param + 14);
    const int8_t *x = (const int8_t *)(c->arena + r->in_offset);
    int8_t *y = (int8_t *)(c->arena + r->out_offset);
    void *scratch = c->arena + r->scratch_offset;
    const int split_heads = (r->flags & VS_LAYER_SPLIT_HEADS) != 0;
    if (r->variant == VS_MHSA_LAYERWISE || r->variant == VS_MHSA_DEPTHFIRST) {
        vs_mhsa_weights_t w;
        w.wq = (const int8_t *)vs__tensor(r, base, 0);
        w.wk = (const int8_t *)vs__tensor(r, base, 1);
        w.wv = (const int8_t *)vs__tensor(r, base, 2);
        w.bq = (const int32_t *)vs__tensor(r, base, 3);
        w.bk = (const int32_t *)vs__tensor(r, base, 4);
        w.bv = (const int32_t *)vs__tensor(r, base, 5);
        w.wo = (const int8_t *)vs__tensor(r, base, 6);
        w.bo = (const int32_t *)vs__tensor(r, base, 7);
        if (vs__on_cluster()) {
            /* the GEMMs on the matrix engine where the model asks for it and they fit:
             * its steps are layer-wise, so the scratch holds the whole map (deploy) */
            if ((c->hdr->flags & VS_MODEL_FLAG_ENGINE) &&
                (uint32_t)vs_mhsa_layerwise_s8_scratch_bytes(&d) <= r->scratch_bytes) {
                const int engine = vs_engine_mhsa(&d, &p, x, &w, y, scratch);
                if (engine) return engine > 0 ? VS_RUN_OK : VS_RUN_ERR_OP;
            }
            const int32_t stream_tile = vs__cluster_mhsa_tile(r, &d, 0);
            if (stream_tile < 0) return VS_RUN_ERR_RANGE;
            return vs__status(vs_par_mhsa(&d, &p, x, &w, (const vs_mhsa_fused_weights_t *)0, y, scratch, split_heads,
                                          stream_tile));
        }
        return vs__status(r->variant == VS_MHSA_LAYERWISE ? vs_mhsa_layerwise_s8(&d, &p, x, &w, y, scratch)
                                                          : vs_mhsa_depthfirst_s8(&d, tile, &p, x, &w, y, scratch));
    }
    if (r->variant == VS_MHSA_FUSED_LAYERWISE || r->variant == VS_MHSA_FUSED_DEPTHFIRST) {
        vs_mhsa_fused_weights_t w;
        w.wf = (const int8_t *)vs__tensor(r, base, 0);
        w.bf = (const int32_t *)vs__tensor(r, base, 1);
        w.wv = (const int8_t *)vs__tensor(r, base, 2);
        w.bv = (const int32_t *)vs__tensor(r, base, 3);
        w.wo = (const int8_t *)vs__tensor(r, base, 4);
        w.bo = (const int32_t *)vs__tensor(r, base, 5);
        if (vs__on_cluster()) {
            const int32_t stream_tile = vs__cluster_mhsa_tile(r, &d, 1);
            if (stream_tile < 0) return VS_RUN_ERR_RANGE;
            return vs__status(vs_par_mhsa(&d, &p, x, (const vs_mhsa_weights_t *)0, &w, y, scratch, split_heads,
                                          stream_tile));
        }
        return vs__status(r->variant == VS_MHSA_FUSED_LAYERWISE
                              ? vs_mhsa_fused_layerwise_s8(&d, &p, x, &w, y, scratch)
                              : vs_mhsa_fused_depthfirst_s8(&d, tile, &p, x, &w, y, scratch));
    }
    return VS_RUN_ERR_OP;
}

static int vs__add(const vs__ctx_t *c, const vs_layer_record_t *r) {
    vs_mat_dims_t d;
    vs_add_params_t p;
    const int8_t *b = (const int8_t *)(c->arena + r->in2_offset);
    if (r->flags & VS_LAYER_B_WEIGHT) {
        const uint8_t *base;
        const int st = vs__group_base(c, r, 0, &base);
        if (st != VS_RUN_OK) return st;
        b = (const int8_t *)vs__tensor(r, base, 0);
    }
    d.rows = r->dim[0];
    d.cols = r->dim[1];
    p.a_mul = r->param[0];
    p.b_mul = r->param[1];
    p.shift = r->param[2];
    int8_t *y = (int8_t *)(c->arena + r->out_offset);
#if VS_CLUSTER
    const vs_l1_plan_t *plan = vs__l1_plan(c, r);
    if (plan) return vs__status(vs_tiled_add(plan, &d, &p, x_of(c, r), b, y));
#endif
    if (vs__on_cluster()) return vs__status(vs_par_add(&d, &p, x_of(c, r), b, y));
    return vs__status(vs_add_s8(&d, &p, x_of(c, r), b, y));
}

static int vs__class_token(const vs__ctx_t *c, const vs_layer_record_t *r) {
    vs_mat_dims_t d;
    const uint8_t *base;
    const int st = vs__group_base(c, r, 0, &base);
    if (st != VS_RUN_OK) return st;
    d.rows = r->dim[0];
    d.cols = r->dim[1];
    const int8_t *cls = (const int8_t *)vs__tensor(r, base, 0);
    int8_t *y = (int8_t *)(c->arena + r->out_offset);
    if (r->in_offset == r->out_offset + (uint32_t)d.cols) { /* tokens already in rows 1.. */
        memcpy(y, cls, (size_t)d.cols);
        return VS_RUN_OK;
    }
    return vs__status(vs_cls_concat_s8(&d, cls, (const int8_t *)(c->arena + r->in_offset), y));
}

static int vs__mean_pool(const vs__ctx_t *c, const vs_layer_record_t *r) {
    vs_mat_dims_t d;
    const vs_quant_t q = vs__quant(r->param);
    d.rows = r->dim[0];
    d.cols = r->dim[1];
    const int8_t *x = (const int8_t *)(c->arena + r->in_offset);
    int8_t *y = (int8_t *)(c->arena + r->out_offset);
    if (vs__on_cluster()) return vs__status(vs_par_mean_pool(&d, &q, x, y));
    return vs__status(vs_mean_pool_s8(&d, &q, x, y));
}

static int vs__run_layer(const vs__ctx_t *c, const vs_layer_record_t *r) {
    const int st = vs__check_record(c, r);
    if (st != VS_RUN_OK) return st;
    switch (r->op) {
    case VS_OP_PATCH_EMBED: return vs__patch_embed(c, r);
    case VS_OP_LINEAR: return vs__linear(c, r);
    case VS_OP_LOWRANK: return vs__lowrank(c, r);
    case VS_OP_LAYERNORM: return vs__layernorm(c, r);
    case VS_OP_MHSA: return vs__mhsa(c, r);
    case VS_OP_ADD: return vs__add(c, r);
    case VS_OP_CLASS_TOKEN: return vs__class_token(c, r);
    case VS_OP_MEAN_POOL: return vs__mean_pool(c, r);
    default: return VS_RUN_ERR_OP;
    }
}

int vs_model_check_header(const void *image) {
    const vs_model_header_t *h = (const vs_model_header_t *)image;
    if (!h || h->magic != VS_MODEL_MAGIC || h->version != VS_MODEL_VERSION ||
        h->header_bytes != sizeof(vs_model_header_t) || h->record_bytes != sizeof(vs_layer_record_t))
        return VS_RUN_ERR_IMAGE;
    return VS_RUN_OK;
}

uint32_t vs_model_checksum(const void *image) {
    const vs_model_header_t *h = (const vs_model_header_t *)image;
    const uint8_t *p = (const uint8_t *)image;
    const uint32_t skip = (uint32_t)((const uint8_t *)&h->model_checksum - p);
    uint32_t hash = 0x811C9DC5u;
    for (uint32_t i = 0; i < h->model_bytes; i++) {
        const uint8_t byte = (i >= skip && i < skip + 4) ? 0 : p[i];
        hash = (hash ^ byte) * 0x01000193u;
    }
    return hash;
}

int vs_run_model(const void *image, uint8_t *arena, uint32_t arena_bytes, const uint8_t *weights,
                 vs_run_result_t *result) {
    return vs_run_model_input(image, arena, arena_bytes, weights, (const uint8_t *)0, result);
}

int vs_run_model_input(const void *image, uint8_t *arena, uint32_t arena_bytes, const uint8_t *weights,
                       const uint8_t *input, vs_run_result_t *result) {
    vs_run_result_t local;
    vs_run_result_t *res = result ? result : &local;
    vs__ctx_t c;
    res->layer = -1;
    res->status = vs_model_check_header(image);
    if (res->status != VS_RUN_OK) return res->status;
    c.hdr = (const vs_model_header_t *)image;
    c.arena = arena;
    c.weights = weights ? weights : (const uint8_t *)(uintptr_t)c.hdr->weights_address;
    if (!arena || arena_bytes < c.hdr->arena_bytes || ((uintptr_t)arena & 3u)) {
        res->status = VS_RUN_ERR_ARENA;
        return res->status;
    }
    if (!vs__inside(c.hdr->input_arena_offset, c.hdr->input_bytes, c.hdr->arena_bytes) ||
        !vs__inside(c.hdr->output_arena_offset, c.hdr->output_bytes, c.hdr->arena_bytes)) {
        res->status = VS_RUN_ERR_RANGE;
        return res->status;
    }
    /* The input arrives in SRAM before the network starts (as a camera or ADC
     * would deliver it); the copy is outside every layer's window. */
    if (!input) input = (const uint8_t *)image + c.hdr->input_offset;
    if (vs_interp_copy(arena + c.hdr->input_arena_offset, input, c.hdr->input_bytes) != 0) {
        res->status = VS_RUN_ERR_COPY;
        return res->status;
    }
    const vs_layer_record_t *records =
        (const vs_layer_record_t *)((const uint8_t *)image + c.hdr->records_offset);
    c.records = records;
    c.l1_plans = c.hdr->l1_plans_offset && c.hdr->l1_plan_bytes == sizeof(vs_l1_plan_t)
                     ? (const vs_l1_plan_t *)((const uint8_t *)image + c.hdr->l1_plans_offset)
                     : (const vs_l1_plan_t *)0;
    for (uint32_t i = 0; i < c.hdr->layer_count; i++) {
        vs_interp_layer_begin(i);
        const int st = vs__run_layer(&c, &records[i]);
        vs_interp_layer_end(i);
        if (st != VS_RUN_OK) {
            res->layer = (int32_t)i;
            res->status = st;
            return st;
        }
    }
    return VS_RUN_OK;
}
