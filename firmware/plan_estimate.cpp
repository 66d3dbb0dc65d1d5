#include "plan_estimate.h"

#include <algorithm>

namespace cxlvp {

double PlanEstimate::add(Lane lane, uint32_t tokens, bool resident) {
  const JobCost c = costs_->cost(lane, tokens, resident);
  double& engine = engine_[size_t(lane)];
  double finish;
  if (lane == Lane::gpu) {
    double fetched = 0;
    if (c.pcie > 0) {
      pcie_ += c.pcie;
      cxl_ += c.cxl;
      fetched = std::max(pcie_, cxl_);
    }
    engine = std::max(engine, fetched) + c.engine;
    finish = engine;
  } else {
    // Activation copies are small and share PCIe with weight fetches rather
    // than queueing behind them: they count as PCIe load, and delay only
    // their own job.
    pcie_ += c.pcie;
    const double start = engine + c.pcie / 2;  // activations in
    engine = start + c.engine;
    if (c.cxl > 0) {  // weights streamed over the CXL link while computing
      cxl_ = std::max(cxl_, start) + c.cxl;
      engine = std::max(engine, cxl_);
    }
    finish = engine + c.pcie / 2;  // results back
  }
  makespan_ = std::max({makespan_, finish, pcie_, cxl_});
  return finish;
}

double layer_lower_bound(const std::vector<uint32_t>& tokens_per_expert, const PlacementContext& context) {
  std::vector<Lane> lanes{Lane::gpu, Lane::cpu};
  if (context.ndp_available) lanes.push_back(Lane::ndp);
  const double resources = context.ndp_available ? 5 : 4;
  double longest = 0, spread = 0;
  for (uint32_t e = 0; e < tokens_per_expert.size(); ++e) {
    if (tokens_per_expert[e] == 0) continue;
    double best_serial = 1e300, best_busiest = 1e300;
    for (Lane l : lanes) {
      const JobCost c = context.costs->cost(l, tokens_per_expert[e], context.is_resident(e));
      best_serial = std::min(best_serial, c.serial());
      best_busiest = std::min(best_busiest, std::max({c.pcie, c.cxl, c.engine}));
    }
    longest = std::max(longest, best_serial);
    spread += best_busiest;
  }
  return std::max(longest, spread / resources);
}

}  // namespace cxlvp
