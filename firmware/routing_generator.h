#pragma once
// RoutingGenerator: the gating network's decisions, drawn from a seeded
// distribution: each token picks top_k distinct experts. Plain C++ (no
// SystemC): the firmware thread asks, it answers.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "routing_source.h"

namespace cxlvp {

// trace: replayed from WorkloadConfig::trace_file by RoutingTraceReader
// (routing_trace.h); RoutingGenerator draws only zipf and uniform.
enum class RoutingDistribution { zipf, uniform, trace };

struct WorkloadConfig {
  RoutingDistribution distribution = RoutingDistribution::zipf;
  double zipf_s = 1.5;             // Zipf exponent: P(rank r) ~ 1 / r^s
  unsigned tokens_per_batch = 256;
  unsigned batches = 2;
  unsigned top_k = 1;              // distinct experts per token
  bool permute_experts = false;    // shuffle which expert id gets which popularity rank
  std::string trace_file;          // distribution trace: the routing trace to replay
};

class RoutingGenerator : public RoutingSource {
 public:
  RoutingGenerator(const WorkloadConfig& config, unsigned experts, uint64_t seed);

  LayerRouting next_layer(uint32_t step, uint32_t layer) override;
  // Each expert's probability of being drawn for one pick (the popularity a
  // profiler would measure), by expert id.
  std::vector<double> expected_shares() const;

 private:
  uint32_t draw();  // one expert id
  double uniform() { return double(rng_() >> 11) * 0x1.0p-53; }

  WorkloadConfig config_;
  std::mt19937_64 rng_;
  std::vector<double> cdf_;            // by popularity rank
  std::vector<uint32_t> expert_of_rank_;
};

}  // namespace cxlvp
