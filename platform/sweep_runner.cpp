#include "sweep_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

#include "child_run.h"
#include "scenario_loader.h"
#include "sweep_grid.h"
#include "sweep_table.h"

namespace fs = std::filesystem;

namespace cxlvp {

namespace {

using Clock = std::chrono::steady_clock;

// Where a sweep keeps its files: DIR/points/<id>/ (each point's result
// folder), DIR/logs/<id>.log (each point's stderr) and DIR/sweep.csv.
struct SweepFolder {
  fs::path dir;
  fs::path points() const { return dir / "points"; }
  fs::path result(const SweepPoint& p) const { return points() / p.id; }
  fs::path log(const SweepPoint& p) const { return dir / "logs" / (p.id + ".log"); }
  fs::path table() const { return dir / "sweep.csv"; }
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



void run_points(const std::vector<SweepPoint>& points, const std::vector<size_t>& todo, const SweepFolder& folder,
                const Commands& commands, unsigned jobs) {
  fs::create_directories(folder.dir / "logs");
  std::map<pid_t, std::pair<size_t, Clock::time_point>> running;  // pid -> (point, start)
  size_t next = 0, done = 0;
  while (next < todo.size() || !running.empty()) {
    while (running.size() < jobs && next < todo.size()) {
      const size_t index = todo[next++];
      running[start_self(commands.run(folder, points[index]), folder.log(points[index]))] = {index, Clock::now()};
    }
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, 0)) < 0 && errno == EINTR) {}
    if (pid < 0) throw std::runtime_error(std::string("waiting for a point: ") + std::strerror(errno));
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const SweepPoint& p = points[it->second.first];
    const double seconds = std::chrono::duration<double>(Clock::now() - it->second.second).count();
    running.erase(it);
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && fs::exists(folder.result(p) / "summary.json");
    std::ostringstream line;
    line << "cxlvp: sweep " << ++done << "/" << todo.size() << (ok ? " done (" : " failed (") << p.id << ") in "
         << std::fixed << std::setprecision(1) << seconds << " s";
    if (!ok) line << ": " << child_failure(folder.log(p), status);
    std::cerr << line.str() << std::endl;
  }
}

void write_job_list(const std::vector<SweepPoint>& points, const SweepFolder& folder, const Commands& commands,
                    const SweepOptions& o) {
  std::ofstream out(o.jobs_file);
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
  out.close();
  if (!out) throw std::runtime_error("cannot write " + o.jobs_file);
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
  const SweepFolder folder{
      fs::absolute(o.out.empty() ? fs::path("results") / (base.name + "-sweep") : fs::path(o.out)).lexically_normal()};
  const Commands commands{fs::read_symlink("/proc/self/exe").string(),
                          fs::absolute(o.scenario).lexically_normal().string(), o.overrides};
  if (!o.jobs_file.empty()) {
    write_job_list(points, folder, commands, o);
    return 0;
  }

  std::vector<size_t> todo;
  for (size_t i = 0; i < points.size(); ++i)
    if (!fs::exists(folder.result(points[i]) / "summary.json")) todo.push_back(i);
  std::cerr << "cxlvp: sweep of " << points.size() << " points into " << folder.dir.string() << "/: ";
  if (todo.size() < points.size()) std::cerr << points.size() - todo.size() << " already done (skipped), ";
  std::cerr << "running " << todo.size();
  if (!todo.empty()) std::cerr << ", " << std::min<size_t>(o.jobs, todo.size()) << " at once";
  std::cerr << std::endl;
  run_points(points, todo, folder, commands, o.jobs);

  const size_t failed = write_sweep_table(points, folder.points().string(), folder.table().string());
  std::cerr << "cxlvp: sweep: " << points.size() - failed << " of " << points.size() << " points ok";
  if (failed) std::cerr << ", " << failed << " failed (logs in " << (folder.dir / "logs").string() << "/)";
  std::cerr << "; table in " << folder.table().string() << "\n";
  return failed ? 1 : 0;
}

}  // namespace cxlvp
