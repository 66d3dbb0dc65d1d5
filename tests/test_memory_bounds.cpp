// Memory bounded by the live state (docs/testing.md#faults-and-hostile-use):
// tables are sized by what a run uses, not by capacities (a tiny expert in a
// large HBM), and a run's peak memory stays flat over ten times the batches
// with every output on. Peak memory is the child process's own, from the
// kernel (wait4's ru_maxrss). Under AddressSanitizer (shadow memory, the
// quarantine of freed blocks) the figures are printed and only gross growth
// fails.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "command_runner.h"

namespace fs = std::filesystem;
using cxlvp_test::MeasuredOutcome;
using cxlvp_test::run_measured;
using cxlvp_test::scratch;

namespace {

const std::string kSource = CXLVP_SOURCE_DIR;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

MeasuredOutcome run(const std::string& args) {
  const MeasuredOutcome o = run_measured(args);
  INFO(o.err);
  REQUIRE(o.status == 0);
  return o;
}

// Peak memory of `args` at `batches` and at ten times as many; returns both (kB).
std::pair<long, long> at_one_and_ten_times(const std::string& args, unsigned batches) {
  const fs::path out = scratch() / "out";
  const long one = run(args + " --quiet --out " + out.string() + " --set workload.batches=" + std::to_string(batches))
                       .peak_rss_kB;
  const long ten =
      run(args + " --quiet --out " + out.string() + " --set workload.batches=" + std::to_string(10 * batches))
          .peak_rss_kB;
  WARN(args << ": peak " << one << " kB at " << batches << " batches, " << ten << " kB at " << 10 * batches);
  return {one, ten};
}

// Flat: at most 10 % or 2 MiB more, whichever is larger (the batch and layer
// records summary.json lists grow by a few bytes per batch). Under
// AddressSanitizer, whose quarantine of freed blocks alone grows to 256 MB
// with the churn of a longer run, only growth past 1 GiB fails.
void check_flat(std::pair<long, long> peaks) {
  const long allowed = kSanitized ? 1024 * 1024 : std::max(2048L, peaks.first / 10);
  CHECK(peaks.second - peaks.first <= allowed);
}

}  // namespace

TEST_CASE("a tiny expert in a large HBM takes little memory", "[memory]") {
  // Hundreds of millions of HBM expert slots; only the used ones take memory.
  const std::string run_default =
      "run " + kSource + "/scenarios/default.yaml --quiet --out " + (scratch() / "r").string();
  const long limit_kB = kSanitized ? 1024 * 1024 : 100 * 1024;
  for (const char* set : {"model.expert_bytes=64", "platform.gpu.hbm.capacity_GiB=1048576"}) {
    const MeasuredOutcome o = run(run_default + " --set " + set);
    WARN(set << ": peak " << o.peak_rss_kB << " kB");
    CHECK(o.peak_rss_kB < limit_kB);
  }
}

TEST_CASE("peak memory stays flat over ten times the batches, with every output on", "[memory]") {
  // Small experts keep the ten-times run short; the transaction log goes to
  // /dev/null (gigabytes otherwise), the other outputs to files.
  const std::string outputs = " --transactions /dev/null --timeline " + (scratch() / "timeline.json").string() +
                              " --save-routing " + (scratch() / "routing.csv").string() + " --timing " +
                              (scratch() / "timing.json").string();
  check_flat(at_one_and_ten_times("run " + kSource + "/scenarios/default.yaml --set model.d_model=256 "
                                  "--set model.d_ff=512 --set workload.tokens_per_batch=64" + outputs,
                                  20));
  // The RTL engine's waveforms (--vcd) and functional mode's data.
  check_flat(at_one_and_ten_times("run " + kSource + "/scenarios/studies/ndp_rtl.yaml "
                                  "--set workload.tokens_per_batch=16 --vcd /dev/null --timeline " +
                                  (scratch() / "rtl.json").string(),
                                  1));
}
