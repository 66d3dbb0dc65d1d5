#include "cxl_root_port.h"

#include "../common/hop_trace.h"

namespace cxlvp {

CxlRootPort::CxlRootPort(sc_core::sc_module_name name, const CxlHostWindows& windows, sc_core::sc_time latency)
    : sc_module(name),
      host_in("host_in", this, &CxlRootPort::dbg_down),
      link_out("link_out"),
      link_in("link_in", this, &CxlRootPort::dbg_up),
      host_out("host_out"),
      windows_(windows),
      latency_(latency),
      node_(register_node(this->name())) {
}

bool CxlRootPort::claims(uint64_t a, uint64_t n) const {
  const auto in = [a, n](uint64_t base, uint64_t size) { return a >= base && a - base < size && n <= size - (a - base); };
  return in(windows_.hdm_base, windows_.hdm_size) || in(windows_.reg_base, windows_.reg_size);
}

void CxlRootPort::b_transport_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamp_hop(p, node_, delay);
  delay += latency_;
  if (!claims(p.get_address(), p.get_data_length())) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  link_out.b_transport(p, delay);
}

void CxlRootPort::b_transport_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamp_hop(p, node_, delay);
  delay += latency_;
  host_out.b_transport(p, delay);
}

unsigned CxlRootPort::dbg_down(tlm::tlm_generic_payload& p) {
  return claims(p.get_address(), p.get_data_length()) ? link_out->transport_dbg(p) : 0;
}

}  // namespace cxlvp
