#include "msi_controller.h"

#include <algorithm>
#include <cstring>

#include "../common/time_resolution.h"
#include "../common/hop_trace.h"

namespace cxlvp {

MsiController::MsiController(sc_core::sc_module_name name, uint64_t window_bytes)
    : sc_module(name), in("in", this), window_bytes_(window_bytes), node_(register_node(this->name())) {
  require_picosecond_resolution("MsiController");
}

void MsiController::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  arrive_at_target(p, node_, delay);
  if (!p.is_write() || p.get_data_length() != 4 || p.get_address() % 4 || p.get_address() >= window_bytes_) {
    p.set_response_status(p.is_write() ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  uint32_t data;
  std::memcpy(&data, p.get_data_ptr(), 4);
  const MsiMessage m{(sc_core::sc_time_stamp() + delay).value(), uint32_t(p.get_address() / 4), data};
  // Initiators run ahead in time by different amounts: keep the queue in time order.
  auto at = std::upper_bound(pending_.begin(), pending_.end(), m.time_ps,
                             [](uint64_t t, const MsiMessage& x) { return t < x.time_ps; });
  pending_.insert(at, m);
  ++received_;
  arrived_.notify(delay);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

MsiMessage MsiController::next() {
  for (;;) {
    if (pending_.empty()) {
      sc_core::wait(arrived_);
      continue;
    }
    const uint64_t now = sc_core::sc_time_stamp().value();
    if (pending_.front().time_ps <= now) break;
    sc_core::wait(sc_core::sc_time::from_value(pending_.front().time_ps - now), arrived_);
  }
  const MsiMessage m = pending_.front();
  pending_.pop_front();
  return m;
}

}  // namespace cxlvp
