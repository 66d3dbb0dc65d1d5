#include "placement_policy.h"

#include <stdexcept>

#include "gpu_only_policy.h"
#include "static_tier_policy.h"

namespace cxlvp {

const char* to_string(Lane lane) {
  switch (lane) {
    case Lane::gpu: return "gpu";
    case Lane::cpu: return "cpu";
    case Lane::ndp: return "ndp";
  }
  return "?";
}

const std::vector<std::string>& policy_names() {
  static const std::vector<std::string> names{"gpu_only", "static_tiers"};
  return names;
}

std::unique_ptr<PlacementPolicy> make_policy(const PolicyConfig& config) {
  if (config.name == "gpu_only") return std::make_unique<GpuOnlyPolicy>(config.fetch);
  if (config.name == "static_tiers") return std::make_unique<StaticTierPolicy>(config.hot_experts, config.warm_experts);
  throw std::invalid_argument("unknown placement policy '" + config.name + "'");
}

}  // namespace cxlvp
