// How a failed command ends: one line on stderr and an exit code from 110..119
// (docs/cli.md). Every error type of the simulator maps here, in one place.
#pragma once
#include <exception>
#include <string>

namespace vitsim {

struct Failure {
    int exit_code = 0;
    std::string message;  // one line: control characters escaped (one_line())
};

// The exit code and message of the exception `error` (rethrown and classified).
Failure failure_of(std::exception_ptr error);

// `text` with newlines, tabs and other control characters written as \n, \t, \xHH:
// what vitsim echoes from its input stays on one line.
std::string one_line(const std::string& text);

}  // namespace vitsim
