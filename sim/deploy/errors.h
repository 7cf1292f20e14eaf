// Errors of the deployment tool. Each carries the vitsim exit code the command
// line maps it to (sim/exit_codes.h): a bad network, weights file or image is
// 111, a bad --set option 110, a plan that does not fit 115.
#pragma once
#include <string>

#include "sim/exit_codes.h"

namespace vitsim::deploy {

// Network description or weights file that cannot be read or is invalid (exit 111).
class InputError : public CommandError {
public:
    explicit InputError(const std::string& message) : CommandError(kExitBadInput, message) {}
};

// A deploy option (key=value) that is unknown or has a bad value (exit 110).
class OptionError : public CommandError {
public:
    explicit OptionError(const std::string& message) : CommandError(kExitUsage, message) {}
};

// A plan that does not fit the target's memories (exit 115).
class NoFitError : public CommandError {
public:
    explicit NoFitError(const std::string& message) : CommandError(kExitNoFit, message) {}
};

// A broken invariant of the deploy tool itself (exit 119).
class InternalError : public CommandError {
public:
    explicit InternalError(const std::string& message) : CommandError(kExitInternal, message) {}
};

}  // namespace vitsim::deploy
