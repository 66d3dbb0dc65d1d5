#pragma once
// The platform's host-side wiring, shared by Platform (platform.cpp) and the
// calibration rig (calibration_rig.cpp), so the two cannot drift apart: the
// CPU, the root complex and the CXL root port as initiators on the host bus;
// the bus's targets in port order with their address windows; the root
// complex, the PCIe link and the GPU. The firmware (or the rig's probe) binds
// its own initiator sockets to the bus.
//
// `Models` has the members bus, ddr, rc, pcie, gpu, cpu, cxl and irq;
// `checked(name, target)` returns the socket to bind instead of `target`
// (a protocol checker in front of it, or the target itself).
#include "../models/interconnect/address_router.h"
#include "../models/pcie/root_complex.h"
#include "memory_map.h"

namespace cxlvp {

template <class Models, class Checked>
void wire_host(Models& p, const MemoryMap& m, Checked&& checked) {
  // Initiators into the host interconnect.
  p.cpu.bus.bind(checked("check_cpu_bus", p.bus.in));
  p.rc.host_out.bind(checked("check_rc_bus", p.bus.in));
  p.cxl.rp.host_out.bind(checked("check_cxl_rp_bus", p.bus.in));

  // Host address map: one `out` port per target, windows in port order.
  p.bus.out.bind(checked("check_bus_ddr", p.ddr.in));
  p.bus.add_window({"ddr", m.ddr_base, m.ddr_size, 0, true});
  p.bus.out.bind(checked("check_bus_rc", p.rc.host_in));
  p.bus.add_window({"gpu.bar0", m.gpu_bar(), mmio::gpu_bar_bytes, 1, false});
  p.bus.out.bind(checked("check_bus_cpu", p.cpu.mmio));
  p.bus.add_window({"cpu.work_queue", m.cpu_work_queue(), mmio::cpu_work_queue_bytes, 2, true});
  p.bus.out.bind(checked("check_bus_cxl_rp", p.cxl.rp.host_in));
  p.bus.add_window({"cxl.hdm", m.cxl_base, m.cxl_size, 3, false});
  p.bus.add_window({"cxl.bar", m.cxl_bar(), mmio::cxl_bar_bytes, 3, false});
  p.bus.out.bind(checked("check_bus_irq", p.irq.in));
  p.bus.add_window({"irq", m.msi(), mmio::msi_bytes, 4, true});

  // PCIe: root complex port 0 -> link -> GPU, and the GPU's DMA back up.
  p.rc.down_out.bind(checked("check_rc_pcie", p.pcie.down_in));
  p.pcie.down_out.bind(checked("check_pcie_gpu", p.gpu.mmio));
  p.gpu.dma.bind(checked("check_gpu_pcie", p.pcie.up_in));
  p.pcie.up_out.bind(checked("check_pcie_rc", p.rc.up_in));
  p.rc.add_bar({"gpu.bar0", m.gpu_bar(), mmio::gpu_bar_bytes, 0});
}

}  // namespace cxlvp
