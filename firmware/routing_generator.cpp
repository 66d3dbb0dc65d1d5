#include "routing_generator.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace cxlvp {

namespace {

// Rejections a token may meet before its remaining experts are drawn exactly.
// The rejection draws before the switch keep the random stream of the runs
// made before the exact sampler existed (their tokens never got this far); the
// budget grows with top_k so that a token costs O(top_k) draws in all.
uint64_t rejection_budget(unsigned top_k) { return 16 + uint64_t(top_k); }

}  // namespace

RoutingGenerator::RoutingGenerator(const WorkloadConfig& config, const RoutingShape& shape, uint64_t seed)
    : config_(config),
      shape_(shape),
      rng_(seed),
      cdf_(shape.experts),
      expert_of_rank_(shape.experts),
      weight_of_expert_(shape.experts),
      experts_({}),
      groups_({}),
      chosen_groups_({}),
      taken_by_(shape.experts, 0) {
  // The scenario loader checks these; a program building its own generator gets the same rules.
  if (shape.experts == 0 || shape.groups == 0 || shape.experts % shape.groups != 0 || shape.groups_per_token == 0 ||
      shape.groups_per_token > shape.groups)
    throw std::invalid_argument("RoutingGenerator: groups must divide the experts and hold groups_per_token");
  if (uint64_t(config.top_k) > uint64_t(shape.groups_per_token) * (shape.experts / shape.groups))
    throw std::invalid_argument("RoutingGenerator: top_k exceeds the experts a token can reach");
  double sum = 0;
  std::vector<double> weight_of_rank(shape.experts);
  for (unsigned r = 0; r < shape.experts; ++r) {
    weight_of_rank[r] = config.distribution == RoutingDistribution::zipf ? 1.0 / std::pow(double(r + 1), config.zipf_s) : 1.0;
    sum += weight_of_rank[r];
    cdf_[r] = sum;
  }
  for (double& c : cdf_) c /= sum;
  std::iota(expert_of_rank_.begin(), expert_of_rank_.end(), 0u);
  if (config.permute_experts)  // Fisher-Yates with our own draws: same result on every standard library
    for (unsigned i = shape.experts; i > 1; --i) std::swap(expert_of_rank_[i - 1], expert_of_rank_[rng_() % i]);
  // The samplers hold each weight at least DBL_MIN: a Zipf weight that
  // underflows to 0 (a huge zipf_s) must still be drawable once every heavier
  // expert is taken, and it stays far below any weight that did not underflow.
  for (unsigned r = 0; r < shape.experts; ++r) weight_of_expert_[expert_of_rank_[r]] = std::max(weight_of_rank[r], DBL_MIN);
  experts_ = WeightedSampler(weight_of_expert_);
  const unsigned per_group = shape.experts / shape.groups;
  std::vector<double> group_weight(shape.groups);
  for (unsigned g = 0; g < shape.groups; ++g) group_weight[g] = experts_.range_total(g * per_group, (g + 1) * per_group);
  groups_ = WeightedSampler(group_weight);
  chosen_groups_ = WeightedSampler(std::vector<double>(shape.groups, 0.0));
}

std::vector<double> RoutingGenerator::expected_shares() const {
  std::vector<double> share(cdf_.size());
  for (size_t r = 0; r < cdf_.size(); ++r) share[expert_of_rank_[r]] = cdf_[r] - (r ? cdf_[r - 1] : 0.0);
  return share;
}

uint32_t RoutingGenerator::draw_by_rank() {
  const double u = uniform();
  const auto rank = std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
  return expert_of_rank_[std::min<size_t>(size_t(rank), cdf_.size() - 1)];
}

void RoutingGenerator::next_token() {
  if (++token_mark_ == 0) {  // the mark wrapped after 2^32 tokens: forget every old one
    std::fill(taken_by_.begin(), taken_by_.end(), 0);
    token_mark_ = 1;
  }
}

void RoutingGenerator::take(std::vector<uint32_t>& experts, uint32_t expert) {
  taken_by_[expert] = token_mark_;
  experts.push_back(expert);
}

// Rejection sampling: draw from the whole distribution and drop experts the
// token already has. Each accepted draw is an expert drawn with probability
// w_e / (sum of the weights not yet taken), the same law as drawing from the
// untaken experts directly. When rejections pile up (top_k close to the
// expert count, or a few experts holding nearly all the weight) the rest of
// the token is drawn exactly from the sum tree of the untaken experts, which
// continues the same sequence of conditional draws.
void RoutingGenerator::draw_token(std::vector<uint32_t>& experts) {
  const size_t first = experts.size();
  const unsigned top_k = config_.top_k;
  uint64_t rejections = 0;
  while (experts.size() - first < top_k) {
    if (rejections > rejection_budget(top_k)) return draw_exactly(experts, first);
    const uint32_t e = draw_by_rank();
    if (taken(e)) ++rejections;
    else take(experts, e);
  }
}

// Sequential draws without replacement from the sum tree: take the token's
// experts out, draw the rest one by one, then put them all back.
void RoutingGenerator::draw_exactly(std::vector<uint32_t>& experts, size_t first) {
  for (size_t i = first; i < experts.size(); ++i) experts_.set(experts[i], 0);
  while (experts.size() - first < config_.top_k) {
    const uint32_t e = uint32_t(experts_.draw(uniform()));
    take(experts, e);
    experts_.set(e, 0);
  }
  for (size_t i = first; i < experts.size(); ++i) experts_.set(experts[i], weight_of_expert_[experts[i]]);
}

// Groups first: groups_per_token distinct groups, each drawn with probability
// proportional to the weight of its experts among the groups not yet chosen;
// then top_k distinct experts among the chosen groups' experts, each with
// probability proportional to its weight among those not yet taken (a chosen
// group by its remaining weight, then an expert inside it). No expert outside
// the chosen groups can be drawn: the other groups weigh 0 in chosen_groups_.
void RoutingGenerator::draw_token_grouped(std::vector<uint32_t>& experts) {
  const size_t first = experts.size();
  const unsigned per_group = shape_.experts / shape_.groups;
  std::vector<uint32_t> chosen;
  chosen.reserve(shape_.groups_per_token);
  for (unsigned i = 0; i < shape_.groups_per_token; ++i) {
    const uint32_t g = uint32_t(groups_.draw(uniform()));
    chosen.push_back(g);
    chosen_groups_.set(g, groups_.weight(g));
    groups_.set(g, 0);
  }
  while (experts.size() - first < config_.top_k) {
    const uint32_t g = uint32_t(chosen_groups_.draw(uniform()));
    const uint32_t e = uint32_t(experts_.draw_in(g * per_group, (g + 1) * per_group, uniform()));
    take(experts, e);
    experts_.set(e, 0);
    chosen_groups_.set(g, experts_.range_total(g * per_group, (g + 1) * per_group));
  }
  for (size_t i = first; i < experts.size(); ++i) experts_.set(experts[i], weight_of_expert_[experts[i]]);
  for (uint32_t g : chosen) {
    groups_.set(g, experts_.range_total(g * per_group, (g + 1) * per_group));
    chosen_groups_.set(g, 0);
  }
}

LayerRouting RoutingGenerator::next_layer(uint32_t step, uint32_t layer) {
  LayerRouting routing{step, layer, config_.top_k, {}};
  routing.experts.reserve(size_t(config_.tokens_per_batch) * config_.top_k);
  const bool grouped = shape_.groups > 1;
  for (unsigned t = 0; t < config_.tokens_per_batch; ++t) {
    next_token();
    if (grouped) draw_token_grouped(routing.experts);
    else draw_token(routing.experts);
  }
  return routing;
}

}  // namespace cxlvp
