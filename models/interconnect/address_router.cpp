#include "address_router.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "../common/hop_trace.h"
#include "../common/target_socket.h"
#include "../cxl/granule_split.h"

namespace cxlvp {

AddressRouter::AddressRouter(sc_core::sc_module_name name, sc_core::sc_time latency)
    : sc_module(name),
      in("in", this, &AddressRouter::transport_dbg),
      out("out"),
      latency_(latency),
      node_(register_node(this->name())) {}

void AddressRouter::end_of_elaboration() {
  for (unsigned i = 0; i < out.size(); ++i) targets_.push_back(direct_transport_of(*out[int(i)]));
}

void AddressRouter::add_window(const AddressWindow& w) {
  if (w.size == 0 || w.base + w.size < w.base)
    throw std::invalid_argument("address window " + w.name + " is empty or wraps around");
  if (!w.interleave_ports.empty() && (w.interleave_ports.size() != w.interleave.ways || w.relative))
    throw std::invalid_argument("address window " + w.name + ": an interleave set needs one port per way and host physical addresses");
  for (const auto& o : windows_) {
    if (w.base < o.end() && o.base < w.end()) {
      std::ostringstream msg;
      msg << "address window " << w.name << " [0x" << std::hex << w.base << ", 0x" << w.end()
          << ") overlaps " << o.name << " [0x" << o.base << ", 0x" << o.end() << ")";
      throw std::invalid_argument(msg.str());
    }
  }
  windows_.push_back(w);
  last_hit_ = nullptr;  // the vector may have moved
  std::sort(windows_.begin(), windows_.end(), [](const auto& a, const auto& b) { return a.base < b.base; });
}

const AddressWindow* AddressRouter::search(uint64_t address) const {
  auto it = std::upper_bound(windows_.begin(), windows_.end(), address,
                             [](uint64_t a, const AddressWindow& w) { return a < w.base; });
  if (it == windows_.begin()) return nullptr;
  --it;
  if (address >= it->end()) return nullptr;
  last_hit_ = &*it;
  return last_hit_;
}

void AddressRouter::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&AddressRouter::pass>(*this, node_, p, delay);
}

inline void AddressRouter::pass(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += latency_;
  const uint64_t address = p.get_address();
  const AddressWindow* w = decode(address);
  if (!w || p.get_data_length() > w->end() - address) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (!w->interleave_ports.empty()) return send_interleaved(*w, p, delay);
  if (!w->relative) return targets_[w->port](p, delay);  // the host physical address passes through
  p.set_address(address - w->base);
  targets_[w->port](p, delay);
  p.set_address(address);
}

void AddressRouter::send_interleaved(const AddressWindow& w, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  const uint64_t offset = p.get_address() - w.base;
  if (p.get_data_length() <= w.interleave.to_granule_end(offset))
    return targets_[w.interleave_ports[w.interleave.position(offset)]](p, delay);
  send_by_granule(p, delay, w.base, w.interleave, [&](unsigned position, tlm::tlm_generic_payload& piece, sc_core::sc_time& d) {
    targets_[w.interleave_ports[position]](piece, d);
  });
}

unsigned AddressRouter::transport_dbg(tlm::tlm_generic_payload& p) {
  const uint64_t address = p.get_address();
  const AddressWindow* w = decode(address);
  if (!w) return 0;
  if (!w->interleave_ports.empty()) {
    unsigned done = 0;
    sc_core::sc_time ignored;
    send_by_granule(p, ignored, w->base, w->interleave,
                    [&](unsigned position, tlm::tlm_generic_payload& piece, sc_core::sc_time&) {
                      const unsigned n = out[int(w->interleave_ports[position])]->transport_dbg(piece);
                      done += n;
                      piece.set_response_status(n == piece.get_data_length() ? tlm::TLM_OK_RESPONSE
                                                                             : tlm::TLM_ADDRESS_ERROR_RESPONSE);
                    });
    return done;
  }
  if (w->relative) p.set_address(address - w->base);
  const unsigned n = out[w->port]->transport_dbg(p);
  p.set_address(address);
  return n;
}

}  // namespace cxlvp
