// The tight lower bound of the placement problem (firmware/tight_lower_bound.h):
// hand-computed cases, never above the best placement found by trying them
// all, never below the loose bound, the same as the bound as first written,
// and never above what the shipped scenarios' runs took (their golden result
// files, which ctest -L golden keeps equal to fresh runs). Plain C++: nothing
// here elaborates SystemC.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "firmware/lane_cost_model.h"
#include "firmware/placement_policy.h"
#include "firmware/plan_estimate.h"
#include "firmware/tight_lower_bound.h"
#include "platform/json_reader.h"

using namespace cxlvp;

namespace {

constexpr double us = 1e-6;
constexpr double ms = 1e-3;
// Times from round numbers, with the paper model's activation copies (under 10 ns) allowed for.
Approx within_ns(double seconds) { return Approx(seconds).epsilon(0).margin(1e-8); }

// The paper's per_token model: GPU 5, CPU 50, NDP 500 us per token; 200e6 B
// experts fetched at 32 GB/s (6.25 ms) over PCIe and 64 GB/s (3.125 ms) over
// the CXL link; activations nearly free.
LaneCostModel paper_costs() {
  LaneRates r;
  r.mode = ComputeMode::per_token;
  r.per_token_s = {5 * us, 50 * us, 500 * us};
  r.homes[0].fetch_Bps = 32e9;
  r.activation_Bps = 1e15;
  r.homes[0].cxl_Bps = 64e9;
  r.weights_in_cxl = true;
  MoeModelConfig m;
  m.expert_bytes = 200000000;
  return LaneCostModel(r, m, QuantizationConfig{});
}

// A roofline model where every resource matters: 4e6 B experts, 4e6 FLOP
// per token; FLOP/s GPU 1e12, CPU 1e11, NDP 1e10; weights streamed at
// GPU 5e11, CPU 4e10, NDP 1e11 B/s; fetch 2e10, activations 1e10, CXL 4e10 B/s.
LaneCostModel roofline_costs() {
  LaneRates r;
  r.mode = ComputeMode::roofline;
  r.flops_per_s = {1e12, 1e11, 1e10};
  r.hbm_Bps = 5e11;
  r.homes[0].home_Bps = 4e10;
  r.ndp_stream_Bps = 1e11;
  r.homes[0].fetch_Bps = 2e10;
  r.activation_Bps = 1e10;
  r.homes[0].cxl_Bps = 4e10;
  r.weights_in_cxl = true;
  MoeModelConfig m;
  m.d_model = 1000;
  m.d_ff = 1000;
  return LaneCostModel(r, m, QuantizationConfig{});
}

// The roofline model with two GPUs behind a PCIe switch whose upstream link
// (1.5e10 B/s) is slower than their fetch rate: expert e runs on GPU e mod 2,
// and every fetch and GPU 0's activation copies also cross the upstream link.
LaneCostModel switched_costs() {
  LaneCostModel base = roofline_costs();
  LaneRates r = base.rates();
  r.gpus = 2;
  r.gpu_below_switch = {true, true};
  r.pcie_upstream_Bps = 1.5e10;
  MoeModelConfig m;
  m.d_model = 1000;
  m.d_ff = 1000;
  return LaneCostModel(r, m, QuantizationConfig{});
}

PlacementContext context_with(const LaneCostModel& costs, bool ndp, std::vector<bool> resident = {}) {
  PlacementContext c;
  c.ndp_available = ndp;
  c.costs = &costs;
  c.resident = std::move(resident);
  return c;
}

// The least PlanEstimate makespan over every placement of the experts with
// tokens (3^m of them), each tried in both job orders PlanEstimate cares
// about (GPU jobs first or last): the best the cost model knows.
double best_placement(const std::vector<uint32_t>& counts, const PlacementContext& ctx) {
  std::vector<uint32_t> experts;
  for (uint32_t e = 0; e < counts.size(); ++e)
    if (counts[e]) experts.push_back(e);
  const int lanes = ctx.ndp_available ? 3 : 2;
  size_t total = 1;
  for (size_t i = 0; i < experts.size(); ++i) total *= size_t(lanes);
  double best = 1e300;
  for (size_t code = 0; code < total; ++code) {
    std::vector<Lane> lane(experts.size());
    for (size_t i = 0, c = code; i < experts.size(); ++i, c /= size_t(lanes)) lane[i] = Lane(c % size_t(lanes));
    for (bool gpu_first : {true, false}) {
      PlanEstimate e(*ctx.costs);
      for (int pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < experts.size(); ++i)
          if ((lane[i] == Lane::gpu) == ((pass == 0) == gpu_first))
            e.add(lane[i], counts[experts[i]], ctx.is_resident(experts[i]), experts[i]);
      best = std::min(best, e.makespan());
    }
  }
  return best;
}

// The bound as first written, with each λ's terms sorted afresh: the
// function keeps the order from one λ to the next and must give the same
// value to the last bit.
// The sum of the k smallest values, for k = 0..n.
std::vector<double> smallest_sums(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::vector<double> sums(v.size() + 1, 0.0);
  for (size_t i = 0; i < v.size(); ++i) sums[i + 1] = sums[i] + v[i];
  return sums;
}

// Weights for the CPU's load against the NDP engines' mean load: the
// experts' own balance points, where λ·cpu = (1 − λ)·ndp / engines (for the
// paper's per-token costs all experts share one, and it makes the bound the
// best divisible split), and a grid between 0 and 1 for the rest. Any λ in
// [0, 1] gives a bound; more only tighten it.
std::vector<double> cpu_weights(const std::vector<double>& cpu, const std::vector<double>& ndp_share) {
  std::vector<double> lambdas;
  for (int j = 0; j <= 64; ++j) lambdas.push_back(j / 64.0);
  for (size_t i = 0; i < cpu.size(); ++i)
    if (ndp_share[i] >= 0 && cpu[i] + ndp_share[i] > 0) lambdas.push_back(ndp_share[i] / (cpu[i] + ndp_share[i]));
  std::sort(lambdas.begin(), lambdas.end());
  lambdas.erase(std::unique(lambdas.begin(), lambdas.end()), lambdas.end());
  return lambdas;
}

double reference_tight_lower_bound(const std::vector<uint32_t>& tokens_per_expert, const PlacementContext& context,
                                   const std::vector<ExpertJobPlan>& plan) {
  const LaneCostModel& costs = *context.costs;
  const LaneRates& rates = costs.rates();
  PlacementContext seen = context;  // with the plan's preloaded experts resident
  std::vector<bool>& resident = seen.resident;
  resident.resize(tokens_per_expert.size(), false);
  for (const ExpertJobPlan& p : plan)
    if (p.preloaded && p.expert < resident.size()) resident[p.expert] = true;

  const double gpus = std::max(1u, rates.gpus), links = std::max(1u, rates.cxl_links);
  const double ndps = context.ndp_available ? std::max(1u, rates.ndps) : 1;

  // Per expert with tokens: its GPU job's time on its GPU's PCIe link (the
  // fetch), on CXL links and on a GPU; off the GPUs, its activation copies
  // (the same on CPU and NDP: half of them, the inputs, come down a GPU's
  // PCIe link, the outputs go up), its CPU time, and its NDP time over the
  // engines' count (-1: no NDP engine holds its weights).
  // Below the PCIe switch, the same for its upstream link (0 for a GPU not below it).
  std::vector<double> fetch_minus_copy, gpu_cxl, gpu_engine, copy, cpu, ndp_share, shared_fetch_minus_copy, shared_copy;
  for (uint32_t e = 0; e < tokens_per_expert.size(); ++e) {
    const uint32_t t = tokens_per_expert[e];
    if (t == 0) continue;
    const JobCost g = costs.cost(Lane::gpu, t, resident[e], e);
    const JobCost c = costs.cost(Lane::cpu, t, false, e);
    copy.push_back(c.pcie / 2);
    fetch_minus_copy.push_back(g.pcie - c.pcie / 2);
    shared_copy.push_back(c.pcie_upstream / 2);
    shared_fetch_minus_copy.push_back(g.pcie_upstream - c.pcie_upstream / 2);
    gpu_cxl.push_back(g.cxl);
    gpu_engine.push_back(g.engine);
    cpu.push_back(c.engine);
    ndp_share.push_back(seen.ndp_for(e) ? costs.cost(Lane::ndp, t, false, e).engine / ndps : -1.0);
  }
  const size_t m = cpu.size();
  const double all_copies = std::accumulate(copy.begin(), copy.end(), 0.0);
  const double all_shared_copies = std::accumulate(shared_copy.begin(), shared_copy.end(), 0.0);
  const std::vector<double> pcie_k = smallest_sums(fetch_minus_copy);
  const std::vector<double> shared_k = smallest_sums(shared_fetch_minus_copy);
  const std::vector<double> cxl_k = smallest_sums(gpu_cxl);
  const std::vector<double> engine_k = smallest_sums(gpu_engine);

  // rest[j]: a bound on max(CPU load, NDP engines' mean load) for any j
  // experts off the GPUs. For any λ in [0, 1] that maximum is at least
  // λ·CPU + (1 − λ)·NDP mean, a sum over the j experts of λ·cpu or
  // (1 − λ)·ndp_share, whichever lane each took, so at least the sum of the
  // j smallest min(λ·cpu, (1 − λ)·ndp_share).
  std::vector<double> rest(m + 1, 0.0);
  for (const double lambda : cpu_weights(cpu, ndp_share)) {
    std::vector<double> term(m);
    for (size_t i = 0; i < m; ++i)
      term[i] = ndp_share[i] < 0 ? lambda * cpu[i] : std::min(lambda * cpu[i], (1 - lambda) * ndp_share[i]);
    const std::vector<double> sums = smallest_sums(term);
    for (size_t j = 0; j <= m; ++j) rest[j] = std::max(rest[j], sums[j]);
  }

  // For k experts on the GPUs: every resource's least load over every choice
  // of k, spread over its instances (GPUs and their PCIe links, CXL links);
  // the PCIe switch's upstream link is one.
  double best = 1e300;
  for (size_t k = 0; k <= m; ++k) {
    const double pcie = (all_copies + pcie_k[k]) / gpus;
    const double shared = all_shared_copies + shared_k[k];
    best = std::min(best, std::max({pcie, shared, cxl_k[k] / links, engine_k[k] / gpus, rest[m - k]}));
  }
  return std::max(best, layer_lower_bound(tokens_per_expert, seen));
}

}  // namespace

// Paper model, counts {200, 100, 100}, NDP available. For k GPU experts:
//   k = 0: the 400 tokens split over CPU and NDP: 400 / (1/50 + 1/500) us = 18.18 ms
//   k = 1: PCIe 6.25 ms; the rest (100 + 100 tokens) split: 9.09 ms -> 9.09 ms
//   k = 2: PCIe 12.5 ms; k = 3: 18.75 ms
// -> 9.09 ms. The loose bound is 7.25 ms (the 200-token expert's GPU serial
// time); the best placement (200 on the GPU, both 100s on the CPU) 10 ms.
TEST_CASE("tight lower bound: hand-computed case, between the loose bound and the best placement", "[lower_bound][tight]") {
  const LaneCostModel costs = paper_costs();
  const std::vector<uint32_t> counts{200, 100, 100};
  const PlacementContext ctx = context_with(costs, true);
  CHECK(layer_lower_bound(counts, ctx) == within_ns(7.25 * ms));
  CHECK(tight_lower_bound(counts, ctx, {}) == within_ns(200 * 500.0 / 11 * us));
  CHECK(best_placement(counts, ctx) == within_ns(10 * ms));
  // Without NDP the rest runs on the CPU alone: k = 1 gives max(6.25, 10) = 10 ms, k = 2 gives 12.5 ms.
  CHECK(tight_lower_bound(counts, context_with(costs, false), {}) == within_ns(10 * ms));
  // The 200-token expert resident: k = 1 costs no PCIe; the rest is 9.09 ms as before, and k = 2
  // (200 and a 100 on the GPU) costs 6.25 ms of PCIe, the last 100 tokens split: 4.55 ms -> 6.25 ms.
  CHECK(tight_lower_bound(counts, context_with(costs, true, {true, false, false}), {}) == within_ns(6.25 * ms));
  // A preloaded plan counts as resident (monde_ideal's ideal), the same 6.25 ms.
  const std::vector<ExpertJobPlan> preloads{{0, 200, Lane::gpu, true}};
  CHECK(tight_lower_bound(counts, ctx, preloads) == within_ns(6.25 * ms));
  CHECK(tight_lower_bound(std::vector<uint32_t>(4, 0), ctx, {}) == 0);
}

// Random layers of 1 to 7 experts under the three cost models (paper,
// roofline, roofline with two GPUs behind a PCIe switch), with and without
// NDP and residency: loose bound <= tight bound <= the best of all placements.
// The gap to the best placement is printed (it is the bound's slack).
TEST_CASE("tight lower bound: never above the best placement, never below the loose bound", "[lower_bound][tight]") {
  const LaneCostModel paper = paper_costs(), roofline = roofline_costs(), switched = switched_costs();
  std::mt19937 rng(14);
  double worst_gap = 1;
  for (const LaneCostModel* costs : {&paper, &roofline, &switched})
    for (bool ndp : {true, false})
      for (int trial = 0; trial < 60; ++trial) {
        const size_t n = 1 + rng() % 7;
        std::vector<uint32_t> counts(n);
        std::vector<bool> resident(n);
        for (size_t e = 0; e < n; ++e) {
          counts[e] = rng() % 4 == 0 ? 0 : 1 + rng() % (costs == &paper ? 400 : 4000);
          resident[e] = rng() % 5 == 0;
        }
        const PlacementContext ctx = context_with(*costs, ndp, resident);
        const double loose = layer_lower_bound(counts, ctx), tight = tight_lower_bound(counts, ctx, {});
        const double best = best_placement(counts, ctx);
        INFO("trial " << trial << " ndp " << ndp << " experts " << n << ": loose " << loose << " tight " << tight
                      << " best " << best);
        CHECK(loose <= tight);
        CHECK(tight <= best * (1 + 1e-12));
        if (tight > 0) worst_gap = std::max(worst_gap, best / tight);
      }
  WARN("largest best placement / tight bound over the random layers: " << worst_gap);
}

// Layers of up to 80 experts, with ties (few distinct counts) or a long
// tail, under the three cost models and one whose homes are not all next to
// an NDP engine: the bound equals the reference's, bit for bit.
TEST_CASE("tight lower bound: the same value as sorting every λ's terms afresh", "[lower_bound][tight]") {
  LaneRates partial_rates = roofline_costs().rates();
  partial_rates.ndps = 2;
  partial_rates.cxl_links = 3;
  partial_rates.homes = {HomeRates{4e10, 2e10, 4e10, {0}, 0, 0}, HomeRates{4e10, 2e10, 4e10, {1}, 0, 1},
                         HomeRates{4e10, 2e10, 4e10, {2}, 0, -1}};
  for (uint32_t e = 0; e < 80; ++e) partial_rates.home_of.push_back(e % 3);
  MoeModelConfig m;
  m.d_model = 1000;
  m.d_ff = 1000;
  const LaneCostModel partial(partial_rates, m, QuantizationConfig{});
  const LaneCostModel paper = paper_costs(), roofline = roofline_costs(), switched = switched_costs();
  std::mt19937 rng(15);
  for (const LaneCostModel* costs : {&paper, &roofline, &switched, &partial})
    for (bool ndp : {true, false})
      for (int trial = 0; trial < 100; ++trial) {
        const size_t n = 1 + rng() % 80;
        const bool ties = rng() % 2;
        std::vector<uint32_t> counts(n);
        std::vector<bool> resident(n);
        for (size_t e = 0; e < n; ++e) {
          counts[e] = ties ? 100 * (rng() % 4) : (rng() % 3 == 0 ? 1 + rng() % 2000 : rng() % 20);
          resident[e] = rng() % 5 == 0;
        }
        const PlacementContext ctx = context_with(*costs, ndp, resident);
        INFO("trial " << trial << " ndp " << ndp << " experts " << n);
        CHECK(tight_lower_bound(counts, ctx, {}) == reference_tight_lower_bound(counts, ctx, {}));
      }
}

// Every shipped scenario's committed results (tests/golden/, equal to fresh
// runs: ctest -L golden): in every layer loose <= tight <= the layer's time
// (loose <= tight only where nothing is preloaded).
TEST_CASE("tight lower bound: below every shipped scenario's layer times, above the loose bound", "[lower_bound][tight][golden]") {
  namespace fs = std::filesystem;
  size_t summaries = 0, layers = 0;
  for (const auto& f : fs::recursive_directory_iterator(fs::path(CXLVP_SOURCE_DIR) / "tests/golden")) {
    if (f.path().filename() != "summary.json") continue;
    ++summaries;
    std::ifstream in(f.path());
    std::stringstream text;
    text << in.rdbuf();
    const auto json = read_json_scalars(text.str());
    INFO(f.path().string());
    REQUIRE(json.count("tight_lower_bound_s"));
    // monde_ideal preloads its hot experts, which the loose bound does not know: there the tight
    // bound may (rightly) lie below it.
    const bool preloads = json.at("policy") == "monde_ideal";
    CHECK(std::stod(json.at("tight_lower_bound_s")) <= std::stod(json.at("simulated_time_s")));
    if (!preloads) CHECK(std::stod(json.at("tight_lower_bound_s")) >= std::stod(json.at("lower_bound_s")));
    for (int i = 0; json.count("layers/" + std::to_string(i) + "/latency_s"); ++i, ++layers) {
      const std::string at = "layers/" + std::to_string(i) + "/";
      INFO("layer entry " << i);
      CHECK(std::stod(json.at(at + "tight_lower_bound_s")) <= std::stod(json.at(at + "latency_s")));
      if (!preloads) CHECK(std::stod(json.at(at + "tight_lower_bound_s")) >= std::stod(json.at(at + "lower_bound_s")));
    }
  }
  CHECK(summaries >= 19);
  CHECK(layers >= summaries);
}
