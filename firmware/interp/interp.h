/*
 * vitsim network interpreter: runs a model image (vs_model.h) layer by layer by
 * calling the int8 kernels (vitsim/kernels.h). Portable C99, no allocation, no
 * floating point. The same source runs on the RISC-V target (firmware) and on
 * the host, where it is the golden model (sim/deploy/golden.cpp).
 *
 * Every layer is bracketed by vs_interp_layer_begin/end(index) (SIMCTRL
 * markers on the target). Staged layers first copy their weights into the
 * arena with vs_interp_copy (the platform DMA on the target).
 */
#ifndef VITSIM_INTERP_H
#define VITSIM_INTERP_H

#include <stdint.h>

#include "vs_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    VS_RUN_OK = 0,
    VS_RUN_ERR_IMAGE = -1,  /* bad magic, version or record size */
    VS_RUN_ERR_ARENA = -2,  /* arena smaller than header.arena_bytes, or misaligned */
    VS_RUN_ERR_RANGE = -3,  /* a record's scratch/staging/weights lie outside their areas */
    VS_RUN_ERR_OP = -4,     /* unknown op or variant */
    VS_RUN_ERR_KERNEL = -5, /* a kernel returned VS_ERR_ARG */
    VS_RUN_ERR_COPY = -6,   /* the weight copy (DMA) failed */
} vs_run_status_t;

/* Where a run stopped: the failing layer (or -1) and the failure. */
typedef struct {
    int32_t layer;
    int32_t status; /* vs_run_status_t */
} vs_run_result_t;

/*
 * Runs every layer of `image` (header at the start). `arena` holds at least
 * header.arena_bytes bytes, 4-byte aligned; on return the output tensor is at
 * arena + header.output_arena_offset. `weights` is where the weights blob can be
 * read (on the target: (const uint8_t *)header.weights_address, which NULL
 * selects; on the host: the blob's copy in memory). `result` may be NULL.
 * Returns VS_RUN_OK or a negative vs_run_status_t.
 */
int vs_run_model(const void *image, uint8_t *arena, uint32_t arena_bytes, const uint8_t *weights,
                 vs_run_result_t *result);

/*
 * vs_run_model with another input: `input` (header.input_bytes, in the image's
 * input layout) instead of the image's own; NULL = the image's. `vitsim run
 * --inputs` runs its samples through this, one after another, the model loaded once.
 */
int vs_run_model_input(const void *image, uint8_t *arena, uint32_t arena_bytes, const uint8_t *weights,
                       const uint8_t *input, vs_run_result_t *result);

/* Checks magic, version and record size only (cheap). */
int vs_model_check_header(const void *image);

/* FNV-1a 32 of the model part with the checksum field read as 0; compare with
 * header.model_checksum (the interpreter itself does not, to save cycles). */
uint32_t vs_model_checksum(const void *image);

#ifdef __cplusplus
}
#endif
#endif /* VITSIM_INTERP_H */
