#pragma once
// Debug (zero-time) reads and writes through an initiator socket, with TLM-2.0
// debug transport: no simulated time passes and no bandwidth is used, as when
// a debugger or a model loader pokes memory. Functional mode uses it where the
// real system's work is not modeled (docs/functional-mode.md).
#include <algorithm>
#include <cstdint>
#include <tlm>

namespace cxlvp {

// False unless every byte was transferred. `Socket` is any initiator socket
// (its operator-> gives the forward interface).
template <class Socket>
bool debug_transfer(Socket& socket, tlm::tlm_command cmd, uint64_t address, uint8_t* data, uint64_t bytes) {
  constexpr uint64_t kChunk = 1ull << 20;  // transport_dbg counts bytes in an unsigned
  tlm::tlm_generic_payload p;
  for (uint64_t offset = 0; offset < bytes; offset += kChunk) {
    const auto length = static_cast<unsigned>(std::min(kChunk, bytes - offset));
    p.set_command(cmd);
    p.set_address(address + offset);
    p.set_data_ptr(data + offset);
    p.set_data_length(length);
    p.set_streaming_width(length);
    p.set_byte_enable_ptr(nullptr);
    p.set_byte_enable_length(0);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (socket->transport_dbg(p) != length) return false;
  }
  return true;
}

}  // namespace cxlvp
