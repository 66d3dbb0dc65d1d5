#include "placement_policy.h"

#include <stdexcept>

#include "cost_model_policy.h"
#include "gpu_only_policy.h"
#include "lane_cost_model.h"
#include "static_tier_policy.h"
#include "threshold_policies.h"

namespace cxlvp {

const char* to_string(Lane lane) {
  switch (lane) {
    case Lane::gpu: return "gpu";
    case Lane::cpu: return "cpu";
    case Lane::ndp: return "ndp";
  }
  return "?";
}

bool PlacementContext::ndp_for(uint32_t expert) const {
  return ndp_available && (!costs || costs->ndp_can_run(expert));
}

const std::vector<std::string>& policy_names() {
  static const std::vector<std::string> names{"gpu_only", "static_tiers", "monde_ideal", "cxl_expert", "adaptive",
                                              "cost_model"};
  return names;
}

std::unique_ptr<PlacementPolicy> make_policy(const PolicyConfig& config) {
  if (config.name == "gpu_only") return std::make_unique<GpuOnlyPolicy>(config.fetch);
  if (config.name == "static_tiers") return std::make_unique<StaticTierPolicy>(config.hot_experts, config.warm_experts);
  if (config.name == "monde_ideal") return std::make_unique<MondeIdealPolicy>(config.threshold_percentile);
  if (config.name == "cxl_expert")
    return std::make_unique<CxlExpertPolicy>(config.threshold_percentile, config.warm_on_cpu);
  if (config.name == "adaptive") return std::make_unique<AdaptivePolicy>(config.warm_on_cpu);
  if (config.name == "cost_model") return std::make_unique<CostModelPolicy>();
  throw std::invalid_argument("unknown placement policy '" + config.name + "'");
}

}  // namespace cxlvp
