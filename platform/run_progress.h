#pragma once
// What `cxlvp run` tells on the console while it runs (never with --quiet):
// the run's shape, a warning with an estimate when it will take long
// (scenario_limits.h), and a progress line at every tenth of the batches or
// after a minute without one (also in the middle of a long batch), with the
// time left at the rate so far.
#include <chrono>
#include <cstdint>
#include <ostream>

#include "../firmware/scheduler.h"
#include "scenario.h"

namespace cxlvp {

class RunProgress {
 public:
  // Wall time from which a run is announced with its estimate.
  static constexpr double kLongRunSeconds = 600;
  // Longest wall time between two progress lines.
  static constexpr double kQuietSeconds = 60;

  // `logging`: --transactions is on (slower runs).
  RunProgress(const Scenario& s, bool logging, std::ostream& out);

  void start();  // the run's shape and, for a long one, its estimate
  void job_done(uint64_t simulated_ps);
  void batch_done(const BatchRecord& b);

 private:
  using Clock = std::chrono::steady_clock;
  double wall_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  void line(const std::string& where, uint64_t simulated_ps);

  const Scenario& s_;
  bool logging_;
  std::ostream& out_;
  Clock::time_point start_ = Clock::now();
  double last_line_s_ = 0;
  uint32_t batches_done_ = 0;
  uint64_t jobs_in_batch_ = 0;
};

}  // namespace cxlvp
