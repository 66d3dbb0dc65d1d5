#pragma once
// Placement by a token-count threshold, as in the CXL-Expert paper.
//
// hot_experts_by_percentile(): the experts ranked above the p-th percentile
// of the layer's experts by token count (rank-based: with 128 experts and
// p = 75, the 32 busiest; ties go to the lower id). Experts with no tokens are
// never hot.
#include "placement_policy.h"

namespace cxlvp {

std::vector<uint32_t> hot_experts_by_percentile(const std::vector<uint32_t>& tokens_per_expert, double percentile);

// MondeIdealPolicy: the MoNDE-like ideal: hot experts run on the GPU as if
// already resident (no fetch), every other selected expert runs in the memory
// device's NDP engine, so only activations move.
class MondeIdealPolicy : public PlacementPolicy {
 public:
  explicit MondeIdealPolicy(double percentile) : percentile_(percentile) {}
  std::string name() const override { return "monde_ideal"; }
  std::vector<ExpertJobPlan> place(const std::vector<uint32_t>& tokens_per_expert,
                                   const PlacementContext& context) const override;

 private:
  double percentile_;
};

// CxlExpertPolicy: the paper's scheme. Hot experts (above the threshold) run
// on the GPU, fetched over PCIe unless resident -- or, with warm_on_cpu, on
// the CPU when its AMX time beats the fetch plus GPU time (the paper's rule
// adapted from LIA). The rest are cold: NDP engine, or CPU without one.
class CxlExpertPolicy : public PlacementPolicy {
 public:
  CxlExpertPolicy(double percentile, bool warm_on_cpu) : percentile_(percentile), warm_on_cpu_(warm_on_cpu) {}
  std::string name() const override { return "cxl_expert"; }
  std::vector<ExpertJobPlan> place(const std::vector<uint32_t>& tokens_per_expert,
                                   const PlacementContext& context) const override;

 private:
  double percentile_;
  bool warm_on_cpu_;
};

// AdaptivePolicy: CXL-Expert with the threshold chosen per layer and batch:
// it tries every percentile in steps of 5 on the observed counts, estimates
// each placement's makespan with the cost model (which knows what is resident
// in HBM), and keeps the best.
class AdaptivePolicy : public PlacementPolicy {
 public:
  explicit AdaptivePolicy(bool warm_on_cpu) : warm_on_cpu_(warm_on_cpu) {}
  std::string name() const override { return "adaptive"; }
  std::vector<ExpertJobPlan> place(const std::vector<uint32_t>& tokens_per_expert,
                                   const PlacementContext& context) const override;

 private:
  bool warm_on_cpu_;
};

}  // namespace cxlvp
