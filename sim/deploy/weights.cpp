#include "deploy/weights.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "deploy/bytes.h"
#include "deploy/errors.h"
#include "deploy/prng.h"
#include "deploy/reference.h"
#include "sim/files.h"
#include "sim/message_text.h"

namespace vitsim::deploy {
namespace {

// Entry kinds of the weights file.
enum : uint32_t { kEntryParam = 1, kEntryActScale = 2, kEntryInput = 3 };
enum : uint32_t { kFileNone = 0, kFileI8 = 1, kFileI32 = 2 };

// Calibration set size (the sample input and seeded others) and the margin on
// every activation range.
constexpr int kCalibrationInputs = 4;
constexpr double kCalibrationHeadroom = 1.0;

std::string shape_text(const std::vector<int>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? " x " : "") + std::to_string(shape[i]);
    return s + "]";
}

const char* dtype_name(DType t) { return t == DType::I8 ? "int8" : "int32"; }

// A name from a weights file or a network, quoted for a one-line message.
std::string quoted_text(const std::string& text) { return "'" + escape_for_message(text) + "'"; }

bool scale_in_range(double scale) { return scale >= kMinScale && scale <= kMaxScale; }  // false for NaN

std::string scale_problem(double scale) {
    char text[64];
    std::snprintf(text, sizeof text, "%g", scale);
    return std::string("has scale ") + text + " (must be a number from 2^-40 to 2^24)";
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// How a parameter is drawn. Weights: uniform with variance 1/fan_in (activations
// keep their size through the layers); LayerNorm gamma around 1; small biases.
enum class ParamRole { Weight, Bias, Gamma, Beta, ClassToken, PosTable };

ParamRole role_of(const ParamSpec& spec) {
    const std::string& n = spec.name;
    if (ends_with(n, ".gamma")) return ParamRole::Gamma;
    if (ends_with(n, ".beta")) return ParamRole::Beta;
    if (ends_with(n, ".token")) return ParamRole::ClassToken;
    if (ends_with(n, ".table")) return ParamRole::PosTable;
    return spec.dtype == DType::I32 ? ParamRole::Bias : ParamRole::Weight;
}

std::vector<double> draw(const ParamSpec& spec, uint64_t seed) {
    SplitMix64 rng = stream_for(seed, spec.name);
    std::vector<double> v(static_cast<size_t>(spec.elements()));
    const ParamRole role = role_of(spec);
    const double fan_in = static_cast<double>(spec.elements()) / spec.shape[0];
    for (double& x : v) {
        switch (role) {
        case ParamRole::Weight: x = rng.symmetric(std::sqrt(3.0 / fan_in)); break;
        case ParamRole::Bias: x = rng.symmetric(0.2); break;
        case ParamRole::Gamma: x = 1.0 + rng.symmetric(0.25); break;
        case ParamRole::Beta: x = rng.symmetric(0.2); break;
        case ParamRole::ClassToken: x = rng.symmetric(1.0); break;
        case ParamRole::PosTable: x = rng.symmetric(0.5); break;
        }
    }
    return v;
}

Tensor quantize_i8(const std::vector<int>& shape, const std::vector<double>& v, double scale) {
    Tensor t;
    t.dtype = DType::I8;
    t.shape = shape;
    t.scale = scale;
    t.i8.resize(v.size());
    for (size_t i = 0; i < v.size(); i++)
        t.i8[i] = static_cast<int8_t>(std::clamp(std::nearbyint(v[i] / scale), -127.0, 127.0));
    return t;
}

Tensor quantize_i32(const std::vector<int>& shape, const std::vector<double>& v, double scale) {
    Tensor t;
    t.dtype = DType::I32;
    t.shape = shape;
    t.scale = scale;
    t.i32.resize(v.size());
    const double lim = 2147483647.0;
    for (size_t i = 0; i < v.size(); i++) t.i32[i] = static_cast<int32_t>(std::clamp(std::nearbyint(v[i] / scale), -lim, lim));
    return t;
}

double max_abs(const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m = std::max(m, std::fabs(x));
    return m;
}

// Scale of the int32 bias of a GEMM: the accumulator's (input x weight).
double bias_scale(const Graph& g, const Node& n, const std::string& bias, const Weights& w) {
    if (n.kind == NodeKind::Mhsa) {
        const std::string which = bias.substr(bias.size() - 1);  // q, k, v, o
        if (which == "o") return w.act_scales.at(n.name + ":context") * w.params.at(n.name + ".wo").scale;
        return w.act_scales.at(n.inputs[0]) * w.params.at(n.name + ".w" + which).scale;
    }
    (void)g;
    return w.act_scales.at(n.inputs[0]) * w.params.at(n.name + ".weight").scale;
}

}  // namespace

int64_t Tensor::elements() const {
    int64_t n = 1;
    for (int d : shape) n *= d;
    return n;
}

const Tensor& Weights::param(const std::string& name) const {
    const auto it = params.find(name);
    if (it == params.end()) throw InternalError("weights: no parameter '" + name + "'");
    return it->second;
}

double Weights::scale(const std::string& name) const {
    const auto it = act_scales.find(name);
    if (it == act_scales.end()) throw InternalError("weights: no activation scale '" + name + "'");
    return it->second;
}

double scale_for_max(double max_abs_value) {
    const double m = std::max(max_abs_value, 1e-6) / 127.0;
    int e;
    const double f = std::frexp(m, &e);  // m = f * 2^e, f in [0.5, 1)
    return std::ldexp(std::ceil(std::ldexp(f, 12)), e - 12);
}

std::vector<int8_t> generate_input(const Graph& graph, uint64_t seed, const std::string& stream_name) {
    SplitMix64 rng = stream_for(seed, stream_name);
    std::vector<int8_t> x(static_cast<size_t>(graph.input_shape.bytes()));
    for (int8_t& v : x) v = static_cast<int8_t>(rng.integer(-127, 127));
    return x;
}

Weights generate_weights(const Graph& graph, uint64_t seed) {
    Weights w;
    w.network = graph.name;
    w.seed = seed;
    FloatParams real;        // what the calibration pass uses
    std::map<std::string, std::vector<double>> later;  // quantized once scales are known
    for (const auto& spec : graph.param_specs()) {
        std::vector<double> v = draw(spec, seed);
        const ParamRole role = role_of(spec);
        if (role == ParamRole::Weight || role == ParamRole::Gamma || role == ParamRole::PosTable) {
            Tensor t = quantize_i8(spec.shape, v, scale_for_max(max_abs(v)));
            for (size_t i = 0; i < v.size(); i++) v[i] = t.real(static_cast<int64_t>(i));
            w.params[spec.name] = std::move(t);
        } else {
            later[spec.name] = v;
        }
        real[spec.name] = std::move(v);
    }

    // Calibration: float passes on the sample input and kCalibrationInputs - 1
    // more; each scale covers the largest magnitude seen (times the headroom).
    w.input = generate_input(graph, seed, "input");
    std::map<std::string, double> seen;
    for (int k = 0; k < kCalibrationInputs; k++) {
        const std::vector<int8_t> q = k == 0 ? w.input : generate_input(graph, seed, "calibration" + std::to_string(k));
        std::vector<double> calib;
        for (int8_t v : q) calib.push_back(v * kGeneratedInputScale);
        const ReferenceResult r = float_forward(graph, real, calib, false, true);
        for (const auto& [name, m] : r.max_abs) seen[name] = std::max(seen[name], m);
    }
    for (const auto& name : graph.activation_scale_names())
        w.act_scales[name] = scale_for_max(seen.at(name) * kCalibrationHeadroom);
    w.act_scales[graph.input] = kGeneratedInputScale;
    // The class-token kernel needs token and tokens at one scale: the wider one.
    // A row view (class-token pooling without LayerNorm) is its input.
    for (const auto& n : graph.nodes) {
        if (n.kind == NodeKind::ClassToken) {
            const double s = std::max(w.act_scales[n.name], w.act_scales[n.inputs[0]]);
            w.act_scales[n.name] = w.act_scales[n.inputs[0]] = s;
        }
        if (n.kind == NodeKind::SelectRow) w.act_scales[n.name] = w.act_scales[n.inputs[0]];
    }

    for (const auto& n : graph.nodes) {
        for (const auto& spec : n.params) {
            const auto it = later.find(spec.name);
            if (it == later.end()) continue;
            switch (role_of(spec)) {
            case ParamRole::Bias:
                w.params[spec.name] = quantize_i32(spec.shape, it->second, bias_scale(graph, n, spec.name, w));
                break;
            case ParamRole::Beta:
                w.params[spec.name] = quantize_i32(spec.shape, it->second,
                                                   w.params.at(n.name + ".gamma").scale * std::ldexp(1.0, -11));
                break;
            case ParamRole::ClassToken:
                w.params[spec.name] = quantize_i8(spec.shape, it->second, w.act_scales.at(n.name));
                break;
            default:
                throw InternalError("weights: parameter '" + spec.name + "' left unquantized");
            }
        }
    }
    return w;
}

void validate_weights(const Graph& graph, const Weights& weights, const std::string& source) {
    if (weights.network != graph.name)
        throw InputError(source + ": weights are for network " + quoted_text(weights.network) + ", not " + quoted_text(graph.name));
    for (const auto& spec : graph.param_specs()) {
        const auto it = weights.params.find(spec.name);
        if (it == weights.params.end())
            throw InputError(source + ": missing tensor '" + spec.name + "' needed by network '" + graph.name + "'");
        const Tensor& t = it->second;
        if (t.dtype != spec.dtype)
            throw InputError(source + ": tensor '" + spec.name + "' is " + dtype_name(t.dtype) + ", network '" +
                             graph.name + "' needs " + dtype_name(spec.dtype));
        if (t.shape != spec.shape)
            throw InputError(source + ": tensor '" + spec.name + "' has shape " + shape_text(t.shape) +
                             ", network '" + graph.name + "' needs " + shape_text(spec.shape));
        const size_t n = t.dtype == DType::I8 ? t.i8.size() : t.i32.size();
        if (static_cast<int64_t>(n) != spec.elements())
            throw InputError(source + ": tensor '" + spec.name + "' holds " + std::to_string(n) + " values, shape " +
                             shape_text(spec.shape) + " needs " + std::to_string(spec.elements()));
        if (!scale_in_range(t.scale))
            throw InputError(source + ": tensor " + quoted_text(spec.name) + " " + scale_problem(t.scale));
    }
    for (const auto& name : graph.activation_scale_names()) {
        const auto it = weights.act_scales.find(name);
        if (it == weights.act_scales.end())
            throw InputError(source + ": missing activation scale '" + name + "' needed by network '" + graph.name + "'");
        if (!scale_in_range(it->second))
            throw InputError(source + ": activation scale " + quoted_text(name) + " " + scale_problem(it->second));
    }
    if (static_cast<int64_t>(weights.input.size()) != graph.input_shape.bytes())
        throw InputError(source + ": sample input has " + std::to_string(weights.input.size()) + " bytes, network '" +
                         graph.name + "' needs " + std::to_string(graph.input_shape.bytes()));
}

// ---- weights file -------------------------------------------------------------

std::vector<uint8_t> serialize_weights(const Weights& w) {
    ByteWriter out;
    out.u32(kWeightsMagic);
    out.u32(kWeightsVersion);
    out.u32(static_cast<uint32_t>(w.params.size() + w.act_scales.size() + 1));
    out.u64(w.seed);
    out.string(w.network);
    auto header = [&](uint32_t kind, const std::string& name, uint32_t dtype, const std::vector<int>& shape,
                      double scale) {
        out.u32(kind);
        out.string(name);
        out.u32(dtype);
        out.u32(static_cast<uint32_t>(shape.size()));
        for (int d : shape) out.u32(static_cast<uint32_t>(d));
        out.f64(scale);
    };
    for (const auto& [name, t] : w.params) {
        header(kEntryParam, name, t.dtype == DType::I8 ? kFileI8 : kFileI32, t.shape, t.scale);
        if (t.dtype == DType::I8) {
            out.u32(static_cast<uint32_t>(t.i8.size()));
            out.bytes(t.i8.data(), t.i8.size());
        } else {
            out.u32(static_cast<uint32_t>(t.i32.size() * 4));
            for (int32_t v : t.i32) out.u32(static_cast<uint32_t>(v));
        }
        out.align(4);
    }
    for (const auto& [name, scale] : w.act_scales) {
        header(kEntryActScale, name, kFileNone, {}, scale);
        out.u32(0);
    }
    header(kEntryInput, "input", kFileI8, {static_cast<int>(w.input.size())}, w.act_scales.count("input") ? w.act_scales.at("input") : 1.0);
    out.u32(static_cast<uint32_t>(w.input.size()));
    out.bytes(w.input.data(), w.input.size());
    out.align(4);
    out.u32(fnv1a32(out.data().data(), out.data().size()));
    return out.take();
}

Weights parse_weights(const std::vector<uint8_t>& bytes, const std::string& source) {
    ByteReader in(bytes, source);
    if (bytes.size() < 8 || in.u32("magic") != kWeightsMagic)
        throw InputError(source + ": not a vitsim weights file (bad magic)");
    const uint32_t version = in.u32("version");
    if (version != kWeightsVersion)
        throw InputError(source + ": weights file version " + std::to_string(version) +
                         " is not supported (this vitsim reads version " + std::to_string(kWeightsVersion) + ")");
    const uint32_t count = in.u32("entry count");
    Weights w;
    w.seed = in.u64("seed");
    w.network = in.string("network name");
    bool have_input = false;
    for (uint32_t e = 0; e < count; e++) {
        const std::string what = "entry " + std::to_string(e);
        const uint32_t kind = in.u32(what + " kind");
        const std::string name = in.string(what + " name");
        const std::string where = "entry " + std::to_string(e) + " " + quoted_text(name);
        const uint32_t dtype = in.u32(where + " dtype");
        const uint32_t rank = in.u32(where + " rank");
        if (rank > 8) throw InputError(source + ": " + where + ": rank " + std::to_string(rank) + " (at most 8)");
        std::vector<int> shape;
        int64_t elements = 1;
        for (uint32_t i = 0; i < rank; i++) {
            const uint32_t d = in.u32(where + " shape");
            if (d == 0 || d > (1u << 28)) throw InputError(source + ": " + where + ": bad dimension " + std::to_string(d));
            shape.push_back(static_cast<int>(d));
            elements *= d;
            if (elements > (int64_t{1} << 31)) throw InputError(source + ": " + where + ": tensor too large");
        }
        const double scale = in.f64(where + " scale");
        // Checked here, naming the entry: a scale of 0, 1e-300 or NaN would
        // otherwise pass loading and fail deep inside deploy or the golden run.
        if (!scale_in_range(scale)) throw InputError(source + ": " + where + " " + scale_problem(scale));
        const uint32_t data_bytes = in.u32(where + " size");
        const int64_t expect = dtype == kFileI8 ? elements : dtype == kFileI32 ? elements * 4 : 0;
        if (dtype > kFileI32 || data_bytes != expect)
            throw InputError(source + ": " + where + ": " + std::to_string(data_bytes) +
                             " data bytes do not match dtype " + std::to_string(dtype) + " and shape " + shape_text(shape));
        const uint8_t* data = in.bytes(data_bytes, where + " data");
        in.align(4, where + " padding");
        if (kind == kEntryParam) {
            if (dtype == kFileNone) throw InputError(source + ": " + where + ": a parameter needs dtype 1 or 2");
            Tensor t;
            t.shape = shape;
            t.scale = scale;
            if (dtype == kFileI8) {
                t.dtype = DType::I8;
                t.i8.assign(reinterpret_cast<const int8_t*>(data), reinterpret_cast<const int8_t*>(data) + data_bytes);
            } else {
                t.dtype = DType::I32;
                t.i32.resize(elements);
                for (int64_t i = 0; i < elements; i++) t.i32[i] = static_cast<int32_t>(read_le32(data + 4 * i));
            }
            if (!w.params.emplace(name, std::move(t)).second)
                throw InputError(source + ": " + where + ": tensor appears twice");
        } else if (kind == kEntryActScale) {
            if (!w.act_scales.emplace(name, scale).second)
                throw InputError(source + ": " + where + ": activation scale appears twice");
        } else if (kind == kEntryInput) {
            if (dtype != kFileI8) throw InputError(source + ": " + where + ": the sample input must be int8");
            w.input.assign(reinterpret_cast<const int8_t*>(data), reinterpret_cast<const int8_t*>(data) + data_bytes);
            have_input = true;
        } else {
            throw InputError(source + ": " + where + ": unknown entry kind " + std::to_string(kind));
        }
    }
    const size_t body = in.offset();
    const uint32_t stored = in.u32("checksum");
    if (in.offset() != bytes.size())
        throw InputError(source + ": " + std::to_string(bytes.size() - in.offset()) + " unexpected bytes after the checksum");
    if (stored != fnv1a32(bytes.data(), body)) throw InputError(source + ": checksum mismatch (the file is corrupt)");
    if (!have_input) throw InputError(source + ": no sample input entry");
    return w;
}

void save_weights(const Weights& weights, const std::string& path) {
    const std::vector<uint8_t> bytes = serialize_weights(weights);
    write_file_atomically(path, bytes.data(), bytes.size());
}

Weights load_weights(const std::string& path) { return parse_weights(read_binary_file(path, "weights file"), path); }

std::string weights_cache_file(const Graph& graph, uint64_t seed, const std::string& cache_dir) {
    char key[17];
    std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(graph.fingerprint));
    return cache_dir + "/net-" + key + "-seed" + std::to_string(seed) + "-v" + std::to_string(kWeightsVersion) + ".vswt";
}

Weights cached_weights(const Graph& graph, uint64_t seed, const std::string& cache_dir) {
    const std::string file = weights_cache_file(graph, seed, cache_dir);
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec)) {
        try {
            Weights w = load_weights(file);
            validate_weights(graph, w, file);
            if (w.seed == seed) return w;
        } catch (const InputError&) {
            // stale or damaged: regenerate below
        }
    }
    Weights w = generate_weights(graph, seed);
    std::filesystem::create_directories(cache_dir, ec);
    remove_stale_temporaries(cache_dir);
    try {
        save_weights(w, file);
    } catch (const CommandError&) {
        // read-only cache: keep going without it
    }
    return w;
}

FloatParams dequantize(const Weights& weights) {
    FloatParams real;
    for (const auto& [name, t] : weights.params) {
        std::vector<double> v(static_cast<size_t>(t.elements()));
        for (int64_t i = 0; i < t.elements(); i++) v[i] = t.real(i);
        real[name] = std::move(v);
    }
    return real;
}

std::vector<double> dequantize_input(const Weights& weights) {
    std::vector<double> v;
    const double s = weights.scale("input");
    for (int8_t x : weights.input) v.push_back(x * s);
    return v;
}

}  // namespace vitsim::deploy
