#pragma once
// CxlRootPort: the host-side end of the CXL link. It claims the expander's HDM
// range (CXL.mem) and its register BAR (CXL.io) and sends those accesses down
// the link with host physical addresses intact; device-initiated writes (MSIs)
// come up from the link and enter the host interconnect.
#include <cstdint>
#include <systemc>
#include <tlm>

#include "../common/initiator_socket.h"
#include "../common/node_registry.h"
#include "../common/target_socket.h"

namespace cxlvp {

struct CxlHostWindows {
  uint64_t hdm_base = 0;  // host physical base of device memory
  uint64_t hdm_size = 0;
  uint64_t reg_base = 0;  // host physical base of the device register BAR
  uint64_t reg_size = 0;
};

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

  CxlRootPort(sc_core::sc_module_name name, const CxlHostWindows& windows, sc_core::sc_time latency);

 private:
  bool claims(uint64_t address, uint64_t length) const;
  unsigned dbg_down(tlm::tlm_generic_payload& p);
  unsigned dbg_up(tlm::tlm_generic_payload& p) { return host_out->transport_dbg(p); }

  CxlHostWindows windows_;
  sc_core::sc_time latency_;
  NodeId node_;
};

}  // namespace cxlvp
