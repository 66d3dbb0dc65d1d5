#include "occupancy.h"

#include <algorithm>

namespace cxlvp {

void Occupancy::erase_forgotten() {
  busy_.erase(busy_.begin(), busy_.begin() + std::ptrdiff_t(head_));
  head_ = 0;
}

Occupancy::Time Occupancy::interleave(const Time& arrival, double wire_bytes, uint64_t payload_bytes,
                                      double packet_wire_bytes) {
  const Time service = time_for(wire_bytes);
  busy_ps_ += service.value();
  payload_bytes_ += payload_bytes;
  const auto next = std::upper_bound(busy_.begin() + std::ptrdiff_t(head_), busy_.end(), arrival,
                                     [](const Time& t, const Interval& i) { return t < i.end; });
  const bool busy_now = next != busy_.end() && next->start <= arrival;
  return arrival + service + (busy_now ? time_for(packet_wire_bytes) : sc_core::SC_ZERO_TIME);
}

Occupancy::Time Occupancy::reserve_in_gap(const Time& arrival, const Time& service) {
  const auto live = busy_.begin() + std::ptrdiff_t(head_);
  auto next = std::upper_bound(live, busy_.end(), arrival, [](const Time& t, const Interval& i) { return t < i.end; });
  Time start = arrival;
  while (next != busy_.end() && next->start < start + service) {
    start = std::max(start, next->end);
    ++next;
  }
  const Time end = start + service;
  const bool joins_prev = next != live && std::prev(next)->end == start;
  const bool joins_next = next != busy_.end() && next->start == end;
  if (joins_prev && joins_next) {
    std::prev(next)->end = next->end;
    busy_.erase(next);
  } else if (joins_prev) {
    std::prev(next)->end = end;
  } else if (joins_next) {
    next->start = start;
  } else {
    busy_.emplace(next, start, end);
  }
  return end;
}

}  // namespace cxlvp
