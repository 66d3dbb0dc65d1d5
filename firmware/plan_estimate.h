#pragma once
// PlanEstimate: a quick resource-timeline estimate of a layer's makespan for
// a placement, used by policies that search (adaptive, cost_model). The three
// lanes run in parallel, PCIe and the CXL link are shared, and each job holds
// its resources in the order it is added: GPU jobs fetch over PCIe then
// compute; CPU and NDP jobs get their activations over PCIe, compute (CPU
// jobs streaming weights over the CXL link), and send results back.
#include <array>

#include "lane_cost_model.h"

namespace cxlvp {

class PlanEstimate {
 public:
  explicit PlanEstimate(const LaneCostModel& costs) : costs_(&costs) {}

  // Adds a job; returns its estimated finish time (s).
  double add(Lane lane, uint32_t tokens, bool resident);
  double makespan() const { return makespan_; }

 private:
  const LaneCostModel* costs_;
  double pcie_ = 0, cxl_ = 0, makespan_ = 0;
  std::array<double, 3> engine_{};
};

// A lower bound on any placement's layer time from the cost model: no expert
// finishes faster than its best lane's serial time, and all experts' work,
// each on its best lane, cannot be spread over more than the platform's
// resources (PCIe, CXL link, GPU, CPU, NDP).
double layer_lower_bound(const std::vector<uint32_t>& tokens_per_expert, const PlacementContext& context);

}  // namespace cxlvp
