/*
 * vitsim model image format (version 1): the contract between the deploy tool
 * (sim/deploy, host C++) and the network interpreter (firmware/interp, C).
 * docs/deploy.md describes every field; this header is the normative layout.
 *
 * Layout of an image file (all little-endian, every field 32 bit, no pointers,
 * so the layout is the same on the 32-bit target and a 64-bit host):
 *
 *   offset 0                 vs_model_header_t
 *   header.records_offset    layer_count x vs_layer_record_t
 *   header.input_offset      input tensor, input_bytes of int8
 *   (model part ends at header.model_bytes; placed at header.image_address)
 *   header.weights_file_offset  weights blob, weights_bytes (placed at
 *                               header.weights_address: flash after the model
 *                               part, or a separate memory such as qspi)
 *
 * Offsets named *_offset inside records are byte offsets into the activation
 * arena (header.arena_bytes, 4-byte aligned base), except tensor[] (offsets
 * inside the layer's weight group blob). weight_address is an absolute target
 * address inside the weights blob.
 */
#ifndef VITSIM_MODEL_H
#define VITSIM_MODEL_H

#include <stdint.h>

#define VS_MODEL_MAGIC 0x494D5356u /* "VSMI" */
#define VS_MODEL_VERSION 1u

/* header.flags */
#define VS_MODEL_FLAG_SIMD 0x1u   /* deployed for the SIMD kernels (simd=on) */
#define VS_MODEL_FLAG_STAGED 0x2u /* weights=staged: layers copy weights into the arena */
#define VS_MODEL_FLAG_ENGINE 0x4u /* engine=on: linear layers on the matrix engine where they fit */

typedef struct {
    uint32_t magic;               /* VS_MODEL_MAGIC */
    uint32_t version;             /* VS_MODEL_VERSION */
    uint32_t header_bytes;        /* sizeof(vs_model_header_t) = 128 */
    uint32_t record_bytes;        /* sizeof(vs_layer_record_t) = 256 */
    uint32_t layer_count;
    uint32_t records_offset;      /* from the start of the image */
    uint32_t input_offset;        /* input tensor inside the model part */
    uint32_t input_bytes;
    uint32_t model_bytes;         /* header + records + input, padded to 16 */
    uint32_t model_checksum;      /* FNV-1a 32 of the model part, this field as 0 */
    uint32_t image_address;       /* target address of the model part */
    uint32_t weights_address;     /* target address of the weights blob */
    uint32_t weights_bytes;
    uint32_t weights_file_offset; /* where the weights blob is in the image file */
    uint32_t weights_checksum;    /* FNV-1a 32 of the weights blob */
    uint32_t arena_address;       /* 0: the firmware places the arena (its heap start) */
    uint32_t arena_bytes;
    uint32_t input_arena_offset;  /* the input is copied here before layer 0 */
    uint32_t output_arena_offset; /* the output tensor after the last layer */
    uint32_t output_bytes;
    uint32_t flags;               /* VS_MODEL_FLAG_* */
    uint32_t staging_bytes;       /* largest staged weight group (0 if not staged) */
    uint32_t l1_plans_offset;     /* layer_count vs_l1_plan_t in the model part (0: none) */
    uint32_t l1_plan_bytes;       /* sizeof(vs_l1_plan_t) = 64 when there are plans */
    char name[32];                /* network name, NUL-terminated */
} vs_model_header_t;

/* Layer operations (record.op) and their fields. Unused dim/param are 0. */
enum {
    /* dim: height, width, channels, patch, embed, sub (0 = direct), group_embed, tokens
     * param: q.mul, q.shift
     * tensor: [0] w (direct [Eg][p][p][C] or decomposed [(p/sub)^2][Eg][sub][sub][C]),
     *         [1] bias int32 [Eg]; offsets inside each group blob (group_count groups
     *         of group_bytes; group g computes embed columns g*Eg .. g*Eg+Eg-1).
     * With group_count > 1 each group's [tokens][Eg] result is built at the start
     * of the scratch area (rounded up to 4 bytes; the kernel's scratch follows)
     * and then copied into its columns of the output. */
    VS_OP_PATCH_EMBED = 1,
    /* dim: tokens, in_features, out_features
     * variant: 0 out-of-place, 1 token overwrite (out_offset == in_offset)
     * flags: VS_LAYER_GELU applies GELU in place to the output
     * param: q.mul, q.shift, gelu.in.mul, gelu.in.shift, gelu.out.mul, gelu.out.shift
     * tensor: [0] w [out][in], [1] bias int32 [out] or none */
    VS_OP_LINEAR = 2,
    /* dim: tokens, in_features, rank, out_features, tile_tokens
     * variant: 0 out-of-place, 1 in place (out_offset == in_offset)
     * flags: VS_LAYER_GELU; param: q1, q2, q3 (mul, shift each), gelu (4 values)
     * tensor: w1, b1, w2, b2, w3, b3 (biases may be none) */
    VS_OP_LOWRANK = 3,
    /* dim: rows, cols; param: sqrt_method, newton_steps, eps, out.mul, out.shift
     * tensor: [0] gamma int8 [cols], [1] beta int32 [cols] */
    VS_OP_LAYERNORM = 4,
    /* dim: seq_len, embed, proj, heads, tile
     * variant: VS_MHSA_* ; param: q, k, v, fused, scores, softmax.in, context, out
     * (mul, shift each, 16 values)
     * tensor (unfused): wq, wk, wv, bq, bk, bv, wo, bo
     * tensor (fused):   wf, bf, wv, bv, wo, bo */
    VS_OP_MHSA = 5,
    /* dim: rows, cols; param: a_mul, b_mul, shift
     * b is in2_offset, or tensor[0] of the weights with VS_LAYER_B_WEIGHT */
    VS_OP_ADD = 6,
    /* dim: rows (input rows), cols; tensor[0]: the class token [cols].
     * out has rows + 1 rows; in_offset == out_offset + cols means the input is
     * already in rows 1.. (the producer wrote it there): only row 0 is written. */
    VS_OP_CLASS_TOKEN = 7,
    /* dim: rows, cols; param: q.mul, q.shift */
    VS_OP_MEAN_POOL = 8,
};

enum {
    VS_MHSA_LAYERWISE = 0,
    VS_MHSA_DEPTHFIRST = 1,
    VS_MHSA_FUSED_LAYERWISE = 2,
    VS_MHSA_FUSED_DEPTHFIRST = 3,
};

/* record.flags */
#define VS_LAYER_GELU 0x1u     /* GELU on the output, in place */
#define VS_LAYER_STAGED 0x2u   /* copy each weight group to staging_offset first */
#define VS_LAYER_B_WEIGHT 0x4u /* ADD: operand b is weight tensor[0] */
#define VS_LAYER_SPLIT_HEADS 0x8u /* MHSA on a cluster: cores share whole heads (else (head, row) items) */

#define VS_NO_TENSOR 0xFFFFFFFFu

#define VS_RECORD_DIMS 8
#define VS_RECORD_PARAMS 20
#define VS_RECORD_TENSORS 8
#define VS_RECORD_NAME 56

typedef struct {
    uint32_t op;          /* VS_OP_* */
    uint32_t variant;
    uint32_t flags;       /* VS_LAYER_* */
    uint32_t group_count; /* >= 1 */
    int32_t dim[VS_RECORD_DIMS];
    int32_t param[VS_RECORD_PARAMS];
    uint32_t in_offset;
    uint32_t in2_offset;
    uint32_t out_offset;
    uint32_t scratch_offset;
    uint32_t scratch_bytes;
    uint32_t staging_offset; /* arena offset of the staged weights (VS_LAYER_STAGED) */
    uint32_t weight_address; /* absolute target address of group 0's blob */
    uint32_t weight_bytes;   /* all groups */
    uint32_t group_bytes;    /* one group's blob (the amount one staging copy moves) */
    uint32_t tensor[VS_RECORD_TENSORS];
    uint32_t reserved;
    char name[VS_RECORD_NAME];
} vs_layer_record_t;

/*
 * L1 plan of a layer that runs on a cluster (profiles with an L1; docs/deploy.md,
 * "L1 plan"): the layer's rows (tokens) in tiles of tile_rows, a linear layer's
 * output columns in tiles of tile_cols; every operand tile in one of two L1
 * buffers (double buffering: the cluster DMA fills one while the cores compute
 * on the other). Offsets are from the L1 base; both offsets are equal when the
 * operand has a single tile (it is fetched once). tile_rows == 0: not tiled.
 * Buffers:  linear     x, w, bias, y
 *           layernorm  x, gamma, beta, y
 *           add        a, b, -, y
 */
#define VS_L1_BUFFERS 4
enum { VS_L1_X = 0, VS_L1_W = 1, VS_L1_BIAS = 2, VS_L1_Y = 3 };
#define VS_L1_COLS_OUTER 0x1u /* order: every row tile of a column tile, then the next column tile */
#define VS_L1_BACKWARD 0x2u   /* row tiles from the last to the first (token overwrite, out > in) */

typedef struct {
    uint32_t offset[2]; /* L1 offsets of the two buffers */
    uint32_t bytes;     /* one buffer */
} vs_l1_buffer_t;

typedef struct {
    uint32_t tile_rows;   /* rows per tile; 0: the layer is not tiled */
    uint32_t tile_cols;   /* output columns per tile (linear), else the row width */
    uint32_t order;       /* VS_L1_COLS_OUTER, VS_L1_BACKWARD */
    uint32_t peak_bytes;  /* highest L1 byte in use, from the L1 base */
    vs_l1_buffer_t buffer[VS_L1_BUFFERS];
} vs_l1_plan_t;

#endif /* VITSIM_MODEL_H */
