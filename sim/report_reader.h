// Reading vitsim's own JSON reports back (compare, plot): every field checked for its
// type, a problem is one line naming the file and the key, exit 111.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vitsim {

// Reads the fields of a report; a problem is CommandError 111 naming the file and the
// key ("b.json: layers[3].cycles: expected a whole number >= 0").
class ReportReader {
public:
    using json = nlohmann::ordered_json;
    explicit ReportReader(std::string path) : path_(std::move(path)) {}
    // The file as JSON ("cannot open report", "not a JSON file").
    json read() const;
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const;
    const json& member(const json& object, const std::string& key, const std::string& where) const;
    std::string text(const json& object, const std::string& key, const std::string& where) const;
    double number(const json& object, const std::string& key, const std::string& where) const;
    uint64_t count(const json& object, const std::string& key, const std::string& where) const;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// What compare and plot read of one layer (or of the totals).
struct LayerFigures {
    std::string name;
    double time_s = 0;
    uint64_t cycles = 0;
    uint64_t ram = 0;       // sram_peak_bytes
    double energy_uj = -1;  // -1: the report has no energy
};

// What compare and plot read of a run report (schema vitsim-run/2, status ok).
struct RunFigures {
    std::string path, network, soc, options;
    double clock_hz = 0;
    uint64_t sram_budget = 0;  // budgets.sram_bytes, else the plan's (the data memory); 0: neither
    LayerFigures total;
    std::vector<LayerFigures> layers;
};

RunFigures read_run_figures(const ReportReader& reader, const nlohmann::ordered_json& doc);
// Reads the file `path` as a run report.
RunFigures read_run_report(const std::string& path);

}  // namespace vitsim
