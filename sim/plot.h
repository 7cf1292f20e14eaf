// Pictures of vitsim's reports, drawn by gnuplot (Debian's gnuplot-nox, installed by
// scripts/setup.sh): vitsim writes the data and a gnuplot script into a private
// temporary folder, runs gnuplot there (Boost.Process) and writes the picture to its
// place atomically (sim/files.h). docs/cli.md, "vitsim plot", says why gnuplot.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/report_reader.h"

namespace vitsim {

// Refuses (exit 110) an output whose name ends neither in .svg nor in .png, and
// (exit 111) one that cannot be written; creates nothing.
void check_plot_path(const std::string& option, const std::string& out);

// Per-layer bars of one run: cycles, energy (when the report has it) and peak SRAM
// against the SRAM budget line.
void plot_run(const RunFigures& run, const std::string& out);

// Several runs' layers side by side (vitsim compare --plot): time, energy, peak SRAM.
void plot_runs(const std::vector<RunFigures>& runs, const std::string& out);

// A sweep report (schema vitsim-sweep/2): every successful run's time against its peak
// SRAM (and energy), the Pareto-optimal ones marked and named. `reader` names the file
// in messages.
void plot_sweep(const ReportReader& reader, const nlohmann::ordered_json& sweep, const std::string& out);

}  // namespace vitsim
