// A VCD read back by the trace checkers (check_traces, check_engine_trace): the
// declared signals by their dotted path ("soc.core0.layer" -> identifier code), every
// value change of each code as written ("1" / "0" for a bit, "b101" for a vector,
// "sname" for a string), and the first and last time stamps.
#pragma once
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

struct VcdFile {
    std::map<std::string, std::string> codes;
    std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> changes;  // by code, in file order
    uint64_t first = UINT64_MAX, last = 0;
};

inline VcdFile read_vcd_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    VcdFile v;
    std::vector<std::string> scope;
    std::string line;
    uint64_t now = 0;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string w;
        words >> w;
        if (w.empty()) continue;
        if (w == "$scope") {
            std::string kind, name;
            words >> kind >> name;
            scope.push_back(name);
        } else if (w == "$upscope") {
            scope.pop_back();
        } else if (w == "$var") {
            std::string type, width, code, name, path;
            words >> type >> width >> code >> name;
            for (const std::string& s : scope) path += s + ".";
            v.codes[path + name] = code;
        } else if (w[0] == '#') {
            now = std::stoull(w.substr(1));
            v.first = std::min(v.first, now);
            v.last = std::max(v.last, now);
        } else if (w[0] == '0' || w[0] == '1' || w[0] == 'x') {  // a bit: value and code in one word
            v.changes[w.substr(1)].push_back({now, w.substr(0, 1)});
        } else if (w[0] == 'b' || w[0] == 's') {  // a vector or a string: "value code"
            std::string code;
            words >> code;
            v.changes[code].push_back({now, w});
        }
    }
    return v;
}
