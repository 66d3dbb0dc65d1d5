// Two platforms in one simulation (one process), each built inside a module
// of its own: each reports to its own telemetry (routes, jobs, node names),
// and each moves exactly the transactions and bytes it moves when it runs
// alone, as its golden copy (tests/golden/, a run of its own process) records
// them. Its simulated time may differ a little: where two of a platform's own
// initiators reach a link or memory at the same simulated time, the one the
// kernel runs first is served first, and the kernel's order among processes
// due at the same time (a heap of timed events) changes when another
// platform's processes are in it. Measured: the default scenario beside
// gpu_only ends 0.3 us (0.004 %) earlier than alone; gpu_only is exact.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "platform/json_reader.h"
#include "platform/platform.h"
#include "platform/report.h"
#include "platform/scenario_loader.h"

using namespace cxlvp;

namespace {

// A platform built inside module `name`.
struct PlatformIn : sc_core::sc_module {
  Platform platform;
  PlatformIn(sc_core::sc_module_name name, const Scenario& s) : sc_module(name), platform(s) {}
};

std::string source(const std::string& path) { return std::string(CXLVP_SOURCE_DIR) + "/" + path; }

std::map<std::string, std::string> golden_summary(const std::string& scenario) {
  std::ifstream f(source("tests/golden/" + scenario + "/summary.json"));
  REQUIRE(f);
  std::stringstream text;
  text << f.rdbuf();
  return read_json_scalars(text.str());
}

// `r` against the golden summary of `scenario`: every route's count and
// bytes, and the simulated time within `time_tolerance` (relative).
void check_against_golden(const RunReport& r, const std::string& scenario, double time_tolerance = 1e-9) {
  INFO(scenario);
  const auto golden = golden_summary(scenario);
  size_t golden_routes = 0;
  for (const auto& [key, value] : golden)
    if (key.rfind("routes/", 0) == 0 && key.size() > 6 && key.compare(key.size() - 6, 6, "/count") == 0)
      ++golden_routes;
  CHECK(r.routes.size() == golden_routes);
  for (const RouteSummary& route : r.routes) {
    INFO(route.name);
    REQUIRE(golden.count("routes/" + route.name + "/count"));
    CHECK(std::to_string(route.count) == golden.at("routes/" + route.name + "/count"));
    CHECK(std::to_string(route.bytes) == golden.at("routes/" + route.name + "/bytes"));
  }
  CHECK(r.simulated_s() == Approx(std::stod(golden.at("simulated_time_s"))).epsilon(time_tolerance));
}

}  // namespace

TEST_CASE("two platforms in one simulation report independently, each as when it runs alone", "[platform]") {
  const Scenario a_scenario = load_scenario(source("scenarios/default.yaml"));
  const Scenario b_scenario = load_scenario(source("scenarios/paper/gpu_only.yaml"));
  REQUIRE(a_scenario.simulation.quantum_ns == b_scenario.simulation.quantum_ns);  // the quantum is the kernel's
  PlatformIn a("a", a_scenario), b("b", b_scenario);
  JobTable a_jobs(a.platform.fw, a.platform.telemetry().jobs, false, a.platform.devices());
  JobTable b_jobs(b.platform.fw, b.platform.telemetry().jobs, false, b.platform.devices());
  REQUIRE(run_platforms({&a.platform, &b.platform}));

  const RunReport ra = collect_report(a.platform, a_jobs), rb = collect_report(b.platform, b_jobs);
  check_against_golden(ra, "default", 1e-4);  // tie order, see the top of this file
  check_against_golden(rb, "paper/gpu_only", 1e-4);
  // Node names are relative to the module each platform was built in.
  for (const RunReport* r : {&ra, &rb})
    for (const RouteSummary& route : r->routes) CHECK((route.name.rfind("a.", 0) != 0 && route.name.rfind("b.", 0) != 0));
  // Separate job logs: only the default scenario ran CPU and NDP jobs.
  const auto jobs_on = [](const RunReport& r, const std::string& device) {
    for (const auto& d : r.devices)
      if (d.name == device) return d.jobs;
    return uint64_t(0);
  };
  CHECK(jobs_on(ra, "ndp") > 0);
  CHECK(jobs_on(ra, "cpu") > 0);
  CHECK(jobs_on(rb, "ndp") == 0);
  CHECK(jobs_on(rb, "cpu") == 0);
  CHECK(jobs_on(rb, "gpu") > 0);
  // Nothing went to the telemetry of models built outside a platform.
  CHECK(Telemetry::standalone().transactions.routes().empty());
  CHECK(Telemetry::standalone().jobs.records().empty());
}

TEST_CASE("a platform built inside a module reports as at top level", "[platform]") {
  PlatformIn a("a", load_scenario(source("scenarios/default.yaml")));
  JobTable jobs(a.platform.fw, a.platform.telemetry().jobs, false, a.platform.devices());
  REQUIRE(a.platform.run());
  check_against_golden(collect_report(a.platform, jobs), "default");
}
