#include "job_table.h"

#include <stdexcept>

#include "../models/common/stream_check.h"
#include "json_writer.h"

namespace cxlvp {

namespace {

std::string job_kind(const JobRecord& r) {
  const std::string fetch = ".fetch";
  if (r.device.size() > fetch.size() && r.device.compare(r.device.size() - fetch.size(), fetch.size(), fetch) == 0)
    return "fetch";
  if (r.job.op == JobOp::copy) return (r.job.flags & job_flags::to_host) ? "scatter" : "gather";
  return "expert";
}

}  // namespace

JobTable::JobTable(Scheduler& firmware, JobLog& log, bool keep_rows, const std::vector<std::string>& devices)
    : firmware_(firmware), log_(log), keep_(keep_rows) {
  for (const auto& d : devices) devices_[d].name = d;
  log_.set_sink([this](const JobRecord& r) { add(r); });
}

JobTable::~JobTable() { log_.set_sink(nullptr); }

void JobTable::stream_to(const std::string& path) {
  csv_ = std::make_unique<std::ofstream>(path);
  csv_path_ = path;
  streamed_ = true;
  if (!*csv_) throw std::runtime_error("cannot write " + path);
  *csv_ << kCsvHeader << '\n';
}

std::string JobTable::close_stream() {
  if (!csv_) return "";
  const std::string error = close_checked(*csv_);
  csv_.reset();
  return error.empty() ? "" : "cannot write " + csv_path_ + ": " + error;
}

JobReport JobTable::join(const JobRecord& r) const {
  JobReport j;
  j.tag = r.job.tag;
  j.device = r.device;
  j.kind = job_kind(r);
  if (const auto it = firmware_.planned().find(r.job.tag); it != firmware_.planned().end()) {
    j.batch = it->second.batch;
    j.layer = it->second.layer;
    j.expert = it->second.expert;
    j.tokens = it->second.tokens;
    j.lane = to_string(it->second.lane);
    if (it->second.what) j.kind = it->second.what;  // a forward pass's layer job: attention, dense_ffn, ...
  }
  j.weight_bytes = j.kind == "fetch" || r.job.op != JobOp::copy ? r.job.weight_bytes : 0;
  j.activation_bytes = j.kind == "fetch"             ? 0
                       : r.job.op == JobOp::copy ? r.job.act_in_bytes
                                                 : r.job.act_in_bytes + r.job.act_out_bytes;
  j.start_ps = r.start_ps;
  j.end_ps = r.end_ps;
  j.ok = r.ok;
  return j;
}

void JobTable::add(const JobRecord& record) {
  JobReport j = join(record);
  if (j.kind != "fetch") firmware_.forget(j.tag);  // the job's last record (see the header)
  DeviceReport& d = devices_[j.device];
  d.name = j.device;
  ++d.jobs;
  if (j.kind == "expert") d.tokens += j.tokens;
  d.busy_ps += j.end_ps - j.start_ps;
  busy_by_kind_[{j.device, j.kind}] += j.end_ps - j.start_ps;
  if (!j.ok && !failed_++) first_failed_ = j;
  if (csv_) {
    write_row(*csv_, j);
    *csv_ << '\n';
  }
  if (observer_) observer_(j);
  if (keep_) rows_.push_back(std::move(j));
}

std::vector<DeviceReport> JobTable::devices() const {
  std::vector<DeviceReport> out;
  for (const auto& [name, d] : devices_) out.push_back(d);
  return out;
}

void JobTable::write_row(std::ostream& o, const JobReport& x) {
  const auto n = [](double v) { return JsonWriter::number(v); };
  o << x.tag << ',' << x.device << ',' << x.kind << ',' << x.batch << ',' << x.layer << ',' << x.expert << ','
    << x.tokens << ',' << x.weight_bytes << ',' << x.activation_bytes << ',' << n(x.start_ps / 1e3) << ','
    << n(x.end_ps / 1e3) << ',' << (x.ok ? 1 : 0);
}

}  // namespace cxlvp
