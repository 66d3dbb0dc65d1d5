#pragma once
// RoutingGenerator: the gating network's decisions, drawn from a seeded
// distribution: each token picks top_k distinct experts, optionally within
// groups chosen first (DeepSeek's n_group / topk_group). Plain C++ (no
// SystemC): the firmware thread asks, it answers. The draw algorithm and why
// it has the distribution it claims: docs/workloads.md#routing-generators.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "moe_model.h"
#include "routing_source.h"
#include "weighted_sampler.h"

namespace cxlvp {

// trace: replayed from WorkloadConfig::trace_file by RoutingTraceReader
// (routing_trace.h); RoutingGenerator draws only zipf and uniform.
enum class RoutingDistribution { zipf, uniform, trace };

// Whole-layer models (model.attention.heads > 0): a batch is one prompt's
// prefill (tokens_per_batch tokens of one sequence) or one decode step
// (tokens_per_batch sequences, each generating one token after context_tokens).
enum class Phase { prefill, decode };
// Where the KV cache lives: in GPU HBM when it fits (auto), or always in HBM,
// host DDR or the first expander's memory (then read and written over PCIe).
enum class KvCacheHome { automatic, hbm, ddr, cxl };

struct WorkloadConfig {
  RoutingDistribution distribution = RoutingDistribution::zipf;
  double zipf_s = 1.5;             // Zipf exponent: P(rank r) ~ 1 / r^s
  unsigned tokens_per_batch = 256;
  unsigned batches = 2;
  unsigned top_k = 1;              // distinct experts per token
  bool permute_experts = false;    // shuffle which expert id gets which popularity rank
  std::string trace_file;          // distribution trace: the routing trace to replay
  Phase phase = Phase::prefill;
  unsigned context_tokens = 1024;  // decode: tokens each sequence has in its KV cache
  KvCacheHome kv_cache_home = KvCacheHome::automatic;
};

// The routed experts of one MoE layer as the router sees them: `groups`
// groups of consecutive expert ids, of which each token uses `groups_per_token`.
struct RoutingShape {
  unsigned experts = 1;
  unsigned groups = 1;
  unsigned groups_per_token = 1;
};

inline RoutingShape routing_shape(const MoeModelConfig& model) {
  return {model.experts, model.expert_groups, model.groups_per_token};
}

class RoutingGenerator : public RoutingSource {
 public:
  RoutingGenerator(const WorkloadConfig& config, const RoutingShape& shape, uint64_t seed);
  RoutingGenerator(const WorkloadConfig& config, unsigned experts, uint64_t seed)
      : RoutingGenerator(config, RoutingShape{experts, 1, 1}, seed) {}

  LayerRouting next_layer(uint32_t step, uint32_t layer) override;
  // Each expert's probability of being drawn for one pick (the popularity a
  // profiler would measure), by expert id.
  std::vector<double> expected_shares() const;

  // Random numbers drawn so far: the cost of the draws, which stays within
  // a constant times the experts picked whatever top_k is (tests check it).
  uint64_t random_draws() const { return random_draws_; }

 private:
  double uniform() {
    ++random_draws_;
    return double(rng_() >> 11) * 0x1.0p-53;
  }
  uint32_t draw_by_rank();  // one expert id from the popularity CDF
  void draw_token(std::vector<uint32_t>& experts);          // appends top_k distinct experts
  void draw_token_grouped(std::vector<uint32_t>& experts);  // the same, within chosen groups
  void draw_exactly(std::vector<uint32_t>& experts, size_t first);
  bool taken(uint32_t expert) const { return taken_by_[expert] == token_mark_; }
  void take(std::vector<uint32_t>& experts, uint32_t expert);
  void next_token();

  WorkloadConfig config_;
  RoutingShape shape_;
  std::mt19937_64 rng_;
  uint64_t random_draws_ = 0;
  std::vector<double> cdf_;             // by popularity rank
  std::vector<uint32_t> expert_of_rank_;
  std::vector<double> weight_of_expert_;  // by expert id, as the samplers hold them
  WeightedSampler experts_;               // by expert id; a token's experts are set to 0 while it draws
  WeightedSampler groups_;                // by group: the weight of its experts
  WeightedSampler chosen_groups_;         // by group: the weight left in a chosen group, 0 for the others
  std::vector<uint32_t> taken_by_;        // by expert id: the mark of the token that took it
  uint32_t token_mark_ = 0;
};

}  // namespace cxlvp
