#include "sim/pareto.h"

#include <cstddef>

namespace vitsim {

bool dominates(const Objectives& a, const Objectives& b) {
    bool better = false;
    for (size_t k = 0; k < a.size() && k < b.size(); k++) {
        if (a[k] > b[k]) return false;
        better = better || a[k] < b[k];
    }
    return better;
}

std::vector<bool> pareto_optimal(const std::vector<Objectives>& points) {
    // Quadratic, and plenty: a sweep has tens of runs, not thousands.
    std::vector<bool> optimal(points.size(), true);
    for (size_t i = 0; i < points.size(); i++)
        for (size_t j = 0; j < points.size() && optimal[i]; j++)
            if (j != i && dominates(points[j], points[i])) optimal[i] = false;
    return optimal;
}

}  // namespace vitsim
