#include "pcie_switch.h"

#include <stdexcept>

#include "../common/hop_trace.h"
#include "pcie_format.h"

namespace cxlvp {

using sc_core::SC_NS;
using sc_core::sc_time;

PcieSwitchPort::PcieSwitchPort(sc_core::sc_module_name name, PcieSwitch& owner)
    : sc_module(name), down("down"), up("up", this, &PcieSwitchPort::up_dbg), owner_(owner),
      node_(register_node(this->name())) {}

void PcieSwitchPort::send_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, const AddressRange& window) {
  stamp_hop(p, node_, delay);
  delay += owner_.crossing();
  const uint64_t address = p.get_address();
  p.set_address(address - window.base);
  down.b_transport(p, delay);
  p.set_address(address);
}

unsigned PcieSwitchPort::send_down_dbg(tlm::tlm_generic_payload& p, const AddressRange& window) {
  const uint64_t address = p.get_address();
  p.set_address(address - window.base);
  const unsigned n = down->transport_dbg(p);
  p.set_address(address);
  return n;
}

void PcieSwitchPort::from_device(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&PcieSwitchPort::pass_up>(*this, node_, p, delay);
}

inline void PcieSwitchPort::pass_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += owner_.crossing();
  owner_.send_up(p, delay);
}

unsigned PcieSwitchPort::up_dbg(tlm::tlm_generic_payload& p) { return owner_.send_up_dbg(p); }

PcieSwitch::PcieSwitch(sc_core::sc_module_name name, const PcieSwitchConfig& config,
                       const std::vector<unsigned>& attached, const Interpose& interpose)
    : sc_module(name),
      link("link", std::make_unique<PcieFormat>(config.link), sc_time(config.link.latency_ns, SC_NS)),
      usp_in("usp_in", this, &PcieSwitch::from_upstream_dbg),
      usp_out("usp_out"),
      crossing_(2 * sc_time(config.port_latency_ns, SC_NS)),
      node_(register_node(this->name())) {
  if (config.ports == 0 || config.ports > kMaxPcieSwitchPorts)
    throw std::invalid_argument(std::string(this->name()) + ": a PCIe switch has 1 to " +
                                std::to_string(kMaxPcieSwitchPorts) + " downstream ports");
  const std::string me = this->name();
  link.down_out.bind(interpose(me + ".link->" + me, usp_in));
  usp_out.bind(interpose(me + "->" + me + ".link", link.up_in));
  ports.resize(config.ports);
  for (unsigned k : attached)
    if (k < config.ports && !ports[k])
      ports[k] = std::make_unique<PcieSwitchPort>(("port" + std::to_string(k)).c_str(), *this);
}

void PcieSwitch::attach(unsigned port, const AddressRange& device_bar) {
  if (port >= ports.size() || !ports[port])
    throw std::invalid_argument(std::string(name()) + ": port " + std::to_string(port) + " was not built for a device");
  for (const Bridge& b : bridges_)
    if (device_bar.base < b.window.end() && b.window.base < device_bar.end())
      throw std::invalid_argument(std::string(name()) + ": the window of port " + std::to_string(port) +
                                  " overlaps the window of port " + std::to_string(b.port));
  bridges_.push_back({device_bar, port});
}

const PcieSwitch::Bridge* PcieSwitch::bridge(uint64_t address, uint64_t length) const {
  for (const Bridge& b : bridges_)
    if (b.window.holds(address, length)) return &b;
  return nullptr;
}

void PcieSwitch::from_upstream(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&PcieSwitch::pass_from_upstream>(*this, node_, p, delay);
}

inline void PcieSwitch::pass_from_upstream(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  const Bridge* b = bridge(p.get_address(), p.get_data_length());
  if (!b) return p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);  // no bridge window claims it
  ports[b->port]->send_down(p, delay, b->window);
}

unsigned PcieSwitch::from_upstream_dbg(tlm::tlm_generic_payload& p) {
  const Bridge* b = bridge(p.get_address(), p.get_data_length());
  return b ? ports[b->port]->send_down_dbg(p, b->window) : 0;
}

}  // namespace cxlvp
