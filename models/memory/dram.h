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
  uint64_t busy_ps() const;  // summed over channels
  const SparseStore& store() const { return store_; }

 private:
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  // The channels' reservation for an access; returns when its last byte is
  // done. Inline for the common case, the last shape again with the channels
  // in lockstep (shifts only: divisions were a third of the old function).
  sc_core::sc_time occupy_channels(uint64_t address, uint64_t length, const sc_core::sc_time& arrival,
                                   const sc_core::sc_time& now) {
    const uint64_t first = address >> interleave_shift_;
    const auto granules = uint32_t(((address + length - 1) >> interleave_shift_) - first + 1);
    if (lockstep_ && shape_.even && length == shape_.length && granules == shape_.granules)
      return occupy_in_lockstep(arrival, now);
    return occupy_channels_uncommon(address, length, granules, arrival, now);
  }
  // Channel 0 stands for all: one reservation of each channel's share.
  sc_core::sc_time occupy_in_lockstep(const sc_core::sc_time& arrival, const sc_core::sc_time& now) {
    lockstep_busy_ps_ += shape_.channel_time.value() * (config_.channels - 1);
    return channels_[0].reserve(arrival, shape_.channel_time, shape_.channel_payload, now);
  }
  // Out of line, so that the common path stays short: a new access shape,
  // and accesses while the channels are not in lockstep.
  sc_core::sc_time occupy_channels_uncommon(uint64_t address, uint64_t length, uint32_t granules,
                                            const sc_core::sc_time& arrival, const sc_core::sc_time& now);
  void new_shape(uint64_t length, uint32_t granules);
  sc_core::sc_time occupy_each_channel(uint64_t address, uint64_t length, uint32_t granules,
                                       const sc_core::sc_time& arrival, const sc_core::sc_time& now);

  DramConfig config_;
  TraceNode node_;
  sc_core::sc_time latency_;
  unsigned interleave_shift_ = 0;  // log2(interleave_bytes)
  std::vector<Occupancy> channels_;
  // While every access spreads evenly over all channels, the channels' futures
  // are identical, so channel 0 stands for all of them: one reservation per
  // access instead of one per channel, with the same results. The first uneven
  // access copies channel 0's future to the others; lockstep resumes when all
  // channels are idle again. lockstep_busy_ps_ is the busy time the other
  // channels did not book themselves meanwhile.
  bool lockstep_ = true;
  uint64_t lockstep_busy_ps_ = 0;
  // The last access shape and what follows from it (divisions and floating
  // point are costly, and streams repeat one shape): whether it spreads
  // evenly, and then what each channel takes, in bytes and in time.
  struct Shape {
    uint64_t length = 0;
    uint32_t granules = 0;
    bool even = false;
    uint64_t channel_payload = 0;
    sc_core::sc_time channel_time;
  } shape_;
  SparseStore store_;
  uint64_t bytes_read_ = 0;
  uint64_t bytes_written_ = 0;
};

}  // namespace cxlvp
