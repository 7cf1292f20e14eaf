// Reads NumPy .npz archives (np.savez, stored; np.savez_compressed, deflate): each
// member an .npy array of a plain numeric type in C order. What `vitsim run
// --inputs` reads its samples and labels from (docs/cli.md, "Many inputs").
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vitsim {

struct NpyArray {
    std::string dtype;            // NumPy's descr without the byte order: "i1", "u1", "i4", "i8", "f4", "f8", ...
    std::vector<int64_t> shape;   // empty for a scalar
    std::vector<double> values;   // every element, converted (int64 labels are exact up to 2^53)
    bool integral() const { return dtype[0] == 'i' || dtype[0] == 'u' || dtype[0] == 'b'; }
};

// Member name without ".npy" -> array. Throws InputError (exit 111) naming `path`
// and the member for anything it cannot read: not a zip, a truncated or damaged
// member, an unsupported compression, dtype or a Fortran-ordered array.
std::map<std::string, NpyArray> read_npz(const std::string& path);
// The same from the archive's bytes (`path` names it in messages). Each member's
// sizes and CRC-32 are checked: a damaged archive is refused, never read as samples.
std::map<std::string, NpyArray> parse_npz(const std::vector<uint8_t>& bytes, const std::string& path);

// One .npy array from its bytes (`what` names it in messages).
NpyArray parse_npy(const std::vector<uint8_t>& bytes, const std::string& what);

}  // namespace vitsim
