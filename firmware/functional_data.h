#pragma once
// The real numbers of functional mode (docs/functional-mode.md): each
// (layer, expert)'s int8 weights with their per-row u16 scales, and each
// batch's int8 input activations, all drawn from the scenario seed, so the
// same seed gives the same bytes on every machine. The firmware writes the
// weights into their home memory at boot; the reference (moe_reference.h)
// draws the same numbers on its own.
//
// Scales are chosen so that requantization spreads outputs over int8: with
// weights uniform in -127..127 and activations of standard deviation about
// kActivationStd, an expert's hidden values and its outputs summed over a
// token's top_k experts have a standard deviation of about kOutputStd, so the
// next layer sees inputs like the first one's.
#include <cstdint>
#include <vector>

#include "../models/common/expert_ffn.h"

namespace cxlvp {

// One expert's weights as matrices (row-major) and per-row scales.
struct ExpertWeights {
  std::vector<int8_t> w1;       // d_ff x d_model
  std::vector<int8_t> w2;       // d_model x d_ff
  std::vector<uint16_t> scale1;  // d_ff
  std::vector<uint16_t> scale2;  // d_model
};

namespace functional_data {

constexpr int kWeightMax = 127;       // weights are uniform in -kWeightMax..kWeightMax
constexpr int kInputMax = 69;         // first-layer inputs uniform in -69..69: standard deviation 40
constexpr double kActivationStd = 40;
constexpr double kOutputStd = 40;     // of a token's combined output, and of an expert's hidden values
// Nominal scales must lie in this range so that each row's (nominal +-25 %)
// stays well inside 16 bits and keeps a few bits of resolution.
constexpr double kMinScale = 8;
constexpr double kMaxScale = 32767;

}  // namespace functional_data

// Nominal (mean) scales of W1 and W2 for `shape` and `top_k`, before each row's variation.
double nominal_scale1(const ExpertShape& shape);
double nominal_scale2(const ExpertShape& shape, unsigned top_k);

// Smallest and largest requantization shift whose nominal scales are in
// kMinScale..kMaxScale for this shape and top_k; lo > hi when there is none.
struct ShiftRange {
  unsigned lo, hi;
};
ShiftRange usable_shift_range(unsigned d_model, unsigned d_ff, unsigned top_k);

// The weights of `expert` in `layer`, drawn from `seed` alone.
ExpertWeights generate_expert(uint64_t seed, uint32_t layer, uint32_t expert, const ExpertShape& shape,
                              unsigned top_k);
// The blob a device reads: W1 | W2 | scale1 (u16 LE) | scale2 (u16 LE), expert_ffn.h's layout.
std::vector<uint8_t> pack_blob(const ExpertWeights& w, const ExpertShape& shape);
// The first layer's input of `batch`: tokens x d_model, row-major.
std::vector<int8_t> generate_batch_input(uint64_t seed, uint32_t batch, unsigned tokens, unsigned d_model);

}  // namespace cxlvp
