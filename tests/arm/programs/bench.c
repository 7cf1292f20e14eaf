// Host-speed benchmark of the Arm ISS (tests/arm/CMakeLists.txt, target arm_bench): an
// int8 matrix multiply in the CMSIS-NN style (SXTB16 + SMLAD), a bitwise CRC-32 and an
// insertion sort, repeated; prints checksums so that vitsim and qemu can be compared.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define M 16
#define K 128
#define N 16
static int8_t A[M][K], B[N][K];
static int32_t C[M][N];

static inline uint32_t sxtb16(uint32_t x) { uint32_t r; __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(x)); return r; }
static inline uint32_t sxtb16_ror8(uint32_t x) { uint32_t r; __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x)); return r; }
static inline int32_t smlad(uint32_t a, uint32_t b, int32_t acc) { int32_t r; __asm__("smlad %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc)); return r; }

static uint32_t matmul(void) {
    uint32_t h = 0;
    for (int i = 0; i < M; i += 2)
        for (int j = 0; j < N; j += 2) {
            int32_t c00 = 0, c01 = 0, c10 = 0, c11 = 0;  // 2 x 2 block, as CMSIS-NN does
            for (int k = 0; k < K; k += 4) {
                uint32_t a0, a1, b0, b1;
                memcpy(&a0, &A[i][k], 4); memcpy(&a1, &A[i + 1][k], 4);
                memcpy(&b0, &B[j][k], 4); memcpy(&b1, &B[j + 1][k], 4);
                const uint32_t a0l = sxtb16(a0), a0h = sxtb16_ror8(a0), a1l = sxtb16(a1), a1h = sxtb16_ror8(a1);
                const uint32_t b0l = sxtb16(b0), b0h = sxtb16_ror8(b0), b1l = sxtb16(b1), b1h = sxtb16_ror8(b1);
                c00 = smlad(a0h, b0h, smlad(a0l, b0l, c00));
                c01 = smlad(a0h, b1h, smlad(a0l, b1l, c01));
                c10 = smlad(a1h, b0h, smlad(a1l, b0l, c10));
                c11 = smlad(a1h, b1h, smlad(a1l, b1l, c11));
            }
            C[i][j] = c00; C[i][j + 1] = c01; C[i + 1][j] = c10; C[i + 1][j + 1] = c11;
            h = h * 31 + (uint32_t)(c00 ^ c01 ^ c10 ^ c11);
        }
    return h;
}

static uint32_t crc32(const uint8_t* p, size_t n) {
    uint32_t crc = 0xffffffffu;
    while (n--) {
        crc ^= *p++;
        for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

static int values[512];
static void insertion_sort(int* v, int n) {
    for (int i = 1; i < n; i++) {
        const int x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) { v[j + 1] = v[j]; j--; }
        v[j + 1] = x;
    }
}

int main(void) {
    for (int i = 0; i < M; i++) for (int k = 0; k < K; k++) A[i][k] = (int8_t)((i * 31 + k * 17) % 251 - 125);
    for (int j = 0; j < N; j++) for (int k = 0; k < K; k++) B[j][k] = (int8_t)((j * 13 + k * 7) % 253 - 126);
    uint32_t mm = 0, crc = 0, sorted = 0;
    for (int rep = 0; rep < 400; rep++) {
        mm += matmul() * (uint32_t)(rep + 1);
        crc += crc32((const uint8_t*)A, sizeof A) * (uint32_t)(rep + 1);
        uint32_t seed = (uint32_t)rep * 2654435761u;
        for (int i = 0; i < 512; i++) { seed = seed * 1103515245u + 12345u; values[i] = (int)(seed >> 8); }
        insertion_sort(values, 512);
        sorted += (uint32_t)values[0] ^ (uint32_t)values[511];
    }
    printf("bench: matmul %08lx crc %08lx sort %08lx\n", (unsigned long)mm, (unsigned long)crc, (unsigned long)sorted);
    return 0;
}
