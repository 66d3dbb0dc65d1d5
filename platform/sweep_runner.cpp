#include "sweep_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "../models/common/stream_check.h"
#include "child_run.h"
#include "path_rules.h"
#include "result_folder.h"
#include "scenario_loader.h"
#include "sweep_grid.h"
#include "stop_signal.h"
#include "sweep_table.h"

namespace fs = std::filesystem;

namespace cxlvp {

namespace {

using Clock = std::chrono::steady_clock;

// Where a sweep keeps its files: DIR/points/<id>/ (each point's result
// folder), DIR/logs/<id>.log (each point's stderr) and DIR/sweep.csv. DIR
// carries a mark of its own (kSweepMark); a sweep writes only into a folder
// that is new, empty or marked, never among a user's files.
struct SweepFolder {
  static constexpr const char* kSweepMark = ".cxlvp-sweep";
  fs::path dir;
  fs::path points() const { return dir / "points"; }
  fs::path result(const SweepPoint& p) const { return points() / p.id; }
  fs::path log(const SweepPoint& p) const { return dir / "logs" / (p.id + ".log"); }
  fs::path table() const { return dir / "sweep.csv"; }

  // Throws BadPath when DIR holds anything and no mark.
  void check() const {
    std::error_code error;
    if (!fs::exists(dir, error)) return;
    if (!fs::is_directory(dir, error)) throw BadPath("--out " + dir.string() + ": exists and is not a folder");
    if (fs::is_empty(dir, error) || fs::exists(dir / kSweepMark, error)) return;
    throw BadPath("--out " + dir.string() + ": holds files and is not a cxlvp sweep folder (it has no " + kSweepMark +
                  " mark); not writing into it (choose a new folder)");
  }
  void mark() const {
    fs::create_directories(dir / "logs");
    std::ofstream out(dir / kSweepMark);
    out << "# cxlvp sweep folder: `cxlvp sweep` keeps sweep.csv, logs/ and points/ here.\n";
    if (const std::string error = close_checked(out); !error.empty())
      throw std::runtime_error("cannot write " + (dir / kSweepMark).string() + ": " + error);
  }
};

// Absolute paths throughout, so the commands also work from a job list run elsewhere.
struct Commands {
  std::string binary, scenario;
  std::vector<std::string> overrides;  // the user's

  std::vector<std::string> run(const SweepFolder& folder, const SweepPoint& p) const {
    std::vector<std::string> args = {binary, "run", scenario, "--quiet", "--out", folder.result(p).string()};
    for (const auto& list : {overrides, p.overrides})  // the sweep's after the user's, so they win
      for (const auto& assignment : list) args.insert(args.end(), {"--set", assignment});
    return args;
  }

  std::vector<std::string> collect(const SweepFolder& folder) const {
    std::vector<std::string> args = {binary, "sweep", scenario, "--out", folder.dir.string()};
    for (const auto& assignment : overrides) args.insert(args.end(), {"--set", assignment});
    return args;
  }
};

// Quoted for sh only when needed, so job lists stay readable.
std::string shell_word(const std::string& word) {
  const char* const plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:,+-@%";
  if (!word.empty() && word.find_first_not_of(plain) == std::string::npos) return word;
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string shell_line(const std::vector<std::string>& args) {
  std::string line;
  for (const auto& arg : args) line += (line.empty() ? "" : " ") + shell_word(arg);
  return line;
}



// Runs the points of `todo`, `jobs` at once. A signal (stop_signal.h) stops
// starting points and passes SIGTERM on to the running ones, which remove
// what they staged; returns the signal then, else 0.
int run_points(const std::vector<SweepPoint>& points, const std::vector<size_t>& todo, const SweepFolder& folder,
               const Commands& commands, unsigned jobs) {
  std::map<pid_t, std::pair<size_t, Clock::time_point>> running;  // pid -> (point, start)
  size_t next = 0, done = 0;
  bool stopping = false;
  begin_polling();
  while ((next < todo.size() && !stopping) || !running.empty()) {
    if (stop_requested() && !stopping) {
      stopping = true;
      for (const auto& child : running) kill(child.first, SIGTERM);
    }
    while (!stopping && running.size() < jobs && next < todo.size()) {
      const size_t index = todo[next++];
      running[start_self(commands.run(folder, points[index]), folder.log(points[index]))] = {index, Clock::now()};
    }
    // Not a blocking wait: a signal arriving just before it would wait for a point to end.
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0 || (pid < 0 && errno == EINTR)) {
      usleep(50000);  // a signal cuts it short
      continue;
    }
    if (pid < 0) throw std::runtime_error(std::string("waiting for a point: ") + std::strerror(errno));
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const SweepPoint& p = points[it->second.first];
    const double seconds = std::chrono::duration<double>(Clock::now() - it->second.second).count();
    running.erase(it);
    if (stopping) continue;  // stopped by us: neither done nor failed
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && fs::exists(folder.result(p) / "summary.json");
    std::ostringstream line;
    line << "cxlvp: sweep " << ++done << "/" << todo.size() << (ok ? " done (" : " failed (") << p.id << ") in "
         << std::fixed << std::setprecision(1) << seconds << " s";
    if (!ok) line << ": " << child_failure(folder.log(p), status);
    std::cerr << line.str() << std::endl;
  }
  end_polling();
  if (const int signal = stop_requested()) {
    std::cerr << "cxlvp: sweep " << stopped_by(signal) << " after "
              << done << " of " << todo.size() << " points; the running ones stopped, no sweep.csv written; the same "
              << "command resumes it" << std::endl;
    return signal;
  }
  return 0;
}

void write_job_list(const std::vector<SweepPoint>& points, const SweepFolder& folder, const Commands& commands,
                    const SweepOptions& o) {
  std::ofstream out(o.jobs_file);
  if (!out) throw BadPath("--jobs-file " + o.jobs_file + ": cannot write: " + std::strerror(errno));
  const std::string collect = shell_line(commands.collect(folder));
  if (o.format == "slurm") {
    out << "#!/bin/bash\n"
        << "# cxlvp sweep: " << points.size() << " points of " << commands.scenario << ", one per array task.\n"
        << "# Submit with: sbatch --array=0-" << points.size() - 1 << " " << shell_word(o.jobs_file) << "\n"
        << "# Collect afterwards with: " << collect << "\n"
        << "#SBATCH --job-name=cxlvp-sweep\n"
        << "#SBATCH --array=0-" << points.size() - 1 << "\n"
        << "set -euo pipefail\n"
        << "case \"${SLURM_ARRAY_TASK_ID:?run this script as a Slurm array job}\" in\n";
    for (size_t i = 0; i < points.size(); ++i)
      out << "  " << i << ") exec " << shell_line(commands.run(folder, points[i])) << " ;;\n";
    out << "  *) echo \"cxlvp sweep: no point $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\n"
        << "esac\n";
  } else {
    for (const auto& p : points) out << shell_line(commands.run(folder, p)) << '\n';
  }
  if (const std::string error = close_checked(out); !error.empty())
    throw std::runtime_error("--jobs-file " + o.jobs_file + ": cannot write: " + error);
  std::cerr << "cxlvp: sweep: wrote " << points.size() << " commands to " << o.jobs_file << "; run them with "
            << (o.format == "slurm" ? "sbatch " + shell_word(o.jobs_file)
                                    : "parallel -j N < " + shell_word(o.jobs_file))
            << ", then collect with " << collect << "\n";
}

}  // namespace

int run_sweep(const SweepOptions& o) {
  std::vector<std::string> warnings;
  const Scenario base = load_scenario(o.scenario, o.overrides, &warnings);
  for (const auto& w : warnings) std::cerr << "cxlvp: warning: " << w << '\n';
  const std::vector<SweepPoint> points = load_sweep_grid(o.scenario, o.overrides);
  if (points.empty())
    throw ScenarioError(o.scenario, 0, "", "has no sweep block to run (docs/sweeps.md); use cxlvp run");
  const SweepFolder folder{normalized_path(o.out.empty() ? fs::path("results") / (base.name + "-sweep") : fs::path(o.out))};
  const Commands commands{fs::read_symlink("/proc/self/exe").string(),
                          fs::absolute(o.scenario).lexically_normal().string(), o.overrides};
  folder.check();
  folder.mark();
  if (!o.jobs_file.empty()) {
    write_job_list(points, folder, commands, o);
    return 0;
  }

  // A point is done when its folder holds its own complete results; any
  // other (missing, partial, corrupt, of other inputs) runs again.
  std::vector<std::string> results, hashes;
  std::vector<size_t> todo;
  for (size_t i = 0; i < points.size(); ++i) {
    std::vector<std::string> overrides = o.overrides;
    overrides.insert(overrides.end(), points[i].overrides.begin(), points[i].overrides.end());
    results.push_back(folder.result(points[i]).string());
    hashes.push_back(run_inputs_hash(o.scenario, overrides));
    if (!read_point_results(results.back(), hashes.back()).ok) todo.push_back(i);
  }
  std::cerr << "cxlvp: sweep of " << points.size() << " points into " << folder.dir.string() << "/: ";
  if (todo.size() < points.size()) std::cerr << points.size() - todo.size() << " already done (skipped), ";
  std::cerr << "running " << todo.size();
  if (!todo.empty()) std::cerr << ", " << std::min<size_t>(o.jobs, todo.size()) << " at once";
  std::cerr << std::endl;
  if (const int signal = run_points(points, todo, folder, commands, o.jobs)) return 128 + signal;

  const size_t failed = write_sweep_table(points, results, hashes, folder.table().string());
  std::cerr << "cxlvp: sweep: " << points.size() - failed << " of " << points.size() << " points ok";
  if (failed) std::cerr << ", " << failed << " failed (logs in " << (folder.dir / "logs").string() << "/)";
  std::cerr << "; table in " << folder.table().string() << "\n";
  return failed ? 1 : 0;
}

}  // namespace cxlvp
