#pragma once
// Scenario: everything one run needs, as plain runtime structs with defaults.
// The loader (scenario_loader.h) fills it from YAML after validating every key;
// models receive their part by const reference. Units are in the field names
// or comments; 1 GB = 1e9 bytes, 1 GiB = 2^30 bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "../models/common/compute_model.h"
#include "../models/cpu/cpu_config.h"
#include "../models/cxl/cxl_expander.h"
#include "../models/cxl/cxl_switch.h"
#include "../models/pcie/pcie_switch_config.h"
#include "../models/gpu/gpu_config.h"
#include "../models/memory/dram.h"
#include "../models/pcie/pcie_format.h"
#include "../firmware/moe_model.h"
#include "../firmware/placement_policy.h"
#include "../firmware/routing_generator.h"

namespace cxlvp {

// simulation.checks: none, or a TLM-2.0 base-protocol checker on every main binding.
enum class ChecksMode { none, protocol };

// simulation.data: timing (bytes are counted, not held) or functional (real
// int8 weights and activations, computed on and checked; docs/functional-mode.md).
enum class DataMode { timing, functional };

struct SimulationConfig {
  uint64_t burst_bytes = 4096;  // bytes per TLM transaction on bulk paths
  double quantum_ns = 1000;     // temporal-decoupling quantum
  ComputeMode compute = ComputeMode::per_token;
  ChecksMode checks = ChecksMode::none;  // protocol: insert ProtocolCheckers (docs/protocol-checking.md)
  DataMode data = DataMode::timing;
};

struct HostConfig {
  double interconnect_latency_ns = 10;
  double root_complex_latency_ns = 50;
  DramConfig ddr{512ull << 30, 8, 307.2, 90, 256};
};

struct AddressMapConfig {
  // 0 = place automatically (DDR at 0, then MMIO, then CXL memory).
  uint64_t ddr_base = 0;
  uint64_t mmio_base = 0;
  uint64_t cxl_base = 0;
};

// platform.gpus: one GPU of a list, each with its own PCIe link to a root
// complex port or to a port of the PCIe switch.
struct GpuInstanceConfig {
  std::string name;             // default gpu<index>
  GpuConfig gpu;                // starts as platform.gpu
  PcieLinkConfig pcie;          // starts as platform.pcie
  std::string attach = "host";  // "host" (its own root complex port) or "<PCIe switch name>.port<k>"
};

// platform.cxl.expanders: one expander of a list.
struct ExpanderInstanceConfig {
  std::string name;             // default cxl<index>
  std::string attach = "host";  // "host" (its own root port) or "<switch name>.port<k>"
  CxlConfig cxl;                // starts as platform.cxl's device keys
};

// platform.cxl.switch: a CXL switch below one host root port.
struct SwitchScenarioConfig {
  std::string name = "cxlsw";
  CxlSwitchConfig config;
};

// platform.pcie_switch: a PCIe switch below one root complex port, GPUs below it.
struct PcieSwitchScenarioConfig {
  std::string name = "pciesw";
  PcieSwitchConfig config;
};

// platform.cxl.interleave_sets: a window striped over expanders (a CXL
// Fixed Memory Window with its host bridge or switch decoders).
struct InterleaveSetConfig {
  std::string name;                    // default set<index>
  unsigned ways = 0;                   // must equal the number of expanders
  uint64_t granularity_bytes = 4096;   // 256 .. 16384, a power of two
  uint64_t size_bytes = 0;             // the window; 0: ways x (smallest member - 1 GiB)
  std::vector<std::string> expanders;  // in interleave order
};

struct PlatformConfig {
  AddressMapConfig address_map;
  HostConfig host;
  CpuConfig cpu;
  PcieLinkConfig pcie;
  GpuConfig gpu;
  CxlConfig cxl;
  // The device tree (docs/topologies.md). Empty lists are the shorthand:
  // one GPU from platform.gpu and platform.pcie, one expander from
  // platform.cxl on its own root port.
  std::vector<GpuInstanceConfig> gpus;
  std::vector<ExpanderInstanceConfig> expanders;
  SwitchScenarioConfig cxl_switch;
  std::vector<InterleaveSetConfig> interleave_sets;
  PcieSwitchScenarioConfig pcie_switch;  // built when a GPU attaches to it
};

struct Scenario {
  std::string file;     // path it was loaded from; empty for load_defaults
  std::string name;
  uint64_t seed = 1;
  SimulationConfig simulation;
  PlatformConfig platform;
  MoeModelConfig model;
  WorkloadConfig workload;
  PolicyConfig policy;
  QuantizationConfig quantization;
};

}  // namespace cxlvp
