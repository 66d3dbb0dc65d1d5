#include "tight_lower_bound.h"

#include <algorithm>
#include <numeric>

#include "lane_cost_model.h"
#include "plan_estimate.h"

namespace cxlvp {

namespace {

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

}  // namespace

double tight_lower_bound(const std::vector<uint32_t>& tokens_per_expert, const PlacementContext& context,
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
  // The λs come in ascending order, and two experts' terms change order at
  // most once over [0, 1] (each is λ·cpu up to its balance point and
  // (1 − λ)·ndp_share after it), so the experts in the previous λ's order are
  // nearly in order: an insertion sort of that order costs m per λ plus at
  // most m²/2 swaps over all λs, where sorting afresh cost m log m per λ. Any
  // sort gives the same ascending values, and so the same sums.
  std::vector<double> rest(m + 1, 0.0), term(m);
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  for (const double lambda : cpu_weights(cpu, ndp_share)) {
    for (size_t i = 0; i < m; ++i)
      term[i] = ndp_share[i] < 0 ? lambda * cpu[i] : std::min(lambda * cpu[i], (1 - lambda) * ndp_share[i]);
    for (size_t i = 1; i < m; ++i)
      for (size_t j = i; j > 0 && term[order[j]] < term[order[j - 1]]; --j) std::swap(order[j], order[j - 1]);
    double sum = 0;
    for (size_t j = 0; j < m; ++j) rest[j + 1] = std::max(rest[j + 1], sum += term[order[j]]);
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

}  // namespace cxlvp
