#include "capacity_plan.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "../firmware/memory_layout.h"
#include "kv_cache.h"
#include "memory_map.h"
#include "topology.h"
#include "weight_plan.h"

namespace cxlvp {

namespace {

std::string gib(uint64_t bytes) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(bytes < (10ull << 30) ? 2 : 1) << double(bytes) / double(layout::GiB) << " GiB";
  return text.str();
}

// "671.03 B", "46.70 B", "2.10 M": parameters, as model cards write them.
std::string count(uint64_t n) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(2);
  if (n >= 1000000000ull) text << n / 1e9 << " B";
  else if (n >= 1000000ull) text << n / 1e6 << " M";
  else text << n;
  return text.str();
}

}  // namespace

bool CapacityPlan::fits() const {
  return std::all_of(memories.begin(), memories.end(), [](const MemoryBudget& m) { return m.fits(); });
}

CapacityPlan plan_capacity(const Scenario& s) {
  const MoeModelConfig& m = s.model;
  const Topology t = resolve_topology(s);
  const WeightPlan weights = plan_weights(s, t, build_memory_map(s, t));
  CapacityPlan plan;
  plan.size = model_size(m, s.workload.top_k);
  plan.decoder_layers = decoder_layer_count(m);
  plan.moe_layers = m.layers;
  plan.dense_layers = plan.decoder_layers - plan.moe_layers;

  // Every GPU holds the classes other than the routed experts whole (a replica
  // each), next to its workspace and at least one routed expert's slot.
  uint64_t replicated = 0;
  for (size_t i = 0; i < kTensorClasses; ++i)
    if (TensorClass(i) != TensorClass::routed_experts) replicated += plan.size.classes[i].bytes;
  std::string gpu_memories;
  for (size_t i = 0; i < t.gpus.size(); ++i) {
    const GpuConfig& gpu = t.gpus[i].gpu;
    const std::string key = s.platform.gpus.empty() ? "platform.gpu" : "platform.gpus." + std::to_string(i);
    plan.memories.push_back({t.gpus[i].name + ".hbm", key + ".hbm.capacity_GiB", gpu.hbm.capacity_bytes,
                             gpu.hbm_reserved_bytes + m.bytes_per_expert(), "reserved workspace and one routed expert's slot",
                             replicated});
    gpu_memories += (gpu_memories.empty() ? "" : "+") + t.gpus[i].name + ".hbm";
  }

  // Host DDR and every expander keep 1 GiB for descriptors and staging; the
  // routed experts' homes (weight_plan.h) hold their experts after it, an
  // interleave set in its window.
  plan.memories.push_back({"ddr", "platform.host.ddr.capacity_GiB", s.platform.host.ddr.capacity_bytes, layout::weights,
                           "descriptors and staging", 0});
  for (const TopologyExpander& x : t.expanders)
    plan.memories.push_back({x.name + ".mem", x.key + ".dram.capacity_GiB", x.cxl.dram.capacity_bytes, layout::weights,
                             "descriptors and staging", 0});
  std::string routed_memories;
  for (unsigned h = 0; h < weights.homes.size(); ++h) {
    const WeightHome& home = weights.homes[h];
    const uint64_t bytes = saturated_product(weights.experts.experts_in(h), m.layers, m.bytes_per_expert());
    const bool own_memory = home.name == "ddr" || (home.expander >= 0 && t.expanders[unsigned(home.expander)].set < 0);
    const std::string memory = home.name == "ddr" ? "ddr" : own_memory ? home.name + ".mem" : home.name;
    if (!own_memory)  // an interleave set: its window, striped over its members
      plan.memories.push_back({memory, home.key, home.area_bytes, 0, "", 0});
    for (MemoryBudget& budget : plan.memories)
      if (budget.memory == memory) budget.tensors += bytes;
    routed_memories += (routed_memories.empty() ? "" : "+") + memory;
  }

  // A whole-layer model's KV cache: in GPU 0's HBM, host DDR or the first expander (kv_cache.h).
  const GpuStateLayout state = plan_gpu_state(s, t, build_memory_map(s, t), weights);
  plan.kv_cache_bytes = state.kv_bytes;
  plan.kv_cache_memory = state.kv_memory;
  for (MemoryBudget& budget : plan.memories)
    if (budget.memory == state.kv_memory) budget.kv_cache += state.kv_bytes;

  for (size_t i = 0; i < kTensorClasses; ++i) {
    const TensorClass c = TensorClass(i);
    const bool routed = c == TensorClass::routed_experts;
    const std::string format = routed && m.expert_bytes != 0 ? "expert_bytes" : format_name(m.format(c));
    plan.tensors.push_back({c, plan.size.classes[i], format, routed ? routed_memories : gpu_memories});
  }
  return plan;
}

std::string memory_summary(const CapacityPlan& plan) {
  std::string all;
  for (const MemoryBudget& m : plan.memories)
    all += std::string(all.empty() ? "" : "; ") + m.memory + " needs " + gib(m.needed()) + " (" + gib(m.tensors) +
           " of model tensors" + (m.kv_cache ? ", " + gib(m.kv_cache) + " of KV cache" : "") +
           (m.reserved ? ", " + gib(m.reserved) + " " + m.reserved_what : "") + "), holds " + gib(m.capacity);
  return all;
}

CapacityProblem capacity_problem(const CapacityPlan& plan) {
  CapacityProblem problem;
  for (const MemoryBudget& m : plan.memories)
    if (!m.fits()) {
      problem.key = m.capacity_key;
      break;
    }
  problem.message = "the model does not fit: " + memory_summary(plan);
  return problem;
}

void print_capacity_plan(const CapacityPlan& plan, std::ostream& out) {
  const ModelSize& size = plan.size;
  out << "model: " << plan.decoder_layers << " decoder layers (" << plan.dense_layers << " dense, " << plan.moe_layers
      << " MoE); " << count(size.params_total()) << " parameters, " << count(size.params_active_per_token())
      << " active per token (" << count(size.params_active_per_token_excl_embedding())
      << " without the embedding table); " << gib(size.bytes_total()) << " of weights\n";
  out << "  " << std::left << std::setw(16) << "tensor class" << std::right << std::setw(12) << "parameters"
      << std::setw(12) << "active" << std::setw(14) << "bytes" << "  " << std::left << std::setw(14) << "format"
      << "memory\n";
  for (const PlacedTensors& t : plan.tensors) {
    if (t.size.params == 0 && t.size.bytes == 0) continue;
    out << "  " << std::left << std::setw(16) << tensor_class_name(t.tensor_class) << std::right << std::setw(12)
        << count(t.size.params) << std::setw(12) << count(t.size.active_params_per_token) << std::setw(14)
        << gib(t.size.bytes) << "  " << std::left << std::setw(14) << t.format << t.memory << "\n";
  }
  if (plan.kv_cache_bytes)
    out << "  " << std::left << std::setw(16) << "kv cache" << std::right << std::setw(12) << "" << std::setw(12) << ""
        << std::setw(14) << gib(plan.kv_cache_bytes) << "  " << std::left << std::setw(14) << "" << plan.kv_cache_memory
        << "\n";
  out << "  " << std::left << std::setw(10) << "memory" << std::right << std::setw(14) << "model" << std::setw(14)
      << "reserved" << std::setw(14) << "needs" << std::setw(14) << "holds" << "\n";
  for (const MemoryBudget& m : plan.memories)
    out << "  " << std::left << std::setw(10) << m.memory << std::right << std::setw(14) << gib(m.tensors + m.kv_cache) << std::setw(14)
        << gib(m.reserved) << std::setw(14) << gib(m.needed()) << std::setw(14) << gib(m.capacity) << "  "
        << (m.fits() ? "fits" : "DOES NOT FIT") << "\n";
  out << std::right;
}

}  // namespace cxlvp
