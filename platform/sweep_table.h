#pragma once
// sweep.csv: one row per point of a sweep, in grid order, from the
// summary.json each point's run wrote. Holds no wall-clock figure, so the same
// sweep gives the same bytes however many points ran at once. A point's
// results are trusted only when they are its own and complete
// (read_point_results); otherwise the point counts as not done.
#include <map>
#include <string>
#include <vector>

#include "sweep_grid.h"

namespace cxlvp {

// What a point's result folder holds, as sweep.csv takes it.
struct PointResults {
  bool ok = false;
  std::string why;  // when not ok: what is missing or wrong
  std::map<std::string, std::string> figures;  // summary.json path -> value, the columns' only
};

// The results in `folder` when they are the point's and complete: the folder
// is a result folder whose mark carries `inputs_hash` (result_folder.h: the
// point's scenario and overrides), and its summary.json parses and holds every
// figure sweep.csv needs, each of the right kind. Never throws for a damaged
// folder: a point that is not ok runs again.
PointResults read_point_results(const std::string& folder, const std::string& inputs_hash);

// Writes `csv_path`: the sweep keys' values, then scenario, policy, compute,
// tokens, simulated_time_s, throughput_tokens_per_s, busy_s and utilization of
// gpu, cpu and ndp, then status (ok, or failed when the point's results are
// not ok; its other figures are then empty) and the point's id. `folders` and
// `inputs_hashes` are per point. Returns the number of failed points.
size_t write_sweep_table(const std::vector<SweepPoint>& points, const std::vector<std::string>& folders,
                         const std::vector<std::string>& inputs_hashes, const std::string& csv_path);

}  // namespace cxlvp
