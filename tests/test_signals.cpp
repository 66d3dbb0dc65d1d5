// SIGINT and SIGTERM (docs/testing.md#faults-and-hostile-use): a run stops
// cleanly, ends by the signal (a shell reports 130 or 143) and leaves nothing
// behind: no result folder, no output file, no staging folder, and the
// previous results where they were; a stopped sweep stops its points, and so
// does a sweep killed outright (its points die with it).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "command_runner.h"

namespace fs = std::filesystem;
using cxlvp_test::entries_starting;
using cxlvp_test::run_cxlvp;
using cxlvp_test::scratch;
using cxlvp_test::slurp;

namespace {

const std::string kSource = CXLVP_SOURCE_DIR;
const std::string kDefault = kSource + "/scenarios/default.yaml";

// `cxlvp ARGS...` started in the background, stderr to `err`.
pid_t start(const std::vector<std::string>& args, const fs::path& err) {
  std::vector<std::string> all = {CXLVP_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(fd, STDERR_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits (at most a minute) until `file` contains `text`.
bool wait_for(const fs::path& file, const std::string& text) {
  for (int i = 0; i < 600; ++i) {
    if (slurp(file).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Waits until the run says it starts simulating, then a little more: well
// inside the simulation, with every output open.
bool wait_until_simulating(const fs::path& err) {
  if (!wait_for(err, "cxlvp: running")) return false;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  return true;
}

// The signal that ended `pid`, or 0 when it exited.
int ended_by(pid_t pid) {
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  return WIFSIGNALED(raw) ? WTERMSIG(raw) : 0;
}

// Processes whose command line mentions `needle` (the sweep's points).
std::vector<pid_t> processes_with(const std::string& needle) {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = slurp(entry.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(needle) != std::string::npos && cmdline.find(CXLVP_BINARY) != std::string::npos)
      found.push_back(pid_t(std::stoi(name)));
  }
  return found;
}

bool gone(const std::string& needle) {
  for (int i = 0; i < 100 && !processes_with(needle).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return processes_with(needle).empty();
}

// A run long enough to be stopped in the middle of (the run is stopped well before its end).
std::vector<std::string> long_run(const fs::path& dir) {
  return {"run",        kDefault,
          "--out",      (dir / "out").string(),
          "--set",      "workload.batches=100000",
          "--transactions", (dir / "tx.csv").string(),
          "--timeline", (dir / "timeline.json").string(),
          "--save-routing", (dir / "routing.csv").string(),
          "--timing",   (dir / "timing.json").string()};
}

}  // namespace

TEST_CASE("SIGINT and SIGTERM stop a run and leave nothing behind", "[signals]") {
  for (const int signal : {SIGINT, SIGTERM}) {
    INFO("signal " << signal);
    const fs::path dir = scratch() / ("run" + std::to_string(signal));
    fs::create_directories(dir);
    const pid_t pid = start(long_run(dir), scratch() / "err");
    REQUIRE(wait_until_simulating(scratch() / "err"));
    ::kill(pid, signal);
    CHECK(ended_by(pid) == signal);
    const std::string err = slurp(scratch() / "err");
    INFO(err);
    CHECK(err.find(signal == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)") != std::string::npos);
    CHECK(fs::is_empty(dir));  // no results, no log, no trace, no timeline, no staging folder
  }
}

TEST_CASE("an interrupted run leaves the previous results as they were", "[signals]") {
  const fs::path dir = scratch() / "again";
  fs::create_directories(dir);
  REQUIRE(run_cxlvp("run " + kDefault + " --quiet --out " + (dir / "out").string() + " --timing " +
                    (dir / "timing.json").string())
              .status == 0);
  const std::string summary = slurp(dir / "out/summary.json"), timing = slurp(dir / "timing.json");
  const pid_t pid = start(long_run(dir), scratch() / "err");
  REQUIRE(wait_until_simulating(scratch() / "err"));
  ::kill(pid, SIGINT);
  CHECK(ended_by(pid) == SIGINT);
  CHECK(slurp(dir / "out/summary.json") == summary);
  CHECK(slurp(dir / "timing.json") == timing);
  CHECK_FALSE(fs::exists(dir / "tx.csv"));
  CHECK(entries_starting(dir, ".").empty());
}

TEST_CASE("a second signal ends a run at once, still leaving nothing behind", "[signals]") {
  const fs::path dir = scratch() / "twice";
  fs::create_directories(dir);
  const pid_t pid = start(long_run(dir), scratch() / "err");
  REQUIRE(wait_until_simulating(scratch() / "err"));
  ::kill(pid, SIGINT);
  ::kill(pid, SIGINT);
  CHECK(ended_by(pid) == SIGINT);
  CHECK(fs::is_empty(dir));
}

TEST_CASE("a signal stops a run inside one long job too, leaving nothing behind", "[signals]") {
  // One expert of 4 GiB fetched in 64-byte bursts: a single job of about 20 s
  // wall, so no check comes after the signal; the grace (3 s) runs out and the
  // handler removes the staging itself.
  const fs::path dir = scratch() / "long_job";
  fs::create_directories(dir);
  const pid_t pid = start({"run", kDefault, "--out", (dir / "out").string(), "--transactions",
                           (dir / "tx.csv").string(), "--set", "model.experts=1", "--set", "workload.top_k=1",
                           "--set", "model.expert_bytes=4294967296", "--set", "simulation.burst_bytes=64", "--set",
                           "workload.tokens_per_batch=1", "--set", "workload.batches=1", "--set",
                           "policy.hot_experts=1"},
                          scratch() / "err");
  REQUIRE(wait_until_simulating(scratch() / "err"));
  const auto signalled = std::chrono::steady_clock::now();
  ::kill(pid, SIGTERM);
  CHECK(ended_by(pid) == SIGTERM);
  CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(10));  // not the job's 20 s
  CHECK(fs::is_empty(dir));
}

TEST_CASE("a stopped sweep stops its points and writes no sweep.csv", "[signals]") {
  const fs::path dir = scratch() / "sweep";
  const std::string small = kSource + "/tests/data/sweep_small.yaml";
  const pid_t pid = start({"sweep", small, "-j", "2", "--out", dir.string(), "--set", "workload.batches=100000"},
                          scratch() / "err");
  REQUIRE(wait_for(scratch() / "err", "running 2, 2 at once"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the points are under way
  const std::string points = (dir / "points").string();  // in the points' command lines only
  REQUIRE(processes_with(points).size() == 2);
  ::kill(pid, SIGTERM);
  CHECK(ended_by(pid) == SIGTERM);
  CHECK(gone(points));
  CHECK_FALSE(fs::exists(dir / "sweep.csv"));
  for (const auto& point : fs::directory_iterator(dir / "points"))
    CHECK_FALSE(fs::exists(point.path() / "summary.json"));
  CHECK(entries_starting(dir / "points", ".").empty());
}

TEST_CASE("a sweep killed outright takes its points with it", "[signals]") {
  const fs::path dir = scratch() / "killed";
  const std::string small = kSource + "/tests/data/sweep_small.yaml";
  const pid_t pid = start({"sweep", small, "-j", "2", "--out", dir.string(), "--set", "workload.batches=100000"},
                          scratch() / "err");
  REQUIRE(wait_for(scratch() / "err", "running 2, 2 at once"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::string points = (dir / "points").string();
  REQUIRE(processes_with(points).size() == 2);
  ::kill(pid, SIGKILL);  // no handler runs: the points learn of it from the kernel (PR_SET_PDEATHSIG)
  CHECK(ended_by(pid) == SIGKILL);
  CHECK(gone(points));
  CHECK(entries_starting(dir / "points", ".").empty());
}
