#include "register_bridge.h"

#include <cstring>

namespace cxlvp {

RegisterBridge::RegisterBridge(sc_core::sc_module_name name)
    : sc_module(name), in("in"), clk("clk"), rst_n("rst_n"), observer_(&no_observer_) {
  in.register_b_transport(this, &RegisterBridge::b_transport);
}

void RegisterBridge::attach(std::function<void()> wake, BridgeObserver* observer, const uint64_t* cycle) {
  wake_ = std::move(wake);
  observer_ = observer ? observer : &no_observer_;
  cycle_ = cycle;
}

void RegisterBridge::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  const unsigned length = p.get_data_length();
  if ((length != 4 && length != 8) || p.get_address() % 4) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (p.get_byte_enable_ptr()) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (p.get_streaming_width() < length) {
    p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  while (owned_) sc_core::wait(free_);
  owned_ = true;
  const sc_core::sc_time until = start + delay;
  if (until > sc_core::sc_time_stamp()) sc_core::wait(until - sc_core::sc_time_stamp());
  bool ok = true;
  for (unsigned word = 0; word < length / 4; ++word) {
    uint32_t data = 0;
    if (p.is_write()) std::memcpy(&data, p.get_data_ptr() + 4 * word, 4);
    word_pending_ = true;
    ok = word_access(p.is_write(), uint32_t(p.get_address() + 4 * word), data) && ok;
    word_pending_ = false;
    if (p.is_read()) std::memcpy(p.get_data_ptr() + 4 * word, &data, 4);
  }
  owned_ = false;
  free_.notify();
  delay = sc_core::sc_time_stamp() - start;
  p.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

}  // namespace cxlvp
