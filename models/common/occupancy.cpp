#include "occupancy.h"

#include <algorithm>

namespace cxlvp {

void Occupancy::erase_forgotten() {
  busy_.erase(busy_.begin(), busy_.begin() + std::ptrdiff_t(head_));
  head_ = 0;
}

void Occupancy::make_room(Time settled) {
  constexpr size_t kMinCapacity = 64;  // a copied Occupancy starts with none
  while (head_ < busy_.size() && busy_[head_].end <= settled) ++head_;
  if (head_ > 0 && 2 * head_ >= busy_.size()) erase_forgotten();
  if (busy_.capacity() < kMinCapacity) busy_.reserve(kMinCapacity);
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

Occupancy::Time Occupancy::reserve_in_gap(Time arrival, Time service) {
  // The interval the last search extended or added, if the arrival falls in
  // it and the reservation fits before the next one: then the search below
  // would find the same gap, right after it. Two streams that reserve apart
  // (a paced read at the kernel time, copies' writes microseconds ahead)
  // keep landing there. An index, so it may name another interval after an
  // insert or erase: the conditions are checked on whatever it names.
  if (recent_ >= head_ && recent_ + 1 < busy_.size()) {
    Interval& recent = busy_[recent_];
    if (recent.start <= arrival && arrival <= recent.end && recent.end + service < busy_[recent_ + 1].start)
      return recent.end += service;
  }
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
    next = busy_.erase(next) - 1;
  } else if (joins_prev) {
    std::prev(next)->end = end;
    --next;
  } else if (joins_next) {
    next->start = start;
  } else {
    next = busy_.emplace(next, start, end);
  }
  recent_ = size_t(next - busy_.begin());
  return end;
}

}  // namespace cxlvp
