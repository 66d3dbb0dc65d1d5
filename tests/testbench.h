#pragma once
// Shared test bench for the per-model unit tests.
//
//  - TestInitiator: a bus master (ThreadBus: quantum keeper + BurstInitiator)
//    whose SC_THREAD runs a test-supplied body. The body moves data with
//    stream()/copy()/read()/write() exactly like the platform's devices do, or
//    issues single raw transactions with explicit delays, and stores whatever
//    the test case asserts afterwards (assertions belong after sc_start()).
//  - WriteRecorder: a target that records every write (time, address, bytes);
//    stands in for an MSI controller or any upstream sink. A thread can wait
//    for the n-th write to arrive.
//  - ProbeTarget: a target that records the address/command/length it saw
//    (to check what routers hand on) and answers after a fixed latency.
//
// One elaboration per process (SystemC): build the modules in the TEST_CASE,
// call sc_start(), then assert. Times are picoseconds (sc_time values) unless
// a name says otherwise.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "models/common/burst_initiator.h"
#include "models/common/transaction_recorder.h"

namespace cxlvp::test {

constexpr uint64_t KiB = 1ull << 10;
constexpr uint64_t MiB = 1ull << 20;
constexpr uint64_t GiB = 1ull << 30;

inline uint64_t ps_from_ns(double ns) { return static_cast<uint64_t>(std::llround(ns * 1e3)); }
inline double ns_from_ps(uint64_t ps) { return double(ps) / 1e3; }
inline double us_from_ps(uint64_t ps) { return double(ps) / 1e6; }
// Seconds to move `bytes` at `GBps` (1 GB = 1e9 bytes), in picoseconds.
inline double transfer_ps(double bytes, double GBps) { return bytes / GBps * 1e3; }

inline void set_quantum_ns(double ns) {
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(ns, sc_core::SC_NS));
}

inline uint64_t now_ps() { return sc_core::sc_time_stamp().value(); }

// Deterministic, position-dependent test pattern (no two nearby bytes equal).
inline std::vector<uint8_t> pattern(size_t bytes, uint32_t seed = 1) {
  std::vector<uint8_t> v(bytes);
  uint32_t x = seed * 2654435761u + 12345u;
  for (size_t i = 0; i < bytes; ++i) {
    x = x * 1664525u + 1013904223u;
    v[i] = static_cast<uint8_t>(x >> 24);
  }
  return v;
}

// The statistics of one route ("initiator->target") of the models reporting
// to `telemetry` (a Platform's, or those built outside any), or a zero summary if absent.
inline RouteSummary route(const std::string& name, const Telemetry& telemetry = Telemetry::standalone()) {
  for (const auto& r : telemetry.transactions.routes())
    if (r.name == name) return r;
  RouteSummary none;
  none.name = name;
  return none;
}

// ---------------------------------------------------------------------------
class TestInitiator : public sc_core::sc_module {
 public:
  using Body = std::function<void(TestInitiator&)>;

  tlm_utils::simple_initiator_socket<TestInitiator> socket;

  // `body` runs once in the module's SC_THREAD, from simulated time 0.
  TestInitiator(sc_core::sc_module_name name, Body body, uint64_t burst_bytes = 4096, unsigned window = 64)
      : sc_module(name), socket("socket"), tb_(this->name(), burst_bytes, window), body_(std::move(body)) {
    SC_HAS_PROCESS(TestInitiator);
    SC_THREAD(run);
  }

  // --- bulk and single accesses through the BurstInitiator (quantum-kept) ---
  bool stream(tlm::tlm_command cmd, uint64_t address, uint64_t bytes, uint8_t* data = nullptr, double pace = 0.0) {
    return tb_.bus.stream(socket, cmd, address, bytes, data, pace);
  }
  bool read(uint64_t address, void* data, unsigned length) {
    return tb_.bus.access(socket, tlm::TLM_READ_COMMAND, address, data, length);
  }
  bool write(uint64_t address, const void* data, unsigned length) {
    std::vector<uint8_t> copy(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + length);
    return tb_.bus.access(socket, tlm::TLM_WRITE_COMMAND, address, copy.data(), length);
  }
  // Register-style helpers (4 or 8 bytes, little-endian like the models).
  template <typename T>
  bool write_reg(uint64_t address, T value) {
    return write(address, &value, sizeof(T));
  }
  template <typename T>
  T read_reg(uint64_t address) {
    T value{};
    read(address, &value, sizeof(T));
    return value;
  }
  tlm::tlm_response_status status() const { return tb_.bus.status(); }

  // --- one raw b_transport, no quantum keeping: the caller chooses the delay ---
  struct Raw {
    tlm::tlm_response_status status;
    sc_core::sc_time delay;  // annotated delay on return
    uint64_t address_after;  // payload address when b_transport returned
  };
  Raw raw(tlm::tlm_command cmd, uint64_t address, void* data, unsigned length,
          sc_core::sc_time delay = sc_core::SC_ZERO_TIME, unsigned char* byte_enable = nullptr,
          unsigned byte_enable_length = 0, unsigned streaming_width = 0, TransferHints* hints = nullptr,
          HopTrace* trace = nullptr) {
    tlm::tlm_generic_payload p;
    if (hints) p.set_extension(hints);
    if (trace) p.set_extension(trace);
    p.set_command(cmd);
    p.set_address(address);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(length);
    p.set_streaming_width(streaming_width ? streaming_width : length);
    p.set_byte_enable_ptr(byte_enable);
    p.set_byte_enable_length(byte_enable_length);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(p, delay);
    if (hints) p.clear_extension(hints);
    if (trace) p.clear_extension(trace);
    return {p.get_response_status(), delay, p.get_address()};
  }
  // Debug transport; returns the byte count the target reported.
  unsigned debug(tlm::tlm_command cmd, uint64_t address, void* data, unsigned length) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(address);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(length);
    p.set_streaming_width(length);
    return socket->transport_dbg(p);
  }

  // --- time ---
  void sync() { tb_.sync(); }
  // Simulated time plus the thread's local (decoupled) offset.
  uint64_t local_ps() const { return tb_.bus.local_time().value(); }
  // Syncs, then waits until absolute time t_ps (no-op if already past).
  void wait_until_ps(uint64_t t_ps) {
    sync();
    if (t_ps > now_ps()) sc_core::wait(sc_core::sc_time::from_value(t_ps - now_ps()));
  }

  ThreadBus& bus() { return tb_; }
  bool finished() const { return finished_; }
  uint64_t end_ps() const { return end_ps_; }  // simulated time after the body returned and synced

 private:
  void run() {
    body_(*this);
    tb_.sync();
    end_ps_ = now_ps();
    finished_ = true;
  }

  ThreadBus tb_;
  Body body_;
  bool finished_ = false;
  uint64_t end_ps_ = 0;
};

// ---------------------------------------------------------------------------
class WriteRecorder : public sc_core::sc_module {
 public:
  struct Write {
    uint64_t time_ps;  // simulated time the write arrived (timestamp + annotated delay)
    uint64_t address;
    std::vector<uint8_t> bytes;
    uint32_t word() const {
      uint32_t w = 0;
      std::memcpy(&w, bytes.data(), std::min<size_t>(4, bytes.size()));
      return w;
    }
  };

  tlm_utils::simple_target_socket<WriteRecorder> in;
  std::vector<Write> writes;
  uint64_t reads = 0;

  explicit WriteRecorder(sc_core::sc_module_name name) : sc_module(name), in("in") {
    in.register_b_transport(this, &WriteRecorder::b_transport);
  }

  // Blocks the calling thread until `n` writes have arrived and the simulated
  // time has reached the n-th one's arrival time.
  void wait_for(size_t n) {
    while (writes.size() < n) sc_core::wait(written_);
    const uint64_t t = writes[n - 1].time_ps;
    if (t > now_ps()) sc_core::wait(sc_core::sc_time::from_value(t - now_ps()));
  }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    if (p.is_write()) {
      const auto* d = p.get_data_ptr();
      writes.push_back({now_ps() + delay.value(), p.get_address(), std::vector<uint8_t>(d, d + p.get_data_length())});
      written_.notify(delay);
    } else {
      ++reads;
      std::memset(p.get_data_ptr(), 0, p.get_data_length());
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  sc_core::sc_event written_;
};

// ---------------------------------------------------------------------------
class ProbeTarget : public sc_core::sc_module {
 public:
  struct Seen {
    uint64_t address;
    tlm::tlm_command cmd;
    unsigned length;
    uint64_t time_ps;  // arrival: timestamp + annotated delay
  };

  tlm_utils::simple_target_socket<ProbeTarget> in;
  std::vector<Seen> seen;      // b_transport calls
  std::vector<Seen> debug_seen;  // transport_dbg calls
  uint8_t fill = 0xA5;         // what reads return

  ProbeTarget(sc_core::sc_module_name name, sc_core::sc_time latency = sc_core::SC_ZERO_TIME)
      : sc_module(name), in("in"), latency_(latency) {
    in.register_b_transport(this, &ProbeTarget::b_transport);
    in.register_transport_dbg(this, &ProbeTarget::transport_dbg);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    seen.push_back({p.get_address(), p.get_command(), p.get_data_length(), now_ps() + delay.value()});
    delay += latency_;
    if (p.is_read()) std::memset(p.get_data_ptr(), fill, p.get_data_length());
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) {
    debug_seen.push_back({p.get_address(), p.get_command(), p.get_data_length(), now_ps()});
    if (p.is_read()) std::memset(p.get_data_ptr(), fill, p.get_data_length());
    return p.get_data_length();
  }

  sc_core::sc_time latency_;
};

}  // namespace cxlvp::test
