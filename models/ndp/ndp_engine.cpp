#include "ndp_engine.h"

#include <algorithm>

#include "../common/device_job.h"
#include "../common/expert_ffn.h"

namespace cxlvp {

NdpEngine::NdpEngine(sc_core::sc_module_name name, const NdpConfig& config, ComputeMode mode,
                     uint64_t burst_bytes, uint64_t dram_bytes)
    : NdpEngineBase(name),
      config_(config),
      mode_(mode),
      dram_bytes_(dram_bytes),
      regs_(std::string(this->name()) + ".regs", kVersion, config.queue_depth,
            sc_core::sc_time(config.register_latency_ns, sc_core::SC_NS), config.max_d_model, config.max_d_ff),
      engine_(this->name(), burst_bytes, bursts_in_flight(config.bytes_in_flight, burst_bytes)) {
  SC_HAS_PROCESS(NdpEngine);
  SC_THREAD(run);
}

bool NdpEngine::execute(const JobDescriptor& d) {
  const auto inside = [this](uint64_t a, uint64_t n) { return a <= dram_bytes_ && n <= dram_bytes_ - a; };
  if (!inside(d.weight_addr, d.weight_bytes) ||
      !inside(d.act_in_addr, d.act_in_bytes) || !inside(d.act_out_addr, d.act_out_bytes)) {
    regs_.report_error(JobError::bad_descriptor);
    return false;
  }
  const ComputeRate rate{config_.per_token_us, config_.mac_GMACps * 2e9, config_.dequant_GBps};
  const uint64_t compute = compute_ps(mode_, rate, d.tokens, d.flops, d.dequant_bytes);
  const double port_pace = 1e3 / config_.internal_GBps;  // ps per byte
  if (d.flags & job_flags::functional) return execute_functional(d, compute, port_pace);
  const bool ok = engine_.bus.stream(mem, tlm::TLM_READ_COMMAND, d.act_in_addr, d.act_in_bytes, nullptr, port_pace) &&
            compute_expert(engine_.bus, mem, mode_, d.weight_addr, d.weight_bytes, compute, port_pace) &&
            engine_.bus.stream(mem, tlm::TLM_WRITE_COMMAND, d.act_out_addr, d.act_out_bytes, nullptr, port_pace);
  if (!ok) regs_.report_error(JobError::bus_error);
  return ok;
}

// Reads the activations and the weight blob into the engine's buffers through
// the memory port (weights paced by the MAC array, as in timing mode), computes
// the FFN on those bytes and writes the outputs back.
bool NdpEngine::execute_functional(const JobDescriptor& d, uint64_t compute, double port_pace) {
  const ExpertShape shape{d.d_model, d.d_ff, d.requant_shift, FfnActivation(d.activation)};
  if (d.d_model == 0 || d.d_ff == 0 || d.d_model > config_.max_d_model || d.d_ff > config_.max_d_ff ||
      d.requant_shift > 31 || d.activation > 1 || d.weight_bytes < shape.blob_bytes() ||
      d.act_in_bytes < shape.activation_bytes(d.tokens) || d.act_out_bytes < shape.activation_bytes(d.tokens)) {
    regs_.report_error(JobError::bad_dimensions);
    return false;
  }
  if (d.tokens == 0) return true;
  std::vector<uint8_t> blob(shape.blob_bytes());
  std::vector<int8_t> x(shape.activation_bytes(d.tokens)), y(x.size());
  const double weight_pace = std::max(port_pace, double(compute) / double(blob.size()));
  bool ok = engine_.bus.stream(mem, tlm::TLM_READ_COMMAND, d.act_in_addr, x.size(),
                               reinterpret_cast<uint8_t*>(x.data()), port_pace) &&
            engine_.bus.stream(mem, tlm::TLM_READ_COMMAND, d.weight_addr, blob.size(), blob.data(), weight_pace);
  if (ok) {
    expert_ffn(shape, blob.data(), x.data(), d.tokens, y.data());
    ok = engine_.bus.stream(mem, tlm::TLM_WRITE_COMMAND, d.act_out_addr, y.size(), reinterpret_cast<uint8_t*>(y.data()),
                            port_pace);
  }
  if (!ok) regs_.report_error(JobError::bus_error);
  return ok;
}

void NdpEngine::run() {
  for (;;) serve_next_job("ndp", regs_, engine_, mem, msi, [this](const JobDescriptor& d) { return execute(d); });
}

}  // namespace cxlvp
