#include "hardware.h"

#include <algorithm>

namespace cxlvp {

using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

AddressRange bar_of(const MemoryMap& m, unsigned expander) { return {m.cxl_bar(expander), mmio::cxl_bar_bytes}; }

// What the root port of a host-attached expander passes down: its own
// window, its BAR, and the host interleave sets it is a member of.
std::vector<AddressRange> expander_claims(const Topology& t, const MemoryMap& m, unsigned x) {
  std::vector<AddressRange> claims{m.expander_windows[x], bar_of(m, x)};
  if (t.expanders[x].set >= 0) claims.push_back(m.set_windows[unsigned(t.expanders[x].set)]);
  return claims;
}

// What the switch's root port passes down: the switch's BAR, and the
// windows and BARs of everything below it, and the sets the switch interleaves.
std::vector<AddressRange> switch_claims(const Topology& t, const MemoryMap& m) {
  std::vector<AddressRange> claims{{m.cxl_switch_bar(), mmio::cxl_switch_bar_bytes}};
  for (unsigned x = 0; x < t.expanders.size(); ++x)
    if (t.expanders[x].switch_port >= 0) {
      claims.push_back(m.expander_windows[x]);
      claims.push_back(bar_of(m, x));
    }
  for (unsigned i = 0; i < t.sets.size(); ++i)
    if (t.sets[i].behind_switch) claims.push_back(m.set_windows[i]);
  return claims;
}

std::unique_ptr<SerialLink> shorthand_pcie(const Scenario& s) {
  if (!s.platform.gpus.empty()) return nullptr;
  return std::make_unique<SerialLink>("pcie", std::make_unique<PcieFormat>(s.platform.pcie),
                                      sc_time(s.platform.pcie.latency_ns, SC_NS));
}

std::vector<std::unique_ptr<Gpu>> make_gpus(const Scenario& s, const Topology& t, const Interpose& interpose,
                                            uint64_t slots_base) {
  std::vector<std::unique_ptr<Gpu>> gpus;
  const bool shorthand = s.platform.gpus.empty();
  for (const auto& g : t.gpus) {
    GpuConfig config = g.gpu;
    config.hbm_reserved_bytes = std::max(config.hbm_reserved_bytes, slots_base);  // the expert slots' start
    gpus.push_back(std::make_unique<Gpu>(g.name.c_str(), config, s.simulation.compute, s.simulation.burst_bytes,
                                         s.model.bytes_per_expert(), shorthand ? nullptr : &g.pcie, interpose));
  }
  return gpus;
}

std::unique_ptr<PcieSwitch> make_pcie_switch(const Topology& t, const Interpose& interpose) {
  if (!t.pcie_switch.present) return nullptr;
  std::vector<unsigned> attached;
  for (const auto& g : t.gpus)
    if (g.switch_port >= 0) attached.push_back(unsigned(g.switch_port));
  return std::make_unique<PcieSwitch>(t.pcie_switch.name.c_str(), t.pcie_switch.config, attached, interpose);
}

std::unique_ptr<CxlSwitch> make_switch(const Topology& t, const MemoryMap& m) {
  if (!t.cxl_switch.present) return nullptr;
  std::vector<unsigned> attached;
  for (const auto& x : t.expanders)
    if (x.switch_port >= 0) attached.push_back(unsigned(x.switch_port));
  return std::make_unique<CxlSwitch>(t.cxl_switch.name.c_str(), t.cxl_switch.config,
                                     AddressRange{m.cxl_switch_bar(), mmio::cxl_switch_bar_bytes}, switch_claims(t, m),
                                     attached);
}

std::vector<std::unique_ptr<CxlExpander>> make_expanders(const Scenario& s, const Topology& t, const MemoryMap& m,
                                                         const NdpFactory& make_ndp, const Interpose& interpose) {
  std::vector<std::unique_ptr<CxlExpander>> expanders;
  for (unsigned x = 0; x < t.expanders.size(); ++x) {
    const auto& e = t.expanders[x];
    const std::vector<AddressRange> claims = expander_claims(t, m, x);
    expanders.push_back(std::make_unique<CxlExpander>(e.name.c_str(), e.cxl, bar_of(m, x),
                                                      e.switch_port < 0 ? &claims : nullptr, s.simulation.compute,
                                                      s.simulation.burst_bytes, make_ndp, interpose));
  }
  return expanders;
}

}  // namespace

// Members are built in declaration order (the order the kernel first runs
// their processes in), and the GPUs, switch and expanders with them.
Hardware::Hardware(const Scenario& s, const Topology& t, const MemoryMap& m, const NdpFactory& make_ndp,
                   const Interpose& interpose, uint64_t hbm_slots_base)
    : bus("bus", sc_time(s.platform.host.interconnect_latency_ns, SC_NS)),
      ddr("ddr", s.platform.host.ddr),
      rc("rc", sc_time(s.platform.host.root_complex_latency_ns, SC_NS)),
      pcie(shorthand_pcie(s)),
      gpus(make_gpus(s, t, interpose, hbm_slots_base)),
      pcie_switch(make_pcie_switch(t, interpose)),
      cpu("cpu", s.platform.cpu, s.simulation.compute, s.simulation.burst_bytes),
      cxl_switch(make_switch(t, m)),
      expanders(make_expanders(s, t, m, make_ndp, interpose)),
      irq("irq", mmio::msi_bytes) {
  wire_host(m, interpose);
  wire_gpus(t, m, interpose);
  wire_cxl(t, m, interpose);
}

// The host interconnect: its initiators, then one `out` port per target in
// this order: ddr, rc, cpu, each CXL root port (wire_cxl), irq.
void Hardware::wire_host(const MemoryMap& m, const Interpose& interpose) {
  cpu.bus.bind(interpose("cpu->bus", bus.in));
  rc.host_out.bind(interpose("rc->bus", bus.in));
  if (cxl_switch) cxl_switch->rp.host_out.bind(interpose(std::string(cxl_switch->name()) + ".rp->bus", bus.in));
  for (auto& x : expanders)
    if (x->rp) x->rp->host_out.bind(interpose(std::string(x->name()) + ".rp->bus", bus.in));

  bus.out.bind(interpose("bus->ddr", ddr.in));
  bus.add_window({"ddr", m.ddr_base, m.ddr_size, 0, true});
  bus.out.bind(interpose("bus->rc", rc.host_in));
  for (unsigned g = 0; g < gpus.size(); ++g)
    bus.add_window({std::string(gpus[g]->name()) + ".bar0", m.gpu_bar(g), mmio::gpu_bar_bytes, 1, false});
  bus.out.bind(interpose("bus->cpu", cpu.mmio));
  bus.add_window({"cpu.work_queue", m.cpu_work_queue(), mmio::cpu_work_queue_bytes, 2, true});
}

// PCIe: a root complex port per GPU on its own link (port g -> GPU g's link ->
// GPU g, and its DMA back up), then one for the PCIe switch: its upstream
// link, and below port k GPU k's link. The root complex sends the switch's
// GPUs' BAR accesses down with their host addresses (the switch routes by them).
void Hardware::wire_gpus(const Topology& t, const MemoryMap& m, const Interpose& interpose) {
  unsigned port = 0;
  for (unsigned g = 0; g < gpus.size(); ++g) {
    if (t.gpus[g].switch_port >= 0) continue;
    Gpu& gpu = *gpus[g];
    const std::string name = gpu.name();
    SerialLink& link = pcie ? *pcie : *gpu.link;
    const std::string link_name = link.name();
    rc.down_out.bind(interpose("rc->" + link_name, link.down_in));
    link.up_out.bind(interpose(link_name + "->rc", rc.up_in));
    if (pcie) {  // the shorthand's link is not the GPU's own: bind its GPU side here
      link.down_out.bind(interpose(link_name + "->" + name + ".regs", gpu.mmio));
      gpu.dma.bind(interpose(name + ".dma->" + link_name, link.up_in));
    }
    rc.add_bar({name + ".bar0", m.gpu_bar(g), mmio::gpu_bar_bytes, port++});
  }
  if (!pcie_switch) return;
  SerialLink& up = pcie_switch->link;
  const std::string up_name = up.name();
  rc.down_out.bind(interpose("rc->" + up_name, up.down_in));
  up.up_out.bind(interpose(up_name + "->rc", rc.up_in));
  for (unsigned g = 0; g < gpus.size(); ++g) {
    const int k = t.gpus[g].switch_port;
    if (k < 0) continue;
    const AddressRange bar{m.gpu_bar(g), mmio::gpu_bar_bytes};
    pcie_switch->attach(unsigned(k), bar);  // throws for a port it was not built with
    Gpu& gpu = *gpus[g];
    PcieSwitchPort& p = *pcie_switch->ports[unsigned(k)];
    const std::string name = gpu.name(), port_name = p.name();
    p.down.bind(interpose(port_name + "->" + name + ".link", gpu.link->down_in));
    gpu.link->up_out.bind(interpose(name + ".link->" + port_name, p.up));
    rc.add_bar({name + ".bar0", bar.base, bar.size, port, true});
  }
}

// CXL: a bus port per root port (the switch's, then each host-attached
// expander's) with the windows it claims; host interleave sets over the root
// ports of their members; each expander below the switch on its port; irq last.
void Hardware::wire_cxl(const Topology& t, const MemoryMap& m, const Interpose& interpose) {
  unsigned port = 3;
  std::vector<unsigned> port_of(expanders.size(), 0);
  if (cxl_switch) {
    const std::string sw = cxl_switch->name();
    bus.out.bind(interpose("bus->" + sw + ".rp", cxl_switch->rp.host_in));
    bus.add_window({sw + ".bar", m.cxl_switch_bar(), mmio::cxl_switch_bar_bytes, port, false});
    for (unsigned x = 0; x < expanders.size(); ++x) {
      const int k = t.expanders[x].switch_port;
      if (k < 0) continue;
      CxlExpander& e = *expanders[x];
      const std::string name = e.name();
      CxlSwitchPort& p = *cxl_switch->ports[unsigned(k)];
      const std::string port_name = p.name();
      p.down.bind(interpose(port_name + "->" + name + ".link", e.link.down_in));
      e.link.up_out.bind(interpose(name + ".link->" + port_name, p.up));
      cxl_switch->attach(unsigned(k), bar_of(m, x), x);
      bus.add_window({name + ".hdm", m.expander_windows[x].base, m.expander_windows[x].size, port, false});
      bus.add_window({name + ".bar", m.cxl_bar(x), mmio::cxl_bar_bytes, port, false});
    }
    for (unsigned i = 0; i < t.sets.size(); ++i)
      if (t.sets[i].behind_switch) bus.add_window({t.sets[i].name, m.set_windows[i].base, m.set_windows[i].size, port, false});
    ++port;
  }
  for (unsigned x = 0; x < expanders.size(); ++x) {
    CxlExpander& e = *expanders[x];
    if (!e.rp) continue;
    const std::string name = e.name();
    bus.out.bind(interpose("bus->" + name + ".rp", e.rp->host_in));
    bus.add_window({name + ".hdm", m.expander_windows[x].base, m.expander_windows[x].size, port, false});
    bus.add_window({name + ".bar", m.cxl_bar(x), mmio::cxl_bar_bytes, port, false});
    port_of[x] = port++;
  }
  for (unsigned i = 0; i < t.sets.size(); ++i) {
    if (t.sets[i].behind_switch) continue;
    AddressWindow w{t.sets[i].name, m.set_windows[i].base, m.set_windows[i].size, 0, false};
    w.interleave = t.sets[i].interleave;
    for (unsigned x : t.sets[i].members) w.interleave_ports.push_back(port_of[x]);
    bus.add_window(w);
  }
  bus.out.bind(interpose("bus->irq", irq.in));
  bus.add_window({"irq", m.msi(), mmio::msi_bytes, port, true});
}

std::vector<Hardware::NamedLink> Hardware::links() const {
  std::vector<NamedLink> out;
  if (pcie_switch) out.push_back({pcie_switch->link.name(), &pcie_switch->link});
  for (const auto& g : gpus) {
    const SerialLink& l = pcie ? *pcie : *g->link;
    out.push_back({l.name(), &l});
  }
  if (cxl_switch) out.push_back({cxl_switch->link.name(), &cxl_switch->link});
  for (const auto& x : expanders) out.push_back({x->link.name(), &x->link});
  return out;
}

std::vector<Hardware::NamedMemory> Hardware::memories() const {
  std::vector<NamedMemory> out{{"ddr", &ddr}};
  for (const auto& g : gpus) out.push_back({g->hbm.name(), &g->hbm});
  for (const auto& x : expanders) out.push_back({x->mem.name(), &x->mem});
  return out;
}

}  // namespace cxlvp
