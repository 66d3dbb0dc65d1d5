#pragma once
// StaticTierPolicy: rank the layer's selected experts by token count (ties:
// lower id first); the `hot` busiest run on the GPU, the next `warm` on the
// CPU with AMX, the rest on the NDP engine, or on the CPU when no NDP engine
// can reach the weights.
#include "placement_policy.h"

namespace cxlvp {

class StaticTierPolicy : public PlacementPolicy {
 public:
  StaticTierPolicy(unsigned hot, unsigned warm) : hot_(hot), warm_(warm) {}
  std::string name() const override { return "static_tiers"; }
  std::vector<ExpertJobPlan> place(const std::vector<uint32_t>& tokens_per_expert,
                                   const PlacementContext& context) const override;

 private:
  unsigned hot_, warm_;
};

}  // namespace cxlvp
