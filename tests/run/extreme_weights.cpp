// Writes the seeded weights of a network (as `vitsim run --seed` generates them)
// with every int32 bias moved next to the int32 limits, for run.extreme_biases:
// the firmware's accumulators then wrap modulo 2^32, and the host golden model
// must compute the same bits (and, in the sanitizer build, without signed
// overflow). The scales are kept, so deploy stores the biases as they are.
// Usage: extreme_weights NETWORK SEED OUT.vswt
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "deploy/network.h"
#include "deploy/weights.h"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: extreme_weights NETWORK SEED OUT.vswt\n");
        return 2;
    }
    try {
        using namespace vitsim::deploy;
        const Graph graph = load_network(argv[1]).graph;
        Weights weights = generate_weights(graph, std::strtoull(argv[2], nullptr, 10));
        // Both limits and values just inside them, so that sums of either sign cross.
        const int32_t limits[] = {INT32_MAX, INT32_MIN, INT32_MAX - 3000, INT32_MIN + 3000};
        int biases = 0;
        for (auto& [name, tensor] : weights.params) {
            if (tensor.dtype != DType::I32) continue;
            for (size_t i = 0; i < tensor.i32.size(); i++) tensor.i32[i] = limits[(i + biases) % 4];
            biases++;
        }
        if (biases == 0) {
            std::fprintf(stderr, "extreme_weights: %s has no int32 biases\n", argv[1]);
            return 1;
        }
        save_weights(weights, argv[3]);
        std::printf("%d bias tensors at the int32 limits\n", biases);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "extreme_weights: %s\n", e.what());
        return 1;
    }
}
