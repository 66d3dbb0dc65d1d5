#pragma once
// sweep.csv: one row per point of a sweep, in grid order, from the
// summary.json each point's run wrote. Holds no wall-clock figure, so the same
// sweep gives the same bytes however many points ran at once.
#include <string>
#include <vector>

#include "sweep_grid.h"

namespace cxlvp {

// Writes `csv_path`: the sweep keys' values, then scenario, policy, compute,
// tokens, simulated_time_s, throughput_tokens_per_s, busy_s and utilization of
// gpu, cpu and ndp, then status (ok, or failed when `points_dir`/<id>/summary.json
// is missing; its other figures are then empty) and the point's id.
// Returns the number of failed points.
size_t write_sweep_table(const std::vector<SweepPoint>& points, const std::string& points_dir,
                         const std::string& csv_path);

}  // namespace cxlvp
