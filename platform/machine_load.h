#pragma once
// MachineLoad: was this machine busy while a measurement ran? A speed figure
// taken while other processes compete for the cores is low for a reason the
// code does not have, and `cxlvp bench` says so instead of reporting a miss
// silently. Two signs, both from the kernel: the load average (runnable
// processes, 1-minute mean) against the cores, and the CPU time this process
// and its waited-for children got against the wall time that passed (the
// bench runs one thing at a time, so an idle machine gives it close to one
// core's worth). A third sign catches what neither sees: this shared host
// slows a process down for seconds at a time (another tenant on the same
// physical cores) while the load average stays low and the bench still gets
// its whole core. Then the repeats of one run, taken in turn with the others,
// differ by far more than their noise: the bench reports the widest spread.
#include <string>

namespace cxlvp {

class MachineLoad {
 public:
  // Starts the measurement now.
  MachineLoad();
  // Ends it (may be called once).
  void stop();

  unsigned cores() const { return cores_; }
  double load_average_start() const { return load_start_; }
  double load_average_end() const { return load_end_; }
  double cpu_s() const { return cpu_s_; }
  double wall_s() const { return wall_s_; }
  // CPU time over wall time: about 1 when one busy process had a core to itself.
  double cpu_share() const { return wall_s_ > 0 ? cpu_s_ / wall_s_ : 0; }
  // A run's repeats: its slowest and fastest simulation times (runs shorter
  // than 20 ms are left out: their noise is the timer's, not the machine's).
  void note_repeats(double fastest_s, double slowest_s);
  double widest_spread() const { return spread_; }  // slowest over fastest, 1 when steady
  // Busier than an idle machine running only the bench could be: the
  // process got under 90 % of a core, more processes were runnable than
  // there are cores (the bench itself counts as one), or one run's repeats
  // differed by more than 25 % (slow spells).
  bool busy() const;
  bool loaded() const;    // the load average or the CPU share says so
  bool unsteady() const;  // the repeats' spread says so: a rate may be off either way, the reference too
  // One line for the console: the figures and the verdict.
  std::string describe() const;

 private:
  static double cpu_now_s();  // this process and its waited-for children, user + system
  static double load_average();

  unsigned cores_;
  double load_start_, load_end_ = 0;
  double cpu_start_s_, cpu_s_ = 0, wall_s_ = 0;
  double wall_start_s_;
  double spread_ = 1;
};

}  // namespace cxlvp
