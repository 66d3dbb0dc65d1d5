#pragma once
// SerialLink: a point-to-point link with one Occupancy per direction (PCIe,
// CXL). Host-side traffic enters at `down_in` and leaves at `down_out`;
// device-initiated traffic enters at `up_in` and leaves at `up_out`. A request
// crosses in its direction, the target answers, and the response crosses back:
// for a read the data occupies the return direction, for a write the request
// direction. How many wire bytes a transfer costs (headers, flits, CRC) is the
// LinkFormat's business, so PCIe and CXL share this one model.
#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>

#include "initiator_socket.h"
#include "node_registry.h"
#include "occupancy.h"
#include "target_socket.h"

namespace cxlvp {

struct WireCost {
  double request_bytes = 0;   // bytes on the wire in the direction of the request
  double response_bytes = 0;  // bytes on the wire coming back (0: nothing returns)
};

class LinkFormat {
 public:
  virtual ~LinkFormat() = default;
  virtual WireCost cost(bool is_read, uint64_t payload_bytes) const = 0;
  virtual double wire_GBps() const = 0;  // per direction, after line encoding
  // Largest payload one packet (TLP, flit group) carries: a single access
  // interleaved with queued bulk traffic waits at most for one such packet.
  virtual uint64_t packet_payload_bytes() const = 0;
};

class SerialLink : public sc_core::sc_module {
  // The sockets' handlers, declared first: each TargetSocket names its own
  // (target_socket.h).
  void b_transport_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void b_transport_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  TargetSocket<SerialLink, &SerialLink::b_transport_down> down_in;
  InitiatorSocket down_out;
  TargetSocket<SerialLink, &SerialLink::b_transport_up> up_in;
  InitiatorSocket up_out;

  SerialLink(sc_core::sc_module_name name, std::unique_ptr<LinkFormat> format, sc_core::sc_time latency);

  const LinkFormat& format() const { return *format_; }
  // Payload bytes that crossed each direction (data, not protocol overhead).
  uint64_t downstream_bytes() const { return downstream_.payload_bytes(); }
  uint64_t upstream_bytes() const { return upstream_.payload_bytes(); }
  uint64_t downstream_busy_ps() const { return downstream_.busy_ps(); }
  uint64_t upstream_busy_ps() const { return upstream_.busy_ps(); }

 private:
  // What one transfer of a given size and command costs on the wire and in
  // time, each way. Streams repeat one burst size, so the last answer per
  // crossing direction and command is kept: the format's cost and the
  // conversion to time (floating point) sat on every crossing.
  struct Transfer {
    uint64_t length = ~0ull;
    WireCost wire;
    sc_core::sc_time request_time, response_time;  // on `there`, on `back`
    bool returns = false;                           // something crosses back (wire.response_bytes > 0)
  };
  // Inlined into each direction's handler, so that a hop is one call (perf).
  [[gnu::always_inline]] inline void cross(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, Occupancy& there,
                                           Occupancy& back, InitiatorSocket& next, Transfer (&cache)[2]);
  const Transfer& transfer(Transfer (&cache)[2], bool read, uint64_t length, const Occupancy& there,
                           const Occupancy& back) {
    Transfer& t = cache[read];
    if (t.length != length) {
      t.length = length;
      t.wire = format_->cost(read, length);
      t.request_time = there.time_for(t.wire.request_bytes);
      t.response_time = back.time_for(t.wire.response_bytes);
      t.returns = t.wire.response_bytes > 0;
    }
    return t;
  }
  unsigned dbg_down(tlm::tlm_generic_payload& p) { return down_out->transport_dbg(p); }
  unsigned dbg_up(tlm::tlm_generic_payload& p) { return up_out->transport_dbg(p); }

  std::unique_ptr<LinkFormat> format_;
  sc_core::sc_time latency_;
  TraceNode node_;
  Occupancy downstream_;
  Occupancy upstream_;
  double packet_wire_bytes_ = 0;  // one maximum-size write packet: what an interleaved access waits for
  Transfer downstream_transfer_[2], upstream_transfer_[2];  // [read], by the direction of the request
};

}  // namespace cxlvp
