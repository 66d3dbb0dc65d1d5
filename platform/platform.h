#pragma once
// Platform: the whole modeled system, elaborated from a Scenario.
//
//   fw (scheduler) --\                       /--> ddr
//   cpu (AMX) -------+--> bus (host router) -+--> rc --> pcie link --> gpu (BAR0, DMA, HBM)
//   rc (upstream) ---+                       +--> cpu work-queue page
//   cxl.rp (upstream)/                       +--> cxl.rp --> cxl.link --> cxl.ctrl --> cxl.mem
//                                            |                                 \--> cxl.ndp
//                                            \--> irq (MSI)
//
// The models are top-level SystemC modules (so routes read "gpu.dma->cxl.mem");
// one Platform per process, because SystemC elaborates once.
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "../firmware/functional_check.h"
#include "../firmware/scheduler.h"
#include "../models/common/protocol_checker.h"
#include "../models/common/serial_link.h"
#include "../models/cpu/cpu_complex.h"
#include "../models/cxl/cxl_expander.h"
#include "../models/gpu/gpu.h"
#include "../models/interconnect/address_router.h"
#include "../models/interconnect/msi_controller.h"
#include "../models/memory/dram.h"
#include "../models/pcie/root_complex.h"
#include "memory_map.h"
#include "scenario.h"

namespace cxlvp {

// How to run a scenario, besides the scenario itself (command-line options).
struct PlatformOptions {
  std::string save_routing;  // when not empty: write the run's routing to this trace file (.csv or .jsonl)
  std::string vcd;           // when not empty: the RTL NDP engine's waveforms go to this VCD file
};

class Platform {
 public:
  // Throws RoutingTraceError when options.save_routing cannot be created.
  explicit Platform(const Scenario& scenario, const PlatformOptions& options = {});

  const Scenario& scenario() const { return scenario_; }
  const MemoryMap& memory_map() const { return map_; }

  // Runs the scenario to completion; false if the simulation stopped before the
  // firmware finished (a device never answered).
  bool run();

  // simulation.checks == protocol: the checkers on the main bindings (else empty),
  // and the violations they counted.
  const std::vector<std::unique_ptr<ProtocolChecker>>& checkers() const { return checkers_; }
  uint64_t protocol_violations() const;

  // simulation.data == functional: the platform's outputs against the reference (else null).
  const FunctionalCheck* functional_check() const { return functional_check_.get(); }

 private:
  using TargetSocket = tlm::tlm_base_target_socket_b<32, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<>>;
  // `target`, or (checks on) a new checker's `in` whose `out` is bound to `target`.
  TargetSocket& checked(const char* name, TargetSocket& target);
  std::vector<std::unique_ptr<ProtocolChecker>> checkers_;
  std::unique_ptr<FunctionalCheck> functional_check_;

  // Declared first: the modules below are constructed from them.
  MemoryMap map_;
  Scenario scenario_;

 public:
  AddressRouter bus;
  Dram ddr;
  RootComplex rc;
  SerialLink pcie;
  Gpu gpu;
  CpuComplex cpu;
  CxlExpander cxl;
  MsiController irq;
  Scheduler fw;
};

}  // namespace cxlvp
