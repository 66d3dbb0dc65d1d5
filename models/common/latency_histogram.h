#pragma once
// Log-linear histogram (HDR-style): values below 256 are exact, above that each
// power of two is split into 256 buckets, so any percentile read back is within
// 0.4 % of the true sample. Memory is fixed (~128 KiB per histogram) however
// many samples arrive, which keeps long runs bounded.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace cxlvp {

class LatencyHistogram {
 public:
  // Inline: it runs once per transaction. A stream's latencies come in long
  // runs of one value (a saturated copy repeats its latency hundreds to
  // thousands of times), so a run is only counted here and goes into the
  // buckets and sums when the value changes or the histogram is read.
  void add(uint64_t value) {
    if (value == run_value_) {
      ++run_length_;
      return;
    }
    add_run();
    run_value_ = value;
    run_length_ = 1;
  }
  uint64_t count() const { return settled().count_; }
  uint64_t min() const { return settled().count_ ? min_ : 0; }
  uint64_t max() const { return settled().max_; }
  double mean() const {
    return settled().count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0;
  }
  // Smallest recorded value v such that at least q (0..1) of samples are <= v,
  // reported as its bucket's midpoint and clamped to [min, max].
  double quantile(double q) const;

 private:
  // Adds the pending run (run_length_ samples of run_value_; none at first).
  void add_run() const;
  // This histogram with its pending run added (the readers are const).
  const LatencyHistogram& settled() const {
    add_run();
    return *this;
  }
  static constexpr unsigned kSubBits = 8;
  static constexpr unsigned kSub = 1u << kSubBits;
  static unsigned bucket_of(uint64_t v) {
    if (v < kSub) return static_cast<unsigned>(v);
    const unsigned msb = 63u - static_cast<unsigned>(__builtin_clzll(v));
    const unsigned shift = msb - kSubBits;
    const unsigned mantissa = static_cast<unsigned>(v >> shift) - kSub;  // 0..kSub-1
    return (shift + 1) * kSub + mantissa;
  }
  static double bucket_mid(unsigned b);

  // Mutable: a const reader adds the pending run first (settled()).
  mutable std::vector<uint64_t> buckets_;
  mutable uint64_t count_ = 0;
  mutable uint64_t min_ = UINT64_MAX;
  mutable uint64_t max_ = 0;
  // An integer sum: exact (picoseconds: 213 days of summed latency before it
  // wraps), and a uint64-to-double conversion per sample was not free.
  mutable uint64_t sum_ = 0;
  mutable uint64_t run_value_ = 0;
  mutable uint64_t run_length_ = 0;
};

}  // namespace cxlvp
