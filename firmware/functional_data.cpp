#include "functional_data.h"

#include <algorithm>
#include <cmath>

namespace cxlvp {

namespace {

using namespace functional_data;

// Standard deviation of weights uniform in -kWeightMax..kWeightMax.
const double kWeightStd = std::sqrt(((2.0 * kWeightMax + 1) * (2.0 * kWeightMax + 1) - 1) / 12.0);

// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): a counter-based stream, so each (seed, what,
// index) gets its own numbers whatever else the run draws, in any order.
class Stream {
 public:
  Stream(uint64_t seed, uint64_t what, uint64_t a, uint64_t b) : state_(mix(mix(mix(seed) ^ what) ^ a) ^ b) {}

  uint64_t next() { return mix(state_ += 0x9e3779b97f4a7c15ull); }
  // Uniform in -max..max (multiply-shift; its bias of under 2^-32 does not matter here).
  int8_t symmetric(int max) {
    const uint64_t span = uint64_t(2 * max + 1);
    return int8_t(int64_t((next() >> 32) * span >> 32) - max);
  }
  double unit() { return double(next() >> 11) * 0x1.0p-53; }  // [0, 1)

 private:
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

enum : uint64_t { kWeights = 1, kScales = 2, kInputs = 3 };

// scale / 2^shift = target std / (accumulator std), the accumulator being a
// sum of `terms` products of a weight and an input of `input_std`.
double nominal_scale(unsigned shift, unsigned terms, double input_std, double target_std) {
  return target_std * std::ldexp(1.0, int(shift)) / (std::sqrt(double(terms)) * kWeightStd * input_std);
}

uint16_t row_scale(Stream& s, double nominal) {
  const double v = std::llround(nominal * (0.75 + 0.5 * s.unit()));
  return uint16_t(std::clamp(v, 1.0, 65535.0));
}

}  // namespace

double nominal_scale1(const ExpertShape& shape) {
  return nominal_scale(shape.shift, shape.d_model, kActivationStd, kOutputStd);
}

// Hidden values are ReLU'd: their root mean square is kOutputStd / sqrt(2).
// Each expert's output aims at kOutputStd / sqrt(top_k), so that the sum over
// a token's top_k experts has about kOutputStd.
double nominal_scale2(const ExpertShape& shape, unsigned top_k) {
  return nominal_scale(shape.shift, shape.d_ff, kOutputStd / std::sqrt(2.0), kOutputStd / std::sqrt(double(top_k)));
}

ShiftRange usable_shift_range(unsigned d_model, unsigned d_ff, unsigned top_k) {
  ShiftRange r{32, 0};
  for (unsigned shift = 0; shift < 32; ++shift) {
    const ExpertShape shape{d_model, d_ff, shift, FfnActivation::relu};
    const double s1 = nominal_scale1(shape), s2 = nominal_scale2(shape, top_k);
    if (std::min(s1, s2) >= kMinScale && std::max(s1, s2) <= kMaxScale) r.lo = std::min(r.lo, shift), r.hi = shift;
  }
  return r;
}

ExpertWeights generate_expert(uint64_t seed, uint32_t layer, uint32_t expert, const ExpertShape& shape,
                              unsigned top_k) {
  const uint64_t params = uint64_t(shape.d_model) * shape.d_ff;
  ExpertWeights w;
  Stream values(seed, kWeights, layer, expert);
  w.w1.resize(params);
  w.w2.resize(params);
  for (int8_t& v : w.w1) v = values.symmetric(kWeightMax);
  for (int8_t& v : w.w2) v = values.symmetric(kWeightMax);
  Stream scales(seed, kScales, layer, expert);
  const double s1 = nominal_scale1(shape), s2 = nominal_scale2(shape, top_k);
  for (unsigned r = 0; r < shape.d_ff; ++r) w.scale1.push_back(row_scale(scales, s1));
  for (unsigned r = 0; r < shape.d_model; ++r) w.scale2.push_back(row_scale(scales, s2));
  return w;
}

std::vector<uint8_t> pack_blob(const ExpertWeights& w, const ExpertShape& shape) {
  std::vector<uint8_t> blob(shape.blob_bytes());
  std::copy(w.w1.begin(), w.w1.end(), blob.begin() + shape.w1_offset());
  std::copy(w.w2.begin(), w.w2.end(), blob.begin() + shape.w2_offset());
  const auto put = [&blob](uint64_t offset, const std::vector<uint16_t>& scales) {
    for (size_t r = 0; r < scales.size(); ++r) {
      blob[offset + 2 * r] = uint8_t(scales[r] & 0xff);
      blob[offset + 2 * r + 1] = uint8_t(scales[r] >> 8);
    }
  };
  put(shape.scale1_offset(), w.scale1);
  put(shape.scale2_offset(), w.scale2);
  return blob;
}

std::vector<int8_t> generate_batch_input(uint64_t seed, uint32_t batch, unsigned tokens, unsigned d_model) {
  Stream s(seed, kInputs, batch, 0);
  std::vector<int8_t> x(uint64_t(tokens) * d_model);
  for (int8_t& v : x) v = s.symmetric(kInputMax);
  return x;
}

}  // namespace cxlvp
