#include "occupancy.h"

#include <algorithm>

namespace cxlvp {

void Occupancy::erase_forgotten() {
  busy_.erase(busy_.begin(), busy_.begin() + std::ptrdiff_t(head_));
  head_ = 0;
}

void Occupancy::make_room(Time settled) {
  constexpr size_t kMinCapacity = 64;  // a copied Occupancy starts with none
  // Ends are sorted: a binary search, where a scan would visit every interval
  // appended since the last call (most of them ended long ago).
  head_ = size_t(std::partition_point(busy_.begin() + std::ptrdiff_t(head_), busy_.end(),
                                      [&settled](const Interval& i) { return i.end <= settled; }) -
                 busy_.begin());
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

Occupancy::Time Occupancy::reserve_in_gap(Time arrival, Time service, Time settled) {
  forget_before(settled);
  // First fit from the arrival lies at or after the end of the interval the
  // last search reserved in (recent_fit, in general), if the arrival falls in
  // that interval, or if it falls before it but not before the last search's
  // arrival and the service is not shorter: then every gap from there to the
  // last search's start was too short for that search, and gaps only shrink
  // (reservations add to the intervals; forgetting drops only what ends
  // before any arrival). A stream that reserves at the kernel time behind a
  // queue of intervals with gaps too short for it (another's transfers
  // between its own) resumes there instead of searching and scanning the
  // queue again. An index, so it may name another interval after an insert
  // or erase: that interval must still hold the last search's reservation.
  const auto live = busy_.begin() + std::ptrdiff_t(head_);
  auto next = live;
  Time start = arrival;
  const Interval* recent = recent_ >= head_ && recent_ < busy_.size() ? &busy_[recent_] : nullptr;
  if (recent && arrival <= recent->end &&
      (recent->start <= arrival || (last_.arrival <= arrival && last_.service <= service &&
                                    recent->start <= last_.start && last_.start + last_.service <= recent->end))) {
    start = recent->end;
    next = busy_.begin() + std::ptrdiff_t(recent_ + 1);
  } else {
    next = std::upper_bound(live, busy_.end(), arrival, [](const Time& t, const Interval& i) { return t < i.end; });
  }
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
  last_ = {arrival, service, start};
  return end;
}

}  // namespace cxlvp
