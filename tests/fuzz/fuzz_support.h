// What the fuzz targets count as a finding: a reader of an input file must either
// succeed or throw the documented input error (exit 111, or 112 for a load error)
// with a one-line message. Crashes, sanitizer reports, hangs and huge
// allocations are caught by libFuzzer itself; everything else ends up here.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "sim/exit_codes.h"

namespace vitsim::fuzz {

[[noreturn]] inline void finding(const char* what, const std::string& detail) {
    std::fprintf(stderr, "\nFUZZ FINDING: %s: %s\n", what, detail.c_str());
    std::abort();
}

// A message goes to the user as one line after "vitsim: ": no control characters.
inline void check_one_line(const std::string& message) {
    if (message.empty()) finding("empty error message", "");
    for (unsigned char c : message)
        if (c < 0x20 || c == 0x7f) finding("error message is not one printable line", message);
}

inline void check_input_error(int exit_code, const std::string& message) {
    if (exit_code != kExitBadInput && exit_code != kExitLoad)
        finding(("error with exit code " + std::to_string(exit_code) + " instead of 111/112").c_str(), message);
    check_one_line(message);
}

// Call inside `catch (...)` after the catch clauses of the reader's own error
// types: a CommandError must be an input error, anything else is a finding.
inline void judge_current_exception() {
    try {
        throw;
    } catch (const CommandError& e) {
        check_input_error(e.code(), e.what());
    } catch (const std::exception& e) {
        finding("unexpected exception", e.what());
    } catch (...) {
        finding("unexpected exception", "(not a std::exception)");
    }
}

}  // namespace vitsim::fuzz
