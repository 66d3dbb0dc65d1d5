#pragma once
// PcieSwitch: a PCIe switch below one root complex port, with GPUs below its
// downstream ports (docs/topologies.md):
//
//   rc port --> link (upstream, shared) --> USP --> port k --> GPU k's link --> GPU k
//
//  - Downward, a request (the host's MMIO: a GPU BAR access) is routed by the
//    memory window of the GPU below each port (a PCIe bridge's memory base
//    and limit), fixed when the platform is assembled. The root complex
//    passes it down with its host address; the port makes it BAR-relative,
//    as the root complex does for a GPU on its own port.
//  - Upward, everything from a port (GPU DMA of host DDR and CXL memory, MSI
//    writes) goes up the upstream link to the root complex. Peer-to-peer
//    between ports is not modeled: nothing routes a port's request to another.
//  - Every crossing, down to a port or up from one, adds the port-to-port
//    latency twice: once for the request, once for its response (a read's
//    data, a write's completion), as CxlSwitch and the links count crossings.
//    Contention is in the links: the shared upstream link, and each GPU's own
//    link below its port.
//  - Its internal bindings go through `interpose` (protocol checkers).
#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "../common/address_range.h"
#include "../common/initiator_socket.h"
#include "../common/interpose.h"
#include "../common/node_registry.h"
#include "../common/serial_link.h"
#include "../common/target_socket.h"
#include "pcie_switch_config.h"

namespace cxlvp {

class PcieSwitch;

// One downstream port: its GPU's link binds to `down` and `up`.
class PcieSwitchPort : public sc_core::sc_module {
  void from_device(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  InitiatorSocket down;
  TargetSocket<PcieSwitchPort, &PcieSwitchPort::from_device> up;

  PcieSwitchPort(sc_core::sc_module_name name, PcieSwitch& owner);
  // `window`: the BAR of the device below, which the request is made relative to.
  void send_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, const AddressRange& window);
  unsigned send_down_dbg(tlm::tlm_generic_payload& p, const AddressRange& window);

 private:
  // The handler's work, behind its stamp (hop_trace.h, stamped).
  void pass_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned up_dbg(tlm::tlm_generic_payload& p);

  PcieSwitch& owner_;
  TraceNode node_;
};

class PcieSwitch : public sc_core::sc_module {
  void from_upstream(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  SerialLink link;                                    // upstream; the platform binds its root complex side
  std::vector<std::unique_ptr<PcieSwitchPort>> ports;  // null where no device is attached

  // `attached`: the ports a device's link will bind to (the others stay empty).
  PcieSwitch(sc_core::sc_module_name name, const PcieSwitchConfig& config, const std::vector<unsigned>& attached,
             const Interpose& interpose = direct);

  // Accesses to `device_bar` (host addresses) go down `port`. Throws
  // std::invalid_argument for a port not built or a window overlapping another.
  void attach(unsigned port, const AddressRange& device_bar);

  sc_core::sc_time crossing() const { return crossing_; }
  // Up from a port: towards the root complex.
  void send_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { usp_out.b_transport(p, delay); }
  unsigned send_up_dbg(tlm::tlm_generic_payload& p) { return usp_out->transport_dbg(p); }

 private:
  TargetSocket<PcieSwitch, &PcieSwitch::from_upstream> usp_in;  // from the upstream link
  InitiatorSocket usp_out;                                      // to the upstream link

  // The handler's work, behind its stamp (hop_trace.h, stamped).
  void pass_from_upstream(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned from_upstream_dbg(tlm::tlm_generic_payload& p);
  struct Bridge {
    AddressRange window;
    unsigned port;
  };
  const Bridge* bridge(uint64_t address, uint64_t length) const;

  sc_core::sc_time crossing_;  // two port-to-port latencies: the request and its response
  TraceNode node_;
  std::vector<Bridge> bridges_;
};

}  // namespace cxlvp
