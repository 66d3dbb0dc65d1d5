#pragma once
// The functional half of an expert job on the GPU and the CPU (the NDP engine
// has its own, ndp_engine.cpp): the job's activations and weight blob are read
// into the engine's buffers through the modeled path, the integer FFN
// (expert_ffn.h) runs on those bytes, and the outputs are written back. Timing
// is that of a timing-mode job: activations in, weights streamed at the pace
// of the compute (so the job takes max(compute, memory)), outputs out. In
// per_token mode the weights still stream, because the job needs them, paced
// so that the job takes its per-token cost when memory keeps up.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "burst_initiator.h"
#include "expert_ffn.h"
#include "job_descriptor.h"

namespace cxlvp {

// The job's shape, if its descriptor holds a valid one and its buffers are big enough for it.
inline bool functional_shape(const JobDescriptor& d, ExpertShape& shape) {
  shape = {d.d_model, d.d_ff, d.requant_shift, FfnActivation(d.activation)};
  return d.d_model > 0 && d.d_ff > 0 && d.requant_shift <= 31 && d.activation <= 1 &&
         d.weight_bytes >= shape.blob_bytes() && d.act_in_bytes >= shape.activation_bytes(d.tokens) &&
         d.act_out_bytes >= shape.activation_bytes(d.tokens);
}

// Runs the job through `memory` with the weights at `weight_addr`; false on a bus error.
inline bool compute_expert_functional(BurstInitiator& bus, BurstInitiator::Socket& memory, const JobDescriptor& d,
                                      const ExpertShape& shape, uint64_t weight_addr, uint64_t compute_ps) {
  std::vector<uint8_t> blob(shape.blob_bytes());
  std::vector<int8_t> x(shape.activation_bytes(d.tokens)), y(x.size());
  const double weight_pace = double(compute_ps) / double(blob.size());
  if (!bus.stream(memory, tlm::TLM_READ_COMMAND, d.act_in_addr, x.size(), reinterpret_cast<uint8_t*>(x.data())) ||
      !bus.stream(memory, tlm::TLM_READ_COMMAND, weight_addr, blob.size(), blob.data(), weight_pace))
    return false;
  expert_ffn(shape, blob.data(), x.data(), d.tokens, y.data());
  return bus.stream(memory, tlm::TLM_WRITE_COMMAND, d.act_out_addr, y.size(), reinterpret_cast<uint8_t*>(y.data()));
}

}  // namespace cxlvp
