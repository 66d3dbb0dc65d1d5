// LatencyHistogram: exact below 256, within 0.4 % above (log-linear buckets,
// 256 per power of two); count/min/max/mean are exact. No elaboration.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "models/common/latency_histogram.h"

using cxlvp::LatencyHistogram;

// An empty histogram reports zeros everywhere (no UINT64_MAX leaking out as min).
TEST_CASE("latency histogram: empty histogram reports zeros", "[histogram]") {
  LatencyHistogram h;
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0.0);
  CHECK(h.quantile(0.5) == 0.0);
  CHECK(h.quantile(1.0) == 0.0);
}

// Values below 256 have one bucket each: percentiles are the exact order
// statistics (smallest v with at least q of the samples <= v).
TEST_CASE("latency histogram: small values are exact", "[histogram]") {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 10; ++v) h.add(v);
  CHECK(h.count() == 10);
  CHECK(h.min() == 1);
  CHECK(h.max() == 10);
  CHECK(h.mean() == 5.5);
  CHECK(h.quantile(0.0) == 1.0);   // at least one sample
  CHECK(h.quantile(0.1) == 1.0);
  CHECK(h.quantile(0.5) == 5.0);
  CHECK(h.quantile(0.55) == 6.0);  // ceil(5.5) = 6 samples needed
  CHECK(h.quantile(0.9) == 9.0);
  CHECK(h.quantile(1.0) == 10.0);

  LatencyHistogram z;
  z.add(0);
  z.add(0);
  z.add(255);
  CHECK(z.min() == 0);
  CHECK(z.max() == 255);
  CHECK(z.quantile(0.5) == 0.0);
  CHECK(z.quantile(1.0) == 255.0);
  CHECK(z.mean() == Approx(85.0).epsilon(1e-12));
}

// One sample far above 256: every percentile is clamped to [min, max], so it is exact.
TEST_CASE("latency histogram: a single large sample is reported exactly", "[histogram]") {
  LatencyHistogram h;
  h.add(123456789012ull);
  CHECK(h.min() == 123456789012ull);
  CHECK(h.max() == 123456789012ull);
  CHECK(h.quantile(0.01) == 123456789012.0);
  CHECK(h.quantile(0.99) == 123456789012.0);
  CHECK(h.mean() == 123456789012.0);
}

// Uniform 1..100000 (each once): percentile q is q*100000; the histogram must
// be within 0.4 % of it. min/max exact, mean exactly 50000.5.
TEST_CASE("latency histogram: uniform 1..100000 percentiles within 0.4 %", "[histogram]") {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100000; ++v) h.add(v);
  CHECK(h.count() == 100000);
  CHECK(h.min() == 1);
  CHECK(h.max() == 100000);
  CHECK(h.mean() == 50000.5);
  for (double q : {0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999}) {
    INFO("q = " << q);
    CHECK(h.quantile(q) == Approx(q * 100000).epsilon(0.004));
  }
  // q = 1 is the max's bucket midpoint (contract: midpoint clamped to [min, max]), not max itself.
  CHECK(h.quantile(1.0) == Approx(100000.0).epsilon(0.004));
  CHECK(h.quantile(1.0) <= 100000.0);
}

// A heavy-tailed sample (log-uniform over 1 ps .. 1 s): every percentile is
// within 0.4 % of the exact order statistic of the same sample.
TEST_CASE("latency histogram: log-uniform sample percentiles within 0.4 % of exact", "[histogram]") {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> exponent(0.0, 12.0);
  std::vector<uint64_t> sample;
  LatencyHistogram h;
  double sum = 0;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<uint64_t>(std::pow(10.0, exponent(rng)));
    sample.push_back(v);
    sum += double(v);
    h.add(v);
  }
  std::sort(sample.begin(), sample.end());
  CHECK(h.min() == sample.front());
  CHECK(h.max() == sample.back());
  CHECK(h.mean() == Approx(sum / double(sample.size())).epsilon(1e-9));
  for (double q : {0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999, 0.9999}) {
    const auto rank = static_cast<size_t>(std::ceil(q * double(sample.size()))) - 1;
    const double exact = double(sample[rank]);
    INFO("q = " << q << ", exact = " << exact);
    CHECK(h.quantile(q) == Approx(exact).epsilon(0.004));
  }
}
