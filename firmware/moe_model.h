#pragma once
// The MoE model whose experts the platform runs: geometry, weight format and
// where the expert weights live.
#include <cstdint>

namespace cxlvp {

enum class WeightsHome { ddr, cxl };
// Which CXL memory holds which expert (docs/topologies.md): automatic (one
// interleave set: interleaved; otherwise partitioned), interleaved (striped
// over the interleave set), partitioned (expert e of every layer in expander
// e mod k), popularity (the most popular experts spread so that every
// expander gets an equal share of the expected tokens).
enum class WeightsPlacement { automatic, interleaved, partitioned, popularity };

struct MoeModelConfig {
  unsigned experts = 32;           // experts per MoE layer
  unsigned layers = 2;             // MoE layers per forward pass
  unsigned d_model = 1024;
  unsigned d_ff = 2048;
  unsigned weight_bytes_per_param = 2;      // 2 = 16-bit weights
  unsigned activation_bytes_per_value = 2;
  uint64_t expert_bytes = 0;       // 0: derived, 2 * d_model * d_ff * weight_bytes_per_param
  WeightsHome weights_home = WeightsHome::cxl;
  WeightsPlacement weights_placement = WeightsPlacement::automatic;
  unsigned requant_shift = 16;     // functional mode: requantization right shift of both matrices

  // d_model and d_ff are bounded by the scenario schema, so this cannot overflow.
  uint64_t bytes_per_expert() const {
    return expert_bytes ? expert_bytes : 2ull * d_model * d_ff * weight_bytes_per_param;
  }
  // Two GEMVs (d_model x d_ff and d_ff x d_model) per token, 2 FLOPs per MAC.
  uint64_t flops_per_token() const { return 2ull * 2ull * d_model * d_ff; }
  uint64_t activation_bytes_per_token() const { return uint64_t(d_model) * activation_bytes_per_value; }
};

// Compressed formats per execution lane: the bytes that lane reads for an
// expert shrink by its factor (1 = 16-bit, 2 = int8, 4 = int4), and the lane
// pays for expanding them back (the device's dequant_GBps). Activations that
// cross links to and from the CPU and NDP shrink by activation_compression.
struct QuantizationConfig {
  double gpu_weight_compression = 1;
  double cpu_weight_compression = 1;
  double ndp_weight_compression = 1;
  double activation_compression = 1;
};

}  // namespace cxlvp
