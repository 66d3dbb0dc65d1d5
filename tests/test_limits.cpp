// Numbers that cannot be simulated (docs/testing.md#faults-and-hostile-use):
// values whose simulated time would overflow SystemC's 64-bit picosecond count
// are refused before the run, naming the key to change; the bound they are
// checked against stays above every shipped scenario's real simulated time;
// a scenario file too large to be one is refused before it is parsed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "command_runner.h"
#include "platform/json_reader.h"
#include "platform/scenario_limits.h"
#include "platform/scenario_loader.h"

namespace fs = std::filesystem;
using namespace cxlvp;
using cxlvp_test::check_rejected;
using cxlvp_test::Outcome;
using cxlvp_test::run_cxlvp;
using cxlvp_test::scratch;
using cxlvp_test::slurp;

namespace {

const fs::path kSource = CXLVP_SOURCE_DIR;
const std::string kDefault = (kSource / "scenarios/default.yaml").string();

}  // namespace

TEST_CASE("the simulated-time bound is above every shipped scenario's simulated time", "[limits]") {
  // The golden copies hold each scenario's real simulated time (tests/golden/).
  size_t checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kSource / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const fs::path relative = fs::relative(entry.path(), kSource / "scenarios");
    const fs::path golden = kSource / "tests/golden" / relative.parent_path() / relative.stem() / "summary.json";
    const double simulated = std::stod(read_json_scalars(slurp(golden)).at("simulated_time_s"));
    const double bound = estimate_run(load_scenario(entry.path().string())).simulated_s;
    INFO(relative.string() << ": simulated " << simulated << " s, bound " << bound << " s");
    CHECK(bound >= simulated);
    CHECK(bound <= 1000 * simulated);  // loose, but not so loose that it refuses runs that fit
    ++checked;
  }
  CHECK(checked >= 15);
}

TEST_CASE("a latency, rate or run length that overflows simulated time is refused naming its key", "[limits]") {
  // The cases of issue 15, each of which used to run and report 9223372.04 s.
  for (const char* key : {"platform.pcie.latency_ns=1e16", "platform.cxl.ndp.mac_GMACps=1e-9",
                          "platform.cpu.freq_GHz=1e-320", "workload.batches=4294967295",
                          "platform.cxl.link.bandwidth_GBps=1e-300", "platform.host.ddr.peak_GBps=1e-300"}) {
    const std::string path = std::string(key).substr(0, std::string(key).find('='));
    INFO(key);
    const fs::path out = scratch() / "never";
    const Outcome o = run_cxlvp("run " + kDefault + " --quiet --out " + out.string() + " --set " + key);
    check_rejected(o, "--set: " + path + ": makes the run's simulated time overflow");
    CHECK_FALSE(fs::exists(out));
  }
}

TEST_CASE("the key named is the one written in the file, with its line", "[limits]") {
  const fs::path p = scratch() / "slow.yaml";
  std::string text = slurp(kDefault);
  text.replace(text.find("latency_ns: 100"), 15, "latency_ns: 1e16");
  std::ofstream(p) << text;
  check_rejected(run_cxlvp("validate " + p.string()),
                 p.string() + ":" + std::to_string(cxlvp_test::line_of(p, "latency_ns: 1e16")) +
                     ": platform.pcie.latency_ns: makes the run's simulated time overflow");
}

TEST_CASE("a quantum, an NDP job limit or an HBM slot count out of range is refused", "[limits]") {
  check_rejected(run_cxlvp("validate " + kDefault + " --set simulation.quantum_ns=1e300"),
                 "--set: simulation.quantum_ns: must be at most");
  check_rejected(run_cxlvp("validate " + kDefault + " --set platform.cxl.ndp.job_time_limit_ms=1e300"),
                 "--set: platform.cxl.ndp.job_time_limit_ms: must be at most");
  check_rejected(run_cxlvp("validate " + kDefault +
                           " --set platform.gpu.hbm.capacity_GiB=1048576 --set model.expert_bytes=64"),
                 "platform.gpu.hbm.capacity_GiB: holds more than 4294967295 expert slots");
}

TEST_CASE("a scenario file over 16 MiB is refused before it is parsed", "[limits]") {
  const fs::path big = scratch() / "big.yaml";
  {
    std::ofstream out(big);
    out << slurp(kDefault);
    const std::string comment(1023, '#');
    for (int i = 0; i < 17 * 1024; ++i) out << comment << '\n';
  }
  check_rejected(run_cxlvp("validate " + big.string()), big.string() + ": larger than 16 MiB");
  // A pipe is read up to the limit too, not to its end.
  check_rejected(run_cxlvp("validate <(head -c 20000000 /dev/zero)"), "larger than 16 MiB");
}
