#pragma once
// Topology: the device tree a scenario describes (docs/topologies.md),
// resolved into concrete, named instances: the GPUs and where each attaches
// (its own root complex port, or a PCIe switch port), the PCIe switch, the
// CXL expanders and where each attaches (its own host root port, or a CXL
// switch port), the CXL switch, and the interleave sets. The one-of-each keys of a scenario without lists
// are the shorthand for the smallest tree: one GPU named `gpu`, one expander
// named `cxl` on its own root port (names that keep routes such as
// `gpu.dma->cxl.mem`). check_topology() reports every way a tree is invalid,
// against the key to change; resolve_topology() assumes it passed.
#include <string>
#include <vector>

#include "../models/cxl/interleave.h"
#include "config_problem.h"
#include "scenario.h"

namespace cxlvp {

struct TopologyGpu {
  std::string name;
  GpuConfig gpu;
  PcieLinkConfig pcie;
  int switch_port = -1;  // the PCIe switch port it attaches to; -1: its own root complex port
};

struct TopologyPcieSwitch {
  bool present = false;  // a GPU attaches to it
  std::string name;
  PcieSwitchConfig config;
};

struct TopologyExpander {
  std::string name;
  std::string key;    // scenario key of its item ("platform.cxl.expanders.1"), or "platform.cxl"
  CxlConfig cxl;      // ndp.job_log_name set: "ndp" for the shorthand, "<name>.ndp" otherwise
  int switch_port = -1;  // the switch port it attaches to; -1: its own host root port
  int set = -1;          // the interleave set it belongs to, if any
  unsigned position = 0;  // its place in that set
};

struct TopologySwitch {
  bool present = false;
  std::string name;
  CxlSwitchConfig config;
};

struct TopologySet {
  std::string name;
  std::string key;  // "platform.cxl.interleave_sets.<i>"
  Interleave interleave;
  std::vector<unsigned> members;  // expander indexes, in interleave order
  bool behind_switch = false;     // the switch interleaves (else the host bridge)
  uint64_t size_bytes = 0;        // the window: ways x the share of each member
};

struct Topology {
  std::vector<TopologyGpu> gpus;
  TopologyPcieSwitch pcie_switch;
  std::vector<TopologyExpander> expanders;
  TopologySwitch cxl_switch;
  std::vector<TopologySet> sets;
};

// At most this many GPUs, expanders (register BAR slots of 64 KiB in the MMIO window).
constexpr unsigned kMaxGpus = 16;
constexpr unsigned kMaxExpanders = 16;
// Each expander of an interleave set keeps this much of its own memory, at
// its own window, for descriptors and staging (firmware/memory_layout.h).
constexpr uint64_t kPrivateBytes = 1ull << 30;

Topology resolve_topology(const Scenario& s);
std::vector<ConfigProblem> check_topology(const Scenario& s);

}  // namespace cxlvp
