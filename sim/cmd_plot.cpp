// vitsim plot REPORT.json OUT: a picture of a run report (per-layer cycles, energy and
// peak SRAM against the budget) or of a sweep report (its Pareto front), by gnuplot.
#include "sim/commands.h"
#include "sim/options.h"
#include "sim/plot.h"
#include "sim/report.h"
#include "sim/report_reader.h"

namespace vitsim {

const char* const kPlotUsage = "vitsim plot REPORT.json OUT.svg|OUT.png";

std::string plot_options_help() {
    return "  REPORT.json              a 'vitsim run --json' or 'vitsim sweep --json' report\n"
           "  OUT.svg|OUT.png          the picture; its name's ending chooses the format\n";
}

int run_plot_command(const std::vector<std::string>& args) {
    OptionParser parser("plot");
    const std::vector<std::string> paths = parser.parse(args);
    if (paths.size() != 2) throw UsageError("'vitsim plot' takes a report and a picture: " + std::string(kPlotUsage));
    const std::string& out = paths[1];
    check_plot_path("picture", out);
    const ReportReader reader(paths[0]);
    const nlohmann::ordered_json doc = reader.read();
    const auto schema_is = [&](const char* schema) { return doc.is_object() && doc.contains("schema") && doc["schema"] == schema; };
    if (schema_is(kSweepReportSchema))
        plot_sweep(reader, doc, out);
    else if (schema_is(kRunReportSchema))
        plot_run(read_run_figures(reader, doc), out);
    else
        reader.fail("", "not a 'vitsim run' or 'vitsim sweep' report (schema " + std::string(kRunReportSchema) +
                            " or " + kSweepReportSchema + ")");
    return 0;
}

}  // namespace vitsim
