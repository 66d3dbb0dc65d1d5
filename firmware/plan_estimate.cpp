#include "plan_estimate.h"

#include <algorithm>
#include <type_traits>

namespace cxlvp {

PlanEstimate::PlanEstimate(const LaneCostModel& costs)
    : costs_(&costs),
      engine_(costs.engines(), 0.0),
      pcie_(costs.rates().gpus, 0.0),
      cxl_(std::max(1u, costs.rates().cxl_links), 0.0) {}

double PlanEstimate::add(Lane lane, uint32_t tokens, bool resident, uint32_t expert) {
  return add(lane, costs_->cost(lane, tokens, resident, expert), costs_->place(lane, expert));
}

template <class Self>
double PlanEstimate::step(Self& self, Lane lane, const JobCost& c, const JobPlace& where) {
  constexpr bool commit = !std::is_const_v<Self>;
  double engine = self.engine_[where.engine];
  double pcie = self.pcie_[where.pcie];
  double pcie_upstream = self.pcie_upstream_;
  double upstream = self.upstream_;
  // When the CXL path of the weights' home is free after carrying the job
  // from `start` on. Its links are distinct (an interleave set lists each
  // expander once), so each is read once before it is written.
  const auto cross_cxl = [&](double start) {
    double free = start;
    for (unsigned l : where.home->links) {
      const double link = std::max(self.cxl_[l], start) + c.cxl;
      if constexpr (commit) self.cxl_[l] = link;
      free = std::max(free, link);
    }
    if (c.upstream > 0) free = std::max(free, upstream = std::max(upstream, start) + c.upstream);
    return free;
  };
  double finish;
  if (lane == Lane::gpu) {
    double fetched = 0;
    if (c.pcie > 0) {
      pcie += c.pcie;
      fetched = std::max(pcie, c.cxl > 0 || c.upstream > 0 ? cross_cxl(0) : 0.0);
      if (c.pcie_upstream > 0) fetched = std::max(fetched, pcie_upstream += c.pcie_upstream);
    }
    engine = std::max(engine, fetched) + c.engine;
    finish = engine;
  } else {
    // Activation copies are small and share PCIe with weight fetches rather
    // than queueing behind them: they count as PCIe load, and delay only
    // their own job.
    pcie += c.pcie;
    pcie_upstream += c.pcie_upstream;  // GPU 0's copies, when it is below the PCIe switch
    const double start = engine + c.pcie / 2;  // activations in
    engine = start + c.engine;
    if (c.cxl > 0 || c.upstream > 0) engine = std::max(engine, cross_cxl(start));  // weights streamed
    finish = engine + c.pcie / 2;  // results back
  }
  if constexpr (commit) {
    self.engine_[where.engine] = engine;
    self.pcie_[where.pcie] = pcie;
    self.pcie_upstream_ = pcie_upstream;
    self.upstream_ = upstream;
    self.makespan_ = std::max({self.makespan_, finish, pcie, upstream, pcie_upstream});
    for (double l : self.cxl_) self.makespan_ = std::max(self.makespan_, l);
  }
  return finish;
}

double PlanEstimate::add(Lane lane, const JobCost& c, const JobPlace& where) { return step(*this, lane, c, where); }

double PlanEstimate::finish_if_added(Lane lane, const JobCost& c, const JobPlace& where) const {
  return step(*this, lane, c, where);
}

double layer_lower_bound(const std::vector<uint32_t>& tokens_per_expert, const PlacementContext& context) {
  const LaneRates& r = context.costs->rates();
  const unsigned ndps = context.ndp_available ? r.ndps : 0;
  bool upstream = false, pcie_upstream = false;
  for (const HomeRates& h : r.homes) upstream |= h.upstream_Bps > 0;
  for (bool below : r.gpu_below_switch) pcie_upstream |= below && r.pcie_upstream_Bps > 0;
  // The PCIe switch's upstream link counts once per direction: a fetch it
  // paces falls on one, GPU 0's activation copies on both.
  const double resources =
      r.gpus + 1 + ndps + r.gpus + std::max(1u, r.cxl_links) + (upstream ? 1 : 0) + (pcie_upstream ? 2 : 0);
  // shared: the PCIe switch's upstream link carries towards the GPUs,
  // whichever lane each expert takes, at least its least time there: a GPU
  // job's fetch, or half of a CPU or NDP job's copies (the outputs; the
  // inputs go the other way).
  double longest = 0, spread = 0, shared = 0;
  for (uint32_t e = 0; e < tokens_per_expert.size(); ++e) {
    if (tokens_per_expert[e] == 0) continue;
    double best_serial = 1e300, best_busiest = 1e300, least_shared = 1e300;
    for (Lane l : {Lane::gpu, Lane::cpu, Lane::ndp}) {
      if (l == Lane::ndp && !context.ndp_for(e)) continue;
      const JobCost c = context.costs->cost(l, tokens_per_expert[e], context.is_resident(e), e);
      best_serial = std::min(best_serial, c.serial());
      best_busiest = std::min(best_busiest, std::max({c.pcie, c.cxl, c.upstream, c.pcie_upstream, c.engine}));
      least_shared = std::min(least_shared, l == Lane::gpu ? c.pcie_upstream : c.pcie_upstream / 2);
    }
    longest = std::max(longest, best_serial);
    spread += best_busiest;
    shared += least_shared;
  }
  return std::max({longest, spread / resources, shared});
}

}  // namespace cxlvp
