// `vitsim run --inputs FILE`: N samples (an .npz, docs/cli.md "Many inputs") run one
// after another by the interpreter firmware in one simulation, the model loaded
// once. Each output is read at the last layer's end marker and compared bit for
// bit with the host golden model on the same sample; the report gives each
// sample's predicted class and logits, top-1 accuracy against the labels, and
// cycles (and energy, when the report has it) per inference.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "deploy/deploy.h"
#include "deploy/weights.h"
#include "sim/elf_loader.h"
#include "sim/profiler.h"

namespace vitsim {

class Soc;

struct InputSet {
    int64_t count = 0;
    int64_t sample_bytes = 0;
    std::vector<int8_t> samples;   // count x sample_bytes, the network's input layout
    std::vector<int64_t> labels;   // empty, or one per sample
};

// Reads `path`: array "x" [N, <input shape>] (int8 as is, floats quantized at the
// weights' input scale) and optional "y" [N] labels in 0..classes-1. InputError
// (111) for a file that is not an .npz, a missing "x", a shape that is not the
// network's, or labels of the wrong length or range.
InputSet read_inputs(const std::string& path, const deploy::Graph& graph, const deploy::Weights& weights,
                     int64_t classes);

class InputBatch {
public:
    InputBatch(InputSet set, const deploy::DeployResult& deployed, const deploy::DeployTarget& target);

    // Writes the samples into a read-only memory after the model's blobs, and
    // their address and count into the firmware's vs_inputs_address / vs_inputs_count.
    void load(Soc& soc, const ElfImage& elf, const std::string& elf_path) const;
    // At the last layer's end marker: the output of the sample that just ran.
    void on_event(const SimCtrlEvent& e, Soc& soc, uint64_t arena_address);
    // Host golden model per sample, comparison, accuracy, cycles per inference from
    // the profiler's records (`layers`: the run report's per-record JSON).
    nlohmann::ordered_json finish(const std::vector<LayerRecord>& records, const nlohmann::ordered_json& layers);
    bool golden_match() const { return mismatches_ == 0; }
    int64_t mismatches() const { return mismatches_; }
    uint64_t address() const { return address_; }

private:
    InputSet set_;
    const deploy::DeployResult& deployed_;
    uint64_t address_ = 0;
    std::vector<std::vector<int8_t>> outputs_;
    int64_t mismatches_ = 0;
};

// One summary line per figure for the terminal.
void print_batch_summary(const nlohmann::ordered_json& batch);

}  // namespace vitsim
