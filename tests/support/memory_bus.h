// A bus with a code and a data memory behind it: what an ISS reaches without DMI, for
// the ISS unit tests and the Arm runner (no SystemC).
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/iss.h"

namespace vitsim::test {

struct TwoMemoryBus : IssBus {
    TwoMemoryBus(uint32_t code_base, uint32_t data_base, size_t bytes, bool code_writable = true)
        : code(bytes), data(bytes), code_base_(code_base), data_base_(data_base), code_writable_(code_writable) {}

    std::vector<uint8_t> code, data;
    unsigned data_read_wait = 0;  // cycles a data read through the bus costs

    uint8_t* at(uint32_t a, unsigned len) {
        if (len <= code.size() && a - code_base_ <= code.size() - len) return &code[a - code_base_];
        if (len <= data.size() && a - data_base_ <= data.size() - len) return &data[a - data_base_];
        return nullptr;
    }
    BusResult bus_read(uint32_t a, void* v, unsigned len) override {
        uint8_t* p = at(a, len);
        if (!p) return {false, 0};
        std::memcpy(v, p, len);
        return {true, a - data_base_ < data.size() ? data_read_wait : 0};
    }
    BusResult bus_write(uint32_t a, const void* v, unsigned len) override {
        uint8_t* p = at(a, len);
        if (!p || (!code_writable_ && a - code_base_ < code.size())) return {false, 0};
        std::memcpy(p, v, len);
        return {true, 0};
    }
    bool bus_fetch(uint32_t a, void* v, unsigned len) override {
        uint8_t* p = at(a, len);
        if (p) std::memcpy(v, p, len);
        return p != nullptr;
    }

private:
    uint32_t code_base_, data_base_;
    bool code_writable_;
};

}  // namespace vitsim::test
