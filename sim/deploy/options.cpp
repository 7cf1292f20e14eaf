#include "deploy/options.h"

#include <algorithm>

#include "deploy/errors.h"

namespace vitsim::deploy {
namespace {

constexpr int kMaxTile = 1024;
constexpr int kMaxNewtonSteps = 32;

[[noreturn]] void bad_value(const std::string& setting, const std::string& key, const std::string& allowed) {
    throw OptionError("deploy option '" + setting + "': allowed values of " + key + ": " + allowed);
}

// A decimal integer in [lo, hi], or -1.
int integer_in(const std::string& text, int lo, int hi) {
    if (text.empty() || text.size() > 6 || !std::all_of(text.begin(), text.end(), ::isdigit)) return -1;
    const int v = std::stoi(text);
    return v >= lo && v <= hi ? v : -1;
}

template <typename T>
T pick(const std::string& setting, const std::string& key, const std::string& value,
       const std::vector<std::pair<std::string, T>>& choices) {
    std::string allowed;
    for (const auto& [name, v] : choices) {
        if (name == value) return v;
        allowed += (allowed.empty() ? "" : ", ") + name;
    }
    bad_value(setting, key, allowed);
}

}  // namespace

std::vector<std::string> option_keys() {
    return {"engine", "fwsa", "linear", "mhsa", "patch-embed", "simd", "split", "sqrt", "tile", "weights"};
}

void DeployOptions::set(const std::string& setting) {
    const auto eq = setting.find('=');
    if (eq == std::string::npos || eq == 0)
        throw OptionError("deploy option '" + setting + "': expected key=value");
    const std::string key = setting.substr(0, eq), value = setting.substr(eq + 1);
    if (key == "mhsa") {
        mhsa = pick<MhsaSchedule>(setting, key, value,
                                  {{"layer-wise", MhsaSchedule::LayerWise}, {"depth-first", MhsaSchedule::DepthFirst}});
    } else if (key == "fwsa") {
        fwsa = pick<bool>(setting, key, value, {{"on", true}, {"off", false}});
    } else if (key == "tile") {
        const int v = integer_in(value, 1, kMaxTile);
        if (v < 0) bad_value(setting, key, "an integer 1.." + std::to_string(kMaxTile));
        tile = v;
    } else if (key == "patch-embed") {
        patch_embed = pick<PatchEmbedMode>(setting, key, value,
                                           {{"direct", PatchEmbedMode::Direct}, {"decomposed", PatchEmbedMode::Decomposed}});
    } else if (key == "linear") {
        linear = pick<LinearMode>(setting, key, value,
                                  {{"out-of-place", LinearMode::OutOfPlace}, {"token-overwrite", LinearMode::TokenOverwrite}});
    } else if (key == "sqrt") {
        const std::string allowed = "newton:N (N = 1.." + std::to_string(kMaxNewtonSteps) + "), bisect";
        if (value == "bisect") {
            sqrt = SqrtMethod::Bisect;
        } else if (value.rfind("newton:", 0) == 0) {
            const int v = integer_in(value.substr(7), 1, kMaxNewtonSteps);
            if (v < 0) bad_value(setting, key, allowed);
            sqrt = SqrtMethod::Newton;
            newton_steps = v;
        } else {
            bad_value(setting, key, allowed);
        }
    } else if (key == "weights") {
        weights = pick<WeightMode>(setting, key, value, {{"in-place", WeightMode::InPlace}, {"staged", WeightMode::Staged}});
    } else if (key == "simd") {
        simd = pick<bool>(setting, key, value, {{"on", true}, {"off", false}});
    } else if (key == "split") {
        split = pick<AttentionSplit>(setting, key, value,
                                     {{"balanced", AttentionSplit::Balanced}, {"heads", AttentionSplit::Heads}});
    } else if (key == "engine") {
        engine = pick<bool>(setting, key, value, {{"on", true}, {"off", false}});
    } else {
        std::string keys;
        for (const auto& k : option_keys()) keys += (keys.empty() ? "" : ", ") + k;
        throw OptionError("deploy option '" + setting + "': unknown option '" + key + "' (allowed: " + keys + ")");
    }
}

std::vector<std::pair<std::string, std::string>> DeployOptions::items() const {
    return {
        {"mhsa", mhsa == MhsaSchedule::LayerWise ? "layer-wise" : "depth-first"},
        {"fwsa", fwsa ? "on" : "off"},
        {"tile", std::to_string(tile)},
        {"patch-embed", patch_embed == PatchEmbedMode::Direct ? "direct" : "decomposed"},
        {"linear", linear == LinearMode::OutOfPlace ? "out-of-place" : "token-overwrite"},
        {"sqrt", sqrt == SqrtMethod::Bisect ? "bisect" : "newton:" + std::to_string(newton_steps)},
        {"weights", weights == WeightMode::InPlace ? "in-place" : "staged"},
        {"simd", simd ? "on" : "off"},
        {"split", split == AttentionSplit::Balanced ? "balanced" : "heads"},
        {"engine", engine ? "on" : "off"},
    };
}

nlohmann::ordered_json DeployOptions::to_json() const {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [key, value] : items()) j[key] = value;
    return j;
}

std::string DeployOptions::text() const {
    std::string s;
    for (const auto& [k, v] : items()) s += (s.empty() ? "" : " ") + k + "=" + v;
    return s;
}

DeployOptions parse_options(const std::vector<std::string>& settings) {
    DeployOptions o;
    for (const auto& s : settings) o.set(s);
    return o;
}

}  // namespace vitsim::deploy
