#include "dram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "../common/hop_trace.h"
#include "../common/time_resolution.h"
#include "../common/transfer_hints.h"

namespace cxlvp {

namespace {

// The share of the k-th channel from an access's first one: its granules go
// round the channels from there, and the first granules % n channels take one
// granule more than the others (0: not touched, see Dram::schedule_share_).
uint8_t share_of_kth(unsigned k, uint32_t touched, uint32_t extra) { return k >= touched ? 0 : k < extra ? 2 : 1; }

// The latest and the earliest of the channels' ends as an access sets them
// (at least its arrival). The latest as a value and the end it came from:
// with `latest = std::max(latest, end)` the compiler kept `latest` in memory
// (std::max picks a reference), a store and a load on the loop's critical
// path that took most of the time of a saturating 5-channel stream (perf).
class EndSpan {
 public:
  explicit EndSpan(const sc_core::sc_time& arrival) : latest_(&arrival), latest_ps_(arrival.value()) {}
  void add(const sc_core::sc_time& end) {
    const auto v = end.value();
    // Selects, not a branch: which channel ends last goes round with the
    // access's first channel, and a branch on it was mispredicted.
    const bool later = v > latest_ps_;
    latest_ = later ? &end : latest_;
    latest_ps_ = later ? v : latest_ps_;
    earliest_ps_ = std::min(earliest_ps_, v);
  }
  const sc_core::sc_time& latest() const { return *latest_; }
  sc_core::sc_time::value_type earliest_ps() const { return earliest_ps_; }

 private:
  const sc_core::sc_time* latest_;
  sc_core::sc_time::value_type latest_ps_, earliest_ps_ = ~sc_core::sc_time::value_type(0);
};

}  // namespace

Dram::Dram(sc_core::sc_module_name name, const DramConfig& config)
    : sc_module(name),
      in("in", this, &Dram::transport_dbg),
      config_(config),
      node_(register_node(this->name())),
      latency_(sc_core::sc_time::from_value(static_cast<uint64_t>(std::llround(config.idle_latency_ns * 1000)))) {
  require_picosecond_resolution("Dram");
  if (config.channels == 0 || config.peak_GBps <= 0 || config.interleave_bytes == 0 ||
      (config.interleave_bytes & (config.interleave_bytes - 1)) != 0)
    throw std::invalid_argument(std::string(this->name()) +
                                ": channels and bandwidth must be positive, interleave a power of two");
  while ((uint64_t(1) << interleave_shift_) < config.interleave_bytes) ++interleave_shift_;
  const unsigned n = config.channels;
  schedules_.assign(n, Occupancy(config.peak_GBps * 1e9 / n));
  schedule_of_.assign(n, 0);
  members_.assign(n, 0);
  members_[0] = n;
  schedule_share_.assign(n, 0);
  moved_.assign(3 * size_t(n), 0);
  tails_.end.assign(n, nullptr);
  recent_.end.assign(n, nullptr);
  recent_.next_start_ps.assign(n, 0);
}

sc_core::sc_time Dram::occupy_channels_uncommon(uint64_t address, uint64_t length, uint32_t granules,
                                                const sc_core::sc_time& arrival, const sc_core::sc_time& settled) {
  if (length != shape_.length || granules != shape_.granules) new_shape(length, granules);
  if (schedules_in_use_ == 1 && shape_.even) return occupy_in_lockstep(arrival, settled);
  if (schedules_in_use_ == config_.channels && !shape_.even) return occupy_own_schedules(address, arrival, settled);
  return occupy_schedules(address, granules, arrival, settled);
}

[[gnu::always_inline]] inline sc_core::sc_time Dram::extend_tails(const sc_core::sc_time* time, const sc_core::sc_time& arrival) {
  EndSpan span(arrival);
  for (unsigned c = 0; c < config_.channels; ++c) {
    sc_core::sc_time& end = *tails_.end[c];
    end += time[c];
    span.add(end);
  }
  tails_.earliest_end_ps = span.earliest_ps();
  tails_.latest_end_ps = span.latest().value();
  busy_ps_ += shape_.uneven_busy_ps;
  return span.latest();
}

sc_core::sc_time Dram::append_tails(const sc_core::sc_time* time, const sc_core::sc_time& arrival,
                                    const sc_core::sc_time& settled) {
  const sc_core::sc_time at = arrival, by = settled;
  EndSpan span(arrival);
  for (unsigned c = 0; c < config_.channels; ++c) {
    tails_.end[c] = &schedules_[c].append(at, time[c], by);
    span.add(*tails_.end[c]);
  }
  tails_.latest_start_ps = tails_.earliest_start_ps = at.value();
  tails_.earliest_end_ps = span.earliest_ps();
  tails_.latest_end_ps = span.latest().value();
  recent_.valid = false;  // an append may move or forget intervals
  busy_ps_ += shape_.uneven_busy_ps;
  return span.latest();
}

sc_core::sc_time Dram::extend_recent(const sc_core::sc_time* time, const sc_core::sc_time& arrival) {
  EndSpan span(arrival);
  sc_core::sc_time::value_type least_room = ~sc_core::sc_time::value_type(0);
  for (unsigned c = 0; c < config_.channels; ++c) {
    sc_core::sc_time& end = *recent_.end[c];
    end += time[c];
    span.add(end);
    least_room = std::min(least_room, recent_.next_start_ps[c] - end.value());
  }
  recent_.earliest_end_ps = span.earliest_ps();
  recent_.least_room_ps = least_room;
  busy_ps_ += shape_.uneven_busy_ps;
  return span.latest();
}

sc_core::sc_time Dram::occupy_one_by_one(const sc_core::sc_time* time, const sc_core::sc_time& arrival,
                                         const sc_core::sc_time& settled) {
  // Copies, kept in registers: the references could alias what the
  // reservations store, so the compiler would reload them for every channel.
  const sc_core::sc_time at = arrival, by = settled;
  sc_core::sc_time latest = at;
  // Channel by channel in index order, each with its time from the table: a
  // loop of fixed length with no branch on the share (walking from the
  // access's first channel, the wrap round to channel 0 came at a different
  // step each access, and the processor mispredicted it). A channel the
  // access does not touch has no time: its "reservation" returns the arrival
  // and changes nothing.
  Occupancy* const channel = schedules_.data();
  bool all_live = true;
  constexpr auto none = ~sc_core::sc_time::value_type(0);
  sc_core::sc_time::value_type latest_start = 0, earliest_start = none, earliest_end = none, latest_end = 0;
  bool all_recent = true;
  sc_core::sc_time::value_type recent_latest_start = 0, recent_earliest_end = none, least_room = none;
  for (unsigned c = 0; c < config_.channels; ++c) {
    const sc_core::sc_time done = channel[c].reserve_unrecorded(at, time[c], by);
    if (latest < done) latest = done;
    sc_core::sc_time start, next_start;
    all_live = all_live && channel[c].last_interval(start, tails_.end[c]);
    if (all_live) {
      latest_start = std::max(latest_start, start.value());
      earliest_start = std::min(earliest_start, start.value());
      earliest_end = std::min(earliest_end, tails_.end[c]->value());
      latest_end = std::max(latest_end, tails_.end[c]->value());
    }
    all_recent = all_recent && channel[c].recent_interval(start, recent_.end[c], next_start);
    if (all_recent) {
      recent_.next_start_ps[c] = next_start.value();
      recent_latest_start = std::max(recent_latest_start, start.value());
      recent_earliest_end = std::min(recent_earliest_end, recent_.end[c]->value());
      least_room = std::min(least_room, next_start.value() - recent_.end[c]->value());
    }
  }
  tails_.latest_start_ps = latest_start;
  tails_.earliest_start_ps = earliest_start;
  tails_.earliest_end_ps = earliest_end;
  tails_.latest_end_ps = latest_end;
  tails_.valid = all_live;
  recent_.latest_start_ps = recent_latest_start;
  recent_.earliest_end_ps = recent_earliest_end;
  recent_.least_room_ps = least_room;
  recent_.valid = all_recent;
  busy_ps_ += shape_.uneven_busy_ps;
  const sc_core::sc_time done = latest;
  return done;
}

void Dram::new_shape(uint64_t length, uint32_t granules) {
  const unsigned n = config_.channels;
  shape_.length = length;
  shape_.granules = granules;
  shape_.even = granules % n == 0;
  for (unsigned share = 1; share <= 2; ++share) {
    const double bytes = double(length) * double(granules / n + share - 1) / double(granules);
    shape_.share_time[share] = schedules_[0].time_for(bytes);
  }
  shape_.all_channels_ps = shape_.share_time[1].value() * n;
  shape_.touched = std::min<uint32_t>(granules, n);
  shape_.extra = granules % n;
  if (!shape_.even) {  // occupy_own_schedules' table
    shape_.time_by_first.resize(size_t(n) * n);
    for (unsigned first = 0; first < n; ++first)
      for (unsigned c = 0; c < n; ++c) {
        const unsigned k = c >= first ? c - first : c + n - first;
        shape_.time_by_first[first * n + c] = shape_.share_time[share_of_kth(k, shape_.touched, shape_.extra)];
      }
  }
  // A reservation of no time returns its arrival and extends nothing.
  shape_.extends_all = granules >= n && shape_.share_time[1].value() > 0 && shape_.share_time[2].value() > 0;
  shape_.uneven_busy_ps = shape_.share_time[2].value() * shape_.extra +
                          shape_.share_time[1].value() * (shape_.touched - shape_.extra);
}

sc_core::sc_time Dram::occupy_schedules(uint64_t address, uint32_t granules, const sc_core::sc_time& arrival,
                                        const sc_core::sc_time& settled) {
  const unsigned n = config_.channels;
  tails_.valid = recent_.valid = false;  // reservations, splits, joins and swaps move the intervals
  // Schedules join again on an even access only: that is when one schedule
  // for all channels pays off, and a run of uneven accesses (interleaved
  // expanders) would otherwise copy and compare schedules on every access.
  if (!shape_.even) split_by_share(address, granules);
  else merge_equal_schedules(settled);
  sc_core::sc_time done = arrival;
  for (unsigned s = 0; s < n; ++s) {
    const unsigned share = shape_.even ? 1 : schedule_share_[s];
    if (members_[s] == 0 || share == 0) continue;
    busy_ps_ += shape_.share_time[share].value() * members_[s];
    done = std::max(done, schedules_[s].reserve_unrecorded(arrival, shape_.share_time[share], settled));
  }
  // After the shares (schedule_share_ is by schedule index): the next uneven
  // access takes occupy_own_schedules.
  if (schedules_in_use_ == n) give_each_channel_its_index();
  return done;
}

void Dram::split_by_share(uint64_t address, uint32_t granules) {
  const unsigned n = config_.channels;
  const unsigned first = unsigned((address >> interleave_shift_) % n);
  const uint32_t touched = std::min<uint32_t>(granules, n), extra = granules % n;
  const auto share_of = [&](unsigned c) { return share_of_kth(c >= first ? c - first : c + n - first, touched, extra); };
  constexpr uint8_t unset = 3;
  constexpr unsigned none = ~0u;
  std::fill(schedule_share_.begin(), schedule_share_.end(), unset);
  std::fill(moved_.begin(), moved_.end(), none);
  for (unsigned c = 0; c < n; ++c) {
    const unsigned s = schedule_of_[c];
    const uint8_t share = share_of(c);
    if (schedule_share_[s] == unset) schedule_share_[s] = share;  // the first channel keeps the schedule
    if (schedule_share_[s] == share) continue;
    unsigned& to = moved_[s * 3 + share];
    if (to == none) {
      to = unsigned(std::find(members_.begin(), members_.end(), 0u) - members_.begin());
      schedules_[to].copy_schedule_from(schedules_[s]);
      schedule_share_[to] = share;
      ++schedules_in_use_;
    }
    --members_[s];
    ++members_[to];
    schedule_of_[c] = to;
  }
}

void Dram::give_each_channel_its_index() {
  const unsigned n = config_.channels;
  for (unsigned c = 0; c < n; ++c) {
    const unsigned s = schedule_of_[c];
    if (s == c) continue;
    // Whichever channel is on schedule c takes schedule s's place.
    const unsigned other = unsigned(std::find(schedule_of_.begin(), schedule_of_.end(), c) - schedule_of_.begin());
    std::swap(schedules_[c], schedules_[s]);
    schedule_of_[other] = s;
    schedule_of_[c] = c;
  }
}

void Dram::merge_equal_schedules(const sc_core::sc_time& settled) {
  const unsigned n = config_.channels;
  for (unsigned s = 1; s < n; ++s) {
    if (members_[s] == 0) continue;
    for (unsigned t = 0; t < s; ++t) {
      if (members_[t] == 0 || !schedules_[t].same_future(schedules_[s], settled)) continue;
      for (unsigned c = 0; c < n; ++c)
        if (schedule_of_[c] == s) schedule_of_[c] = t;
      members_[t] += members_[s];
      members_[s] = 0;
      --schedules_in_use_;
      break;
    }
  }
}

void Dram::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (shape_.even) return even_access(p, delay);
  uneven_access(p, delay);
}

// The checks the common cases share: a timing-only access from a platform
// initiator (its hints and trace), not traced hop by hop, in range, of the
// last access shape. Sets the hints, the trace and the access's first
// granule.
inline bool Dram::of_last_shape(const tlm::tlm_generic_payload& p, const TransferHints*& hints, HopTrace*& trace,
                                uint64_t& first) const {
  hints = find_extension<TransferHints>(p);
  trace = find_extension<HopTrace>(p);
  const uint64_t addr = p.get_address();
  const uint64_t len = p.get_data_length();
  if (!hints || hints->carries_data || !trace || node_.stamps_hops() || !in_range(addr, len) ||
      p.get_byte_enable_ptr() || len != shape_.length)
    return false;
  first = addr >> interleave_shift_;
  return granules_from(first, addr, len) == shape_.granules;
}

// What every access that succeeds does after its reservation (`done`).
inline void Dram::complete(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, const sc_core::sc_time& now,
                           const sc_core::sc_time& done) {
  delay = done + latency_ - now;
  const uint64_t len = p.get_data_length();
  if (p.is_write()) bytes_written_ += len;
  else if (p.is_read()) bytes_read_ += len;
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

[[gnu::noinline]] void Dram::even_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  const TransferHints* hints;
  HopTrace* trace;
  uint64_t first;
  sc_core::sc_time done;
  if (schedules_in_use_ != 1 || !of_last_shape(p, hints, trace, first) ||
      !schedules_[0].reserve_without_call(hints->now + delay, shape_.share_time[1], hints->settled, done))
    return access(p, delay);
  busy_ps_ += shape_.all_channels_ps;
  trace->target = node_.id();
  complete(p, delay, hints->now, done);
}

[[gnu::noinline]] void Dram::uneven_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  const unsigned n = config_.channels;
  const TransferHints* hints;
  HopTrace* trace;
  uint64_t first;
  if (schedules_in_use_ != n || !of_last_shape(p, hints, trace, first)) return access(p, delay);
  const sc_core::sc_time arrival = hints->now + delay;
  if (!tails_extend(arrival.value(), hints->settled.value())) return access(p, delay);
  trace->target = node_.id();
  complete(p, delay, hints->now, extend_tails(&shape_.time_by_first[size_t(first % n) * n], arrival));
}

[[gnu::noinline]] void Dram::access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  arrive_at_target(p, node_, delay);
  const TransferHints* hints = find_extension<TransferHints>(p);
  const uint64_t addr = p.get_address();
  const uint64_t len = p.get_data_length();
  if (!in_range(addr, len)) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (p.get_byte_enable_ptr()) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  const sc_core::sc_time now = kernel_now(hints);
  const sc_core::sc_time done = occupy_channels(addr, len, now + delay, settled_time(hints));
  if (carries_data(hints)) {
    if (p.is_write()) store_.write(addr, p.get_data_ptr(), len);
    else if (p.is_read()) store_.read(addr, p.get_data_ptr(), len);
  }
  complete(p, delay, now, done);
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& p) {
  const uint64_t addr = p.get_address();
  if (addr >= config_.capacity_bytes) return 0;
  const uint64_t len = std::min<uint64_t>(p.get_data_length(), config_.capacity_bytes - addr);
  if (p.is_write()) store_.write(addr, p.get_data_ptr(), len);
  else if (p.is_read()) store_.read(addr, p.get_data_ptr(), len);
  return static_cast<unsigned>(len);
}

}  // namespace cxlvp
