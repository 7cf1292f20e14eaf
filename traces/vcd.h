// Value change dump (IEEE 1364 VCD) of what the firmware told the simulator: which
// layer runs when, from the SIMCTRL markers' exact simulated times. Opens in GTKWave
// (traces/vitsim.gtkw is a view of it).
#pragma once
#include <string>
#include <vector>

#include "periph/simctrl.h"

namespace vitsim {

// The VCD text. Per hart: `layer` (16 bits, the running layer's index; x between
// layers) and `in_layer` (1 while a layer runs). `names[i]` labels layer i in a
// comment line.
std::string layer_vcd(const std::vector<SimCtrlEvent>& events, unsigned harts, const std::vector<std::string>& names);

}  // namespace vitsim
