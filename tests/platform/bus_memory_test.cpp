// Bus routing, DMI address translation and memory access counting, driven by a
// TLM initiator of the test.
#include <gtest/gtest.h>

#include "bus/bus.h"
#include "mem/memory.h"
#include "tlm_driver.h"

namespace vitsim {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;

const sc_time kPeriod(10, SC_NS);

MemoryTiming sram_timing() {
    MemoryTiming t;
    t.name = "sram";
    t.base = 0x20000000;
    t.size = 64 * 1024;
    t.write_wait = 1;
    return t;
}

MemoryTiming flash_timing() {
    MemoryTiming t;
    t.name = "flash";
    t.base = 0x08000000;
    t.size = 16 * 1024;
    t.writable = false;
    t.read_wait = 3;
    return t;
}

// driver -> bus -> {flash, sram}
struct Rig {
    test::TlmDriver driver{"driver"};
    Bus bus{"bus"};
    Memory flash{"flash", flash_timing(), kPeriod};
    Memory sram{"sram", sram_timing(), kPeriod};
    Rig() {
        driver.socket.bind(bus.targets_side);
        bus.map("flash", flash.timing().base, flash.timing().size);
        bus.initiators_side.bind(flash.socket);
        bus.map("sram", sram.timing().base, sram.timing().size);
        bus.initiators_side.bind(sram.socket);
    }
    void run(std::function<void(test::TlmDriver&)> body) {
        driver.body = std::move(body);
        sc_core::sc_start();
    }
};

TEST(Bus, RoutesByAddressAndTargetsSeeOffsets) {
    Rig rig;
    rig.run([&](test::TlmDriver& d) {
        EXPECT_TRUE(d.write(0x20000010, 0xCAFEF00D).ok());
        EXPECT_TRUE(d.write(0x2000FFFC, 0x11223344).ok());  // last word
    });
    uint32_t word;
    std::memcpy(&word, rig.sram.data() + 0x10, 4);
    EXPECT_EQ(word, 0xCAFEF00Du);
    std::memcpy(&word, rig.sram.data() + 0xFFFC, 4);
    EXPECT_EQ(word, 0x11223344u);
}

TEST(Bus, UnmappedAndStraddlingAccessesAreAddressErrors) {
    Rig rig;
    rig.run([&](test::TlmDriver& d) {
        EXPECT_EQ(d.read(0x30000000).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
        EXPECT_EQ(d.read(0x2000FFFE, 4).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // crosses the end
        EXPECT_EQ(d.read(0x1FFFFFFF, 1).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
}

TEST(Bus, OverlappingMapIsRejected) {
    Bus bus("bus");
    bus.map("a", 0x1000, 0x1000);
    EXPECT_THROW(bus.map("b", 0x1800, 0x1000), std::runtime_error);
    EXPECT_NO_THROW(bus.map("c", 0x2000, 0x1000));
    ASSERT_NE(bus.find(0x2FFF), nullptr);
    EXPECT_EQ(bus.find(0x2FFF)->name, "c");
    EXPECT_EQ(bus.find(0x3000), nullptr);
}

TEST(Bus, DmiRegionIsTranslatedToBusAddresses) {
    Rig rig;
    rig.run([&](test::TlmDriver& d) {
        tlm::tlm_generic_payload tx;
        tlm::tlm_dmi dmi;
        tx.set_address(0x20000100);
        tx.set_command(tlm::TLM_READ_COMMAND);
        ASSERT_TRUE(d.socket->get_direct_mem_ptr(tx, dmi));
        EXPECT_EQ(dmi.get_start_address(), 0x20000000u);
        EXPECT_EQ(dmi.get_end_address(), 0x2000FFFFu);
        EXPECT_EQ(dmi.get_dmi_ptr(), rig.sram.data());
        EXPECT_TRUE(dmi.is_write_allowed());
        EXPECT_EQ(tx.get_address(), 0x20000100u);  // the bus restores the address

        tx.set_address(0x08000040);
        ASSERT_TRUE(d.socket->get_direct_mem_ptr(tx, dmi));
        EXPECT_EQ(dmi.get_start_address(), 0x08000000u);
        EXPECT_FALSE(dmi.is_write_allowed());
        EXPECT_EQ(dmi.get_read_latency(), 3 * kPeriod);

        tx.set_address(0x30000000);
        EXPECT_FALSE(d.socket->get_direct_mem_ptr(tx, dmi));
    });
}

TEST(Memory, CountsAccessesByWidthAndAnnotatesWaitStates) {
    Rig rig;
    rig.run([&](test::TlmDriver& d) {
        EXPECT_EQ(d.write(0x20000000, 0xAB, 1).delay, kPeriod);  // write_wait 1
        EXPECT_TRUE(d.write(0x20000002, 0xABCD, 2).ok());
        EXPECT_TRUE(d.write(0x20000004, 0x12345678, 4).ok());
        EXPECT_EQ(d.read(0x20000004, 4).value, 0x12345678u);
        EXPECT_EQ(d.read(0x20000000, 1).value, 0xABu);
        EXPECT_EQ(d.read(0x08000000, 4).delay, 3 * kPeriod);     // read_wait 3
        EXPECT_EQ(d.write(0x08000000, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);  // flash is read-only
    });
    const AccessCounters& s = rig.sram.counters();
    EXPECT_EQ(s.writes[0], 1u);
    EXPECT_EQ(s.writes[1], 1u);
    EXPECT_EQ(s.writes[2], 1u);
    EXPECT_EQ(s.reads[0], 1u);
    EXPECT_EQ(s.reads[2], 1u);
    EXPECT_EQ(s.write_bytes(), 7u);
    EXPECT_EQ(s.read_bytes(), 5u);
    EXPECT_EQ(rig.flash.counters().reads[2], 1u);
    EXPECT_EQ(rig.flash.counters().write_bytes(), 0u);
}

TEST(Memory, DebugTransportIsUntimedAndUncounted) {
    Rig rig;
    rig.run([&](test::TlmDriver& d) {
        uint8_t bytes[4] = {1, 2, 3, 4};
        tlm::tlm_generic_payload tx;
        tx.set_command(tlm::TLM_WRITE_COMMAND);
        tx.set_address(0x08000010);  // flash: writable for the loader
        tx.set_data_ptr(bytes);
        tx.set_data_length(4);
        EXPECT_EQ(d.socket->transport_dbg(tx), 4u);
    });
    EXPECT_EQ(rig.flash.data()[0x13], 4);
    EXPECT_EQ(rig.flash.counters().write_bytes(), 0u);
}

}  // namespace
}  // namespace vitsim
