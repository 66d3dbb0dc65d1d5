#include "occupancy.h"

#include <algorithm>
#include <systemc>

namespace cxlvp {

void Occupancy::forget_before(uint64_t time_ps) {
  // No caller can arrive before the global simulated time, so intervals that
  // ended by then can never matter again.
  const auto first_live = std::find_if(busy_.begin(), busy_.end(), [time_ps](const Interval& i) { return i.end > time_ps; });
  busy_.erase(busy_.begin(), first_live);
}

uint64_t Occupancy::interleave(uint64_t arrival_ps, double wire_bytes, uint64_t payload_bytes,
                              double packet_wire_bytes) {
  const auto service = static_cast<uint64_t>(wire_bytes * ps_per_byte_ + 0.5);
  busy_ps_ += service;
  payload_bytes_ += payload_bytes;
  const auto next = std::upper_bound(busy_.begin(), busy_.end(), arrival_ps,
                                     [](uint64_t t, const Interval& i) { return t < i.end; });
  const bool busy_now = next != busy_.end() && next->start <= arrival_ps;
  const auto wait = busy_now ? static_cast<uint64_t>(packet_wire_bytes * ps_per_byte_ + 0.5) : 0;
  return arrival_ps + wait + service;
}

uint64_t Occupancy::reserve(uint64_t arrival_ps, double wire_bytes, uint64_t payload_bytes) {
  const auto service = static_cast<uint64_t>(wire_bytes * ps_per_byte_ + 0.5);
  busy_ps_ += service;
  payload_bytes_ += payload_bytes;
  if (service == 0) return arrival_ps;
  // Prune in batches: erasing a few dead intervals on every call would move
  // the whole vector each time.
  if (busy_.size() > 64 && ++calls_since_prune_ >= 32) {
    forget_before(sc_core::sc_time_stamp().value());
    calls_since_prune_ = 0;
  }

  // Common case: the resource is idle from the arrival on.
  if (busy_.empty() || arrival_ps >= busy_.back().end) {
    if (!busy_.empty() && busy_.back().end == arrival_ps) busy_.back().end += service;
    else busy_.push_back({arrival_ps, arrival_ps + service});
    return arrival_ps + service;
  }
  // Otherwise the first gap of `service` at or after the arrival.
  auto next = std::upper_bound(busy_.begin(), busy_.end(), arrival_ps,
                               [](uint64_t t, const Interval& i) { return t < i.end; });
  uint64_t start = arrival_ps;
  while (next != busy_.end() && next->start < start + service) {
    start = std::max(start, next->end);
    ++next;
  }
  const uint64_t end = start + service;
  const bool joins_prev = next != busy_.begin() && std::prev(next)->end == start;
  const bool joins_next = next != busy_.end() && next->start == end;
  if (joins_prev && joins_next) {
    std::prev(next)->end = next->end;
    busy_.erase(next);
  } else if (joins_prev) {
    std::prev(next)->end = end;
  } else if (joins_next) {
    next->start = start;
  } else {
    busy_.insert(next, {start, end});
  }
  return end;
}

}  // namespace cxlvp
