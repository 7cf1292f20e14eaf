/*
 * kbench: where the int8 kernels spend their cycles on the simulated MCU.
 *
 * For the attention shapes of the paper's models (EEGFormer, ECGFormer, radar)
 * it runs the linear kernel (one Q/K/V-sized projection, S x E -> H*P) and the
 * four MHSA schedules (layer-wise, depth-first, fused layer-wise, fused
 * depth-first), plus a large linear (MCUFormer 145 x 216 -> 216), and prints per
 * call: cycles (mcycle), MACs, MAC/cycle and, when the kernels are built with
 * VS_PHASE_HOOKS=1, the cycles of each phase (kernels/src/vs_phase.h). Every
 * call is also bracketed by a SIMCTRL layer marker (id = 10 * (shape + 1) +
 * kernel, 91 for the large linear), so `vitsim elf ... --json r.json` gives the
 * same windows with their stall breakdown.
 *
 * Data: pseudo-random int8 activations and weights (cycles do not depend on the
 * values except for a few branches of the softmax), requantization scales that
 * keep activations at a realistic spread. The weight matrices of a shape share
 * one pool at different offsets (they differ, and the radar shape fits in
 * 320 KiB next to the layer-wise scratch).
 *
 * Checks on the target: on every timed shape and on odd ones (sizes not
 * multiples of 4, tiles off multiples of 4, input off a word boundary, sharply
 * peaked attention), depth-first == layer-wise and fused depth-first == fused
 * layer-wise, byte for byte. Exit status 0, 1 on a mismatch or kernel error,
 * 2 when the arena is too small.
 * Build, run and the figures: docs/kernels.md, "Measuring (firmware/kbench)".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbench_hooks.h"
#include "vitsim/kernels.h"
#include "vitsim/runtime.h"

#ifndef KBENCH_TILE
#define KBENCH_TILE 8 /* query rows per tile of the depth-first schedules */
#endif
#ifndef KBENCH_CODE
#define KBENCH_CODE "code" /* where the kernels' code runs from (set by CMakeLists.txt) */
#endif
#ifndef KBENCH_ONLY_ID
#define KBENCH_ONLY_ID 0 /* for hot-spot runs: only the call with this marker id (0: all) */
#endif
#ifndef KBENCH_ARENA_BYTES
#define KBENCH_ARENA_BYTES (224 * 1024)
#endif

#if defined(VS_PHASE_HOOKS) && VS_PHASE_HOOKS
#define KBENCH_PHASES 1
#else
#define KBENCH_PHASES 0
#endif

/* ---- data -------------------------------------------------------------------------- */
static uint8_t arena[KBENCH_ARENA_BYTES] __attribute__((aligned(4)));
static uint32_t arena_used;
static int failures;

static void *take(uint32_t bytes) {
    bytes = (bytes + 3u) & ~3u;
    if (arena_used + bytes > sizeof arena) {
        printf("kbench: arena of %u bytes too small (need %u more)\n", (unsigned)sizeof arena,
               (unsigned)(arena_used + bytes - sizeof arena));
        exit(2);
    }
    void *p = arena + arena_used;
    arena_used += bytes;
    return p;
}

static uint32_t rng = 0x2545F491u;
static uint32_t next_u32(void) { /* xorshift32 */
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}
/* uniform in [-64, 63]: realistic int8 activations and weights (std ~37) */
static void fill_s8(int8_t *p, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) p[i] = (int8_t)((int32_t)(next_u32() & 127u) - 64);
}
static void fill_bias(int32_t *p, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) p[i] = (int32_t)(next_u32() & 8191u) - 4096;
}

static uint32_t isqrt(uint32_t n) {
    uint32_t r = 0;
    while ((r + 1) * (r + 1) <= n) r++;
    return r;
}

/* mul * 2^-shift ~ num / den with mul in [2^30, 2^31) (as vs_quant_from_real). */
static vs_quant_t quant_ratio(uint32_t num, uint32_t den) {
    vs_quant_t q = {0, 1};
    while (q.shift < VS_QUANT_SHIFT_MAX &&
           (((uint64_t)num << q.shift) + den / 2) / den < (1u << 30))
        q.shift++;
    q.mul = (int32_t)((((uint64_t)num << q.shift) + den / 2) / den);
    return q;
}
/* Output std ~32 for a dot product of `depth` values of std ~a_std x ~w_std. */
static vs_quant_t quant_for(uint32_t depth, uint32_t a_std, uint32_t w_std) {
    return quant_ratio(32u * 8u, a_std * w_std * isqrt(64u * depth));
}

/* ---- one attention layer's operands ----------------------------------------------- */
typedef struct {
    const vs_mhsa_dims_t *d;
    int tile;
    const int8_t *x;
    vs_mhsa_weights_t w;
    vs_mhsa_fused_weights_t fw;
    vs_mhsa_params_t p, fp;
    int8_t *y, *y_ref; /* outputs: schedule under test, its layer-wise reference */
    void *scratch;     /* large enough for every schedule and for the linear's output */
} mhsa_case_t;

/* Fresh operands in the (emptied) arena; `offset` (0..3) moves x and y off a
 * word boundary; softmax_log2: the scores' scale as a power of two (-4: 1/16). */
static mhsa_case_t make_case(const vs_mhsa_dims_t *d, int tile, int offset, int softmax_log2) {
    const uint32_t s = (uint32_t)d->seq_len, e = (uint32_t)d->embed, p = (uint32_t)d->proj,
                   h = (uint32_t)d->heads, hp = h * p;
    arena_used = 0;
    mhsa_case_t c = {.d = d, .tile = tile};
    int8_t *x = (int8_t *)take(s * e + 4) + offset;
    fill_s8(x, s * e);
    c.x = x;
    /* one pool for all weight matrices, each at its own offset */
    const uint32_t wmax = hp * e > h * e * e ? hp * e : h * e * e;
    int8_t *pool = take(wmax + 256);
    fill_s8(pool, wmax + 256);
    const uint32_t bmax = (hp > h * e ? hp : h * e) + 64;
    int32_t *bpool = take(4 * bmax);
    fill_bias(bpool, bmax);
    c.w = (vs_mhsa_weights_t){pool,  pool + 64,   pool + 128, bpool, bpool + 16, bpool + 32,
                              pool + 192, bpool + 48};
    c.fw = (vs_mhsa_fused_weights_t){pool + 256, bpool, pool + 128, bpool + 32, pool + 192,
                                     bpool + 48};
    c.p.q = c.p.k = c.p.v = quant_for(e, 37, 37);
    c.p.fused = c.p.q;
    c.p.scores = quant_for(p, 32, 32);
    /* Q10 working scale: in.mul * 2^-in.shift = scores scale * 2^10 (mul < 2^22) */
    c.p.softmax.in = (vs_quant_t){1 << (11 + softmax_log2), 1};
    c.p.context = quant_ratio(1, 128);
    c.p.out = quant_for(hp, 32, 37);
    c.fp = c.p;
    c.fp.scores = quant_for(e, 32, 37);
    c.y = (int8_t *)take(s * e + 4) + offset;
    c.y_ref = take(s * e);
    int32_t need = (int32_t)(s * hp);
    const int32_t needs[] = {vs_mhsa_layerwise_s8_scratch_bytes(d),
                             vs_mhsa_depthfirst_s8_scratch_bytes(d, tile),
                             vs_mhsa_fused_layerwise_s8_scratch_bytes(d),
                             vs_mhsa_fused_depthfirst_s8_scratch_bytes(d, tile)};
    for (unsigned i = 0; i < sizeof needs / sizeof needs[0]; i++)
        if (needs[i] > need) need = needs[i];
    c.scratch = take((uint32_t)need);
    return c;
}

static void expect_same(const char *shape, const char *what, const int8_t *a, const int8_t *b,
                        uint32_t n) {
    if (memcmp(a, b, n) != 0) {
        printf("%-10s MISMATCH: %s\n", shape, what);
        failures++;
    }
}

static void expect_ok(const char *shape, const char *what, vs_status_t st) {
    if (st != VS_OK) {
        printf("%-10s FAILED: %s (status %d)\n", shape, what, (int)st);
        failures++;
    }
}

/* ---- timing ------------------------------------------------------------------------ */
typedef struct {
    const char *name;
    vs_mhsa_dims_t d;
} shape_t;
static const shape_t kShapes[] = {
    {"eegformer", {81, 32, 32, 8}},
    {"ecgformer", {66, 16, 2, 8}},
    {"radar", {32, 64, 64, 16}},
};

enum { K_LINEAR = 1, K_LAYERWISE, K_DEPTHFIRST, K_FUSED_LAYERWISE, K_FUSED_DEPTHFIRST };
static const char *const kKernels[] = {"", "linear S*E->H*P", "mhsa layer-wise",
                                       "mhsa depth-first", "fused layer-wise",
                                       "fused depth-first"};

static void print_header(void) {
    printf("%-10s %-19s %9s %9s %7s", "shape", "kernel", "cycles", "MACs", "MAC/cyc");
    if (KBENCH_PHASES) {
#define KBENCH_PHASE_NAME_(name, text) text,
        static const char *const names[] = {VS_PHASES(KBENCH_PHASE_NAME_)};
#undef KBENCH_PHASE_NAME_
        for (int i = 0; i < VS_PHASE_COUNT; i++) printf(" %8.8s", names[i]);
        printf(" %7s", "other");
    }
    printf("\n");
}

static void report(const char *shape, const char *kernel, uint32_t cycles, uint64_t macs) {
    const uint32_t milli = (uint32_t)(macs * 1000u / cycles);
    printf("%-10s %-19s %9lu %9lu %3lu.%03lu", shape, kernel, (unsigned long)cycles,
           (unsigned long)macs, (unsigned long)(milli / 1000), (unsigned long)(milli % 1000));
    if (KBENCH_PHASES) {
        uint32_t sum = 0;
        for (int i = 0; i < VS_PHASE_COUNT; i++) {
            printf(" %8lu", (unsigned long)kbench_phase_cycles[i]);
            sum += kbench_phase_cycles[i];
        }
        printf(" %7lu", (unsigned long)(cycles - sum));
    }
    printf("\n");
}

/* Runs `call` once inside layer marker `id` and prints its line. */
#define MEASURE(id, shape, kernel, macs, call)                                               \
    do {                                                                                     \
        if (KBENCH_ONLY_ID && (id) != KBENCH_ONLY_ID) break;                                 \
        memset(kbench_phase_cycles, 0, sizeof kbench_phase_cycles);                          \
        vs_layer_begin(id);                                                                  \
        const uint32_t t0_ = vs_mcycle();                                                    \
        const vs_status_t st_ = (call);                                                      \
        const uint32_t cycles_ = vs_mcycle() - t0_;                                          \
        vs_layer_end(id);                                                                    \
        expect_ok(shape, kernel, st_);                                                       \
        if (st_ == VS_OK) report(shape, kernel, cycles_, macs);                              \
    } while (0)

static uint64_t mhsa_macs(const vs_mhsa_dims_t *d, int fused) {
    const uint64_t s = d->seq_len, e = d->embed, p = d->proj, h = d->heads;
    const uint64_t attention = h * s * s * p;     /* A V */
    const uint64_t v_and_out = 2 * s * e * h * p; /* V projection, output projection */
    if (fused) return v_and_out + attention + h * s * e * e + h * s * s * e; /* T, T X^T */
    return v_and_out + attention + 2 * s * e * h * p + attention;             /* Q, K, Q K^T */
}

static void bench_shape(int index) {
    const shape_t *sh = &kShapes[index];
    const vs_mhsa_dims_t *d = &sh->d;
    const uint32_t n = (uint32_t)(d->seq_len * d->embed);
    const int id = 10 * (index + 1);
    mhsa_case_t c = make_case(d, KBENCH_TILE, 0, -4);
    const vs_linear_dims_t ld = {d->seq_len, d->embed, d->heads * d->proj};
    MEASURE(id + K_LINEAR, sh->name, kKernels[K_LINEAR],
            (uint64_t)ld.tokens * ld.in_features * ld.out_features,
            vs_linear_s8(&ld, &c.p.q, c.x, c.w.wq, c.w.bq, c.scratch));
    MEASURE(id + K_LAYERWISE, sh->name, kKernels[K_LAYERWISE], mhsa_macs(d, 0),
            vs_mhsa_layerwise_s8(d, &c.p, c.x, &c.w, c.y_ref, c.scratch));
    MEASURE(id + K_DEPTHFIRST, sh->name, kKernels[K_DEPTHFIRST], mhsa_macs(d, 0),
            vs_mhsa_depthfirst_s8(d, c.tile, &c.p, c.x, &c.w, c.y, c.scratch));
    if (!KBENCH_ONLY_ID) expect_same(sh->name, "depth-first != layer-wise", c.y, c.y_ref, n);
    MEASURE(id + K_FUSED_LAYERWISE, sh->name, kKernels[K_FUSED_LAYERWISE], mhsa_macs(d, 1),
            vs_mhsa_fused_layerwise_s8(d, &c.fp, c.x, &c.fw, c.y_ref, c.scratch));
    MEASURE(id + K_FUSED_DEPTHFIRST, sh->name, kKernels[K_FUSED_DEPTHFIRST], mhsa_macs(d, 1),
            vs_mhsa_fused_depthfirst_s8(d, c.tile, &c.fp, c.x, &c.fw, c.y, c.scratch));
    if (!KBENCH_ONLY_ID)
        expect_same(sh->name, "fused depth-first != fused layer-wise", c.y, c.y_ref, n);
}

/* MCUFormer-sized linear (the GEMM core at its best): 145 x 216 -> 216. */
static void bench_big_linear(void) {
    const vs_linear_dims_t ld = {145, 216, 216};
    arena_used = 0;
    int8_t *x = take(145 * 216), *w = take(216 * 216), *y = take(145 * 216);
    int32_t *b = take(4 * 216);
    fill_s8(x, 145 * 216);
    fill_s8(w, 216 * 216);
    fill_bias(b, 216);
    const vs_quant_t q = quant_for(216, 37, 37);
    MEASURE(90 + K_LINEAR, "mcuformer", "linear 145*216->216", 145u * 216u * 216u,
            vs_linear_s8(&ld, &q, x, w, b, y));
}

/* ---- equality on odd shapes -------------------------------------------------------- */
/* Sizes not multiples of 4, tiles off multiples of 4 and larger than S, x and y
 * off a word boundary, sharply peaked attention (softmax at 32 real units per
 * score LSB: one-hot rows, probability saturated to 127). */
static int check_odd_shapes(void) {
    static const vs_mhsa_dims_t shapes[] = {
        {5, 7, 3, 3}, {17, 12, 5, 2}, {9, 20, 6, 3}, {33, 24, 8, 4}, {13, 16, 4, 2}, {2, 1, 1, 1},
    };
    static const int tiles[] = {1, 3, 4, 6, 40};
    int calls = 0;
    for (unsigned i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        for (unsigned t = 0; t < sizeof tiles / sizeof tiles[0]; t++) {
            const vs_mhsa_dims_t *d = &shapes[i];
            const uint32_t n = (uint32_t)(d->seq_len * d->embed);
            mhsa_case_t c = make_case(d, tiles[t], (int)(i + t) & 3, t & 1 ? 5 : -4);
            expect_ok("odd", "layer-wise",
                      vs_mhsa_layerwise_s8(d, &c.p, c.x, &c.w, c.y_ref, c.scratch));
            expect_ok("odd", "depth-first",
                      vs_mhsa_depthfirst_s8(d, c.tile, &c.p, c.x, &c.w, c.y, c.scratch));
            expect_same("odd", "depth-first != layer-wise", c.y, c.y_ref, n);
            expect_ok("odd", "fused layer-wise",
                      vs_mhsa_fused_layerwise_s8(d, &c.fp, c.x, &c.fw, c.y_ref, c.scratch));
            expect_ok("odd", "fused depth-first",
                      vs_mhsa_fused_depthfirst_s8(d, c.tile, &c.fp, c.x, &c.fw, c.y, c.scratch));
            expect_same("odd", "fused depth-first != fused layer-wise", c.y, c.y_ref, n);
            calls += 4;
        }
    return calls;
}

int main(void) {
    printf("kbench on %s: %s kernels, code in %s memory, depth-first tile %d%s\n",
           VITSIM_PROFILE_NAME, vs_kernels_simd() ? "SIMD" : "portable", KBENCH_CODE,
           KBENCH_TILE, KBENCH_PHASES ? ", phase cycles (incl. hook overhead)" : "");
    print_header();
    for (int i = 0; i < (int)(sizeof kShapes / sizeof kShapes[0]); i++) bench_shape(i);
    if (!KBENCH_ONLY_ID || KBENCH_ONLY_ID == 90 + K_LINEAR) bench_big_linear();
    if (!KBENCH_ONLY_ID)
        printf("checked depth-first == layer-wise on %d odd-shape calls\n", check_odd_shapes());
    if (failures) printf("kbench: %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
