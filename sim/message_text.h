// Text taken from an input file (a layer name, a JSON key, a string value) and
// echoed in an error message. vitsim's messages are one line each (docs/cli.md),
// so whatever a file holds must not be able to break that line or flood it.
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

namespace vitsim {

// `text` with control characters, backslashes and bytes >= 0x7f written as C
// escapes (\n, \t, \\, \xNN), cut to `max_chars` input characters (then "...").
// Plain printable ASCII comes back unchanged, so ordinary names read as before.
inline std::string escape_for_message(std::string_view text, size_t max_chars = 120) {
    std::string out;
    const size_t n = text.size() < max_chars ? text.size() : max_chars;
    for (size_t i = 0; i < n; i++) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\\': out += "\\\\"; break;
        default:
            if (c < 0x20 || c >= 0x7f) {
                char hex[5];
                std::snprintf(hex, sizeof hex, "\\x%02x", c);
                out += hex;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    if (n < text.size()) out += "...";
    return out;
}

}  // namespace vitsim
