// Little-endian byte buffers for the weights file and the model image: explicit
// byte order and sizes, independent of the host's endianness and pointer size.
#pragma once
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "deploy/errors.h"

namespace vitsim::deploy {

// FNV-1a, 32 bit (the checksum of weights files and model images).
inline uint32_t fnv1a32(const uint8_t* data, size_t n) {
    uint32_t h = 0x811C9DC5u;
    for (size_t i = 0; i < n; i++) {
        h ^= data[i];
        h *= 0x01000193u;
    }
    return h;
}

inline uint32_t read_le32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
           static_cast<uint32_t>(p[3]) << 24;
}

inline void write_le32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

class ByteWriter {
public:
    void u8(uint8_t v) { buf_.push_back(v); }
    void u32(uint32_t v) {
        for (int i = 0; i < 4; i++) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
    void u64(uint64_t v) {
        u32(static_cast<uint32_t>(v));
        u32(static_cast<uint32_t>(v >> 32));
    }
    void f64(double v) {
        uint64_t bits;
        std::memcpy(&bits, &v, 8);
        u64(bits);
    }
    void bytes(const void* data, size_t n) {
        const auto* p = static_cast<const uint8_t*>(data);
        buf_.insert(buf_.end(), p, p + n);
    }
    // Length-prefixed (u32), then padded to 4 bytes.
    void string(const std::string& s) {
        u32(static_cast<uint32_t>(s.size()));
        bytes(s.data(), s.size());
        align(4);
    }
    // Fixed-size, NUL-padded (truncated to size - 1 characters).
    void fixed_string(const std::string& s, size_t size) {
        std::vector<uint8_t> field(size, 0);
        std::memcpy(field.data(), s.data(), std::min(s.size(), size - 1));
        bytes(field.data(), size);
    }
    void align(size_t a) {
        while (buf_.size() % a) buf_.push_back(0);
    }
    void zeros(size_t n) { buf_.insert(buf_.end(), n, 0); }
    size_t size() const { return buf_.size(); }
    const std::vector<uint8_t>& data() const { return buf_; }
    std::vector<uint8_t>& data() { return buf_; }
    std::vector<uint8_t> take() { return std::move(buf_); }

private:
    std::vector<uint8_t> buf_;
};

// Reads with bounds checks; running past the end is "truncated" naming the field.
class ByteReader {
public:
    ByteReader(const std::vector<uint8_t>& bytes, std::string source) : b_(bytes), source_(std::move(source)) {}

    uint32_t u32(const std::string& what) { return read_le32(need(4, what)); }
    uint64_t u64(const std::string& what) {
        const uint64_t lo = u32(what);
        return lo | static_cast<uint64_t>(u32(what)) << 32;
    }
    double f64(const std::string& what) {
        const uint64_t bits = u64(what);
        double v;
        std::memcpy(&v, &bits, 8);
        return v;
    }
    const uint8_t* bytes(size_t n, const std::string& what) { return need(n, what); }
    std::string string(const std::string& what) {
        const uint32_t n = u32(what);
        if (n > 4096) throw InputError(source_ + ": " + what + ": string of " + std::to_string(n) + " bytes (corrupt)");
        const uint8_t* p = need(n, what);
        std::string s(reinterpret_cast<const char*>(p), n);
        align(4, what);
        return s;
    }
    void align(size_t a, const std::string& what) {
        if (pos_ % a) need(a - pos_ % a, what);
    }
    size_t offset() const { return pos_; }

private:
    const uint8_t* need(size_t n, const std::string& what) {
        if (n > b_.size() - pos_)
            throw InputError(source_ + ": truncated: " + what + " needs " + std::to_string(n) + " bytes at offset " +
                             std::to_string(pos_) + ", the file has " + std::to_string(b_.size()));
        const uint8_t* p = b_.data() + pos_;
        pos_ += n;
        return p;
    }
    const std::vector<uint8_t>& b_;
    std::string source_;
    size_t pos_ = 0;
};

inline std::vector<uint8_t> read_binary_file(const std::string& path, const std::string& what) {
    std::error_code ec;
    // A directory opens like a file on Linux and then fails to read.
    if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a " + what);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open " + what);
    try {
        std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(in), (std::istreambuf_iterator<char>()));
        if (!in.bad()) return bytes;
    } catch (const std::ios_base::failure&) {
        // libstdc++'s filebuf throws on a read error (EIO, EISDIR)
    }
    throw InputError(path + ": cannot read " + what);
}

}  // namespace vitsim::deploy
