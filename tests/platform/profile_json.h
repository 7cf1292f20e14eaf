// Test helpers for profile documents: a shipped profile as JSON, and the one-line
// error a (broken) document gives when parsed as "bad.json".
#pragma once
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "soc/profile.h"

namespace vitsim::test {

inline nlohmann::json shipped(const std::string& name) {
    std::ifstream in(profile_dir() + "/" + name + ".json");
    return nlohmann::json::parse(in);
}

inline std::string error_of(const nlohmann::json& doc) {
    try {
        parse_profile(doc.dump(), "bad.json");
    } catch (const ProfileError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace vitsim::test
