// Register behaviour of UART, SIMCTRL, TIMER and DMA, driven by a TLM initiator.
// Addresses at the devices are offsets (the bus subtracts the base).
#include <gtest/gtest.h>

#include "bus/bus.h"
#include "mem/memory.h"
#include "periph/dma.h"
#include "periph/hart_id_extension.h"
#include "periph/simctrl.h"
#include "periph/timer.h"
#include "periph/uart.h"
#include "tlm_driver.h"
#include "vitsim/platform.h"

namespace vitsim {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;

const sc_time kPeriod(5, SC_NS);      // 200 MHz
const sc_time kLatency = 2 * kPeriod;  // peripheral_latency 2

template <typename Device>
void drive(Device& device, std::function<void(test::TlmDriver&)> body) {
    test::TlmDriver driver("driver");
    driver.socket.bind(device.socket);
    driver.body = std::move(body);
    sc_core::sc_start();
}

TEST(Uart, SendsBytesToTheSink) {
    std::string console;
    Uart uart("uart", kLatency, [&](std::string_view s) { console += s; });
    drive(uart, [&](test::TlmDriver& d) {
        EXPECT_TRUE(d.write(VITSIM_UART_TXDATA, 'H').ok());
        EXPECT_TRUE(d.write(VITSIM_UART_TXDATA, 0x169, 1).ok());  // only the low byte counts
        EXPECT_EQ(d.write(VITSIM_UART_TXDATA, '!').delay, kLatency);
        EXPECT_EQ(d.read(VITSIM_UART_STATUS).value, 1u);
    });
    EXPECT_EQ(console, "Hi!");
    EXPECT_EQ(uart.bytes_sent(), 3u);
}

TEST(Uart, BadAccessesAreErrors) {
    Uart uart("uart", kLatency, [](std::string_view) {});
    drive(uart, [&](test::TlmDriver& d) {
        EXPECT_EQ(d.read(VITSIM_UART_TXDATA).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
        EXPECT_EQ(d.write(VITSIM_UART_STATUS, 0).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
        EXPECT_EQ(d.read(0x08).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(d.write(0x01, 'x', 1).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // not a register offset
        EXPECT_EQ(d.read(0xFFC).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
}

TEST(SimCtrl, ExitCallsTheHandler) {
    SimCtrl simctrl("simctrl", kLatency, 1);
    int exited_with = -1;
    simctrl.on_exit([&](int status) { exited_with = status; });
    drive(simctrl, [&](test::TlmDriver& d) { EXPECT_TRUE(d.write(VITSIM_SIMCTRL_EXIT, 42).ok()); });
    EXPECT_EQ(exited_with, 42);
    EXPECT_EQ(simctrl.exit_status(), 42);
}

TEST(SimCtrl, MarkersSnapshotTheWritingHart) {
    SimCtrl simctrl("simctrl", kLatency, 4);
    simctrl.set_counter_source([](uint32_t hartid) {
        HartCounters c;
        c.cycles = 1000 * (hartid + 1);
        c.instructions = 10 * (hartid + 1);
        return c;
    });
    simctrl.set_memory_snapshot([] { return std::vector<AccessCounters>(2); });
    simctrl.set_activity_snapshot([] {  // every core's counters: read at layer and energy markers only
        SocActivity a;
        a.cores.resize(3);
        return a;
    });
    HartIdExtension hart2(2);
    drive(simctrl, [&](test::TlmDriver& d) {
        EXPECT_EQ(d.read(VITSIM_SIMCTRL_HARTS).value, 4u);
        EXPECT_TRUE(d.write(VITSIM_SIMCTRL_LAYER_BEGIN, 7, 4, 30 * kPeriod).ok());
        d.hart = &hart2;
        EXPECT_TRUE(d.write(VITSIM_SIMCTRL_LAYER_END, 7).ok());
        EXPECT_TRUE(d.write(VITSIM_SIMCTRL_SNAPSHOT, 99).ok());
        d.hart = nullptr;
        EXPECT_TRUE(d.write(VITSIM_SIMCTRL_STACK_LIMIT, 0x20001000).ok());
        EXPECT_EQ(d.read(VITSIM_SIMCTRL_STACK_LIMIT).value, 0x20001000u);
        EXPECT_EQ(d.read(VITSIM_SIMCTRL_LAYER_BEGIN).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
        EXPECT_EQ(d.write(VITSIM_SIMCTRL_HARTS, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
        EXPECT_EQ(d.read(VITSIM_SIMCTRL_ENERGY_BEGIN).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
        EXPECT_EQ(d.write(0x28, 1).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
    const auto& events = simctrl.events();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].activity.cores.size(), 3u);
    EXPECT_EQ(events[1].activity.cores.size(), 3u);
    EXPECT_TRUE(events[2].activity.cores.empty()) << "a SNAPSHOT does not read every core";
    EXPECT_EQ(events[0].kind, SimCtrlEvent::Kind::kLayerBegin);
    EXPECT_EQ(events[0].id, 7u);
    EXPECT_EQ(events[0].hartid, 0u);  // no extension: hart 0
    EXPECT_EQ(events[0].counters.cycles, 1000u);
    EXPECT_EQ(events[0].time, 30 * kPeriod);  // the initiator's local time, not sc_time_stamp()
    EXPECT_EQ(events[0].memories.size(), 2u);
    EXPECT_EQ(events[1].kind, SimCtrlEvent::Kind::kLayerEnd);
    EXPECT_EQ(events[1].hartid, 2u);
    EXPECT_EQ(events[1].counters.cycles, 3000u);
    EXPECT_EQ(events[2].kind, SimCtrlEvent::Kind::kSnapshot);
    EXPECT_EQ(events[2].id, 99u);
    EXPECT_EQ(simctrl.stack_limit(), 0x20001000u);
    EXPECT_FALSE(simctrl.exit_status().has_value());
}

TEST(Timer, CountsCyclesIncludingTheLocalOffset) {
    Timer timer("timer", kLatency, kPeriod, 200000000);
    drive(timer, [&](test::TlmDriver& d) {
        EXPECT_EQ(d.read(VITSIM_TIMER_MTIME_LO).value, 0u);
        EXPECT_EQ(d.read(VITSIM_TIMER_MTIME_LO, 4, 1234 * kPeriod).value, 1234u);
        sc_core::wait(100 * kPeriod);
        EXPECT_EQ(d.read(VITSIM_TIMER_MTIME_LO, 4, 5 * kPeriod).value, 105u);
        const sc_time far = sc_time::from_value(((uint64_t{1} << 32) + 7) * kPeriod.value());
        EXPECT_EQ(d.read(VITSIM_TIMER_MTIME_LO, 4, far).value, 107u);  // 100 + 7
        EXPECT_EQ(d.read(VITSIM_TIMER_MTIME_HI, 4, far).value, 1u);
        EXPECT_EQ(d.read(VITSIM_TIMER_FREQ_HZ).value, 200000000u);
        EXPECT_EQ(d.read(VITSIM_TIMER_MTIME_LO).delay, kLatency);
    });
}

TEST(Timer, CompareFlag) {
    Timer timer("timer", kLatency, kPeriod, 200000000);
    drive(timer, [&](test::TlmDriver& d) {
        EXPECT_EQ(d.read(VITSIM_TIMER_STATUS).value, 0u);  // compare starts at the maximum
        EXPECT_TRUE(d.write(VITSIM_TIMER_CMP_HI, 0).ok());
        EXPECT_TRUE(d.write(VITSIM_TIMER_CMP_LO, 500).ok());
        EXPECT_EQ(d.read(VITSIM_TIMER_CMP_LO).value, 500u);
        EXPECT_EQ(d.read(VITSIM_TIMER_STATUS, 4, 499 * kPeriod).value, 0u);
        EXPECT_EQ(d.read(VITSIM_TIMER_STATUS, 4, 500 * kPeriod).value, 1u);
        EXPECT_EQ(d.write(VITSIM_TIMER_MTIME_LO, 0).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
        EXPECT_EQ(d.read(0x18).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
}

// driver -> bus -> {flash (read_wait 2, read-only), sram, dma registers}; dma -> bus
struct DmaRig {
    static constexpr uint32_t kFlash = 0x08000000, kSram = 0x20000000, kDma = VITSIM_DMA_BASE;
    test::TlmDriver driver{"driver"};
    Bus bus{"bus"};
    Memory flash{"flash", timing("flash", kFlash, false, 2), kPeriod};
    Memory sram{"sram", timing("sram", kSram, true, 0), kPeriod};
    Dma dma{"dma", kLatency, kPeriod, Dma::Timing{16, 4}};

    static MemoryTiming timing(const char* name, uint32_t base, bool writable, unsigned read_wait) {
        MemoryTiming t;
        t.name = name;
        t.base = base;
        t.size = 4096;
        t.writable = writable;
        t.read_wait = read_wait;
        return t;
    }
    DmaRig() {
        driver.socket.bind(bus.targets_side);
        dma.initiator.bind(bus.targets_side);
        bus.map("flash", kFlash, 4096);
        bus.initiators_side.bind(flash.socket);
        bus.map("sram", kSram, 4096);
        bus.initiators_side.bind(sram.socket);
        bus.map("dma", kDma, 0x1000);
        bus.initiators_side.bind(dma.socket);
        for (int i = 0; i < 4096; i++) flash.data()[i] = static_cast<uint8_t>(i * 7 + 1);
    }
    void run(std::function<void(test::TlmDriver&)> body) {
        driver.body = std::move(body);
        sc_core::sc_start();
    }
    // Programs one transfer at local time `at` and returns the STATUS read right after.
    static void start(test::TlmDriver& d, uint32_t src, uint32_t dst, uint32_t len, sc_time at) {
        EXPECT_TRUE(d.write(kDma + VITSIM_DMA_SRC, src).ok());
        EXPECT_TRUE(d.write(kDma + VITSIM_DMA_DST, dst).ok());
        EXPECT_TRUE(d.write(kDma + VITSIM_DMA_LEN, len).ok());
        EXPECT_TRUE(d.write(kDma + VITSIM_DMA_CTRL, 1, 4, at).ok());
    }
    static uint32_t status(test::TlmDriver& d, sc_time at) { return d.read(kDma + VITSIM_DMA_STATUS, 4, at).value; }
};

TEST(Dma, CopiesThroughTheBusAndCountsAccesses) {
    DmaRig rig;
    rig.run([&](test::TlmDriver& d) {
        DmaRig::start(d, DmaRig::kFlash + 8, DmaRig::kSram + 0x100, 100, sc_core::SC_ZERO_TIME);
        EXPECT_EQ(d.read(DmaRig::kDma + VITSIM_DMA_LEN).value, 100u);
    });
    EXPECT_EQ(std::memcmp(rig.sram.data() + 0x100, rig.flash.data() + 8, 100), 0);
    EXPECT_EQ(rig.sram.data()[0x100 + 100], 0);  // not one byte more
    // 100 bytes in bursts of 32: three bursts of 8 words and one of 1 word.
    EXPECT_EQ(rig.flash.counters().reads[2], 25u);
    EXPECT_EQ(rig.sram.counters().writes[2], 25u);
    EXPECT_EQ(rig.dma.stats().transfers, 1u);
    EXPECT_EQ(rig.dma.stats().bytes, 100u);
}

TEST(Dma, BusyForSetupPlusBytesPlusWaitStates) {
    DmaRig rig;
    // 16 setup + 100 / 4 bytes per cycle + 4 bursts x 2 flash wait states = 49 cycles.
    const sc_time t0 = 10 * kPeriod;
    rig.run([&](test::TlmDriver& d) {
        DmaRig::start(d, DmaRig::kFlash, DmaRig::kSram, 100, t0);
        EXPECT_EQ(DmaRig::status(d, t0), 1u);
        EXPECT_EQ(DmaRig::status(d, t0 + 48 * kPeriod), 1u);
        EXPECT_EQ(DmaRig::status(d, t0 + 49 * kPeriod), 0u);
        sc_core::wait(t0 + 49 * kPeriod);
        EXPECT_EQ(DmaRig::status(d, sc_core::SC_ZERO_TIME), 0u);
    });
    EXPECT_EQ(rig.dma.done_time(), t0 + 49 * kPeriod);
    EXPECT_EQ(rig.dma.stats().busy, 49 * kPeriod);
}

TEST(Dma, StartWhileBusyQueuesBehindTheRunningTransfer) {
    DmaRig rig;
    rig.run([&](test::TlmDriver& d) {
        // sram -> sram, no wait states: 16 + 64 / 4 = 32 cycles each.
        DmaRig::start(d, DmaRig::kSram, DmaRig::kSram + 0x800, 64, sc_core::SC_ZERO_TIME);
        DmaRig::start(d, DmaRig::kSram + 0x40, DmaRig::kSram + 0x900, 64, 10 * kPeriod);
        EXPECT_EQ(DmaRig::status(d, 63 * kPeriod), 1u);
        EXPECT_EQ(DmaRig::status(d, 64 * kPeriod), 0u);
    });
    EXPECT_EQ(rig.dma.done_time(), 64 * kPeriod);
}

TEST(Dma, BadRangesSetTheErrorBitAndCopyNothing) {
    DmaRig rig;
    rig.run([&](test::TlmDriver& d) {
        const uint32_t error = 2;
        DmaRig::start(d, DmaRig::kSram, DmaRig::kFlash, 16, sc_core::SC_ZERO_TIME);  // read-only destination
        EXPECT_EQ(DmaRig::status(d, sc_core::SC_ZERO_TIME), error);
        DmaRig::start(d, DmaRig::kSram + 4090, DmaRig::kSram, 16, sc_core::SC_ZERO_TIME);  // runs off the end
        EXPECT_EQ(DmaRig::status(d, sc_core::SC_ZERO_TIME), error);
        DmaRig::start(d, VITSIM_UART_BASE, DmaRig::kSram, 4, sc_core::SC_ZERO_TIME);  // not a memory
        EXPECT_EQ(DmaRig::status(d, sc_core::SC_ZERO_TIME), error);
        DmaRig::start(d, DmaRig::kFlash, 0xFFFFFFF0, 0x20, sc_core::SC_ZERO_TIME);  // wraps around
        EXPECT_EQ(DmaRig::status(d, sc_core::SC_ZERO_TIME), error);
        DmaRig::start(d, DmaRig::kSram, DmaRig::kSram + 64, 0, sc_core::SC_ZERO_TIME);  // empty: nothing to do
        EXPECT_EQ(DmaRig::status(d, sc_core::SC_ZERO_TIME), 0u);
        DmaRig::start(d, DmaRig::kFlash, DmaRig::kSram, 4, sc_core::SC_ZERO_TIME);  // a good start clears it
        EXPECT_EQ(DmaRig::status(d, sc_core::SC_ZERO_TIME) & error, 0u);
        EXPECT_EQ(d.read(DmaRig::kDma + VITSIM_DMA_CTRL).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
        EXPECT_EQ(d.read(DmaRig::kDma + 0x14).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
    EXPECT_EQ(rig.dma.stats().errors, 4u);
    EXPECT_EQ(rig.dma.stats().transfers, 1u);
    EXPECT_EQ(rig.sram.counters().write_bytes(), 4u);  // only the good transfer wrote
}

}  // namespace
}  // namespace vitsim
