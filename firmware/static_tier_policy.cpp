#include "static_tier_policy.h"

#include <algorithm>

namespace cxlvp {

std::vector<ExpertJobPlan> StaticTierPolicy::place(const std::vector<uint32_t>& tokens_per_expert,
                                                   const PlacementContext& context) const {
  std::vector<uint32_t> ranked;
  for (uint32_t e = 0; e < tokens_per_expert.size(); ++e)
    if (tokens_per_expert[e] > 0) ranked.push_back(e);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](uint32_t a, uint32_t b) { return tokens_per_expert[a] > tokens_per_expert[b]; });
  std::vector<ExpertJobPlan> plan;
  for (size_t r = 0; r < ranked.size(); ++r) {
    const Lane cold = context.ndp_for(ranked[r]) ? Lane::ndp : Lane::cpu;
    const Lane lane = r < hot_ ? Lane::gpu : r < size_t(hot_) + warm_ ? Lane::cpu : cold;
    plan.push_back({ranked[r], tokens_per_expert[ranked[r]], lane});
  }
  return plan;
}

}  // namespace cxlvp
