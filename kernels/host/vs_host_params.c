/*
 * Host-only: real scales -> integer kernel parameters (see kernels_host.h).
 * The constants mirror those of the kernels (docs/kernels.md).
 */
#include <math.h>

#include "vitsim/kernels_host.h"

/* Fixed-point working scales of the kernels. */
#define VS_WORK_SCALE 1024.0    /* softmax / GELU inputs in Q10 */
#define VS_GELU_A 0.2888        /* |a| of the I-BERT erf polynomial */

/* mul * 2^-shift ~ m with |mul| in [2^(bits-1), 2^bits), shift clamped to [1, max_shift]. */
static vs_quant_t vs__quant(double m, int bits, int max_shift) {
    vs_quant_t q = {0, max_shift};
    if (m == 0.0 || !isfinite(m)) return q;
    const double a = fabs(m);
    int e;
    const double f = frexp(a, &e); /* a = f * 2^e, f in [0.5, 1) */
    double mul = nearbyint(ldexp(f, bits));
    int shift = bits - e;
    if (mul >= ldexp(1.0, bits)) { /* f rounded up to 1.0 */
        mul /= 2;
        shift -= 1;
    }
    if (shift > max_shift) { /* tiny multiplier: fewer significant bits */
        mul = nearbyint(ldexp(a, max_shift));
        shift = max_shift;
    } else if (shift < 1) { /* huge multiplier: saturate */
        mul = ldexp(1.0, bits) - 1;
        shift = 1;
    }
    q.mul = (int32_t)(m < 0 ? -mul : mul);
    q.shift = shift;
    return q;
}

vs_quant_t vs_quant_from_real(double m) { return vs__quant(m, 31, VS_QUANT_SHIFT_MAX); }

vs_quant_t vs_quant32_from_real(double m) { return vs__quant(m, 22, VS_QUANT32_SHIFT_MAX); }

vs_softmax_params_t vs_softmax_params_from_scale(double in_scale) {
    vs_softmax_params_t p;
    p.in = vs_quant32_from_real(in_scale * VS_WORK_SCALE);
    return p;
}

vs_gelu_params_t vs_gelu_params_from_scales(double in_scale, double out_scale) {
    vs_gelu_params_t p;
    p.in = vs_quant32_from_real(in_scale * VS_WORK_SCALE / sqrt(2.0));
    p.out = vs_quant_from_real(in_scale * VS_GELU_A * ldexp(1.0, -21) / out_scale);
    return p;
}

double vs_layernorm_beta_scale(double gamma_scale) {
    return gamma_scale * ldexp(1.0, -VS_LAYERNORM_FRAC_BITS);
}

vs_layernorm_params_t vs_layernorm_params_from_scales(int32_t cols, double in_scale,
                                                      double gamma_scale, double out_scale,
                                                      double eps, int32_t sqrt_method,
                                                      int32_t newton_steps) {
    vs_layernorm_params_t p;
    p.sqrt_method = sqrt_method;
    p.newton_steps = newton_steps;
    const double e = nearbyint((double)cols * cols * eps / (in_scale * in_scale));
    p.eps = e < 1.0 ? 1u : (e > 4294967295.0 ? 0xFFFFFFFFu : (uint32_t)e);
    p.out = vs_quant_from_real(vs_layernorm_beta_scale(gamma_scale) / out_scale);
    return p;
}

vs_add_params_t vs_add_params_from_scales(double a_scale, double b_scale, double out_scale) {
    const double ma = a_scale / out_scale, mb = b_scale / out_scale;
    vs_add_params_t p = {0, 0, 1};
    /* The largest common shift that keeps both multipliers below 2^22. */
    for (int shift = VS_QUANT32_SHIFT_MAX; shift >= 1; shift--) {
        const double a = nearbyint(ldexp(ma, shift)), b = nearbyint(ldexp(mb, shift));
        if (fabs(a) < VS_QUANT32_MUL_LIMIT && fabs(b) < VS_QUANT32_MUL_LIMIT) {
            p.a_mul = (int32_t)a;
            p.b_mul = (int32_t)b;
            p.shift = shift;
            return p;
        }
    }
    p.a_mul = ma > 0 ? VS_QUANT32_MUL_LIMIT - 1 : -(VS_QUANT32_MUL_LIMIT - 1);
    p.b_mul = mb > 0 ? VS_QUANT32_MUL_LIMIT - 1 : -(VS_QUANT32_MUL_LIMIT - 1);
    return p;
}

double vs_softmax_out_scale(void) { return ldexp(1.0, -VS_SOFTMAX_OUT_SHIFT); }
