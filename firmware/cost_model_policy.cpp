#include "cost_model_policy.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "lane_cost_model.h"
#include "plan_estimate.h"

namespace cxlvp {

namespace {

// One expert's job on each lane (gpu, cpu, ndp), costed once per place():
// the search tries every expert on every lane once per greedy pass.
struct ExpertJobs {
  uint32_t expert = 0;
  uint32_t lanes = 2;  // gpu and cpu, and ndp when an NDP engine can run it
  std::array<JobCost, 3> cost;
  std::array<JobPlace, 3> where;
};

// Places `jobs` (busiest first) on `timeline`, which holds the first
// `gpu_prefix` of them on the GPU already: every later one on whichever lane
// the estimated timeline finishes it first (ties: gpu, cpu, ndp), its lane
// written to `chosen`. Gives up (returns false) once the timeline's makespan
// reaches `beat`: a makespan only grows, so the pass cannot end below it.
// `chosen` then holds its lanes up to the job it gave up at, and place()
// reads no further (see there). `beat` < 0: never give up.
bool place_greedy(const std::vector<ExpertJobs>& jobs, size_t gpu_prefix, PlanEstimate& timeline,
                  std::vector<Lane>& chosen, double beat) {
  for (size_t i = gpu_prefix; i < jobs.size(); ++i) {
    const ExpertJobs& j = jobs[i];
    size_t lane = 0;
    double best = timeline.finish_if_added(Lane::gpu, j.cost[0], j.where[0]);
    for (size_t l = 1; l < j.lanes; ++l) {
      const double finish = timeline.finish_if_added(Lane(l), j.cost[l], j.where[l]);
      if (finish < best) lane = l, best = finish;
    }
    timeline.add(Lane(lane), j.cost[lane], j.where[lane]);
    chosen[i] = Lane(lane);
    if (beat >= 0 && timeline.makespan() >= beat) return false;
  }
  return true;
}

}  // namespace

std::vector<ExpertJobPlan> CostModelPolicy::place(const std::vector<uint32_t>& counts,
                                                  const PlacementContext& context) const {
  if (!context.costs) throw std::invalid_argument("the cost_model policy needs the platform's cost model");
  const LaneCostModel& costs = *context.costs;
  std::vector<ExpertJobs> by_id(counts.size());
  std::vector<double> best_cost(counts.size(), 0.0);  // per expert: its best lane's serial time
  std::vector<uint32_t> order;
  for (uint32_t e = 0; e < counts.size(); ++e) {
    if (counts[e] == 0) continue;
    ExpertJobs& j = by_id[e];
    j.expert = e;
    j.lanes = context.ndp_for(e) ? 3 : 2;
    best_cost[e] = 1e300;
    for (uint32_t l = 0; l < j.lanes; ++l) {
      j.cost[l] = costs.cost(Lane(l), counts[e], context.is_resident(e), e);
      j.where[l] = costs.place(Lane(l), e);
      best_cost[e] = std::min(best_cost[e], j.cost[l].serial());
    }
    order.push_back(e);
  }
  // Largest first by best-lane cost; ties by token count, then id, for determinism.
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const double ca = best_cost[a], cb = best_cost[b];
    return ca != cb ? ca > cb : counts[a] > counts[b];
  });
  // Resident experts first: they keep the GPU computing while the others are
  // fetched, instead of waiting behind those fetches.
  std::stable_partition(order.begin(), order.end(), [&](uint32_t e) { return context.is_resident(e); });
  std::vector<ExpertJobs> jobs;
  jobs.reserve(order.size());
  for (uint32_t e : order) jobs.push_back(by_id[e]);

  // Greedy list scheduling alone can misjudge the GPU: an early fetch looks
  // expensive, yet it frees the slow lanes for the tail. So also try forcing
  // the k busiest experts onto the GPU, for every k, and keep the best estimate
  // (the first on a tie). A pass that forces the k-th busiest onto the GPU is
  // the previous pass when that one put it there already: same timeline, same
  // plan, so it is skipped (with a skewed routing the greedy sends most of the
  // busiest there). Pass k starts from `prefix`, the timeline of the k
  // busiest on the GPU, which grows by one job per k; once that alone reaches
  // the best makespan, no later pass can beat it. A pass that gave up at job
  // i (reaching the best makespan) left its lanes in `last` up to i only, and
  // the loop reads no further: if the pass put all of jobs k..i on the GPU,
  // its timeline is `prefix` at k = i + 1, which ends the loop; otherwise the
  // first it put elsewhere starts the next pass, which rewrites `last`.
  PlanEstimate prefix(costs), timeline(costs);
  std::vector<Lane> last(jobs.size()), best(jobs.size());
  place_greedy(jobs, 0, timeline, best, -1);
  double best_makespan = timeline.makespan();
  last = best;
  for (size_t k = 1; k <= jobs.size(); ++k) {
    prefix.add(Lane::gpu, jobs[k - 1].cost[0], jobs[k - 1].where[0]);
    if (prefix.makespan() >= best_makespan) break;
    if (last[k - 1] == Lane::gpu) continue;
    timeline = prefix;
    std::fill(last.begin(), last.begin() + k, Lane::gpu);
    if (place_greedy(jobs, k, timeline, last, best_makespan) && timeline.makespan() < best_makespan)
      best_makespan = timeline.makespan(), best = last;
  }
  std::vector<ExpertJobPlan> plan;
  plan.reserve(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) plan.push_back({jobs[i].expert, counts[jobs[i].expert], best[i]});
  return plan;
}

}  // namespace cxlvp
