#include "ndp_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../common/device_job.h"
#include "../common/expert_ffn.h"
#include "ndp_contract.h"

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
  const JobError e = ndp_descriptor_error(d, NdpLimits{dram_bytes_, config_.max_d_model, config_.max_d_ff, false});
  if (e != JobError::none) {
    regs_.report_error(e);
    return false;
  }
  const ComputeRate rate{config_.per_token_us, config_.mac_GMACps * 2e9, config_.dequant_GBps};
  const uint64_t compute = compute_ps(mode_, rate, d.tokens, d.flops, d.dequant_bytes);
  const double port_pace = 1e3 / config_.internal_GBps;  // ps per byte
  if (d.flags & job_flags::functional) return execute_functional(d, compute, port_pace);
  const bool ok =
      engine_.bus.stream(mem, tlm::TLM_READ_COMMAND, d.act_in_addr, d.act_in_bytes, nullptr, port_pace) &&
      within_limit("reading activations") &&
      compute_expert(engine_.bus, mem, mode_, d.weight_addr, d.weight_bytes, compute, port_pace) &&
      within_limit("computing") &&
      engine_.bus.stream(mem, tlm::TLM_WRITE_COMMAND, d.act_out_addr, d.act_out_bytes, nullptr, port_pace) &&
      within_limit("writing outputs");
  if (!ok) regs_.report_error(JobError::bus_error);
  return ok;
}

// Reads the activations and the weight blob into the engine's buffers through
// the memory port (weights paced by the MAC array, as in timing mode), computes
// the FFN on those bytes and writes the outputs back.
bool NdpEngine::execute_functional(const JobDescriptor& d, uint64_t compute, double port_pace) {
  const ExpertShape shape{d.d_model, d.d_ff, d.requant_shift, FfnActivation(d.activation)};
  if (d.tokens == 0) return true;
  std::vector<uint8_t> blob(shape.blob_bytes());
  std::vector<int8_t> x(shape.activation_bytes(d.tokens)), y(x.size());
  const double weight_pace = std::max(port_pace, double(compute) / double(blob.size()));
  bool ok = engine_.bus.stream(mem, tlm::TLM_READ_COMMAND, d.act_in_addr, x.size(),
                               reinterpret_cast<uint8_t*>(x.data()), port_pace) &&
            within_limit("reading activations") &&
            engine_.bus.stream(mem, tlm::TLM_READ_COMMAND, d.weight_addr, blob.size(), blob.data(), weight_pace) &&
            within_limit("reading weights");
  if (ok) {
    expert_ffn(shape, blob.data(), x.data(), d.tokens, y.data());
    ok = engine_.bus.stream(mem, tlm::TLM_WRITE_COMMAND, d.act_out_addr, y.size(), reinterpret_cast<uint8_t*>(y.data()),
                            port_pace) &&
         within_limit("writing outputs");
  }
  if (!ok) regs_.report_error(JobError::bus_error);
  return ok;
}

void NdpEngine::run() {
  for (;;)
    serve_next_job(config_.job_log_name.c_str(), regs_, engine_, mem, msi, [this](const JobDescriptor& d) {
      job_ = d;
      job_start_ps_ = engine_.bus.local_time().value();  // the thread's own time, up to a quantum ahead
      return execute(d);
    });
}

bool NdpEngine::within_limit(const char* phase) {
  const uint64_t now = engine_.bus.local_time().value();
  if (config_.job_time_limit_ms <= 0 || double(now - job_start_ps_) <= config_.job_time_limit_ms * 1e9) return true;
  char text[160];
  std::snprintf(text, sizeof(text), "started at %.3f us, after %s at %.3f us exceeds the limit of %g ms per job",
                job_start_ps_ * 1e-6, phase, now * 1e-6, config_.job_time_limit_ms);
  NdpFault f;
  f.message = std::string(name()) + " (TLM): watchdog: job tag " + std::to_string(job_.tag) + " (" +
              std::to_string(job_.tokens) + " tokens, expert " + std::to_string(job_.expert) + ") " + text;
  f.has_tag = true;
  f.tag = job_.tag;
  stop_with_fault(std::move(f));
  return false;
}

}  // namespace cxlvp
