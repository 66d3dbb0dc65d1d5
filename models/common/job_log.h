#pragma once
// JobLog: devices report every job they finish (what ran, where, when); the
// report layer turns it into the per-job table and per-device busy time.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "job_descriptor.h"

namespace cxlvp {

struct JobRecord {
  std::string device;     // "gpu", "cpu", "ndp"
  JobDescriptor job;
  uint64_t start_ps = 0;  // doorbell seen / job taken from the queue
  uint64_t end_ps = 0;    // work done; the completion MSI is sent right after
  bool ok = true;
};

// Each platform has its own (telemetry.h).
class JobLog {
 public:
  // With a sink, records go to it and are not kept (long runs stream them).
  void add(JobRecord r) {
    if (sink_) sink_(r);
    else records_.push_back(std::move(r));
  }
  void set_sink(std::function<void(const JobRecord&)> sink) { sink_ = std::move(sink); }
  const std::vector<JobRecord>& records() const { return records_; }
  void clear() { records_.clear(); }

 private:
  std::vector<JobRecord> records_;
  std::function<void(const JobRecord&)> sink_;
};

}  // namespace cxlvp
