/*
 * vitsim platform contract: peripheral addresses and registers.
 *
 * This one header is shared by the SystemC models (C++) and the firmware (C).
 * Every SoC profile maps these devices at the same addresses; memories differ per
 * profile (see the JSON files in soc/profiles).
 *
 * Exit codes 110..119 are reserved for the simulator (see docs/architecture.md);
 * programs must exit with 0..109.
 */
#ifndef VITSIM_PLATFORM_H
#define VITSIM_PLATFORM_H

/* ---- peripheral window ------------------------------------------------------ */
#define VITSIM_PERIPH_BASE      0x40000000u
#define VITSIM_PERIPH_SIZE      0x00010000u

/* UART console: a byte written to TXDATA appears on the simulator's stdout. */
#define VITSIM_UART_BASE        0x40000000u
#define VITSIM_UART_TXDATA      0x00u /* W: low byte is sent                       */
#define VITSIM_UART_STATUS      0x04u /* R: bit 0 = transmitter ready (always 1)   */

/* SIMCTRL: simulation control (exit, layer markers, counter snapshots). */
#define VITSIM_SIMCTRL_BASE     0x40001000u
#define VITSIM_SIMCTRL_EXIT     0x00u /* W: exit status; ends the simulation        */
#define VITSIM_SIMCTRL_LAYER_BEGIN 0x04u /* W: layer id; opens a profiling window   */
#define VITSIM_SIMCTRL_LAYER_END   0x08u /* W: layer id; closes the window          */
#define VITSIM_SIMCTRL_SNAPSHOT 0x0Cu /* W: tag; records all counters with the tag  */
#define VITSIM_SIMCTRL_STACK_LIMIT 0x10u /* W: lowest legal sp (stack high-water)   */
#define VITSIM_SIMCTRL_HARTS    0x14u /* R: number of cores on this SoC             */
#define VITSIM_SIMCTRL_PHASE_BEGIN 0x18u /* W: phase id; a kernel phase starts      */
#define VITSIM_SIMCTRL_PHASE_END   0x1Cu /* W: phase id; it ends (ids: vs_phase.h)  */
#define VITSIM_SIMCTRL_ENERGY_BEGIN 0x20u /* W: window id; opens an energy window   */
#define VITSIM_SIMCTRL_ENERGY_END   0x24u /* W: window id; closes it (report: energy_windows) */

/* TIMER: free-running counter of core clock cycles (64 bit) and a compare flag. */
#define VITSIM_TIMER_BASE       0x40002000u
#define VITSIM_TIMER_MTIME_LO   0x00u /* R: cycles since reset, low word            */
#define VITSIM_TIMER_MTIME_HI   0x04u /* R: high word                               */
#define VITSIM_TIMER_CMP_LO     0x08u /* RW: compare value, low word                */
#define VITSIM_TIMER_CMP_HI     0x0Cu /* RW: compare value, high word               */
#define VITSIM_TIMER_STATUS     0x10u /* R: bit 0 = mtime >= compare                */
#define VITSIM_TIMER_FREQ_HZ    0x14u /* R: clock frequency of the counter in Hz    */

/* DMA: one channel, memory to memory, runs while the core runs. */
#define VITSIM_DMA_BASE         0x40003000u
#define VITSIM_DMA_SRC          0x00u /* RW: source address                         */
#define VITSIM_DMA_DST          0x04u /* RW: destination address                   */
#define VITSIM_DMA_LEN          0x08u /* RW: bytes to copy                          */
#define VITSIM_DMA_CTRL         0x0Cu /* W: 1 = start                               */
#define VITSIM_DMA_STATUS       0x10u /* R: bit 0 = busy, bit 1 = error (bad range) */

/*
 * CLUSTER (profiles with a "cluster", e.g. gap9; docs/cluster.md): event unit,
 * dispatch and cluster DMA of the worker cores, one window outside the peripheral
 * window and every profile's memories. Worker cores and the FC see the same
 * registers; the DMA parameter registers are per initiator (each core and the FC
 * has its own set), so cores program transfers without a lock.
 */
#define VITSIM_CLUSTER_BASE       0x40010000u
#define VITSIM_CLUSTER_SIZE       0x00001000u
#define VITSIM_CLUSTER_CORES      0x00u /* R: worker cores of this run (--cores)         */
#define VITSIM_CLUSTER_L1_BASE    0x04u /* R: address of the L1 TCDM                      */
#define VITSIM_CLUSTER_L1_SIZE    0x08u /* R: its size in bytes                            */
#define VITSIM_CLUSTER_ENTRY      0x0Cu /* RW: where forked workers start (a0 = ARG, a1 = FN) */
#define VITSIM_CLUSTER_FN         0x10u /* RW: passed to the workers in a1                 */
#define VITSIM_CLUSTER_ARG        0x14u /* RW: passed to the workers in a0                 */
#define VITSIM_CLUSTER_STACK_TOP  0x18u /* RW: worker i's sp = STACK_TOP - i * STACK_SIZE  */
#define VITSIM_CLUSTER_STACK_SIZE 0x1Cu /* RW: bytes of stack per worker                   */
#define VITSIM_CLUSTER_FORK       0x20u /* W (FC): start workers 0..n-1 (n = value)        */
#define VITSIM_CLUSTER_JOIN       0x24u /* W (FC): sleep until every forked worker is done */
#define VITSIM_CLUSTER_BUSY       0x28u /* R: forked workers not done yet                  */
#define VITSIM_CLUSTER_DONE       0x2Cu /* W (worker): this worker is done; it sleeps      */
#define VITSIM_CLUSTER_BARRIER    0x30u /* W (worker): wait asleep for every forked worker  */
#define VITSIM_CLUSTER_EVT_WAIT   0x34u /* W (worker): sleep until an event of the mask    */
#define VITSIM_CLUSTER_EVT_STATUS 0x38u /* R: the reading core's pending events            */
#define VITSIM_CLUSTER_EVT_CLEAR  0x3Cu /* W: clears these pending events                  */
#define VITSIM_CLUSTER_EVT_DMA    0x1u  /* event: a DMA transfer this core started is done */
/* cluster DMA: per-initiator parameters, then START enqueues (FIFO, in-order completion) */
#define VITSIM_CLUSTER_DMA_L2     0x100u /* RW: L2 (or any non-L1 memory) address          */
#define VITSIM_CLUSTER_DMA_L1     0x104u /* RW: L1 address                                 */
#define VITSIM_CLUSTER_DMA_LEN    0x108u /* RW: bytes per row                              */
#define VITSIM_CLUSTER_DMA_ROWS   0x10Cu /* RW: rows (0 or 1: a 1D transfer)               */
#define VITSIM_CLUSTER_DMA_L2_STRIDE 0x110u /* RW: bytes between rows on the L2 side       */
#define VITSIM_CLUSTER_DMA_L1_STRIDE 0x114u /* RW: bytes between rows on the L1 side       */
#define VITSIM_CLUSTER_DMA_START  0x118u /* W: 0 = L2 -> L1, 1 = L1 -> L2; enqueues        */
#define VITSIM_CLUSTER_DMA_ID     0x11Cu /* R: id of the last transfer this initiator started (1, 2, ...) */
#define VITSIM_CLUSTER_DMA_DONE   0x120u /* R: ids up to this one are complete              */
#define VITSIM_CLUSTER_DMA_WAIT   0x124u /* W: id; sleep until that transfer is complete    */
#define VITSIM_CLUSTER_DMA_TO_L1  0u
#define VITSIM_CLUSTER_DMA_TO_L2  1u

/*
 * MATRIX ENGINE (profiles with an "engine", e.g. gap9; docs/engine.md): a Verilated
 * RTL int8 GEMM tile engine on the L1. C[m][n] = requant(bias[n] + A[m] . B[n]),
 * both operands read along rows; registers are read-only while it runs.
 */
/* VITSIM_ENGINE_BASE: where the profile places the register block
 * ("cluster.engine.base"): firmware takes it from the profile's generated
 * "vitsim_profile.h", the simulator from the profile. */
#define VITSIM_ENGINE_SIZE     0x00001000u
#define VITSIM_ENGINE_A        0x00u /* RW: A (M rows of K int8, LDA apart), word-aligned */
#define VITSIM_ENGINE_B        0x04u /* RW: B (N rows of K int8, LDB apart), word-aligned */
#define VITSIM_ENGINE_BIAS     0x08u /* RW: N int32 biases (CTRL.BIAS)                   */
#define VITSIM_ENGINE_C        0x0Cu /* RW: C (M rows of N int8, LDC apart)              */
#define VITSIM_ENGINE_M        0x10u /* RW: rows of A and C (1..65535)                   */
#define VITSIM_ENGINE_N        0x14u /* RW: rows of B, columns of C (1..65535)           */
#define VITSIM_ENGINE_K        0x18u /* RW: depth, a multiple of 4 up to CONFIG.KMAX     */
#define VITSIM_ENGINE_LDA      0x1Cu /* RW: bytes between rows of A (multiple of 4)      */
#define VITSIM_ENGINE_LDB      0x20u /* RW: bytes between rows of B (multiple of 4)      */
#define VITSIM_ENGINE_LDC      0x24u /* RW: bytes between rows of C                      */
#define VITSIM_ENGINE_QMUL     0x28u /* RW: requantization multiplier (int32)            */
#define VITSIM_ENGINE_QSHIFT   0x2Cu /* RW: requantization shift (1..62)                 */
#define VITSIM_ENGINE_QZERO    0x30u /* RW: output zero point (int32 added after shift)  */
#define VITSIM_ENGINE_CTRL     0x34u /* RW: bit 0 ReLU, bit 1 bias                        */
#define VITSIM_ENGINE_START    0x38u /* W: 1 starts (ignored while busy)                  */
#define VITSIM_ENGINE_STATUS   0x3Cu /* R: bit 0 busy, 1 done, 2 error, 15..8 error code; W: clears done */
#define VITSIM_ENGINE_CYCLES   0x40u /* R: cycles of the last job                         */
#define VITSIM_ENGINE_STALLS   0x44u /* R: of those, cycles its memory access waited      */
#define VITSIM_ENGINE_ACTIVE   0x48u /* R: of those, cycles the array computed            */
#define VITSIM_ENGINE_CONFIG   0x4Cu /* R: lanes (15..0), KMAX (31..16)                   */
#define VITSIM_ENGINE_WAIT     0x50u /* W: sleep until the done event (the FC's "interrupt") */
#define VITSIM_ENGINE_CTRL_RELU 0x1u
#define VITSIM_ENGINE_CTRL_BIAS 0x2u
#define VITSIM_ENGINE_BUSY      0x1u
#define VITSIM_ENGINE_DONE      0x2u
#define VITSIM_ENGINE_ERROR     0x4u
#define VITSIM_ENGINE_ERR_DIM   1u /* a dimension is 0 or above 65535                    */
#define VITSIM_ENGINE_ERR_DEPTH 2u /* K not a multiple of 4 or above KMAX                */
#define VITSIM_ENGINE_ERR_ALIGN 3u /* A, B, LDA, LDB or the bias not word-aligned        */
#define VITSIM_ENGINE_ERR_RANGE 4u /* a tile outside the L1                              */
#define VITSIM_ENGINE_ERR_SHIFT 5u /* QSHIFT outside 1..62                               */

#endif /* VITSIM_PLATFORM_H */
