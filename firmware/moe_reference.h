#pragma once
// The reference of functional mode (docs/functional-mode.md): a MoE layer's
// outputs from the seed and the routing alone, with plain loops over host
// vectors. It knows no memories, devices or placement, and writes out the
// arithmetic on its own instead of calling expert_ffn.h, so the platform's
// outputs can be checked against it whatever the policy did.
#include <cstdint>
#include <vector>

#include "../models/common/expert_ffn.h"
#include "functional_data.h"
#include "routing_source.h"

namespace cxlvp::reference {

// round(acc * scale / 2^shift), halves rounded up, then ReLU if asked, then
// saturation to -128..127.
int8_t requantize(int32_t acc, uint16_t scale, unsigned shift, bool relu);
int8_t saturate(int64_t v);

// One token through one expert: d_model values in, d_model values out.
std::vector<int8_t> expert(const ExpertWeights& w, const ExpertShape& shape, const int8_t* x);

// A whole MoE layer: each token's output is the int32 sum of its top_k
// experts' outputs, saturated to int8 (the combine rule). `input` and the
// result are tokens x d_model, row-major; the experts' weights are drawn from
// `seed` (functional_data.h).
std::vector<int8_t> layer(uint64_t seed, uint32_t layer, const ExpertShape& shape, const LayerRouting& routing,
                          const std::vector<int8_t>& input);

}  // namespace cxlvp::reference
