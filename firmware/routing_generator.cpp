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

std::vector<double> RoutingGenerator::expected_shares() const {
  std::vector<double> share(cdf_.size());
  for (size_t r = 0; r < cdf_.size(); ++r) share[expert_of_rank_[r]] = cdf_[r] - (r ? cdf_[r - 1] : 0.0);
  return share;
}

uint32_t RoutingGenerator::draw() {
  const double u = uniform();
  const auto rank = std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
  return expert_of_rank_[std::min<size_t>(size_t(rank), cdf_.size() - 1)];
}

LayerRouting RoutingGenerator::next_layer(uint32_t step, uint32_t layer) {
  LayerRouting routing{step, layer, config_.top_k, {}};
  routing.experts.reserve(size_t(config_.tokens_per_batch) * config_.top_k);
  for (unsigned t = 0; t < config_.tokens_per_batch; ++t) {
    const size_t first = routing.experts.size();  // this token's experts start here
    const auto taken = [&](uint32_t e) {
      return std::find(routing.experts.begin() + first, routing.experts.end(), e) != routing.experts.end();
    };
    for (unsigned attempt = 0; routing.experts.size() - first < config_.top_k; ++attempt) {
      uint32_t e = draw();
      // Rare experts can take very long to come up by chance when top_k is
      // close to the expert count: after many misses take the most popular free one.
      if (attempt > 1000)
        for (uint32_t r = 0; taken(e); ++r) e = expert_of_rank_[r];
      if (!taken(e)) routing.experts.push_back(e);
    }
  }
  return routing;
}

}  // namespace cxlvp
