// The matrix engine's RTL (Verilated) in its SystemC wrapper on a cluster's L1,
// against a C++ reference model: random tiles (shapes, strides, requantization,
// saturation corners, ReLU, zero points), refused register settings, bank stalls.
// One simulation per test (SystemC elaborates once per process).
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "cluster/cluster.h"
#include "engine/matrix_engine.h"
#include "mem/memory.h"
#include "../platform/tlm_driver.h"
#include "vitsim/kernels.h"
#include "vitsim/platform.h"

namespace vitsim {
namespace {

const sc_core::sc_time kPeriod(10, sc_core::SC_NS);
constexpr uint32_t kL1Base = 0x10000000, kL1Size = 64 * 1024;
constexpr unsigned kLanes = 8;

// What the firmware writes: one GEMM tile.
struct Tile {
    uint32_t a, b, bias, c, m, n, k, lda, ldb, ldc;
    int32_t qmul, qshift, qzero;
    uint32_t ctrl;
};

// The reference: the kernels' requantization (vs_requantize_s8) when the zero point
// is 0, the zero point added before saturation otherwise; int32 wrap-around sums.
void reference(const Tile& t, uint8_t* l1) {
    auto at = [&](uint32_t addr) { return l1 + (addr - kL1Base); };
    for (uint32_t m = 0; m < t.m; m++) {
        for (uint32_t n = 0; n < t.n; n++) {
            uint32_t acc = 0;
            if (t.ctrl & VITSIM_ENGINE_CTRL_BIAS) std::memcpy(&acc, at(t.bias + 4 * n), 4);
            for (uint32_t k = 0; k < t.k; k++)
                acc += uint32_t(int32_t(int8_t(*at(t.a + m * t.lda + k))) * int8_t(*at(t.b + n * t.ldb + k)));
            int32_t y;
            if (t.qzero == 0) {
                const vs_quant_t q{t.qmul, t.qshift};
                y = vs_requantize_s8(int32_t(acc), &q);
            } else {
                const int64_t r = ((int64_t(int32_t(acc)) * t.qmul + (int64_t(1) << (t.qshift - 1))) >> t.qshift) + t.qzero;
                y = r < -128 ? -128 : r > 127 ? 127 : int32_t(r);
            }
            if ((t.ctrl & VITSIM_ENGINE_CTRL_RELU) && y < int8_t(t.qzero)) y = int8_t(t.qzero);
            *at(t.c + m * t.ldc + n) = uint8_t(int8_t(y));
        }
    }
}

// A cluster (one idle worker) with its L1, the engine on its banks, a driver on the
// engine's registers (as the FC).
struct Bench {
    std::vector<uint8_t> l1 = std::vector<uint8_t>(kL1Size), l2 = std::vector<uint8_t>(4096);
    AccessCounters l1_counters, l2_counters;
    std::unique_ptr<Cluster> cluster;
    std::unique_ptr<MatrixEngine> engine;
    test::TlmDriver driver{"driver"};
    test::TlmDriver fc{"fc"};
    Memory devices{"devices", MemoryTiming{"devices", 0x40000000, 4096}, kPeriod};  // the workers' device bus: unused

    Bench() {
        Cluster::Config config;
        config.params.l1_memory = "l1";
        config.cores = 1;
        config.period = kPeriod;
        config.quantum = sc_core::sc_time(1, sc_core::SC_US);
        MemoryTiming l1t{"l1", kL1Base, kL1Size, true, false};
        MemoryTiming l2t{"l2", 0x1C000000, 4096, true, true};
        cluster = std::make_unique<Cluster>("cluster", config,
                                            std::vector<ClusterMemory>{{l1t, l1.data(), &l1_counters},
                                                                       {l2t, l2.data(), &l2_counters}},
                                            [](std::string_view) {});
        cluster->socket.bind(devices.socket);
        engine = std::make_unique<MatrixEngine>("engine", 2 * kPeriod, kPeriod, kLanes, kL1Base, kL1Size);
        engine->mem.bind(cluster->tcdm);
        cluster->add_master(*engine);
        engine->on_start([this] { cluster->wake(); });
        driver.socket.bind(engine->socket);
        fc.socket.bind(cluster->regs);  // the FC's view of the cluster registers: unused
    }

    // Programs and runs one tile; returns STATUS after the done event.
    uint32_t run(test::TlmDriver& d, const Tile& t) {
        const std::pair<uint32_t, uint32_t> regs[] = {
            {VITSIM_ENGINE_A, t.a}, {VITSIM_ENGINE_B, t.b}, {VITSIM_ENGINE_BIAS, t.bias}, {VITSIM_ENGINE_C, t.c},
            {VITSIM_ENGINE_M, t.m}, {VITSIM_ENGINE_N, t.n}, {VITSIM_ENGINE_K, t.k}, {VITSIM_ENGINE_LDA, t.lda},
            {VITSIM_ENGINE_LDB, t.ldb}, {VITSIM_ENGINE_LDC, t.ldc}, {VITSIM_ENGINE_QMUL, uint32_t(t.qmul)},
            {VITSIM_ENGINE_QSHIFT, uint32_t(t.qshift)}, {VITSIM_ENGINE_QZERO, uint32_t(t.qzero)},
            {VITSIM_ENGINE_CTRL, t.ctrl}};
        for (const auto& [offset, value] : regs) EXPECT_TRUE(d.write(offset, value).ok());
        EXPECT_TRUE(d.write(VITSIM_ENGINE_START, 1).ok());
        EXPECT_TRUE(d.write(VITSIM_ENGINE_WAIT, 1).ok());
        return d.read(VITSIM_ENGINE_STATUS).value;
    }
};

// A random tile that fits in the L1 (operands in separate quarters), with random
// strides, requantization and data that reaches the saturation corners.
Tile random_tile(std::mt19937& rng, Bench& bench) {
    auto pick = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
    Tile t{};
    t.m = pick(1, 12);
    t.n = pick(1, 21);
    t.k = 4 * pick(1, 24);
    t.lda = t.k + 4 * pick(0, 3);
    t.ldb = t.k + 4 * pick(0, 3);
    t.ldc = t.n + pick(0, 5);
    t.a = kL1Base + 4 * pick(0, 64);
    t.b = kL1Base + 0x4000 + 4 * pick(0, 64);
    t.bias = kL1Base + 0x8000 + 4 * pick(0, 64);
    t.c = kL1Base + 0xC000 + pick(0, 255);  // any byte alignment
    t.ctrl = pick(0, 3);
    t.qshift = int32_t(pick(1, 62));
    // Multipliers from tiny to the int32 extremes: saturation both ways, and the
    // mulh form of the kernels (shift >= 33).
    const int32_t muls[] = {1, -1, 181, 1 << 20, INT32_MAX, INT32_MIN, int32_t(rng())};
    t.qmul = muls[pick(0, 6)];
    t.qzero = pick(0, 3) == 0 ? int32_t(pick(0, 40)) - 20 : 0;
    const bool extreme = pick(0, 3) == 0;  // all -128 / 127 operands
    for (uint32_t i = 0; i < 0xC000; i++) bench.l1[i] = extreme ? (pick(0, 1) ? 0x80 : 0x7F) : uint8_t(rng());
    for (uint32_t n = 0; n < t.n; n++) {
        const int32_t biases[] = {0, INT32_MAX, INT32_MIN, int32_t(rng()), int32_t(pick(0, 20000)) - 10000};
        const int32_t bias = biases[pick(0, 4)];
        std::memcpy(&bench.l1[t.bias - kL1Base + 4 * n], &bias, 4);
    }
    return t;
}

TEST(MatrixEngine, RandomTilesMatchTheReferenceBitForBit) {
    Bench bench;
    unsigned tiles = 0, mismatched = 0;
    uint64_t macs = 0;
    bench.driver.body = [&](test::TlmDriver& d) {
        std::mt19937 rng(20261201);
        for (int i = 0; i < 150; i++) {
            const Tile t = random_tile(rng, bench);
            std::vector<uint8_t> expected = bench.l1;
            reference(t, expected.data());
            const uint32_t status = bench.run(d, t);
            EXPECT_EQ(status, VITSIM_ENGINE_DONE) << "tile " << i;
            if (bench.l1 != expected) {
                mismatched++;
                ADD_FAILURE() << "tile " << i << ": M=" << t.m << " N=" << t.n << " K=" << t.k << " mul=" << t.qmul
                              << " shift=" << t.qshift << " zero=" << t.qzero << " ctrl=" << t.ctrl;
            }
            macs += uint64_t(t.m) * t.n * t.k;
            tiles++;
            EXPECT_TRUE(d.write(VITSIM_ENGINE_STATUS, 0).ok());  // acknowledge
            EXPECT_EQ(d.read(VITSIM_ENGINE_STATUS).value, 0u);
        }
        sc_core::sc_stop();
    };
    sc_core::sc_start();
    EXPECT_EQ(tiles, 150u);
    EXPECT_EQ(mismatched, 0u);
    EXPECT_EQ(bench.engine->stats().jobs, 150u);
    EXPECT_EQ(bench.engine->stats().macs, macs);
    // Alone on the L1: never a stall; the array computes one A word per granted cycle.
    EXPECT_EQ(bench.engine->stats().stall_cycles, 0u);
    EXPECT_EQ(bench.engine->stats().active_cycles * 4 * kLanes >= macs, true);
}

// The engine's cycles are the RTL's: a tile takes what the schedule says, and the
// driver (FC) resumes exactly when the done line rose.
TEST(MatrixEngine, CyclesFollowTheRtlSchedule) {
    Bench bench;
    bench.driver.body = [&](test::TlmDriver& d) {
        // M=4, N=8 (one pass), K=16: check 1 + bias 8 + weights 8*4 + rows 4*(4 + 1 quant + 2 writes).
        Tile t{kL1Base, kL1Base + 0x1000, kL1Base + 0x2000, kL1Base + 0x3000, 4, 8, 16, 16, 16, 8, 1, 1, 0,
               VITSIM_ENGINE_CTRL_BIAS};
        const sc_core::sc_time before = sc_core::sc_time_stamp();
        EXPECT_EQ(bench.run(d, t), VITSIM_ENGINE_DONE);
        EXPECT_EQ(d.read(VITSIM_ENGINE_CYCLES).value, 1u + 8 + 32 + 4 * (4 + 1 + 2));
        EXPECT_EQ(d.read(VITSIM_ENGINE_ACTIVE).value, 16u);
        EXPECT_EQ(d.read(VITSIM_ENGINE_CONFIG).value, kLanes | 1024u << 16);
        EXPECT_GT(sc_core::sc_time_stamp() - before, 69 * kPeriod);
        sc_core::sc_stop();
    };
    sc_core::sc_start();
}

TEST(MatrixEngine, BadSettingsRaiseTheErrorStatus) {
    Bench bench;
    bench.driver.body = [&](test::TlmDriver& d) {
        const Tile good{kL1Base, kL1Base + 0x1000, kL1Base + 0x2000, kL1Base + 0x3000, 4, 8, 16, 16, 16, 8, 1, 1, 0, 0};
        auto expect_error = [&](Tile t, uint32_t code, const char* what) {
            EXPECT_EQ(bench.run(d, t), VITSIM_ENGINE_DONE | VITSIM_ENGINE_ERROR | code << 8) << what;
        };
        Tile t = good;
        t.m = 0;
        expect_error(t, VITSIM_ENGINE_ERR_DIM, "M = 0");
        t = good;
        t.n = 0;
        expect_error(t, VITSIM_ENGINE_ERR_DIM, "N = 0");
        t = good;
        t.k = 0;
        expect_error(t, VITSIM_ENGINE_ERR_DIM, "K = 0");
        t = good;
        t.k = 6;
        expect_error(t, VITSIM_ENGINE_ERR_DEPTH, "K not a multiple of 4");
        t = good;
        t.k = 2048;
        t.lda = t.ldb = 2048;
        expect_error(t, VITSIM_ENGINE_ERR_DEPTH, "K above KMAX");
        t = good;
        t.a += 2;
        expect_error(t, VITSIM_ENGINE_ERR_ALIGN, "A misaligned");
        t = good;
        t.c = kL1Base + kL1Size - 8;  // 4 rows of 8 at stride 8: 24 bytes past the end
        expect_error(t, VITSIM_ENGINE_ERR_RANGE, "C outside the L1");
        t = good;
        t.b = 0x1C000000;  // the L2: not the engine's memory
        expect_error(t, VITSIM_ENGINE_ERR_RANGE, "B in another memory");
        t = good;
        t.qshift = 63;
        expect_error(t, VITSIM_ENGINE_ERR_SHIFT, "shift 63");
        // Nothing was written, and a good tile still runs after the errors.
        EXPECT_EQ(bench.engine->stats().errors, 9u);
        EXPECT_EQ(bench.run(d, good), VITSIM_ENGINE_DONE);
        sc_core::sc_stop();
    };
    sc_core::sc_start();
    EXPECT_EQ(bench.l1_counters.writes[0] + bench.l1_counters.writes[1] + bench.l1_counters.writes[2], 4u * 2);
}

}  // namespace
}  // namespace vitsim
