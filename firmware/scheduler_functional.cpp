// The scheduler's duties in functional mode (docs/functional-mode.md): load
// the seeded expert weights into their home memory at boot, and around each
// layer lay out every expert's input rows in HBM and combine the experts'
// outputs per token. These are done with debug transport, in zero simulated
// time: loading stands for a model loader before the run, and the
// permutation and combine for GPU kernels that the platform does not model.
// Everything between (copies, fetches, expert jobs) is timed as in timing mode.
#include <algorithm>
#include <string>

#include "../models/common/debug_access.h"
#include "functional_data.h"
#include "memory_layout.h"
#include "scheduler.h"

namespace cxlvp {

ExpertShape Scheduler::expert_shape() const {
  return {config_.model.d_model, config_.model.d_ff, config_.model.requant_shift, FfnActivation::relu};
}

// Each (layer, expert)'s blob at the address the jobs will read it from, in
// host DDR or CXL device memory (memory_layout.h), written through the
// firmware's own bus as host physical addresses.
void Scheduler::load_weights() {
  const MoeModelConfig& m = config_.model;
  const ExpertShape shape = expert_shape();
  if (m.bytes_per_expert() != shape.blob_bytes())
    SC_REPORT_FATAL("cxlvp/firmware", "functional mode: model.expert_bytes is not the size of an expert's blob");
  for (uint32_t layer = 0; layer < m.layers; ++layer)
    for (uint32_t expert = 0; expert < m.experts; ++expert) {
      std::vector<uint8_t> blob =
          pack_blob(generate_expert(config_.seed, layer, expert, shape, config_.workload.top_k), shape);
      const uint64_t address = weight_address(layer, expert, Lane::cpu);  // the host physical view
      if (!debug_transfer(bus, tlm::TLM_WRITE_COMMAND, address, blob.data(), blob.size()))
        SC_REPORT_FATAL("cxlvp/firmware", ("functional mode: cannot load the weights of layer " +
                                           std::to_string(layer) + ", expert " + std::to_string(expert))
                                              .c_str());
    }
}

void Scheduler::hbm_access(tlm::tlm_command cmd, uint64_t address, void* data, uint64_t bytes) {
  if (gpu_debug.size() == 0 || !debug_transfer(gpu_debug, cmd, address, static_cast<uint8_t*>(data), bytes))
    SC_REPORT_FATAL("cxlvp/firmware", "functional mode: no debug access to GPU HBM");
}

// Expert inputs: the rows of the tokens routed to each job's expert, in token
// order, at the job's HBM input (GPU jobs read them there; scatter copies take
// them to the staging memory of CPU and NDP jobs).
Scheduler::TokenRows Scheduler::stage_inputs(const std::vector<LayerJob>& jobs, const LayerRouting& routing) {
  const unsigned d = config_.model.d_model;
  std::vector<int> job_of(config_.model.experts, -1);
  for (size_t i = 0; i < jobs.size(); ++i) job_of[jobs[i].plan.expert] = int(i);
  TokenRows rows(jobs.size());
  for (uint32_t t = 0; t < routing.tokens(); ++t)
    for (unsigned k = 0; k < routing.top_k; ++k) {
      const int job = job_of[routing.experts[t * routing.top_k + k]];
      if (job < 0) SC_REPORT_FATAL("cxlvp/firmware", "functional mode: a routed expert has no job in the plan");
      rows[size_t(job)].push_back(t);
    }
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (rows[i].size() != jobs[i].plan.tokens)
      SC_REPORT_FATAL("cxlvp/firmware", "functional mode: a job's token count differs from its routed tokens");
    std::vector<int8_t> input;
    input.reserve(rows[i].size() * d);
    for (uint32_t t : rows[i]) input.insert(input.end(), &activations_[uint64_t(t) * d], &activations_[uint64_t(t + 1) * d]);
    hbm_access(tlm::TLM_WRITE_COMMAND, jobs[i].hbm_in, input.data(), input.size());
  }
  return rows;
}

// The combine rule: each token's output is the int32 sum of its top_k
// experts' outputs, saturated to int8; it is the next layer's input.
void Scheduler::combine_outputs(const std::vector<LayerJob>& jobs, const TokenRows& rows, const LayerRouting& routing) {
  const unsigned d = config_.model.d_model;
  std::vector<int32_t> sum(routing.tokens() * d, 0);
  for (size_t i = 0; i < jobs.size(); ++i) {
    std::vector<int8_t> output(rows[i].size() * d);
    hbm_access(tlm::TLM_READ_COMMAND, jobs[i].hbm_out, output.data(), output.size());
    for (size_t r = 0; r < rows[i].size(); ++r)
      for (unsigned c = 0; c < d; ++c) sum[uint64_t(rows[i][r]) * d + c] += output[r * d + c];
  }
  activations_.resize(sum.size());
  std::transform(sum.begin(), sum.end(), activations_.begin(), [](int32_t v) { return int8_t(std::clamp(v, -128, 127)); });
  if (on_layer_output_) on_layer_output_(routing, activations_);
}

}  // namespace cxlvp
