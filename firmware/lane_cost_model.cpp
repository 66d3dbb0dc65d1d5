#include "lane_cost_model.h"

#include <algorithm>
#include <cmath>

namespace cxlvp {

LaneCostModel::LaneCostModel(const LaneRates& rates, const MoeModelConfig& model,
                             const QuantizationConfig& quantization)
    : rates_(rates),
      flops_per_token_(model.flops_per_token()),
      activation_bytes_per_token_(model.activation_bytes_per_token()),
      activation_compression_(quantization.activation_compression) {
  const std::array<double, 3> compression{quantization.gpu_weight_compression, quantization.cpu_weight_compression,
                                          quantization.ndp_weight_compression};
  for (size_t l = 0; l < 3; ++l) {
    weight_bytes_[l] = uint64_t(std::llround(double(model.bytes_per_expert()) / compression[l]));
    dequant_bytes_[l] = compression[l] > 1 ? model.bytes_per_expert() : 0;
  }
}

uint64_t LaneCostModel::activation_bytes(uint32_t tokens) const {
  return uint64_t(std::llround(double(tokens) * activation_bytes_per_token_ / activation_compression_));
}

JobPlace LaneCostModel::place(Lane lane, uint32_t expert) const {
  const HomeRates& h = home(expert);
  switch (lane) {
    case Lane::gpu: return {expert % rates_.gpus, expert % rates_.gpus, &h};
    case Lane::cpu: return {rates_.gpus, 0, &h};
    case Lane::ndp: return {rates_.gpus + 1 + unsigned(std::max(0, h.ndp)), 0, &h};
  }
  return {0, 0, &h};
}

JobCost LaneCostModel::cost(Lane lane, uint32_t tokens, bool resident, uint32_t expert) const {
  const size_t l = size_t(lane);
  const HomeRates& h = home(expert);
  JobCost c;
  if (tokens == 0 && (lane != Lane::gpu || resident)) return c;
  const double arithmetic = rates_.mode == ComputeMode::per_token
                                ? tokens * rates_.per_token_s[l]
                                : double(tokens) * flops_per_token_ / rates_.flops_per_s[l];
  const double dequant = rates_.dequant_Bps[l] > 0 ? dequant_bytes(lane) / rates_.dequant_Bps[l] : 0.0;
  // Roofline jobs stream their weights while computing; per_token jobs do not (the paper's model).
  const double stream_Bps = lane == Lane::gpu ? rates_.hbm_Bps : lane == Lane::cpu ? h.home_Bps : rates_.ndp_stream_Bps;
  const double stream = rates_.mode == ComputeMode::roofline ? weight_bytes(lane) / stream_Bps : 0.0;
  c.engine = tokens ? std::max(arithmetic + dequant, stream) : 0.0;
  const auto over_cxl = [&](double bytes) {
    if (!rates_.weights_in_cxl) return;
    c.cxl = bytes / h.cxl_Bps;
    if (h.upstream_Bps > 0) c.upstream = bytes / h.upstream_Bps;
  };
  // PCIe bytes of a GPU's link; below the PCIe switch they also cross its
  // upstream link, which can be the slower of the two.
  const auto over_pcie = [&](unsigned gpu, double bytes, double link_Bps) {
    if (!below_switch(gpu)) return c.pcie = bytes / link_Bps;
    c.pcie_upstream = bytes / rates_.pcie_upstream_Bps;
    return c.pcie = bytes / std::min(link_Bps, rates_.pcie_upstream_Bps);
  };
  switch (lane) {
    case Lane::gpu:
      if (!resident) {
        over_pcie(place(lane, expert).pcie, double(weight_bytes(lane)), h.fetch_Bps);
        over_cxl(double(weight_bytes(lane)));
      }
      break;
    case Lane::cpu:
      over_pcie(0, 2.0 * activation_bytes(tokens), rates_.activation_Bps);
      if (rates_.mode == ComputeMode::roofline) over_cxl(double(weight_bytes(lane)));
      break;
    case Lane::ndp:
      over_pcie(0, 2.0 * activation_bytes(tokens), rates_.activation_Bps);
      break;
  }
  return c;
}

}  // namespace cxlvp
