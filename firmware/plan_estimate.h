#pragma once
// PlanEstimate: a quick resource-timeline estimate of a layer's makespan for
// a placement, used by policies that search (adaptive, cost_model). Every
// engine instance (each GPU, the CPU, each NDP engine) runs in parallel; each
// GPU's PCIe link, the PCIe switch's upstream link, each expander's CXL link
// and the CXL switch's upstream link are shared. Each job holds its resources
// in the order it is added: GPU jobs fetch over their GPU's link (and the PCIe
// switch's upstream link when the GPU is below it, and the CXL links of the
// weights' home) then compute; CPU and NDP jobs get their activations over GPU 0's link, compute
// (CPU jobs streaming weights over the home's CXL links), and send results back.
#include <vector>

#include "lane_cost_model.h"

namespace cxlvp {

class PlanEstimate {
 public:
  explicit PlanEstimate(const LaneCostModel& costs);

  // Adds a job of `expert`; returns its estimated finish time (s).
  double add(Lane lane, uint32_t tokens, bool resident, uint32_t expert = 0);
  // The same for a job whose cost and place are known (costs_->cost and
  // costs_->place of it): a search that tries the same jobs many times
  // computes them once.
  double add(Lane lane, const JobCost& c, const JobPlace& where);
  // The finish time add() would return, leaving the timeline as it is: the
  // same arithmetic in the same order, so the same value to the last bit.
  double finish_if_added(Lane lane, const JobCost& c, const JobPlace& where) const;
  double makespan() const { return makespan_; }

 private:
  // add() when `Self` is PlanEstimate, finish_if_added() when it is const.
  template <class Self>
  static double step(Self& self, Lane lane, const JobCost& c, const JobPlace& where);

  const LaneCostModel* costs_;
  std::vector<double> engine_, pcie_, cxl_;
  double upstream_ = 0, pcie_upstream_ = 0, makespan_ = 0;
};

// A lower bound on any placement's layer time from the cost model: no expert
// finishes faster than its best lane's serial time, and all experts' work,
// each on its best lane, cannot be spread over more than the platform's
// resources (every engine, every PCIe and CXL link, the switches' upstream
// links), nor faster than the PCIe switch's upstream link carries the bytes
// that must cross it.
double layer_lower_bound(const std::vector<uint32_t>& tokens_per_expert, const PlacementContext& context);

}  // namespace cxlvp
