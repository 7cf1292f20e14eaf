// Writes the seed corpus of the weights and model-image fuzz targets with the
// deploy code itself: the weights file of network `tiny` and its model images
// for several option sets. Usage: fuzz_make_seeds WEIGHTS_DIR IMAGE_DIR
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "deploy/deploy.h"
#include "deploy/network.h"
#include "deploy/weights.h"
#include "soc/profile.h"

namespace {

using namespace vitsim::deploy;

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error(path + ": cannot write");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s WEIGHTS_DIR IMAGE_DIR\n", argv[0]);
        return 2;
    }
    const std::string weights_dir = argv[1], image_dir = argv[2];
    const DeployTarget target = target_for_profile(vitsim::load_profile("stm32f746"), 64 * 1024, 4096, 2048);
    const std::vector<std::vector<std::string>> option_sets = {
        {}, {"weights=staged"}, {"fwsa=on", "mhsa=depth-first"}, {"simd=off", "patch-embed=decomposed"},
        {"linear=token-overwrite", "mhsa=depth-first"}};
    for (const std::string net : {"tiny", "tiny-lowrank"}) {
        const Graph graph = load_network(net).graph;
        const Weights weights = generate_weights(graph, 1);
        write_file(weights_dir + "/" + net + ".vswt", serialize_weights(weights));
        for (size_t i = 0; i < option_sets.size(); i++) {
            const DeployResult r = deploy(graph, weights, parse_options(option_sets[i]), target);
            write_file(image_dir + "/" + net + "-" + std::to_string(i) + ".vsmi", r.image);
        }
    }
    return 0;
}
