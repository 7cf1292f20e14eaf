#include "sim/run_inputs.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "deploy/errors.h"
#include "deploy/golden.h"
#include "interp.h"
#include "sim/exit_codes.h"
#include "sim/npz.h"
#include "soc/soc.h"

namespace vitsim {
namespace {

using deploy::InputError;

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// The network's input as NumPy would shape one sample: [H, W, C] or [tokens, features].
std::vector<int64_t> sample_shape(const deploy::Graph& graph) {
    if (graph.image_input) return {graph.image_height, graph.image_width, graph.image_channels};
    return {graph.input_shape.rows, graph.input_shape.cols};
}

int8_t quantize(double value, double scale) {
    return int8_t(std::clamp(std::nearbyint(value / scale), -127.0, 127.0));
}

// A copy of the image whose input is `sample`, its model checksum recomputed.
std::vector<uint8_t> image_with_input(const std::vector<uint8_t>& image, const int8_t* sample) {
    std::vector<uint8_t> copy = image;
    vs_model_header_t h;
    std::memcpy(&h, copy.data(), sizeof h);
    std::memcpy(copy.data() + h.input_offset, sample, h.input_bytes);
    h.model_checksum = vs_model_checksum(copy.data());
    std::memcpy(copy.data(), &h, sizeof h);
    return copy;
}

struct Spread {
    double mean = 0, stdev = 0, min = 0, max = 0;
};

Spread spread_of(const std::vector<double>& v) {
    Spread s;
    if (v.empty()) return s;
    s.min = *std::min_element(v.begin(), v.end());
    s.max = *std::max_element(v.begin(), v.end());
    for (double x : v) s.mean += x;
    s.mean /= double(v.size());
    for (double x : v) s.stdev += (x - s.mean) * (x - s.mean);
    s.stdev = std::sqrt(s.stdev / double(v.size()));
    return s;
}

nlohmann::ordered_json spread_json(const Spread& s) {
    return {{"mean", s.mean}, {"stdev", s.stdev}, {"min", s.min}, {"max", s.max}};
}

size_t argmax(const std::vector<int8_t>& v) { return size_t(std::max_element(v.begin(), v.end()) - v.begin()); }

}  // namespace

InputSet read_inputs(const std::string& path, const deploy::Graph& graph, const deploy::Weights& weights,
                     int64_t classes) {
    const std::map<std::string, NpyArray> arrays = read_npz(path);
    const auto x = arrays.find("x");
    if (x == arrays.end()) throw InputError(path + ": no array 'x' (the samples, [N, " +
                                            shape_text(sample_shape(graph)).substr(1));
    const std::vector<int64_t> want = sample_shape(graph);
    const std::vector<int64_t>& got = x->second.shape;
    if (got.size() != want.size() + 1 || !std::equal(want.begin(), want.end(), got.begin() + 1) || got[0] == 0)
        throw InputError(path + ": 'x' has shape " + shape_text(got) + ", network '" + graph.name + "' needs [N, " +
                         shape_text(want).substr(1));
    InputSet set;
    set.count = got[0];
    set.sample_bytes = graph.input_shape.bytes();
    set.samples.resize(size_t(set.count * set.sample_bytes));
    const double scale = weights.scale(graph.input);
    for (size_t i = 0; i < set.samples.size(); i++) {
        const double v = x->second.values[i];
        if (!std::isfinite(v)) throw InputError(path + ": 'x' element " + std::to_string(i) + " is not a finite number");
        set.samples[i] = x->second.dtype == "i1" ? int8_t(v) : quantize(v, scale);
    }
    const auto y = arrays.find("y");
    if (y == arrays.end()) return set;
    if (!y->second.integral() || y->second.shape.size() != 1)
        throw InputError(path + ": labels 'y' must be a 1-D integer array, not " + y->second.dtype + " " +
                         shape_text(y->second.shape));
    if (y->second.shape[0] != set.count)
        throw InputError(path + ": " + std::to_string(y->second.shape[0]) + " labels for " + std::to_string(set.count) +
                         " samples");
    for (size_t i = 0; i < y->second.values.size(); i++) {
        const double label = y->second.values[i];
        if (label < 0 || label >= double(classes))
            throw InputError(path + ": label " + std::to_string(int64_t(label)) + " of sample " + std::to_string(i) +
                             " is not a class of network '" + graph.name + "' (0.." + std::to_string(classes - 1) + ")");
        set.labels.push_back(int64_t(label));
    }
    return set;
}

InputBatch::InputBatch(InputSet set, const deploy::DeployResult& deployed, const deploy::DeployTarget& target)
    : set_(std::move(set)), deployed_(deployed) {
    // The first read-only memory with room after the model's blobs (never the data
    // memory: the arena is there).
    std::vector<deploy::TargetMemory> memories;
    if (target.code.name != target.data.name) memories.push_back(target.code);
    memories.insert(memories.end(), target.weight_memories.begin(), target.weight_memories.end());
    const uint64_t bytes = uint64_t(set_.samples.size());
    for (const deploy::TargetMemory& m : memories) {
        if (m.name == target.data.name) continue;
        uint64_t end = m.name == target.code.name ? target.image_address : m.base;
        for (const deploy::PlacedBlob& b : deployed.blobs)
            if (b.memory == m.name) end = std::max(end, b.address + b.bytes);
        end = (end + 15) & ~uint64_t(15);
        if (end + bytes <= m.base + m.size) {
            address_ = end;
            return;
        }
    }
    throw CommandError(kExitNoFit, "--inputs: " + std::to_string(set_.count) + " samples (" + std::to_string(bytes) +
                                       " bytes) fit in no read-only memory after the model");
}

void InputBatch::load(Soc& soc, const ElfImage& elf, const std::string& elf_path) const {
    const uint32_t count_word = elf.symbol_in_segment("vs_inputs_count", 4, elf_path);
    const uint32_t address_word = elf.symbol_in_segment("vs_inputs_address", 4, elf_path);
    if (!soc.write_memory(address_, set_.samples.data(), set_.samples.size()))
        throw CommandError(kExitLoad, "--inputs: samples at " + std::to_string(address_) + " are outside every memory");
    const uint32_t address = uint32_t(address_), count = uint32_t(set_.count);
    soc.write_memory(address_word, &address, 4);
    soc.write_memory(count_word, &count, 4);
}

void InputBatch::on_event(const SimCtrlEvent& e, Soc& soc, uint64_t arena_address) {
    if (e.kind != SimCtrlEvent::Kind::kLayerEnd || e.id + 1 != deployed_.plan.layers.size()) return;
    std::vector<int8_t> out(size_t(deployed_.output_bytes));
    soc.read_memory(arena_address + uint64_t(deployed_.output_offset), out.data(), out.size());
    outputs_.push_back(std::move(out));
}

nlohmann::ordered_json InputBatch::finish(const std::vector<LayerRecord>& records, const nlohmann::ordered_json& layers) {
    const size_t per_sample = deployed_.plan.layers.size();
    if (outputs_.size() != size_t(set_.count) || records.size() != per_sample * size_t(set_.count))
        throw CommandError(kExitInternal, "--inputs: the firmware ran " + std::to_string(outputs_.size()) + " of " +
                                              std::to_string(set_.count) + " samples (" + std::to_string(records.size()) +
                                              " layer records)");
    nlohmann::ordered_json samples = nlohmann::ordered_json::array();
    std::vector<double> cycles, energy;
    int64_t correct = 0, golden_correct = 0;  // the firmware's, the host golden model's
    for (int64_t s = 0; s < set_.count; s++) {
        const int8_t* input = set_.samples.data() + s * set_.sample_bytes;
        const std::vector<int8_t> golden = deploy::golden_run(image_with_input(deployed_.image, input)).output;
        const std::vector<int8_t>& out = outputs_[size_t(s)];
        const bool match = out == golden;
        mismatches_ += match ? 0 : 1;
        uint64_t c = 0;
        double uj = 0;
        bool has_energy = false;
        for (size_t r = size_t(s) * per_sample; r < size_t(s + 1) * per_sample; r++) {
            c += records[r].counters.cycles;
            if (r < layers.size() && layers[r].contains("energy_uj")) {
                uj += layers[r]["energy_uj"].get<double>();
                has_energy = true;
            }
        }
        cycles.push_back(double(c));
        if (has_energy) energy.push_back(uj);
        nlohmann::ordered_json j = {{"index", s}, {"predicted", argmax(out)}};
        if (!set_.labels.empty()) {
            j["label"] = set_.labels[size_t(s)];
            correct += int64_t(argmax(out)) == set_.labels[size_t(s)];
            golden_correct += int64_t(argmax(golden)) == set_.labels[size_t(s)];
        }
        j["golden_match"] = match;
        j["cycles"] = c;
        if (has_energy) j["energy_uj"] = uj;
        j["logits"] = out;
        nlohmann::ordered_json real = nlohmann::ordered_json::array();
        for (int8_t v : out) real.push_back(v * deployed_.output_scale);
        j["logits_real"] = real;
        samples.push_back(j);
    }
    nlohmann::ordered_json batch = {{"count", set_.count},
                                    {"address", address_},
                                    {"golden_match", mismatches_ == 0},
                                    {"golden_mismatches", mismatches_},
                                    {"labelled", !set_.labels.empty()}};
    batch["top1_accuracy"] = set_.labels.empty() ? nlohmann::ordered_json(nullptr)
                                                 : nlohmann::ordered_json(double(correct) / double(set_.count));
    batch["correct"] = set_.labels.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(correct);
    batch["golden_top1_accuracy"] = set_.labels.empty() ? nlohmann::ordered_json(nullptr)
                                                        : nlohmann::ordered_json(double(golden_correct) / double(set_.count));
    batch["cycles_per_inference"] = spread_json(spread_of(cycles));
    batch["energy_uj_per_inference"] = energy.empty() ? nlohmann::ordered_json(nullptr) : spread_json(spread_of(energy));
    batch["samples"] = samples;
    return batch;
}

void print_batch_summary(const nlohmann::ordered_json& b) {
    const auto& c = b["cycles_per_inference"];
    std::printf("inputs: %" PRId64 " samples, %s", b["count"].get<int64_t>(),
                b["golden_match"].get<bool>() ? "every output equals the host golden model bit for bit"
                                               : "MISMATCH with the host golden model");
    if (!b["top1_accuracy"].is_null())
        std::printf(", top-1 %.2f%% (%" PRId64 "/%" PRId64 ")", 100 * b["top1_accuracy"].get<double>(),
                    b["correct"].get<int64_t>(), b["count"].get<int64_t>());
    std::printf("\ncycles per inference: mean %.0f, stdev %.1f, min %.0f, max %.0f\n", c["mean"].get<double>(),
                c["stdev"].get<double>(), c["min"].get<double>(), c["max"].get<double>());
    if (!b["energy_uj_per_inference"].is_null()) {
        const auto& e = b["energy_uj_per_inference"];
        std::printf("energy per inference: mean %.3f uJ, stdev %.3f\n", e["mean"].get<double>(), e["stdev"].get<double>());
    }
}

}  // namespace vitsim
