#pragma once
// Where a whole-layer model's GPU-side state lives (docs/models-zoo.md#the-forward-pass):
// the resident weights (every tensor class but the routed experts) in GPU HBM
// after the reserved workspace, and the KV cache of one batch in HBM after
// them when workload.kv_cache_home allows and it fits (auto: beside at least
// one routed expert's slot), else in host DDR or the first expander's memory,
// after the weights those hold. The GPUs' expert slots start after it all.
#include <cstdint>
#include <string>

#include "memory_map.h"
#include "topology.h"
#include "weight_plan.h"

namespace cxlvp {

struct GpuStateLayout {
  uint64_t resident_base = 0;   // HBM offset of the resident weights
  uint64_t resident_bytes = 0;
  uint64_t kv_bytes = 0;
  bool kv_in_hbm = true;
  uint64_t kv_base = 0;         // HBM offset, or host physical address
  std::string kv_memory;        // <gpu>.hbm, ddr or <expander>.mem
  uint64_t slots_base = 0;      // HBM offset where the expert slots start (every GPU)
};

GpuStateLayout plan_gpu_state(const Scenario& s, const Topology& t, const MemoryMap& m, const WeightPlan& weights);

}  // namespace cxlvp
