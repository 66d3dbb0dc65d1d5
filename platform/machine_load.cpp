#include "machine_load.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <sstream>

namespace cxlvp {

namespace {
double seconds(const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; }
double wall_now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
constexpr double kLeastShareOfIdle = 0.9;
// Repeats of one run on an idle machine differ by a few per cent; slow spells
// of the host made them differ by 1.3x to 2x.
constexpr double kWidestSteadySpread = 1.25;
constexpr double kShortestTimedRun_s = 0.02;
}  // namespace

MachineLoad::MachineLoad()
    : cores_(unsigned(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)))),
      load_start_(load_average()),
      cpu_start_s_(cpu_now_s()),
      wall_start_s_(wall_now_s()) {}

void MachineLoad::stop() {
  wall_s_ = wall_now_s() - wall_start_s_;
  cpu_s_ = cpu_now_s() - cpu_start_s_;
  load_end_ = load_average();
}

double MachineLoad::cpu_now_s() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    if (getrusage(who, &u) == 0) total += seconds(u.ru_utime) + seconds(u.ru_stime);
  }
  return total;
}

double MachineLoad::load_average() {
  double one_minute = 0;
  return getloadavg(&one_minute, 1) == 1 ? one_minute : 0;
}

void MachineLoad::note_repeats(double fastest_s, double slowest_s) {
  if (fastest_s >= kShortestTimedRun_s) spread_ = std::max(spread_, slowest_s / fastest_s);
}

bool MachineLoad::loaded() const {
  return cpu_share() < kLeastShareOfIdle || std::max(load_start_, load_end_) > double(cores_);
}

bool MachineLoad::unsteady() const { return spread_ > kWidestSteadySpread; }

bool MachineLoad::busy() const { return loaded() || unsteady(); }

std::string MachineLoad::describe() const {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << "machine: load average " << load_start_ << " at the start, "
    << load_end_ << " at the end, on " << cores_ << " cores; the bench got " << std::setprecision(0)
    << 100 * cpu_share() << " % of a core (" << std::setprecision(1) << cpu_s_ << " s CPU in " << wall_s_
    << " s wall); the repeats of one run differed by up to x" << std::setprecision(2) << spread_ << ": ";
  if (loaded())
    s << "BUSY, other work competed for the cores, so the rates above are low by about as much; "
         "measure again on an idle machine before reading a miss";
  else if (unsteady())
    s << "UNSTEADY, the host slowed the bench down for a while (no load shows here), so the best repeats "
         "may still be low; measure again before reading a miss";
  else
    s << "idle enough, the rates stand";
  return s.str();
}

}  // namespace cxlvp
