#pragma once
// The checks of an NDP job descriptor in the order docs/ndp-plugin.md ("Job
// processing") makes them, so that the first that fails names the error a
// job reports. The TLM engine runs them; the RTL adapters use them to check
// that an engine which completed a job was allowed to.
#include <cstdint>

#include "../common/expert_ffn.h"
#include "../common/job_descriptor.h"
#include "../common/job_queue_registers.h"

namespace cxlvp {

// What an engine can run.
struct NdpLimits {
  uint64_t dram_bytes = 0;
  unsigned max_d_model = 0, max_d_ff = 0;
  bool functional_only = false;  // RTL engines: a job without the functional flag is a bad descriptor
};

// A range [a, a + n) is inside device DRAM of size D when a <= D and n <= D - a.
inline bool inside_dram(uint64_t address, uint64_t bytes, uint64_t dram_bytes) {
  return address <= dram_bytes && bytes <= dram_bytes - address;
}

// The shape checks of a functional expert_ffn job.
inline bool ndp_shape_ok(const JobDescriptor& d, const NdpLimits& limits) {
  const ExpertShape shape{d.d_model, d.d_ff, d.requant_shift, FfnActivation(d.activation)};
  return d.d_model != 0 && d.d_ff != 0 && d.d_model <= limits.max_d_model && d.d_ff <= limits.max_d_ff &&
         d.requant_shift <= 31 && d.activation <= 1 && d.weight_bytes >= shape.blob_bytes() &&
         d.act_in_bytes >= shape.activation_bytes(d.tokens) && d.act_out_bytes >= shape.activation_bytes(d.tokens);
}

// The error a readable descriptor makes its job fail with (none: it runs).
inline JobError ndp_descriptor_error(const JobDescriptor& d, const NdpLimits& limits) {
  if (d.magic != JobDescriptor::kMagic || d.op != JobOp::expert_ffn) return JobError::bad_descriptor;
  const uint64_t D = limits.dram_bytes;
  if (!inside_dram(d.weight_addr, d.weight_bytes, D) || !inside_dram(d.act_in_addr, d.act_in_bytes, D) ||
      !inside_dram(d.act_out_addr, d.act_out_bytes, D))
    return JobError::bad_descriptor;
  const bool functional = d.flags & job_flags::functional;
  if (!functional) return limits.functional_only ? JobError::bad_descriptor : JobError::none;
  return ndp_shape_ok(d, limits) ? JobError::none : JobError::bad_dimensions;
}

}  // namespace cxlvp
