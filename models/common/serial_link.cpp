#include "serial_link.h"

#include "hop_trace.h"
#include "time_resolution.h"
#include "transfer_hints.h"

namespace cxlvp {

SerialLink::SerialLink(sc_core::sc_module_name name, std::unique_ptr<LinkFormat> format,
                       sc_core::sc_time latency)
    : sc_module(name),
      down_in("down_in", this, &SerialLink::dbg_down),
      down_out("down_out"),
      up_in("up_in", this, &SerialLink::dbg_up),
      up_out("up_out"),
      format_(std::move(format)),
      latency_(latency),
      node_(register_node(this->name())),
      downstream_(format_->wire_GBps() * 1e9),
      upstream_(format_->wire_GBps() * 1e9) {
  require_picosecond_resolution("SerialLink");
  packet_wire_bytes_ = format_->cost(false, format_->packet_payload_bytes()).request_bytes;
}

inline void SerialLink::cross(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, Occupancy& there,
                              Occupancy& back, InitiatorSocket& next, Transfer (&cache)[2]) {
  stamp_hop(p, node_, delay);
  const TransferHints* hints = find_extension<TransferHints>(p);
  const bool read = p.is_read();
  const uint64_t len = p.get_data_length();
  const Transfer& t = transfer(cache, read, len, there, back);
  // Single accesses (registers, descriptors, MSIs) are interleaved with bulk
  // traffic, as link arbitration does packet by packet; bursts of a stream
  // queue for the link whatever their size.
  const bool one_packet = is_single_access(hints);
  const sc_core::sc_time now = kernel_now(hints);
  const sc_core::sc_time settled = settled_time(hints);
  const sc_core::sc_time arrival = now + delay;
  const uint64_t payload = read ? 0 : len;
  delay = (one_packet ? there.interleave(arrival, t.wire.request_bytes, payload, packet_wire_bytes_)
                      : there.reserve(arrival, t.request_time, payload, settled)) +
          latency_ - now;
  // What the way back needs, read now: the target may send traffic across
  // this link before it returns (the NDP engine answers a doorbell with
  // accesses of its own), which refills the cache entry.
  const bool returns = t.returns;
  const double response_bytes = t.wire.response_bytes;
  const sc_core::sc_time response_time = t.response_time;
  next.b_transport(p, delay);
  if (returns && p.is_response_ok()) {
    const sc_core::sc_time returned = now + delay;
    const uint64_t returned_payload = read ? len : 0;
    delay = (one_packet ? back.interleave(returned, response_bytes, returned_payload, packet_wire_bytes_)
                        : back.reserve(returned, response_time, returned_payload, settled)) +
            latency_ - now;
  }
}

void SerialLink::b_transport_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  cross(p, delay, downstream_, upstream_, down_out, downstream_transfer_);
}

void SerialLink::b_transport_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  cross(p, delay, upstream_, downstream_, up_out, upstream_transfer_);
}

}  // namespace cxlvp
