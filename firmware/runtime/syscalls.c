/*
 * The parts of picolibc's system interface that vitsim provides:
 * _exit() through SIMCTRL, and stdin/stdout/stderr on the UART.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "vitsim/platform.h"
#include "vitsim/runtime.h"

void _exit(int status) {
    vs_mmio_write(VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_EXIT, (uint32_t)status);
    /* The simulator stops at the write above; never return if it does not. */
    for (;;) {
    }
}

static int uart_put(char c, FILE* file) {
    (void)file;
    vs_mmio_write(VITSIM_UART_BASE + VITSIM_UART_TXDATA, (uint8_t)c);
    return (unsigned char)c;
}

/* The UART has no receiver: reads see end of file. */
static int uart_get(FILE* file) {
    (void)file;
    return EOF;
}

static FILE uart_stream = FDEV_SETUP_STREAM(uart_put, uart_get, NULL, _FDEV_SETUP_RW);

FILE* const stdin = &uart_stream;
FILE* const stdout = &uart_stream;
FILE* const stderr = &uart_stream;
