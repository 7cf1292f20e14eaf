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

#endif /* VITSIM_PLATFORM_H */
