#pragma once
// Backpressure: decides, cycle by cycle, whether a host-side bridge holds back
// on a channel it drives (ready low, or a response not yet presented), so that
// tests can check an engine under stalls on every channel. Deterministic: a
// seeded generator, one draw per question. Probability 0 never stalls (the
// default: the adapters then run at the memory path's pace).
#include <cstdint>

namespace cxlvp {

class Backpressure {
 public:
  Backpressure(double probability = 0, uint64_t seed = 1)
      : threshold_(uint32_t(probability * 4294967295.0)), state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  bool stall() {
    if (threshold_ == 0) return false;
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(state_ >> 32) < threshold_;
  }

 private:
  uint32_t threshold_;
  uint64_t state_;
};

}  // namespace cxlvp
