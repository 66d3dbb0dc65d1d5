#pragma once
// Dram: one memory device (HBM stack, host DDR, CXL device DRAM) as a TLM
// target. Accesses are interleaved over `channels` at `interleave_bytes`
// granularity; each channel is an Occupancy at peak_GBps / channels, so a
// loaded channel queues requests and its latency rises. Every access pays
// idle_latency_ns on top of its time on the channel(s).
#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "../common/node_registry.h"
#include "../common/occupancy.h"
#include "sparse_store.h"
#include "../common/target_socket.h"

namespace cxlvp {

class HopTrace;
class TransferHints;

struct DramConfig {
  uint64_t capacity_bytes = 1ull << 30;
  unsigned channels = 1;
  double peak_GBps = 25.6;       // all channels together, 1 GB = 1e9 bytes
  double idle_latency_ns = 100;  // fixed access latency, added to transfer time
  uint64_t interleave_bytes = 256;
};

class Dram : public sc_core::sc_module {
  // The socket's handler, declared first: the TargetSocket names it
  // (target_socket.h).
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  TargetSocket<Dram, &Dram::b_transport> in;

  Dram(sc_core::sc_module_name name, const DramConfig& config);

  const DramConfig& config() const { return config_; }
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t bytes_written() const { return bytes_written_; }
  uint64_t busy_ps() const { return busy_ps_; }  // summed over channels
  const SparseStore& store() const { return store_; }

 private:
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  // b_transport's common cases, whole, with no call on their path but the
  // one to `access` for anything else (a leaf saves fewer registers on entry:
  // perf): a timing-only access from a platform initiator, not traced hop by
  // hop, in range, of the last access shape, that spreads evenly over
  // channels in lockstep and extends or appends to their schedule
  // (Occupancy::reserve_without_call), or is uneven while each channel is on
  // its own schedule and extends every tail (extend_tails). Two functions,
  // each with the registers of its own case.
  void even_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void uneven_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  bool of_last_shape(const tlm::tlm_generic_payload& p, const TransferHints*& hints, HopTrace*& trace,
                     uint64_t& first) const;
  void complete(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, const sc_core::sc_time& now,
                const sc_core::sc_time& done);
  // Whether [address, address + length) lies in the device (length 0 wraps
  // round: refused).
  bool in_range(uint64_t address, uint64_t length) const {
    return address < config_.capacity_bytes && length - 1 < config_.capacity_bytes - address;
  }
  // How many granules [address, address + length) spans, `first` its first.
  uint32_t granules_from(uint64_t first, uint64_t address, uint64_t length) const {
    return uint32_t(((address + length - 1) >> interleave_shift_) - first + 1);
  }
  // Any access (out of line, so that b_transport's common case has no call).
  void access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  // The channels' reservation for an access; returns when its last byte is
  // done. Inline for the common cases, the last shape again with the channels
  // in lockstep (shifts only: divisions were a third of the old function) or
  // each on its own schedule.
  sc_core::sc_time occupy_channels(uint64_t address, uint64_t length, const sc_core::sc_time& arrival,
                                   const sc_core::sc_time& settled) {
    const uint64_t first = address >> interleave_shift_;
    const uint32_t granules = granules_from(first, address, length);
    if (length == shape_.length && granules == shape_.granules) {
      if (schedules_in_use_ == 1 && shape_.even) return occupy_in_lockstep(arrival, settled);
      if (schedules_in_use_ == config_.channels && !shape_.even) return occupy_own_schedules(address, arrival, settled);
    }
    return occupy_channels_uncommon(address, length, granules, arrival, settled);
  }
  // All channels on schedule 0: one reservation of each channel's share.
  sc_core::sc_time occupy_in_lockstep(const sc_core::sc_time& arrival, const sc_core::sc_time& settled) {
    busy_ps_ += shape_.all_channels_ps;
    return schedules_[0].reserve_unrecorded(arrival, shape_.share_time[1], settled);
  }
  // Out of line, so that the common path stays short: a new access shape,
  // and accesses while the channels are on more than one schedule.
  sc_core::sc_time occupy_channels_uncommon(uint64_t address, uint64_t length, uint32_t granules,
                                            const sc_core::sc_time& arrival, const sc_core::sc_time& settled);
  void new_shape(uint64_t length, uint32_t granules);
  sc_core::sc_time occupy_schedules(uint64_t address, uint32_t granules, const sc_core::sc_time& arrival,
                                    const sc_core::sc_time& settled);
  // An uneven access while every channel is on a schedule of its own (a run
  // of uneven accesses: 4 KiB over 5 channels): one reservation per channel,
  // straight from the address, with no shares to sort out. Channel c is then
  // on schedule c (give_each_channel_its_index), so the channels are an
  // array, and its time is time_by_first's row for the access's first
  // channel. The common case of a saturating stream, every tail extended,
  // is also b_transport's own (access_without_call).
  sc_core::sc_time occupy_own_schedules(uint64_t address, const sc_core::sc_time& arrival,
                                        const sc_core::sc_time& settled) {
    const unsigned n = config_.channels;
    const sc_core::sc_time* time = &shape_.time_by_first[size_t((address >> interleave_shift_) % n) * n];
    const auto at = arrival.value();
    if (tails_extend(at, settled.value())) return extend_tails(time, arrival);
    if (tails_.valid && shape_.extends_all) {
      if (at > tails_.latest_end_ps) return append_tails(time, arrival, settled);
      if (recent_.valid && at < tails_.earliest_start_ps && at <= tails_.earliest_end_ps &&
          tails_.earliest_end_ps > settled.value() && at >= recent_.latest_start_ps && at <= recent_.earliest_end_ps &&
          shape_.share_time[2].value() < recent_.least_room_ps)
        return extend_recent(time, arrival);
    }
    return occupy_one_by_one(time, arrival, settled);
  }
  // Whether an uneven access arriving at `at` would extend every channel's
  // last interval (Tails).
  bool tails_extend(sc_core::sc_time::value_type at, sc_core::sc_time::value_type settled) const {
    return tails_.valid && shape_.extends_all && at >= tails_.latest_start_ps && at <= tails_.earliest_end_ps &&
           tails_.earliest_end_ps > settled;
  }
  // Every channel's reservation would extend its last interval: adds the
  // times at the tails; returns when the last channel is done.
  sc_core::sc_time extend_tails(const sc_core::sc_time* time, const sc_core::sc_time& arrival);
  // Every channel is idle from the arrival on (it comes after the latest of
  // the tails' ends): each reservation appends an interval, the new tail.
  sc_core::sc_time append_tails(const sc_core::sc_time* time, const sc_core::sc_time& arrival,
                                const sc_core::sc_time& settled);
  // Every channel's reservation would extend the interval its last gap
  // search reserved in (Recent).
  sc_core::sc_time extend_recent(const sc_core::sc_time* time, const sc_core::sc_time& arrival);
  // Reserves on each channel in turn, and finds the tails (and the recent
  // intervals) again.
  sc_core::sc_time occupy_one_by_one(const sc_core::sc_time* time, const sc_core::sc_time& arrival,
                                     const sc_core::sc_time& settled);
  // Moves the channels whose share of an uneven access differs from that of
  // the first channel of their schedule onto copies of that schedule, one per
  // share; schedule_share_ is then the share of every schedule's channels.
  void split_by_share(uint64_t address, uint32_t granules);
  // Once every channel has a schedule of its own: puts channel c's on index c.
  void give_each_channel_its_index();
  // Joins schedules whose futures have become identical again.
  void merge_equal_schedules(const sc_core::sc_time& settled);

  DramConfig config_;
  TraceNode node_;
  sc_core::sc_time latency_;
  unsigned interleave_shift_ = 0;  // log2(interleave_bytes)
  // Channels whose futures are identical share one schedule, so an access
  // that gives each of them the same share reserves once for all of them,
  // with the same results as one reservation per channel. While every access
  // spreads evenly over all channels, all are on schedule 0 (lockstep). An
  // access that touches channels unevenly (a 128 B descriptor between the
  // 4 KiB bursts of a stream) moves the channels it treats differently onto
  // copies of their schedule; schedules join again, at the next even access,
  // once their futures are equal. Until then an even access reserves once
  // per schedule, not once per channel; accesses that are all uneven (4 KiB
  // over 5 channels) keep every channel on a schedule of its own, without
  // copies. schedule_of_[c] is channel c's schedule, members_[s] counts the
  // channels of schedule s (0: unused). A split leaves a schedule's first
  // channel on it and a join keeps the lower index, so schedule 0 is never
  // empty and is the only one in use in lockstep.
  std::vector<Occupancy> schedules_;
  std::vector<unsigned> schedule_of_;
  std::vector<unsigned> members_;
  unsigned schedules_in_use_ = 1;
  uint64_t busy_ps_ = 0;  // summed over channels
  // Scratch of split_by_share, kept to spare an allocation per access. A
  // share is 0 (channel not touched), 1 (granules / channels granules) or 2
  // (one more).
  std::vector<uint8_t> schedule_share_;  // per schedule
  std::vector<unsigned> moved_;          // [schedule * 3 + share]: the copy its channels of that share moved to
  // The last access shape and what follows from it (divisions and floating
  // point are costly, and streams repeat one shape): whether it spreads
  // evenly, what each channel's share takes ([1]: channels with granules /
  // channels granules, [2]: with one more), and the time of all channels'
  // shares of an even access together.
  struct Shape {
    uint64_t length = 0;
    uint32_t granules = 0;
    bool even = false;
    sc_core::sc_time share_time[3];
    uint64_t all_channels_ps = 0;
    // Of an uneven access: the channels it touches, how many of them take
    // one granule more, and the busy time of all its shares together.
    uint32_t touched = 0, extra = 0;
    uint64_t uneven_busy_ps = 0;
    // It touches every channel, each for some time (Tails).
    bool extends_all = false;
    // [first * channels + c]: channel c's time when the access starts on
    // channel `first` (none if it does not touch c).
    std::vector<sc_core::sc_time> time_by_first;
  } shape_;
  // A saturating stream of uneven accesses (a GPU reading weights from 5
  // HBM stacks) arrives, on every channel, within the channel's last busy
  // interval, and each reservation extends that interval: the first case of
  // Occupancy::reserve_unrecorded. While the channels are on schedules of
  // their own, end[c] points at channel c's last interval's end, and an
  // arrival at or after the latest of their starts and not after the
  // earliest of their ends, which is after `settled`, is in every one of
  // them: the access adds each channel's share at end[c] with no test per
  // channel. An arrival after the latest end finds every channel idle: each
  // appends an interval, and the new ones are the tails. Reservations one by
  // one may move the intervals (an append can reallocate, a gap search
  // inserts), so they find them again after; occupy_schedules (splits,
  // joins, swaps) clears `valid`.
  struct Tails {
    std::vector<sc_core::sc_time*> end;
    sc_core::sc_time::value_type latest_start_ps = 0, earliest_start_ps = 0, earliest_end_ps = 0, latest_end_ps = 0;
    bool valid = false;
  } tails_;
  // A second stream behind the first (a GPU's DMA writing fetched weights at
  // the kernel time while its compute reads run ahead) arrives before every
  // channel's tail, and each channel's reservation extends the interval its
  // last gap search reserved in (Occupancy's recent_fit), while it falls in
  // that interval and fits before the next. end[c] points at that interval's
  // end on channel c, next_start_ps[c] is the next one's start; an arrival
  // before the earliest tail start (so every reservation looks for a gap),
  // within the latest recent start and the earliest recent end, with the
  // longest share shorter than the least room before a next interval, is
  // such a case on every channel. Found again by reservations one by one;
  // an append (which may move or forget intervals) and occupy_schedules
  // clear `valid`.
  struct Recent {
    std::vector<sc_core::sc_time*> end;
    std::vector<sc_core::sc_time::value_type> next_start_ps;
    sc_core::sc_time::value_type latest_start_ps = 0, earliest_end_ps = 0, least_room_ps = 0;
    bool valid = false;
  } recent_;
  SparseStore store_;
  uint64_t bytes_read_ = 0;
  uint64_t bytes_written_ = 0;
};

}  // namespace cxlvp
