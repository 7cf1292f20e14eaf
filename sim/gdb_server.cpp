#include "sim/gdb_server.h"

#include <boost/asio.hpp>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "cluster/cluster.h"
#include "sim/options.h"
#include "soc/soc.h"
#include "vitsim/platform.h"

namespace vitsim {

namespace asio = boost::asio;
using asio::ip::tcp;

struct GdbServer::Link {
    asio::io_context io;
    tcp::acceptor acceptor{io};
    tcp::socket socket{io};
    std::string received;  // bytes read but not yet parsed
};

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr int kSigInt = 2, kSigTrap = 5, kSigSegv = 11, kSigXcpu = 24;  // Ctrl-C; breakpoint, step,
                                                                       // watchpoint; a trap; --max-cycles

std::string hex_byte(unsigned b) { return {kHex[(b >> 4) & 15], kHex[b & 15]}; }

// "TSSthread:ID;" with the stop's details (a watchpoint's "watch:ADDR;") between.
std::string stop_reply(int signal, unsigned thread, const std::string& details = "") {
    std::ostringstream reply;
    reply << 'T' << hex_byte(unsigned(signal)) << details << "thread:" << std::hex << thread << ';';
    return reply.str();
}

std::string hex_bytes(const void* data, size_t len) {
    std::string out;
    for (size_t i = 0; i < len; i++) out += hex_byte(static_cast<const uint8_t*>(data)[i]);
    return out;
}

// Registers go on the wire in target byte order: little endian on both ISAs.
std::string hex_le32(uint32_t v) { return hex_bytes(&v, 4); }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool parse_hex(const std::string& text, uint64_t& out) {
    if (text.empty() || text.size() > 16) return false;
    out = 0;
    for (char c : text) {
        const int d = hex_digit(c);
        if (d < 0) return false;
        out = out << 4 | unsigned(d);
    }
    return true;
}

bool decode_hex(const std::string& hex, std::vector<uint8_t>& out) {
    if (hex.size() % 2) return false;
    out.clear();
    for (size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(uint8_t(hi << 4 | lo));
    }
    return true;
}

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }

// "ADDR,LEN" (the m, M, Z packets' arguments), hex.
bool parse_range(const std::string& text, uint64_t& addr, uint64_t& len) {
    const size_t comma = text.find(',');
    return comma != std::string::npos && parse_hex(text.substr(0, comma), addr) &&
           parse_hex(text.substr(comma + 1), len);
}

// The target descriptions gdb asks for (qXfer:features:read:target.xml): the registers
// in the numbering of Iss::debug_read_register.
std::string target_description(bool arm) {
    std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n";
    if (arm) {
        xml += "<architecture>arm</architecture>\n<feature name=\"org.gnu.gdb.arm.m-profile\">\n";
        for (int i = 0; i <= 12; i++) xml += "<reg name=\"r" + std::to_string(i) + "\" bitsize=\"32\"/>\n";
        xml += "<reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/>\n<reg name=\"lr\" bitsize=\"32\"/>\n"
               "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>\n<reg name=\"xpsr\" bitsize=\"32\"/>\n";
    } else {
        static const char* const kNames[32] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",
                                               "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                                               "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
        xml += "<architecture>riscv:rv32</architecture>\n<feature name=\"org.gnu.gdb.riscv.cpu\">\n";
        for (const char* name : kNames) {
            const std::string n = name;
            const char* type = n == "ra" ? "code_ptr" : n == "sp" || n == "gp" || n == "tp" || n == "fp" ? "data_ptr" : "int";
            xml += "<reg name=\"" + n + "\" bitsize=\"32\" type=\"" + type + "\"/>\n";
        }
        xml += "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>\n";
    }
    return xml + "</feature>\n</target>\n";
}

// Binary data in a reply: '$', '#', '}' and '*' are escaped as '}' then byte ^ 0x20.
std::string escape_binary(const std::string& data) {
    std::string out;
    for (char c : data) {
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            out += '}';
            out += char(c ^ 0x20);
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

GdbServer::GdbServer(uint16_t port, Soc& soc, bool arm)
    : soc_(soc), arm_(arm), cluster_(arm ? nullptr : soc.cluster()), link_(std::make_unique<Link>()) {
    boost::system::error_code ec;
    const tcp::endpoint loopback(asio::ip::address_v4::loopback(), port);
    link_->acceptor.open(loopback.protocol(), ec);
    if (!ec) link_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) link_->acceptor.bind(loopback, ec);
    if (!ec) link_->acceptor.listen(1, ec);
    if (ec)
        throw UsageError("--gdb: cannot listen on localhost:" + std::to_string(port) + ": " + ec.message());
    port_ = link_->acceptor.local_endpoint().port();
    std::fprintf(stderr, "vitsim: waiting for gdb on localhost:%u\n", unsigned(port_));
    std::fflush(stderr);
}

GdbServer::~GdbServer() = default;

std::unique_ptr<GdbServer> attach_gdb(const SimulatorOptions& options, Soc& soc) {
    if (options.gdb_port < 0) return nullptr;
    auto server = std::make_unique<GdbServer>(uint16_t(options.gdb_port), soc, is_arm(soc.profile().core));
    soc.core(0).set_debugger(server.get());
    if (soc.cluster() && !is_arm(soc.profile().core)) soc.cluster()->set_debugger(server.get());
    return server;
}

// ---------------------------------------------------------------------------------------------
// The core's side

void GdbServer::start(Iss& iss) {
    core0_ = &iss;
    boost::system::error_code ec;
    link_->acceptor.accept(link_->socket, ec);
    link_->acceptor.close();  // one client per run
    if (ec) return;           // nobody to obey: the run goes on as without --gdb
    link_->socket.set_option(tcp::no_delay(true), ec);
    connected_ = true;
    serve();  // stopped at the first instruction: the client asks why with '?'
}

StopReason GdbServer::run(Iss& iss, uint64_t cycle_limit) { return run_thread(1, iss, cycle_limit, nullptr); }

StopReason GdbServer::run_worker(unsigned index, Iss& iss, uint64_t cycle_limit, const bool& awake) {
    const unsigned thread = index + 2;
    const StopReason reason = run_thread(thread, iss, cycle_limit, &awake);
    if (reason == StopReason::kTrap)
        end_run(thread, iss, reason, iss.describe_trap());
    else if (reason == StopReason::kExit)
        end_run(thread, iss, reason, thread_name(thread) + " exited; only the FC may end the program");
    return reason;
}

// One instruction at a time while something may stop the thread after it (the
// breakpoint check is the pc of the next one), else as far as the limit.
//
// While gdb resumes one worker alone (vCont;c:N or s:N: how it steps over a
// breakpoint) the other workers are held where they are (they catch up in the next
// windows, so a step-over can shift their cycles by a few); one held at a breakpoint
// reports its hit when it runs again. (The FC resumed alone does not hold them: it may
// be waiting for them in JOIN.)
StopReason GdbServer::run_thread(unsigned thread, Iss& iss, uint64_t cycle_limit, const bool* awake) {
    if (connected_ && held_.erase(thread) && breakpoints_.count(iss.pc())) stop(thread, stop_reply(kSigTrap, thread));
    while (iss.cycles() < cycle_limit && (!awake || *awake)) {
        if (connected_ && thread != 1 && locked_thread_ > 1 && locked_thread_ != thread) {
            held_.insert(thread);
            return StopReason::kLimit;
        }
        const StopReason reason = steps_instructions(thread) ? iss.debug_step() : iss.run(cycle_limit);
        if (reason != StopReason::kLimit) return reason;
        if (!connected_) continue;
        const auto why = why_stopped(thread, iss);
        if (!why.first.empty()) stop(why.second, why.first);
    }
    return StopReason::kLimit;
}

// Watchpoints: the server revoked core 0's DMI for their memories and watches the
// workers' accesses to them (Hart::watch_accesses), so every access comes here; the
// hit is reported once the instruction has completed.
void GdbServer::bus_access(uint32_t addr, const void* data, unsigned len, bool write) {
    if (!connected_) return;
    if (write && break_layer_ >= 0 && addr == VITSIM_SIMCTRL_BASE + VITSIM_SIMCTRL_LAYER_BEGIN && len == 4 &&
        le32(static_cast<const uint8_t*>(data)) == uint32_t(break_layer_))
        layer_hit_ = true;
    check_watchpoints(1, addr, len, write);
}

void GdbServer::worker_access(unsigned index, uint32_t addr, const void*, unsigned len, bool write) {
    if (connected_) check_watchpoints(index + 2, addr, len, write);
}

void GdbServer::check_watchpoints(unsigned thread, uint32_t addr, unsigned len, bool write) {
    for (const Watchpoint& w : watchpoints_) {
        if (addr >= w.addr + w.len || w.addr >= addr + len) continue;
        if ((w.kind == WatchKind::kWrite && !write) || (w.kind == WatchKind::kRead && write)) continue;
        const char* name = w.kind == WatchKind::kWrite ? "watch" : w.kind == WatchKind::kRead ? "rwatch" : "awatch";
        std::ostringstream reason;
        reason << name << ':' << std::hex << std::max(addr, w.addr) << ';';
        watch_hit_ = reason.str();
        watch_thread_ = thread;
        return;
    }
}

void GdbServer::finish(Iss& iss, StopReason reason) {
    end_run(1, iss, reason, reason == StopReason::kTrap ? iss.describe_trap() : "");
}

// Core 0 ended the run, or a worker trapped or exited (the cluster ends it then).
void GdbServer::end_run(unsigned thread, Iss& iss, StopReason reason, const std::string& why) {
    if (!connected_) return;
    if (reason == StopReason::kTrap || thread != 1) {
        // Stop at the fault so the client can look around; the run cannot go on.
        const std::string text = "vitsim: " + why + "\n";
        send_packet("O" + hex_bytes(text.data(), text.size()));
        stop(thread, stop_reply(kSigSegv, thread));
        if (connected_) send_packet("X" + hex_byte(kSigSegv));
    } else if (reason == StopReason::kExit) {
        send_packet("W" + hex_byte(unsigned(iss.exit_status()) & 0xff));
    } else {
        send_packet("X" + hex_byte(kSigXcpu));  // --max-cycles
    }
    disconnect();
}

bool GdbServer::steps_instructions(unsigned thread) const {
    return step_thread_ == thread || !breakpoints_.empty() || !watchpoints_.empty() || (break_layer_ >= 0 && thread == 1);
}

// The stop reply for the instruction `thread` just executed and the thread it names,
// or "" to run on.
std::pair<std::string, unsigned> GdbServer::why_stopped(unsigned thread, const Iss& iss) {
    if (!watch_hit_.empty()) {
        const std::string reply = stop_reply(kSigTrap, watch_thread_, watch_hit_);
        watch_hit_.clear();
        return {reply, watch_thread_};
    }
    if (layer_hit_) {  // a store of core 0's
        layer_hit_ = false;
        return {stop_reply(kSigTrap, 1), 1};
    }
    if (step_thread_ == thread || breakpoints_.count(iss.pc())) return {stop_reply(kSigTrap, thread), thread};
    // The socket is polled every 1024 quanta, windows or steps: a few per millisecond.
    if ((++polls_ & 1023) == 0 && interrupt_requested()) return {stop_reply(kSigInt, thread), thread};
    return {};
}

// The client takes the thread a stop reply names for the one Hg selected (as
// gdbserver does): g/G/p/P apply to it until the next Hg.
void GdbServer::stop(unsigned thread, const std::string& reply) {
    step_thread_ = locked_thread_ = 0;
    selected_thread_ = thread;
    send_packet(reply);
    serve();
}

void GdbServer::serve() {
    std::string packet;
    while (connected_) {
        if (!read_packet(packet)) {
            disconnect();  // the client went away: as if it had detached
            return;
        }
        switch (handle(packet)) {
        case Next::kStay: break;
        case Next::kResume: return;
        case Next::kLeave: disconnect(); return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Packets

bool GdbServer::read_packet(std::string& payload) {
    auto next_byte = [this](char& c) {
        if (link_->received.empty()) {
            char buffer[4096];
            boost::system::error_code ec;
            const size_t n = link_->socket.read_some(asio::buffer(buffer), ec);
            if (ec || n == 0) return false;
            link_->received.assign(buffer, n);
        }
        c = link_->received.front();
        link_->received.erase(0, 1);
        return true;
    };
    char c = 0;
    for (;;) {
        if (!next_byte(c)) return false;
        if (c != '$') continue;  // acks, and a Ctrl-C while already stopped
        payload.clear();
        unsigned sum = 0;
        while (next_byte(c) && c != '#') {
            payload += c;
            sum += uint8_t(c);
        }
        char check[2];
        if (c != '#' || !next_byte(check[0]) || !next_byte(check[1])) return false;
        const bool intact = hex_digit(check[0]) * 16 + hex_digit(check[1]) == int(sum & 0xff);
        if (!no_ack_) {
            boost::system::error_code ec;
            asio::write(link_->socket, asio::buffer(intact ? "+" : "-", 1), ec);
        }
        if (intact || no_ack_) return true;
    }
}

void GdbServer::send_packet(const std::string& payload) {
    if (!connected_) return;
    unsigned sum = 0;
    for (char c : payload) sum += uint8_t(c);
    const std::string framed = "$" + payload + "#" + hex_byte(sum & 0xff);
    boost::system::error_code ec;
    asio::write(link_->socket, asio::buffer(framed), ec);
    if (ec) disconnect();
    // In ack mode the client's '+' is skipped by the next read_packet.
}

// Ctrl-C arrives as a lone 0x03 byte while the target runs.
bool GdbServer::interrupt_requested() {
    boost::system::error_code ec;
    const size_t available = link_->socket.available(ec);
    if (ec) {
        disconnect();
        return false;
    }
    if (available == 0) return false;
    std::string buffer(available, '\0');
    const size_t n = link_->socket.read_some(asio::buffer(buffer), ec);
    if (ec || n == 0) {
        disconnect();
        return false;
    }
    buffer.resize(n);
    const size_t at = buffer.find('\x03');
    if (at == std::string::npos) {
        link_->received += buffer;
        return false;
    }
    link_->received += buffer.substr(at + 1);
    return true;
}

// The client left (D, lost connection): its breakpoints go with it and the run
// continues to its end as without --gdb.
void GdbServer::disconnect() {
    connected_ = false;
    breakpoints_.clear();
    watchpoints_.clear();
    break_layer_ = -1;
    step_thread_ = resume_thread_ = 0;
    boost::system::error_code ec;
    link_->socket.shutdown(tcp::socket::shutdown_both, ec);
    link_->socket.close(ec);
}

// ---------------------------------------------------------------------------------------------
// Commands

GdbServer::Next GdbServer::handle(const std::string& packet) {
    Iss& iss = *core0_;
    if (packet.empty()) {
        send_packet("");
        return Next::kStay;
    }
    const std::string args = packet.substr(1);
    switch (packet[0]) {
    case '?': send_packet(stop_reply(kSigTrap, 1)); return Next::kStay;
    case 'g': send_packet(read_registers(thread_iss(selected_thread_))); return Next::kStay;
    case 'G': send_packet(write_registers(thread_iss(selected_thread_), args)); return Next::kStay;
    case 'p': {
        const Iss& target = thread_iss(selected_thread_);
        uint64_t n = 0;
        send_packet(parse_hex(args, n) && n < target.debug_register_count() ? hex_le32(target.debug_read_register(unsigned(n))) : "E01");
        return Next::kStay;
    }
    case 'P': {
        Iss& target = thread_iss(selected_thread_);
        const size_t eq = args.find('=');
        uint64_t n = 0;
        std::vector<uint8_t> value;
        const bool ok = eq != std::string::npos && parse_hex(args.substr(0, eq), n) &&
                        n < target.debug_register_count() && decode_hex(args.substr(eq + 1), value) && value.size() == 4;
        if (ok) target.debug_write_register(unsigned(n), le32(value.data()));
        send_packet(ok ? "OK" : "E01");
        return Next::kStay;
    }
    case 'm': send_packet(read_memory(args)); return Next::kStay;
    case 'M': send_packet(write_memory(args)); return Next::kStay;
    case 'c':
    case 's': {
        const unsigned thread = resume_thread_ ? resume_thread_ : selected_thread_;
        uint64_t addr = 0;  // optional: resume at this address
        if (!args.empty() && parse_hex(args, addr))
            thread_iss(thread).debug_write_register(arm_ ? 15 : 32, uint32_t(addr));
        step_thread_ = packet[0] == 's' ? thread : 0;
        return Next::kResume;
    }
    case 'C':  // continue or step with a signal: there are no signals to deliver
    case 'S':
        step_thread_ = packet[0] == 'S' ? (resume_thread_ ? resume_thread_ : selected_thread_) : 0;
        return Next::kResume;
    case 'v':
        if (packet == "vCont?") {
            send_packet("vCont;c;C;s;S");
            return Next::kStay;
        }
        if (packet.rfind("vCont;", 0) == 0) return resume(packet.substr(6));
        send_packet("");
        return Next::kStay;
    case 'Z':
    case 'z': send_packet(change_point(packet)); return Next::kStay;
    case 'D': send_packet("OK"); return Next::kLeave;
    case 'k':
        std::fprintf(stderr, "vitsim: killed by the debugger\n");
        iss.request_exit(kKilledStatus);
        return Next::kLeave;
    case 'H': send_packet(select_thread(args)); return Next::kStay;
    case 'T': {  // is the thread alive: every thread lives as long as the run
        unsigned id = 0;
        send_packet(parse_thread(args, id) && id >= 1 ? "OK" : "E01");
        return Next::kStay;
    }
    case 'Q':
        if (packet == "QStartNoAckMode") {
            send_packet("OK");
            no_ack_ = true;
        } else {
            send_packet("");
        }
        return Next::kStay;
    case 'q':
        if (packet.rfind("qSupported", 0) == 0)
            send_packet("PacketSize=4000;qXfer:features:read+;QStartNoAckMode+");
        else if (packet.rfind("qXfer:features:read:", 0) == 0)
            send_packet(transfer_features(packet.substr(20)));
        else if (packet.rfind("qRcmd,", 0) == 0)
            send_packet(monitor(packet.substr(6)));
        else if (packet == "qAttached")
            send_packet("1");  // detaching leaves the program running
        else if (packet == "qC")
            send_packet("QC1");
        else if (packet == "qfThreadInfo")
            send_packet(thread_list());
        else if (packet.rfind("qThreadExtraInfo,", 0) == 0) {
            unsigned id = 0;
            const std::string name = parse_thread(packet.substr(17), id) && id >= 1 ? thread_name(id) : "";
            send_packet(name.empty() ? "E01" : hex_bytes(name.data(), name.size()));
        }
        else if (packet == "qsThreadInfo")
            send_packet("l");
        else
            send_packet("");
        return Next::kStay;
    default: send_packet(""); return Next::kStay;  // not supported: gdb falls back
    }
}

// ---------------------------------------------------------------------------------------------
// Threads: core 0 and the cluster's workers (all-stop: they all stand still together)

unsigned GdbServer::thread_count() const { return 1 + (cluster_ ? cluster_->cores() : 0); }

// A thread id in hex; "-1" (all) and "0" (any) come back as 0.
bool GdbServer::parse_thread(const std::string& text, unsigned& id) const {
    if (text == "-1" || text == "0") {
        id = 0;
        return true;
    }
    uint64_t value = 0;
    if (!parse_hex(text, value) || value < 1 || value > thread_count()) return false;
    id = unsigned(value);
    return true;
}

Iss& GdbServer::thread_iss(unsigned id) const { return id == 1 ? *core0_ : cluster_->hart(id - 2); }

// vCont;ACTION[:THREAD];...: a step (s, S) of one thread, or of the Hg thread without
// one, and a continue (c, C) of the others. All-stop: every thread runs until the step
// is done or anything stops one (docs/cli.md, "Debugging with gdb").
GdbServer::Next GdbServer::resume(const std::string& vcont) {
    unsigned step = 0, only = 0;
    bool others = false;  // an action without a thread: the threads not named resume too
    std::istringstream actions(vcont);
    std::string action;
    while (std::getline(actions, action, ';')) {
        const size_t colon = action.find(':');
        const std::string verb = action.substr(0, colon);
        unsigned id = 0;
        const bool has_thread = colon != std::string::npos;
        if ((verb.empty() || (verb[0] != 'c' && verb[0] != 'C' && verb[0] != 's' && verb[0] != 'S')) ||
            (has_thread && !parse_thread(action.substr(colon + 1), id))) {
            send_packet("E01");
            return Next::kStay;
        }
        if ((verb[0] == 's' || verb[0] == 'S') && !step) step = has_thread && id ? id : selected_thread_;
        if (has_thread && id) only = only ? ~0u : id;
        others = others || !has_thread || !id;
    }
    step_thread_ = step;
    locked_thread_ = others || only == ~0u ? 0 : only;
    return Next::kResume;
}

std::string GdbServer::thread_name(unsigned id) const {
    return id == 1 ? (cluster_ ? "fc" : "core 0") : "cluster core " + std::to_string(id - 2);
}

std::string GdbServer::thread_list() const {
    std::ostringstream list;
    list << 'm' << std::hex;
    for (unsigned id = 1; id <= thread_count(); id++) list << (id > 1 ? "," : "") << id;
    return list.str();
}

// Hg selects the registers' thread, Hc the thread s steps (0 or -1: the Hg thread);
// continue runs every thread.
std::string GdbServer::select_thread(const std::string& args) {
    unsigned id = 0;
    if (args.empty() || !parse_thread(args.substr(1), id)) return "E01";
    if (args[0] == 'g' && id != 0) selected_thread_ = id;
    if (args[0] == 'c') resume_thread_ = id;
    return "OK";
}

std::string GdbServer::read_registers(Iss& iss) const {
    std::string out;
    for (unsigned i = 0; i < iss.debug_register_count(); i++) out += hex_le32(iss.debug_read_register(i));
    return out;
}

std::string GdbServer::write_registers(Iss& iss, const std::string& hex) {
    std::vector<uint8_t> bytes;
    if (!decode_hex(hex, bytes) || bytes.size() < 4 * size_t(iss.debug_register_count())) return "E01";
    for (unsigned i = 0; i < iss.debug_register_count(); i++) iss.debug_write_register(i, le32(&bytes[4 * i]));
    return "OK";
}

// Memories only, through the SoC's untimed path (no cycles, no counters); a range that
// runs off the end of a memory is answered up to there.
std::string GdbServer::read_memory(const std::string& args) {
    uint64_t addr = 0, len = 0;
    if (!parse_range(args, addr, len) || len > 0x4000) return "E01";  // PacketSize: gdb asks for less
    std::vector<uint8_t> bytes(len);
    if (soc_.read_memory(addr, bytes.data(), len)) return hex_bytes(bytes.data(), len);
    size_t n = 0;
    while (n < len && soc_.read_memory(addr + n, &bytes[n], 1)) n++;
    return n ? hex_bytes(bytes.data(), n) : "E01";
}

std::string GdbServer::write_memory(const std::string& args) {
    const size_t colon = args.find(':');
    uint64_t addr = 0, len = 0;
    std::vector<uint8_t> bytes;
    if (colon == std::string::npos || !parse_range(args.substr(0, colon), addr, len) ||
        !decode_hex(args.substr(colon + 1), bytes) || bytes.size() != len)
        return "E01";
    if (!soc_.write_memory(addr, bytes.data(), len)) return "E01";
    for (unsigned id = 1; id <= thread_count(); id++)  // the debugger may patch code
        thread_iss(id).invalidate_code_range(uint32_t(addr), uint32_t(len));
    return "OK";
}

// Z/z TYPE,ADDR,KIND: 0 software and 1 hardware breakpoints (both a pc check), 2 write,
// 3 read and 4 access watchpoints.
std::string GdbServer::change_point(const std::string& packet) {
    const bool insert = packet[0] == 'Z';
    const size_t comma = packet.find(',');
    uint64_t addr = 0, len = 0;
    if (packet.size() < 2 || comma != 2 || !parse_range(packet.substr(3), addr, len)) return "E01";
    const char type = packet[1];
    if (type == '0' || type == '1') {
        if (insert) breakpoints_.insert(uint32_t(addr));
        else breakpoints_.erase(uint32_t(addr));
        return "OK";
    }
    if (type < '2' || type > '4' || len == 0) return "";
    const WatchKind kind = type == '2' ? WatchKind::kWrite : type == '3' ? WatchKind::kRead : WatchKind::kAccess;
    if (insert) {
        watchpoints_.push_back({uint32_t(addr), uint32_t(len), kind});
        // Core 0's loads and stores through host pointers bypass the bus, where
        // watchpoints are checked: the memory is reached through the bus from now on;
        // the workers report their accesses to it. Same cycles, slower.
        core0_->revoke_direct_access(addr, addr + len - 1);
        for (unsigned i = 0; cluster_ && i < cluster_->cores(); i++) cluster_->hart(i).watch_accesses(addr, addr + len - 1);
    } else {
        for (auto it = watchpoints_.begin(); it != watchpoints_.end(); ++it)
            if (it->addr == addr && it->len == len && it->kind == kind) {
                watchpoints_.erase(it);
                break;
            }
    }
    return "OK";
}

// ANNEX:OFFSET,LENGTH of qXfer:features:read.
std::string GdbServer::transfer_features(const std::string& args) const {
    const size_t colon = args.find(':');
    uint64_t offset = 0, len = 0;
    if (colon == std::string::npos || args.substr(0, colon) != "target.xml" || !parse_range(args.substr(colon + 1), offset, len))
        return "E00";
    const std::string xml = target_description(arm_);
    if (offset >= xml.size()) return "l";
    const std::string part = xml.substr(offset, len);
    return (offset + part.size() < xml.size() ? "m" : "l") + escape_binary(part);
}

// monitor COMMAND (qRcmd): the answer is console text for gdb to print, then OK.
std::string GdbServer::monitor(const std::string& hex_command) {
    std::vector<uint8_t> bytes;
    if (!decode_hex(hex_command, bytes)) return "E01";
    std::istringstream words(std::string(bytes.begin(), bytes.end()));
    std::string verb, value;
    words >> verb >> value;
    std::string text;
    if (verb == "break-layer" && value == "off") {
        break_layer_ = -1;
        text = "no layer breakpoint\n";
    } else if (verb == "break-layer" && !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
               value.size() < 6) {
        break_layer_ = std::stoi(value);
        text = "stopping when layer " + value + " begins (its SIMCTRL LAYER_BEGIN store)\n";
    } else {
        text = "vitsim monitor commands:\n"
               "  break-layer N    stop right after the firmware's SIMCTRL LAYER_BEGIN store of layer N\n"
               "  break-layer off  no longer\n";
    }
    send_packet("O" + hex_bytes(text.data(), text.size()));
    return "OK";
}

}  // namespace vitsim
