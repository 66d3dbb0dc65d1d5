#include "cpu_complex.h"

#include <algorithm>

#include "../common/device_job.h"
#include "../common/functional_job.h"

namespace cxlvp {

namespace {
constexpr unsigned kLineBytes = 64;
// What the cores keep outstanding: lines in flight per core x cores.
uint64_t in_flight_bytes(const CpuConfig& c) { return uint64_t(c.cores) * c.lines_in_flight_per_core * kLineBytes; }
}  // namespace

CpuComplex::CpuComplex(sc_core::sc_module_name name, const CpuConfig& config, ComputeMode mode,
                       uint64_t burst_bytes)
    : sc_module(name),
      mmio("mmio", this, &CpuComplex::transport_dbg),
      bus("bus"),
      config_(config),
      mode_(mode),
      regs_(std::string(this->name()) + ".wq", kVersion, config.queue_depth,
            sc_core::sc_time(config.register_latency_ns, sc_core::SC_NS)),
      cores_(this->name(), engine_burst_bytes(burst_bytes, in_flight_bytes(config)),
             bursts_in_flight(in_flight_bytes(config), engine_burst_bytes(burst_bytes, in_flight_bytes(config)))) {
  SC_HAS_PROCESS(CpuComplex);
  SC_THREAD(run);
}

double CpuComplex::amx_flops_per_second() const {
  return config_.cores * config_.freq_GHz * 1e9 * config_.amx_flops_per_cycle * config_.efficiency;
}

bool CpuComplex::execute(const JobDescriptor& d) {
  const ComputeRate rate{config_.per_token_us, amx_flops_per_second(), config_.dequant_GBps};
  const uint64_t compute = compute_ps(mode_, rate, d.tokens, d.flops, d.dequant_bytes);
  auto& b = cores_.bus;
  if (d.flags & job_flags::functional) {  // the cores compute on the bytes they read
    ExpertShape shape;
    if (!functional_shape(d, shape)) {
      regs_.report_error(JobError::bad_dimensions);
      return false;
    }
    if (compute_expert_functional(b, bus, d, shape, d.weight_addr, compute)) return true;
    regs_.report_error(JobError::bus_error);
    return false;
  }
  const bool ok = b.stream(bus, tlm::TLM_READ_COMMAND, d.act_in_addr, d.act_in_bytes, nullptr) &&
                  compute_expert(b, bus, mode_, d.weight_addr, d.weight_bytes, compute) &&
                  b.stream(bus, tlm::TLM_WRITE_COMMAND, d.act_out_addr, d.act_out_bytes, nullptr);
  if (!ok) regs_.report_error(JobError::bus_error);
  return ok;
}

void CpuComplex::run() {
  for (;;) serve_next_job("cpu", regs_, cores_, bus, bus, [this](const JobDescriptor& d) { return execute(d); });
}

}  // namespace cxlvp
