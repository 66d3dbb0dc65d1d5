#pragma once
// Scenario: everything one run needs, as plain runtime structs with defaults.
// The loader (scenario_loader.h) fills it from YAML after validating every key;
// models receive their part by const reference. Units are in the field names
// or comments; 1 GB = 1e9 bytes, 1 GiB = 2^30 bytes.
#include <cstdint>
#include <string>

#include "../models/common/compute_model.h"
#include "../models/cpu/cpu_config.h"
#include "../models/cxl/cxl_expander.h"
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

struct PlatformConfig {
  AddressMapConfig address_map;
  HostConfig host;
  CpuConfig cpu;
  PcieLinkConfig pcie;
  GpuConfig gpu;
  CxlConfig cxl;
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
