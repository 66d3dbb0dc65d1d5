#pragma once
// Occupancy: one serially used resource (a link direction, a DRAM channel)
// under loosely-timed simulation. Each transfer occupies the resource for
// wire_bytes / bandwidth, in the earliest idle gap at or after its arrival, so
// concurrent streams share its bandwidth and a loaded resource adds queueing
// delay.
//
// Why gaps and not just "busy until": with temporal decoupling and many
// requests in flight, callers reserve out of time order. A DMA write issued
// for when its read data returns (microseconds ahead) must not block a
// request that arrives now; it takes its own slot in the future and leaves
// the present free. Times are absolute picoseconds (sc_time values).
#include <cstdint>
#include <vector>

namespace cxlvp {

class Occupancy {
 public:
  explicit Occupancy(double bytes_per_second) : ps_per_byte_(1e12 / bytes_per_second) {}

  // Reserves the resource for `wire_bytes` arriving at `arrival_ps`; returns
  // the time the last byte leaves. `payload_bytes` only feeds the statistics.
  uint64_t reserve(uint64_t arrival_ps, double wire_bytes, uint64_t payload_bytes);

  // A transfer that goes out between the packets of queued traffic (link
  // arbitration interleaves queues packet by packet): it waits for the packet
  // on the wire (`packet_wire_bytes`), not for the whole queue, and does not
  // move later reservations. Returns the time its last byte leaves.
  uint64_t interleave(uint64_t arrival_ps, double wire_bytes, uint64_t payload_bytes, double packet_wire_bytes);

  uint64_t payload_bytes() const { return payload_bytes_; }
  uint64_t busy_ps() const { return busy_ps_; }

 private:
  void forget_before(uint64_t time_ps);

  struct Interval {
    uint64_t start, end;
  };
  double ps_per_byte_;
  // Sorted, disjoint, never touching. Few entries (old ones are forgotten), and
  // most reservations append at the end, so a vector beats a tree here.
  std::vector<Interval> busy_;
  unsigned calls_since_prune_ = 0;
  uint64_t busy_ps_ = 0;
  uint64_t payload_bytes_ = 0;
};

}  // namespace cxlvp
