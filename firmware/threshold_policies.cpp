#include "threshold_policies.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "lane_cost_model.h"
#include "plan_estimate.h"

namespace cxlvp {

std::vector<uint32_t> hot_experts_by_percentile(const std::vector<uint32_t>& tokens_per_expert, double percentile) {
  std::vector<uint32_t> ranked;
  for (uint32_t e = 0; e < tokens_per_expert.size(); ++e)
    if (tokens_per_expert[e] > 0) ranked.push_back(e);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](uint32_t a, uint32_t b) { return tokens_per_expert[a] > tokens_per_expert[b]; });
  const auto hot = size_t(std::llround((100.0 - percentile) / 100.0 * double(tokens_per_expert.size())));
  ranked.resize(std::min(ranked.size(), hot));
  return ranked;
}

namespace {

// Hot experts on the GPU (or CPU when cheaper and allowed), the rest cold.
std::vector<ExpertJobPlan> place_by_threshold(const std::vector<uint32_t>& counts, const PlacementContext& context,
                                              double percentile, bool warm_on_cpu, bool preload_hot) {
  const std::vector<uint32_t> hot = hot_experts_by_percentile(counts, percentile);
  std::vector<bool> is_hot(counts.size(), false);
  for (uint32_t e : hot) is_hot[e] = true;
  std::vector<ExpertJobPlan> plan;
  for (uint32_t e : hot) {
    Lane lane = Lane::gpu;
    if (warm_on_cpu && context.costs) {
      const bool resident = context.is_resident(e);
      if (context.costs->cost(Lane::cpu, counts[e], false, e).serial() <
          context.costs->cost(Lane::gpu, counts[e], resident, e).serial())
        lane = Lane::cpu;
    }
    plan.push_back({e, counts[e], lane, preload_hot && lane == Lane::gpu});
  }
  for (uint32_t e = 0; e < counts.size(); ++e)
    if (counts[e] > 0 && !is_hot[e]) plan.push_back({e, counts[e], context.ndp_for(e) ? Lane::ndp : Lane::cpu});
  return plan;
}

}  // namespace

std::vector<ExpertJobPlan> MondeIdealPolicy::place(const std::vector<uint32_t>& counts,
                                                   const PlacementContext& context) const {
  return place_by_threshold(counts, context, percentile_, false, true);
}

std::vector<ExpertJobPlan> CxlExpertPolicy::place(const std::vector<uint32_t>& counts,
                                                  const PlacementContext& context) const {
  return place_by_threshold(counts, context, percentile_, warm_on_cpu_, false);
}

std::vector<ExpertJobPlan> AdaptivePolicy::place(const std::vector<uint32_t>& counts,
                                                 const PlacementContext& context) const {
  if (!context.costs) throw std::invalid_argument("the adaptive policy needs the platform's cost model");
  std::vector<ExpertJobPlan> best;
  double best_time = 0;
  for (int p = 0; p <= 100; p += 5) {
    std::vector<ExpertJobPlan> plan = place_by_threshold(counts, context, p, warm_on_cpu_, false);
    PlanEstimate estimate(*context.costs);
    for (const auto& j : plan) estimate.add(j.lane, j.tokens, context.is_resident(j.expert), j.expert);
    if (best.empty() || estimate.makespan() < best_time) {
      best = std::move(plan);
      best_time = estimate.makespan();
    }
  }
  return best;
}

}  // namespace cxlvp
