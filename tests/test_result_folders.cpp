// Result folders never eat a user's files (docs/reports.md#where-results-go):
// a run replaces only a folder it marked as its own and that holds nothing
// else, never the current folder or one holding it, whatever the spelling of
// --out; no output may lie inside the folder it replaces or overwrite an
// input; staging folders are unique.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "command_runner.h"

namespace fs = std::filesystem;
using cxlvp_test::check_rejected;
using cxlvp_test::entries_starting;
using cxlvp_test::Outcome;
using cxlvp_test::run_cxlvp;
using cxlvp_test::scratch;
using cxlvp_test::shell;
using cxlvp_test::slurp;

namespace {

const std::string kDefault = std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml";

// A folder of the user's: notes, and a summary.json of their own (what older
// versions took for a result folder).
fs::path user_folder() {
  const fs::path dir = scratch() / "user";
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "notes.txt") << "my notes\n";
  std::ofstream(dir / "summary.json") << "{\"mine\": true}\n";
  return dir;
}

void check_untouched(const fs::path& dir) {
  CHECK(slurp(dir / "notes.txt") == "my notes\n");
  CHECK(slurp(dir / "summary.json") == "{\"mine\": true}\n");
  CHECK(fs::is_directory(dir / "sub"));
  CHECK_FALSE(fs::exists(dir / "jobs.csv"));
}

// `cxlvp ARGS` run from `folder`.
Outcome run_in(const fs::path& folder, const std::string& args) {
  const fs::path out = scratch() / "stdout", err = scratch() / "stderr";
  const int status = shell("cd " + folder.string() + " && " + CXLVP_BINARY + " " + args + " >" + out.string() + " 2>" +
                           err.string());
  return {status, slurp(out), slurp(err)};
}

}  // namespace

TEST_CASE("a folder of the user's survives every spelling of --out", "[folders]") {
  const fs::path user = user_folder();
  fs::create_symlink(user, scratch() / "link");
  for (const std::string& out : {user.string(), user.string() + "/", user.string() + "//", user.string() + "/.",
                                user.string() + "/sub/..", (scratch() / "link").string(),
                                (scratch() / "link/").string()}) {
    INFO("--out " << out);
    const Outcome o = run_cxlvp("run " + kDefault + " --quiet --out " + out);
    check_rejected(o, "is not a cxlvp result folder");
    check_untouched(user);
  }
  CHECK(entries_starting(scratch(), ".user").empty());  // no staging folder left either
}

TEST_CASE("the current folder and the folders holding it are never replaced", "[folders]") {
  const fs::path user = user_folder();
  // Marked as a result folder, so that only the rule about the current folder stops the run.
  REQUIRE(run_cxlvp("run " + kDefault + " --quiet --out " + (scratch() / "marked").string()).status == 0);
  for (const auto& [folder, out] : std::vector<std::pair<fs::path, std::string>>{
           {user, "."}, {user, "./"}, {user / "sub", ".."}, {user, "sub/.."}, {user, "/"},
           {scratch() / "marked", "."}, {scratch() / "marked", "../marked"}}) {
    INFO("in " << folder.string() << ": --out " << out);
    check_rejected(run_in(folder, "run " + kDefault + " --quiet --out " + out), "is the current folder or holds it");
    check_untouched(user);
    CHECK(fs::exists(scratch() / "marked" / "summary.json"));
  }
}

TEST_CASE("a result folder is replaced only while it holds nothing but what a run wrote", "[folders]") {
  const fs::path out = scratch() / "r";
  REQUIRE(run_cxlvp("run " + kDefault + " --quiet --out " + out.string()).status == 0);
  const std::string mark = slurp(out / ".cxlvp-result");
  CHECK(mark.find("file summary.json\n") != std::string::npos);
  CHECK(mark.find("inputs_hash fnv1a64:") != std::string::npos);
  CHECK(run_cxlvp("run " + kDefault + " --quiet --out " + out.string() + " --set seed=2").status == 0);
  CHECK(slurp(out / "summary.json").find("\"seed\": 2") != std::string::npos);

  std::ofstream(out / "notes.txt") << "added by the user\n";
  check_rejected(run_cxlvp("run " + kDefault + " --quiet --out " + out.string()),
                 "holds notes.txt, which no cxlvp run wrote there");
  CHECK(slurp(out / "notes.txt") == "added by the user\n");
  CHECK(slurp(out / "summary.json").find("\"seed\": 2") != std::string::npos);  // the results too

  fs::remove(out / "notes.txt");
  fs::create_directory(out / "plots");
  check_rejected(run_cxlvp("run " + kDefault + " --quiet --out " + out.string()), "holds plots");
}

TEST_CASE("result folders: --out with a trailing slash or .. writes where it says", "[folders]") {
  for (const char* out : {"res/x/", "res/y/../x", "res//x"}) {
    INFO("--out " << out);
    const Outcome o = run_in(scratch(), "run " + kDefault + " --out " + std::string(out));
    INFO(o.err);
    REQUIRE(o.status == 0);
    CHECK(fs::exists(scratch() / "res/x/summary.json"));
    CHECK(o.out.find("results in res") != std::string::npos);
  }
  CHECK(entries_starting(scratch() / "res", ".").empty());
}

TEST_CASE("an output inside the result folder, or onto an input, is refused before the run", "[folders]") {
  const fs::path out = scratch() / "o";
  REQUIRE(run_cxlvp("run " + kDefault + " --quiet --out " + out.string()).status == 0);
  const std::string before = slurp(out / "summary.json");
  check_rejected(run_cxlvp("run " + kDefault + " --quiet --out " + out.string() + " --transactions " +
                           (out / "tx.csv").string()),
                 "--transactions " + (out / "tx.csv").string() + " lies inside the result folder");
  CHECK(slurp(out / "summary.json") == before);

  // The scenario file, through another name too.
  const fs::path scenario = scratch() / "scenario.yaml";
  fs::copy_file(kDefault, scenario);
  fs::create_symlink(scenario, scratch() / "alias.yaml");
  for (const char* option : {"--transactions", "--timeline", "--save-routing", "--timing"}) {
    INFO(option);
    const std::string target = std::string(option) == "--save-routing" ? "alias.csv" : "alias.yaml";
    if (target == "alias.csv" && !fs::exists(scratch() / "alias.csv"))
      fs::create_symlink(scenario, scratch() / "alias.csv");
    check_rejected(run_cxlvp("run " + scenario.string() + " --quiet --out " + (scratch() / "n").string() + " " +
                             option + " " + (scratch() / target).string()),
                   "is also the scenario file; writing it would destroy an input");
    CHECK(slurp(scenario) == slurp(kDefault));
  }
  // A routing trace being replayed.
  const std::string replay = std::string(CXLVP_SOURCE_DIR) + "/tests/data/traces/replay.yaml";
  fs::copy_file(std::string(CXLVP_SOURCE_DIR) + "/tests/data/traces/good.csv", scratch() / "trace.csv");
  check_rejected(run_cxlvp("run " + replay + " --quiet --out " + (scratch() / "n").string() +
                           " --set workload.trace_file=" + (scratch() / "trace.csv").string() + " --save-routing " +
                           (scratch() / "trace.csv").string()),
                 "is also the routing trace");
  // Two outputs into one file; /dev/null takes any number.
  check_rejected(run_cxlvp("run " + kDefault + " --quiet --out " + (scratch() / "n").string() + " --timeline " +
                           (scratch() / "t.json").string() + " --timing " + (scratch() / "t.json").string()),
                 "--timing " + (scratch() / "t.json").string() + " is also --timeline");
  CHECK_FALSE(fs::exists(scratch() / "n"));
  CHECK(run_cxlvp("run " + kDefault + " --quiet --out " + (scratch() / "n").string() +
                  " --timeline /dev/null --timing /dev/null --save-routing " + (scratch() / "r.csv").string())
            .status == 0);
}

TEST_CASE("an output path that cannot be written is refused before the run", "[folders]") {
  const std::string run = "run " + kDefault + " --quiet --out " + (scratch() / "never").string();
  std::ofstream(scratch() / "a_file") << "not a folder\n";  // missing folders are made; one through a file cannot be
  const std::string through_file = (scratch() / "a_file" / "t.json").string();
  check_rejected(run_cxlvp(run + " --timeline " + through_file), "--timeline " + through_file + ": no folder");
  check_rejected(run_cxlvp(run + " --transactions " + scratch().string()), "is a folder");
  check_rejected(run_cxlvp(run + " --save-routing " + (scratch() / "routing.txt").string()),
                 "unsupported file extension '.txt'");
  CHECK_FALSE(fs::exists(scratch() / "never"));
  CHECK(entries_starting(scratch(), ".").empty());
}

TEST_CASE("staging folders are unique: a stale one is neither taken over nor removed", "[folders]") {
  // What an older cxlvp killed with SIGKILL left behind, named by its PID.
  const fs::path stale = scratch() / (".fresh.partial." + std::to_string(::getpid()));
  fs::create_directories(stale);
  std::ofstream(stale / "extra.csv") << "stale\n";
  const fs::path out = scratch() / "fresh";
  REQUIRE(run_cxlvp("run " + kDefault + " --quiet --out " + out.string()).status == 0);
  CHECK_FALSE(fs::exists(out / "extra.csv"));
  CHECK(slurp(stale / "extra.csv") == "stale\n");
  CHECK(entries_starting(scratch(), ".fresh.partial-").empty());
}
