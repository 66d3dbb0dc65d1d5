#include "bench_runs.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "child_run.h"
#include "json_reader.h"

namespace cxlvp {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One `cxlvp run SCENARIO --quiet --out DIR --set ...` child, timed around fork/exec/wait.
void run_child(RunResult& r, const std::filesystem::path& tmp, unsigned index) {
  const fs::path out = tmp / ("run" + std::to_string(index));
  const fs::path log = tmp / ("run" + std::to_string(index) + ".log");
  const fs::path timing = tmp / ("run" + std::to_string(index) + ".timing.json");
  std::vector<std::string> args = {"cxlvp", "run", r.scenario, "--quiet", "--out", out.string(),
                                   "--timing", timing.string()};
  for (const auto& s : r.sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  const auto start = Clock::now();
  const pid_t pid = start_self(args, log);
  int status = 0;
  struct rusage usage {};
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("waiting for a run: ") + std::strerror(errno));
  }
  r.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  r.peak_rss_MiB = double(usage.ru_maxrss) / 1024;  // Linux reports KiB
  r.status = status;

  const fs::path summary = out / "summary.json";
  if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    r.error = child_failure(log, status);
  } else if (!fs::exists(summary)) {
    r.error = "no summary.json";
  } else {
    std::ifstream in(summary);
    std::stringstream text;
    text << in.rdbuf();
    const auto scalars = read_json_scalars(text.str());
    const std::string prefix = "routes/", suffix = "/count";
    for (const auto& [key, value] : scalars)
      if (key.size() > prefix.size() + suffix.size() && key.compare(0, prefix.size(), prefix) == 0 &&
          key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          key.find('/', prefix.size()) == key.size() - suffix.size())
        r.transactions += std::strtoull(value.c_str(), nullptr, 10);
    const auto t = scalars.find("simulated_time_s");
    std::ifstream timing_in(timing);
    std::stringstream timing_text;
    timing_text << timing_in.rdbuf();
    const auto timings = read_json_scalars(timing_text.str());
    const auto sim = timings.find("simulation_s");
    if (t == scalars.end()) r.error = "summary.json has no simulated_time_s";
    else if (sim == timings.end()) r.error = "no simulation_s in the run's --timing file";
    else {
      r.simulated_s = std::strtod(t->second.c_str(), nullptr);
      r.simulation_s = std::strtod(sim->second.c_str(), nullptr);
      r.ok = true;
    }
  }
  std::error_code ec;
  fs::remove_all(out, ec);
  fs::remove(log, ec);
  fs::remove(timing, ec);
}

namespace {

// Folds repeat k of a run into r (the run's best so far); false once the
// run has failed or differs from its first repeat (r says why).
bool fold_repeat(RunResult& r, const RunResult& again, unsigned k) {
  if (!again.ok || k == 0) {
    r = again;
    r.slowest_simulation_s = again.simulation_s;
    return again.ok;
  }
  if (again.transactions != r.transactions || again.simulated_s != r.simulated_s) {
    r.ok = false;
    r.error = "repeated runs differ (transactions or simulated time): not deterministic";
    return false;
  }
  r.wall_s = std::min(r.wall_s, again.wall_s);
  r.simulation_s = std::min(r.simulation_s, again.simulation_s);
  r.slowest_simulation_s = std::max(r.slowest_simulation_s, again.simulation_s);
  r.peak_rss_MiB = std::max(r.peak_rss_MiB, again.peak_rss_MiB);
  return true;
}

}  // namespace

void run_best(RunResult& r, const std::filesystem::path& tmp, unsigned& index, unsigned repeats) {
  run_best_in_turn({&r}, tmp, index, repeats);
}

void run_best_in_turn(const std::vector<RunResult*>& runs, const std::filesystem::path& tmp, unsigned& index,
                      unsigned repeats) {
  std::vector<RunResult> specs;  // what to run, nothing measured yet
  for (const RunResult* r : runs) specs.push_back(*r);
  std::vector<bool> going(runs.size(), true);
  for (unsigned k = 0; k < repeats; ++k)
    for (size_t i = 0; i < runs.size(); ++i) {
      if (!going[i]) continue;
      RunResult again = specs[i];
      run_child(again, tmp, index++);
      going[i] = fold_repeat(*runs[i], again, k);
    }
}

}  // namespace cxlvp
