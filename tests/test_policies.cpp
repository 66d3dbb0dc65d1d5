// Placement policies, the lane cost model, the plan estimate and its lower
// bound, and HBM residency (LRU/LFU), against hand-computed expectations.
// Plain C++: nothing here elaborates SystemC modules.
//
// Most cases use the "paper" cost model, built from round numbers:
//   per_token mode: GPU 5 us/token, CPU 50 us/token, NDP 500 us/token
//   expert weights 200e6 B; PCIe fetch 32e9 B/s -> 6.25 ms per GPU fetch
//   CXL link 64e9 B/s -> 3.125 ms of link time per GPU fetch from CXL
//   activations 2048 B/token (d_model 1024 x 2 B) at 1e15 B/s -> 2.048 ps/token
//   each way, i.e. < 10 ns for any layer here (hence a 10 ns margin where they appear).
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "firmware/cost_model_policy.h"
#include "firmware/gpu_only_policy.h"
#include "firmware/lane_cost_model.h"
#include "firmware/moe_model.h"
#include "firmware/placement_policy.h"
#include "firmware/plan_estimate.h"
#include "firmware/static_tier_policy.h"
#include "firmware/threshold_policies.h"
#include "models/common/resident_experts.h"

using namespace cxlvp;

namespace {

constexpr double us = 1e-6;
constexpr double ms = 1e-3;

// Exact-ish comparison for times built from round numbers (relative 1e-9).
Approx exact(double seconds) { return Approx(seconds).epsilon(1e-9).margin(1e-15); }
// Comparison that tolerates the nanosecond activation copies of the paper model.
Approx within_ns(double seconds) { return Approx(seconds).epsilon(0).margin(1e-8); }

LaneRates paper_rates() {
  LaneRates r;
  r.mode = ComputeMode::per_token;
  r.per_token_s = {5 * us, 50 * us, 500 * us};
  r.homes[0].fetch_Bps = 32e9;
  r.activation_Bps = 1e15;
  r.homes[0].cxl_Bps = 64e9;
  r.weights_in_cxl = true;
  return r;
}

MoeModelConfig paper_model() {
  MoeModelConfig m;
  m.expert_bytes = 200000000;  // d_model stays 1024: 2048 activation bytes per token
  return m;
}

LaneCostModel paper_costs() { return LaneCostModel(paper_rates(), paper_model(), QuantizationConfig{}); }

// Roofline model with round numbers:
//   d_model = d_ff = 1000, 16-bit: weights 2*1000*1000*2 = 4e6 B, 4e6 FLOP/token, 2000 activation B/token
//   FLOP/s:      GPU 1e12, CPU 1e11, NDP 1e10
//   stream B/s:  GPU 5e11, CPU 4e10, NDP 1e11
//   fetch 2e10 B/s, activations 1e10 B/s, CXL 4e10 B/s
MoeModelConfig roofline_model() {
  MoeModelConfig m;
  m.d_model = 1000;
  m.d_ff = 1000;
  m.weight_bytes_per_param = 2;
  m.activation_bytes_per_value = 2;
  m.expert_bytes = 0;
  return m;
}

LaneRates roofline_rates() {
  LaneRates r;
  r.mode = ComputeMode::roofline;
  r.per_token_s = {5 * us, 50 * us, 500 * us};  // unused in roofline mode
  r.flops_per_s = {1e12, 1e11, 1e10};
  r.hbm_Bps = 5e11;
  r.homes[0].home_Bps = 4e10;
  r.ndp_stream_Bps = 1e11;
  r.homes[0].fetch_Bps = 2e10;
  r.activation_Bps = 1e10;
  r.homes[0].cxl_Bps = 4e10;
  r.weights_in_cxl = true;
  return r;
}

PlacementContext context_with(const LaneCostModel& costs, bool ndp, std::vector<bool> resident = {}) {
  PlacementContext c;
  c.ndp_available = ndp;
  c.costs = &costs;
  c.resident = std::move(resident);
  return c;
}

// The plan's makespan by PlanEstimate, jobs added in plan order; a preloaded
// GPU job is costed as resident (that is what preloading means).
double estimate(const std::vector<ExpertJobPlan>& plan, const PlacementContext& context) {
  PlanEstimate e(*context.costs);
  for (const auto& j : plan) e.add(j.lane, j.tokens, context.is_resident(j.expert) || j.preloaded);
  return e.makespan();
}

std::vector<uint32_t> experts_of(const std::vector<ExpertJobPlan>& plan) {
  std::vector<uint32_t> ids;
  for (const auto& j : plan) ids.push_back(j.expert);
  return ids;
}

const ExpertJobPlan& job_for(const std::vector<ExpertJobPlan>& plan, uint32_t expert) {
  auto it = std::find_if(plan.begin(), plan.end(), [&](const ExpertJobPlan& j) { return j.expert == expert; });
  REQUIRE(it != plan.end());
  return *it;
}

const std::vector<uint32_t> kEight{5, 0, 9, 1, 9, 3, 0, 2};

// A Zipf-like 32-expert layer, ids shuffled so that rank != id:
// sorted: 382,181,92,59,44,30,24,22,12,10,9,8,7,6,5,5,4,4,3,3,2,2,2,1,1,1,1,0,0,0,0,0 (sum 920)
const std::vector<uint32_t> kZipf{7, 0, 382, 3, 24, 1, 92, 0, 12, 5,  181, 2, 9,  1, 44, 0,
                                  4, 22, 2,  59, 0, 8, 1,  30, 3, 6, 0,   10, 2, 4, 1,  5};

std::vector<std::vector<uint32_t>> sample_layers() {
  return {
      kZipf,
      std::vector<uint32_t>(32, 30),                                  // uniform
      {0, 0, 900, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},             // one expert takes everything
      {100, 200},                                                      // the 2-expert case below
      kEight,
      {80, 10000, 1100},                                               // the cost_model case below
  };
}

}  // namespace

// ---------------------------------------------------------------------------
// hot_experts_by_percentile

TEST_CASE("hot_experts_by_percentile ranks by count, ties to the lower id", "[policies][percentile]") {
  // counts {5,0,9,1,9,3,0,2}: ranked (count desc, id asc) 2(9) 4(9) 0(5) 5(3) 7(2) 3(1); 1 and 6 have none.
  // hot = round((100 - p) / 100 * 8), capped by the 6 experts with tokens.
  //   p = 75:  0.25 * 8 = 2 -> {2, 4}
  //   p = 50:  0.50 * 8 = 4 -> {2, 4, 0, 5}
  //   p = 0:   1.00 * 8 = 8 -> capped at 6: {2, 4, 0, 5, 7, 3}
  //   p = 100: 0       -> {}
  CHECK(hot_experts_by_percentile(kEight, 75) == std::vector<uint32_t>{2, 4});
  CHECK(hot_experts_by_percentile(kEight, 50) == std::vector<uint32_t>{2, 4, 0, 5});
  CHECK(hot_experts_by_percentile(kEight, 0) == std::vector<uint32_t>{2, 4, 0, 5, 7, 3});
  CHECK(hot_experts_by_percentile(kEight, 100).empty());
}

TEST_CASE("hot_experts_by_percentile never makes a zero-count expert hot", "[policies][percentile]") {
  // Only 1 of 8 experts has tokens: p = 0 asks for 8 hot, gets the one with tokens.
  const std::vector<uint32_t> one{0, 0, 0, 4, 0, 0, 0, 0};
  CHECK(hot_experts_by_percentile(one, 0) == std::vector<uint32_t>{3});
  CHECK(hot_experts_by_percentile(std::vector<uint32_t>(8, 0), 0).empty());
  for (int p = 0; p <= 100; p += 5)
    for (uint32_t e : hot_experts_by_percentile(kEight, p)) CHECK(kEight[e] > 0);
}

// ---------------------------------------------------------------------------
// gpu_only

TEST_CASE("gpu_only on_demand plans only experts with tokens; layer plans all of them", "[policies][gpu_only]") {
  // counts {3, 0, 2, 0}: on_demand -> experts 0 (3) and 2 (2); layer -> 0 (3), 1 (0), 2 (2), 3 (0). All GPU.
  const std::vector<uint32_t> counts{3, 0, 2, 0};
  const LaneCostModel costs = paper_costs();
  const PlacementContext ctx = context_with(costs, true);

  const auto on_demand = GpuOnlyPolicy(FetchMode::on_demand).place(counts, ctx);
  REQUIRE(experts_of(on_demand) == std::vector<uint32_t>{0, 2});
  CHECK(on_demand[0].tokens == 3);
  CHECK(on_demand[1].tokens == 2);

  const auto layer = GpuOnlyPolicy(FetchMode::layer).place(counts, ctx);
  REQUIRE(experts_of(layer) == std::vector<uint32_t>{0, 1, 2, 3});
  CHECK(layer[0].tokens == 3);
  CHECK(layer[1].tokens == 0);
  CHECK(layer[2].tokens == 2);
  CHECK(layer[3].tokens == 0);

  for (const auto* plan : {&on_demand, &layer})
    for (const auto& j : *plan) {
      CHECK(j.lane == Lane::gpu);
      CHECK_FALSE(j.preloaded);
    }
}

// ---------------------------------------------------------------------------
// static_tiers

TEST_CASE("static_tiers: hot, warm, cold by rank; cold on the CPU without NDP", "[policies][static_tiers]") {
  // hot 1, warm 2 on {5,0,9,1,9,3,0,2}: ranked 2 4 0 5 7 3
  //   rank 0 -> GPU: 2;  ranks 1-2 -> CPU: 4, 0;  ranks 3.. -> cold: 5, 7, 3
  const StaticTierPolicy policy(1, 2);
  const LaneCostModel costs = paper_costs();

  const auto with_ndp = policy.place(kEight, context_with(costs, true));
  REQUIRE(experts_of(with_ndp) == std::vector<uint32_t>{2, 4, 0, 5, 7, 3});
  const std::vector<Lane> expected{Lane::gpu, Lane::cpu, Lane::cpu, Lane::ndp, Lane::ndp, Lane::ndp};
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK(with_ndp[i].lane == expected[i]);
    CHECK(with_ndp[i].tokens == kEight[with_ndp[i].expert]);
  }

  const auto without_ndp = policy.place(kEight, context_with(costs, false));
  REQUIRE(experts_of(without_ndp) == std::vector<uint32_t>{2, 4, 0, 5, 7, 3});
  CHECK(without_ndp[0].lane == Lane::gpu);
  for (size_t i = 1; i < without_ndp.size(); ++i) CHECK(without_ndp[i].lane == Lane::cpu);
}

TEST_CASE("static_tiers with more tiers than experts puts them all on the GPU", "[policies][static_tiers]") {
  // hot 4 >= 3 experts with tokens {1, 0, 7, 2}: ranked 2 3 0, all GPU.
  const LaneCostModel costs = paper_costs();
  const auto plan = StaticTierPolicy(4, 8).place({1, 0, 7, 2}, context_with(costs, true));
  REQUIRE(experts_of(plan) == std::vector<uint32_t>{2, 3, 0});
  for (const auto& j : plan) CHECK(j.lane == Lane::gpu);
}

// ---------------------------------------------------------------------------
// cxl_expert and monde_ideal

TEST_CASE("cxl_expert without warm_on_cpu: hot on the GPU, the rest NDP (CPU without NDP)",
          "[policies][cxl_expert]") {
  // p = 75 on {5,0,9,1,9,3,0,2}: hot {2, 4} -> GPU; cold 0, 3, 5, 7 (id order) -> NDP, or CPU without NDP.
  const CxlExpertPolicy policy(75, false);
  const LaneCostModel costs = paper_costs();
  for (bool ndp : {true, false}) {
    INFO("ndp_available = " << ndp);
    const auto plan = policy.place(kEight, context_with(costs, ndp));
    REQUIRE(experts_of(plan) == std::vector<uint32_t>{2, 4, 0, 3, 5, 7});
    CHECK(plan[0].lane == Lane::gpu);
    CHECK(plan[1].lane == Lane::gpu);
    for (size_t i = 2; i < plan.size(); ++i) CHECK(plan[i].lane == (ndp ? Lane::ndp : Lane::cpu));
    for (const auto& j : plan) {
      CHECK(j.tokens == kEight[j.expert]);
      CHECK_FALSE(j.preloaded);
    }
  }
}

TEST_CASE("cxl_expert with warm_on_cpu: a hot expert goes to the CPU when that beats fetch + GPU",
          "[policies][cxl_expert]") {
  // counts {100, 200, 1, 1, 0, 0, 0, 0}, p = 75 -> 2 hot: 1 (200) and 0 (100); cold 2, 3 -> NDP.
  //   expert 0, 100 tokens: CPU 100 * 50 us = 5 ms  <  GPU fetch 200e6/32e9 = 6.25 ms + 100 * 5 us = 6.75 ms -> CPU
  //   expert 1, 200 tokens: CPU 200 * 50 us = 10 ms >  GPU 6.25 ms + 200 * 5 us = 7.25 ms              -> GPU
  const std::vector<uint32_t> counts{100, 200, 1, 1, 0, 0, 0, 0};
  const LaneCostModel costs = paper_costs();
  CHECK(costs.cost(Lane::cpu, 100, false).serial() == within_ns(5 * ms));
  CHECK(costs.cost(Lane::gpu, 100, false).serial() == exact(6.75 * ms));
  CHECK(costs.cost(Lane::cpu, 200, false).serial() == within_ns(10 * ms));
  CHECK(costs.cost(Lane::gpu, 200, false).serial() == exact(7.25 * ms));

  const CxlExpertPolicy policy(75, true);
  const auto plan = policy.place(counts, context_with(costs, true));
  REQUIRE(experts_of(plan) == std::vector<uint32_t>{1, 0, 2, 3});
  CHECK(plan[0].lane == Lane::gpu);
  CHECK(plan[1].lane == Lane::cpu);
  CHECK(plan[2].lane == Lane::ndp);
  CHECK(plan[3].lane == Lane::ndp);

  // Resident in HBM, expert 0 costs 100 * 5 us = 0.5 ms on the GPU (no fetch) < 5 ms on the CPU: it stays.
  const auto resident_plan = policy.place(counts, context_with(costs, true, {true, false}));
  REQUIRE(experts_of(resident_plan) == std::vector<uint32_t>{1, 0, 2, 3});
  CHECK(resident_plan[0].lane == Lane::gpu);
  CHECK(resident_plan[1].lane == Lane::gpu);

  // Without a cost model the rule cannot be applied: hot experts stay on the GPU.
  PlacementContext no_costs;
  no_costs.ndp_available = true;
  const auto blind = policy.place(counts, no_costs);
  REQUIRE(experts_of(blind) == std::vector<uint32_t>{1, 0, 2, 3});
  CHECK(blind[0].lane == Lane::gpu);
  CHECK(blind[1].lane == Lane::gpu);
}

TEST_CASE("monde_ideal: hot experts preloaded on the GPU, all others NDP", "[policies][monde_ideal]") {
  // p = 75 on {5,0,9,1,9,3,0,2}: hot {2, 4} -> GPU, preloaded; 0, 3, 5, 7 -> NDP, not preloaded.
  const LaneCostModel costs = paper_costs();
  const auto plan = MondeIdealPolicy(75).place(kEight, context_with(costs, true));
  REQUIRE(experts_of(plan) == std::vector<uint32_t>{2, 4, 0, 3, 5, 7});
  for (size_t i = 0; i < plan.size(); ++i) {
    const bool hot = i < 2;
    CHECK(plan[i].lane == (hot ? Lane::gpu : Lane::ndp));
    CHECK(plan[i].preloaded == hot);
    CHECK(plan[i].tokens == kEight[plan[i].expert]);
  }
  // Even when the CPU would be cheaper (expert 0, 100 tokens: 5 ms CPU < 6.75 ms GPU), monde never uses
  // the CPU: p = 0 on {100, 200} makes both hot -> both GPU, preloaded.
  const auto hot_cheap = MondeIdealPolicy(0).place({100, 200}, context_with(costs, true));
  REQUIRE(experts_of(hot_cheap) == std::vector<uint32_t>{1, 0});
  for (const auto& j : hot_cheap) {
    CHECK(j.lane == Lane::gpu);
    CHECK(j.preloaded);
  }
}

// ---------------------------------------------------------------------------
// LaneCostModel::cost

TEST_CASE("LaneCostModel per_token: engine = tokens x rate; fetch and copies by byte rates", "[costs]") {
  // Paper model:
  //   GPU 100 tok, fetched: pcie 200e6/32e9 = 6.25 ms, cxl 200e6/64e9 = 3.125 ms, engine 100*5us = 0.5 ms
  //   GPU 100 tok, resident: pcie 0, cxl 0, engine 0.5 ms
  //   CPU 100 tok: engine 5 ms; pcie 2 * 100*2048 B / 1e15 = 409.6 ps; no CXL streaming in per_token mode
  //   NDP 10 tok:  engine 5 ms; pcie 2 * 10*2048 / 1e15 = 40.96 ps; cxl 0
  const LaneCostModel costs = paper_costs();
  CHECK(costs.weight_bytes(Lane::gpu) == 200000000);
  CHECK(costs.dequant_bytes(Lane::gpu) == 0);
  CHECK(costs.activation_bytes(100) == 204800);

  const JobCost g = costs.cost(Lane::gpu, 100, false);
  CHECK(g.pcie == exact(6.25 * ms));
  CHECK(g.cxl == exact(3.125 * ms));
  CHECK(g.engine == exact(0.5 * ms));
  CHECK(g.serial() == exact(6.75 * ms));

  const JobCost r = costs.cost(Lane::gpu, 100, true);
  CHECK(r.pcie == 0);
  CHECK(r.cxl == 0);
  CHECK(r.engine == exact(0.5 * ms));

  const JobCost c = costs.cost(Lane::cpu, 100, false);
  CHECK(c.engine == exact(5 * ms));
  CHECK(c.pcie == exact(409.6e-12));
  CHECK(c.cxl == 0);

  const JobCost n = costs.cost(Lane::ndp, 10, false);
  CHECK(n.engine == exact(5 * ms));
  CHECK(n.pcie == exact(40.96e-12));
  CHECK(n.cxl == 0);
}

TEST_CASE("LaneCostModel roofline: engine = max(arithmetic + dequant, weight bytes / stream rate)", "[costs]") {
  // Roofline model (4e6 B weights, 4e6 FLOP/token, 2000 activation B/token):
  //   GPU 10 tok: arith 10*4e6/1e12 = 40 us  > stream 4e6/5e11 = 8 us  -> 40 us; pcie 4e6/2e10 = 200 us, cxl 4e6/4e10 = 100 us
  //   GPU  1 tok: arith 4 us                 < stream 8 us             -> 8 us (memory bound)
  //   CPU 10 tok: arith 4e7/1e11 = 400 us    > stream 4e6/4e10 = 100 us -> 400 us; pcie 2*2e4/1e10 = 4 us; cxl 100 us
  //   CPU  1 tok: arith 40 us                < stream 100 us            -> 100 us; pcie 0.4 us; cxl 100 us
  //   NDP 10 tok: arith 4e7/1e10 = 4 ms      > stream 4e6/1e11 = 40 us  -> 4 ms; pcie 4 us; cxl 0
  //   NDP  1 tok: arith 400 us               > 40 us                    -> 400 us
  const LaneCostModel costs(roofline_rates(), roofline_model(), QuantizationConfig{});
  CHECK(costs.weight_bytes(Lane::cpu) == 4000000);

  const JobCost g10 = costs.cost(Lane::gpu, 10, false);
  CHECK(g10.engine == exact(40 * us));
  CHECK(g10.pcie == exact(200 * us));
  CHECK(g10.cxl == exact(100 * us));
  CHECK(costs.cost(Lane::gpu, 1, false).engine == exact(8 * us));
  CHECK(costs.cost(Lane::gpu, 1, true).engine == exact(8 * us));

  const JobCost c10 = costs.cost(Lane::cpu, 10, false);
  CHECK(c10.engine == exact(400 * us));
  CHECK(c10.pcie == exact(4 * us));
  CHECK(c10.cxl == exact(100 * us));
  const JobCost c1 = costs.cost(Lane::cpu, 1, false);
  CHECK(c1.engine == exact(100 * us));
  CHECK(c1.pcie == exact(0.4 * us));
  CHECK(c1.cxl == exact(100 * us));

  const JobCost n10 = costs.cost(Lane::ndp, 10, false);
  CHECK(n10.engine == exact(4 * ms));
  CHECK(n10.pcie == exact(4 * us));
  CHECK(n10.cxl == 0);
  CHECK(costs.cost(Lane::ndp, 1, false).engine == exact(400 * us));

  // Same geometry in per_token mode (CPU 50 us/token): 10 tokens -> 500 us, no streaming, no CXL time.
  LaneRates per_token = roofline_rates();
  per_token.mode = ComputeMode::per_token;
  const LaneCostModel pt(per_token, roofline_model(), QuantizationConfig{});
  const JobCost p10 = pt.cost(Lane::cpu, 10, false);
  CHECK(p10.engine == exact(500 * us));
  CHECK(p10.cxl == 0);
  CHECK(pt.cost(Lane::gpu, 1, false).engine == exact(5 * us));  // not max'ed with an 8 us stream

  // Weights not in CXL: no CXL link time for GPU fetches or CPU streaming.
  LaneRates ddr = roofline_rates();
  ddr.weights_in_cxl = false;
  const LaneCostModel in_ddr(ddr, roofline_model(), QuantizationConfig{});
  CHECK(in_ddr.cost(Lane::gpu, 10, false).cxl == 0);
  CHECK(in_ddr.cost(Lane::gpu, 10, false).pcie == exact(200 * us));
  CHECK(in_ddr.cost(Lane::cpu, 10, false).cxl == 0);
}

TEST_CASE("LaneCostModel compression: weight bytes shrink, dequant only when compressed", "[costs]") {
  // CPU int4 (4x), dequant 1e10 B/s; GPU int8 (2x), dequant free (0); NDP 16-bit with a dequant rate of 1e9.
  //   CPU: weight bytes 4e6/4 = 1e6; dequant bytes 4e6 -> 4e6/1e10 = 400 us
  //        10 tok: max(400 us arith + 400 us dequant, 1e6/4e10 = 25 us stream) = 800 us; cxl 1e6/4e10 = 25 us
  //   GPU: weight bytes 2e6; pcie 2e6/2e10 = 100 us, cxl 2e6/4e10 = 50 us; dequant free -> engine 40 us
  //   NDP: not compressed -> dequant bytes 0 -> engine stays 4 ms despite its dequant rate
  QuantizationConfig q;
  q.cpu_weight_compression = 4;
  q.gpu_weight_compression = 2;
  LaneRates rates = roofline_rates();
  rates.dequant_Bps = {0, 1e10, 1e9};
  const LaneCostModel costs(rates, roofline_model(), q);

  CHECK(costs.weight_bytes(Lane::cpu) == 1000000);
  CHECK(costs.weight_bytes(Lane::gpu) == 2000000);
  CHECK(costs.weight_bytes(Lane::ndp) == 4000000);
  CHECK(costs.dequant_bytes(Lane::cpu) == 4000000);
  CHECK(costs.dequant_bytes(Lane::gpu) == 4000000);
  CHECK(costs.dequant_bytes(Lane::ndp) == 0);

  const JobCost c = costs.cost(Lane::cpu, 10, false);
  CHECK(c.engine == exact(800 * us));
  CHECK(c.cxl == exact(25 * us));
  CHECK(c.pcie == exact(4 * us));

  const JobCost g = costs.cost(Lane::gpu, 10, false);
  CHECK(g.pcie == exact(100 * us));
  CHECK(g.cxl == exact(50 * us));
  CHECK(g.engine == exact(40 * us));

  CHECK(costs.cost(Lane::ndp, 10, false).engine == exact(4 * ms));

  // per_token mode adds dequant to the per-token time: CPU 10 * 50 us + 400 us = 900 us.
  rates.mode = ComputeMode::per_token;
  const LaneCostModel pt(rates, roofline_model(), q);
  CHECK(pt.cost(Lane::cpu, 10, false).engine == exact(900 * us));
}

TEST_CASE("LaneCostModel activation compression shrinks CPU and NDP copies", "[costs]") {
  // activation_compression 2: 10 tokens -> 10*2000/2 = 1e4 B each way; pcie 2 * 1e4 / 1e10 = 2 us.
  QuantizationConfig q;
  q.activation_compression = 2;
  const LaneCostModel costs(roofline_rates(), roofline_model(), q);
  CHECK(costs.activation_bytes(10) == 10000);
  CHECK(costs.cost(Lane::cpu, 10, false).pcie == exact(2 * us));
  CHECK(costs.cost(Lane::ndp, 10, false).pcie == exact(2 * us));
  // GPU fetches move weights, not activations: unchanged 200 us.
  CHECK(costs.cost(Lane::gpu, 10, false).pcie == exact(200 * us));
}

TEST_CASE("LaneCostModel zero-token jobs: a GPU fetch costs its transfer only", "[costs]") {
  // Layer-granular fetch of an unselected expert: pcie 200 us, cxl 100 us, no compute. Resident or off-GPU: nothing.
  const LaneCostModel costs(roofline_rates(), roofline_model(), QuantizationConfig{});
  const JobCost f = costs.cost(Lane::gpu, 0, false);
  CHECK(f.pcie == exact(200 * us));
  CHECK(f.cxl == exact(100 * us));
  CHECK(f.engine == 0);
  for (const JobCost& z : {costs.cost(Lane::gpu, 0, true), costs.cost(Lane::cpu, 0, false), costs.cost(Lane::ndp, 0, false)}) {
    CHECK(z.pcie == 0);
    CHECK(z.cxl == 0);
    CHECK(z.engine == 0);
  }
}

// ---------------------------------------------------------------------------
// PlanEstimate

TEST_CASE("PlanEstimate: GPU fetches serialize on PCIe, compute overlaps the next fetch", "[estimate]") {
  // Fetch F = 6.25 ms each (CXL 3.125 ms, off the critical path). Compute c = tokens * 5 us.
  // Closed form for two fetched GPU jobs A then B:
  //   finish(A) = F + cA;  finish(B) = max(F + cA, 2F) + cB
  const LaneCostModel costs = paper_costs();

  SECTION("short compute hides behind the second fetch: 200 + 200 tokens") {
    // finish(A) = 6.25 + 1 = 7.25 ms; finish(B) = max(7.25, 12.5) + 1 = 13.5 ms
    PlanEstimate e(costs);
    CHECK(e.add(Lane::gpu, 200, false) == exact(7.25 * ms));
    CHECK(e.add(Lane::gpu, 200, false) == exact(13.5 * ms));
    CHECK(e.makespan() == exact(13.5 * ms));
  }
  SECTION("long compute: the second fetch hides behind it: 2000 + 200 tokens") {
    // finish(A) = 6.25 + 10 = 16.25 ms; finish(B) = max(16.25, 12.5) + 1 = 17.25 ms = F + cA + cB
    PlanEstimate e(costs);
    CHECK(e.add(Lane::gpu, 2000, false) == exact(16.25 * ms));
    CHECK(e.add(Lane::gpu, 200, false) == exact(17.25 * ms));
    CHECK(e.makespan() == exact(17.25 * ms));
  }
  SECTION("a resident job needs no fetch and does not wait for one") {
    // Resident 200 tokens first: 1 ms. Then a fetched one: max(1, 6.25) + 1 = 7.25 ms.
    PlanEstimate e(costs);
    CHECK(e.add(Lane::gpu, 200, true) == exact(1 * ms));
    CHECK(e.add(Lane::gpu, 200, false) == exact(7.25 * ms));
    CHECK(e.makespan() == exact(7.25 * ms));
  }
}

TEST_CASE("PlanEstimate: a CPU and an NDP job run in parallel", "[estimate]") {
  // Paper model but activations at 2.048e9 B/s: 2048 B/token -> 1 us per token each way.
  //   CPU 100 tok: in 100 us, compute 5 ms, out 100 us; NDP 10 tok: in 10 us, compute 5 ms, out 10 us.
  // Copies are PCIe load that delays only their own job (they do not queue behind other PCIe work):
  //   CPU: in 0 -> 0.1 ms, compute -> 5.1 ms, out -> 5.2 ms; PCIe load 200 us
  //   NDP: in 0 -> 0.01 ms, compute -> 5.01 ms, out -> 5.02 ms; PCIe load 220 us
  //   makespan max(5.2, 5.02, PCIe 0.22) = 5.2 ms, not the serial 10.22 ms.
  LaneRates rates = paper_rates();
  rates.activation_Bps = 2.048e9;
  const LaneCostModel costs(rates, paper_model(), QuantizationConfig{});
  PlanEstimate e(costs);
  CHECK(e.add(Lane::cpu, 100, false) == exact(5.2 * ms));
  CHECK(e.add(Lane::ndp, 10, false) == exact(5.02 * ms));
  CHECK(e.makespan() == exact(5.2 * ms));

  // Jobs on the same lane queue: a second CPU job of 100 tokens gets its input once the CPU engine is
  // free (5.1 ms): in -> 5.2, compute -> 10.2, out -> 10.3 ms.
  CHECK(e.add(Lane::cpu, 100, false) == exact(10.3 * ms));
  CHECK(e.makespan() == exact(10.3 * ms));
}

TEST_CASE("PlanEstimate: activation copies share PCIe with fetches; PCIe load bounds the makespan", "[estimate]") {
  // Paper model. GPU 200 tok fetched (PCIe 0 -> 6.25 ms, done 7.25 ms), then CPU 100 tok: its copies
  // (< 1 ns) do not wait for the fetch: done at 5 ms. Makespan 7.25 ms.
  const LaneCostModel costs = paper_costs();
  PlanEstimate e(costs);
  CHECK(e.add(Lane::gpu, 200, false) == exact(7.25 * ms));
  CHECK(e.add(Lane::cpu, 100, false) == within_ns(5 * ms));
  CHECK(e.makespan() == exact(7.25 * ms));

  // Copy-bound jobs: CPU and NDP computing for free, activations 1 us/token each way.
  //   CPU 100 tok: in 100 us + out 100 us -> done 200 us;  NDP 100 tok: the same, in parallel -> 200 us.
  //   PCIe carried 4 x 100 us = 400 us of copies: makespan 400 us.
  LaneRates rates = paper_rates();
  rates.activation_Bps = 2.048e9;
  rates.per_token_s = {5 * us, 0, 0};
  const LaneCostModel copy_bound(rates, paper_model(), QuantizationConfig{});
  PlanEstimate c(copy_bound);
  CHECK(c.add(Lane::cpu, 100, false) == exact(200 * us));
  CHECK(c.add(Lane::ndp, 100, false) == exact(200 * us));
  CHECK(c.makespan() == exact(400 * us));
}

TEST_CASE("PlanEstimate: CPU roofline jobs stream weights over the shared CXL link", "[estimate]") {
  // Roofline model, CPU 1 token: in 0.2 us, max(40 us arith, 100 us stream) = 100 us, cxl 100 us, out 0.2 us.
  //   job 1: pcie 0.2; start 0.2; cxl 0.2 -> 100.2; engine max(100.2, 100.2) = 100.2; finish 100.4 us
  //   job 2 (GPU fetch of 200 us pcie, 100 us cxl; 10 tok = 40 us):
  //     pcie 0.4 -> 200.4, cxl 100.2 -> 200.2; fetched 200.4; engine 240.4 us
  const LaneCostModel costs(roofline_rates(), roofline_model(), QuantizationConfig{});
  PlanEstimate e(costs);
  CHECK(e.add(Lane::cpu, 1, false) == exact(100.4 * us));
  CHECK(e.add(Lane::gpu, 10, false) == exact(240.4 * us));
  CHECK(e.makespan() == exact(240.4 * us));
}

TEST_CASE("PlanEstimate: jobs that do not use the CXL link neither hold nor wait for it", "[estimate][regression]") {
  // PlanEstimate's own model: the CXL link is held by GPU fetches from CXL and by CPU jobs streaming
  // weights (roofline). NDP jobs and per_token CPU jobs have cost().cxl == 0: they must not move the
  // link's clock, and they must not wait for it.
  // Regression for a bug in firmware/plan_estimate.cpp (CPU/NDP branch of add()): it did
  // `cxl_ = max(cxl_, start) + c.cxl; engine = max(start + c.engine, cxl_);` also when c.cxl == 0,
  // advancing the link to the job's start and making the job wait for link traffic it does not use.
  // "Today:"/"Before:" below is what that code gave.
  const LaneCostModel costs = paper_costs();

  SECTION("queued NDP jobs do not delay a later GPU fetch") {
    // NDP 100 tok: 0 -> 50 ms. NDP 1 tok, queued on the NDP engine: 50 -> 50.5 ms.
    // GPU 200 tok: PCIe holds only < 1 ns of activations, so fetch 0 -> 6.25 ms (CXL 3.125 ms of load);
    // compute 1 ms -> finishes at 7.25 ms. Makespan max(50.5, 7.25) = 50.5 ms.
    // (Today: the second NDP job sets the link clock to 50 ms; the GPU is fetched at 53.125 ms, done 54.125.)
    PlanEstimate e(costs);
    CHECK(e.add(Lane::ndp, 100, false) == within_ns(50 * ms));
    CHECK(e.add(Lane::ndp, 1, false) == within_ns(50.5 * ms));
    CHECK(e.add(Lane::gpu, 200, false) == within_ns(7.25 * ms));
    CHECK(e.makespan() == within_ns(50.5 * ms));
  }
  SECTION("queued per_token CPU jobs do not delay a later GPU fetch") {
    // CPU 100 tok: 0 -> 5 ms; CPU 1 tok queued: 5 -> 5.05 ms (per_token: no weight streaming, cxl 0).
    // GPU 200 tok: fetched by 6.25 ms, done 7.25 ms. (Today: link clock 5 ms -> fetched 8.125, done 9.125 ms.)
    PlanEstimate e(costs);
    CHECK(e.add(Lane::cpu, 100, false) == within_ns(5 * ms));
    CHECK(e.add(Lane::cpu, 1, false) == within_ns(5.05 * ms));
    CHECK(e.add(Lane::gpu, 200, false) == within_ns(7.25 * ms));
    CHECK(e.makespan() == within_ns(7.25 * ms));
  }
  SECTION("an NDP job does not wait for a GPU fetch's CXL traffic") {
    // CXL slower than PCIe: 16e9 B/s -> a fetch holds the link 12.5 ms (PCIe 6.25 ms).
    // GPU 200 tok: fetched at max(6.25, 12.5) = 12.5 ms, done 13.5 ms.
    // NDP 1 tok: copies < 1 ns, computes 0.5 ms: done 0.5 ms. (Before: engine = max(..., link clock 12.5).)
    LaneRates rates = paper_rates();
    rates.homes[0].cxl_Bps = 16e9;
    const LaneCostModel slow_link(rates, paper_model(), QuantizationConfig{});
    PlanEstimate e(slow_link);
    CHECK(e.add(Lane::gpu, 200, false) == within_ns(13.5 * ms));
    CHECK(e.add(Lane::ndp, 1, false) == within_ns(0.5 * ms));
    CHECK(e.makespan() == within_ns(13.5 * ms));
  }
  SECTION("with the weights in DDR, a GPU fetch never waits for the CXL link") {
    // weights_in_cxl = false: no job uses the CXL link. CPU 200 tok (0 -> 10 ms), CPU 1 tok queued
    // (10 -> 10.05 ms), then GPU 200 tok: fetched over PCIe by 6.25 ms, done 7.25 ms.
    // (Today: the second CPU job sets the link clock to 10 ms and line 16 takes max(pcie, link): done 11 ms.)
    LaneRates rates = paper_rates();
    rates.weights_in_cxl = false;
    const LaneCostModel ddr(rates, paper_model(), QuantizationConfig{});
    PlanEstimate e(ddr);
    CHECK(e.add(Lane::cpu, 200, false) == within_ns(10 * ms));
    CHECK(e.add(Lane::cpu, 1, false) == within_ns(10.05 * ms));
    CHECK(e.add(Lane::gpu, 200, false) == within_ns(7.25 * ms));
    CHECK(e.makespan() == within_ns(10.05 * ms));
  }
}

// ---------------------------------------------------------------------------
// layer_lower_bound

TEST_CASE("layer_lower_bound: hand-computed 2-expert cases", "[estimate][lower_bound]") {
  // Paper model, counts {100, 200}, NDP available (5 resources):
  //   expert 0 (100): serial GPU 6.75, CPU 5 (+0.4 ns), NDP 50 -> 5 ms;  busiest GPU max(6.25, 3.125, 0.5) = 6.25, CPU 5 -> 5 ms
  //   expert 1 (200): serial GPU 7.25, CPU 10, NDP 100 -> 7.25 ms;       busiest GPU 6.25, CPU 10 -> 6.25 ms
  //   bound = max(longest 7.25, (5 + 6.25) / 5 = 2.25) = 7.25 ms
  const LaneCostModel costs = paper_costs();
  const std::vector<uint32_t> counts{100, 200};
  CHECK(layer_lower_bound(counts, context_with(costs, true)) == exact(7.25 * ms));

  // Expert 1 resident: serial GPU 1 ms, busiest 1 ms; expert 0's serial (5 ms) becomes the longest.
  //   bound = max(5, (5 + 1) / 5 = 1.2) = 5 ms
  CHECK(layer_lower_bound(counts, context_with(costs, true, {false, true})) == within_ns(5 * ms));

  // Spread-bound: 20 experts of 100 tokens, NDP off (4 resources): each best busiest 5 ms (CPU) -> 100/4 = 25 ms
  // > longest 5 ms.
  CHECK(layer_lower_bound(std::vector<uint32_t>(20, 100), context_with(costs, false)) == within_ns(25 * ms));
  // Same with NDP: 5 resources -> 20 ms.
  CHECK(layer_lower_bound(std::vector<uint32_t>(20, 100), context_with(costs, true)) == within_ns(20 * ms));
  // No tokens: 0.
  CHECK(layer_lower_bound(std::vector<uint32_t>(4, 0), context_with(costs, true)) == 0);
}

// ---------------------------------------------------------------------------
// cost_model

TEST_CASE("cost_model: one huge expert on the GPU, the small ones split over CPU and NDP", "[policies][cost_model]") {
  // Paper model, counts {80, 10000, 1100} (ids: B = 0, huge = 1, A = 2); copies < 1 ns:
  //   huge: GPU 6.25 + 50 = 56.25 ms; CPU 500 ms; NDP 5000 ms
  //   A (1100): CPU 55 ms; GPU after huge: fetched by 12.5, computes after huge: 56.25 + 5.5 = 61.75; NDP 550
  //   B (80):   NDP 40 ms; CPU after A: 55 + 4 = 59 ms; GPU: max(56.25, 12.5) + 0.4 = 56.65 ms
  // So huge -> GPU, A -> CPU, B -> NDP gives 56.25 ms, the lower bound (huge's best serial time): optimal.
  // Lower bound: max(longest 56.25, spread (50 + 6.25 + 4) / 5 = 12.05) = 56.25 ms.
  const std::vector<uint32_t> counts{80, 10000, 1100};
  const LaneCostModel costs = paper_costs();
  const PlacementContext ctx = context_with(costs, true);
  const auto plan = CostModelPolicy().place(counts, ctx);
  REQUIRE(plan.size() == 3);
  CHECK(job_for(plan, 0).lane == Lane::ndp);
  CHECK(job_for(plan, 1).lane == Lane::gpu);
  CHECK(job_for(plan, 2).lane == Lane::cpu);
  for (const auto& j : plan) CHECK(j.tokens == counts[j.expert]);
  CHECK(estimate(plan, ctx) == within_ns(56.25 * ms));
  CHECK(layer_lower_bound(counts, ctx) == exact(56.25 * ms));

  // Without NDP: B must go to the CPU (59 ms) or the GPU (56.65 ms): GPU wins.
  const PlacementContext no_ndp = context_with(costs, false);
  const auto plan2 = CostModelPolicy().place(counts, no_ndp);
  REQUIRE(plan2.size() == 3);
  CHECK(job_for(plan2, 1).lane == Lane::gpu);
  CHECK(job_for(plan2, 2).lane == Lane::cpu);
  CHECK(job_for(plan2, 0).lane == Lane::gpu);
  for (const auto& j : plan2) CHECK(j.lane != Lane::ndp);
  // Order huge, A, B: B's fetch after huge's (PCIe 12.5 ms + A's < 1 ns copies); engine max(56.25, 12.5) + 0.4
  CHECK(estimate(plan2, no_ndp) == within_ns(56.65 * ms));
}

TEST_CASE("cost_model's estimate is no worse than cxl_expert's on a Zipf-like layer", "[policies][cost_model]") {
  const LaneCostModel paper = paper_costs();
  const LaneCostModel roofline(roofline_rates(), roofline_model(), QuantizationConfig{});
  std::vector<bool> some_resident(32, false);
  some_resident[2] = some_resident[10] = some_resident[30] = true;  // the two busiest and an idle-ish one
  REQUIRE(kZipf.size() == 32);
  REQUIRE(std::accumulate(kZipf.begin(), kZipf.end(), 0u) == 920);

  for (const LaneCostModel* costs : {&paper, &roofline})
    for (bool ndp : {true, false})
      for (bool resident : {false, true}) {
        const PlacementContext ctx = context_with(*costs, ndp, resident ? some_resident : std::vector<bool>{});
        const double cost_model = estimate(CostModelPolicy().place(kZipf, ctx), ctx);
        for (bool warm : {true, false}) {
          const double cxl = estimate(CxlExpertPolicy(75, warm).place(kZipf, ctx), ctx);
          INFO((costs == &paper ? "paper" : "roofline") << " ndp=" << ndp << " resident=" << resident
                                                        << " warm_on_cpu=" << warm << ": cost_model " << cost_model
                                                        << " s, cxl_expert " << cxl << " s");
          CHECK(cost_model <= cxl);
        }
      }
}

TEST_CASE("cost_model runs a resident GPU expert while the other expert's weights are fetched",
          "[policies][cost_model]") {
  // Paper model, NDP available, counts {399, 144}, expert 0 resident in HBM:
  //   expert 0 (399, resident): GPU 399 * 5 us = 1.995 ms (no fetch); CPU 19.95 ms; NDP 199.5 ms
  //   expert 1 (144):           GPU 6.25 + 0.72 = 6.97 ms;            CPU 7.2 ms;   NDP 72 ms
  // Best: both on the GPU, resident one first: 0 computes 0 -> 1.995 ms while 1 is fetched (0 -> 6.25 ms),
  //   then 1 computes 6.25 -> 6.97 ms. Makespan 6.97 ms = the lower bound max(6.97, (1.995 + 6.25) / 5).
  //   adaptive finds it (p <= 25: both hot, ranked 0 then 1, both GPU).
  // cost_model sorts by best-lane cost, largest first: 1 (6.97) before 0 (1.995). Greedy: 1 -> GPU (6.97 < CPU 7.2),
  //   then 0 -> GPU behind it: 6.97 + 1.995 = 8.965 ms (CPU 19.95). Forcing k busiest onto the GPU gives the same
  //   plan. Makespan 8.965 ms, 1.29x the optimum, and worse than adaptive.
  // BUG (firmware/cost_model_policy.cpp, CostModelPolicy::place, the std::stable_sort of `order`): resident
  //   experts are cheap, so they sort last and are queued on the GPU behind fetched experts, leaving the GPU
  //   idle during the fetch. Suggested fix: after the sort,
  //     std::stable_partition(order.begin(), order.end(), [&](uint32_t e) { return context.is_resident(e); });
  //   (resident experts first: they use no PCIe or CXL time). With it, cost_model was no worse than adaptive
  //   or cxl_expert (p = 75) on 2000 random Zipf layers with random residency, where today it is worse on ~2.5%
  //   of them (up to 1.8x).
  const std::vector<uint32_t> counts{399, 144};
  const LaneCostModel costs = paper_costs();
  const PlacementContext ctx = context_with(costs, true, {true, false});
  CHECK(layer_lower_bound(counts, ctx) == exact(6.97 * ms));

  const auto adaptive = AdaptivePolicy(true).place(counts, ctx);
  REQUIRE(experts_of(adaptive) == std::vector<uint32_t>{0, 1});
  CHECK(adaptive[0].lane == Lane::gpu);
  CHECK(adaptive[1].lane == Lane::gpu);
  CHECK(estimate(adaptive, ctx) == exact(6.97 * ms));

  const auto plan = CostModelPolicy().place(counts, ctx);
  INFO("cost_model plan order: " << plan.front().expert << " then " << plan.back().expert);
  CHECK(estimate(plan, ctx) == exact(6.97 * ms));
  CHECK(estimate(plan, ctx) <= estimate(adaptive, ctx) * (1 + 1e-12));
}

// ---------------------------------------------------------------------------
// adaptive

TEST_CASE("adaptive picks the best threshold: <= cxl_expert at p=75, = min over p in 0..100 step 5",
          "[policies][adaptive]") {
  const LaneCostModel paper = paper_costs();
  const LaneCostModel roofline(roofline_rates(), roofline_model(), QuantizationConfig{});
  std::vector<bool> some_resident(32, false);
  some_resident[2] = some_resident[19] = true;

  for (const LaneCostModel* costs : {&paper, &roofline})
    for (bool ndp : {true, false})
      for (bool resident : {false, true})
        for (bool warm : {true, false})
          for (const auto& counts : sample_layers()) {
            const PlacementContext ctx = context_with(*costs, ndp, resident ? some_resident : std::vector<bool>{});
            const double adaptive = estimate(AdaptivePolicy(warm).place(counts, ctx), ctx);
            double best = std::numeric_limits<double>::infinity();
            for (int p = 0; p <= 100; p += 5) best = std::min(best, estimate(CxlExpertPolicy(p, warm).place(counts, ctx), ctx));
            const double at75 = estimate(CxlExpertPolicy(75, warm).place(counts, ctx), ctx);
            INFO("ndp=" << ndp << " resident=" << resident << " warm=" << warm << " experts=" << counts.size()
                        << ": adaptive " << adaptive << ", best " << best << ", p75 " << at75);
            CHECK(adaptive <= at75);
            CHECK(adaptive == best);
          }
}

TEST_CASE("adaptive on the warm_on_cpu example: hand-computed best threshold", "[policies][adaptive]") {
  // counts {100, 200}, paper model, NDP available, warm_on_cpu. hot = llround((100 - p) / 100 * 2):
  //   p <= 25 (1.5 -> 2 hot): 1 -> GPU (7.25 ms < 10 ms CPU), 0 -> CPU (5 ms < 6.75 ms GPU), in
  //       parallel: max(7.25, 5) = 7.25 ms
  //   30 <= p <= 75 (1 hot): 1 -> GPU 7.25 ms; 0 cold -> NDP 100 * 0.5 = 50 ms -> 50 ms
  //   p >= 80 (0 hot): both NDP in id order: 50 ms, then 50 + 100 = 150 ms
  // Best: 7.25 ms (first reached at p = 0).
  const std::vector<uint32_t> counts{100, 200};
  const LaneCostModel costs = paper_costs();
  const PlacementContext ctx = context_with(costs, true);
  const auto plan = AdaptivePolicy(true).place(counts, ctx);
  REQUIRE(experts_of(plan) == std::vector<uint32_t>{1, 0});
  CHECK(plan[0].lane == Lane::gpu);
  CHECK(plan[1].lane == Lane::cpu);
  CHECK(estimate(plan, ctx) == within_ns(7.25 * ms));
  CHECK(estimate(CxlExpertPolicy(25, true).place(counts, ctx), ctx) == within_ns(7.25 * ms));
  CHECK(estimate(CxlExpertPolicy(30, true).place(counts, ctx), ctx) == within_ns(50 * ms));
  CHECK(estimate(CxlExpertPolicy(75, true).place(counts, ctx), ctx) == within_ns(50 * ms));
  CHECK(estimate(CxlExpertPolicy(80, true).place(counts, ctx), ctx) == within_ns(150 * ms));
}

// ---------------------------------------------------------------------------
// Properties over every policy

TEST_CASE("every policy places each selected expert once, with its tokens, on an offered lane", "[policies]") {
  const LaneCostModel costs = paper_costs();
  for (const std::string& name : policy_names())
    for (bool ndp : {true, false})
      for (const auto& counts : sample_layers()) {
        PolicyConfig config;
        config.name = name;
        const auto policy = make_policy(config);
        const PlacementContext ctx = context_with(costs, ndp);
        const auto plan = policy->place(counts, ctx);
        INFO(name << " ndp=" << ndp << " experts=" << counts.size());
        std::vector<int> seen(counts.size(), 0);
        for (const auto& j : plan) {
          REQUIRE(j.expert < counts.size());
          ++seen[j.expert];
          CHECK(j.tokens == counts[j.expert]);
          if (!ndp) CHECK(j.lane != Lane::ndp);
          if (j.preloaded) CHECK(j.lane == Lane::gpu);
        }
        for (uint32_t e = 0; e < counts.size(); ++e) {
          if (counts[e] > 0) CHECK(seen[e] == 1);
          else CHECK(seen[e] <= 1);  // gpu_only fetch=layer may fetch an idle expert (default is on_demand: 0)
        }
      }
}

TEST_CASE("layer_lower_bound <= every policy's estimated makespan", "[estimate][lower_bound]") {
  // monde_ideal is excluded: its preloaded GPU experts are an ideal the bound (which only knows
  // real residency) does not model, so it may legitimately estimate below the bound.
  const LaneCostModel paper = paper_costs();
  const LaneCostModel roofline(roofline_rates(), roofline_model(), QuantizationConfig{});
  std::vector<PolicyConfig> configs;
  for (const std::string& name : policy_names()) {
    if (name == "monde_ideal") continue;
    PolicyConfig c;
    c.name = name;
    configs.push_back(c);
  }
  PolicyConfig layer_fetch;
  layer_fetch.name = "gpu_only";
  layer_fetch.fetch = FetchMode::layer;
  configs.push_back(layer_fetch);
  PolicyConfig cold_cxl;
  cold_cxl.name = "cxl_expert";
  cold_cxl.warm_on_cpu = false;
  configs.push_back(cold_cxl);

  std::vector<bool> some_resident(32, false);
  some_resident[0] = some_resident[2] = some_resident[1] = true;

  for (const LaneCostModel* costs : {&paper, &roofline})
    for (bool ndp : {true, false})
      for (bool resident : {false, true})
        for (const auto& counts : sample_layers()) {
          const PlacementContext ctx = context_with(*costs, ndp, resident ? some_resident : std::vector<bool>{});
          const double bound = layer_lower_bound(counts, ctx);
          for (const auto& config : configs) {
            const double makespan = estimate(make_policy(config)->place(counts, ctx), ctx);
            INFO(config.name << " ndp=" << ndp << " resident=" << resident << " experts=" << counts.size()
                             << ": bound " << bound << " makespan " << makespan);
            CHECK(bound <= makespan * (1 + 1e-12));
          }
        }
}

// ---------------------------------------------------------------------------
// ResidentExperts

TEST_CASE("ResidentExperts LRU evicts the least recently used", "[resident]") {
  // 2 slots: 1, 2 (misses), 1 again (hit: 1 becomes most recent) -> 3 evicts 2.
  ResidentExperts r(2, Eviction::lru);
  auto use = [&](uint32_t e) {
    auto s = r.acquire(e);
    REQUIRE(s);
    r.release(e);
    return s->hit;
  };
  CHECK_FALSE(use(1));
  CHECK_FALSE(use(2));
  CHECK(use(1));
  CHECK_FALSE(use(3));
  CHECK(r.contains(1));
  CHECK_FALSE(r.contains(2));
  CHECK(r.contains(3));
  CHECK(r.hits() == 1);
  CHECK(r.misses() == 3);
  CHECK(r.evictions() == 1);
}

TEST_CASE("ResidentExperts LFU evicts the least used, ties to the least recent", "[resident]") {
  auto use = [](ResidentExperts& r, uint32_t e) {
    REQUIRE(r.acquire(e));
    r.release(e);
  };
  SECTION("least used, even when most recent") {
    // 1 used twice, then 2 once (2 is the most recent): 3 evicts 2 (LRU would evict 1).
    ResidentExperts lfu(2, Eviction::lfu);
    use(lfu, 1);
    use(lfu, 1);
    use(lfu, 2);
    use(lfu, 3);
    CHECK(lfu.contains(1));
    CHECK_FALSE(lfu.contains(2));
    CHECK(lfu.contains(3));

    ResidentExperts lru(2, Eviction::lru);
    use(lru, 1);
    use(lru, 1);
    use(lru, 2);
    use(lru, 3);
    CHECK_FALSE(lru.contains(1));
    CHECK(lru.contains(2));
  }
  SECTION("ties go to the least recent") {
    // 1 and 2 used once each, 1 first: 3 evicts 1. Then 2 and 3 once each, 2 older: 4 evicts 2.
    ResidentExperts lfu(2, Eviction::lfu);
    use(lfu, 1);
    use(lfu, 2);
    use(lfu, 3);
    CHECK_FALSE(lfu.contains(1));
    CHECK(lfu.contains(2));
    CHECK(lfu.contains(3));
    use(lfu, 4);
    CHECK_FALSE(lfu.contains(2));
    CHECK(lfu.contains(3));
    CHECK(lfu.contains(4));
    CHECK(lfu.evictions() == 2);
  }
}

TEST_CASE("ResidentExperts never evicts a pinned entry", "[resident]") {
  for (Eviction policy : {Eviction::lru, Eviction::lfu}) {
    INFO((policy == Eviction::lru ? "lru" : "lfu"));
    // 2 slots: 1 acquired first and kept pinned, then 2 used twice. Recency (old -> new) 1, 2;
    // uses 1: 1, 2: 2. LRU and LFU would both pick 1, but it is pinned: 3 must evict 2.
    ResidentExperts r(2, policy);
    REQUIRE(r.acquire(1));  // pinned
    REQUIRE(r.acquire(2));
    r.release(2);
    REQUIRE(r.acquire(2));
    r.release(2);
    const auto s3 = r.acquire(3);  // must evict 2, the only unpinned one
    REQUIRE(s3);
    CHECK_FALSE(s3->hit);
    CHECK(r.contains(1));
    CHECK_FALSE(r.contains(2));
    CHECK(r.contains(3));
    // 1 and 3 both pinned: no slot for 4.
    CHECK_FALSE(r.acquire(4));
    CHECK_FALSE(r.contains(4));
    // Releasing 1 frees it for eviction.
    r.release(1);
    const auto s4 = r.acquire(4);
    REQUIRE(s4);
    CHECK_FALSE(r.contains(1));
    CHECK(r.contains(3));
    CHECK(r.contains(4));
  }
}

TEST_CASE("ResidentExperts contains() and invalidate()", "[resident]") {
  ResidentExperts r(3);
  CHECK_FALSE(r.contains(7));
  CHECK(r.slots() == 3);
  const auto s = r.acquire(7);
  REQUIRE(s);
  CHECK(r.contains(7));
  r.release(7);
  r.invalidate(7);
  CHECK_FALSE(r.contains(7));
  // Its slot is free again: the next expert takes a free slot without evicting.
  REQUIRE(r.acquire(8));
  REQUIRE(r.acquire(9));
  REQUIRE(r.acquire(10));
  CHECK(r.evictions() == 0);
}

TEST_CASE("policies that search need the cost model; the others work without it", "[policies]") {
  // adaptive and cost_model estimate makespans: without context.costs they refuse (std::invalid_argument).
  // gpu_only, static_tiers, monde_ideal and cxl_expert (whose warm_on_cpu rule is skipped) need no costs.
  PlacementContext no_costs;
  no_costs.ndp_available = true;
  for (const std::string& name : policy_names()) {
    PolicyConfig config;
    config.name = name;
    const auto policy = make_policy(config);
    INFO(name);
    if (name == "adaptive" || name == "cost_model") CHECK_THROWS_AS(policy->place(kEight, no_costs), std::invalid_argument);
    else CHECK(policy->place(kEight, no_costs).size() == 6);  // the 6 experts with tokens
  }
}

// ---------------------------------------------------------------------------
// make_policy

TEST_CASE("make_policy constructs every named policy; unknown names throw", "[policies][make_policy]") {
  REQUIRE(policy_names().size() == 6);
  for (const std::string& name : policy_names()) {
    PolicyConfig config;
    config.name = name;
    const auto policy = make_policy(config);
    REQUIRE(policy);
    CHECK(policy->name() == name);
  }
  PolicyConfig unknown;
  unknown.name = "round_robin";
  CHECK_THROWS_AS(make_policy(unknown), std::invalid_argument);
  unknown.name = "";
  CHECK_THROWS_AS(make_policy(unknown), std::invalid_argument);
}
