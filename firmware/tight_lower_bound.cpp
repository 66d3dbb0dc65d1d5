#include "tight_lower_bound.h"

#include <algorithm>
#include <numeric>

#include "lane_cost_model.h"
#include "plan_estimate.h"

namespace cxlvp {

double fractional_two_machine_split(const std::vector<double>& a, const std::vector<double>& b) {
  // Jobs relatively cheapest on the first machine go there first (an
  // exchange argument: moving work of a lower a/b ratio to the first machine
  // frees more of the second per unit of the first); the job at which the
  // first machine's load would pass the second's is divided between them.
  std::vector<size_t> order(a.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return a[i] * b[j] < a[j] * b[i]; });
  double first = 0, second = std::accumulate(b.begin(), b.end(), 0.0);
  for (size_t i : order) {
    if (first + a[i] <= second - b[i]) {
      first += a[i];
      second -= b[i];
      continue;
    }
    // first + x a = second - x b
    const double x = (second - first) / (a[i] + b[i]);
    return first + x * a[i];
  }
  return std::max(first, second);
}

namespace {

// The sum of the k smallest values, for k = 0..n.
std::vector<double> smallest_sums(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::vector<double> sums(v.size() + 1, 0.0);
  for (size_t i = 0; i < v.size(); ++i) sums[i + 1] = sums[i] + v[i];
  return sums;
}

}  // namespace

double tight_lower_bound(const std::vector<uint32_t>& tokens_per_expert, const PlacementContext& context,
                         const std::vector<ExpertJobPlan>& plan) {
  const LaneCostModel& costs = *context.costs;
  PlacementContext seen = context;  // with the plan's preloaded experts resident
  std::vector<bool>& resident = seen.resident;
  resident.resize(tokens_per_expert.size(), false);
  for (const ExpertJobPlan& p : plan)
    if (p.preloaded && p.expert < resident.size()) resident[p.expert] = true;

  // Experts with tokens, busiest first; only they must run.
  std::vector<uint32_t> experts;
  for (uint32_t e = 0; e < tokens_per_expert.size(); ++e)
    if (tokens_per_expert[e] > 0) experts.push_back(e);
  std::stable_sort(experts.begin(), experts.end(),
                   [&](uint32_t x, uint32_t y) { return tokens_per_expert[x] > tokens_per_expert[y]; });
  const size_t m = experts.size();

  // Per expert: its GPU job's time on PCIe downstream (the fetch), the CXL
  // link and the GPU engine; off the GPU, its activation copies (the same on
  // CPU and NDP: half of them, the inputs, come down PCIe, the outputs go up)
  // and its engine time on each of CPU and NDP.
  std::vector<double> gpu_pcie_minus_copies(m), gpu_cxl(m), gpu_engine(m), copies(m), cpu(m), ndp(m);
  for (size_t i = 0; i < m; ++i) {
    const uint32_t e = experts[i], t = tokens_per_expert[e];
    const JobCost g = costs.cost(Lane::gpu, t, resident[e]);
    const JobCost c = costs.cost(Lane::cpu, t, false);
    const JobCost n = costs.cost(Lane::ndp, t, false);
    copies[i] = c.pcie / 2;
    gpu_pcie_minus_copies[i] = g.pcie - copies[i];
    gpu_cxl[i] = g.cxl;
    gpu_engine[i] = g.engine;
    cpu[i] = c.engine;
    ndp[i] = n.engine;
  }
  const double all_copies = std::accumulate(copies.begin(), copies.end(), 0.0);
  const std::vector<double> pcie_k = smallest_sums(gpu_pcie_minus_copies);
  const std::vector<double> cxl_k = smallest_sums(gpu_cxl);
  const std::vector<double> engine_k = smallest_sums(gpu_engine);

  // For k GPU experts, each resource's least load over every choice of k:
  // PCIe downstream, the CXL link and the GPU engine from the k experts
  // cheapest for each (PCIe upstream carries only the other halves of the
  // copies, never more than downstream without fetches); the CPU and
  // NDP engines from the m - k experts with the fewest tokens (their costs
  // grow with tokens and do not depend on which expert it is), split at best.
  double best = 1e300;
  for (size_t k = 0; k <= m; ++k) {
    const std::vector<double> rest_cpu(cpu.begin() + std::ptrdiff_t(k), cpu.end());
    double rest = 0;
    if (context.ndp_available) {
      const std::vector<double> rest_ndp(ndp.begin() + std::ptrdiff_t(k), ndp.end());
      rest = fractional_two_machine_split(rest_cpu, rest_ndp);
    } else {
      rest = std::accumulate(rest_cpu.begin(), rest_cpu.end(), 0.0);
    }
    const double pcie = all_copies + pcie_k[k];
    best = std::min(best, std::max({pcie, cxl_k[k], engine_k[k], rest}));
  }
  return std::max(best, layer_lower_bound(tokens_per_expert, seen));
}

}  // namespace cxlvp
