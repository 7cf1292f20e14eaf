// vitsim networks: the built-in networks (networks/*.json), one line each, with
// the figures a user chooses by: input, encoder shape, parameters and MACs.
#include <cinttypes>
#include <cstdio>
#include <iostream>

#include "deploy/errors.h"
#include "deploy/network.h"
#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/failure.h"
#include "sim/options.h"

namespace vitsim {

namespace {

using deploy::Graph;
using deploy::Node;
using deploy::NodeKind;

std::string input_text(const Graph& g) {
    if (g.image_input)
        return std::to_string(g.image_height) + "x" + std::to_string(g.image_width) + "x" +
               std::to_string(g.image_channels) + " image";
    return std::to_string(g.input_shape.rows) + "x" + std::to_string(g.input_shape.cols) + " sequence";
}

// "S=81 E=32 H=8 P=32 x2" (the first attention layer's shape, and how many there
// are); a low-rank network's attention runs at its rank r: "r=183".
std::string attention_text(const Graph& g) {
    const Node* first = nullptr;
    int blocks = 0;
    for (const Node& n : g.nodes)
        if (n.kind == NodeKind::Mhsa) {
            if (!first) first = &n;
            blocks++;
        }
    if (!first) return "no attention";
    const char* width = first->has_out_bias ? " E=" : " r=";  // no output bias: a low-rank factor follows
    return "S=" + std::to_string(first->seq) + width + std::to_string(first->out_shape.cols) + " H=" +
           std::to_string(first->heads) + " P=" + std::to_string(first->head_dim) + " x" + std::to_string(blocks);
}

int64_t parameter_bytes(const Graph& g) {
    int64_t bytes = 0;
    for (const deploy::ParamSpec& p : g.param_specs()) bytes += p.elements() * (p.dtype == deploy::DType::I32 ? 4 : 1);
    return bytes;
}

int64_t total_macs(const Graph& g) {
    int64_t macs = 0;
    for (const Node& n : g.nodes) macs += n.macs();
    return macs;
}

}  // namespace

int run_networks_command(const std::vector<std::string>& args) {
    OptionParser parser("networks");
    if (!parser.parse(args).empty()) throw UsageError("'vitsim networks' takes no arguments");
    std::printf("%-16s %-22s %-28s %12s %12s  %s\n", "network", "input", "attention", "param bytes", "MACs",
                "description");
    int status = 0;
    for (const std::string& name : deploy::network_names()) {
        try {
            const deploy::NetworkSpec spec = deploy::load_network(name);
            const Graph& g = spec.graph;
            std::printf("%-16s %-22s %-28s %12" PRId64 " %12" PRId64 "  %s\n", name.c_str(), input_text(g).c_str(),
                        attention_text(g).c_str(), parameter_bytes(g), total_macs(g),
                        one_line(spec.description).c_str());
        } catch (const CommandError& e) {
            std::fflush(stdout);
            std::cerr << "vitsim: " << one_line(e.what()) << '\n';
            status = e.code();
        }
    }
    return status;
}

}  // namespace vitsim
