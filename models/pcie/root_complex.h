#pragma once
// RootComplex: the host's PCIe root. MMIO from the host interconnect arrives at
// `host_in` and is routed by BAR window to the downstream port (`down_out[i]`,
// bound to a link) with the address made BAR-relative (kept whole for a port
// with a switch below, which routes by the address: pcie_switch.h). Upstream traffic from
// endpoints (DMA, MSI writes) arrives at `up_in` and goes into the host
// interconnect through `host_out` with its host physical address unchanged.
#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <vector>

#include "../common/initiator_socket.h"
#include "../common/node_registry.h"
#include "../common/target_socket.h"

namespace cxlvp {

struct BarWindow {
  std::string name;
  uint64_t base = 0;
  uint64_t size = 0;
  unsigned port = 0;
  bool keep_host_address = false;  // a switch below the port decodes the host address itself
};

class RootComplex : public sc_core::sc_module {
  // The sockets' handlers, declared first: each TargetSocket names its own
  // (target_socket.h).
  void b_transport_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void b_transport_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  TargetSocket<RootComplex, &RootComplex::b_transport_down> host_in;
  tlm_utils::multi_passthrough_initiator_socket<RootComplex> down_out;
  TargetSocket<RootComplex, &RootComplex::b_transport_up> up_in;
  InitiatorSocket host_out;

  RootComplex(sc_core::sc_module_name name, sc_core::sc_time latency);
  // Throws std::invalid_argument on an empty or overlapping window.
  void add_bar(const BarWindow& bar);

 private:
  // The handlers' work, behind their stamp (hop_trace.h, stamped).
  void pass_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void pass_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned dbg_down(tlm::tlm_generic_payload& p);
  unsigned dbg_up(tlm::tlm_generic_payload& p);
  const BarWindow* decode(uint64_t address, uint64_t length) const;

  sc_core::sc_time latency_;
  TraceNode node_;
  std::vector<BarWindow> bars_;
};

}  // namespace cxlvp
