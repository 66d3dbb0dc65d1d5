#include "routing_generator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cxlvp {

RoutingGenerator::RoutingGenerator(const WorkloadConfig& config, unsigned experts, uint64_t seed)
    : config_(config), rng_(seed), cdf_(experts), expert_of_rank_(experts) {
  double sum = 0;
  for (unsigned r = 0; r < experts; ++r) {
    sum += config.distribution == RoutingDistribution::zipf ? 1.0 / std::pow(double(r + 1), config.zipf_s) : 1.0;
    cdf_[r] = sum;
  }
  for (double& c : cdf_) c /= sum;
  std::iota(expert_of_rank_.begin(), expert_of_rank_.end(), 0u);
  if (config.permute_experts)  // Fisher-Yates with our own draws: same result on every standard library
    for (unsigned i = experts; i > 1; --i) std::swap(expert_of_rank_[i - 1], expert_of_rank_[rng_() % i]);
}

uint32_t RoutingGenerator::draw() {
  const double u = uniform();
  const auto rank = std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
  return expert_of_rank_[std::min<size_t>(size_t(rank), cdf_.size() - 1)];
}

std::vector<uint32_t> RoutingGenerator::next_layer() {
  std::vector<uint32_t> counts(cdf_.size(), 0);
  std::vector<uint32_t> chosen;
  for (unsigned t = 0; t < config_.tokens_per_batch; ++t) {
    chosen.clear();
    const auto taken = [&](uint32_t e) { return std::find(chosen.begin(), chosen.end(), e) != chosen.end(); };
    for (unsigned attempt = 0; chosen.size() < config_.top_k; ++attempt) {
      uint32_t e = draw();
      // Rare experts can take very long to come up by chance when top_k is
      // close to the expert count: after many misses take the most popular free one.
      if (attempt > 1000)
        for (uint32_t r = 0; taken(e); ++r) e = expert_of_rank_[r];
      if (!taken(e)) chosen.push_back(e);
    }
    for (uint32_t e : chosen) ++counts[e];
  }
  return counts;
}

}  // namespace cxlvp
