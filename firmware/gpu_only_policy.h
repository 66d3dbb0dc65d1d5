#pragma once
// GpuOnlyPolicy: every expert runs on the GPU, its weights fetched over PCIe
// unless resident in HBM. `fetch: layer` fetches all experts of the layer,
// selected or not (layer-granular offload as in ZeRO-Infinity, the paper's
// baseline); `fetch: on_demand` fetches only the selected ones.
#include "placement_policy.h"

namespace cxlvp {

class GpuOnlyPolicy : public PlacementPolicy {
 public:
  explicit GpuOnlyPolicy(FetchMode fetch) : fetch_(fetch) {}
  std::string name() const override { return "gpu_only"; }
  std::vector<ExpertJobPlan> place(const std::vector<uint32_t>& tokens_per_expert,
                                   const PlacementContext& context) const override;

 private:
  FetchMode fetch_;
};

}  // namespace cxlvp
