#pragma once
// cxlvp run: one scenario, its result folder and the files asked for on the
// command line. Every path is checked before anything runs; results are
// staged and put in place only when the whole run succeeded; SIGINT and
// SIGTERM stop the simulation and leave nothing behind (stop_signal.h).
#include <string>
#include <vector>

namespace cxlvp {

struct RunOptions {
  std::string scenario;
  std::string out;  // empty: results/<scenario name>
  std::vector<std::string> overrides;
  std::string transactions, save_routing, timeline, vcd, timing;  // empty: not written
  bool quiet = false;
};

// Runs it; returns the exit status (0; 1 when the simulation, a job, a write
// or the functional check failed, or protocol violations were counted).
// Throws ScenarioError or BadPath for bad input (exit status 2). A run
// stopped by a signal removes what it staged and returns; the caller then
// ends the process by that signal (finish_if_stopped()).
int run_scenario(const RunOptions& options);

}  // namespace cxlvp
