#include "soc/profile.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/message_text.h"
#include "vitsim/platform.h"

#ifndef VITSIM_PROFILE_DIR
#error "VITSIM_PROFILE_DIR must name the directory of the shipped profiles"
#endif

namespace vitsim {

using nlohmann::json;

const MemoryTiming& Profile::memory(const std::string& wanted) const {
    for (const MemoryTiming& m : memories)
        if (m.name == wanted) return m;
    throw std::out_of_range("profile " + name + " has no memory called " + wanted);
}

uint64_t parse_size(const std::string& text) {
    if (text.empty()) throw std::invalid_argument("empty size");
    uint64_t multiplier = 1;
    std::string digits = text;
    const char suffix = text.back();
    if (suffix == 'K' || suffix == 'k') multiplier = 1024;
    if (suffix == 'M' || suffix == 'm') multiplier = 1024 * 1024;
    if (suffix == 'G' || suffix == 'g') multiplier = 1024ull * 1024 * 1024;
    if (multiplier != 1) digits.pop_back();
    const bool hex = digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
    if (hex && multiplier != 1) throw std::invalid_argument("a hex size takes no K/M suffix");
    const std::string body = hex ? digits.substr(2) : digits;
    if (body.empty() || body.size() > 16 ||
        !std::all_of(body.begin(), body.end(), [&](char c) { return hex ? std::isxdigit(c) : std::isdigit(c); }))
        throw std::invalid_argument("not a size: \"" + text + "\"");
    const uint64_t value = std::stoull(body, nullptr, hex ? 16 : 10);
    if (value > std::numeric_limits<uint64_t>::max() / multiplier) throw std::invalid_argument("size too large");
    return value * multiplier;
}

namespace {

constexpr uint64_t kAddressSpace = uint64_t{1} << 32;

std::string hex(uint64_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << std::setfill('0') << std::setw(8) << v;
    return s.str();
}

// Reads the fields of one JSON object and turns every problem into a ProfileError
// naming the file and the field path ("memories[1].size"). Keys nobody asked for
// are typos and rejected by finish().
class Fields {
public:
    Fields(const json& object, std::string path, const std::string& source)
        : object_(object), path_(std::move(path)), source_(source) {
        if (!object_.is_object()) fail(path_.empty() ? "the profile" : path_, "expected an object");
    }

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw ProfileError(source_ + ": " + field + ": " + problem);
    }
    std::string field(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

    bool has(const std::string& key) const { return object_.contains(key); }

    const json& get(const std::string& key) {
        used_.insert(key);
        auto it = object_.find(key);
        if (it == object_.end()) fail(field(key), "missing required field");
        return *it;
    }

    std::string text(const std::string& key) {
        const json& v = get(key);
        if (!v.is_string()) fail(field(key), "expected a string");
        return v.get<std::string>();
    }

    bool flag(const std::string& key) {
        const json& v = get(key);
        if (!v.is_boolean()) fail(field(key), "expected true or false");
        return v.get<bool>();
    }

    // nlohmann reads a non-negative integer as unsigned; a negative one, a float
    // (1.5, 1e3) or an integer beyond 64 bits (read as a float) is refused.
    uint64_t number(const std::string& key, uint64_t max = std::numeric_limits<uint32_t>::max()) {
        const json& v = get(key);
        if (!v.is_number_unsigned()) fail(field(key), "expected a non-negative integer, got " + value_text(v));
        const uint64_t n = v.get<uint64_t>();
        if (n > max) fail(field(key), "value " + std::to_string(n) + " is larger than " + std::to_string(max));
        return n;
    }

    // A size: "320K", "1M", "0x8000", "4096" or a plain JSON integer; less than
    // 4 GiB (sizes are 32-bit fields).
    uint64_t size(const std::string& key) {
        const json& v = get(key);
        uint64_t bytes = 0;
        if (v.is_number_unsigned()) {
            bytes = v.get<uint64_t>();
        } else {
            if (!v.is_string())
                fail(field(key), "expected a size like \"320K\", \"1M\" or \"0x8000\", got " + value_text(v));
            try {
                bytes = parse_size(v.get<std::string>());
            } catch (const std::exception&) {
                fail(field(key), "expected a size like \"320K\", \"1M\" or \"0x8000\", got " + value_text(v));
            }
        }
        if (bytes >= kAddressSpace)
            fail(field(key), "size " + std::to_string(bytes) + " is larger than " + std::to_string(kAddressSpace - 1));
        return bytes;
    }

    // An address: "0x20000000" or a plain JSON integer.
    uint64_t address(const std::string& key) {
        const json& v = get(key);
        uint64_t address = 0;
        if (v.is_number_unsigned()) {
            address = v.get<uint64_t>();
        } else {
            const std::string s = v.is_string() ? v.get<std::string>() : "";
            const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s.size() <= 18 &&
                             std::all_of(s.begin() + 2, s.end(), [](char c) { return std::isxdigit(c); });
            if (!hex) fail(field(key), "expected a hex address like \"0x20000000\", got " + value_text(v));
            address = std::stoull(s.substr(2), nullptr, 16);
        }
        if (address >= kAddressSpace) fail(field(key), "address " + hex(address) + " is beyond 32 bits");
        return address;
    }

    // A non-negative JSON number, integer or not (energies, powers, voltages).
    double real(const std::string& key, double max) {
        const json& v = get(key);
        if (!v.is_number()) fail(field(key), "expected a number, got " + value_text(v));
        const double x = v.get<double>();
        if (!(x >= 0) || x > max) fail(field(key), "expected a number from 0 to " + value_text(json(max)) + ", got " + value_text(v));
        return x;
    }

    // The keys of this object, in the file's order.
    std::vector<std::string> keys() const {
        std::vector<std::string> out;
        for (auto it = object_.begin(); it != object_.end(); ++it) out.push_back(it.key());
        return out;
    }

    // A value as the user wrote it (JSON), shortened and escaped.
    static std::string value_text(const json& v) { return escape_for_message(v.dump(), 40); }

    Fields object(const std::string& key) { return Fields(get(key), field(key), source_); }

    const std::string& source() const { return source_; }

    void finish() const {
        for (auto it = object_.begin(); it != object_.end(); ++it)
            if (!used_.count(it.key())) fail(escape_for_message(field(it.key())), "unknown field");
    }

private:
    const json& object_;
    std::string path_;
    const std::string& source_;
    std::set<std::string> used_;
};

constexpr uint64_t kTimingMax = 100000;  // cycles; anything larger is a typo

IsaExtensions parse_isa(Fields f) {
    IsaExtensions isa;
    isa.m = f.flag("m");
    isa.c = f.flag("c");
    isa.xvitsim = f.flag("xvitsim");
    f.finish();
    return isa;
}

CoreTiming parse_core_timing(Fields f) {
    CoreTiming t;
    t.base_cpi = f.number("base_cpi", kTimingMax);
    if (t.base_cpi == 0) f.fail(f.field("base_cpi"), "must be at least 1");
    t.load_use_stall = f.number("load_use_stall", kTimingMax);
    t.branch_taken_penalty = f.number("branch_taken_penalty", kTimingMax);
    t.jump_penalty = f.number("jump_penalty", kTimingMax);
    t.mul_latency = f.number("mul_latency", kTimingMax);
    t.div_latency = f.number("div_latency", kTimingMax);
    t.dotp_latency = f.number("dotp_latency", kTimingMax);
    t.csr_latency = f.number("csr_latency", kTimingMax);
    f.finish();
    return t;
}

ArmTiming parse_arm_timing(Fields f) {
    ArmTiming t;
    for (const ArmTimingField& field : kArmTimingFields) t.*field.member = f.number(field.key, kTimingMax);
    for (const ArmTimingFlag& flag : kArmTimingFlags) t.*flag.member = f.flag(flag.key);
    if (t.div_min > t.div_max) f.fail(f.field("div_min"), "is larger than div_max");
    f.finish();
    return t;
}

CoreModel parse_core_model(Fields& f) {
    if (!f.has("core")) return CoreModel::kRv32;
    const std::string name = f.text("core");
    for (CoreModel core : {CoreModel::kRv32, CoreModel::kCortexM4, CoreModel::kCortexM7})
        if (name == core_model_name(core)) return core;
    f.fail("core", "unknown core \"" + escape_for_message(name) + "\" (known: rv32, cortex-m4, cortex-m7)");
}

// The timing fields a memory must have and a part may override.
void parse_timing_fields(Fields& f, MemoryTiming& m, bool optional) {
    auto number = [&](const char* key, unsigned& out, uint64_t max) {
        if (!optional || f.has(key)) out = unsigned(f.number(key, max));
    };
    number("read_wait", m.read_wait, kTimingMax);
    number("write_wait", m.write_wait, kTimingMax);
    number("fetch_wait", m.fetch_wait, kTimingMax);
    number("line_bytes", m.line_bytes, 4096);
    if (m.line_bytes == 0 || (m.line_bytes & (m.line_bytes - 1)))
        f.fail(f.field("line_bytes"), "must be a power of two");
    if (!optional || f.has("prefetch")) m.prefetch = f.flag("prefetch");
    if (f.has("cache_bytes")) m.cache_bytes = unsigned(f.size("cache_bytes"));  // optional: 0 = none
}

// One of "parts": a stretch of `whole` from `offset` on, with the whole's timing unless
// it says otherwise.
MemoryTiming parse_part(Fields f, const MemoryTiming& whole, uint64_t offset) {
    MemoryTiming p = whole;
    p.parts.clear();
    p.name = f.text("name");
    if (p.name.empty()) f.fail(f.field("name"), "must not be empty");
    const uint64_t size = f.size("size");
    if (size == 0 || size % 8) f.fail(f.field("size"), "must be a non-zero multiple of 8 bytes");
    if (offset + size > whole.size) f.fail(f.field("size"), "the part ends beyond its memory");
    p.base = whole.base + uint32_t(offset);
    p.size = uint32_t(size);
    p.offset_in_memory = uint32_t(offset);
    parse_timing_fields(f, p, true);
    f.finish();
    return p;
}

MemoryTiming parse_memory(Fields f) {
    MemoryTiming m;
    m.name = f.text("name");
    if (m.name.empty()) f.fail(f.field("name"), "must not be empty");
    const uint64_t base = f.address("base");
    const uint64_t size = f.size("size");
    if (size == 0) f.fail(f.field("size"), "must not be zero");
    if (base + size > (1ull << 32)) f.fail(f.field("size"), "memory ends beyond the 32-bit address space");
    m.base = static_cast<uint32_t>(base);
    m.size = static_cast<uint32_t>(size);
    m.writable = f.flag("writable");
    m.executable = f.flag("executable");
    parse_timing_fields(f, m, false);
    if (f.has("parts")) {
        const json& list = f.get("parts");
        if (!list.is_array() || list.empty()) f.fail(f.field("parts"), "expected a non-empty array of parts");
        uint64_t offset = 0;
        for (size_t i = 0; i < list.size(); i++) {
            m.parts.push_back(parse_part(Fields(list[i], f.field("parts[" + std::to_string(i) + "]"), f.source()), m, offset));
            offset += m.parts.back().size;
        }
        if (offset != m.size)
            f.fail(f.field("parts"), "the parts add up to " + std::to_string(offset) + " bytes, not the memory's " +
                                         std::to_string(m.size));
    }
    f.finish();
    return m;
}

// ---- "caches": the memory structures of the core (models/core/cache.h, docs/profiles.md).

bool power_of_two(uint64_t v) { return v && !(v & (v - 1)); }

CacheGeometry parse_cache_geometry(Fields f) {
    CacheGeometry g;
    g.size_bytes = static_cast<uint32_t>(f.size("size"));
    g.ways = static_cast<unsigned>(f.number("ways", 64));
    g.line_bytes = static_cast<unsigned>(f.number("line_bytes", 4096));
    if (!power_of_two(g.line_bytes) || g.line_bytes < 4) f.fail(f.field("line_bytes"), "must be a power of two, at least 4");
    if (!power_of_two(g.ways)) f.fail(f.field("ways"), "must be a power of two");
    if (!power_of_two(g.size_bytes) || g.size_bytes < uint64_t(g.ways) * g.line_bytes)
        f.fail(f.field("size"), "must be a power of two of at least ways x line_bytes");
    if (g.size_bytes > (16u << 20)) f.fail(f.field("size"), "must be at most 16M (an L1 cache)");
    f.finish();
    return g;
}

AcceleratorConfig parse_accelerator(Fields f) {
    AcceleratorConfig a;
    a.memory = f.text("memory");
    a.kind = f.text("kind");
    if (a.kind != "art") f.fail(f.field("kind"), "expected \"art\" (the only accelerator modelled)");
    a.lines = static_cast<unsigned>(f.number("lines", 4096));
    if (a.lines == 0) f.fail(f.field("lines"), "must not be zero");
    a.line_bytes = static_cast<unsigned>(f.number("line_bytes", 4096));
    if (!power_of_two(a.line_bytes) || a.line_bytes < 4) f.fail(f.field("line_bytes"), "must be a power of two, at least 4");
    a.prefetch = f.flag("prefetch");
    if (f.has("data_lines")) a.data_lines = static_cast<unsigned>(f.number("data_lines", 4096));  // optional: 0 = none
    f.finish();
    return a;
}

MemorySystem parse_memory_system(Fields f) {
    MemorySystem m;
    if (f.has("icache")) m.icache = parse_cache_geometry(f.object("icache"));
    if (f.has("dcache")) m.dcache = parse_cache_geometry(f.object("dcache"));
    if (f.has("cacheable")) {
        const json& names = f.get("cacheable");
        if (!names.is_array()) f.fail(f.field("cacheable"), "expected an array of memory names");
        for (const json& n : names) {
            if (!n.is_string()) f.fail(f.field("cacheable"), "expected an array of memory names");
            m.cacheable.push_back(n.get<std::string>());
        }
    }
    if (f.has("accelerators")) {
        const json& list = f.get("accelerators");
        if (!list.is_array()) f.fail(f.field("accelerators"), "expected an array of accelerators");
        for (size_t i = 0; i < list.size(); i++)
            m.accelerators.push_back(parse_accelerator(Fields(list[i], f.field("accelerators[" + std::to_string(i) + "]"), f.source())));
    }
    f.finish();
    return m;
}

// The memory or memory part called name, or nullptr.
const MemoryTiming* find_memory_or_part(const Profile& p, const std::string& name) {
    for (const MemoryTiming& m : p.memories) {
        if (m.name == name) return &m;
        for (const MemoryTiming& part : m.parts)
            if (part.name == name) return &part;
    }
    return nullptr;
}

// The memories (or parts) "caches" names exist; an accelerator sits on an executable one.
void check_memory_system(const Profile& p, Fields& f) {
    auto find = [&](const std::string& name) { return find_memory_or_part(p, name); };
    for (const std::string& name : p.memory_system.cacheable)
        if (!find(name)) f.fail("caches.cacheable", "no memory is called " + escape_for_message(name));
    for (const AcceleratorConfig& a : p.memory_system.accelerators) {
        const MemoryTiming* m = find(a.memory);
        if (!m) f.fail("caches.accelerators", "no memory is called " + escape_for_message(a.memory));
        if (!m->executable) f.fail("caches.accelerators", escape_for_message(a.memory) + " is not executable");
    }
}

bool overlaps(uint64_t base_a, uint64_t size_a, uint64_t base_b, uint64_t size_b) {
    return base_a < base_b + size_b && base_b < base_a + size_a;
}

// Checks that need the whole profile: names, overlaps, the roles of the memories.
void check_memory_map(const Profile& p, Fields& f) {
    for (size_t i = 0; i < p.memories.size(); i++) {
        const MemoryTiming& m = p.memories[i];
        const std::string where = "memories[" + std::to_string(i) + "]";
        if (overlaps(m.base, m.size, VITSIM_PERIPH_BASE, VITSIM_PERIPH_SIZE))
            f.fail(where, escape_for_message(m.name) + " overlaps the peripheral window " + hex(VITSIM_PERIPH_BASE) + ".." +
                              hex(uint64_t{VITSIM_PERIPH_BASE} + VITSIM_PERIPH_SIZE));
        if (p.cluster.cores && overlaps(m.base, m.size, VITSIM_CLUSTER_BASE, VITSIM_CLUSTER_SIZE))
            f.fail(where, escape_for_message(m.name) + " overlaps the cluster's registers " + hex(VITSIM_CLUSTER_BASE) +
                              ".." + hex(uint64_t{VITSIM_CLUSTER_BASE} + VITSIM_CLUSTER_SIZE));
        if (p.cluster.engine_lanes && overlaps(m.base, m.size, p.cluster.engine_base, VITSIM_ENGINE_SIZE))
            f.fail(where, escape_for_message(m.name) + " overlaps the matrix engine's registers " +
                              hex(p.cluster.engine_base) + " (cluster.engine.base)");
        if (find_memory_or_part(p, m.name) != &m)
            f.fail(where + ".name", "duplicate memory name " + escape_for_message(m.name));
        for (size_t k = 0; k < m.parts.size(); k++)
            if (find_memory_or_part(p, m.parts[k].name) != &m.parts[k])
                f.fail(where + ".parts[" + std::to_string(k) + "].name",
                       "duplicate memory name " + escape_for_message(m.parts[k].name));
        for (size_t j = 0; j < i; j++) {
            const MemoryTiming& o = p.memories[j];
            if (overlaps(m.base, m.size, o.base, o.size)) f.fail(where, escape_for_message(m.name) + " overlaps " + escape_for_message(o.name));
        }
    }
    auto find = [&](const std::string& name) -> const MemoryTiming* {
        for (const MemoryTiming& m : p.memories)
            if (m.name == name) return &m;
        return nullptr;
    };
    const MemoryTiming* code = find(p.code_memory);
    if (!code) f.fail("code_memory", "no memory is called " + escape_for_message(p.code_memory));
    if (!code->executable) f.fail("code_memory", escape_for_message(p.code_memory) + " is not executable");
    const MemoryTiming* data = find(p.data_memory);
    if (!data) f.fail("data_memory", "no memory is called " + escape_for_message(p.data_memory));
    if (!data->writable) f.fail("data_memory", escape_for_message(p.data_memory) + " is not writable");
}

// The engine's register block: aligned to its size, clear of the other devices
// (the memories are checked in check_memory_map).
void check_engine_window(Fields& f, uint64_t base) {
    const std::string field = f.field("base");
    if (base % VITSIM_ENGINE_SIZE) f.fail(field, hex(base) + " is not a multiple of " + hex(VITSIM_ENGINE_SIZE));
    if (base + VITSIM_ENGINE_SIZE > kAddressSpace) f.fail(field, hex(base) + ": the register block passes 32 bits");
    if (overlaps(base, VITSIM_ENGINE_SIZE, VITSIM_PERIPH_BASE, VITSIM_PERIPH_SIZE))
        f.fail(field, hex(base) + " is inside the peripheral window " + hex(VITSIM_PERIPH_BASE) + ".." +
                          hex(uint64_t{VITSIM_PERIPH_BASE} + VITSIM_PERIPH_SIZE));
    if (overlaps(base, VITSIM_ENGINE_SIZE, VITSIM_CLUSTER_BASE, VITSIM_CLUSTER_SIZE))
        f.fail(field, hex(base) + " overlaps the cluster's registers " + hex(VITSIM_CLUSTER_BASE));
}

// "cluster": worker cores on a banked L1, cluster DMA (docs/cluster.md).
ClusterParams parse_cluster(Fields f, const Profile& p) {
    ClusterParams c;
    if (is_arm(p.core)) f.fail("cluster", "only RV32 profiles have a cluster");
    c.cores = unsigned(f.number("cores", 8));
    if (c.cores == 0) f.fail(f.field("cores"), "must be 1 to 8");
    c.l1_memory = f.text("l1_memory");
    const MemoryTiming* l1 = nullptr;
    for (const MemoryTiming& m : p.memories)
        if (m.name == c.l1_memory) l1 = &m;
    if (!l1) f.fail(f.field("l1_memory"), "no memory is called " + escape_for_message(c.l1_memory));
    if (l1->executable || !l1->writable) f.fail(f.field("l1_memory"), "the L1 must be writable and not executable");
    c.l1_banks = unsigned(f.number("l1_banks", 64));
    if (c.l1_banks == 0 || (c.l1_banks & (c.l1_banks - 1))) f.fail(f.field("l1_banks"), "must be a power of two");
    c.l2_latency = unsigned(f.number("l2_latency", kTimingMax));
    if (c.l2_latency == 0) f.fail(f.field("l2_latency"), "must be at least 1");
    c.barrier_cycles = unsigned(f.number("barrier_cycles", kTimingMax));
    c.fork_cycles = unsigned(f.number("fork_cycles", kTimingMax));
    c.lockstep_cycles = unsigned(f.number("lockstep_cycles", 64));
    if (c.lockstep_cycles == 0) f.fail(f.field("lockstep_cycles"), "must be 1 to 64");
    if (f.has("l1_reserved")) c.l1_reserved = unsigned(f.number("l1_reserved", l1->size));
    Fields dma = f.object("dma");
    c.dma.setup_cycles = unsigned(dma.number("setup_cycles", kTimingMax));
    c.dma.l2_bytes_per_cycle = unsigned(dma.number("l2_bytes_per_cycle", 64));
    c.dma.l1_ports = unsigned(dma.number("l1_ports", 16));
    c.dma.queue_depth = unsigned(dma.number("queue_depth", 64));
    if (!c.dma.l2_bytes_per_cycle || !c.dma.l1_ports || !c.dma.queue_depth)
        dma.fail("cluster.dma", "l2_bytes_per_cycle, l1_ports and queue_depth must be at least 1");
    dma.finish();
    if (f.has("icache")) {
        Fields ic = f.object("icache");
        c.icache.l0 = parse_cache_geometry(ic.object("l0"));
        c.icache.shared = parse_cache_geometry(ic.object("shared"));
        c.icache.l0_refill_cycles = unsigned(ic.number("l0_refill_cycles", kTimingMax));
        c.icache.refill_cycles = unsigned(ic.number("refill_cycles", kTimingMax));
        ic.finish();
    }
    if (f.has("engine")) {
        Fields engine = f.object("engine");
        c.engine_lanes = unsigned(engine.number("lanes", 64));
        if (c.engine_lanes == 0) engine.fail("cluster.engine.lanes", "must be 1 to 64");
        c.engine_base = uint32_t(engine.address("base"));
        check_engine_window(engine, c.engine_base);
        // one worker's linear-layer rate, for deploy's row split between engine and cores
        if (engine.has("core_macs_per_cycle")) c.engine_core_macs_per_cycle = engine.real("core_macs_per_cycle", 64);
        if (engine.has("shared_stall_share")) c.engine_shared_stall_share = engine.real("shared_stall_share", 10);
        if (engine.has("core_setup_cycles")) c.engine_core_setup_cycles = unsigned(engine.number("core_setup_cycles", kTimingMax));
        engine.finish();
    }
    f.finish();
    return c;
}

// ---- "energy": the energy model's data (soc/energy.h, docs/energy.md).
constexpr double kMaxPj = 1e6;  // per event; anything larger is a typo
constexpr double kMaxMw = 1e5;

CoreEnergy parse_core_energy(Fields f) {
    CoreEnergy e;
    Fields insn = f.object("insn_pj");
    for (unsigned k = 0; k < kInsnClassCount; k++) e.insn_pj[k] = insn.real(kInsnClassNames[k], kMaxPj);
    insn.finish();
    e.active_mw = f.real("active_mw", kMaxMw);
    e.sleep_mw = f.real("sleep_mw", kMaxMw);
    f.finish();
    return e;
}

// [byte, halfword, word] energies of one access kind.
void parse_by_width(Fields& f, const std::string& key, double (&out)[3]) {
    const json& v = f.get(key);
    if (!v.is_array() || v.size() != 3) f.fail(f.field(key), "expected [byte, halfword, word] energies in pJ");
    for (size_t w = 0; w < 3; w++) {
        if (!v[w].is_number() || !(v[w].get<double>() >= 0) || v[w].get<double>() > kMaxPj)
            f.fail(f.field(key) + "[" + std::to_string(w) + "]", "expected a number from 0 to 1e6 (pJ)");
        out[w] = v[w].get<double>();
    }
}

CacheEnergy parse_cache_energy(Fields f) {
    CacheEnergy e;
    e.hit_pj = f.real("hit_pj", kMaxPj);
    e.miss_pj = f.real("miss_pj", kMaxPj);
    f.finish();
    return e;
}

// "engine": the matrix engine's per-operation table (profiles whose cluster has one).
EngineEnergy parse_engine_energy(Fields f) {
    EngineEnergy e;
    e.present = true;
    e.mac_pj = f.real("mac_pj", kMaxPj);
    e.output_pj = f.real("output_pj", kMaxPj);
    e.port_byte_pj = f.real("port_byte_pj", kMaxPj);
    e.register_pj = f.real("register_pj", kMaxPj);
    e.active_mw = f.real("active_mw", kMaxMw);
    e.gated_mw = f.real("gated_mw", kMaxMw);
    f.finish();
    return e;
}

EnergyParams parse_energy(Fields f, const Profile& p) {
    EnergyParams e;
    e.present = true;
    e.voltage_v = f.real("voltage_v", 10);
    e.core = parse_core_energy(f.object("core"));
    if (p.cluster.cores) e.cluster_core = parse_core_energy(f.object("cluster_core"));
    Fields mems = f.object("memories");
    for (const MemoryTiming& m : p.memories) {
        if (m.name == p.cluster.l1_memory && p.cluster.cores) e.cluster_memory = e.memories.size();
        if (!mems.has(m.name)) mems.fail(mems.field(escape_for_message(m.name)), "missing: every memory needs its energies");
        Fields one = mems.object(m.name);
        MemoryEnergy me;
        parse_by_width(one, "read_pj", me.read_pj);
        parse_by_width(one, "write_pj", me.write_pj);
        one.finish();
        e.memories.push_back(me);
    }
    mems.finish();
    if (f.has("caches")) {
        Fields caches = f.object("caches");
        if (caches.has("icache")) e.icache = parse_cache_energy(caches.object("icache"));
        if (caches.has("dcache")) e.dcache = parse_cache_energy(caches.object("dcache"));
        if (caches.has("flash_accelerator")) e.flash_accelerator = parse_cache_energy(caches.object("flash_accelerator"));
        caches.finish();
    }
    e.dma_pj_per_byte = f.real("dma_pj_per_byte", kMaxPj);
    if (p.cluster.cores) e.cluster_dma_pj_per_byte = f.real("cluster_dma_pj_per_byte", kMaxPj);
    if (p.cluster.engine_lanes) e.engine = parse_engine_energy(f.object("engine"));
    Fields domains = f.object("domains");
    if (domains.keys().empty()) domains.fail("energy.domains", "expected at least one power domain");
    for (const std::string& name : domains.keys()) {
        Fields d = domains.object(name);
        e.domains.push_back({name, d.real("background_mw", kMaxMw), d.real("leakage_mw", kMaxMw)});
        d.finish();
    }
    domains.finish();
    f.finish();
    return e;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ProfileError(path + ": cannot read profile: " + std::strerror(errno));
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ProfileError(path + ": is a directory, not a profile");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Profile parse_profile(const std::string& json_text, const std::string& source) {
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::parse_error& e) {
        // Drop nlohmann's "[json.exception.parse_error.101] " prefix: one readable line.
        std::string what = e.what();
        const auto bracket = what.find("] ");
        throw ProfileError(source + ": invalid JSON: " +
                           escape_for_message(bracket == std::string::npos ? what : what.substr(bracket + 2), 200));
    } catch (const json::exception& e) {
        // out_of_range.406: a number beyond double ("1e400").
        const std::string what = e.what();
        const auto bracket = what.find("] ");
        throw ProfileError(source + ": invalid JSON: a number is out of range (" +
                           escape_for_message(bracket == std::string::npos ? what : what.substr(bracket + 2), 200) + ")");
    }
    Fields f(doc, "", source);
    Profile p;
    p.source = source;
    p.name = f.text("name");
    if (p.name.empty()) f.fail("name", "must not be empty");
    if (f.has("description")) p.description = f.text("description");
    p.clock_hz = f.number("clock_hz", 10'000'000'000ull);
    if (p.clock_hz == 0) f.fail("clock_hz", "must not be zero");
    p.core = parse_core_model(f);
    if (is_arm(p.core)) {
        p.arm_timing = parse_arm_timing(f.object("core_timing"));  // an Arm core has no "isa" options
    } else {
        p.isa = parse_isa(f.object("isa"));
        p.timing = parse_core_timing(f.object("core_timing"));
    }

    const json& memories = f.get("memories");
    if (!memories.is_array() || memories.empty()) f.fail("memories", "expected a non-empty array of memories");
    for (size_t i = 0; i < memories.size(); i++)
        p.memories.push_back(parse_memory(Fields(memories[i], "memories[" + std::to_string(i) + "]", source)));

    p.code_memory = f.text("code_memory");
    p.data_memory = f.text("data_memory");
    p.peripheral_latency = f.number("peripheral_latency", kTimingMax);
    Fields dma = f.object("dma");
    p.dma.setup_cycles = dma.number("setup_cycles", kTimingMax);
    p.dma.bytes_per_cycle = dma.number("bytes_per_cycle", 4096);
    if (p.dma.bytes_per_cycle == 0) dma.fail("dma.bytes_per_cycle", "must be at least 1");
    dma.finish();
    if (f.has("caches")) p.memory_system = parse_memory_system(f.object("caches"));
    if (f.has("cluster")) p.cluster = parse_cluster(f.object("cluster"), p);
    if (f.has("energy")) p.energy = parse_energy(f.object("energy"), p);
    f.finish();
    check_memory_map(p, f);
    check_memory_system(p, f);
    return p;
}

const char* core_model_name(CoreModel core) {
    switch (core) {
    case CoreModel::kCortexM4: return "cortex-m4";
    case CoreModel::kCortexM7: return "cortex-m7";
    case CoreModel::kRv32: break;
    }
    return "rv32";
}

const char* core_isa_name(CoreModel core) { return is_arm(core) ? "Arm (Thumb-2)" : "RISC-V (RV32)"; }

std::string profile_dir() { return VITSIM_PROFILE_DIR; }

std::vector<std::string> profile_names() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(profile_dir(), ec))
        if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

Profile load_profile(const std::string& name_or_path) {
    if (ends_with(name_or_path, ".json")) return parse_profile(read_file(name_or_path), name_or_path);
    const std::vector<std::string> known = profile_names();
    if (std::find(known.begin(), known.end(), name_or_path) == known.end()) {
        std::string list;
        for (const std::string& n : known) list += (list.empty() ? "" : ", ") + n;
        throw ProfileError("unknown SoC profile '" + name_or_path + "' (known: " + list +
                           "; a path to a profile must end in .json)");
    }
    const std::string path = profile_dir() + "/" + name_or_path + ".json";
    return parse_profile(read_file(path), path);
}

}  // namespace vitsim
