// Model image: header and records describe the plan, parts are placed where
// they fit, corrupt images are refused, interpreter failures name the layer.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <functional>

#include <nlohmann/json.hpp>

#include "deploy/bytes.h"
#include "deploy/golden.h"
#include "interp.h"
#include "soc/profile.h"
#include "test_support.h"

namespace vitsim::deploy {
namespace {

using test::error_of;

vs_model_header_t header_of(const std::vector<uint8_t>& image) {
    vs_model_header_t h;
    std::memcpy(&h, image.data(), sizeof h);
    return h;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

vs_layer_record_t record_of(const std::vector<uint8_t>& image, size_t i) {
    vs_layer_record_t r;
    std::memcpy(&r, image.data() + header_of(image).records_offset + i * sizeof r, sizeof r);
    return r;
}

void put_record(std::vector<uint8_t>& image, size_t i, const vs_layer_record_t& r) {
    std::memcpy(image.data() + header_of(image).records_offset + i * sizeof r, &r, sizeof r);
    const uint32_t sum = vs_model_checksum(image.data());
    write_le32(image.data() + offsetof(vs_model_header_t, model_checksum), sum);
}

struct TinyImage : ::testing::Test {
    Graph g = load_network("tiny").graph;
    Weights w = test::cached_weights(g);
    DeployTarget target = test::f746_target();
};

TEST_F(TinyImage, HeaderDescribesThePlan) {
    const DeployResult r = deploy(g, w, DeployOptions(), target);
    const vs_model_header_t h = header_of(r.image);
    EXPECT_EQ(h.magic, VS_MODEL_MAGIC);
    EXPECT_EQ(h.version, VS_MODEL_VERSION);
    EXPECT_EQ(h.header_bytes, 128u);
    EXPECT_EQ(h.record_bytes, 256u);
    EXPECT_EQ(h.layer_count, r.plan.layers.size());
    EXPECT_EQ(h.arena_bytes, static_cast<uint32_t>(r.plan.arena_bytes));
    EXPECT_EQ(h.output_arena_offset, static_cast<uint32_t>(r.output_offset));
    EXPECT_EQ(h.output_bytes, 4u);  // 4 classes
    EXPECT_EQ(h.input_bytes, 16u * 16 * 3);
    EXPECT_EQ(h.flags, VS_MODEL_FLAG_SIMD);
    EXPECT_EQ(std::string(h.name), "tiny");
    EXPECT_EQ(std::memcmp(r.image.data() + h.input_offset, w.input.data(), w.input.size()), 0);
    for (size_t i = 0; i < r.plan.layers.size(); i++) EXPECT_EQ(std::string(record_of(r.image, i).name), r.plan.layers[i].name);
    EXPECT_EQ(record_of(r.image, 0).op, static_cast<uint32_t>(VS_OP_PATCH_EMBED));
}

TEST_F(TinyImage, SmallWeightsFollowTheModelInFlash) {
    const DeployResult r = deploy(g, w, DeployOptions(), target);
    const vs_model_header_t h = header_of(r.image);
    ASSERT_EQ(r.blobs.size(), 2u);
    EXPECT_EQ(r.blobs[0].name, "model");
    EXPECT_EQ(r.blobs[0].address, target.image_address);
    EXPECT_EQ(r.blobs[0].bytes, h.model_bytes);
    EXPECT_EQ(r.blobs[1].name, "weights");
    EXPECT_EQ(r.blobs[1].memory, "flash");
    EXPECT_EQ(r.blobs[1].address, target.image_address + h.model_bytes);
    EXPECT_EQ(r.blobs[1].file_offset, h.weights_file_offset);
    EXPECT_EQ(r.blobs[1].bytes, h.weights_bytes);
    EXPECT_EQ(r.image.size(), h.model_bytes + h.weights_bytes);
    // Every record's weights lie inside the blob.
    for (size_t i = 0; i < h.layer_count; i++) {
        const vs_layer_record_t rec = record_of(r.image, i);
        if (!rec.weight_bytes) continue;
        EXPECT_GE(rec.weight_address, h.weights_address);
        EXPECT_LE(rec.weight_address + rec.weight_bytes, h.weights_address + h.weights_bytes);
    }
}

TEST_F(TinyImage, DeployIsDeterministic) {
    EXPECT_EQ(deploy(g, w, DeployOptions(), target).image, deploy(g, w, DeployOptions(), target).image);
}

TEST_F(TinyImage, ArenaAddressIsRecorded) {
    target.arena_address = 0x20001000;
    const DeployResult r = deploy(g, w, DeployOptions(), target);
    EXPECT_EQ(header_of(r.image).arena_address, 0x20001000u);
    EXPECT_EQ(r.arena_address, 0x20001000u);
}

TEST_F(TinyImage, StagedLayersCopyIntoTheArena) {
    const DeployResult r = deploy(g, w, test::options({"weights=staged"}), target);
    const vs_model_header_t h = header_of(r.image);
    EXPECT_EQ(h.flags, VS_MODEL_FLAG_SIMD | VS_MODEL_FLAG_STAGED);
    int staged = 0;
    for (size_t i = 0; i < h.layer_count; i++) {
        const vs_layer_record_t rec = record_of(r.image, i);
        if (!rec.weight_bytes) continue;
        staged++;
        EXPECT_TRUE(rec.flags & VS_LAYER_STAGED) << rec.name;
        EXPECT_LE(rec.staging_offset + rec.group_bytes, h.arena_bytes) << rec.name;
        EXPECT_EQ(r.plan.layers[i].staging_bytes, rec.group_bytes) << rec.name;
    }
    EXPECT_GT(staged, 5);
}

TEST_F(TinyImage, WeightsThatFitNowhereAreRefused) {
    const DeployResult fits = deploy(g, w, DeployOptions(), target);
    const uint64_t model = header_of(fits.image).model_bytes;
    target.code_budget = model + 1000;
    target.weight_memories.clear();
    EXPECT_EQ(error_of<NoFitError>([&] { deploy(g, w, DeployOptions(), target); }),
              "network 'tiny': weights (" + std::to_string(header_of(fits.image).weights_bytes) +
                  " bytes) fit neither in flash (1000 bytes free after the firmware and the model image)");
    target.code_budget = 100;
    EXPECT_EQ(error_of<NoFitError>([&] { deploy(g, w, DeployOptions(), target); }),
              "network 'tiny': the model image (" + std::to_string(model) +
                  " bytes) does not fit in flash (100 bytes free after the firmware)");
}

TEST_F(TinyImage, CorruptImagesAreRefused) {
    const std::vector<uint8_t> image = deploy(g, w, DeployOptions(), target).image;
    const vs_model_header_t h = header_of(image);
    std::vector<uint8_t> bad = image;
    bad[h.records_offset + 20] ^= 1;
    EXPECT_EQ(error_of<InputError>([&] { golden_run(bad); }), "model image: model checksum mismatch (the image is corrupt)");
    bad = image;
    bad[h.weights_file_offset + 3] ^= 1;
    EXPECT_EQ(error_of<InputError>([&] { golden_run(bad); }),
              "model image: weights checksum mismatch (the image is corrupt)");
    bad.assign(image.begin(), image.begin() + h.model_bytes + 10);
    EXPECT_EQ(error_of<InputError>([&] { golden_run(bad); }),
              "model image: truncated (" + std::to_string(h.model_bytes + 10) + " bytes)");
    bad = image;
    bad[0] = 0;
    EXPECT_EQ(error_of<InputError>([&] { golden_run(bad); }), "model image: not a vitsim model image of version 1");
}

TEST_F(TinyImage, InterpreterFailuresNameTheLayer) {
    const std::vector<uint8_t> image = deploy(g, w, DeployOptions(), target).image;
    std::vector<uint8_t> bad = image;
    vs_layer_record_t rec = record_of(bad, 3);
    ASSERT_EQ(std::string(rec.name), "block0.ln1");
    rec.param[0] = 99;  // no such square-root method: well-formed, but the kernel refuses it
    put_record(bad, 3, rec);
    EXPECT_EQ(error_of<InternalError>([&] { golden_run(bad); }),
              "golden run of 'tiny' failed at layer 3 'block0.ln1': a kernel rejected its arguments");
}

// validate_image refuses a damaged record before the interpreter reads it.
TEST_F(TinyImage, DamagedRecordsAreRefusedNamingTheLayer) {
    const std::vector<uint8_t> image = deploy(g, w, DeployOptions(), target).image;
    const uint32_t arena = header_of(image).arena_bytes, record_count = header_of(image).layer_count;
    auto refusal = [&](uint32_t layer, const std::function<void(vs_layer_record_t&)>& damage) {
        std::vector<uint8_t> bad = image;
        vs_layer_record_t rec = record_of(bad, layer);
        damage(rec);
        put_record(bad, layer, rec);
        return error_of<InputError>([&] { golden_run(bad); });
    };
    EXPECT_EQ(refusal(3, [](vs_layer_record_t& r) { r.op = 99; }), "model image: layer 3 'block0.ln1': unknown op 99");
    EXPECT_EQ(refusal(3, [](vs_layer_record_t& r) { r.dim[1] = 0; }),
              "model image: layer 3 'block0.ln1': dim[1] = 0 is out of range");
    EXPECT_EQ(refusal(4, [&](vs_layer_record_t& r) { r.scratch_offset = arena; }),
              "model image: layer 4 'block0.attn': scratch (" + std::to_string(record_of(image, 4).scratch_bytes) +
                  " bytes at arena offset " + std::to_string(arena) + ") extends beyond the arena of " +
                  std::to_string(arena) + " bytes");
    // Sizes that only the record's dimensions make wrong: each would have let a
    // kernel read or write outside its buffers.
    EXPECT_PRED2(contains, refusal(3, [](vs_layer_record_t& r) { r.dim[0] = 1 << 20; }), "extends beyond the arena");
    EXPECT_PRED2(contains, refusal(4, [](vs_layer_record_t& r) { r.dim[3] *= 64; }), "extends beyond its weight group");
    EXPECT_PRED2(contains, refusal(4, [](vs_layer_record_t& r) { r.scratch_bytes = 4; }), "bytes of scratch, the record has 4");
    EXPECT_PRED2(contains, refusal(4, [](vs_layer_record_t& r) { r.weight_bytes = 0; }), "weight groups larger than the weights");
    EXPECT_PRED2(contains, refusal(4, [](vs_layer_record_t& r) { r.tensor[0] = VS_NO_TENSOR; }), "weight tensor 0 is missing");
    EXPECT_PRED2(contains, refusal(4, [](vs_layer_record_t& r) { r.scratch_offset = r.in_offset; }), "scratch overlaps input");
    // A dot product over more than 2^16 terms could overflow an int32 accumulator.
    EXPECT_PRED2(contains, refusal(record_count - 1, [](vs_layer_record_t& r) { r.dim[1] = 65537; }),
                 "fan-in 65537 is larger than 65536");
}

TEST_F(TinyImage, DamagedHeadersAreRefused) {
    const std::vector<uint8_t> image = deploy(g, w, DeployOptions(), target).image;
    auto refusal = [&](const std::function<void(vs_model_header_t&)>& damage) {
        std::vector<uint8_t> bad = image;
        vs_model_header_t h = header_of(bad);
        damage(h);
        std::memcpy(bad.data(), &h, sizeof h);
        return error_of<InputError>([&] { golden_run(bad); });
    };
    EXPECT_PRED2(contains, refusal([](vs_model_header_t& h) { h.layer_count = 0x01000000; }), "layer records at offset");
    EXPECT_PRED2(contains, refusal([](vs_model_header_t& h) { h.arena_bytes = 0xFFFFFFF0u; }), "is larger than 268435456");
    EXPECT_PRED2(contains, refusal([](vs_model_header_t& h) { h.output_arena_offset = h.arena_bytes; }), "output outside the arena");
    EXPECT_PRED2(contains, refusal([](vs_model_header_t& h) { h.records_offset = 2; }), "layer records at offset 2");
}

TEST(Image, LargeWeightsGoToQspi) {
    const Graph g = load_network("mcuformer-320k").graph;
    const Weights w = test::cached_weights(g);
    const DeployTarget target = test::f746_target();
    const DeployResult r = deploy(g, w, DeployOptions(), target);
    EXPECT_EQ(r.weights_memory, "qspi");
    EXPECT_EQ(r.weights_address, 0x90000000u);
    EXPECT_GT(r.blobs[1].bytes, 1u << 20);  // more than the whole internal flash
    EXPECT_EQ(r.blobs[0].memory, "flash");
    EXPECT_EQ(header_of(r.image).weights_address, 0x90000000u);
}

TEST_F(TinyImage, PlanJsonHasTheDocumentedSchema) {
    const DeployResult r = deploy(g, w, test::options({"mhsa=depth-first"}), target);
    const nlohmann::json j = plan_to_json(r.plan);
    EXPECT_EQ(j.at("schema"), "vitsim-plan");
    EXPECT_EQ(j.at("version"), 1);
    EXPECT_EQ(j.at("network"), "tiny");
    EXPECT_EQ(j.at("options"), r.plan.options);
    EXPECT_EQ(j.at("peak_sram_bytes"), r.plan.peak_sram_bytes);
    ASSERT_EQ(j.at("layers").size(), r.plan.layers.size());
    const auto& attn = j.at("layers").at(4);
    EXPECT_EQ(attn.at("name"), "block0.attn");
    EXPECT_EQ(attn.at("op"), "mhsa");
    EXPECT_EQ(attn.at("kernel"), "vs_mhsa_depthfirst_s8");
    for (const char* key : {"macs", "live_bytes", "scratch_bytes", "staging_bytes", "planned_bytes", "arena_high_water",
                            "sram_bytes", "weight_bytes"})
        EXPECT_TRUE(attn.contains(key)) << key;
    EXPECT_EQ(attn.at("output").at("tensor"), "block0.attn");
}

TEST(Target, Stm32f746PutsTheImageAfterTheFirmware) {
    const DeployTarget t = target_for_profile(load_profile("stm32f746"), 45000, 4096, 32);
    EXPECT_EQ(t.code.name, "flash");
    EXPECT_EQ(t.image_address, 0x08000000u + 45056);  // aligned to 64
    EXPECT_EQ(t.code_budget, (1u << 20) - 45056);
    ASSERT_EQ(t.weight_memories.size(), 1u);
    EXPECT_EQ(t.weight_memories[0].name, "qspi");
    EXPECT_EQ(t.weight_memories[0].base, 0x90000000u);
    EXPECT_EQ(t.data.name, "sram");
    EXPECT_EQ(t.sram_budget, 320u << 10);
    EXPECT_EQ(t.static_bytes, 32u);
}

TEST(Target, Gap9KeepsTheImageOutOfTheSharedL2) {
    const DeployTarget t = target_for_profile(load_profile("gap9"), 45000, 4096, 32);
    EXPECT_EQ(t.data.name, "l2");
    EXPECT_EQ(t.code.name, "mram");
    EXPECT_EQ(t.image_address, t.code.base);
    const Graph g = load_network("eegformer").graph;
    const DeployResult r = deploy(g, test::cached_weights(g), DeployOptions(), t);
    EXPECT_EQ(r.blobs[0].memory, "mram");
    EXPECT_EQ(r.weights_memory, "mram");
}

}  // namespace
}  // namespace vitsim::deploy
