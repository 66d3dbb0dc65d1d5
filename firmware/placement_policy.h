#pragma once
// PlacementPolicy: decides, for one MoE layer of one batch, which lane runs
// each expert's tokens. Policies see only token counts and what the platform
// offers; the scheduler turns their plan into jobs.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cxlvp {

enum class Lane : uint8_t { gpu, cpu, ndp };
const char* to_string(Lane lane);

struct ExpertJobPlan {
  uint32_t expert;  // expert index within the layer
  uint32_t tokens;  // 0: fetch into HBM without computing (layer-granular fetch)
  Lane lane;
  bool preloaded = false;  // GPU: treat the weights as resident without fetching (an ideal)
};

class LaneCostModel;

struct PlacementContext {
  bool ndp_available = false;  // some NDP engine sits next to expert weights (weights in CXL memory)
  const LaneCostModel* costs = nullptr;  // datasheet estimates of each lane's cost
  std::vector<bool> resident;            // per expert of the layer: weights already in GPU HBM
  bool is_resident(uint32_t expert) const { return expert < resident.size() && resident[expert]; }
  // Whether an NDP engine can run `expert`: its weights sit whole in an expander with one.
  bool ndp_for(uint32_t expert) const;
};

enum class FetchMode { layer, on_demand };

struct PolicyConfig {
  std::string name = "static_tiers";  // see policy_names()
  FetchMode fetch = FetchMode::on_demand;  // gpu_only: fetch every expert of a layer, or only selected ones
  unsigned hot_experts = 4;        // static_tiers: top experts by token count -> GPU
  unsigned warm_experts = 8;       // static_tiers: next ones -> CPU with AMX; the rest -> NDP
  double threshold_percentile = 75;  // cxl_expert, monde_ideal: experts ranked above it are hot
  bool warm_on_cpu = true;         // cxl_expert: a hot expert runs on the CPU when that beats fetching it
  bool prefetch = false;           // fetch the next layer's likely GPU experts while this layer runs
};

class PlacementPolicy {
 public:
  virtual ~PlacementPolicy() = default;
  virtual std::string name() const = 0;
  virtual std::vector<ExpertJobPlan> place(const std::vector<uint32_t>& tokens_per_expert,
                                           const PlacementContext& context) const = 0;
};

// Names make_policy() knows, for messages and validation.
const std::vector<std::string>& policy_names();
// Throws std::invalid_argument for a name not in policy_names().
std::unique_ptr<PlacementPolicy> make_policy(const PolicyConfig& config);

}  // namespace cxlvp
