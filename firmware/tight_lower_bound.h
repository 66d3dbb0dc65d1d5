#pragma once
// A tight lower bound on a layer's time for the placement problem: every
// expert with tokens runs on one lane (a GPU, the CPU or an NDP engine), each
// job holds its resources (a GPU's PCIe link, CXL links, its engine) for the
// times the firmware's cost model gives, and no resource serves two jobs at
// once. The loose bound (layer_lower_bound) spreads all work over all
// resources; this one keeps the choice the problem has: for each k, how many
// experts go to the GPUs, it bounds every resource's load over all placements
// with k GPU experts, and takes the best k.
// docs/policies.md#the-tight-lower-bound proves it is a bound and says how
// close cost_model's placements get.
#include <cstdint>
#include <vector>

#include "placement_policy.h"

namespace cxlvp {

// Seconds. `plan` only says which experts it preloads (an ideal that treats
// the hot experts' weights as already in HBM, monde_ideal): for those the
// bound, like the run, counts no fetch. Never below layer_lower_bound of the
// same residency (which is layer_lower_bound itself when nothing is preloaded).
double tight_lower_bound(const std::vector<uint32_t>& tokens_per_expert, const PlacementContext& context,
                         const std::vector<ExpertJobPlan>& plan);

}  // namespace cxlvp
