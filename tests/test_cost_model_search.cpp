// The cost_model policy's search against a straightforward reference: the
// search as first written (every trial on a copy of the timeline, every job
// costed afresh by PlanEstimate::add, every GPU prefix passed through to the
// end), on many random layers and platforms. The policy costs each job once,
// asks the timeline for a trial's finish without adding it, and gives up on
// passes that cannot win; its plans must be the same, lane for lane, ties
// included. Plain C++: nothing here elaborates SystemC modules.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "firmware/cost_model_policy.h"
#include "firmware/lane_cost_model.h"
#include "firmware/moe_model.h"
#include "firmware/placement_policy.h"
#include "firmware/plan_estimate.h"

using namespace cxlvp;

namespace {

struct Reference {
  std::vector<ExpertJobPlan> plan;
  size_t gpu_prefix = 0;  // the pass that won
};

// Places `order` (busiest first): the first `gpu_prefix` on the GPU, every
// later one on whichever of `lanes` the estimated timeline finishes it first.
std::vector<ExpertJobPlan> reference_pass(const std::vector<uint32_t>& order, size_t gpu_prefix,
                                          const std::vector<uint32_t>& counts, const std::vector<Lane>& lanes,
                                          const PlacementContext& context, double& makespan) {
  PlanEstimate timeline(*context.costs);
  std::vector<ExpertJobPlan> plan;
  for (size_t i = 0; i < order.size(); ++i) {
    const uint32_t e = order[i];
    const bool resident = context.is_resident(e);
    Lane chosen = Lane::gpu;
    if (i >= gpu_prefix) {
      double best = 0;
      for (size_t l = 0; l < lanes.size(); ++l) {
        if (lanes[l] == Lane::ndp && !context.ndp_for(e)) continue;
        PlanEstimate trial = timeline;
        const double finish = trial.add(lanes[l], counts[e], resident, e);
        if (l == 0 || finish < best) chosen = lanes[l], best = finish;
      }
    }
    timeline.add(chosen, counts[e], resident, e);
    plan.push_back({e, counts[e], chosen});
  }
  makespan = timeline.makespan();
  return plan;
}

// docs/policies.md's cost_model, every pass run in full.
Reference reference_place(const std::vector<uint32_t>& counts, const PlacementContext& context) {
  std::vector<Lane> lanes{Lane::gpu, Lane::cpu};
  if (context.ndp_available) lanes.push_back(Lane::ndp);
  const auto best_cost = [&](uint32_t e) {
    double best = 1e300;
    for (Lane l : lanes)
      if (l != Lane::ndp || context.ndp_for(e))
        best = std::min(best, context.costs->cost(l, counts[e], context.is_resident(e), e).serial());
    return best;
  };
  std::vector<uint32_t> order;
  for (uint32_t e = 0; e < counts.size(); ++e)
    if (counts[e] > 0) order.push_back(e);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const double ca = best_cost(a), cb = best_cost(b);
    return ca != cb ? ca > cb : counts[a] > counts[b];
  });
  std::stable_partition(order.begin(), order.end(), [&](uint32_t e) { return context.is_resident(e); });
  Reference best;
  double best_makespan = 0;
  best.plan = reference_pass(order, 0, counts, lanes, context, best_makespan);
  for (size_t k = 1; k <= order.size(); ++k) {
    double makespan = 0;
    std::vector<ExpertJobPlan> plan = reference_pass(order, k, counts, lanes, context, makespan);
    if (makespan < best_makespan) best.plan = plan, best.gpu_prefix = k, best_makespan = makespan;
  }
  return best;
}

MoeModelConfig model() {
  MoeModelConfig m;
  m.d_model = 1024;
  m.d_ff = 2048;
  m.weight_bytes_per_param = 2;
  m.activation_bytes_per_value = 2;
  return m;
}

// Platforms that exercise every path of the estimate: per-token and roofline
// compute, lanes that tie, weights in CXL memory or DDR, several GPUs (experts sharded), a
// PCIe switch above them, and homes over one expander each, an interleave set
// of two, below a CXL switch, and without an NDP engine.
std::vector<std::pair<std::string, LaneRates>> platforms() {
  std::vector<std::pair<std::string, LaneRates>> out;
  LaneRates base;
  base.mode = ComputeMode::roofline;
  base.per_token_s = {5e-6, 50e-6, 500e-6};
  base.flops_per_s = {140e12, 19.66e12, 2e12};
  base.hbm_Bps = 800e9;
  base.ndp_stream_Bps = 100e9;
  base.activation_Bps = 28.4e9;
  base.homes[0] = HomeRates{52.72e9, 28.4e9, 52.72e9, {0}, 0, 0};
  out.emplace_back("roofline", base);

  LaneRates per_token = base;
  per_token.mode = ComputeMode::per_token;
  out.emplace_back("per_token", per_token);

  // Lanes that tie: the same per-token time everywhere and activation copies
  // too small to change a sum, so a resident expert finishes at the same time
  // on every idle lane (the tie goes to the GPU, then the CPU).
  LaneRates ties = per_token;
  ties.per_token_s = {1.0 / 65536, 1.0 / 65536, 1.0 / 65536};
  ties.activation_Bps = 1e300;
  out.emplace_back("equal lanes", ties);

  LaneRates ddr = base;
  ddr.weights_in_cxl = false;
  ddr.homes[0] = HomeRates{200e9, 28.4e9, 1, {}, 0, -1};
  out.emplace_back("weights in DDR", ddr);

  LaneRates switched = base;
  switched.gpus = 2;
  switched.gpu_below_switch = {true, true};
  switched.pcie_upstream_Bps = 20e9;
  out.emplace_back("two GPUs below a PCIe switch", switched);

  LaneRates homes = base;
  homes.ndps = 3;
  homes.cxl_links = 4;
  homes.homes = {HomeRates{26e9, 26e9, 26e9, {0}, 60e9, 0}, HomeRates{26e9, 26e9, 26e9, {1}, 60e9, 1},
                 HomeRates{50e9, 28.4e9, 52e9, {2, 3}, 0, -1}, HomeRates{26e9, 26e9, 26e9, {3}, 0, 2}};
  for (uint32_t e = 0; e < 64; ++e) homes.home_of.push_back(e % 4);
  out.emplace_back("four homes, a CXL switch, an interleave set", homes);
  return out;
}

// Token counts of a top-1 layer: a Zipf-like draw over shuffled ids, or
// (one layer in four) a few distinct counts, so that costs tie.
std::vector<uint32_t> random_layer(std::mt19937& rng) {
  const uint32_t experts = 1 + rng() % 40;
  std::vector<uint32_t> counts(experts, 0);
  if (rng() % 4 == 0) {
    for (uint32_t& c : counts) c = (rng() % 3) * 50;
    return counts;
  }
  std::vector<uint32_t> ids(experts);
  for (uint32_t e = 0; e < experts; ++e) ids[e] = e;
  for (uint32_t e = experts - 1; e > 0; --e) std::swap(ids[e], ids[rng() % (e + 1)]);
  const uint32_t tokens = 1 + rng() % 2048;
  for (uint32_t t = 0; t < tokens; ++t) {
    uint32_t rank = 0;
    while (rank + 1 < experts && rng() % 3 != 0) ++rank;  // geometric ranks: a few busy experts, a long tail
    ++counts[ids[rank]];
  }
  return counts;
}

}  // namespace

TEST_CASE("cost_model: the same plans as the reference search on random layers", "[policies][cost_model]") {
  std::mt19937 rng(20261206);
  size_t layers = 0, won_by_prefix = 0, won_by_greedy = 0, with_ndp_off_some = 0;
  for (const auto& [name, rates] : platforms()) {
    const LaneCostModel costs(rates, model(), QuantizationConfig{});
    for (int i = 0; i < 300; ++i) {
      const std::vector<uint32_t> counts = random_layer(rng);
      PlacementContext context;
      context.costs = &costs;
      context.ndp_available = rng() % 4 != 0;
      if (rng() % 2) {
        context.resident.resize(counts.size());
        for (size_t e = 0; e < counts.size(); ++e) context.resident[e] = rng() % 4 == 0;
      }
      const Reference want = reference_place(counts, context);
      const std::vector<ExpertJobPlan> got = CostModelPolicy().place(counts, context);
      INFO(name << ", layer " << i << " of " << counts.size() << " experts, ndp " << context.ndp_available
                << ", the reference's best pass forces " << want.gpu_prefix << " onto the GPU");
      REQUIRE(got.size() == want.plan.size());
      for (size_t j = 0; j < got.size(); ++j) {
        INFO("plan entry " << j);
        CHECK(got[j].expert == want.plan[j].expert);
        CHECK(got[j].tokens == want.plan[j].tokens);
        CHECK(got[j].lane == want.plan[j].lane);
        CHECK(!got[j].preloaded);
      }
      ++layers;
      (want.gpu_prefix > 0 ? won_by_prefix : won_by_greedy)++;
      for (uint32_t e = 0; e < counts.size(); ++e) with_ndp_off_some += context.ndp_available && !context.ndp_for(e);
    }
  }
  // The random layers reach both kinds of winner, and experts no NDP engine can run.
  INFO(layers << " layers: " << won_by_prefix << " won by a GPU prefix, " << won_by_greedy << " by plain greedy");
  CHECK(won_by_prefix > layers / 20);
  CHECK(won_by_greedy > layers / 20);
  CHECK(with_ndp_off_some > 0);
}

TEST_CASE("PlanEstimate::finish_if_added is what add returns, and leaves the timeline as it is", "[estimate]") {
  std::mt19937 rng(7);
  for (const auto& [name, rates] : platforms()) {
    const LaneCostModel costs(rates, model(), QuantizationConfig{});
    PlanEstimate timeline(costs);
    for (int i = 0; i < 2000; ++i) {
      const Lane lane = Lane(rng() % 3);
      const uint32_t expert = rng() % 64, tokens = rng() % 300;
      const bool resident = rng() % 3 == 0;
      const JobCost c = costs.cost(lane, tokens, resident, expert);
      const JobPlace where = costs.place(lane, expert);
      const double makespan = timeline.makespan();
      const double trial = timeline.finish_if_added(lane, c, where);
      INFO(name << ", job " << i);
      CHECK(timeline.makespan() == makespan);
      PlanEstimate copy = timeline;
      CHECK(copy.add(lane, tokens, resident, expert) == trial);  // bit for bit
      CHECK(timeline.add(lane, c, where) == trial);
      CHECK(timeline.makespan() == copy.makespan());
    }
  }
}
