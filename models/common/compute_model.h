#pragma once
// How long a job's arithmetic takes on a device. `per_token` is the paper's
// model (a fixed cost per token routed to the expert); `roofline` derives it
// from the job's FLOPs and the device's sustained rate. Memory time is not
// here: the device streams the job's bytes through the modeled path while it
// computes, and the job takes whichever is longer.
#include <cmath>
#include <cstdint>
#include <string>

namespace cxlvp {

enum class ComputeMode { per_token, roofline };

inline const char* to_string(ComputeMode m) { return m == ComputeMode::per_token ? "per_token" : "roofline"; }

struct ComputeRate {
  double per_token_us = 0;      // per_token mode
  double flops_per_second = 0;  // roofline mode (sustained, efficiency applied)
  double dequant_GBps = 0;      // expanding compressed weights to 16 bit; 0 = free
};

// Arithmetic time of a job, plus dequantizing its weights when they arrive compressed.
inline uint64_t compute_ps(ComputeMode mode, const ComputeRate& rate, uint64_t tokens, uint64_t flops,
                           uint64_t dequant_bytes = 0) {
  const double arithmetic = mode == ComputeMode::per_token ? double(tokens) * rate.per_token_us * 1e6
                                                           : double(flops) / rate.flops_per_second * 1e12;
  const double dequant = rate.dequant_GBps > 0 ? double(dequant_bytes) / rate.dequant_GBps * 1e3 : 0.0;
  return static_cast<uint64_t>(std::llround(arithmetic + dequant));
}

}  // namespace cxlvp
