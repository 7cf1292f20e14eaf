#include "sim/report_reader.h"

#include <fstream>

#include "sim/exit_codes.h"
#include "sim/report.h"

namespace vitsim {

using json = nlohmann::ordered_json;

json ReportReader::read() const {
    std::ifstream in(path_);
    if (!in) fail("", "cannot open report");
    try {
        return json::parse(in);
    } catch (const json::exception&) {
        fail("", "not a JSON file");
    }
}

void ReportReader::fail(const std::string& key, const std::string& problem) const {
    throw CommandError(kExitBadInput, path_ + ": " + (key.empty() ? "" : key + ": ") + problem);
}

const json& ReportReader::member(const json& object, const std::string& key, const std::string& where) const {
    if (!object.is_object() || !object.contains(key)) fail(where + key, "missing");
    return object[key];
}

std::string ReportReader::text(const json& object, const std::string& key, const std::string& where) const {
    const json& v = member(object, key, where);
    if (!v.is_string()) fail(where + key, "expected a string");
    return v.get<std::string>();
}

double ReportReader::number(const json& object, const std::string& key, const std::string& where) const {
    const json& v = member(object, key, where);
    if (!v.is_number() || v.get<double>() < 0) fail(where + key, "expected a number >= 0");
    return v.get<double>();
}

uint64_t ReportReader::count(const json& object, const std::string& key, const std::string& where) const {
    const json& v = member(object, key, where);
    if (!v.is_number_unsigned()) fail(where + key, "expected a whole number >= 0");
    return v.get<uint64_t>();
}

namespace {

std::string options_text(const ReportReader& r, const json& doc) {
    const json& options = r.member(doc, "options", "");
    if (!options.is_object()) r.fail("options", "expected an object");
    std::string s;
    for (const auto& [key, value] : options.items())
        s += (s.empty() ? "" : " ") + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    return s;
}

LayerFigures layer_figures(const ReportReader& r, const json& l, const std::string& where, double clock_hz) {
    LayerFigures f;
    f.name = r.text(l, "name", where);
    f.cycles = r.count(l, "cycles", where);
    f.time_s = double(f.cycles) / clock_hz;
    f.ram = r.count(l, "sram_peak_bytes", where);
    if (l.contains("energy_uj")) f.energy_uj = r.number(l, "energy_uj", where);
    return f;
}

}  // namespace

RunFigures read_run_figures(const ReportReader& r, const json& doc) {
    if (doc.is_object() && doc.contains("schema") && doc["schema"] == "vitsim-run/1")
        r.fail("schema", "a report of an older vitsim (vitsim-run/1); run it again to get " +
                             std::string(kRunReportSchema));
    if (!doc.is_object() || !doc.contains("schema") || doc["schema"] != kRunReportSchema)
        r.fail("", "not a 'vitsim run' report (schema " + std::string(kRunReportSchema) +
                       "; write one with vitsim run --json)");
    if (r.text(doc, "status", "") != "ok") r.fail("status", "the run failed; it has no figures to show");
    RunFigures run;
    run.path = r.path();
    run.network = r.text(doc, "network", "");
    run.soc = r.text(doc, "soc", "");
    run.clock_hz = r.number(doc, "clock_hz", "");
    if (run.clock_hz <= 0) r.fail("clock_hz", "expected a positive number");
    run.options = options_text(r, doc);
    const json& totals = r.member(doc, "totals", "");
    run.total.name = "total";
    run.total.cycles = r.count(totals, "cycles", "totals.");
    run.total.time_s = double(run.total.cycles) / run.clock_hz;
    run.total.ram = r.count(totals, "sram_peak_bytes", "totals.");
    if (totals.contains("energy_uj")) run.total.energy_uj = r.number(totals, "energy_uj", "totals.");
    const json& layers = r.member(doc, "layers", "");
    if (!layers.is_array()) r.fail("layers", "expected an array");
    for (size_t i = 0; i < layers.size(); i++)
        run.layers.push_back(layer_figures(r, layers[i], "layers[" + std::to_string(i) + "].", run.clock_hz));
    // The line a plot draws: the budget the run was given, else what the plan had (the data memory).
    if (doc.contains("budgets") && doc["budgets"].is_object() && doc["budgets"].contains("sram_bytes") &&
        !doc["budgets"]["sram_bytes"].is_null())
        run.sram_budget = r.count(doc["budgets"], "sram_bytes", "budgets.");
    else if (doc.contains("plan") && doc["plan"].is_object() && doc["plan"].contains("sram_budget"))
        run.sram_budget = r.count(doc["plan"], "sram_budget", "plan.");
    return run;
}

RunFigures read_run_report(const std::string& path) {
    const ReportReader r(path);
    return read_run_figures(r, r.read());
}

}  // namespace vitsim
