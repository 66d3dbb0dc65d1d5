#pragma once
// JobTable: the per-job rows of a run (jobs.csv) and their per-device totals,
// built as devices finish jobs. A command-line run streams the rows straight
// to jobs.csv and keeps only the totals, so memory does not grow with the
// number of jobs on long runs; rows are kept in memory only when asked (the
// timeline needs them, and in-process users such as tests read them).
//
// Each record is joined with the firmware's plan (Scheduler::planned()) when
// it is logged, and the firmware forgets a job's tag once its last record is
// in: a GPU expert job logs its weight fetch first (gpu.fetch) and its
// completion after, every other job one record. The firmware may handle a
// job's completion MSI before or after the device logs the job, so only the
// join knows when the tag is no longer needed.
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../firmware/scheduler.h"
#include "../models/common/job_log.h"

namespace cxlvp {

struct DeviceReport {
  std::string name;  // gpu (SMs), gpu.fetch, gpu.copy, cpu, ndp
  uint64_t jobs = 0;
  uint64_t tokens = 0;
  uint64_t busy_ps = 0;
};

struct JobReport {
  uint32_t tag = 0;
  std::string device;
  std::string kind;  // expert, fetch, scatter, gather
  std::string lane;  // gpu, cpu or ndp: the lane the firmware planned the expert (or its copies) for
  uint32_t batch = 0, layer = 0, expert = 0, tokens = 0;
  uint64_t weight_bytes = 0, activation_bytes = 0;
  uint64_t start_ps = 0, end_ps = 0;
  bool ok = true;
};

class JobTable {
 public:
  static constexpr const char* kCsvHeader =
      "tag,device,kind,batch,layer,expert,tokens,weight_bytes,activation_bytes,start_ns,end_ns,ok";

  // `firmware` tells which batch, layer and expert each job tag belongs to.
  // While the table lives, `log` (the platform's, Platform::telemetry()) feeds
  // it every record (and keeps none itself): create it before the run.
  // `devices`: the job-running devices to report even when they run nothing
  // (Platform::devices()); the default is the one-of-each platform's.
  JobTable(Scheduler& firmware, JobLog& log, bool keep_rows,
           const std::vector<std::string>& devices = {"gpu", "gpu.fetch", "gpu.copy", "cpu", "ndp"});
  ~JobTable();
  JobTable(const JobTable&) = delete;
  JobTable& operator=(const JobTable&) = delete;

  // Writes every row added from now on to `path` (CSV with header), in the
  // order jobs finish. Throws std::runtime_error if it cannot be written.
  void stream_to(const std::string& path);
  // Ends the stream (rows stay countable); returns "" when every row reached
  // the file, else the error ("cannot write PATH: why"). Not an exception: it
  // runs after the simulation (see run_command.cpp).
  std::string close_stream();
  // Whether a write to the stream has failed already (a full disk): a long run can stop early.
  bool stream_failed() const { return csv_ && !*csv_; }
  // Called with every row from now on, as it is added (the timeline streams them).
  void on_row(std::function<void(const JobReport&)> observer) { observer_ = std::move(observer); }

  bool streamed() const { return streamed_; }
  const std::vector<JobReport>& rows() const { return rows_; }  // empty unless kept
  std::vector<DeviceReport> devices() const;
  // Busy time per device and kind of job (expert, fetch, scatter, gather, attention, dense_ffn, ...).
  const std::map<std::pair<std::string, std::string>, uint64_t>& busy_by_kind() const { return busy_by_kind_; }
  uint64_t failed() const { return failed_; }
  const std::optional<JobReport>& first_failed() const { return first_failed_; }

  static void write_row(std::ostream& o, const JobReport& j);  // one CSV line, no newline

 private:
  void add(const JobRecord& record);
  JobReport join(const JobRecord& r) const;

  Scheduler& firmware_;
  JobLog& log_;
  bool keep_;
  std::vector<JobReport> rows_;
  std::map<std::string, DeviceReport> devices_;
  std::map<std::pair<std::string, std::string>, uint64_t> busy_by_kind_;
  uint64_t failed_ = 0;
  std::optional<JobReport> first_failed_;
  std::unique_ptr<std::ofstream> csv_;
  std::string csv_path_;
  bool streamed_ = false;
  std::function<void(const JobReport&)> observer_;
};

}  // namespace cxlvp
