#pragma once
// Capacity planning: where each tensor class of the model lives and whether
// each memory holds what is placed in it. Routed experts live in their homes
// (model.weights_home and model.weights_placement over the topology's
// expanders and interleave sets: weight_plan.h); every other class lives in
// GPU HBM, whole in every GPU. Each memory also keeps what the platform
// reserves in it: HBM the workspace (hbm_reserved_GiB) and at least one routed
// expert's slot, DDR and each expander 1 GiB of descriptors and staging.
// `cxlvp validate` prints the plan; the loader refuses a model that does not
// fit. Assumes a valid topology (check_topology).
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "../firmware/transformer_model.h"
#include "scenario.h"

namespace cxlvp {

struct PlacedTensors {
  TensorClass tensor_class;
  TensorClassSize size;
  std::string format;  // format_name, or "expert_bytes" when model.expert_bytes sets the routed experts' size
  std::string memory;  // where it lives: gpu.hbm, ddr, cxl.mem, an interleave set; several joined by '+'
};

struct MemoryBudget {
  std::string memory;        // <gpu>.hbm, ddr, <expander>.mem, or an interleave set's name
  std::string capacity_key;  // the scenario key of its size
  uint64_t capacity = 0;
  uint64_t reserved = 0;     // what the platform keeps there besides the model's tensors
  std::string reserved_what;
  uint64_t tensors = 0;      // bytes of the tensor classes placed there
  uint64_t kv_cache = 0;     // a whole-layer model's KV cache, when it is placed there

  uint64_t needed() const { return reserved + tensors + kv_cache; }
  bool fits() const { return needed() <= capacity; }
};

struct CapacityPlan {
  ModelSize size;
  uint64_t decoder_layers = 0, dense_layers = 0, moe_layers = 0;
  std::vector<PlacedTensors> tensors;  // every class, in TensorClass order
  std::vector<MemoryBudget> memories;  // every GPU's HBM, DDR, every expander, every interleave set holding experts
  uint64_t kv_cache_bytes = 0;         // whole-layer models: one batch's KV cache (kv_cache.h) ...
  std::string kv_cache_memory;         // ... and where it lives (counted in that memory's budget)

  bool fits() const;
};

CapacityPlan plan_capacity(const Scenario& s);

// Needed and available for every memory, in one line: "gpu.hbm needs 27.6
// GiB (26.4 GiB of model tensors, 1.23 GiB reserved ...), holds 16.0 GiB; ...".
std::string memory_summary(const CapacityPlan& plan);

// The refusal of a plan that does not fit: the capacity key of the first
// memory short of space, and the memory summary.
struct CapacityProblem {
  std::string key, message;
};
CapacityProblem capacity_problem(const CapacityPlan& plan);

// The plan as `cxlvp validate` prints it: parameters, a table of tensor
// classes (parameters, bytes, format, memory) and one of memories.
void print_capacity_plan(const CapacityPlan& plan, std::ostream& out);

}  // namespace cxlvp
