// Profile loader: every shipped profile loads with the facts docs/profiles.md states;
// broken profiles give one error naming the file and the field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "soc/profile.h"
#include "profile_json.h"

namespace vitsim {
namespace {

using nlohmann::json;

using test::error_of;
using test::shipped;

// A profile with an RV32 core (the RISC-V fields' tests).
json canonical() { return shipped("stm32f746-rv32"); }

TEST(Profile, EveryShippedProfileLoads) {
    const std::vector<std::string> names = profile_names();
    for (const char* expected : {"gap9", "stm32f746", "stm32h743", "stm32l476"})
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    for (const std::string& name : names) {
        SCOPED_TRACE(name);
        const Profile p = load_profile(name);
        EXPECT_EQ(p.name, name);
        EXPECT_GT(p.clock_hz, 0u);
        EXPECT_TRUE(p.memory(p.code_memory).executable);
        EXPECT_TRUE(p.memory(p.data_memory).writable);
        EXPECT_FALSE(p.description.empty());
    }
}

TEST(Profile, Stm32f746MatchesTheDesignContract) {
    const Profile p = load_profile("stm32f746");
    EXPECT_EQ(p.clock_hz, 216000000u);
    EXPECT_EQ(p.memory("flash").base, 0x08000000u);
    EXPECT_EQ(p.memory("flash").size, 1u << 20);
    EXPECT_FALSE(p.memory("flash").writable);
    EXPECT_EQ(p.memory("sram").base, 0x20000000u);
    EXPECT_EQ(p.memory("sram").size, 320u * 1024);
    EXPECT_EQ(p.memory("qspi").base, 0x90000000u);
    EXPECT_EQ(p.memory("qspi").size, 16u << 20);
    EXPECT_EQ(p.core, CoreModel::kCortexM7);
    EXPECT_TRUE(p.arm_timing.dual_issue);
    EXPECT_EQ(p.arm_timing.div_max, 12u);
    EXPECT_EQ(p.dma.bytes_per_cycle, 4u);
}

TEST(Profile, Stm32f746DataRamIsDtcmSram1AndSram2) {
    // One 320 KiB range for the linker and the planner, three paths for the core: the
    // DTCM beside the core (uncached), SRAM1 and SRAM2 on the AXI bus behind the D-cache.
    const Profile p = load_profile("stm32f746");
    const MemoryTiming& sram = p.memory("sram");
    ASSERT_EQ(sram.parts.size(), 3u);
    EXPECT_EQ(sram.parts[0].name, "dtcm");
    EXPECT_EQ(sram.parts[0].base, 0x20000000u);
    EXPECT_EQ(sram.parts[0].size, 64u * 1024);
    EXPECT_EQ(sram.parts[1].name, "sram1");
    EXPECT_EQ(sram.parts[1].base, 0x20010000u);
    EXPECT_EQ(sram.parts[1].offset_in_memory, 0x10000u);
    EXPECT_EQ(sram.parts[2].name, "sram2");
    EXPECT_EQ(sram.parts[2].base, 0x2004c000u);
    EXPECT_EQ(sram.at(0x2000fffc).name, "dtcm");
    EXPECT_EQ(sram.at(0x2004c000).name, "sram2");
    EXPECT_TRUE(sram.parts[2].writable);  // inherited
    const auto& cacheable = p.memory_system.cacheable;
    EXPECT_EQ(std::count(cacheable.begin(), cacheable.end(), "dtcm"), 0);
    EXPECT_EQ(std::count(cacheable.begin(), cacheable.end(), "sram1"), 1);
    EXPECT_EQ(p.memory("itcm").base, 0u);
}

TEST(Profile, Stm32f746ItcmRunsFromTheItcmFlashPathBehindTheArt) {
    const Profile p = load_profile("stm32f746-itcm");
    EXPECT_EQ(p.memory(p.code_memory).base, 0x00200000u);
    ASSERT_EQ(p.memory_system.accelerators.size(), 1u);
    EXPECT_EQ(p.memory_system.accelerators[0].memory, p.code_memory);
    EXPECT_EQ(p.memory_system.accelerators[0].lines * p.memory_system.accelerators[0].line_bytes, 2048u);
    const auto& cacheable = p.memory_system.cacheable;
    EXPECT_EQ(std::count(cacheable.begin(), cacheable.end(), p.code_memory), 0) << "the ITCM path is not cached";
}

TEST(Profile, MemoryPartsAreChecked) {
    json doc = shipped("stm32f746");
    json& sram = doc["memories"][2];
    ASSERT_EQ(sram["name"], "sram");
    json broken = doc;
    broken["memories"][2]["parts"][1]["size"] = "200K";
    EXPECT_EQ(error_of(broken), "bad.json: memories[2].parts: the parts add up to 286720 bytes, not the memory's 327680");
    broken = doc;
    broken["memories"][2]["parts"][1]["size"] = "300K";
    EXPECT_EQ(error_of(broken), "bad.json: memories[2].parts[1].size: the part ends beyond its memory");
    broken = doc;
    broken["memories"][2]["parts"][0]["size"] = 12;
    EXPECT_EQ(error_of(broken), "bad.json: memories[2].parts[0].size: must be a non-zero multiple of 8 bytes");
    broken = doc;
    broken["memories"][2]["parts"][2]["name"] = "flash";
    EXPECT_EQ(error_of(broken), "bad.json: memories[2].parts[2].name: duplicate memory name flash");
    broken = doc;
    broken["memories"][2]["parts"][0]["ways"] = 2;
    EXPECT_EQ(error_of(broken), "bad.json: memories[2].parts[0].ways: unknown field");
    broken = doc;
    broken["memories"][2]["parts"] = json::array();
    EXPECT_EQ(error_of(broken), "bad.json: memories[2].parts: expected a non-empty array of parts");
    broken = doc;
    broken["caches"]["cacheable"] = json::array({"sram9"});
    EXPECT_EQ(error_of(broken), "bad.json: caches.cacheable: no memory is called sram9");
}

TEST(Profile, Stm32h743UsesAxiSramAsDataMemory) {
    const Profile p = load_profile("stm32h743");
    EXPECT_EQ(p.clock_hz, 480000000u);
    EXPECT_EQ(p.memory("flash").size, 2u << 20);
    EXPECT_EQ(p.data_memory, "axisram");
    EXPECT_EQ(p.memory("axisram").base, 0x24000000u);
    EXPECT_EQ(p.memory("axisram").size, 512u * 1024);
}

TEST(Profile, Stm32l476HasFourFlashWaitStates) {
    const Profile p = load_profile("stm32l476");
    EXPECT_EQ(p.clock_hz, 80000000u);
    EXPECT_EQ(p.memory("flash").read_wait, 4u);
    EXPECT_EQ(p.memory("flash").fetch_wait, 4u);
    EXPECT_EQ(p.memory("sram1").base, 0x20000000u);
    EXPECT_EQ(p.memory("sram1").size, 96u * 1024);
    EXPECT_EQ(p.memory("sram2").base, 0x10000000u);
    EXPECT_EQ(p.core, CoreModel::kCortexM4);
    EXPECT_FALSE(p.arm_timing.dual_issue);
}

TEST(Profile, Gap9RunsFromL2) {
    const Profile p = load_profile("gap9");
    EXPECT_EQ(p.clock_hz, 370000000u);
    EXPECT_EQ(p.code_memory, "l2");
    EXPECT_EQ(p.data_memory, "l2");
    EXPECT_EQ(p.memory("l2").base, 0x1C000000u);
    EXPECT_EQ(p.memory("l2").size, 1536u * 1024);
    EXPECT_EQ(p.memory("mram").size, 2u << 20);
    EXPECT_FALSE(p.memory("mram").writable);
    EXPECT_TRUE(p.isa.xvitsim);
}

TEST(Profile, Gap9HasAnEightCoreClusterOnABankedL1) {
    const Profile p = load_profile("gap9");
    EXPECT_EQ(p.cluster.cores, 8u);
    EXPECT_EQ(p.cluster.l1_memory, "l1");
    EXPECT_EQ(p.memory("l1").base, 0x10000000u);
    EXPECT_EQ(p.memory("l1").size, 128u * 1024);
    EXPECT_EQ(p.cluster.l1_banks, 16u);
    EXPECT_EQ(p.cluster.l2_latency, 10u);
    EXPECT_EQ(p.cluster.barrier_cycles, 11u);
    EXPECT_EQ(p.cluster.dma.l1_ports, 4u);
    EXPECT_EQ(load_profile("stm32f746-rv32").cluster.cores, 0u);  // no "cluster": none
}

TEST(Profile, ClusterFieldsAreChecked) {
    json doc = shipped("gap9");
    doc["cluster"]["l1_memory"] = "tcdm";
    EXPECT_EQ(error_of(doc), "bad.json: cluster.l1_memory: no memory is called tcdm");
    doc = shipped("gap9");
    doc["cluster"]["l1_banks"] = 12;
    EXPECT_EQ(error_of(doc), "bad.json: cluster.l1_banks: must be a power of two");
    doc = shipped("gap9");
    doc["cluster"]["cores"] = 9;
    EXPECT_EQ(error_of(doc), "bad.json: cluster.cores: value 9 is larger than 8");
    doc = shipped("gap9");
    doc["cluster"]["l1_memory"] = "l2";
    EXPECT_EQ(error_of(doc), "bad.json: cluster.l1_memory: the L1 must be writable and not executable");
    doc = shipped("gap9");
    doc["memories"][2]["base"] = "0x40010000";
    EXPECT_EQ(error_of(doc), "bad.json: memories[2]: l1 overlaps the cluster's registers 0x40010000..0x40011000");
    doc = shipped("gap9");
    doc["cluster"]["spare"] = 1;
    EXPECT_EQ(error_of(doc), "bad.json: cluster.spare: unknown field");
}

TEST(Profile, CachesAreParsedAndChecked) {
    const Profile f746 = load_profile("stm32f746");
    EXPECT_EQ(f746.memory_system.icache.size_bytes, 4096u);
    EXPECT_EQ(f746.memory_system.icache.ways, 2u);
    EXPECT_EQ(f746.memory_system.dcache.ways, 4u);
    EXPECT_EQ(f746.memory_system.dcache.line_bytes, 32u);
    EXPECT_EQ(f746.memory_system.cacheable, (std::vector<std::string>{"flash", "sram1", "sram2", "qspi"}));
    const Profile l476 = load_profile("stm32l476");
    EXPECT_EQ(l476.memory_system.icache.size_bytes, 0u);  // a Cortex-M4: no L1 caches
    ASSERT_EQ(l476.memory_system.accelerators.size(), 1u);
    EXPECT_EQ(l476.memory_system.accelerators[0].memory, "flash");
    EXPECT_EQ(l476.memory_system.accelerators[0].lines, 32u);
    EXPECT_TRUE(load_profile("gap9").memory_system.cacheable.empty());  // "caches" is optional

    json doc = shipped("stm32f746");
    doc["caches"]["cacheable"] = {"flahs"};
    EXPECT_EQ(error_of(doc), "bad.json: caches.cacheable: no memory is called flahs");
    doc = shipped("stm32f746");
    doc["caches"]["icache"]["ways"] = 3;
    EXPECT_EQ(error_of(doc), "bad.json: caches.icache.ways: must be a power of two");
    doc = shipped("stm32f746");
    doc["caches"]["dcache"]["size"] = "64";
    EXPECT_EQ(error_of(doc), "bad.json: caches.dcache.size: must be a power of two of at least ways x line_bytes");
    doc = shipped("stm32f746");
    doc["caches"]["accelerators"] = json::array({{{"memory", "qspi"}, {"kind", "art"}, {"lines", 8}, {"line_bytes", 16}, {"prefetch", true}}});
    EXPECT_EQ(error_of(doc), "bad.json: caches.accelerators: qspi is not executable");
    doc["caches"]["accelerators"][0]["kind"] = "cache";
    EXPECT_EQ(error_of(doc), "bad.json: caches.accelerators[0].kind: expected \"art\" (the only accelerator modelled)");
    doc = shipped("stm32f746");
    doc["caches"]["icache"]["assoc"] = 2;
    EXPECT_EQ(error_of(doc), "bad.json: caches.icache.assoc: unknown field");
}

TEST(Profile, ParsesSizes) {
    EXPECT_EQ(parse_size("320K"), 320u * 1024);
    EXPECT_EQ(parse_size("1M"), 1u << 20);
    EXPECT_EQ(parse_size("0x8000"), 0x8000u);
    EXPECT_EQ(parse_size("4096"), 4096u);
    EXPECT_THROW(parse_size("12Q"), std::invalid_argument);
    EXPECT_THROW(parse_size("K"), std::invalid_argument);
    EXPECT_THROW(parse_size("0x10K"), std::invalid_argument);
    EXPECT_THROW(parse_size(""), std::invalid_argument);
}

TEST(Profile, InvalidJsonNamesTheFile) {
    try {
        parse_profile("{ \"name\": ", "broken.json");
        FAIL() << "no error";
    } catch (const ProfileError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("broken.json: invalid JSON: ", 0), 0u) << e.what();
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
}

TEST(Profile, MissingFieldIsNamed) {
    json doc = canonical();
    doc.erase("clock_hz");
    EXPECT_EQ(error_of(doc), "bad.json: clock_hz: missing required field");
    doc = canonical();
    doc["memories"][1].erase("size");
    EXPECT_EQ(error_of(doc), "bad.json: memories[1].size: missing required field");
    doc = canonical();
    doc["core_timing"].erase("div_latency");
    EXPECT_EQ(error_of(doc), "bad.json: core_timing.div_latency: missing required field");
}

TEST(Profile, WrongTypesAndValuesAreNamed) {
    json doc = canonical();
    doc["memories"][1]["size"] = "320Q";
    EXPECT_EQ(error_of(doc),
              "bad.json: memories[1].size: expected a size like \"320K\", \"1M\" or \"0x8000\", got \"320Q\"");
    doc = canonical();
    doc["memories"][0]["base"] = "08000000";
    EXPECT_EQ(error_of(doc), "bad.json: memories[0].base: expected a hex address like \"0x20000000\", got \"08000000\"");
    doc = canonical();
    doc["clock_hz"] = -5;
    EXPECT_EQ(error_of(doc), "bad.json: clock_hz: expected a non-negative integer, got -5");
    doc = canonical();
    doc["isa"]["m"] = "yes";
    EXPECT_EQ(error_of(doc), "bad.json: isa.m: expected true or false");
    doc = canonical();
    doc["memories"][0]["line_bytes"] = 24;
    EXPECT_EQ(error_of(doc), "bad.json: memories[0].line_bytes: must be a power of two");
}

TEST(Profile, Stm32f427IsACortexM4WithItsTimingFromTheProfile) {
    const Profile p = load_profile("stm32f427");
    EXPECT_EQ(p.core, CoreModel::kCortexM4);
    EXPECT_EQ(p.clock_hz, 180000000u);
    EXPECT_EQ(p.memory("sram").size, 256u * 1024);
    EXPECT_EQ(p.arm_timing.load, 2u);
    EXPECT_EQ(p.arm_timing.div_max, 12u);
    EXPECT_TRUE(p.arm_timing.pipelined_loads);
    EXPECT_EQ(load_profile("stm32f746-rv32").core, CoreModel::kRv32);
    EXPECT_EQ(load_profile("gap9").core, CoreModel::kRv32);  // no "core": RV32
}

TEST(Profile, ArmCoreFieldsAreNamed) {
    json doc = shipped("stm32f427");
    doc["core"] = "cortex-m0";
    EXPECT_EQ(error_of(doc), "bad.json: core: unknown core \"cortex-m0\" (known: rv32, cortex-m4, cortex-m7)");
    doc = shipped("stm32f427");
    doc["core_timing"].erase("branch_refill");
    EXPECT_EQ(error_of(doc), "bad.json: core_timing.branch_refill: missing required field");
    doc = shipped("stm32f427");
    doc["core_timing"]["div_min"] = 13;
    EXPECT_EQ(error_of(doc), "bad.json: core_timing.div_min: is larger than div_max");
    doc = shipped("stm32f427");
    doc["core_timing"]["base_cpi"] = 1;  // an RV32 field
    EXPECT_EQ(error_of(doc), "bad.json: core_timing.base_cpi: unknown field");
    doc = shipped("stm32f427");
    doc["isa"] = {{"m", true}, {"c", true}, {"xvitsim", true}};  // RV32 options on an Arm core
    EXPECT_EQ(error_of(doc), "bad.json: isa: unknown field");
}

TEST(Profile, UnknownFieldIsATypo) {
    json doc = canonical();
    doc["memories"][0]["read_wiat"] = 2;
    EXPECT_EQ(error_of(doc), "bad.json: memories[0].read_wiat: unknown field");
}

TEST(Profile, MemoryMapIsChecked) {
    json doc = canonical();
    doc["memories"][1]["base"] = "0x080F0000";  // sram over the end of flash
    EXPECT_EQ(error_of(doc), "bad.json: memories[1]: sram overlaps flash");
    doc = canonical();
    doc["memories"][1]["base"] = "0x40000000";
    EXPECT_EQ(error_of(doc), "bad.json: memories[1]: sram overlaps the peripheral window 0x40000000..0x40010000");
    doc = canonical();
    doc["memories"][2]["base"] = "0xFFFFF000";
    EXPECT_EQ(error_of(doc), "bad.json: memories[2].size: memory ends beyond the 32-bit address space");
    doc = canonical();
    doc["data_memory"] = "dram";
    EXPECT_EQ(error_of(doc), "bad.json: data_memory: no memory is called dram");
    doc = canonical();
    doc["data_memory"] = "flash";
    EXPECT_EQ(error_of(doc), "bad.json: data_memory: flash is not writable");
    doc = canonical();
    doc["code_memory"] = "qspi";
    EXPECT_EQ(error_of(doc), "bad.json: code_memory: qspi is not executable");
}

// Numbers of the wrong kind used to escape as exit 119 (1e400) or to wrap
// around (a base beyond 32 bits plus a size summed to less than 2^32).
TEST(Profile, NumbersOutOfRangeOrOfTheWrongTypeAreNamed) {
    std::string text = canonical().dump();
    text.replace(text.find("\"clock_hz\":216000000"), 20, "\"clock_hz\":1e400");
    try {
        parse_profile(text, "big.json");
        FAIL() << "no error";
    } catch (const ProfileError& e) {
        EXPECT_EQ(std::string(e.what()), "big.json: invalid JSON: a number is out of range (number overflow parsing '1e400')");
    }
    json doc = canonical();
    doc["clock_hz"] = 2.5e8;
    EXPECT_EQ(error_of(doc), "bad.json: clock_hz: expected a non-negative integer, got 250000000.0");
    doc = canonical();
    doc["core_timing"]["mul_latency"] = -1;
    EXPECT_EQ(error_of(doc), "bad.json: core_timing.mul_latency: expected a non-negative integer, got -1");
    doc = canonical();
    doc["memories"][0]["base"] = "0xFFFFFFFFFFFFFF00";
    EXPECT_EQ(error_of(doc), "bad.json: memories[0].base: address 0xffffffffffffff00 is beyond 32 bits");
    doc = canonical();
    doc["memories"][0]["base"] = 18446744073709551360u;
    EXPECT_EQ(error_of(doc), "bad.json: memories[0].base: address 0xffffffffffffff00 is beyond 32 bits");
    doc = canonical();
    doc["memories"][0]["base"] = "0x0";
    doc["memories"][0]["size"] = "4G";  // 2^32 does not fit the 32-bit size field
    EXPECT_EQ(error_of(doc), "bad.json: memories[0].size: size 4294967296 is larger than 4294967295");
    doc = canonical();
    doc["memories"][0]["cache_bytes"] = 18446744073709551615u;
    EXPECT_EQ(error_of(doc), "bad.json: memories[0].cache_bytes: size 18446744073709551615 is larger than 4294967295");
}

TEST(Profile, NamesFromTheFileAreEscapedInMessages) {
    json doc = canonical();
    doc["data_memory"] = "d\nram";
    EXPECT_EQ(error_of(doc), "bad.json: data_memory: no memory is called d\\nram");
    doc = canonical();
    doc["memories"][0]["read\twait"] = 2;
    EXPECT_EQ(error_of(doc), "bad.json: memories[0].read\\twait: unknown field");
    doc = canonical();
    doc["memories"][1]["base"] = "0x080F0000";  // over the end of flash
    doc["memories"][1]["name"] = "sr\nam";
    EXPECT_EQ(error_of(doc), "bad.json: memories[1]: sr\\nam overlaps flash");
}

// The matrix engine's register block comes from the profile (cluster.engine.base).
TEST(Profile, TheEngineRegistersAreWhereTheProfileSays) {
    EXPECT_EQ(load_profile("gap9").cluster.engine_base, 0x40020000u);
    json doc = shipped("gap9");
    doc["cluster"]["engine"]["base"] = "0x40030000";
    EXPECT_EQ(parse_profile(doc.dump(), "moved.json").cluster.engine_base, 0x40030000u);
    doc["cluster"]["engine"].erase("base");
    EXPECT_EQ(error_of(doc), "bad.json: cluster.engine.base: missing required field");
    doc["cluster"]["engine"]["base"] = "0x40020100";
    EXPECT_EQ(error_of(doc), "bad.json: cluster.engine.base: 0x40020100 is not a multiple of 0x00001000");
    doc["cluster"]["engine"]["base"] = "0x40003000";
    EXPECT_EQ(error_of(doc), "bad.json: cluster.engine.base: 0x40003000 is inside the peripheral window 0x40000000..0x40010000");
    doc["cluster"]["engine"]["base"] = "0x40010000";
    EXPECT_EQ(error_of(doc), "bad.json: cluster.engine.base: 0x40010000 overlaps the cluster's registers 0x40010000");
    doc["cluster"]["engine"]["base"] = "0x10001000";
    EXPECT_EQ(error_of(doc), "bad.json: memories[2]: l1 overlaps the matrix engine's registers 0x10001000 (cluster.engine.base)");
}

TEST(Profile, DirectoryIsNotAProfile) {
    const std::string dir = ::testing::TempDir() + "vitsim-profile-dir.json";
    std::filesystem::create_directories(dir);
    try {
        load_profile(dir);
        FAIL() << "no error";
    } catch (const ProfileError& e) {
        EXPECT_EQ(std::string(e.what()), dir + ": is a directory, not a profile");
    }
}

TEST(Profile, UnknownNameListsTheKnownOnes) {
    try {
        load_profile("stm32f999");
        FAIL() << "no error";
    } catch (const ProfileError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown SoC profile 'stm32f999'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("stm32f746"), std::string::npos) << e.what();
    }
}

TEST(Profile, MissingFileIsNamed) {
    try {
        load_profile("/nonexistent/board.json");
        FAIL() << "no error";
    } catch (const ProfileError& e) {
        EXPECT_EQ(std::string(e.what()), "/nonexistent/board.json: cannot read profile: No such file or directory");
    }
}

TEST(Profile, LoadsByPath) {
    const Profile p = load_profile(profile_dir() + "/gap9.json");
    EXPECT_EQ(p.name, "gap9");
    EXPECT_EQ(p.source, profile_dir() + "/gap9.json");
}

}  // namespace
}  // namespace vitsim
