#pragma once
// CxlRootPort: the host-side end of a CXL link. It claims the address ranges
// of what hangs below it -- HDM windows (CXL.mem) and register BARs (CXL.io)
// of an expander, or of a switch and every device behind it -- and sends
// those accesses down the link with host physical addresses intact;
// device-initiated writes (MSIs) come up from the link and enter the host
// interconnect.
#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "../common/address_range.h"

#include "../common/initiator_socket.h"
#include "../common/node_registry.h"
#include "../common/target_socket.h"

namespace cxlvp {

class CxlRootPort : public sc_core::sc_module {
  // The sockets' handlers, declared first: each TargetSocket names its own
  // (target_socket.h).
  void b_transport_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void b_transport_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  TargetSocket<CxlRootPort, &CxlRootPort::b_transport_down> host_in;
  InitiatorSocket link_out;
  TargetSocket<CxlRootPort, &CxlRootPort::b_transport_up> link_in;
  InitiatorSocket host_out;

  CxlRootPort(sc_core::sc_module_name name, std::vector<AddressRange> claims, sc_core::sc_time latency);

 private:
  // The handlers' work, behind their stamp (hop_trace.h, stamped).
  void pass_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void pass_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  bool claims(uint64_t address, uint64_t length) const;
  unsigned dbg_down(tlm::tlm_generic_payload& p);
  unsigned dbg_up(tlm::tlm_generic_payload& p) { return host_out->transport_dbg(p); }

  std::vector<AddressRange> claims_;
  sc_core::sc_time latency_;
  TraceNode node_;
};

}  // namespace cxlvp
