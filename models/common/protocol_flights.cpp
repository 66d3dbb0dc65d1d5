#include "protocol_flights.h"

#include <algorithm>

#include "protocol_payload.h"

namespace cxlvp {

ProtocolFlights& ProtocolFlights::global() {
  static ProtocolFlights flights;
  return flights;
}

void ProtocolFlights::drop_idle() {
  for (auto it = flights_.begin(); it != flights_.end();)
    it = it->second.idle() ? flights_.erase(it) : std::next(it);
  limit_ = std::max(kMinLimit, 2 * flights_.size());
}

bool ProtocolFlights::request(const tlm::tlm_generic_payload& p, const sc_core::sc_object* checker) {
  if (flights_.size() >= limit_) drop_idle();
  Flight& f = flights_[&p];
  f.path.push_back(checker);
  return !f.responding;
}

ProtocolFlights::Passage ProtocolFlights::response(const tlm::tlm_generic_payload& p,
                                                   const sc_core::sc_object* checker, bool contents) {
  Passage passage;
  const auto it = flights_.find(&p);
  // No request recorded: the phase rules of the checker report that.
  if (it == flights_.end() || it->second.path.empty()) return passage;
  Flight& f = it->second;
  if (f.path.back() == checker) {
    f.path.pop_back();
  } else {
    passage.reversed = false;
    for (const auto* c : f.path) passage.path += std::string(" -> ") + c->name();
    const auto mine = std::find(f.path.rbegin(), f.path.rend(), checker);
    if (mine != f.path.rend()) f.path.erase(std::next(mine).base());
  }
  const bool read = contents && p.get_command() == tlm::TLM_READ_COMMAND && p.get_data_ptr() != nullptr;
  if (!f.responding) {
    if (read) f.read_data.assign(p.get_data_ptr(), p.get_data_ptr() + p.get_data_length());
  } else if (read && f.read_data.size() == p.get_data_length()) {
    passage.data_change = first_difference(f.read_data.data(), p.get_data_ptr(), f.read_data.size());
  }
  f.responding = !f.path.empty();
  return passage;
}

void ProtocolFlights::leave(const tlm::tlm_generic_payload& p, const sc_core::sc_object* checker) {
  const auto it = flights_.find(&p);
  if (it == flights_.end()) return;
  auto& path = it->second.path;
  const auto mine = std::find(path.rbegin(), path.rend(), checker);
  if (mine != path.rend()) path.erase(std::next(mine).base());
  if (path.empty()) it->second.responding = false;
}

}  // namespace cxlvp
