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
// the present free. Times are absolute sc_time values: callers turn them into
// transaction delays with sc_time's inline arithmetic, where building an
// sc_time from an integer would be a library call per hop (perf).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <systemc>
#include <vector>

namespace cxlvp {

class Occupancy {
 public:
  using Time = sc_core::sc_time;

  explicit Occupancy(double bytes_per_second) : ps_per_byte_(1e12 / bytes_per_second) {}

  // Time on the resource for `wire_bytes`, rounded to the picosecond.
  // Callers that repeat one transfer size keep the answer (see reserve).
  Time time_for(double wire_bytes) const {
    return Time::from_value(static_cast<uint64_t>(wire_bytes * ps_per_byte_ + 0.5));
  }

  // Reserves the resource for `wire_bytes` arriving at `arrival`; returns
  // the time the last byte leaves. `payload_bytes` only feeds the statistics.
  // `settled`: no one arrives before it (the kernel time, or later: see
  // TransferHints::settled), which the caller already has, so older
  // intervals are dropped.
  Time reserve(Time arrival, double wire_bytes, uint64_t payload_bytes, Time settled) {
    return reserve(arrival, time_for(wire_bytes), payload_bytes, settled);
  }
  // The same for a transfer that takes `service` (time_for(wire_bytes)): the
  // links and memories keep it per transfer size, so the per-call path has no
  // floating point. Inline, with the gap search out of line: most
  // reservations append, and the search's register pressure made every call
  // pay a long prologue. Times by value: through references the compiler
  // reloaded them after every store here (they could alias the intervals).
  Time reserve(Time arrival, Time service, uint64_t payload_bytes, Time settled) {
    busy_ps_ += service.value();
    payload_bytes_ += payload_bytes;
    return reserve_unrecorded(arrival, service, settled);
  }
  // The same without the statistics, for owners that keep their own (Dram:
  // its channels' schedules are copied and joined, so per-schedule counts
  // would mean nothing, and it reserves up to one per channel per access).
  Time reserve_unrecorded(Time arrival, Time service, Time settled) {
    if (service.value() == 0) return arrival;  // not SC_ZERO_TIME: a library global, loaded through the GOT
    // Common cases: the arrival falls in the last busy interval (a saturated
    // stream queues behind it), or the resource is idle from the arrival on.
    // Forgetting changes no answer (no arrival comes before `settled`), so it
    // waits for a gap search, or for an append that finds the vector full
    // (make_room); the last interval is live when it ends after `settled`.
    if (!busy_.empty()) {  // then the last interval is live (forget_before)
      Interval& last = busy_.back();
      if (last.end > settled && arrival <= last.end) {
        if (arrival >= last.start) return last.end += service;
        if (Interval* recent = recent_fit(arrival, service)) return recent->end += service;
        return reserve_in_gap(arrival, service, settled);
      }
    }
    return append(arrival, service, settled);
  }
  // reserve_unrecorded's two common cases and nothing else: the arrival falls
  // in the live last interval (which the reservation extends), or the
  // resource is idle from the arrival on and the vector has room for a new
  // last interval. Sets `done` as reserve_unrecorded would return it and
  // returns true; returns false, with nothing changed, where it would search
  // a gap or make room. With no call on its path, an owner whose common case
  // is this (Dram's lockstep access) stays a leaf function, which saves no
  // registers on entry (perf: six pushes and pops per access).
  bool reserve_without_call(Time arrival, Time service, Time settled, Time& done) {
    if (service.value() == 0) {
      done = arrival;
      return true;
    }
    if (!busy_.empty()) {
      Interval& last = busy_.back();
      if (last.end > settled && arrival <= last.end) {
        if (arrival < last.start) return false;
        done = last.end += service;
        return true;
      }
    }
    if (busy_.size() == busy_.capacity()) return false;
    done = busy_.emplace_back(arrival, arrival + service).end;
    return true;
  }
  // The interval the last gap search reserved in, if recent_fit may use it:
  // its start, a pointer to its end and the next interval's start; false if
  // none. For the same owners as last_interval, on its terms: a reservation
  // that falls in it and fits before the next extends it.
  bool recent_interval(Time& start, Time*& end, Time& next_start) {
    if (recent_ < head_ || recent_ >= busy_.size() - 1) return false;
    start = busy_[recent_].start;
    end = &busy_[recent_].end;
    next_start = busy_[recent_ + 1].start;
    return true;
  }
  // A reservation on a resource that is idle from `arrival` on (every
  // interval ends before it): a new last interval, as reserve_unrecorded
  // makes then. Returns its end, which an owner that knows this case may
  // keep and extend (last_interval's terms).
  Time& append(Time arrival, Time service, Time settled) {
    if (busy_.size() == busy_.capacity()) make_room(settled);
    return busy_.emplace_back(arrival, arrival + service).end;
  }

  // The live last interval's start and a pointer to its end; false if no
  // interval is live. For an owner that reserves on several resources at
  // once: when the arrival falls in every one's last interval, each
  // reservation would extend it (the first case above), and the owner adds
  // the services at these ends itself (Dram, see Dram::Tails). The pointer
  // is valid until anything else is called on this Occupancy.
  bool last_interval(Time& start, Time*& end) {
    if (busy_.empty()) return false;
    start = busy_.back().start;
    end = &busy_.back().end;
    return true;
  }

  // A transfer that goes out between the packets of queued traffic (link
  // arbitration interleaves queues packet by packet): it waits for the packet
  // on the wire (`packet_wire_bytes`), not for the whole queue, and does not
  // move later reservations. Returns the time its last byte leaves.
  Time interleave(const Time& arrival, double wire_bytes, uint64_t payload_bytes, double packet_wire_bytes);

  // The same reservations end after `t` here and on `other`: from `t` on,
  // both answer every reservation alike (Dram keeps such channels on one).
  bool same_future(const Occupancy& other, const Time& t) const {
    // The last intervals first: they differ whenever one resource is behind.
    const Interval* last = last_ending_after(t);
    const Interval* other_last = other.last_ending_after(t);
    if (!last || !other_last) return !last && !other_last;
    if (last->start != other_last->start || last->end != other_last->end) return false;
    const auto ends_after = [&t](const Interval& i) { return i.end > t; };
    const auto a = std::find_if(busy_.begin() + std::ptrdiff_t(head_), busy_.end(), ends_after);
    const auto b = std::find_if(other.busy_.begin() + std::ptrdiff_t(other.head_), other.busy_.end(), ends_after);
    return std::equal(a, busy_.end(), b, other.busy_.end(),
                      [](const Interval& x, const Interval& y) { return x.start == y.start && x.end == y.end; });
  }
  // Takes `other`'s reservations (not its statistics): for resources that
  // have been kept in lockstep through one representative (Dram).
  void copy_schedule_from(const Occupancy& other) {
    busy_.assign(other.busy_.begin() + std::ptrdiff_t(other.head_), other.busy_.end());
    head_ = 0;
    recent_ = kNone;
  }

  uint64_t payload_bytes() const { return payload_bytes_; }
  uint64_t busy_ps() const { return busy_ps_; }

 private:
  // Drops intervals that ended by `t` (inline: called on every reservation).
  void forget_before(Time t) {
    while (head_ < busy_.size() && busy_[head_].end <= t) ++head_;
    // With every interval forgotten the vector is emptied, so that "is one
    // live" is "is the vector not empty": one comparison on the path of
    // every reservation (make_room does the same).
    if (head_ == busy_.size() || (head_ >= 64 && 2 * head_ >= busy_.size())) erase_forgotten();
  }
  void erase_forgotten();
  // Before an append into a full vector: forgets up to `settled` and erases
  // the forgotten intervals if they are half of them (so appends between two
  // calls are at least half the capacity: O(1) per interval), else lets the
  // vector grow.
  void make_room(Time settled);
  // The first gap of `service` at or after `arrival`, before the last
  // interval; forgets up to `settled` first.
  Time reserve_in_gap(Time arrival, Time service, Time settled);

  struct Interval {
    // A constructor, so push_back builds in place: an aggregate temporary
    // went through the stack and stalled on store forwarding (perf annotate).
    Interval(const Time& s, const Time& e) : start(s), end(e) {}
    Time start, end;
  };
  // The interval the last gap search reserved in, if the arrival falls in it
  // and the reservation fits before the next one: then the search would land
  // right after it. Two streams that reserve apart (a paced read at the
  // kernel time, copies' writes microseconds ahead) keep landing there.
  // Inline: a call, its prologue and the forgetting before a search cost
  // more than this check.
  Interval* recent_fit(Time arrival, Time service) {
    if (recent_ < head_ || recent_ >= busy_.size() - 1) return nullptr;
    Interval& recent = busy_[recent_];
    const bool fits = recent.start <= arrival && arrival <= recent.end && recent.end + service < busy_[recent_ + 1].start;
    return fits ? &recent : nullptr;
  }
  // The last interval, if it ends after `t` (else none does: ends are sorted).
  const Interval* last_ending_after(const Time& t) const {
    return !busy_.empty() && busy_.back().end > t ? &busy_.back() : nullptr;
  }

  static constexpr size_t kNone = ~size_t(0);

  double ps_per_byte_;
  // busy_[head_..] are the live intervals: sorted, disjoint, never touching;
  // the vector is empty when none is.
  // Few (old ones are forgotten) and most reservations append at the end, so
  // a vector beats a tree here. Dead ones before head_ are erased in bulk
  // once they are the majority, so forgetting costs O(1) per interval.
  std::vector<Interval> busy_;
  size_t head_ = 0;
  // The interval the last gap search reserved in, and that search
  // (reserve_in_gap resumes from it). Not copied by copy_schedule_from: the
  // gaps before it were searched in another schedule.
  size_t recent_ = kNone;
  struct Search {
    Time arrival, service, start;
  } last_;
  uint64_t busy_ps_ = 0;
  uint64_t payload_bytes_ = 0;
};

}  // namespace cxlvp
