#pragma once
// The integer expert FFN every executor computes in functional mode (GPU,
// CPU-AMX, the NDP engine in TLM and in RTL) and the firmware's reference
// uses: the arithmetic half of the device contract, docs/ndp-plugin.md.
//
//   h = act(requant(W1 · x, scale1))    W1: d_ff x d_model int8
//   y =     requant(W2 · h, scale2)     W2: d_model x d_ff int8
//
// Integer only, so every implementation gives the same bits.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace cxlvp {

enum class FfnActivation : uint8_t { none = 0, relu = 1 };

// One expert's shape and requantization, as the descriptor carries them.
struct ExpertShape {
  unsigned d_model = 0;
  unsigned d_ff = 0;
  unsigned shift = 0;  // requantization right shift, 0..31
  FfnActivation activation = FfnActivation::relu;

  // The weight blob at weight_addr: W1 rows, W2 rows, then the u16
  // little-endian per-row scales of W1 and W2.
  uint64_t w1_offset() const { return 0; }
  uint64_t w2_offset() const { return uint64_t(d_ff) * d_model; }
  uint64_t scale1_offset() const { return 2ull * d_ff * d_model; }
  uint64_t scale2_offset() const { return scale1_offset() + 2ull * d_ff; }
  uint64_t blob_bytes() const { return scale2_offset() + 2ull * d_model; }
  uint64_t activation_bytes(uint64_t tokens) const { return tokens * d_model; }
  uint64_t macs(uint64_t tokens) const { return tokens * 2ull * d_model * d_ff; }
};

// (acc * scale + round) >> shift, rounding half up, then the activation, then
// saturation to int8.
inline int8_t requantize(int32_t acc, uint16_t scale, unsigned shift, FfnActivation act) {
  int64_t p = int64_t(acc) * int64_t(scale);
  if (shift > 0) p = (p + (int64_t(1) << (shift - 1))) >> shift;  // arithmetic shift
  if (act == FfnActivation::relu && p < 0) p = 0;
  return int8_t(std::clamp<int64_t>(p, -128, 127));
}

// y (tokens x d_model) from x (tokens x d_model) and the weight blob.
inline void expert_ffn(const ExpertShape& s, const uint8_t* blob, const int8_t* x, uint64_t tokens, int8_t* y) {
  const auto* w1 = reinterpret_cast<const int8_t*>(blob + s.w1_offset());
  const auto* w2 = reinterpret_cast<const int8_t*>(blob + s.w2_offset());
  const auto scale = [blob](uint64_t offset, unsigned row) {
    return uint16_t(blob[offset + 2 * row] | (blob[offset + 2 * row + 1] << 8));
  };
  std::vector<int8_t> h(s.d_ff);
  for (uint64_t t = 0; t < tokens; ++t) {
    const int8_t* xt = x + t * s.d_model;
    for (unsigned r = 0; r < s.d_ff; ++r) {
      int32_t acc = 0;
      for (unsigned c = 0; c < s.d_model; ++c) acc += int32_t(w1[uint64_t(r) * s.d_model + c]) * xt[c];
      h[r] = requantize(acc, scale(s.scale1_offset(), r), s.shift, s.activation);
    }
    int8_t* yt = y + t * s.d_model;
    for (unsigned r = 0; r < s.d_model; ++r) {
      int32_t acc = 0;
      for (unsigned c = 0; c < s.d_ff; ++c) acc += int32_t(w2[uint64_t(r) * s.d_ff + c]) * h[c];
      yt[r] = requantize(acc, scale(s.scale2_offset(), r), s.shift, FfnActivation::none);
    }
  }
}

}  // namespace cxlvp
