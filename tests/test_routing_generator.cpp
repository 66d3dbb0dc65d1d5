// RoutingGenerator: distinct experts per token, the law of the sequential
// draws (rejection sampling handing over to the exact sum-tree sampler),
// grouped routing (never an expert outside the chosen groups; groups drawn by
// their weight), shared experts getting every token, and draws whose cost
// stays within a constant per expert picked whatever top_k is.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "command_runner.h"
#include "firmware/routing_generator.h"
#include "firmware/weighted_sampler.h"

using namespace cxlvp;

namespace {

WorkloadConfig workload(unsigned tokens, unsigned top_k, RoutingDistribution d = RoutingDistribution::zipf, double s = 1.2) {
  WorkloadConfig w;
  w.distribution = d;
  w.zipf_s = s;
  w.tokens_per_batch = tokens;
  w.top_k = top_k;
  return w;
}

// Whether `observed` of `n` trials fits probability p within 5 standard deviations.
bool fits(uint64_t observed, uint64_t n, double p) {
  const double sigma = std::sqrt(n * p * (1 - p));
  return std::fabs(double(observed) - n * p) <= 5 * sigma + 1;
}

}  // namespace

TEST_CASE("the sum tree draws by weight, and setting a weight back restores it bit for bit", "[routing]") {
  WeightedSampler s({1.0, 0.0, 3.0, 0.25, 0.5});
  const double total = s.total();
  CHECK(total == 4.75);
  CHECK(s.range_total(1, 4) == 3.25);
  std::array<int, 5> hits{};
  for (int i = 0; i < 4750; ++i) ++hits[s.draw((i + 0.5) / 4750.0)];  // evenly spaced u: exact shares
  CHECK(hits == std::array<int, 5>{1000, 0, 3000, 250, 500});
  for (int i = 0; i < 1000; ++i) {
    s.set(2, 0);
    CHECK(s.draw(0.99) != 2);
    s.set(2, 3.0);
  }
  CHECK(s.total() == total);
  CHECK(s.draw_in(3, 5, 0.0) == 3);
  CHECK(s.draw_in(3, 5, 0.99) == 4);
  CHECK(s.draw_in(1, 2 + 1, 0.5) == 2);  // weight 0 at 1: never drawn
}

TEST_CASE("sequential draws follow w_e / (weight not yet taken), across the hand-over to the exact sampler", "[routing]") {
  // Three experts, Zipf s = 4: weights 1, 1/16, 1/81. After the first two
  // a token meets about 90 rejections on average, over the budget, so most
  // tokens finish on the exact sampler; each order's probability is the
  // product of the conditional draws.
  const std::array<double, 3> w{1.0, 1.0 / 16, 1.0 / 81};
  const double total = w[0] + w[1] + w[2];
  const unsigned tokens = 200000;
  RoutingGenerator g(workload(tokens, 3, RoutingDistribution::zipf, 4.0), 3, 11);
  const LayerRouting r = g.next_layer(0, 0);
  std::map<std::array<uint32_t, 3>, uint64_t> orders;
  for (size_t t = 0; t < tokens; ++t) ++orders[{r.experts[3 * t], r.experts[3 * t + 1], r.experts[3 * t + 2]}];
  CHECK(orders.size() <= 6);
  for (const auto& [order, count] : orders) {
    const double p = w[order[0]] / total * w[order[1]] / (total - w[order[0]]);
    INFO("order " << order[0] << order[1] << order[2] << ": " << count << " of " << tokens << ", expected p " << p);
    CHECK(fits(count, tokens, p));
  }
  CHECK(orders[{0, 1, 2}] > 0);
  CHECK(orders[{0, 2, 1}] > 0);
}

TEST_CASE("grouped routing never picks an expert outside the token's groups", "[routing]") {
  // DeepSeek-V3's shape: 256 experts in 8 groups of 32, 4 groups and 8 experts per token.
  const RoutingShape shape{256, 8, 4};
  WorkloadConfig w = workload(4096, 8, RoutingDistribution::zipf, 1.0);
  w.permute_experts = true;
  RoutingGenerator g(w, shape, 5);
  for (uint32_t layer = 0; layer < 3; ++layer) {
    const LayerRouting r = g.next_layer(0, layer);
    REQUIRE(r.tokens() == 4096);
    size_t tokens_using_four = 0;
    for (size_t t = 0; t < r.tokens(); ++t) {
      std::set<uint32_t> experts, groups;
      for (unsigned k = 0; k < 8; ++k) {
        const uint32_t e = r.experts[t * 8 + k];
        REQUIRE(e < 256);
        experts.insert(e);
        groups.insert(e / 32);
      }
      CHECK(experts.size() == 8);
      CHECK(groups.size() <= 4);
      tokens_using_four += groups.size() == 4;
    }
    CHECK(tokens_using_four > 0);  // the experts do spread over the chosen groups
  }
}

TEST_CASE("grouped routing with one group per token draws the group by its weight, then the experts inside it", "[routing]") {
  // Zipf s = 1 over 16 experts in 4 groups of 4 (no permutation: group g
  // holds ranks 4g .. 4g+3): P(group g) = its share of the weight.
  const unsigned tokens = 100000;
  RoutingGenerator g(workload(tokens, 2, RoutingDistribution::zipf, 1.0), RoutingShape{16, 4, 1}, 3);
  const LayerRouting r = g.next_layer(0, 0);
  std::array<double, 16> weight{};
  double total = 0;
  for (unsigned e = 0; e < 16; ++e) total += weight[e] = 1.0 / (e + 1);
  std::array<uint64_t, 4> per_group{};
  uint64_t first_is_expert0 = 0;
  for (size_t t = 0; t < tokens; ++t) {
    const uint32_t a = r.experts[2 * t], b = r.experts[2 * t + 1];
    REQUIRE(a / 4 == b / 4);  // both experts in the token's one group
    REQUIRE(a != b);
    ++per_group[a / 4];
    first_is_expert0 += a == 0;
  }
  for (unsigned grp = 0; grp < 4; ++grp) {
    const double p = (weight[4 * grp] + weight[4 * grp + 1] + weight[4 * grp + 2] + weight[4 * grp + 3]) / total;
    INFO("group " << grp);
    CHECK(fits(per_group[grp], tokens, p));
  }
  // Inside group 0: the first expert is 0 with probability 1 / (1 + 1/2 + 1/3 + 1/4), given group 0.
  CHECK(fits(first_is_expert0, per_group[0], 1.0 / (1 + 0.5 + 1.0 / 3 + 0.25)));
}

TEST_CASE("shared experts get every token of every layer", "[routing]") {
  RoutingGenerator g(workload(300, 8), RoutingShape{64, 8, 3}, 9);
  for (uint32_t layer = 0; layer < 4; ++layer) {
    const LayerRouting r = g.next_layer(1, layer);
    const std::vector<uint32_t> counts = r.counts(64, 2);
    REQUIRE(counts.size() == 66);
    CHECK(counts[64] == 300);
    CHECK(counts[65] == 300);
    uint64_t routed = 0;
    for (unsigned e = 0; e < 64; ++e) routed += counts[e];
    CHECK(routed == 300 * 8);  // the routed experts keep exactly the router's choices
  }
}

TEST_CASE("a token's draws cost O(top_k) random numbers whatever top_k is", "[routing]") {
  // Every expert for every token: rejection sampling alone would need about
  // n ln n = 727,000 draws per token (coupon collecting); with the hand-over
  // to the exact sampler a token costs at most 2 top_k + 17.
  const unsigned experts = 65536, tokens = 4;
  RoutingGenerator g(workload(tokens, experts, RoutingDistribution::uniform), experts, 1);
  const auto start = std::chrono::steady_clock::now();
  const LayerRouting r = g.next_layer(0, 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("65536 of 65536 experts for 4 tokens: " << g.random_draws() << " random draws, " << seconds << " s");
  CHECK(g.random_draws() <= uint64_t(tokens) * (2 * experts + 17));
  for (size_t t = 0; t < tokens; ++t) {
    std::vector<uint32_t> mine(r.experts.begin() + t * experts, r.experts.begin() + (t + 1) * experts);
    std::sort(mine.begin(), mine.end());
    CHECK(std::adjacent_find(mine.begin(), mine.end()) == mine.end());
  }
  // A heavily skewed Zipf (s = 3) with top_k 64 of 65536 takes the exact path for most of each token.
  RoutingGenerator skewed(workload(1000, 64, RoutingDistribution::zipf, 3.0), experts, 2);
  skewed.next_layer(0, 0);
  CHECK(skewed.random_draws() <= 1000ull * (2 * 64 + 17));
}

TEST_CASE("cxlvp runs 65536 experts at top_k 65536 in seconds", "[routing][cli]") {
  const auto start = std::chrono::steady_clock::now();
  const cxlvp_test::Outcome o = cxlvp_test::run_cxlvp(
      std::string("run ") + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --quiet --out " +
      (cxlvp_test::scratch() / "wide").string() +
      " --set model.experts=65536 --set workload.top_k=65536 --set model.d_model=64 --set model.d_ff=64"
      " --set workload.tokens_per_batch=16 --set workload.batches=1");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("cxlvp run with 65536 of 65536 experts per token, 16 tokens, 2 layers, 1 batch: " << seconds << " s");
  CHECK(o.status == 0);
}

TEST_CASE("a generator that could not draw its tokens is refused when built", "[routing]") {
  CHECK_THROWS_AS(RoutingGenerator(workload(4, 9), 8, 1), std::invalid_argument);                      // top_k > experts
  CHECK_THROWS_AS(RoutingGenerator(workload(4, 2), RoutingShape{10, 3, 1}, 1), std::invalid_argument);   // 3 does not divide 10
  CHECK_THROWS_AS(RoutingGenerator(workload(4, 2), RoutingShape{8, 2, 3}, 1), std::invalid_argument);    // 3 of 2 groups
  CHECK_THROWS_AS(RoutingGenerator(workload(4, 65), RoutingShape{256, 8, 2}, 1), std::invalid_argument); // 2 groups hold 64
  CHECK_NOTHROW(RoutingGenerator(workload(4, 64), RoutingShape{256, 8, 2}, 1));
}
