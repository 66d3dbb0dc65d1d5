#include "occupancy.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <systemc>

namespace cxlvp {

void Occupancy::forget_before(uint64_t time_ps) {
  // No caller can arrive before the global simulated time, so intervals that
  // ended by then can never matter again.
  auto it = busy_.begin();
  while (it != busy_.end() && it->second <= time_ps) it = busy_.erase(it);
}

uint64_t Occupancy::reserve(uint64_t arrival_ps, double wire_bytes, uint64_t payload_bytes) {
  const auto service = static_cast<uint64_t>(std::llround(wire_bytes * ps_per_byte_));
  busy_ps_ += service;
  payload_bytes_ += payload_bytes;
  if (busy_.size() > 32) forget_before(sc_core::sc_time_stamp().value());

  // Find the first gap of `service` at or after the arrival.
  uint64_t start = arrival_ps;
  auto next = busy_.upper_bound(start);
  if (next != busy_.begin()) {
    auto prev = std::prev(next);
    start = std::max(start, prev->second);
  }
  while (next != busy_.end() && next->first < start + service) {
    start = std::max(start, next->second);
    ++next;
  }
  const uint64_t end = start + service;
  if (service == 0) return end;

  // Insert [start, end), merging with neighbours it touches.
  auto prev = next == busy_.begin() ? busy_.end() : std::prev(next);
  uint64_t merged_end = end;
  if (next != busy_.end() && next->first == end) {
    merged_end = next->second;
    busy_.erase(next);
  }
  if (prev != busy_.end() && prev->second == start) prev->second = merged_end;
  else busy_.emplace_hint(busy_.end(), start, merged_end);
  return end;
}

}  // namespace cxlvp
