#pragma once
// CostModelPolicy: per-expert lane choice by estimated finish time (the idea
// of Fiddler and TriMoE). Experts are taken largest first (by their best
// lane's cost) and each goes to the lane on which the layer's estimated
// timeline -- lanes in parallel, PCIe and the CXL link shared -- finishes it
// earliest. The search also tries placing the k busiest experts on the GPU
// first, for every k, and keeps the plan with the shortest estimate.
// Resident experts are cheap on the GPU, so residency is used.
#include "placement_policy.h"

namespace cxlvp {

class CostModelPolicy : public PlacementPolicy {
 public:
  std::string name() const override { return "cost_model"; }
  std::vector<ExpertJobPlan> place(const std::vector<uint32_t>& tokens_per_expert,
                                   const PlacementContext& context) const override;
};

}  // namespace cxlvp
