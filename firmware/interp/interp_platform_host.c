/* Host platform of the interpreter (golden model): layer markers and weight
 * copies become optional hooks; copies are memcpy. Not thread-safe: one run at
 * a time per process (the hooks are process-wide). */
#include <string.h>

#include "interp_platform.h"

static vs_interp_layer_hook_t vs__layer_hook;
static vs_interp_copy_hook_t vs__copy_hook;
static void *vs__hook_user;

void vs_interp_host_set_hooks(vs_interp_layer_hook_t layer_hook, vs_interp_copy_hook_t copy_hook, void *user) {
    vs__layer_hook = layer_hook;
    vs__copy_hook = copy_hook;
    vs__hook_user = user;
}

void vs_interp_layer_begin(uint32_t index) {
    if (vs__layer_hook) vs__layer_hook(vs__hook_user, index, 0);
}

void vs_interp_layer_end(uint32_t index) {
    if (vs__layer_hook) vs__layer_hook(vs__hook_user, index, 1);
}

int vs_interp_copy(void *dst, const void *src, uint32_t bytes) {
    memcpy(dst, src, bytes);
    if (vs__copy_hook) vs__copy_hook(vs__hook_user, bytes);
    return 0;
}

int vs_interp_linear_offload(int32_t tokens, int32_t in_f, int32_t out_f, int32_t mul, int32_t shift,
                             const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y) {
    (void)tokens, (void)in_f, (void)out_f, (void)mul, (void)shift, (void)x, (void)w, (void)bias, (void)y;
    return 0;
}

int vs_interp_gemm_fits(uint32_t k, int32_t shift) {
    (void)k, (void)shift;
    return 0;
}

int vs_interp_gemm_offload(const vs_interp_gemm_t *g) {
    (void)g;
    return 0;
}
