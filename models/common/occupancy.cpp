#include "occupancy.h"

#include <algorithm>

namespace cxlvp {

void Occupancy::erase_forgotten() {
  busy_.erase(busy_.begin(), busy_.begin() + std::ptrdiff_t(head_));
  head_ = 0;
}

uint64_t Occupancy::interleave(uint64_t arrival_ps, double wire_bytes, uint64_t payload_bytes,
                              double packet_wire_bytes) {
  const uint64_t service = service_ps(wire_bytes);
  busy_ps_ += service;
  payload_bytes_ += payload_bytes;
  const auto next = std::upper_bound(busy_.begin() + std::ptrdiff_t(head_), busy_.end(), arrival_ps,
                                     [](uint64_t t, const Interval& i) { return t < i.end; });
  const bool busy_now = next != busy_.end() && next->start <= arrival_ps;
  const auto wait = busy_now ? static_cast<uint64_t>(packet_wire_bytes * ps_per_byte_ + 0.5) : 0;
  return arrival_ps + wait + service;
}

uint64_t Occupancy::reserve(uint64_t arrival_ps, double wire_bytes, uint64_t payload_bytes, uint64_t now_ps) {
  const uint64_t service = service_ps(wire_bytes);
  busy_ps_ += service;
  payload_bytes_ += payload_bytes;
  if (service == 0) return arrival_ps;
  forget_before(now_ps);

  // Common cases: the resource is idle from the arrival on, or the arrival
  // falls in its last busy interval (a saturated stream queues behind it).
  if (head_ == busy_.size() || arrival_ps > busy_.back().end) {
    busy_.emplace_back(arrival_ps, arrival_ps + service);
    return arrival_ps + service;
  }
  if (arrival_ps >= busy_.back().start) return busy_.back().end += service;
  // Otherwise the first gap of `service` at or after the arrival.
  const auto live = busy_.begin() + std::ptrdiff_t(head_);
  auto next = std::upper_bound(live, busy_.end(), arrival_ps, [](uint64_t t, const Interval& i) { return t < i.end; });
  uint64_t start = arrival_ps;
  while (next != busy_.end() && next->start < start + service) {
    start = std::max(start, next->end);
    ++next;
  }
  const uint64_t end = start + service;
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
