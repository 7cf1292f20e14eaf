// MAC/cycle of the matrix engine RTL against its array size: one MxKxN tile (default
// 64x256x32, bias, requant) alone on a 16-bank L1. Usage: engine_lanes LANES [M K N].
// The sizes must be verilated: configure with -DVITSIM_ENGINE_LANES="1;2;4;8;16"
// (docs/engine.md). Built by hand against that build's libraries (not in `all`):
//   g++ -std=c++17 -O2 -Imodels -Ifirmware/include -Itests/platform bench/engine_lanes.cpp \
//       B/models/libvitsim_models.a B/rtl/libvitsim_engine_rtl.a B/models/libvitsim_iss.a -lsystemc -lpthread
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "cluster/cluster.h"
#include "engine/matrix_engine.h"
#include "mem/memory.h"
#include "tlm_driver.h"
#include "vitsim/platform.h"
using namespace vitsim;
int sc_main(int argc, char** argv) {
    const unsigned lanes = unsigned(std::atoi(argv[1]));
    const unsigned M = argc > 2 ? std::atoi(argv[2]) : 64, K = argc > 3 ? std::atoi(argv[3]) : 256, N = argc > 4 ? std::atoi(argv[4]) : 32;
    const sc_core::sc_time period(10, sc_core::SC_NS);
    const uint32_t base = 0x10000000, size = 128 * 1024;
    std::vector<uint8_t> l1(size), l2(4096);
    for (auto& b : l1) b = uint8_t(std::rand());
    AccessCounters c1, c2;
    Cluster::Config config;
    config.params.l1_memory = "l1"; config.params.l1_banks = 16; config.cores = 1; config.period = period;
    config.quantum = sc_core::sc_time(10, sc_core::SC_US);
    Cluster cluster("cluster", config, {{MemoryTiming{"l1", base, size, true, false}, l1.data(), &c1},
                                        {MemoryTiming{"l2", 0x1C000000, 4096, true, true}, l2.data(), &c2}}, [](std::string_view) {});
    Memory devices("devices", MemoryTiming{"devices", 0x40000000, 4096}, period);
    cluster.socket.bind(devices.socket);
    MatrixEngine engine("engine", 2 * period, period, lanes, base, size);
    engine.mem.bind(cluster.tcdm);
    cluster.add_master(engine);
    engine.on_start([&] { cluster.wake(); });
    test::TlmDriver d("driver"), fc("fc");
    d.socket.bind(engine.socket);
    fc.socket.bind(cluster.regs);
    d.body = [&](test::TlmDriver& d) {
        const uint32_t regs[][2] = {{VITSIM_ENGINE_A, base}, {VITSIM_ENGINE_B, base + 0x8000}, {VITSIM_ENGINE_BIAS, base + 0x10000},
            {VITSIM_ENGINE_C, base + 0x12000}, {VITSIM_ENGINE_M, M}, {VITSIM_ENGINE_N, N}, {VITSIM_ENGINE_K, K},
            {VITSIM_ENGINE_LDA, K}, {VITSIM_ENGINE_LDB, K}, {VITSIM_ENGINE_LDC, N}, {VITSIM_ENGINE_QMUL, 181},
            {VITSIM_ENGINE_QSHIFT, 17}, {VITSIM_ENGINE_CTRL, VITSIM_ENGINE_CTRL_BIAS}, {VITSIM_ENGINE_START, 1}, {VITSIM_ENGINE_WAIT, 1}};
        for (auto& r : regs) d.write(r[0], r[1]);
        const uint32_t cycles = d.read(VITSIM_ENGINE_CYCLES).value, status = d.read(VITSIM_ENGINE_STATUS).value;
        std::printf("lanes %2u: %ux%ux%u in %u cycles, %.2f MAC/cycle (peak %u), status 0x%x\n", lanes, M, K, N, cycles,
                    double(M) * N * K / cycles, 4 * lanes, status);
        sc_core::sc_stop();
    };
    sc_core::sc_start();
    return 0;
}
