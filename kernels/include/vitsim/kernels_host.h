/*
 * Host-only helpers for the vitsim kernels: turn real (float) scales into the
 * integer parameters of vitsim/kernels.h. Used by the deployment tool and the
 * tests; part of the host libraries only (it uses double), never of the
 * firmware sources.
 */
#ifndef VITSIM_KERNELS_HOST_H
#define VITSIM_KERNELS_HOST_H

#include "vitsim/kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * 64-bit requant form for a real multiplier m > 0: mul in [2^30, 2^31),
 * shift in [1, 62], mul * 2^-shift ~ m (round to nearest). Multipliers too
 * large (>= 2^30) or too small (< 2^-31) are clamped to the representable range.
 */
vs_quant_t vs_quant_from_real(double m);

/* 32-bit requant form: |mul| < 2^22 (largest such mul), shift in [1, 30]. */
vs_quant_t vs_quant32_from_real(double m);

/* Softmax input rescale for int8 scores with scale in_scale. */
vs_softmax_params_t vs_softmax_params_from_scale(double in_scale);

/* GELU for int8 input scale in_scale and int8 output scale out_scale. */
vs_gelu_params_t vs_gelu_params_from_scales(double in_scale, double out_scale);

/*
 * LayerNorm for rows of `cols` values: input scale in_scale, gamma scale
 * gamma_scale, output scale out_scale, eps as in PyTorch (added to the variance).
 * beta must then be quantized at vs_layernorm_beta_scale(gamma_scale).
 */
vs_layernorm_params_t vs_layernorm_params_from_scales(int32_t cols, double in_scale,
                                                      double gamma_scale, double out_scale,
                                                      double eps, int32_t sqrt_method,
                                                      int32_t newton_steps);
double vs_layernorm_beta_scale(double gamma_scale);

/* Residual add y = a + b with scales a_scale, b_scale -> out_scale. */
vs_add_params_t vs_add_params_from_scales(double a_scale, double b_scale, double out_scale);

/* Real value of int8 softmax output probabilities: 2^-7. */
double vs_softmax_out_scale(void);

#ifdef __cplusplus
}
#endif
#endif /* VITSIM_KERNELS_HOST_H */
