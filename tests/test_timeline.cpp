// --timeline: the Chrome/Perfetto trace of a run loads as JSON (checked with
// Python's json module, as a trace viewer would parse it) and has the jobs of
// every device that ran any, and the transfers on both links.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "command_runner.h"

namespace fs = std::filesystem;

namespace {

using cxlvp_test::scratch;  // removed when the test ends
using cxlvp_test::shell;

// Exit status 0 when the trace is valid and covers summary.json's devices.
const char* const kCheck = R"(
import json, sys
trace = json.load(open(sys.argv[1]))
summary = json.load(open(sys.argv[2]))
events = trace["traceEvents"]
assert events, "no events"
assert trace["displayTimeUnit"] == "ns"
tracks = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
jobs = [e for e in events if e["ph"] == "X"]
assert all(e["dur"] >= 0 and (e["pid"], e["tid"]) in tracks for e in jobs)
categories = {e["cat"] for e in jobs}
for device, figures in summary["jobs"].items():
    if figures["count"]:
        assert device in categories, "no events for " + device
        assert sum(e["cat"] == device for e in jobs) == figures["count"], device
for link in ("pcie", "cxl.link"):
    assert link in categories, "no transfers on " + link
assert any(name.startswith("batch ") for name in tracks.values())
)";

}  // namespace

TEST_CASE("the --timeline trace has every device's jobs, the links and the batches", "[timeline]") {
  const fs::path out = scratch() / "run", trace = scratch() / "trace.json", check = scratch() / "check.py";
  REQUIRE(shell(std::string(CXLVP_BINARY) + " run " + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --quiet --out " +
                out.string() + " --timeline " + trace.string()) == 0);
  std::ofstream(check) << kCheck;
  CHECK(shell("python3 " + check.string() + " " + trace.string() + " " + (out / "summary.json").string()) == 0);
  fs::remove_all(scratch());
}

TEST_CASE("no --timeline trace is written when the run does not happen", "[timeline]") {
  const fs::path trace = scratch() / "never.json";
  CHECK(shell(std::string(CXLVP_BINARY) + " run " + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --quiet --out " +
              (scratch() / "never").string() + " --set platform.pcie.lanes=3 --timeline " + trace.string() +
              " 2>/dev/null") == 2);
  CHECK_FALSE(fs::exists(trace));
  CHECK(shell(std::string(CXLVP_BINARY) + " validate " + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --timeline " +
              trace.string() + " 2>/dev/null") == 2);
  fs::remove_all(scratch());
}
