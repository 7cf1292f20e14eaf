#include "sim/failure.h"

#include <cstdio>
#include <systemc>

#include "sim/elf_loader.h"
#include "sim/exit_codes.h"
#include "sim/options.h"
#include "soc/profile.h"
#include "soc/soc.h"

namespace vitsim {

std::string one_line(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (u < 0x20 || u == 0x7f) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", u);
            out += hex;
        } else {
            out += c;
        }
    }
    return out;
}

Failure failure_of(std::exception_ptr error) {
    Failure f;
    try {
        std::rethrow_exception(error);
    } catch (const UsageError& e) {
        f = {e.code(), std::string(e.what()) + " (see 'vitsim --help')"};
    } catch (const CommandError& e) {
        f = {e.code(), e.what()};
    } catch (const ProfileError& e) {
        f = {kExitBadInput, e.what()};
    } catch (const ElfError& e) {
        f = {e.exit_code(), e.what()};
    } catch (const ClusterFailure& e) {
        f = {kExitTrap, e.what()};
    } catch (const sc_core::sc_report& e) {
        f = {kExitInternal, std::string("internal error: SystemC: ") + e.what()};
    } catch (const std::bad_alloc&) {
        f = {kExitInternal, "out of memory"};
    } catch (const std::exception& e) {
        f = {kExitInternal, std::string("internal error: ") + e.what()};
    } catch (...) {
        f = {kExitInternal, "internal error: unknown exception"};
    }
    f.message = one_line(f.message);
    return f;
}

}  // namespace vitsim
