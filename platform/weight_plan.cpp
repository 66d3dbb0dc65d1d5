#include "weight_plan.h"

#include "../firmware/memory_layout.h"
#include "../firmware/routing_generator.h"

namespace cxlvp {

namespace {

WeightsPlacement resolve(const Scenario& s, const Topology& t) {
  if (s.model.weights_placement != WeightsPlacement::automatic) return s.model.weights_placement;
  return t.sets.empty() ? WeightsPlacement::partitioned : WeightsPlacement::interleaved;
}

}  // namespace

WeightPlan plan_weights(const Scenario& s, const Topology& t, const MemoryMap& m) {
  std::vector<WeightHome> homes;
  const WeightsPlacement placement = resolve(s, t);
  if (s.model.weights_home == WeightsHome::ddr) {
    homes.push_back({"ddr", "platform.host.ddr.capacity_GiB", m.ddr_base + layout::weights,
                     m.ddr_size > layout::weights ? m.ddr_size - layout::weights : 0, -1});
  } else if (placement == WeightsPlacement::interleaved) {
    // The first interleave set holds every expert (from the start of its window).
    if (!t.sets.empty()) {
      const TopologySet& set = t.sets[0];
      const int whole = set.members.size() == 1 ? int(set.members[0]) : -1;
      homes.push_back({set.name, set.key + ".size_GiB", m.set_windows[0].base, m.set_windows[0].size, whole});
    }
  } else {
    // Partitioned or by popularity over the expanders with a window of their own.
    for (unsigned x = 0; x < t.expanders.size(); ++x) {
      if (t.expanders[x].set >= 0) continue;
      const AddressRange& w = m.expander_windows[x];
      homes.push_back({t.expanders[x].name, t.expanders[x].key + ".dram.capacity_GiB", w.base + layout::weights,
                       w.size > layout::weights ? w.size - layout::weights : 0, int(x)});
    }
  }
  std::vector<double> popularity;
  if (placement == WeightsPlacement::popularity && s.workload.distribution != RoutingDistribution::trace)
    popularity = RoutingGenerator(s.workload, s.model.experts, s.seed).expected_shares();
  const unsigned n = unsigned(std::max<size_t>(1, homes.size()));
  return {homes, WeightHomes(s.model, n, placement, popularity), placement};
}

}  // namespace cxlvp
