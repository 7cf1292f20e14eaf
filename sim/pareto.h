// The Pareto front of a set of runs: the runs that no other run beats on every
// objective (each objective: smaller is better, e.g. time, peak SRAM, energy).
#pragma once
#include <vector>

namespace vitsim {

// One run's objectives, all of the same length; smaller is better.
using Objectives = std::vector<double>;

// True when `a` dominates `b`: no worse on any objective, better on at least one.
bool dominates(const Objectives& a, const Objectives& b);

// For each point, whether it is Pareto-optimal among `points` (dominated by none).
// Equal points are all optimal: neither dominates the other.
std::vector<bool> pareto_optimal(const std::vector<Objectives>& points);

}  // namespace vitsim
