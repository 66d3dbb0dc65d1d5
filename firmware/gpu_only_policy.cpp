#include "gpu_only_policy.h"

namespace cxlvp {

std::vector<ExpertJobPlan> GpuOnlyPolicy::place(const std::vector<uint32_t>& tokens_per_expert,
                                                const PlacementContext&) const {
  std::vector<ExpertJobPlan> plan;
  for (uint32_t e = 0; e < tokens_per_expert.size(); ++e)
    if (tokens_per_expert[e] > 0 || fetch_ == FetchMode::layer) plan.push_back({e, tokens_per_expert[e], Lane::gpu});
  return plan;
}

}  // namespace cxlvp
