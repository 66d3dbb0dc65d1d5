#pragma once
// CxlSwitch: a CXL 2.0 single-level switch (CXL 2.0 section 7.7) below a host
// root port:
//
//   host --rp--> link (upstream, shared) --> USP --> port k --> device k's link --> device k
//
//  - The upstream port (USP) routes CXL.mem requests by its HDM decoders,
//    which boot firmware programs like a device's (hdm_decoder.h): each
//    committed decoder sends its window, or its interleave granules, to the
//    downstream ports in its target list. A burst longer than the granularity
//    is split, one piece per granule (granule_split.h).
//  - CXL.io requests (register BAR accesses) are routed by the BAR window of
//    the device below each port (a PCIe bridge's memory window), fixed when
//    the platform is assembled; the switch's own BAR holds its HDM decoders
//    and a small info block (port count, which device slot is below each port).
//  - Every crossing of the switch, down to a port or up from one, adds the
//    port-to-port latency twice: once for the request, once for its response
//    (a read's data, a write's completion), as the links count crossings.
//    Contention is in the links: the shared upstream link, and each device's
//    own link below its port.
//  - Device-initiated writes (NDP MSIs) come up from a port and go up the
//    upstream link.
#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "../common/address_range.h"
#include "../common/initiator_socket.h"
#include "../common/node_registry.h"
#include "../common/register_bank.h"
#include "../common/serial_link.h"
#include "../common/target_socket.h"
#include "cxl_flit_format.h"
#include "cxl_registers.h"
#include "cxl_root_port.h"
#include "hdm_decoder.h"

namespace cxlvp {

struct CxlSwitchConfig {
  unsigned ports = 4;             // downstream ports
  double port_latency_ns = 50;    // port-to-port, per crossing
  double root_port_latency_ns = 20;  // the host root port the switch hangs off
  CxlLinkConfig link;             // the upstream link to the host root port
};

class CxlSwitch;

// One downstream port: its device's link binds to `down` and `up`.
class CxlSwitchPort : public sc_core::sc_module {
  void from_device(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  InitiatorSocket down;
  TargetSocket<CxlSwitchPort, &CxlSwitchPort::from_device> up;

  CxlSwitchPort(sc_core::sc_module_name name, CxlSwitch& owner);
  void send_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned send_down_dbg(tlm::tlm_generic_payload& p) { return down->transport_dbg(p); }

 private:
  // The handlers' work, behind their stamp (hop_trace.h, stamped).
  void pass_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void pass_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

  CxlSwitch& owner_;
  TraceNode node_;
};

class CxlSwitch : public sc_core::sc_module {
  void from_upstream(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  CxlRootPort rp;  // on the host; binds to the host interconnect like an expander's
  SerialLink link;
  std::vector<std::unique_ptr<CxlSwitchPort>> ports;  // null where no device is attached

  // `bar`: the switch's own register BAR; `claims`: every window the root
  // port passes down (HDM windows and BARs of everything below, and `bar`);
  // `attached`: the ports a device's link will bind to (the others stay empty).
  CxlSwitch(sc_core::sc_module_name name, const CxlSwitchConfig& config, const AddressRange& bar,
            std::vector<AddressRange> claims, const std::vector<unsigned>& attached);

  // CXL.io: accesses to `device_bar` go to `port`, whose device sits in BAR slot `slot`.
  void attach(unsigned port, const AddressRange& device_bar, unsigned slot);

  sc_core::sc_time crossing() const { return crossing_; }
  // Up from a port: towards the host.
  void send_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { usp_out.b_transport(p, delay); }

 private:
  TargetSocket<CxlSwitch, &CxlSwitch::from_upstream> usp_in;  // from the upstream link
  InitiatorSocket usp_out;                                  // to the upstream link

  // The handler's work, behind its stamp (hop_trace.h, stamped).
  void pass_from_upstream(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned from_upstream_dbg(tlm::tlm_generic_payload& p);
  // The port for a CXL.io access, or -1.
  int bridge_port(uint64_t address, uint64_t length) const;

  AddressRange bar_;
  sc_core::sc_time crossing_;  // two port-to-port latencies: the request and its response
  TraceNode node_;
  HdmDecoders hdm_;
  Register id_, port_count_;
  std::vector<std::unique_ptr<Register>> port_slots_;
  RegisterBank regs_;
  struct Bridge {
    AddressRange window;
    unsigned port;
  };
  std::vector<Bridge> bridges_;
  // The span from the lowest bridge window's base to the highest one's end:
  // CXL.mem traffic falls outside it and skips the loop over the bridges.
  uint64_t bridges_low_ = ~uint64_t(0), bridges_high_ = 0;
};

}  // namespace cxlvp
