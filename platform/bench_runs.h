#pragma once
// One end-to-end run of `cxlvp bench`: a scenario as its own `cxlvp run
// --quiet` child process, timed around fork/exec/wait, with its transactions
// and simulated time read from its summary.json and its simulation's wall
// time from its --timing file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cxlvp {

struct RunResult {
  std::string scenario, label;  // label: what varied (burst or scaling factor)
  std::vector<std::string> sets;
  uint64_t burst = 0;
  double wall_s = 0;        // the whole child process, around fork/exec/wait
  double simulation_s = 0;  // its sc_start alone (its --timing file), as the raw rate is timed
  double slowest_simulation_s = 0;  // its slowest repeat's: far above the best, the machine slowed meanwhile
  int status = 0;  // raw waitpid status
  bool ok = false;
  std::string error;
  uint64_t transactions = 0;
  double simulated_s = 0;
  double peak_rss_MiB = 0;  // the child's maximum resident set size
  // Transactions per second of simulation, comparable with the raw kernel rate.
  double tx_per_s() const { return simulation_s > 0 ? transactions / simulation_s : 0; }
};

// Runs r.scenario with r.sets as child number `index` under `tmp` (its
// result folder and logs are removed afterwards) and fills in what it measured;
// r.ok says whether it finished with a summary.
void run_child(RunResult& r, const std::filesystem::path& tmp, unsigned index);

// The run `repeats` times: the shortest wall and simulation times count (the
// runs least disturbed by the rest of the machine); the results must not
// differ between repeats, or the platform is not deterministic.
void run_best(RunResult& r, const std::filesystem::path& tmp, unsigned& index, unsigned repeats);

// The same for runs to be compared with each other, their repeats taken in
// turn (a, b, a, b, ...): on this shared machine slow spells last seconds,
// and back-to-back blocks of repeats could put one run's every repeat in one.
void run_best_in_turn(const std::vector<RunResult*>& runs, const std::filesystem::path& tmp, unsigned& index,
                      unsigned repeats);

}  // namespace cxlvp
