#pragma once
// Sweep grid: the optional top-level `sweep:` block of a scenario, a mapping
// from dotted scenario keys to lists of values. The grid is the cartesian
// product of the lists, first key varying slowest; each point is the base
// scenario plus one `--set key=value` override per sweep key.
#include <string>
#include <utility>
#include <vector>

namespace cxlvp {

struct SweepPoint {
  // "p003_policy.threshold_percentile=30_platform.pcie.lanes=8": the index in
  // grid order, then key=value per sweep key, reduced to file-name characters.
  std::string id;
  std::vector<std::string> overrides;  // "key=value", one per sweep key, in the block's order
};

// Whether the scenario file has a top-level sweep block (not checked).
bool has_sweep_block(const std::string& scenario_path);

// The points of the scenario's sweep grid, in grid order; empty when it has no
// sweep block. Checks the base scenario (with `base_overrides`), every sweep
// key against the schema, and that every point loads with its overrides
// applied after `base_overrides`. Throws ScenarioError naming the sweep
// entry's line and `sweep.KEY` for the first problem.
std::vector<SweepPoint> load_sweep_grid(const std::string& scenario_path,
                                        const std::vector<std::string>& base_overrides = {});

// The key and value of one "key=value" override.
std::pair<std::string, std::string> split_override(const std::string& assignment);

}  // namespace cxlvp
