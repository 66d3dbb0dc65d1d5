// Hostile input (docs/testing.md): every input the fuzzers (tests/fuzz/) ever
// crashed or hung on, kept in tests/data/fuzz_regressions/, is now rejected
// cleanly, in process and by the program (exit status 2, one line naming file
// and line); inputs that would never end (devices) are refused; a run that is
// rejected or fails half-way leaves no result folder; and a full run exits
// with no sanitizer or leak report (in the sanitizer build, build-asan/, that
// is the leak check).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "command_runner.h"
#include "firmware/routing_trace.h"
#include "platform/scenario_loader.h"
#include "platform/result_folder.h"
#include "platform/sweep_grid.h"
#include "platform/sweep_table.h"

namespace fs = std::filesystem;
using namespace cxlvp;
using cxlvp_test::Outcome;
using cxlvp_test::scratch;

namespace {

const fs::path kSource = CXLVP_SOURCE_DIR;
const fs::path kRegressions = kSource / "tests/data/fuzz_regressions";

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// A folder holding a copy of tests/data/traces/, as the scenario fuzz target
// has, so a regression input naming good.csv finds it as it did there.
fs::path folder_with_traces() {
  const fs::path dir = scratch() / "inputs";
  fs::create_directories(dir);
  for (const auto& trace : files_in(kSource / "tests/data/traces"))
    fs::copy_file(trace, dir / trace.filename(), fs::copy_options::overwrite_existing);
  return dir;
}

// What the program must print for a rejected input: exactly one line, which
// names the file and line of `e` when it has them.
template <class Error>
void check_one_line_naming(const Outcome& o, const Error& e) {
  cxlvp_test::check_rejected(o, e.file + (e.line > 0 ? ":" + std::to_string(e.line) + ":" : ":"));
}

const RoutingTraceShape kReplayShape{32, 2, 2, 2};  // tests/data/traces/replay.yaml's

// As tests/fuzz/fuzz_scenario.cpp does: lines starting with "#--set " are overrides too.
std::vector<std::string> overrides_in(const fs::path& scenario) {
  const std::string prefix = "#--set ";
  std::vector<std::string> overrides;
  std::ifstream in(scenario);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) overrides.push_back(line.substr(prefix.size()));
  return overrides;
}

// The same overrides as `cxlvp` options, each single-quoted for the shell.
std::string set_options(const std::vector<std::string>& overrides) {
  std::string options;
  for (const auto& assignment : overrides) {
    std::string quoted;
    for (char c : assignment) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    options += " --set '" + quoted + "'";
  }
  return options;
}

}  // namespace

TEST_CASE("every scenario the fuzzer found a problem with is rejected in one line", "[hostile]") {
  const fs::path dir = folder_with_traces();
  const auto inputs = files_in(kRegressions / "scenario");
  REQUIRE_FALSE(inputs.empty());
  for (const auto& input : inputs) {
    const fs::path copy = dir / "scenario.yaml";
    fs::copy_file(input, copy, fs::copy_options::overwrite_existing);
    INFO("input: " << input.filename().string());
    const auto overrides = overrides_in(copy);
    const std::string validate = "validate " + copy.string() + set_options(overrides);
    try {
      load_scenario(copy.string(), overrides);
      load_sweep_grid(copy.string(), overrides);
      CHECK(cxlvp_test::run_cxlvp(validate).status == 0);
    } catch (const ScenarioError& e) {
      check_one_line_naming(cxlvp_test::run_cxlvp(validate), e);
    }
  }
}

TEST_CASE("every routing trace the fuzzer found a problem with is rejected in one line", "[hostile]") {
  const fs::path dir = folder_with_traces();
  const auto inputs = files_in(kRegressions / "routing_trace");
  REQUIRE_FALSE(inputs.empty());
  for (const auto& input : inputs)
    for (const char* extension : {".csv", ".jsonl"}) {
      const fs::path copy = dir / (std::string("trace") + extension);
      fs::copy_file(input, copy, fs::copy_options::overwrite_existing);
      INFO("input: " << input.filename().string() << " as " << extension);
      const std::string validate =
          "validate " + (dir / "replay.yaml").string() + " --set workload.trace_file=" + copy.string();
      try {
        validate_routing_trace(copy.string(), kReplayShape, 2);
        CHECK(cxlvp_test::run_cxlvp(validate).status == 0);
      } catch (const RoutingTraceError& e) {
        check_one_line_naming(cxlvp_test::run_cxlvp(validate), e);
      }
    }
}

TEST_CASE("every --set line the fuzzer found a problem with is rejected in one line", "[hostile]") {
  // As tests/fuzz/fuzz_overrides.cpp does: each line an override of the default scenario.
  const std::string scenario = (kSource / "scenarios/default.yaml").string();
  const auto inputs = files_in(kRegressions / "overrides");
  REQUIRE_FALSE(inputs.empty());
  for (const auto& input : inputs) {
    INFO("input: " << input.filename().string());
    std::vector<std::string> overrides;
    std::ifstream in(input);
    for (std::string line; std::getline(in, line);) overrides.push_back(line);
    const std::string validate = "validate " + scenario + set_options(overrides);
    try {
      load_scenario(scenario, overrides);
      CHECK(cxlvp_test::run_cxlvp(validate).status == 0);
    } catch (const ScenarioError& e) {
      check_one_line_naming(cxlvp_test::run_cxlvp(validate), e);
    }
  }
}

TEST_CASE("every damaged sweep point the fuzzer found is not trusted, and runs again", "[hostile]") {
  // As tests/fuzz/fuzz_sweep_point.cpp does: the file is the point's
  // summary.json, and after a line "--- mark ---" its result folder's mark.
  const std::string hash = "fnv1a64:0123456789abcdef", separator = "\n--- mark ---\n";
  const auto inputs = files_in(kRegressions / "sweep_point");
  REQUIRE_FALSE(inputs.empty());
  for (const auto& input : inputs) {
    INFO("input: " << input.filename().string());
    const std::string text = cxlvp_test::slurp(input);
    const auto split = text.find(separator);
    const fs::path folder = scratch() / "point";
    fs::create_directories(folder);
    std::ofstream(folder / "summary.json") << text.substr(0, split);
    std::ofstream(folder / kResultMark) << (split == std::string::npos
                                                ? "inputs_hash " + hash + "\nfile summary.json\n"
                                                : text.substr(split + separator.size()));
    PointResults r;
    CHECK_NOTHROW(r = read_point_results(folder.string(), hash));
    CHECK_FALSE(r.ok);  // every one of them is damaged
    CHECK_FALSE(r.why.empty());
    CHECK(r.figures.empty());
  }
}

TEST_CASE("a device that never ends is refused as a scenario and as a trace", "[hostile]") {
  // /dev/zero would be read forever; the check is on the kind of file, so it is immediate.
  const Outcome scenario = cxlvp_test::run_cxlvp("validate /dev/zero");
  INFO(scenario.err);
  CHECK(scenario.status == 2);
  CHECK(scenario.err == "cxlvp: error: /dev/zero: cannot open scenario: not a regular file\n");

  const fs::path replay = folder_with_traces() / "replay.yaml";
  const fs::path zero = scratch() / "zero.csv";  // a trace is named by its extension
  fs::create_symlink("/dev/zero", zero);
  const Outcome trace = cxlvp_test::run_cxlvp("validate " + replay.string() + " --set workload.trace_file=" + zero.string());
  INFO(trace.err);
  CHECK(trace.status == 2);
  CHECK(trace.err == "cxlvp: error: --set: workload.trace_file: " + zero.string() +
                         ": cannot open routing trace: not a regular file\n");
}

TEST_CASE("/dev/null is refused like any device, as a scenario and as a trace", "[hostile]") {
  // It would end at once, but a scenario or trace is a file; a scenario of
  // defaults plus overrides has its own entry point (load_defaults).
  const Outcome scenario = cxlvp_test::run_cxlvp("run /dev/null --out " + (scratch() / "r").string());
  INFO(scenario.err);
  CHECK(scenario.status == 2);
  CHECK(scenario.err == "cxlvp: error: /dev/null: cannot open scenario: not a regular file\n");
  CHECK_FALSE(fs::exists(scratch() / "r"));
  CHECK_THROWS_AS(load_scenario("/dev/null"), ScenarioError);

  const fs::path replay = folder_with_traces() / "replay.yaml";
  const fs::path null = scratch() / "null.csv";
  fs::create_symlink("/dev/null", null);
  const Outcome trace = cxlvp_test::run_cxlvp("validate " + replay.string() + " --set workload.trace_file=" + null.string());
  INFO(trace.err);
  CHECK(trace.status == 2);
  CHECK(trace.err == "cxlvp: error: --set: workload.trace_file: " + null.string() +
                         ": cannot open routing trace: not a regular file\n");
}

TEST_CASE("a run that fails half-way leaves no result folder behind", "[hostile]") {
  // The routing is saved layer by layer while the simulation runs; on a full
  // disk (/dev/full) the first layer's write fails, after the run has started.
  const fs::path full = scratch() / "full.csv";
  fs::create_symlink("/dev/full", full);
  const fs::path out = scratch() / "halfway";
  const Outcome o = cxlvp_test::run_cxlvp("run " + (kSource / "scenarios/default.yaml").string() + " --quiet --out " +
                                          out.string() + " --save-routing " + full.string());
  INFO(o.err);
  CHECK(o.status == 1);
  CHECK(o.err.find("cannot write routing trace") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  for (const auto& entry : fs::directory_iterator(scratch()))  // nor the hidden folder it was written to
    CHECK(entry.path().filename().string().find(".halfway.partial") == std::string::npos);
}

TEST_CASE("a full run of the default scenario ends with no sanitizer or leak report", "[hostile][sanitizer]") {
  // In the sanitizer build (build-asan/) this is the leak check: LeakSanitizer
  // runs at exit and a leak fails the run (exit status 23) with a report on stderr.
  const fs::path out = scratch() / "default";
  const Outcome o = cxlvp_test::run_cxlvp("run " + (kSource / "scenarios/default.yaml").string() + " --quiet --out " +
                                          out.string());
  INFO(o.err);
  CHECK(o.status == 0);
  CHECK(o.err.find("Sanitizer") == std::string::npos);
  CHECK(o.err.find("runtime error") == std::string::npos);
  CHECK(fs::exists(out / "summary.json"));
}
