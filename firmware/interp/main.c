/*
 * Firmware program `interp`: runs the model image the simulator loaded, then
 * prints where the output is and exits.
 *
 * Contract with `vitsim run` (docs/deploy.md, "Running an image"):
 *   - the simulator loads the image blobs (model part, weights) at the
 *     addresses deploy chose and writes the model part's address into the
 *     32-bit word at symbol `vs_model_image_address` (in the code memory)
 *     before the core starts;
 *   - the arena is header.arena_address, or this program's heap
 *     [__heap_start, __heap_end) when that is 0;
 *   - exit status 0: the output tensor is in the arena at
 *     header.output_arena_offset (also printed on the console);
 *   - with `vitsim run --inputs`, the simulator also writes the address and count
 *     of N inputs (header.input_bytes each, in a read-only memory) into
 *     `vs_inputs_address` / `vs_inputs_count`: the program runs them one after
 *     another, and the simulator reads each output at the last layer's end marker.
 * Exit statuses (programs use 0..109):
 *   1 no image address, 2 bad image header, 3 arena does not fit the heap,
 *   4 image deployed for the other kernel variant (simd=on/off),
 *   20 + k: the interpreter failed with vs_run_status_t -k (layer printed).
 */
#include <stdint.h>
#include <stdio.h>

#include "interp.h"
#include "vitsim/kernels.h"

#ifndef VS_MODEL_IMAGE_ADDRESS
#define VS_MODEL_IMAGE_ADDRESS 0u
#endif

/* Written by the simulator after loading the ELF (a word in .rodata, i.e. the
 * code memory, which crt0's .data copy cannot overwrite). Read through a
 * volatile lvalue so that the compiler does not fold the initial value. */
__attribute__((used)) const uint32_t vs_model_image_address = VS_MODEL_IMAGE_ADDRESS;

static uint32_t model_image_address(void) { return *(const volatile uint32_t *)&vs_model_image_address; }

/* Written by `vitsim run --inputs` like vs_model_image_address; 0 inputs: run the
 * image's own input once. */
__attribute__((used)) const uint32_t vs_inputs_address = 0;
__attribute__((used)) const uint32_t vs_inputs_count = 0;

static uint32_t read_word(const uint32_t *word) { return *(const volatile uint32_t *)word; }

extern char __heap_start[], __heap_end[];

enum {
    EXIT_NO_IMAGE = 1,
    EXIT_BAD_IMAGE = 2,
    EXIT_NO_ARENA = 3,
    EXIT_WRONG_KERNELS = 4,
    EXIT_RUN_FAILED = 20,
};

static uint32_t fnv1a(const uint8_t *p, uint32_t n) {
    uint32_t h = 0x811C9DC5u;
    for (uint32_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x01000193u;
    return h;
}

int main(void) {
    const uint32_t address = model_image_address();
    if (address == 0) {
        printf("vs_model: no model image (vs_model_image_address is 0)\n");
        return EXIT_NO_IMAGE;
    }
    const vs_model_header_t *h = (const vs_model_header_t *)(uintptr_t)address;
    if (vs_model_check_header(h) != VS_RUN_OK) {
        printf("vs_model: no valid model image at 0x%08lx\n", (unsigned long)address);
        return EXIT_BAD_IMAGE;
    }
    const int image_simd = (h->flags & VS_MODEL_FLAG_SIMD) != 0;
    if (image_simd != (vs_kernels_simd() != 0)) {
        printf("vs_model: image deployed with simd=%s, this firmware has the %s kernels\n", image_simd ? "on" : "off",
               vs_kernels_simd() ? "SIMD" : "portable");
        return EXIT_WRONG_KERNELS;
    }
    uint8_t *arena = (uint8_t *)(uintptr_t)h->arena_address;
    uint32_t arena_bytes = h->arena_bytes;
    if (!arena) {
        arena = (uint8_t *)(((uintptr_t)__heap_start + 3u) & ~(uintptr_t)3u);
        arena_bytes = (uint32_t)((uintptr_t)__heap_end - (uintptr_t)arena);
        if ((uintptr_t)__heap_end < (uintptr_t)arena || arena_bytes < h->arena_bytes) {
            printf("vs_model: arena of %lu bytes does not fit the heap (%ld bytes)\n", (unsigned long)h->arena_bytes,
                   (long)((uintptr_t)__heap_end - (uintptr_t)__heap_start));
            return EXIT_NO_ARENA;
        }
    }
    vs_run_result_t result;
    const uint32_t count = read_word(&vs_inputs_count);
    const uint8_t *inputs = (const uint8_t *)(uintptr_t)read_word(&vs_inputs_address);
    int status = VS_RUN_OK;
    for (uint32_t i = 0; i < (count ? count : 1u) && status == VS_RUN_OK; i++)
        status = vs_run_model_input(h, arena, arena_bytes, (const uint8_t *)0,
                                    count ? inputs + i * h->input_bytes : (const uint8_t *)0, &result);
    if (status != VS_RUN_OK) {
        const vs_layer_record_t *records = (const vs_layer_record_t *)((const uint8_t *)h + h->records_offset);
        printf("vs_model: layer %ld (%s) failed with status %d\n", (long)result.layer,
               result.layer >= 0 ? records[result.layer].name : "-", status);
        return EXIT_RUN_FAILED - status;
    }
    uint8_t *out = arena + h->output_arena_offset;
#ifdef VS_FLIP_FIRST_OUTPUT_BIT
    out[0] ^= 1u;  /* the test firmware interp_wrong_output: a known wrong result */
#endif
    printf("vs_model: %s output %lu bytes at 0x%08lx fnv1a 0x%08lx\n", h->name, (unsigned long)h->output_bytes,
           (unsigned long)(uintptr_t)out, (unsigned long)fnv1a(out, h->output_bytes));
    return 0;
}
