#pragma once
// Timeline: a run's jobs as a Chrome/Perfetto trace (Trace Event Format JSON),
// to open in ui.perfetto.dev or chrome://tracing. Tracks: one per device
// engine (gpu, gpu.fetch, gpu.copy, cpu, ndp) with each job; one per link
// (pcie, cxl.link) with the jobs whose data crossed it, derived from each
// job's kind and lane and the run's weights_home, not per transaction; and one
// per batch with its layers.
//
// The trace is written while the run goes, a job as it finishes and a batch
// once the next one has finished (a job may be logged just after its batch
// completes), so memory holds only the lanes of each track and the layers of
// the last batches, whatever the run's length. Viewers draw complete events
// on one thread as a call stack, so events that overlap without nesting go to
// extra lanes (threads "pcie (2)", ...): each event takes the first lane free
// at its start.
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../firmware/scheduler.h"
#include "job_table.h"

namespace cxlvp {

class TimelineWriter {
 public:
  // Starts the trace in `path`; throws std::runtime_error when it cannot be
  // created. `weights_in_cxl`: weight fetches cross the CXL link as well.
  TimelineWriter(const std::string& path, bool weights_in_cxl);
  ~TimelineWriter();
  TimelineWriter(const TimelineWriter&) = delete;
  TimelineWriter& operator=(const TimelineWriter&) = delete;

  void add_job(const JobReport& job);
  void add_batch(const BatchRecord& batch);

  // Whether a write has failed already (a full disk): a long run can stop early.
  bool failed() const { return !out_; }

  // Writes the batches still held and the closing part (otherData: scenario,
  // policy, seed) and closes the file. Returns "" when every byte reached the
  // file, else why not.
  std::string finish(const std::string& scenario, const std::string& policy, uint64_t seed);

 private:
  struct Event;
  struct Track;
  struct Layer {
    uint64_t start_ps, end_ps;
  };

  Track& track(int pid, const std::string& name);
  void place(Track& t, const Event& e);
  void write_batch(const BatchRecord& b);
  void metadata(int pid, int tid, const char* what, const std::string& args_json);
  void complete(int pid, int tid, const std::string& category, const Event& e);
  std::ostream& next();

  std::ofstream out_;
  bool weights_in_cxl_;
  bool first_ = true;
  int last_tid_ = 0;
  std::vector<std::unique_ptr<Track>> tracks_;
  std::map<int, bool> named_groups_;  // pid -> process metadata written
  std::map<std::pair<uint32_t, uint32_t>, Layer> layers_;  // (batch, layer) of batches not yet written
  std::vector<BatchRecord> held_;  // finished batches not yet written (at most two)
};

}  // namespace cxlvp
