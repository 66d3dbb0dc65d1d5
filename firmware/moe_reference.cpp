#include "moe_reference.h"

#include <map>

namespace cxlvp::reference {

namespace {

// Floor of a / 2^shift, by division (not by an arithmetic shift as expert_ffn.h does).
int64_t floor_div_pow2(int64_t a, unsigned shift) {
  const int64_t d = int64_t(1) << shift;
  const int64_t q = a / d;  // truncates towards zero
  return (a % d != 0 && a < 0) ? q - 1 : q;
}

}  // namespace

int8_t saturate(int64_t v) { return int8_t(v < -128 ? -128 : v > 127 ? 127 : v); }

int8_t requantize(int32_t acc, uint16_t scale, unsigned shift, bool relu) {
  const int64_t product = int64_t(acc) * scale;
  const int64_t rounded = shift == 0 ? product : floor_div_pow2(product + (int64_t(1) << (shift - 1)), shift);
  return saturate(relu && rounded < 0 ? 0 : rounded);
}

std::vector<int8_t> expert(const ExpertWeights& w, const ExpertShape& shape, const int8_t* x) {
  const bool relu = shape.activation == FfnActivation::relu;
  std::vector<int8_t> hidden(shape.d_ff), y(shape.d_model);
  for (unsigned i = 0; i < shape.d_ff; ++i) {
    int32_t acc = 0;
    for (unsigned j = 0; j < shape.d_model; ++j) acc += w.w1[uint64_t(i) * shape.d_model + j] * x[j];
    hidden[i] = requantize(acc, w.scale1[i], shape.shift, relu);
  }
  for (unsigned i = 0; i < shape.d_model; ++i) {
    int32_t acc = 0;
    for (unsigned j = 0; j < shape.d_ff; ++j) acc += w.w2[uint64_t(i) * shape.d_ff + j] * hidden[j];
    y[i] = requantize(acc, w.scale2[i], shape.shift, false);
  }
  return y;
}

std::vector<int8_t> layer(uint64_t seed, uint32_t layer, const ExpertShape& shape, const LayerRouting& routing,
                          const std::vector<int8_t>& input) {
  const unsigned d = shape.d_model;
  std::map<uint32_t, ExpertWeights> experts;  // drawn once per layer, when first used
  std::vector<int8_t> out(routing.tokens() * d);
  for (size_t t = 0; t < routing.tokens(); ++t) {
    std::vector<int32_t> sum(d, 0);
    for (unsigned k = 0; k < routing.top_k; ++k) {
      const uint32_t e = routing.experts[t * routing.top_k + k];
      auto it = experts.find(e);
      if (it == experts.end()) it = experts.emplace(e, generate_expert(seed, layer, e, shape, routing.top_k)).first;
      const std::vector<int8_t> y = expert(it->second, shape, &input[t * d]);
      for (unsigned c = 0; c < d; ++c) sum[c] += y[c];
    }
    for (unsigned c = 0; c < d; ++c) out[t * d + c] = saturate(sum[c]);
  }
  return out;
}

}  // namespace cxlvp::reference
