#pragma once
// Accesses that span interleave granules. A host bridge or switch decoder
// sends each granule to its own target, so a burst longer than the
// granularity becomes one piece per granule, each going to its target. The
// pieces leave together (the same annotated delay) and the access completes
// when the last piece does, as the devices serve them in parallel.
#include <algorithm>
#include <systemc>
#include <tlm>

#include "interleave.h"

namespace cxlvp {

// Calls send(position, payload, delay) for each granule-sized piece of `p`
// inside the interleaved window starting at `window_base`, with the payload's
// address, length and data pointer narrowed to the piece (restored after).
// The access fails if any piece does. Byte enables are not split: accesses
// with byte enables must stay inside one granule.
template <class Send>
void send_by_granule(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, uint64_t window_base,
                     const Interleave& il, Send&& send) {
  const uint64_t address = p.get_address();
  const unsigned length = p.get_data_length();
  unsigned char* const data = p.get_data_ptr();
  const sc_core::sc_time start = delay;
  sc_core::sc_time done = start;
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  for (unsigned sent = 0; sent < length && status == tlm::TLM_OK_RESPONSE;) {
    const uint64_t offset = address + sent - window_base;
    const unsigned piece = unsigned(std::min<uint64_t>(length - sent, il.to_granule_end(offset)));
    p.set_address(address + sent);
    p.set_data_length(piece);
    p.set_streaming_width(piece);
    if (data) p.set_data_ptr(data + sent);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time d = start;
    send(il.position(offset), p, d);
    status = p.get_response_status();
    done = std::max(done, d);
    sent += piece;
  }
  p.set_address(address);
  p.set_data_length(length);
  p.set_streaming_width(length);
  p.set_data_ptr(data);
  p.set_response_status(status);
  delay = done;
}

}  // namespace cxlvp
