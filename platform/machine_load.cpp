#include "machine_load.h"

#include <sys/resource.h>
#include <unistd.h>

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

bool MachineLoad::busy() const {
  return cpu_share() < kLeastShareOfIdle || std::max(load_start_, load_end_) > double(cores_);
}

std::string MachineLoad::describe() const {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << "machine: load average " << load_start_ << " at the start, "
    << load_end_ << " at the end, on " << cores_ << " cores; the bench got " << std::setprecision(0)
    << 100 * cpu_share() << " % of a core (" << std::setprecision(1) << cpu_s_ << " s CPU in " << wall_s_
    << " s wall): ";
  if (busy())
    s << "BUSY, other work competed for the cores, so the rates above are low by about as much; "
         "measure again on an idle machine before reading a miss";
  else
    s << "idle enough, the rates stand";
  return s.str();
}

}  // namespace cxlvp
