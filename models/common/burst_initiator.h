#pragma once
// BurstInitiator: the engine behind every bulk mover in the platform (GPU DMA,
// CPU cores streaming weights, the NDP engine's memory port, firmware MMIO).
//
// A transfer is cut into bursts, each a real TLM transaction through the
// modeled path. Like a hardware DMA engine with a tag pool, up to `window`
// bursts are in flight: burst i issues when burst i-window has completed, so
// throughput is set by the slowest resource on the path (link or DRAM
// occupancy) once the window covers the bandwidth-delay product, and by
// latency when it does not. An optional pace (picoseconds per byte) models a
// consumer that cannot take data faster, e.g. a compute unit, so a job's time
// comes out as max(compute, memory) with the two overlapped.
//
// Time is kept in the owning thread's quantum keeper: bursts are issued at
// local time offsets and the keeper synchronises once a quantum is exceeded,
// never per transaction.
#include <algorithm>
#include <cstdint>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <vector>

#include "hop_trace.h"

namespace cxlvp {

class BurstInitiator {
 public:
  using Socket = tlm::tlm_initiator_socket<>;

  BurstInitiator(const std::string& node_name, tlm_utils::tlm_quantumkeeper& keeper,
                 uint64_t burst_bytes, unsigned window);
  ~BurstInitiator();
  BurstInitiator(const BurstInitiator&) = delete;
  BurstInitiator& operator=(const BurstInitiator&) = delete;

  // Reads or writes `bytes` at `address`. `data` may be null: then the
  // transfer is timing-only and memories do not copy bytes. Returns false on
  // the first error response (status() tells which).
  bool stream(Socket& socket, tlm::tlm_command cmd, uint64_t address, uint64_t bytes, uint8_t* data,
              double pace_ps_per_byte = 0.0);
  // Copies `bytes` from `src` (read through `from`) to `dst` (written through
  // `to`) burst by burst; each burst's write issues when its read completes.
  bool copy(Socket& from, uint64_t src, Socket& to, uint64_t dst, uint64_t bytes, bool functional);
  // Lets `ps` of the thread's own time pass (work that moves no data).
  void spend(uint64_t ps) { advance_to(local_ps() + ps); }
  // One access that completes before the caller continues (MMIO, descriptors).
  bool access(Socket& socket, tlm::tlm_command cmd, uint64_t address, void* data, unsigned length);

  tlm::tlm_response_status status() const { return status_; }
  uint64_t burst_bytes() const { return burst_; }
  NodeId node() const { return node_; }
  tlm_utils::tlm_quantumkeeper& keeper() { return keeper_; }

 private:
  uint64_t now_ps() const { return sc_core::sc_time_stamp().value(); }
  uint64_t local_ps() const { return now_ps() + keeper_.get_local_time().value(); }
  // Issues one transaction at absolute time issue_ps; returns completion time or 0 on error.
  uint64_t issue(Socket& socket, tlm::tlm_command cmd, uint64_t address, uint8_t* data, unsigned length,
                 bool functional, bool bulk, uint64_t issue_ps);
  // Moves the keeper's local time to `t_ps` and synchronises if the quantum is exceeded.
  void advance_to(uint64_t t_ps);

  NodeId node_;
  tlm_utils::tlm_quantumkeeper& keeper_;
  uint64_t burst_;
  std::vector<uint64_t> in_flight_;  // completion times, ring of `window` entries
  std::vector<uint8_t> scratch_;      // stands in for data in timing-only bursts
  tlm::tlm_generic_payload payload_;
  HopTrace trace_;
  tlm::tlm_response_status status_ = tlm::TLM_OK_RESPONSE;
};

}  // namespace cxlvp

namespace cxlvp {

// Bursts to keep in flight so that about `bytes_in_flight` are outstanding:
// engines are specified by bytes in flight (tags x request size), so that a
// larger burst size does not also deepen their queues.
inline unsigned bursts_in_flight(uint64_t bytes_in_flight, uint64_t burst_bytes) {
  return unsigned(std::max<uint64_t>(1, bytes_in_flight / burst_bytes));
}

// The bus master of one SC_THREAD: its own quantum keeper and burst engine.
struct ThreadBus {
  ThreadBus(const std::string& node_name, uint64_t burst_bytes, unsigned window)
      : bus(node_name, keeper, burst_bytes, window) {}
  // Brings simulated time up to the thread's local time (before waiting or
  // handing work to another thread).
  void sync() { keeper.sync(); }

  tlm_utils::tlm_quantumkeeper keeper;
  BurstInitiator bus;
};

}  // namespace cxlvp
