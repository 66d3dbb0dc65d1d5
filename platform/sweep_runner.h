#pragma once
// cxlvp sweep: runs every point of a scenario's sweep grid (sweep_grid.h) as
// its own `cxlvp run` process, or writes the commands to a job list for GNU
// parallel or a Slurm array, and collects the points' summary.json files into
// one sweep.csv.
#include <string>
#include <vector>

namespace cxlvp {

struct SweepOptions {
  std::string scenario;
  std::string out;                     // empty: results/<scenario name>-sweep
  std::vector<std::string> overrides;  // the user's --set, applied before each point's own
  unsigned jobs = 1;                   // points run at once
  std::string jobs_file;               // set: write the commands there instead of running them
  std::string format = "parallel";     // of jobs_file: parallel (one command a line) or slurm
};

// Runs (or lists) the points not finished yet, then writes DIR/sweep.csv.
// A point counts as finished only when its folder holds its own complete
// results (sweep_table.h); any other runs again. Returns the exit status: 0,
// 1 when a point failed, or 128 + the signal when SIGINT or SIGTERM stopped
// it (its running points stopped too, no sweep.csv written; the caller then
// ends by that signal). Throws ScenarioError for a bad scenario or sweep
// block, BadPath when DIR is a folder of the user's.
int run_sweep(const SweepOptions& options);

}  // namespace cxlvp
