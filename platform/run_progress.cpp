#include "run_progress.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>

#include "scenario_limits.h"

namespace cxlvp {

namespace {

// "42 s", "12 min", "3.5 h", "2.1 days"
std::string duration_text(double s) {
  std::ostringstream text;
  text << std::setprecision(2);
  if (s < 120) text << std::lround(s) << " s";
  else if (s < 7200) text << std::lround(s / 60) << " min";
  else if (s < 2 * 86400) text << s / 3600 << " h";
  else text << s / 86400 << " days";
  return text.str();
}

}  // namespace

RunProgress::RunProgress(const Scenario& s, bool logging, std::ostream& out) : s_(s), logging_(logging), out_(out) {}

void RunProgress::start() {
  start_ = Clock::now();
  out_ << "cxlvp: running " << s_.name << " (" << s_.workload.batches << " batches x " << s_.model.layers
       << " layers x " << s_.workload.tokens_per_batch << " tokens)\n";
  const RunEstimate e = estimate_run(s_);
  const double wall = estimated_wall_s(e, logging_);
  if (wall < kLongRunSeconds) return;
  out_ << "cxlvp: note: a long run: about " << duration_text(wall) << " of wall time (estimated from "
       << std::setprecision(2) << e.transactions << " transactions" << (logging_ ? ", logged" : "")
       << "); progress at least every minute; Ctrl-C stops it and leaves nothing behind\n"
       << std::setprecision(6);
}

void RunProgress::job_done(uint64_t simulated_ps) {
  ++jobs_in_batch_;
  if (wall_s() - last_line_s_ < kQuietSeconds) return;
  line("batch " + std::to_string(batches_done_ + 1) + "/" + std::to_string(s_.workload.batches) + ": " +
           std::to_string(jobs_in_batch_) + " jobs done",
       simulated_ps);
}

void RunProgress::batch_done(const BatchRecord& b) {
  batches_done_ = b.index + 1;
  jobs_in_batch_ = 0;
  const uint32_t batches = s_.workload.batches;
  const uint32_t every = std::max(1u, batches / 10);
  if (batches_done_ % every && batches_done_ != batches && wall_s() - last_line_s_ < kQuietSeconds) return;
  line("batch " + std::to_string(batches_done_) + "/" + std::to_string(batches) + " done", b.end_ps);
}

void RunProgress::line(const std::string& where, uint64_t simulated_ps) {
  const double wall = wall_s();
  last_line_s_ = wall;
  out_ << "cxlvp: " << where << " at " << simulated_ps * 1e-9 << " ms simulated, " << wall << " s wall";
  const uint32_t batches = s_.workload.batches;
  const double left = batches_done_ > 0 ? wall / batches_done_ * (batches - batches_done_) : 0;
  if (left >= 10) out_ << ", about " << duration_text(left) << " left";
  out_ << '\n';
}

}  // namespace cxlvp
