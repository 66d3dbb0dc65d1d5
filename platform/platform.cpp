#include "platform.h"

#include "../models/common/job_queue_registers.h"
#include "../models/cxl/cxl_device_controller.h"

namespace cxlvp {

using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

CxlHostWindows cxl_windows(const MemoryMap& m) {
  return {m.cxl_base, m.cxl_size, m.cxl_bar(), mmio::cxl_bar_bytes};
}

SchedulerConfig scheduler_config(const Scenario& s, const MemoryMap& m) {
  SchedulerConfig c;
  c.model = s.model;
  c.workload = s.workload;
  c.gpu_bar = m.gpu_bar();
  c.cpu_work_queue = m.cpu_work_queue();
  c.ndp_regs = s.platform.cxl.ndp.enabled ? m.cxl_bar() + cxl_bar::ndp_regs : 0;
  c.msi = m.msi();
  c.ddr_base = m.ddr_base;
  c.cxl_base = m.cxl_base;
  return c;
}

}  // namespace

Platform::Platform(const Scenario& s)
    : map_(build_memory_map(s)),
      scenario_(s),
      bus("bus", sc_time(s.platform.host.interconnect_latency_ns, SC_NS)),
      ddr("ddr", s.platform.host.ddr),
      rc("rc", sc_time(s.platform.host.root_complex_latency_ns, SC_NS)),
      pcie("pcie", std::make_unique<PcieFormat>(s.platform.pcie), sc_time(s.platform.pcie.latency_ns, SC_NS)),
      gpu("gpu", s.platform.gpu, s.simulation.compute, s.simulation.burst_bytes, s.model.bytes_per_expert()),
      cpu("cpu", s.platform.cpu, s.simulation.compute, s.simulation.burst_bytes),
      cxl("cxl", s.platform.cxl, cxl_windows(map_), s.simulation.compute, s.simulation.burst_bytes),
      irq("irq", mmio::msi_bytes),
      fw("fw", scheduler_config(s, map_), std::make_unique<RoutingGenerator>(s.workload, s.model.experts, s.seed),
         make_policy(s.policy), irq) {
  tlm::tlm_global_quantum::instance().set(sc_time(s.simulation.quantum_ns, SC_NS));

  // Initiators into the host interconnect.
  fw.bus.bind(bus.in);
  cpu.bus.bind(bus.in);
  rc.host_out.bind(bus.in);
  cxl.rp.host_out.bind(bus.in);

  // Host address map: one `out` port per target, windows in port order.
  const MemoryMap& m = map_;
  bus.out.bind(ddr.in);
  bus.add_window({"ddr", m.ddr_base, m.ddr_size, 0, true});
  bus.out.bind(rc.host_in);
  bus.add_window({"gpu.bar0", m.gpu_bar(), mmio::gpu_bar_bytes, 1, false});
  bus.out.bind(cpu.mmio);
  bus.add_window({"cpu.work_queue", m.cpu_work_queue(), mmio::cpu_work_queue_bytes, 2, true});
  bus.out.bind(cxl.rp.host_in);
  bus.add_window({"cxl.hdm", m.cxl_base, m.cxl_size, 3, false});
  bus.add_window({"cxl.bar", m.cxl_bar(), mmio::cxl_bar_bytes, 3, false});
  bus.out.bind(irq.in);
  bus.add_window({"irq", m.msi(), mmio::msi_bytes, 4, true});

  // PCIe: root complex port 0 -> link -> GPU, and the GPU's DMA back up.
  rc.down_out.bind(pcie.down_in);
  pcie.down_out.bind(gpu.mmio);
  gpu.dma.bind(pcie.up_in);
  pcie.up_out.bind(rc.up_in);
  rc.add_bar({"gpu.bar0", m.gpu_bar(), mmio::gpu_bar_bytes, 0});
}

bool Platform::run() {
  sc_core::sc_start();
  return fw.finished();
}

}  // namespace cxlvp
