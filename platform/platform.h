#pragma once
// Platform: the whole modeled system, elaborated from a Scenario: the device
// tree's models (Hardware, hardware.h) and the scheduler firmware on the host
// bus. Its models are SystemC modules at the level the Platform is built at:
// top level in `cxlvp run`, or inside a module to build two platforms in one
// simulation (SystemC elaborates once per process). Each platform reports to
// its own Telemetry, with its node names relative to where it was built, so
// routes read "gpu.dma->cxl.mem" either way.
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <vector>

#include "../firmware/functional_check.h"
#include "../firmware/scheduler.h"
#include "../models/common/protocol_checker.h"
#include "../models/common/telemetry.h"
#include "hardware.h"
#include "kv_cache.h"
#include "memory_map.h"
#include "scenario.h"
#include "topology.h"
#include "weight_plan.h"

namespace cxlvp {

// How to run a scenario, besides the scenario itself (command-line options).
struct PlatformOptions {
  std::string save_routing;  // when not empty: write the run's routing to this trace file (.csv or .jsonl)
  std::string vcd;           // when not empty: the RTL NDP engine's waveforms go to this VCD file
};

// The datasheet view of the platform the firmware's cost model works from:
// peak rates of each lane's engine and of the links its data crosses.
LaneRates lane_rates(const Scenario& s, const Topology& t, const WeightPlan& weights);
// What the platform tells its firmware (platform_table.h): the MMIO slots,
// the CXL windows with their members, where the weights are.
PlatformTable platform_table(const Topology& t, const MemoryMap& m, const WeightPlan& weights);

class Platform {
 public:
  // Throws RoutingTraceError when options.save_routing cannot be created.
  explicit Platform(const Scenario& scenario, const PlatformOptions& options = {});

  const Scenario& scenario() const { return scenario_; }
  const Topology& topology() const { return topology_; }
  const MemoryMap& memory_map() const { return map_; }
  const WeightPlan& weights() const { return weights_; }
  const GpuStateLayout& gpu_state() const { return gpu_state_; }
  // What its models report: routes (and the transaction log), jobs, node names.
  Telemetry& telemetry() { return telemetry_; }
  const Telemetry& telemetry() const { return telemetry_; }
  // Every device that logs jobs, as its records name it: each GPU (and its
  // .fetch and .copy engines), the CPU, each NDP engine.
  std::vector<std::string> devices() const;

  // Runs the scenario to completion; false if the simulation stopped before the
  // firmware finished (a device never answered).
  bool run();

  // simulation.checks == protocol: the checkers on every binding (else empty),
  // and the violations they counted.
  const std::vector<std::unique_ptr<ProtocolChecker>>& checkers() const { return checkers_; }
  uint64_t protocol_violations() const;

  // simulation.data == functional: the platform's outputs against the reference (else null).
  const FunctionalCheck* functional_check() const { return functional_check_.get(); }

 private:
  // `target`, or (checks on) a new checker's `in` whose `out` is bound to `target`.
  TargetSocketBase& checked(const std::string& binding, TargetSocketBase& target);
  std::vector<std::unique_ptr<ProtocolChecker>> checkers_;
  std::unique_ptr<FunctionalCheck> functional_check_;

  // Declared first: the modules below report to it, and are built while
  // `building_` makes it current (emptied when the constructor is done).
  Telemetry telemetry_;
  std::optional<Telemetry::Building> building_;

  // The modules below are built from these.
  Scenario scenario_;
  Topology topology_;
  MemoryMap map_;
  WeightPlan weights_;
  GpuStateLayout gpu_state_;

 public:
  Hardware hw;
  Scheduler fw;
};

// Runs platforms built in one simulation (each inside a module of its own) to
// completion; false if any firmware did not finish (a device never answered).
bool run_platforms(const std::vector<Platform*>& platforms);

}  // namespace cxlvp
