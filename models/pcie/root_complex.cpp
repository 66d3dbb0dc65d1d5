#include "root_complex.h"

#include <stdexcept>

#include "../common/hop_trace.h"
#include "../common/target_socket.h"

namespace cxlvp {

RootComplex::RootComplex(sc_core::sc_module_name name, sc_core::sc_time latency)
    : sc_module(name),
      host_in("host_in", this, &RootComplex::dbg_down),
      down_out("down_out"),
      up_in("up_in", this, &RootComplex::dbg_up),
      host_out("host_out"),
      latency_(latency),
      node_(register_node(this->name())) {
}

void RootComplex::add_bar(const BarWindow& bar) {
  if (bar.size == 0) throw std::invalid_argument("BAR window " + bar.name + " is empty");
  for (const auto& o : bars_)
    if (bar.base < o.base + o.size && o.base < bar.base + bar.size)
      throw std::invalid_argument("BAR window " + bar.name + " overlaps " + o.name);
  bars_.push_back(bar);
}

const BarWindow* RootComplex::decode(uint64_t address, uint64_t length) const {
  for (const auto& b : bars_)
    if (address >= b.base && address - b.base < b.size && length <= b.base + b.size - address) return &b;
  return nullptr;
}

void RootComplex::b_transport_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&RootComplex::pass_down>(*this, node_, p, delay);
}

void RootComplex::b_transport_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&RootComplex::pass_up>(*this, node_, p, delay);
}

inline void RootComplex::pass_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += latency_;
  const uint64_t address = p.get_address();
  const BarWindow* bar = decode(address, p.get_data_length());
  if (!bar) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (!bar->keep_host_address) p.set_address(address - bar->base);
  down_out[bar->port]->b_transport(p, delay);
  p.set_address(address);
}

inline void RootComplex::pass_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += latency_;
  host_out.b_transport(p, delay);
}

unsigned RootComplex::dbg_down(tlm::tlm_generic_payload& p) {
  const uint64_t address = p.get_address();
  const BarWindow* bar = decode(address, p.get_data_length());
  if (!bar) return 0;
  if (!bar->keep_host_address) p.set_address(address - bar->base);
  const unsigned n = down_out[bar->port]->transport_dbg(p);
  p.set_address(address);
  return n;
}

unsigned RootComplex::dbg_up(tlm::tlm_generic_payload& p) { return host_out->transport_dbg(p); }

}  // namespace cxlvp
