#include "sim/npz.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "deploy/errors.h"
#include "sim/message_text.h"

namespace vitsim {
namespace {

using deploy::InputError;

constexpr int64_t kMaxElements = int64_t{1} << 28;  // the limit of any tensor (docs/networks.md)
// Deflate cannot expand more than about 1032:1: a member that claims more is damaged
// (and is refused before its claimed size is allocated).
constexpr uint64_t kMaxDeflateRatio = 1032;

// Whether `count` bytes from `at` lie within `size` bytes (no overflow for any `at`).
bool within(uint64_t at, uint64_t count, size_t size) { return at <= size && count <= size - at; }

uint64_t le(const std::vector<uint8_t>& b, size_t at, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--) v = (v << 8) | b[at + i];
    return v;
}

struct Member {
    std::string name;
    uint32_t method = 0, crc = 0;
    uint64_t compressed = 0, size = 0, local_offset = 0;
};

// The zip64 extra field overrides the 32-bit fields that are 0xFFFFFFFF, in order.
void apply_zip64(const std::vector<uint8_t>& b, size_t extra, size_t extra_len, Member& m) {
    for (size_t at = extra; at + 4 <= extra + extra_len;) {
        const uint64_t id = le(b, at, 2), len = le(b, at + 2, 2);
        const size_t end = std::min<size_t>(at + 4 + len, extra + extra_len);  // a field never reaches past the extra data
        size_t field = at + 4;
        if (id == 1) {
            for (uint64_t* v : {&m.size, &m.compressed, &m.local_offset})
                if (*v == 0xFFFFFFFFu && field + 8 <= end) {
                    *v = le(b, field, 8);
                    field += 8;
                }
        }
        at += 4 + len;
    }
}

std::vector<Member> central_directory(const std::vector<uint8_t>& b, const std::string& path) {
    const InputError not_zip(path + ": not an .npz archive (no zip directory)");
    if (b.size() < 22) throw not_zip;
    size_t eocd = std::string::npos;
    for (size_t at = b.size() - 22 + 1; at-- > 0 && b.size() - at <= 22 + 65535;)
        if (le(b, at, 4) == 0x06054b50u) {
            eocd = at;
            break;
        }
    if (eocd == std::string::npos) throw not_zip;
    uint64_t count = le(b, eocd + 10, 2), offset = le(b, eocd + 16, 4);
    if ((count == 0xFFFF || offset == 0xFFFFFFFFu) && eocd >= 20 && le(b, eocd - 20, 4) == 0x07064b50u) {
        const uint64_t z = le(b, eocd - 12, 8);  // the zip64 end record
        if (!within(z, 56, b.size()) || le(b, z, 4) != 0x06064b50u) throw not_zip;
        count = le(b, z + 32, 8);
        offset = le(b, z + 48, 8);
    }
    std::vector<Member> members;
    uint64_t at = offset;
    for (uint64_t i = 0; i < count; i++) {
        if (!within(at, 46, b.size()) || le(b, at, 4) != 0x02014b50u) throw InputError(path + ": damaged zip directory");
        Member m;
        m.method = uint32_t(le(b, at + 10, 2));
        m.crc = uint32_t(le(b, at + 16, 4));
        m.compressed = le(b, at + 20, 4);
        m.size = le(b, at + 24, 4);
        const size_t name_len = le(b, at + 28, 2), extra_len = le(b, at + 30, 2), comment_len = le(b, at + 32, 2);
        m.local_offset = le(b, at + 42, 4);
        if (at + 46 + name_len + extra_len > b.size()) throw InputError(path + ": damaged zip directory");
        m.name.assign(reinterpret_cast<const char*>(&b[at + 46]), name_len);
        apply_zip64(b, at + 46 + name_len, extra_len, m);
        members.push_back(m);
        at += 46 + name_len + extra_len + comment_len;
    }
    return members;
}

std::vector<uint8_t> stored_or_inflated(const std::vector<uint8_t>& b, const Member& m, const std::string& what) {
    const uint64_t h = m.local_offset;
    if (!within(h, 30, b.size()) || le(b, h, 4) != 0x04034b50u) throw InputError(what + ": damaged zip entry");
    const size_t data = h + 30 + le(b, h + 26, 2) + le(b, h + 28, 2);
    if (data > b.size() || m.compressed > b.size() - data) throw InputError(what + ": truncated");
    if (m.size > uint64_t(kMaxElements) * 8 + (1u << 20)) throw InputError(what + ": too large");
    if (m.method == 0) {
        if (m.size != m.compressed) throw InputError(what + ": damaged zip entry (stored sizes differ)");
        return std::vector<uint8_t>(b.begin() + data, b.begin() + data + m.compressed);
    }
    if (m.method != 8) throw InputError(what + ": compression method " + std::to_string(m.method) + " (np.savez or np.savez_compressed only)");
    if (m.size > m.compressed * kMaxDeflateRatio + 64)
        throw InputError(what + ": damaged zip entry (" + std::to_string(m.size) + " bytes from " +
                         std::to_string(m.compressed) + " compressed)");
    std::vector<uint8_t> out(m.size);
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw InputError(what + ": cannot inflate");
    z.next_in = const_cast<Bytef*>(&b[data]);
    z.avail_in = uInt(m.compressed);
    z.next_out = out.data();
    z.avail_out = uInt(out.size());
    const int status = inflate(&z, Z_FINISH);
    const bool ok = status == Z_STREAM_END && z.total_out == m.size;
    inflateEnd(&z);
    if (!ok) throw InputError(what + ": damaged compressed data");
    return out;
}

// The member's bytes, checked against the directory's size and CRC-32.
std::vector<uint8_t> member_bytes(const std::vector<uint8_t>& b, const Member& m, const std::string& what) {
    std::vector<uint8_t> out = stored_or_inflated(b, m, what);
    if (uint32_t(crc32(0, out.data(), uInt(out.size()))) != m.crc)
        throw InputError(what + ": damaged data (CRC-32 mismatch)");
    return out;
}

// The value of `key` in the .npy header dict ("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }").
std::string header_value(const std::string& header, const std::string& key, const std::string& what) {
    const auto k = header.find("'" + key + "'");
    if (k == std::string::npos) throw InputError(what + ": .npy header has no '" + key + "'");
    size_t at = header.find(':', k) + 1;
    while (at < header.size() && header[at] == ' ') at++;
    const char open = header[at];
    const char close = open == '(' ? ')' : open == '\'' ? '\'' : ',';
    const size_t end = header.find(close, at + 1);
    if (end == std::string::npos) throw InputError(what + ": malformed .npy header");
    return header.substr(open == '(' || open == '\'' ? at + 1 : at, end - at - (open == '(' || open == '\'' ? 1 : 0));
}

double element(const uint8_t* p, const std::string& dtype) {
    auto as = [p](auto v) {
        std::memcpy(&v, p, sizeof v);
        return double(v);
    };
    if (dtype == "i1") return as(int8_t{});
    if (dtype == "u1" || dtype == "b1") return as(uint8_t{});
    if (dtype == "i2") return as(int16_t{});
    if (dtype == "u2") return as(uint16_t{});
    if (dtype == "i4") return as(int32_t{});
    if (dtype == "u4") return as(uint32_t{});
    if (dtype == "i8") return as(int64_t{});
    if (dtype == "u8") return as(uint64_t{});
    if (dtype == "f4") return as(float{});
    return as(double{});  // f8
}

}  // namespace

NpyArray parse_npy(const std::vector<uint8_t>& b, const std::string& what) {
    if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0) throw InputError(what + ": not an .npy array");
    const int major = b[6];
    const size_t len_bytes = major == 1 ? 2 : 4;
    if (b.size() < 8 + len_bytes) throw InputError(what + ": truncated .npy header");
    const size_t header_len = le(b, 8, int(len_bytes));
    if (8 + len_bytes + header_len > b.size()) throw InputError(what + ": truncated .npy header");
    const std::string header(reinterpret_cast<const char*>(&b[8 + len_bytes]), header_len);
    NpyArray a;
    const std::string descr = header_value(header, "descr", what);
    static const char* const kTypes[] = {"i1", "u1", "b1", "i2", "u2", "i4", "u4", "i8", "u8", "f4", "f8"};
    const std::string type = descr.size() == 3 && (descr[0] == '<' || descr[0] == '|') ? descr.substr(1) : "";
    if (std::find(std::begin(kTypes), std::end(kTypes), type) == std::end(kTypes))
        throw InputError(what + ": dtype '" + escape_for_message(descr) + "' (little-endian integers or floats only)");
    a.dtype = type;
    if (header_value(header, "fortran_order", what).find("True") != std::string::npos)
        throw InputError(what + ": Fortran-ordered array (save it C-ordered)");
    const std::string shape = header_value(header, "shape", what);
    int64_t elements = 1;
    for (size_t at = 0; at < shape.size();) {
        const size_t comma = shape.find(',', at);
        const std::string dim = shape.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
        if (dim.find_first_not_of(' ') != std::string::npos) {
            int64_t d = 0;
            try {
                d = std::stoll(dim);
            } catch (const std::exception&) {
                throw InputError(what + ": malformed .npy shape");
            }
            if (d < 0 || d > kMaxElements) throw InputError(what + ": bad dimension " + std::to_string(d));
            a.shape.push_back(d);
            elements *= d;
            if (elements > kMaxElements) throw InputError(what + ": more than 2^28 elements");
        }
        if (comma == std::string::npos) break;
        at = comma + 1;
    }
    const size_t width = size_t(type[1] - '0'), data = 8 + len_bytes + header_len;
    if (b.size() - data < size_t(elements) * width)
        throw InputError(what + ": holds " + std::to_string((b.size() - data) / width) + " elements, its shape needs " +
                         std::to_string(elements));
    a.values.resize(size_t(elements));
    for (int64_t i = 0; i < elements; i++) a.values[size_t(i)] = element(&b[data + size_t(i) * width], type);
    return a;
}

std::map<std::string, NpyArray> parse_npz(const std::vector<uint8_t>& bytes, const std::string& path) {
    std::map<std::string, NpyArray> arrays;
    for (const Member& m : central_directory(bytes, path)) {
        const std::string what = path + ": member '" + escape_for_message(m.name) + "'";
        std::string key = m.name;
        if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0) key.resize(key.size() - 4);
        arrays[key] = parse_npy(member_bytes(bytes, m, what), what);
    }
    return arrays;
}

std::map<std::string, NpyArray> read_npz(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot read the inputs file");
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw InputError(path + ": cannot read the inputs file");
    return parse_npz(bytes, path);
}

}  // namespace vitsim
