#include "capacity_plan.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "../firmware/memory_layout.h"

namespace cxlvp {

namespace {

const char* const kHbm = "gpu.hbm";
const char* const kDdr = "ddr";
const char* const kCxl = "cxl.mem";

std::string home_of(TensorClass c, const Scenario& s) {
  if (c != TensorClass::routed_experts) return kHbm;
  return s.model.weights_home == WeightsHome::cxl ? kCxl : kDdr;
}

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
  CapacityPlan plan;
  plan.size = model_size(m, s.workload.top_k);
  plan.decoder_layers = decoder_layer_count(m);
  plan.moe_layers = m.layers;
  plan.dense_layers = plan.decoder_layers - plan.moe_layers;
  const auto& gpu = s.platform.gpu;
  plan.memories = {
      {kHbm, "platform.gpu.hbm.capacity_GiB", gpu.hbm.capacity_bytes, gpu.hbm_reserved_bytes + m.bytes_per_expert(),
       "reserved workspace and one routed expert's slot", 0},
      {kDdr, "platform.host.ddr.capacity_GiB", s.platform.host.ddr.capacity_bytes, layout::weights,
       "descriptors and staging", 0},
      {kCxl, "platform.cxl.dram.capacity_GiB", s.platform.cxl.dram.capacity_bytes, layout::weights,
       "descriptors and staging", 0}};
  for (size_t i = 0; i < kTensorClasses; ++i) {
    const TensorClass c = TensorClass(i);
    const bool sized_by_key = c == TensorClass::routed_experts && m.expert_bytes != 0;
    PlacedTensors placed{c, plan.size.classes[i], sized_by_key ? "expert_bytes" : format_name(m.format(c)), home_of(c, s)};
    for (MemoryBudget& memory : plan.memories)
      if (memory.memory == placed.memory) memory.tensors += placed.size.bytes;
    plan.tensors.push_back(placed);
  }
  return plan;
}

std::string memory_summary(const CapacityPlan& plan) {
  std::string all;
  for (const MemoryBudget& m : plan.memories)
    all += std::string(all.empty() ? "" : "; ") + m.memory + " needs " + gib(m.needed()) + " (" + gib(m.tensors) +
           " of model tensors, " + gib(m.reserved) + " " + m.reserved_what + "), holds " + gib(m.capacity);
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
  out << "  " << std::left << std::setw(10) << "memory" << std::right << std::setw(14) << "model" << std::setw(14)
      << "reserved" << std::setw(14) << "needs" << std::setw(14) << "holds" << "\n";
  for (const MemoryBudget& m : plan.memories)
    out << "  " << std::left << std::setw(10) << m.memory << std::right << std::setw(14) << gib(m.tensors) << std::setw(14)
        << gib(m.reserved) << std::setw(14) << gib(m.needed()) << std::setw(14) << gib(m.capacity) << "  "
        << (m.fits() ? "fits" : "DOES NOT FIT") << "\n";
  out << std::right;
}

}  // namespace cxlvp
