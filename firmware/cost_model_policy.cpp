#include "cost_model_policy.h"

#include <algorithm>
#include <stdexcept>

#include "lane_cost_model.h"
#include "plan_estimate.h"

namespace cxlvp {

namespace {

struct Candidate {
  std::vector<ExpertJobPlan> plan;
  double makespan = 0;
};

// Places `order` (busiest first): the first `gpu_prefix` on the GPU, every
// later one on whichever of `lanes` the estimated timeline finishes it first.
Candidate place_greedy(const std::vector<uint32_t>& order, size_t gpu_prefix, const std::vector<uint32_t>& counts,
                       const std::vector<Lane>& lanes, const PlacementContext& context) {
  PlanEstimate timeline(*context.costs);
  // Each trial starts from a copy of the timeline; assigning into one object
  // reuses its storage (a fresh copy per trial allocated and freed its
  // vectors: half of this search, which place() runs once per GPU prefix).
  PlanEstimate trial = timeline;
  Candidate c;
  c.plan.reserve(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const uint32_t e = order[i];
    const bool resident = context.is_resident(e);
    Lane chosen = Lane::gpu;
    if (i >= gpu_prefix) {
      double best = 0;
      for (size_t l = 0; l < lanes.size(); ++l) {
        if (lanes[l] == Lane::ndp && !context.ndp_for(e)) continue;
        trial = timeline;
        const double finish = trial.add(lanes[l], counts[e], resident, e);
        if (l == 0 || finish < best) chosen = lanes[l], best = finish;
      }
    }
    timeline.add(chosen, counts[e], resident, e);
    c.plan.push_back({e, counts[e], chosen});
  }
  c.makespan = timeline.makespan();
  return c;
}

}  // namespace

std::vector<ExpertJobPlan> CostModelPolicy::place(const std::vector<uint32_t>& counts,
                                                  const PlacementContext& context) const {
  if (!context.costs) throw std::invalid_argument("the cost_model policy needs the platform's cost model");
  std::vector<Lane> lanes{Lane::gpu, Lane::cpu};
  if (context.ndp_available) lanes.push_back(Lane::ndp);
  const auto best_cost = [&](uint32_t e) {
    double best = 1e300;
    for (Lane l : lanes)
      if (l != Lane::ndp || context.ndp_for(e))
        best = std::min(best, context.costs->cost(l, counts[e], context.is_resident(e), e).serial());
    return best;
  };
  std::vector<uint32_t> order;
  for (uint32_t e = 0; e < counts.size(); ++e)
    if (counts[e] > 0) order.push_back(e);
  // Largest first by best-lane cost; ties by token count, then id, for determinism.
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const double ca = best_cost(a), cb = best_cost(b);
    return ca != cb ? ca > cb : counts[a] > counts[b];
  });
  // Resident experts first: they keep the GPU computing while the others are
  // fetched, instead of waiting behind those fetches.
  std::stable_partition(order.begin(), order.end(), [&](uint32_t e) { return context.is_resident(e); });

  // Greedy list scheduling alone can misjudge the GPU: an early fetch looks
  // expensive, yet it frees the slow lanes for the tail. So also try forcing
  // the k busiest experts onto the GPU, for every k, and keep the best estimate.
  // A pass that forces the k-th busiest onto the GPU is the previous pass
  // when that one put it there already: same timeline, same plan, so it is
  // skipped (with a skewed routing the greedy sends most of the busiest there).
  Candidate best = place_greedy(order, 0, counts, lanes, context);
  Candidate last = best;
  for (size_t k = 1; k <= order.size(); ++k) {
    if (last.plan[k - 1].lane == Lane::gpu) continue;
    last = place_greedy(order, k, counts, lanes, context);
    if (last.makespan < best.makespan) best = last;
  }
  return best.plan;
}

}  // namespace cxlvp
