// Exit codes of the vitsim command. Programs run by the simulator use 0..109; the
// simulator keeps 110..119 for itself (docs/cli.md has the table).
#pragma once
#include <stdexcept>
#include <string>

namespace vitsim {

enum ExitCode : int {
    kExitUsage = 110,        // bad or unknown option
    kExitBadInput = 111,     // unreadable or invalid input file (ELF, JSON, profile, network)
    kExitLoad = 112,         // ELF segment outside every memory
    kExitTrap = 113,         // firmware trap with no handler
    kExitCycleLimit = 114,   // --max-cycles reached
    kExitNoFit = 115,        // plan does not fit / SRAM budget exceeded
    kExitGolden = 116,       // firmware output differs from the host golden
    kExitInternal = 119,     // simulator bug or unexpected failure
};

// A failure that ends the command with `code` and the one-line message what().
class CommandError : public std::runtime_error {
public:
    CommandError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};

}  // namespace vitsim
