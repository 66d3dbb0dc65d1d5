#include "platform.h"

#include "../models/common/job_queue_registers.h"
#include "../firmware/routing_trace.h"
#include "../models/cxl/cxl_device_controller.h"
#include "../models/ndp/rtl/ndp_rtl_engine.h"
#include "host_wiring.h"

#include <algorithm>
#include <filesystem>

namespace cxlvp {

using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

CxlHostWindows cxl_windows(const MemoryMap& m) {
  return {m.cxl_base, m.cxl_size, m.cxl_bar(), mmio::cxl_bar_bytes};
}

// The datasheet view of the platform the firmware's cost model works from:
// peak rates of each lane's engine and of the links its data crosses.
LaneRates lane_rates(const Scenario& s) {
  const auto& p = s.platform;
  const PcieFormat pcie(p.pcie);
  const CxlFlitFormat cxl(p.cxl.link);
  const double pcie_Bps = pcie.wire_GBps() * pcie.payload_efficiency() * 1e9;
  const double cxl_Bps = cxl.wire_GBps() * cxl.read_efficiency() * 1e9;
  const bool in_cxl = s.model.weights_home == WeightsHome::cxl;
  const double home_Bps = in_cxl ? std::min(cxl_Bps, p.cxl.dram.peak_GBps * 1e9) : p.host.ddr.peak_GBps * 1e9;
  LaneRates r;
  r.mode = s.simulation.compute;
  r.per_token_s = {p.gpu.per_token_us * 1e-6, p.cpu.per_token_us * 1e-6, p.cxl.ndp.per_token_us * 1e-6};
  r.flops_per_s = {p.gpu.peak_TFLOPS * 1e12 * p.gpu.efficiency,
                   p.cpu.cores * p.cpu.freq_GHz * 1e9 * p.cpu.amx_flops_per_cycle * p.cpu.efficiency,
                   p.cxl.ndp.mac_GMACps * 2e9};
  r.dequant_Bps = {p.gpu.dequant_GBps * 1e9, p.cpu.dequant_GBps * 1e9, p.cxl.ndp.dequant_GBps * 1e9};
  r.weight_stream_Bps = {p.gpu.hbm.peak_GBps * 1e9, home_Bps,
                         std::min(p.cxl.ndp.internal_GBps, p.cxl.dram.peak_GBps) * 1e9};
  r.fetch_Bps = std::min(pcie_Bps, home_Bps);
  r.activation_Bps = pcie_Bps;
  r.cxl_Bps = cxl_Bps;
  r.weights_in_cxl = in_cxl;
  return r;
}

// The scenario's routing (drawn or replayed), saved on the way when asked to.
std::unique_ptr<RoutingSource> routing_source(const Scenario& s, const PlatformOptions& options) {
  std::unique_ptr<RoutingSource> source;
  if (s.workload.distribution == RoutingDistribution::trace)
    source = std::make_unique<RoutingTraceReader>(s.workload.trace_file, routing_trace_shape(s.model, s.workload));
  else
    source = std::make_unique<RoutingGenerator>(s.workload, routing_shape(s.model), s.seed);
  if (options.save_routing.empty()) return source;
  std::error_code ignored;  // false when save_routing does not exist yet
  if (s.workload.distribution == RoutingDistribution::trace &&
      std::filesystem::equivalent(s.workload.trace_file, options.save_routing, ignored))
    throw RoutingTraceError(options.save_routing, 0,
                            "--save-routing names the trace being replayed; saving would overwrite it");
  return std::make_unique<RoutingTraceWriter>(options.save_routing, std::move(source));
}

SchedulerConfig scheduler_config(const Scenario& s, const MemoryMap& m) {
  SchedulerConfig c;
  c.model = s.model;
  c.workload = s.workload;
  c.quantization = s.quantization;
  c.rates = lane_rates(s);
  const auto& gpu = s.platform.gpu;
  c.hbm_expert_slots = unsigned((gpu.hbm.capacity_bytes - gpu.hbm_reserved_bytes) / s.model.bytes_per_expert());
  c.gpu_eviction = gpu.eviction;
  c.prefetch = s.policy.prefetch;
  c.gpu_bar = m.gpu_bar();
  c.cpu_work_queue = m.cpu_work_queue();
  c.ndp_regs = s.platform.cxl.ndp.enabled ? m.cxl_bar() + cxl_bar::ndp_regs : 0;
  c.msi = m.msi();
  c.ddr_base = m.ddr_base;
  c.cxl_base = m.cxl_base;
  c.functional = s.simulation.data == DataMode::functional;
  c.seed = s.seed;
  return c;
}

}  // namespace

Platform::Platform(const Scenario& s, const PlatformOptions& options)
    : map_(build_memory_map(s)),
      scenario_(s),
      bus("bus", sc_time(s.platform.host.interconnect_latency_ns, SC_NS)),
      ddr("ddr", s.platform.host.ddr),
      rc("rc", sc_time(s.platform.host.root_complex_latency_ns, SC_NS)),
      pcie("pcie", std::make_unique<PcieFormat>(s.platform.pcie), sc_time(s.platform.pcie.latency_ns, SC_NS)),
      gpu("gpu", s.platform.gpu, s.simulation.compute, s.simulation.burst_bytes, s.model.bytes_per_expert()),
      cpu("cpu", s.platform.cpu, s.simulation.compute, s.simulation.burst_bytes),
      cxl("cxl", s.platform.cxl, cxl_windows(map_), s.simulation.compute, s.simulation.burst_bytes,
          ndp_rtl_factory({options.vcd})),
      irq("irq", mmio::msi_bytes),
      fw("fw", scheduler_config(s, map_), routing_source(s, options), make_policy(s.policy), irq) {
  tlm::tlm_global_quantum::instance().set(sc_time(s.simulation.quantum_ns, SC_NS));

  // The firmware on the host bus; the rest of the host side as in host_wiring.h.
  fw.bus.bind(checked("check_fw_bus", bus.in));
  wire_host(*this, map_, [this](const char* name, TargetSocket& target) -> TargetSocket& {
    return checked(name, target);
  });

  // Functional mode: the firmware's debug view of HBM, and the check of its outputs against the reference.
  fw.gpu_debug.bind(gpu.hbm_debug);
  if (s.simulation.data == DataMode::functional) {
    const ExpertShape shape{s.model.d_model, s.model.d_ff, s.model.requant_shift, FfnActivation::relu};
    functional_check_ = std::make_unique<FunctionalCheck>(s.seed, shape, s.model.layers);
    fw.on_layer_output([this](const LayerRouting& routing, const std::vector<int8_t>& output) {
      functional_check_->layer_done(routing, output);
    });
  }
}

Platform::TargetSocket& Platform::checked(const char* name, TargetSocket& target) {
  if (scenario_.simulation.checks != ChecksMode::protocol) return target;
  checkers_.push_back(std::make_unique<ProtocolChecker>(name));
  checkers_.back()->out.bind(target);
  return checkers_.back()->in;
}

uint64_t Platform::protocol_violations() const {
  uint64_t n = 0;
  for (const auto& c : checkers_) n += c->violations().total;
  return n;
}

bool Platform::run() {
  sc_core::sc_start();
  return fw.finished();
}

}  // namespace cxlvp
