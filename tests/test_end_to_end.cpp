// End-to-end: the default scenario through the whole platform, and the
// summary it writes. One elaboration per test case (one process each).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/report.h"
#include "platform/scenario_loader.h"

using namespace cxlvp;
namespace fs = std::filesystem;

namespace {

Scenario default_scenario(const std::vector<std::string>& overrides = {}) {
  return load_scenario(std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml", overrides);
}

const RouteSummary* route(const RunReport& r, const std::string& name) {
  for (const auto& x : r.routes)
    if (x.name == name) return &x;
  return nullptr;
}

const DeviceReport& device(const RunReport& r, const std::string& name) {
  for (const auto& d : r.devices)
    if (d.name == name) return d;
  FAIL("no device " << name);
  throw;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("default scenario runs every device and reports consistent times", "[e2e]") {
  const Scenario s = default_scenario();
  Platform p(s);
  JobTable jobs(p.fw, p.telemetry().jobs, true);
  REQUIRE(p.run());
  const RunReport r = collect_report(p, jobs);

  REQUIRE(r.failed_jobs() == 0);
  CHECK(r.tokens == uint64_t(s.workload.tokens_per_batch) * s.workload.batches);
  CHECK(r.assignments == r.tokens * s.workload.top_k * s.model.layers);
  REQUIRE(r.simulated_ps > 0);
  CHECK(r.throughput_tokens_per_s() == Approx(r.tokens / r.simulated_s()));

  // GPU, CPU and NDP all ran expert jobs, and together they saw every assignment.
  uint64_t tokens = 0;
  for (const char* d : {"gpu", "cpu", "ndp"}) {
    CHECK(device(r, d).jobs > 0);
    CHECK(device(r, d).tokens > 0);
    tokens += device(r, d).tokens;
  }
  CHECK(tokens == r.assignments);

  // The makespan bounds every serial engine's busy time.
  for (const auto& d : r.devices) {
    CHECK(d.busy_ps <= r.simulated_ps);
    CHECK(d.busy_ps > 0);
  }
  uint64_t batch_sum = 0;
  for (const auto& b : r.batches) {
    CHECK(b.end_ps > b.start_ps);
    batch_sum += b.end_ps - b.start_ps;
  }
  CHECK(batch_sum <= r.simulated_ps);

  // The three routes the platform exists to measure, with ordered percentiles.
  for (const char* name : {"gpu.dma->cxl.mem", "cpu->cxl.mem", "cxl.ndp->cxl.mem"}) {
    INFO(name);
    const RouteSummary* x = route(r, name);
    REQUIRE(x != nullptr);
    CHECK(x->count > 0);
    CHECK(x->bytes > 0);
    CHECK(x->min_ns > 0);
    CHECK(x->min_ns <= x->p50_ns);
    CHECK(x->p50_ns <= x->p95_ns);
    CHECK(x->p95_ns <= x->p99_ns);
    CHECK(x->p99_ns <= x->max_ns);
    CHECK(x->mean_ns >= x->min_ns);
    CHECK(x->mean_ns <= x->max_ns);
  }
  // CXL memory is further away than the NDP engine sitting next to it.
  CHECK(route(r, "cpu->cxl.mem")->min_ns > route(r, "cxl.ndp->cxl.mem")->min_ns);
}

TEST_CASE("summary.json holds the documented fields", "[e2e]") {
  const Scenario s = default_scenario();
  Platform p(s);
  JobTable jobs(p.fw, p.telemetry().jobs, true);
  REQUIRE(p.run());
  const fs::path dir = fs::temp_directory_path() / ("cxlvp_e2e_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write_report_files(collect_report(p, jobs), dir.string());
  const std::string json = slurp(dir / "summary.json");
  for (const char* key : {"\"scenario\": \"default\"", "\"seed\": 1", "\"policy\": \"static_tiers\"", "\"tokens\":",
                          "\"simulated_time_s\":", "\"throughput_tokens_per_s\":", "\"routes\":", "\"latency_ns\":",
                          "\"p50\":", "\"p95\":", "\"p99\":", "\"jobs\":", "\"busy_s\":", "\"links\":",
                          "\"achieved_GBps\":", "\"gpu.dma->cxl.mem\":"})
    CHECK(json.find(key) != std::string::npos);
  for (const char* csv : {"routes.csv", "jobs.csv", "devices.csv", "links.csv", "batches.csv"})
    CHECK(fs::file_size(dir / csv) > 0);
  fs::remove_all(dir);
}

TEST_CASE("gpu_only places every expert on the GPU and moves its weights over PCIe", "[e2e]") {
  const Scenario s = default_scenario({"policy.name=gpu_only"});
  Platform p(s);
  JobTable jobs(p.fw, p.telemetry().jobs, true);
  REQUIRE(p.run());
  const RunReport r = collect_report(p, jobs);
  REQUIRE(r.failed_jobs() == 0);
  CHECK(device(r, "cpu").jobs == 0);
  CHECK(device(r, "ndp").jobs == 0);
  CHECK(device(r, "gpu").tokens == r.assignments);
  // Every fetch is a whole expert, read from CXL memory through the GPU's DMA engine.
  const uint64_t fetched = device(r, "gpu.fetch").jobs * s.model.bytes_per_expert();
  CHECK(fetched > 0);
  CHECK(route(r, "gpu.dma->cxl.mem")->bytes == fetched);
}

// Long runs: the firmware's tag map (planned()) keeps the jobs not yet logged,
// not every job so far. Had it kept them all, after the second batch it would
// hold more entries than a batch has jobs.
TEST_CASE("the firmware's tag map does not grow with the number of jobs", "[e2e]") {
  const unsigned batches = 8;
  Platform p(default_scenario({"workload.batches=" + std::to_string(batches)}));
  JobTable jobs(p.fw, p.telemetry().jobs, false);
  std::vector<size_t> held;  // planned().size() after each batch
  p.fw.on_batch_done([&](const BatchRecord&) { held.push_back(p.fw.planned().size()); });
  REQUIRE(p.run());
  uint64_t tags = 0;  // each job logs one record that is not a weight fetch
  for (const auto& d : jobs.devices())
    if (d.name != "gpu.fetch") tags += d.jobs;
  REQUIRE(held.size() == batches);
  for (size_t b = 0; b < batches; ++b) {
    INFO("after batch " << b + 1 << " of " << batches << ", " << tags << " jobs in all");
    CHECK(held[b] < tags / batches);
  }
}

TEST_CASE("the same scenario and seed give identical result files", "[e2e]") {
  // Runs the binary twice: two elaborations need two processes.
  const fs::path base = fs::temp_directory_path() / ("cxlvp_det_" + std::to_string(::getpid()));
  const std::string cmd = std::string(CXLVP_BINARY) + " run " + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --quiet --out ";
  REQUIRE(std::system((cmd + (base / "a").string()).c_str()) == 0);
  REQUIRE(std::system((cmd + (base / "b").string()).c_str()) == 0);
  for (const char* f : {"summary.json", "routes.csv", "jobs.csv", "devices.csv", "links.csv", "batches.csv"}) {
    INFO(f);
    CHECK(slurp(base / "a" / f) == slurp(base / "b" / f));
  }
  fs::remove_all(base);
}

TEST_CASE("a different seed gives a different routing", "[e2e]") {
  const fs::path base = fs::temp_directory_path() / ("cxlvp_seed_" + std::to_string(::getpid()));
  fs::create_directories(base);
  const std::string cmd = std::string(CXLVP_BINARY) + " run " + CXLVP_SOURCE_DIR +
                          "/scenarios/default.yaml --quiet --save-routing ";
  REQUIRE(std::system((cmd + (base / "1.csv").string() + " --out " + (base / "a").string()).c_str()) == 0);
  REQUIRE(std::system((cmd + (base / "2.csv").string() + " --set seed=2 --out " + (base / "b").string()).c_str()) == 0);
  CHECK(slurp(base / "1.csv") != slurp(base / "2.csv"));
  CHECK(slurp(base / "a" / "jobs.csv") != slurp(base / "b" / "jobs.csv"));
  fs::remove_all(base);
}
