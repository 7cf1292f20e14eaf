#include "sim/plot.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/process.hpp>

#include "sim/exit_codes.h"
#include "sim/failure.h"
#include "sim/files.h"
#include "sim/options.h"

namespace vitsim {

namespace {

using json = nlohmann::ordered_json;

enum class Format { kSvg, kPng };

bool ends_with(const std::string& text, const std::string& end) {
    return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

Format format_of(const std::string& option, const std::string& out) {
    if (ends_with(out, ".svg")) return Format::kSvg;
    if (ends_with(out, ".png")) return Format::kPng;
    throw UsageError(option + ": a plot is an .svg or a .png file, got '" + out + "'");
}

// A gnuplot string literal: single quotes, in which only '' needs escaping.
std::string quoted(const std::string& text) {
    std::string q = "'";
    for (char c : one_line(text)) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
}

// A text field of a tab-separated data file: no tab, line break or double quote.
std::string field(const std::string& text) {
    std::string f = one_line(text);
    for (char& c : f)
        if (c == '\t' || c == '"') c = c == '"' ? '\'' : ' ';
    return f;
}

// Data: enough digits to be exact; titles: four.
std::string number(double value, const char* format = "%.9g") {
    char buf[32];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

std::string short_number(double value) { return number(value, "%.4g"); }

// The first lines of every script: terminal, output, data format and a plain style.
// Text is "noenhanced": layer names such as patch_embed keep their underscores.
std::string preamble(Format format, int width, int height) {
    std::ostringstream s;
    if (format == Format::kSvg)
        s << "set terminal svg size " << width << ',' << height
          << " dynamic noenhanced font 'Sans,11' background rgb 'white'\nset output 'plot.svg'\n";
    else
        s << "set terminal pngcairo size " << width << ',' << height
          << " noenhanced font 'Sans,10' background rgb 'white'\nset output 'plot.png'\n";
    s << "set datafile separator '\\t'\n"
         "set datafile missing 'NaN'\n"
         "set grid ytics lc rgb '#dddddd'\n"
         "set style fill solid 0.85 border -1\n"
         "set key top right\n";
    return s.str();
}

// A private folder (mkdtemp: unpredictable, mode 0700) for gnuplot's data, script and
// picture; removed with its contents however the plot ends.
class PrivateFolder {
public:
    PrivateFolder() {
        const char* tmp = std::getenv("TMPDIR");
        std::string name = std::string(tmp && *tmp ? tmp : "/tmp") + "/vitsim-plot-XXXXXX";
        if (!::mkdtemp(name.data())) throw CommandError(kExitInternal, "cannot create a temporary folder in " + name);
        path_ = name;
    }
    ~PrivateFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    PrivateFolder(const PrivateFolder&) = delete;
    PrivateFolder& operator=(const PrivateFolder&) = delete;
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out.flush()) throw CommandError(kExitInternal, "cannot write " + path);
}

// Runs gnuplot on `script` with the data files `data` (name, contents) and writes its
// picture to `out`.
void draw(const std::string& script, const std::vector<std::pair<std::string, std::string>>& data,
          Format format, const std::string& out) {
    namespace bp = boost::process;
    const boost::filesystem::path gnuplot = bp::search_path("gnuplot");
    if (gnuplot.empty())
        throw CommandError(kExitInternal, "gnuplot not found on PATH: install gnuplot-nox (scripts/setup.sh)");
    const PrivateFolder folder;
    for (const auto& [name, text] : data) write_text(folder.file(name), text);
    write_text(folder.file("plot.gp"), script);
    bp::ipstream errors;
    bp::child child(gnuplot, "plot.gp", bp::start_dir(folder.path()), bp::std_in < bp::null,
                    bp::std_out > bp::null, bp::std_err > errors);
    std::string first_error, line;
    while (std::getline(errors, line))
        if (first_error.empty() && line.find_first_not_of(" \t^") != std::string::npos) first_error = line;
    child.wait();
    const std::string picture = folder.file(format == Format::kSvg ? "plot.svg" : "plot.png");
    std::ifstream in(picture, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (child.exit_code() != 0 || bytes.empty())
        throw CommandError(kExitInternal, "gnuplot failed (exit " + std::to_string(child.exit_code()) +
                                              "): " + one_line(first_error));
    write_file_atomically(out, bytes.data(), bytes.size());
}

std::string run_title_expression(const RunFigures& run) {
    // Two lines: gnuplot joins the quoted parts with a newline.
    return quoted(run.network + " on " + run.soc + " (" + short_number(run.clock_hz / 1e6) + " MHz)") + ".\"\\n\"." +
           quoted(run.options);
}

// One panel of bars per layer: `column` of layers.dat, in `unit`.
std::string bars(const std::string& title, const std::string& unit, const std::string& column,
                 const std::string& colour, const std::string& extra = "") {
    return "set title " + quoted(title) + "\nset ylabel " + quoted(unit) +
           "\nplot 'layers.dat' using 0:" + column + ":xtic(1) with boxes lc rgb '" + colour + "' notitle" + extra +
           "\n";
}

int width_for(size_t columns) { return int(std::clamp<size_t>(300 + 18 * columns, 900, 4000)); }

}  // namespace

void check_plot_path(const std::string& option, const std::string& out) {
    format_of(option, out);
    check_output_path(option, out);
}

void plot_run(const RunFigures& run, const std::string& out) {
    const Format format = format_of("picture", out);
    const bool energy = run.total.energy_uj >= 0;
    std::ostringstream data;
    for (const LayerFigures& l : run.layers)
        data << field(l.name) << '\t' << l.cycles << '\t' << l.ram << '\t'
             << (l.energy_uj >= 0 ? number(l.energy_uj) : "NaN") << '\n';
    const int panels = energy ? 3 : 2;
    std::ostringstream s;
    s << preamble(format, width_for(run.layers.size()), 120 + 330 * panels)
      << "set boxwidth 0.8\nset yrange [0:*]\nset xrange [-0.6:" << number(double(run.layers.size()) - 0.4) << "]\n"
      << "set xtics rotate by 90 right font ',8'\n"
      << "set multiplot layout " << panels << ",1 title " << run_title_expression(run) << "\n"
      << bars("cycles per layer (total " + std::to_string(run.total.cycles) + ", " +
                  short_number(run.total.time_s * 1e3) + " ms)",
              "cycles", "2", "#4477aa");
    if (energy)
        s << bars("energy per layer (total " + short_number(run.total.energy_uj) + " uJ)", "uJ", "4", "#228833");
    const std::string budget =
        run.sram_budget ? ", " + number(double(run.sram_budget) / 1024) + " with lines dt 2 lw 2 lc rgb '#000000' title " +
                              quoted("SRAM budget " + std::to_string(run.sram_budget) + " bytes")
                        : std::string();
    s << "set offsets 0, 0, graph 0.15, 0\n"  // room above the budget line for its key
      << bars("peak SRAM per layer (largest " + std::to_string(run.total.ram) + " bytes)", "KiB", "($3/1024)",
              "#ee6677", budget)
      << "unset multiplot\n";
    draw(s.str(), {{"layers.dat", data.str()}}, format, out);
}

void plot_runs(const std::vector<RunFigures>& runs, const std::string& out) {
    const Format format = format_of("picture", out);
    std::vector<std::string> order;  // the first run's layers, then those only later runs have
    for (const RunFigures& r : runs)
        for (const LayerFigures& l : r.layers)
            if (std::find(order.begin(), order.end(), l.name) == order.end()) order.push_back(l.name);
    bool energy = false;
    for (const RunFigures& r : runs) energy = energy || r.total.energy_uj >= 0;
    // Columns: name, then per run time (ms), peak SRAM (KiB), energy (uJ).
    std::ostringstream data;
    for (const std::string& name : order) {
        data << field(name);
        for (const RunFigures& r : runs) {
            auto l = std::find_if(r.layers.begin(), r.layers.end(), [&](const LayerFigures& f) { return f.name == name; });
            if (l == r.layers.end()) {
                data << "\tNaN\tNaN\tNaN";
                continue;
            }
            data << '\t' << number(l->time_s * 1e3) << '\t' << number(double(l->ram) / 1024) << '\t'
                 << (l->energy_uj >= 0 ? number(l->energy_uj) : "NaN");
        }
        data << '\n';
    }
    auto panel = [&](const std::string& title, const std::string& unit, int offset) {
        std::string p = "set title " + quoted(title) + "\nset ylabel " + quoted(unit) + "\nplot ";
        for (size_t i = 0; i < runs.size(); i++)
            p += std::string(i ? ", " : "") + "'layers.dat' using " + std::to_string(2 + 3 * i + offset) +
                 (i ? "" : ":xtic(1)") + " title " +
                 quoted(std::string(1, char('A' + i)) + ": " + runs[i].network + " on " + runs[i].soc);
        return p + "\n";
    };
    const int panels = energy ? 3 : 2;
    std::ostringstream s;
    s << preamble(format, width_for(order.size() * (runs.size() + 1) / 2), 120 + 330 * panels)
      << "set style data histograms\nset style histogram clustered gap 1\nset yrange [0:*]\n"
      << "set xtics rotate by 90 right font ',8'\n"
      << "set multiplot layout " << panels << ",1 title 'vitsim compare'\n"
      << panel("time per layer", "ms", 0);
    if (energy) s << panel("energy per layer", "uJ", 2);
    s << panel("peak SRAM per layer", "KiB", 1) << "unset multiplot\n";
    draw(s.str(), {{"layers.dat", data.str()}}, format, out);
}

void plot_sweep(const ReportReader& r, const json& sweep, const std::string& out) {
    const Format format = format_of("picture", out);
    const json& rows = r.member(sweep, "runs", "");
    if (!rows.is_array()) r.fail("runs", "expected an array");
    std::ostringstream data;
    size_t shown = 0;
    bool energy = true;
    for (size_t i = 0; i < rows.size(); i++) {
        const std::string where = "runs[" + std::to_string(i) + "].";
        if (r.text(rows[i], "status", where) != "ok") continue;
        energy = energy && rows[i].contains("energy_uj");
        const json& pareto = r.member(rows[i], "pareto", where);
        if (!pareto.is_boolean()) r.fail(where + "pareto", "expected true or false");
        data << field(r.text(rows[i], "variant", where)) << '\t'
             << number(r.number(rows[i], "sim_time_s", where) * 1e3) << '\t'
             << number(double(r.count(rows[i], "sram_peak_bytes", where)) / 1024) << '\t'
             << (rows[i].contains("energy_uj") ? number(r.number(rows[i], "energy_uj", where)) : "NaN") << '\t'
             << (pareto.get<bool>() ? 1 : 0) << '\n';
        shown++;
    }
    if (shown == 0) r.fail("runs", "no run of the sweep succeeded: nothing to plot");
    auto scatter = [](const std::string& y, const std::string& label) {
        return "set ylabel " + quoted(label) +
               "\nplot 'runs.dat' using ($5==0?$2:NaN):" + y +
               " with points pt 7 ps 1.3 lc rgb '#aaaaaa' title 'dominated', \\\n"
               "     'runs.dat' using ($5==1?$2:NaN):" + y +
               " with points pt 7 ps 1.6 lc rgb '#cc3311' title 'Pareto-optimal', \\\n"
               "     'runs.dat' using ($5==1?$2:NaN):" + y + ":1 with labels left offset 1,0.6 font ',8' notitle\n";
    };
    const std::string objectives = energy ? "time, peak SRAM and energy" : "time and peak SRAM";
    std::ostringstream s;
    s << preamble(format, energy ? 1400 : 900, 620) << "set xlabel 'time (ms)'\nset offsets graph 0.05, graph 0.3, graph 0.1, graph 0.1\n"
      << "set multiplot layout 1," << (energy ? 2 : 1) << " title "
      << quoted("sweep: " + std::to_string(shown) + " runs, Pareto front over " + objectives) << "\n"
      << scatter("3", "peak SRAM (KiB)");
    if (energy) s << scatter("4", "energy (uJ)");
    s << "unset multiplot\n";
    draw(s.str(), {{"runs.dat", data.str()}}, format, out);
}

}  // namespace vitsim
