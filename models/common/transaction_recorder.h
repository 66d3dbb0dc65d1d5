#pragma once
// TransactionRecorder: turns finished transactions into per-route statistics
// (route = initiator node -> terminal target node) and, when a log file is
// open, streams one CSV line per transaction. Nothing per transaction is kept
// in memory beyond the fixed-size histograms. Each platform has its own
// (telemetry.h).
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <tlm>
#include <unordered_map>
#include <vector>

#include "hop_trace.h"
#include "latency_histogram.h"

namespace cxlvp {

struct RouteSummary {
  std::string name;  // "gpu.dma->cxl.mem"
  uint64_t count = 0;
  uint64_t bytes = 0;
  double min_ns = 0, mean_ns = 0, p50_ns = 0, p95_ns = 0, p99_ns = 0, max_ns = 0;
};

class TransactionRecorder {
  struct Route {
    uint64_t bytes = 0;
    LatencyHistogram latency_ps;
  };

 public:
  // Routes and hops are named by `nodes`; the log switches their hop stamping on.
  explicit TransactionRecorder(NodeRegistry& nodes) : nodes_(nodes) {}

  // The route of a stream's last transaction, kept by the stream: its next
  // one almost always takes the same route and is recorded without a lookup.
  // Valid while the recorder is not cleared (a stream keeps it for one call).
  class StreamRoute {
    friend class TransactionRecorder;
    uint64_t key_ = ~0ull;  // no route's key (those are 32 bits)
    Route* route_ = nullptr;
  };

  // Inline: it runs once per transaction.
  void record(const tlm::tlm_generic_payload& p, const HopTrace& trace, uint64_t start_ps, uint64_t end_ps,
              StreamRoute& stream) {
    const uint32_t key = (static_cast<uint32_t>(trace.initiator) << 16) | trace.target;
    if (key != stream.key_) {
      stream.key_ = key;
      stream.route_ = &route(key);
    }
    Route& r = *stream.route_;
    r.bytes += p.get_data_length();
    r.latency_ps.add(end_ps - start_ps);
    if (log_) log(p, trace, start_ps, end_ps);
  }
  // A transaction of no stream (the recent routes find its route).
  void record(const tlm::tlm_generic_payload& p, const HopTrace& trace, uint64_t start_ps, uint64_t end_ps) {
    StreamRoute single;
    record(p, trace, start_ps, end_ps, single);
  }
  // Streams every later transaction to `path` as CSV; throws std::runtime_error if unwritable.
  void open_log(const std::string& path);
  // Whether a write to the log has failed already (a full disk): a long run can stop early.
  bool log_failed() const { return log_ && !*log_; }
  // Ends the log; returns "" when every line reached the file, else why not.
  std::string close_log();
  std::vector<RouteSummary> routes() const;  // sorted by route name
  void clear();

 private:
  struct RecentRoute {
    uint32_t key = 0;
    Route* route = nullptr;
  };
  Route& route(uint32_t key) {
    RecentRoute& r = recent_[(key * 0x9E3779B1u) >> 29];  // Fibonacci hashing into 8 slots
    return r.route && r.key == key ? *r.route : new_recent_route(r, key);
  }
  Route& new_recent_route(RecentRoute& slot, uint32_t key);
  void log(const tlm::tlm_generic_payload& p, const HopTrace& trace, uint64_t start_ps, uint64_t end_ps);

  NodeRegistry& nodes_;
  std::unordered_map<uint32_t, Route> routes_;
  // Single accesses (a new StreamRoute each) and streams starting: a small
  // direct-mapped cache of routes (map nodes do not move).
  RecentRoute recent_[8];
  std::unique_ptr<std::ofstream> log_;
};

}  // namespace cxlvp
