// Fuzz target: the .npz reader of `vitsim run --inputs` (sim/npz.cpp). Each input is
// read twice: as a whole archive (zip directory, zip64 records, local headers,
// deflate, CRC-32), and as one .npy member inside a valid stored archive built
// here, with its CRC-32 right, so that mutations reach the .npy header and
// element parsing instead of stopping at the CRC check.
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "sim/npz.h"

namespace {

void put_le(std::vector<uint8_t>& out, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; i++) out.push_back(uint8_t(value >> (8 * i)));
}

// A zip archive (stored, as np.savez writes) with one member "x.npy" holding `npy`.
std::vector<uint8_t> stored_archive(const std::vector<uint8_t>& npy) {
    const std::string name = "x.npy";
    const uint32_t crc = uint32_t(crc32(0, npy.data(), uInt(npy.size())));
    std::vector<uint8_t> zip;
    auto common = [&](std::vector<uint8_t>& out) {  // version .. name length, shared by both headers
        put_le(out, 20, 2);                          // version needed
        put_le(out, 0, 2);                           // flags
        put_le(out, 0, 2);                           // method: stored
        put_le(out, 0, 4);                           // time, date
        put_le(out, crc, 4);
        put_le(out, npy.size(), 4);
        put_le(out, npy.size(), 4);
        put_le(out, name.size(), 2);
    };
    put_le(zip, 0x04034b50u, 4);
    common(zip);
    put_le(zip, 0, 2);  // extra length
    zip.insert(zip.end(), name.begin(), name.end());
    zip.insert(zip.end(), npy.begin(), npy.end());
    const size_t directory = zip.size();
    put_le(zip, 0x02014b50u, 4);
    put_le(zip, 20, 2);  // version made by
    common(zip);
    put_le(zip, 0, 2);   // extra length
    put_le(zip, 0, 2);   // comment length
    put_le(zip, 0, 4);   // disk, internal attributes
    put_le(zip, 0, 4);   // external attributes
    put_le(zip, 0, 4);   // local header offset
    zip.insert(zip.end(), name.begin(), name.end());
    const size_t directory_bytes = zip.size() - directory;
    put_le(zip, 0x06054b50u, 4);
    put_le(zip, 0, 4);  // disk numbers
    put_le(zip, 1, 2);
    put_le(zip, 1, 2);
    put_le(zip, directory_bytes, 4);
    put_le(zip, directory, 4);
    put_le(zip, 0, 2);  // comment length
    return zip;
}

void read(const std::vector<uint8_t>& bytes) {
    try {
        for (const auto& [key, a] : vitsim::parse_npz(bytes, "fuzz.npz")) {
            size_t elements = 1;
            for (int64_t d : a.shape) {
                if (d < 0) vitsim::fuzz::finding("negative dimension accepted", key);
                elements *= size_t(d);
            }
            if (a.values.size() != elements) vitsim::fuzz::finding("element count differs from the shape", key);
            if (a.dtype.size() != 2) vitsim::fuzz::finding("dtype not one of the documented ones", a.dtype);
        }
    } catch (...) {
        vitsim::fuzz::judge_current_exception();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    read(bytes);
    read(stored_archive(bytes));
    return 0;
}
