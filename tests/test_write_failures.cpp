// Every write checked (docs/testing.md#faults-and-hostile-use): a full disk
// under any output, or a file size limit under the result folder's files,
// ends the run with exit status 1 and one line naming the file, and leaves no
// result folder, no partial output and no staging folder.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "command_runner.h"

namespace fs = std::filesystem;
using cxlvp_test::entries_starting;
using cxlvp_test::Outcome;
using cxlvp_test::run_cxlvp;
using cxlvp_test::scratch;
using cxlvp_test::shell;
using cxlvp_test::slurp;

namespace {

const std::string kSource = CXLVP_SOURCE_DIR;
const std::string kDefault = kSource + "/scenarios/default.yaml";
// The RTL engine's study, small: --vcd needs the verilated engine.
const std::string kRtl =
    kSource + "/scenarios/studies/ndp_rtl.yaml --set workload.batches=1 --set workload.tokens_per_batch=16";

// /dev/full under a name with the extension an output needs (.csv for a routing trace).
std::string full_disk(const std::string& name) {
  const fs::path link = scratch() / name;
  if (!fs::exists(fs::symlink_status(link))) fs::create_symlink("/dev/full", link);
  return link.string();
}

// stderr without the notes of AddressSanitizer's runtime (build-asan/): an
// exception thrown inside a SystemC thread (the routing trace writer's) makes
// it warn about the coroutine's stack, in three lines of its own.
std::string ours(const std::string& err) {
  std::istringstream in(err);
  std::string kept;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("==", 0) != 0 && line.rfind("False positive error reports may follow", 0) != 0 &&
        line.rfind("For details see https://github.com/google/sanitizers/issues/189", 0) != 0)
      kept += line + '\n';
  return kept;
}

void check_failed_cleanly(const Outcome& o, const std::string& expected, const fs::path& out) {
  const std::string err = ours(o.err);
  INFO(o.err);
  CHECK(o.status == 1);
  CHECK(err.find(expected) != std::string::npos);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  CHECK_FALSE(fs::exists(out));
  CHECK(entries_starting(out.parent_path(), "." + out.filename().string()).empty());
}

}  // namespace

TEST_CASE("a full disk under any output gives exit 1, one line and no result folder", "[writes]") {
  const fs::path out = scratch() / "full";
  const std::string run = "run " + kDefault + " --quiet --out " + out.string();
  check_failed_cleanly(run_cxlvp(run + " --transactions /dev/full"),
                       "--transactions /dev/full: cannot write: No space left on device", out);
  check_failed_cleanly(run_cxlvp(run + " --timeline /dev/full"),
                       "--timeline /dev/full: cannot write: No space left on device", out);
  check_failed_cleanly(run_cxlvp(run + " --timing /dev/full"),
                       "--timing /dev/full: cannot write: No space left on device", out);
  const std::string trace = full_disk("full.csv");
  check_failed_cleanly(run_cxlvp(run + " --save-routing " + trace),
                       trace + ": cannot write routing trace: No space left on device", out);
  check_failed_cleanly(run_cxlvp("run " + kRtl + " --quiet --out " + out.string() + " --vcd /dev/full"),
                       "--vcd: cannot write /dev/full: No space left on device", out);
}

TEST_CASE("a failed output leaves the previous file and result folder as they were", "[writes]") {
  const fs::path out = scratch() / "kept", timeline = scratch() / "timeline.json";
  REQUIRE(run_cxlvp("run " + kDefault + " --quiet --out " + out.string() + " --timeline " + timeline.string())
              .status == 0);
  const std::string summary = slurp(out / "summary.json"), trace = slurp(timeline);
  const Outcome o = run_cxlvp("run " + kDefault + " --quiet --out " + out.string() + " --set seed=2 --timeline " +
                              timeline.string() + " --transactions /dev/full");
  CHECK(o.status == 1);
  CHECK(slurp(out / "summary.json") == summary);
  CHECK(slurp(timeline) == trace);
  CHECK(entries_starting(scratch(), ".").empty());
}

TEST_CASE("a file size limit under regular files gives exit 1 and leaves no partial file", "[writes]") {
  // ulimit -f: a write past 64 KiB fails with EFBIG (SIGXFSZ ignored), as a
  // full disk would fail it; jobs.csv grows past it first. Nothing the run
  // wrote may stay: not the folder, not a truncated routing trace that would
  // pass `cxlvp validate`, not a timeline.
  const fs::path out = scratch() / "limited", trace = scratch() / "routing.csv", timeline = scratch() / "t.json";
  const std::string command = "ulimit -f 64; trap '' XFSZ; exec " + std::string(CXLVP_BINARY) + " run " + kDefault +
                              " --quiet --out " + out.string() + " --set workload.batches=20 --save-routing " +
                              trace.string() + " --timeline " + timeline.string();
  const int status = shell("bash -c \"" + command + "\" 2>" + (scratch() / "err").string());
  const Outcome o{status, "", slurp(scratch() / "err")};
  check_failed_cleanly(o, ": File too large", out);
  CHECK_FALSE(fs::exists(trace));
  CHECK_FALSE(fs::exists(timeline));
  CHECK(entries_starting(scratch(), ".").empty());
}
