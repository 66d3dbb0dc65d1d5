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
// never per transaction. Times are sc_time values throughout: their arithmetic
// is inline, while building one from an integer (sc_time::from_value) is a
// library call, and this loop runs for every burst.
#include <algorithm>
#include <cstdint>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <vector>

#include "hop_trace.h"
#include "target_socket.h"
#include "telemetry.h"
#include "transfer_hints.h"

namespace cxlvp {

// A quantum keeper that tells whether an absolute time lies past its next
// synchronisation point, for a caller that already knows the kernel time
// (need_sync() asks the kernel on every call). Final, so that calls through it
// (set, sync, get_local_time: virtual in the base) are direct.
class QuantumKeeper final : public tlm_utils::tlm_quantumkeeper {
 public:
  bool due_at(const sc_core::sc_time& absolute) const { return absolute >= m_next_sync_point; }
  // Moves the next synchronisation point on as a sync() that brought the
  // kernel to `absolute` would (the next multiple of `quantum`, the global
  // quantum), without waiting: for a caller that knows the wait could only
  // have moved the kernel time (BurstInitiator::pass). The local time still
  // counts from the kernel time, which stays where it is. The point is a
  // multiple of the quantum already (reset() and this function set no other),
  // and a stream passes it by less than a quantum almost always (a burst takes
  // less), so one addition finds the next one; the division and the library
  // call of from_value, 40 instructions a skip, only when it does not.
  void skip_sync_at(const sc_core::sc_time& absolute, const sc_core::sc_time& quantum) {
    m_next_sync_point += quantum;
    if (m_next_sync_point > absolute) return;
    const uint64_t q = quantum.value();
    m_next_sync_point = q ? sc_core::sc_time::from_value((absolute.value() / q + 1) * q) : absolute;
  }
};

class BurstInitiator {
 public:
  using Socket = tlm::tlm_initiator_socket<>;

  BurstInitiator(const std::string& node_name, QuantumKeeper& keeper,
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
  void spend(uint64_t ps) { advance_to(local_time() + sc_core::sc_time::from_value(ps)); }
  // One access that completes before the caller continues (MMIO, descriptors).
  bool access(Socket& socket, tlm::tlm_command cmd, uint64_t address, void* data, unsigned length);

  tlm::tlm_response_status status() const { return status_; }
  uint64_t burst_bytes() const { return burst_; }
  const TraceNode& node() const { return node_; }
  QuantumKeeper& keeper() { return keeper_; }
  // Where this initiator's transactions, and the jobs of the engine it serves, are reported.
  Telemetry& telemetry() { return telemetry_; }
  // The thread's own time: kernel time plus the keeper's local offset.
  sc_core::sc_time local_time() const { return sc_core::sc_time_stamp() + keeper_.get_local_time(); }

 private:
  using Time = sc_core::sc_time;
  // The socket's target, looked up once per call of stream or copy, not per
  // burst (TLM reaches b_transport through a virtual base: see
  // initiator_socket.h).
  using Target = DirectTransport;
  static Target target_of(Socket& socket) { return direct_transport_of(*socket.operator->()); }
  using Route = TransactionRecorder::StreamRoute;
  // The payload's data and length, which stay the same from one burst of a
  // stream or copy to the next (targets may not change them), so they are set
  // per call and for the last, shorter burst, not per burst; and so are the
  // hints, whose times change only where the kernel time or synced_ does.
  void set_data(uint8_t* data, unsigned length) {
    payload_.set_data_ptr(data);
    payload_.set_data_length(length);
    payload_.set_streaming_width(length);
  }
  // Issues one transaction (data and hints set before) at absolute time `at`
  // while the kernel stands at `now`; sets `done` to its completion time and
  // records it on `route`. False on an error response.
  bool issue(const Target& target, tlm::tlm_command cmd, uint64_t address, const Time& now, const Time& at, Time& done,
             Route& route);
  // Moves the keeper's local time to `t` (absolute) and synchronises if the
  // quantum is exceeded, which moves the kernel time `now` on.
  void advance_to(const Time& t, Time& now);
  // The same between the bursts of a stream or copy, where a due
  // synchronisation is skipped when no other process could run before the
  // kernel would reach `t`: nothing runnable now, no timed notification due
  // by `t` and no sc_stop. Such a wait would only move the kernel time; a
  // wait is a context switch into the kernel and back, and a thread that
  // streams alone (a GPU fetching weights) did one every quantum, a fifth of
  // the run, as did the lanes of a cxl_expert run while the others waited
  // for later times. The kernel then stands behind synced_, where it would be, and
  // catch_up brings it there before the stream or copy returns, so callers
  // see the kernel time and keeper they would have seen. Models are not
  // affected: a transaction's issue time travels in TransferHints and its
  // delay counts from it, so every absolute time on the path is the same.
  // Inline, the due case out of line: a sync falls due every few bursts.
  void pass(const Time& t, Time& now) {
    keeper_.set(t - now);  // between bursts t never lies before the kernel time
    if (keeper_.due_at(t)) sync_or_skip(t, now);
  }
  void sync_or_skip(const Time& t, Time& now);
  void catch_up(Time& now);
  void advance_to(const Time& t) {
    Time now = sc_core::sc_time_stamp();
    advance_to(t, now);
  }

  TraceNode node_;
  Telemetry& telemetry_;  // its platform's (telemetry.h)
  QuantumKeeper& keeper_;
  uint64_t burst_;
  Time synced_;  // the kernel time had no synchronisation been skipped (pass)
  Time quantum_;  // the global quantum, read per stream or copy for sync_or_skip (a library call)
  std::vector<Time> in_flight_;  // completion times, ring of `window` entries
  std::vector<uint8_t> scratch_;      // stands in for data in timing-only bursts
  tlm::tlm_generic_payload payload_;
  TransferHints hints_;
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

// An engine's burst size: simulation.burst_bytes, halved (not below 64 B)
// until its window holds at least kMinBurstsInFlight bursts. With fewer, a
// stream stops overlapping its requests with the path's latency and the
// answer moves with the burst size (a 128 KiB NDP port at 64 KiB bursts kept 2
// in flight: DeepSeek-V3's prefill took 38 % longer than at 4 KiB); with 8 it
// stays within 1 % (docs/performance.md#burst-size).
constexpr unsigned kMinBurstsInFlight = 16;
inline uint64_t engine_burst_bytes(uint64_t burst_bytes, uint64_t bytes_in_flight) {
  uint64_t burst = burst_bytes;
  while (burst > 64 && burst * kMinBurstsInFlight > bytes_in_flight) burst = std::max<uint64_t>(64, burst / 2);
  return burst;
}

// The bus master of one SC_THREAD: its own quantum keeper and burst engine.
struct ThreadBus {
  ThreadBus(const std::string& node_name, uint64_t burst_bytes, unsigned window)
      : bus(node_name, keeper, burst_bytes, window) {}
  // Brings simulated time up to the thread's local time (before waiting or
  // handing work to another thread).
  void sync() { keeper.sync(); }

  QuantumKeeper keeper;
  BurstInitiator bus;
};

}  // namespace cxlvp
