#include "latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace cxlvp {

double LatencyHistogram::bucket_mid(unsigned b) {
  if (b < kSub) return b;
  const unsigned shift = b / kSub - 1;
  const double lo = std::ldexp(static_cast<double>(kSub + b % kSub), static_cast<int>(shift));
  return lo + std::ldexp(0.5, static_cast<int>(shift)) - 0.5;
}

void LatencyHistogram::add_run() const {
  if (run_length_ == 0) return;
  const unsigned b = bucket_of(run_value_);
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  buckets_[b] += run_length_;
  count_ += run_length_;
  sum_ += run_value_ * run_length_;
  min_ = std::min(min_, run_value_);
  max_ = std::max(max_, run_value_);
  run_length_ = 0;
}

double LatencyHistogram::quantile(double q) const {
  if (settled().count_ == 0) return 0.0;
  const double wanted = std::max(1.0, std::ceil(q * static_cast<double>(count_)));
  uint64_t seen = 0;
  for (unsigned b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (static_cast<double>(seen) >= wanted)
      return std::clamp(bucket_mid(b), static_cast<double>(min_), static_cast<double>(max_));
  }
  return static_cast<double>(max_);
}

}  // namespace cxlvp
