// Sweeps: the grid a scenario's sweep: block describes (order, ids, checks with
// file:line:key errors) and `cxlvp sweep` running it, skipping finished points,
// writing sweep.csv and job lists for GNU parallel and Slurm.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "command_runner.h"
#include "platform/scenario_loader.h"
#include "platform/sweep_grid.h"

namespace fs = std::filesystem;
using namespace cxlvp;

namespace {

using cxlvp_test::scratch;
using cxlvp_test::shell;
using cxlvp_test::slurp;

using cxlvp_test::Outcome;
using cxlvp_test::run_cxlvp;

// The default scenario with `sweep` appended as its sweep: block.
fs::path scenario_with_sweep(const std::string& sweep, const std::string& name = "sweep.yaml") {
  const fs::path p = scratch() / name;
  std::ofstream(p) << slurp(std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml") << "\nsweep:\n" << sweep;
  return p;
}

using cxlvp_test::line_of;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

const std::string kSmall = std::string(CXLVP_SOURCE_DIR) + "/tests/data/sweep_small.yaml";

// A two-point sweep of the default scenario, one batch per point.
Outcome sweep_small(const fs::path& out, const std::string& more = "") {
  return run_cxlvp("sweep " + kSmall + " --out " + out.string() + " --set workload.batches=1 " + more);
}

}  // namespace

TEST_CASE("the grid is the cartesian product, first key slowest, with file-safe ids", "[sweep]") {
  const fs::path p = scenario_with_sweep("  policy.hot_experts: [1, 2, 3]\n  platform.pcie.lanes: [8, 16]\n");
  const auto points = load_sweep_grid(p.string());
  REQUIRE(points.size() == 6);
  CHECK(points[0].id == "p000_policy.hot_experts=1_platform.pcie.lanes=8");
  CHECK(points[1].id == "p001_policy.hot_experts=1_platform.pcie.lanes=16");
  CHECK(points[5].id == "p005_policy.hot_experts=3_platform.pcie.lanes=16");
  CHECK(points[2].overrides == std::vector<std::string>{"policy.hot_experts=2", "platform.pcie.lanes=8"});

  // A flow mapping replaces a whole block; its id keeps only file-name characters.
  const fs::path block = scenario_with_sweep("  platform.pcie: [{generation: 5, lanes: 8}]\n", "block.yaml");
  const auto one = load_sweep_grid(block.string());
  REQUIRE(one.size() == 1);
  CHECK(one[0].id == "p000_platform.pcie=generation-5-lanes-8");
  CHECK(one[0].overrides == std::vector<std::string>{"platform.pcie={generation: 5, lanes: 8}"});

  CHECK(load_sweep_grid(std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml").empty());
}

TEST_CASE("an unknown sweep key is rejected with file, line and key", "[sweep]") {
  const fs::path p = scenario_with_sweep("  policy.hot_experts: [2, 4]\n  platform.pcie.lanez: [8]\n");
  const std::string where = p.string() + ":" + std::to_string(line_of(p, "lanez")) + ": sweep.platform.pcie.lanez";
  for (const char* command : {"validate ", "sweep "}) {
    const Outcome o = run_cxlvp(command + p.string());
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(o.err.find(where) != std::string::npos);
  }
}

TEST_CASE("a bad value at one point is rejected naming the point", "[sweep]") {
  const fs::path p = scenario_with_sweep("  platform.pcie.lanes: [8, 16, 3]\n");
  const Outcome o = run_cxlvp("validate " + p.string());
  INFO(o.err);
  CHECK(o.status == 2);
  CHECK(o.err.find(p.string() + ":" + std::to_string(line_of(p, "lanes: [8")) +
                   ": sweep.platform.pcie.lanes: point p002_platform.pcie.lanes=3: must be one of") !=
        std::string::npos);

  // An empty list and a value that is not a list are errors too.
  CHECK(run_cxlvp("validate " + scenario_with_sweep("  platform.pcie.lanes: []\n").string()).status == 2);
  CHECK(run_cxlvp("validate " + scenario_with_sweep("  platform.pcie.lanes: 8\n").string()).status == 2);
}

TEST_CASE("validate checks the sweep and run runs only the base scenario", "[sweep]") {
  const Outcome ok = run_cxlvp("validate " + kSmall);
  CHECK(ok.status == 0);
  const Outcome run = run_cxlvp("run " + kSmall + " --set workload.batches=1 --out " + (scratch() / "base").string());
  INFO(run.err);
  CHECK(run.status == 0);
  CHECK(run.err.find("has a sweep: block; running the base scenario only") != std::string::npos);
  CHECK(fs::exists(scratch() / "base" / "summary.json"));
}

TEST_CASE("a sweep runs its points in parallel, writes sweep.csv and skips finished points", "[sweep]") {
  const fs::path out = scratch() / "two";
  const Outcome first = sweep_small(out, "-j 2");
  INFO(first.err);
  REQUIRE(first.status == 0);
  CHECK(first.err.find("cxlvp: sweep 2/2 done (p00") != std::string::npos);
  const auto table = lines(slurp(out / "sweep.csv"));
  REQUIRE(table.size() == 3);
  CHECK(table[0].rfind("policy.hot_experts,scenario,policy,compute,tokens,simulated_time_s,"
                       "throughput_tokens_per_s,gpu_busy_s,gpu_utilization,cpu_busy_s,cpu_utilization,"
                       "ndp_busy_s,ndp_utilization,status,point",
                       0) == 0);
  CHECK(table[1].rfind("2,sweep_small,static_tiers,", 0) == 0);
  CHECK(table[2].rfind("4,sweep_small,static_tiers,", 0) == 0);
  for (size_t row = 1; row < table.size(); ++row) CHECK(table[row].find(",ok,p00") != std::string::npos);

  const Outcome again = sweep_small(out, "-j 2");
  INFO(again.err);
  CHECK(again.status == 0);
  CHECK(again.err.find("2 already done (skipped), running 0") != std::string::npos);
  CHECK(again.err.find("done (p00") == std::string::npos);
  CHECK(lines(slurp(out / "sweep.csv")) == table);
}

TEST_CASE("sweep.csv is the same with one or two points at once", "[sweep]") {
  REQUIRE(sweep_small(scratch() / "serial", "-j 1").status == 0);
  REQUIRE(sweep_small(scratch() / "parallel", "-j 2").status == 0);
  CHECK(slurp(scratch() / "serial" / "sweep.csv") == slurp(scratch() / "parallel" / "sweep.csv"));
}

TEST_CASE("a failed point is reported, the others run, and the sweep exits 1", "[sweep]") {
  // A file of the user's in the first point's result folder makes its run
  // refuse to replace it; its results, damaged, make the sweep run it again.
  const fs::path out = scratch() / "failing";
  REQUIRE(sweep_small(out).status == 0);
  const fs::path first = out / "points" / "p000_policy.hot_experts=2";
  std::ofstream(first / "keep.txt") << "not a result\n";
  std::ofstream(first / "summary.json") << "garbage";
  const Outcome o = sweep_small(out);
  INFO(o.err);
  CHECK(o.status == 1);
  CHECK(o.err.find("1 already done (skipped), running 1") != std::string::npos);
  CHECK(o.err.find("failed (p000_policy.hot_experts=2)") != std::string::npos);
  CHECK(o.err.find("holds keep.txt, which no cxlvp run wrote there") != std::string::npos);
  CHECK(slurp(first / "keep.txt") == "not a result\n");
  const auto table = lines(slurp(out / "sweep.csv"));
  REQUIRE(table.size() == 3);
  CHECK(table[1] == "2,,,,,,,,,,,,,failed,p000_policy.hot_experts=2");
  CHECK(table[2].find(",ok,p001_policy.hot_experts=4") != std::string::npos);
}

TEST_CASE("a corrupt, partial, foreign or missing point runs again and sweep.csv has no empty row", "[sweep]") {
  const fs::path out = scratch() / "corrupt";
  REQUIRE(sweep_small(out).status == 0);
  const std::string table = slurp(out / "sweep.csv");
  const fs::path first = out / "points" / "p000_policy.hot_experts=2";
  const std::string summary = slurp(first / "summary.json");
  const auto damage = std::vector<std::pair<std::string, std::function<void()>>>{
      {"garbage", [&] { std::ofstream(first / "summary.json") << "garbage"; }},
      {"{}", [&] { std::ofstream(first / "summary.json") << "{}"; }},
      {"[]", [&] { std::ofstream(first / "summary.json") << "[]"; }},
      {"truncated", [&] { std::ofstream(first / "summary.json") << summary.substr(0, summary.size() / 2); }},
      {"a figure that is no number",
       [&] {
         std::string text = summary;
         text.replace(text.find("\"simulated_time_s\": ") + 20, 1, "x");
         std::ofstream(first / "summary.json") << text;
       }},
      {"deeply nested", [&] { std::ofstream(first / "summary.json") << std::string(100000, '['); }},
      {"no summary.json", [&] { fs::remove(first / "summary.json"); }},
      {"no mark", [&] { fs::remove(first / ".cxlvp-result"); }},
      {"results of other inputs",
       [&] {
         std::string mark = slurp(first / ".cxlvp-result");
         mark.replace(mark.find("fnv1a64:") + 8, 4, "0000");
         std::ofstream(first / ".cxlvp-result") << mark;
       }},
      {"no folder", [&] { fs::remove_all(first); }},
  };
  for (const auto& [what, apply] : damage) {
    INFO("point damaged: " << what);
    apply();
    const Outcome o = sweep_small(out);
    INFO(o.err);
    // An unmarked folder is no result folder: the point's run refuses to replace it, the point fails.
    const bool refused = what == "no mark";
    CHECK(o.status == (refused ? 1 : 0));
    CHECK(o.err.find("1 already done (skipped), running 1") != std::string::npos);
    CHECK(o.err.find(refused ? "failed (p000" : "done (p000") != std::string::npos);
    for (const auto& row : lines(slurp(out / "sweep.csv"))) CHECK(row.find(",,,,,,,,,,,,,ok") == std::string::npos);
    if (refused) {
      fs::remove_all(first);
      REQUIRE(sweep_small(out).status == 0);
    }
    CHECK(slurp(out / "sweep.csv") == table);
  }
}

TEST_CASE("a sweep never writes into a folder of the user's", "[sweep]") {
  const fs::path out = scratch() / "mine";
  fs::create_directories(out);
  std::ofstream(out / "sweep.csv") << "my own table\n";
  const Outcome o = sweep_small(out);
  CHECK(o.status == 2);
  CHECK(o.err.find("is not a cxlvp sweep folder") != std::string::npos);
  CHECK(slurp(out / "sweep.csv") == "my own table\n");
  CHECK_FALSE(fs::exists(out / "points"));
}

TEST_CASE("job lists for GNU parallel and Slurm run nothing and then collect", "[sweep]") {
  const fs::path out = scratch() / "listed";
  const fs::path list = scratch() / "jobs.txt", script = scratch() / "jobs.sh";
  REQUIRE(sweep_small(out, "--jobs-file " + list.string()).status == 0);
  REQUIRE(sweep_small(out, "--jobs-file " + script.string() + " --format slurm").status == 0);
  CHECK_FALSE(fs::exists(out / "sweep.csv"));

  const auto commands = lines(slurp(list));
  REQUIRE(commands.size() == 2);
  for (const auto& command : commands) {
    CHECK(command.rfind(std::string(fs::canonical(CXLVP_BINARY)) + " run " + kSmall + " --quiet --out ", 0) == 0);
    CHECK(command.find("--set workload.batches=1 --set policy.hot_experts=") != std::string::npos);
  }
  CHECK(shell("bash -n " + script.string()) == 0);
  CHECK(slurp(script).find("#SBATCH --array=0-1") != std::string::npos);

  // Run the Slurm script's tasks by hand, then collect: both points are found finished.
  for (const char* task : {"0", "1"})
    CHECK(shell("SLURM_ARRAY_TASK_ID=" + std::string(task) + " bash " + script.string() + " 2>/dev/null") == 0);
  const Outcome collect = sweep_small(out);
  INFO(collect.err);
  CHECK(collect.status == 0);
  CHECK(collect.err.find("2 already done (skipped), running 0") != std::string::npos);
  CHECK(lines(slurp(out / "sweep.csv")).size() == 3);
}

TEST_CASE("sweep options are rejected where they do not apply", "[sweep]") {
  CHECK(run_cxlvp("run " + kSmall + " -j 2").status == 2);
  CHECK(run_cxlvp("sweep " + kSmall + " -j 0").status == 2);
  CHECK(run_cxlvp("sweep " + kSmall + " --format slurm").status == 2);
  CHECK(run_cxlvp("sweep " + kSmall + " --jobs-file x --format pbs").status == 2);
  const Outcome none = run_cxlvp(std::string("sweep ") + CXLVP_SOURCE_DIR + "/scenarios/default.yaml");
  CHECK(none.status == 2);
  CHECK(none.err.find("no sweep block") != std::string::npos);
}
