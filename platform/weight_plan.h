#pragma once
// WeightPlan: where the model's expert weights live on this platform
// (docs/topologies.md#weights): the home memories model.weights_home and
// model.weights_placement choose, the host physical address of each home's
// weight area, which NDP engine (if any) sits next to each home, and which
// home holds which expert (WeightHomes).
#include <string>
#include <vector>

#include "../firmware/weight_homes.h"
#include "memory_map.h"
#include "topology.h"

namespace cxlvp {

struct WeightHome {
  std::string name;      // "ddr", an expander's name, or an interleave set's name
  std::string key;       // the scenario key its capacity comes from (for messages)
  uint64_t area_base;    // host physical address of its weight area
  uint64_t area_bytes;   // bytes there for weights
  int expander = -1;     // the expander whose DRAM holds it whole (its NDP engine can run its experts), or -1
};

struct WeightPlan {
  std::vector<WeightHome> homes;
  WeightHomes experts;
  WeightsPlacement placement;  // as resolved (never automatic)
};

WeightPlan plan_weights(const Scenario& s, const Topology& t, const MemoryMap& m);

}  // namespace cxlvp
