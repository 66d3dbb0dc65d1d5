#include "cxl_root_port.h"

#include "../common/hop_trace.h"

namespace cxlvp {

CxlRootPort::CxlRootPort(sc_core::sc_module_name name, std::vector<AddressRange> claims, sc_core::sc_time latency)
    : sc_module(name),
      host_in("host_in", this, &CxlRootPort::dbg_down),
      link_out("link_out"),
      link_in("link_in", this, &CxlRootPort::dbg_up),
      host_out("host_out"),
      claims_(std::move(claims)),
      latency_(latency),
      node_(register_node(this->name())) {
}

bool CxlRootPort::claims(uint64_t a, uint64_t n) const {
  for (const AddressRange& r : claims_)
    if (r.holds(a, n)) return true;
  return false;
}

void CxlRootPort::b_transport_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&CxlRootPort::pass_down>(*this, node_, p, delay);
}

void CxlRootPort::b_transport_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&CxlRootPort::pass_up>(*this, node_, p, delay);
}

inline void CxlRootPort::pass_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += latency_;
  if (!claims(p.get_address(), p.get_data_length())) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  link_out.b_transport(p, delay);
}

inline void CxlRootPort::pass_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += latency_;
  host_out.b_transport(p, delay);
}

unsigned CxlRootPort::dbg_down(tlm::tlm_generic_payload& p) {
  return claims(p.get_address(), p.get_data_length()) ? link_out->transport_dbg(p) : 0;
}

}  // namespace cxlvp
