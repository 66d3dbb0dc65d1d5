#include "kv_cache.h"

#include "../firmware/forward_pass.h"
#include "../firmware/memory_layout.h"

namespace cxlvp {

namespace {

// Weight bytes the home in `memory` ("ddr" or an expander's own window) holds, 0 if it is none.
uint64_t weights_in(const Scenario& s, const WeightPlan& weights, int expander) {
  for (unsigned h = 0; h < weights.homes.size(); ++h) {
    const WeightHome& home = weights.homes[h];
    if ((expander < 0 && home.name == "ddr") || (expander >= 0 && home.expander == expander))
      return saturated_product(weights.experts.experts_in(h), s.model.layers, s.model.bytes_per_expert());
  }
  return 0;
}

}  // namespace

GpuStateLayout plan_gpu_state(const Scenario& s, const Topology& t, const MemoryMap& m, const WeightPlan& weights) {
  GpuStateLayout g;
  const GpuConfig& gpu = t.gpus.front().gpu;
  g.resident_base = gpu.hbm_reserved_bytes;
  g.slots_base = gpu.hbm_reserved_bytes;
  g.kv_memory = t.gpus.front().name + ".hbm";
  if (!s.model.whole_layers()) return g;
  const ForwardPass pass(s.model, s.workload);
  g.resident_bytes = pass.resident_bytes();
  g.kv_bytes = pass.kv_cache_bytes();
  const uint64_t after_resident = g.resident_base + g.resident_bytes;
  const uint64_t hbm_room = gpu.hbm.capacity_bytes > after_resident + s.model.bytes_per_expert()
                                ? gpu.hbm.capacity_bytes - after_resident - s.model.bytes_per_expert()
                                : 0;
  KvCacheHome home = s.workload.kv_cache_home;
  if (home == KvCacheHome::automatic) home = g.kv_bytes <= hbm_room ? KvCacheHome::hbm : KvCacheHome::ddr;
  g.kv_in_hbm = home == KvCacheHome::hbm;
  if (g.kv_in_hbm) {
    g.kv_base = after_resident;
  } else if (home == KvCacheHome::ddr) {
    g.kv_memory = "ddr";
    g.kv_base = m.ddr_base + layout::weights + weights_in(s, weights, -1);
  } else {  // the first expander's own window, after the experts it holds
    g.kv_memory = t.expanders.front().name + ".mem";
    g.kv_base = m.expander_windows.front().base + layout::weights + weights_in(s, weights, 0);
  }
  g.slots_base = after_resident + (g.kv_in_hbm ? g.kv_bytes : 0);
  return g;
}

}  // namespace cxlvp
