#pragma once
// LaneCostModel: what the firmware believes an expert job costs on each lane,
// from the platform's datasheet rates (not from the simulation). Policies use
// it to choose lanes; the scheduler uses it for the lower bound it reports.
// Times are seconds of unloaded hardware: real jobs only take longer.
#include <array>
#include <cstdint>

#include "../models/common/compute_model.h"
#include "moe_model.h"
#include "placement_policy.h"

namespace cxlvp {

struct LaneRates {
  ComputeMode mode = ComputeMode::per_token;
  std::array<double, 3> per_token_s{};      // per lane (gpu, cpu, ndp)
  std::array<double, 3> flops_per_s{};
  std::array<double, 3> dequant_Bps{};      // 0: free
  std::array<double, 3> weight_stream_Bps{};  // gpu: HBM; cpu: from the weights' home; ndp: its memory port
  double fetch_Bps = 1;       // expert weights into HBM over PCIe (payload rate of the slowest link on the way)
  double activation_Bps = 1;  // activation copies between HBM and CPU/NDP staging
  double cxl_Bps = 1;         // payload rate of the CXL link (CPU streaming from CXL, GPU fetches from CXL)
  bool weights_in_cxl = true;
};

// Time one job holds each resource it uses.
struct JobCost {
  double pcie = 0;     // weight fetch and activation copies
  double cxl = 0;      // weights streamed or fetched over the CXL link
  double engine = 0;   // the lane's compute engine (GPU SMs, CPU cores, NDP engine)
  double serial() const { return pcie + engine; }  // fetch/copies, then compute
};

class LaneCostModel {
 public:
  LaneCostModel(const LaneRates& rates, const MoeModelConfig& model, const QuantizationConfig& quantization);

  // Bytes of one expert's weights as `lane` reads them.
  uint64_t weight_bytes(Lane lane) const;
  // Bytes of 16-bit weights the lane expands from a compressed format (0: stored uncompressed).
  uint64_t dequant_bytes(Lane lane) const;
  uint64_t activation_bytes(uint32_t tokens) const;  // one direction, after compression
  // Resource times of `tokens` of one expert on `lane`; `resident`: GPU weights already in HBM.
  JobCost cost(Lane lane, uint32_t tokens, bool resident) const;
  const LaneRates& rates() const { return rates_; }

 private:
  LaneRates rates_;
  MoeModelConfig model_;
  std::array<double, 3> compression_;
  double activation_compression_;
};

}  // namespace cxlvp
