// Fuzz target: the host golden run's reading of a model image (validate_image in
// sim/deploy/golden.cpp, then the interpreter of firmware/interp and the kernels
// compiled for the host). Both checksums are fixed up first, so that mutations
// reach the header fields and layer records instead of stopping at the checksums.
#include <cstdint>
#include <cstring>
#include <vector>

#include "deploy/bytes.h"
#include "deploy/golden.h"
#include "fuzz_support.h"
#include "interp.h"

namespace {

// Larger arenas are valid but make single runs slow (the work grows with the
// arena); the seeds' arenas are a few KiB.
constexpr uint32_t kFuzzArenaLimit = 256 * 1024;

// A damaged image must be refused by validate_image (InputError) or, when it is
// well-formed but asks a kernel for something it does not do, by the interpreter's
// own checks ("golden run of ... failed at layer ...": an InternalError, since
// vitsim only runs images its deploy code made). Anything else is a finding.
void run_image(const std::vector<uint8_t>& image) {
    try {
        vitsim::deploy::golden_run(image);
    } catch (const vitsim::CommandError& e) {
        const bool interpreter_refused = e.code() == vitsim::kExitInternal && std::strncmp(e.what(), "golden run of ", 14) == 0;
        if (interpreter_refused)
            vitsim::fuzz::check_one_line(e.what());
        else
            vitsim::fuzz::check_input_error(e.code(), e.what());
    } catch (...) {
        vitsim::fuzz::judge_current_exception();
    }
}

// Recomputes both checksums where the header says they are (when it can).
void fix_checksums(std::vector<uint8_t>& image) {
    vs_model_header_t h;
    std::memcpy(&h, image.data(), sizeof h);
    if (h.model_bytes <= image.size()) {
        h.model_checksum = vs_model_checksum(image.data());
    }
    if (h.weights_file_offset <= image.size() && h.weights_bytes <= image.size() - h.weights_file_offset)
        h.weights_checksum = vitsim::deploy::fnv1a32(image.data() + h.weights_file_offset, h.weights_bytes);
    std::memcpy(image.data(), &h, sizeof h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<uint8_t> image(data, data + size);
    if (image.size() >= sizeof(vs_model_header_t)) {
        vs_model_header_t h;
        std::memcpy(&h, image.data(), sizeof h);
        if (h.arena_bytes > kFuzzArenaLimit) return 0;
    }
    run_image(image);
    if (image.size() >= sizeof(vs_model_header_t)) {
        fix_checksums(image);
        run_image(image);
    }
    return 0;
}
