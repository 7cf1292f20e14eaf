/*
 * Building blocks of the depth-first attention schedules (vs_mhsa.c): operands
 * in "panel" layout, a 4x4 register-blocked GEMM over panels, and a softmax
 * that looks its exponentials up in a table built once per call.
 * Math and measurements: docs/kernels.md, "Depth-first building blocks".
 *
 * Panel layout of a rows x depth int8 matrix: rows in groups of 4, depth in
 * words of 4 bytes (words = align4(depth) / 4). Byte b of word k of row 4g + i
 * is at
 *     ((g * words + k) * 4 + i) * 4 + b,
 * i.e. the 4 rows of a group are interleaved word by word. Packed panels have
 * zero padding (rows beyond `rows`, bytes beyond `depth`: they add nothing to a
 * dot product); panels written by the GEMM below hold computed values in their
 * padding, which vs_mhsa.c only ever multiplies by zeros or does not read. One
 * pointer walks the 4 rows of a group with immediate offsets, so a 4x4 block of
 * outputs needs 2 pointers and 16 accumulators: 8 word loads per 16 sdotp4
 * (the row-major 2x4 GEMM core needs 6 loads and 6 pointers per 8). A 4x4
 * block of outputs written in panel layout is 16 contiguous bytes.
 */
#ifndef VS_ATTENTION_H
#define VS_ATTENTION_H

#include "vs_internal.h"

/* Packs src [rows][depth] (row stride ld, any alignment) into the panel dst
 * (4-byte aligned, align4(rows) * align4(depth) bytes), zero padded. */
void vs__pack_panel(const int8_t *src, int32_t rows, int32_t depth, int32_t ld, int8_t *dst);

/* Copies rows 0..rows-1, bytes 0..depth-1 of a panel to dst [rows][depth] (row
 * stride ld, any alignment). */
void vs__unpack_panel(const int8_t *panel, int32_t rows, int32_t depth, int8_t *dst,
                      int32_t ld);

/* Copies rows 0..rows-1, bytes 0..depth-1 of panel src into rows row0.. and
 * bytes col0.. of panel dst (dst_words words per row). */
void vs__copy_panel(const int8_t *src, int32_t rows, int32_t depth, int8_t *dst,
                    int32_t dst_words, int32_t row0, int32_t col0);

/* dst[0 .. align4(n)) = bias[0 .. n) (or zeros when bias is NULL), zero padded. */
void vs__pack_bias(const int32_t *bias, int32_t n, int32_t *dst);

/*
 * C = requant(init + A B^T) for 4*a_groups rows x 4*b_groups columns, with A and
 * B panels of the same depth (`words` words); init = bias[c] (bias_per_row = 0),
 * bias[r] (= 1) or 0 (bias NULL; a bias array covers every padded row or
 * column). Every output is written, padding included, in panel layout: block
 * (ga, gb) is the 16 bytes at c + (ga * c_groups + gb) * 16, i.e. C is columns
 * 0 .. 4*b_groups-1 of a panel whose rows are c_groups words (c_groups =
 * b_groups when 0). The requantization is the kernels' 64-bit one
 * (vs__requant), so results equal the row-major GEMM core's.
 * Scores mode (row_max not NULL): also row_max[r] (4*a_groups entries) = the
 * maximum of row r over the column groups made of valid columns only, i.e.
 * columns below 4 * (cols / 4); the softmax adds the rest of its row.
 * Accumulate mode (acc not NULL): acc[r * ld_acc + c] += A B^T as int32, every
 * row and column (bias, q, c unused).
 */
typedef struct {
    const int8_t *a, *b;
    int32_t a_groups, b_groups, words;
    const int32_t *bias;
    int32_t bias_per_row;
    vs_quant_t q;
    int8_t *c;
    int32_t c_groups;  /* words per row of the output panel (0: b_groups) */
    int32_t cols;      /* scores mode: valid columns */
    int32_t *row_max;  /* scores mode: per row maxima, or NULL */
    int32_t *acc;      /* accumulate mode: int32 C, or NULL */
    int32_t ld_acc;    /* accumulate mode: row stride of acc */
} vs__pg_t;

void vs__panel_gemm(const vs__pg_t *g);

/* y[i] = requant(acc[i]) for i < n (the kernels' 64-bit requantization). */
void vs__requant_row(const int32_t *acc, int32_t n, const vs_quant_t *q, int8_t *y);

/* Number of entries of the exponential table: x - max(row) of int8 scores. */
#define VS_EXP_TABLE_SIZE 256
/* Below this many exponentials per call the table is not worth its 1 KiB (nor
 * the time to fill it): they are computed one by one. */
#define VS_EXP_TABLE_MIN_EXPS (8 * VS_EXP_TABLE_SIZE)

/* The softmax exponentials of one call: from the table, or computed directly
 * (table NULL) from the input requantization. */
typedef struct {
    const uint32_t *table; /* table[k] = exponential of x - max = -k, or NULL */
    uint32_t largest;      /* the largest table entry */
    int32_t in_mul, in_shift;
} vs__exp_t;

/* Fills table[k] (k = 0..255; table may be NULL: nothing to fill) with the
 * softmax exponential of d = -k, exactly as vs__softmax_row computes it for the
 * same input requantization. */
vs__exp_t vs__exp_table(uint32_t *table, int32_t in_mul, int32_t in_shift);

/*
 * Softmax in place over rows 0..rows-1 of a panel of int8 scores (`words` words
 * per row, `cols` valid columns), with the row maxima of the scores GEMM (over
 * the whole words of valid columns) and the exponentials of vs__exp_table.
 * Valid columns get the same bytes as vs__softmax_row; padding columns of the
 * last word become 0 (they then add nothing to the product with V). exps: cols
 * uint32 of scratch.
 */
void vs__softmax_panel(int8_t *panel, int32_t rows, int32_t cols, int32_t words,
                       const int32_t *row_max, const vs__exp_t *exp, uint32_t *exps);

#endif /* VS_ATTENTION_H */
