#pragma once
// PcieSwitchConfig: a PCIe switch's settings as a scenario gives them
// (platform.pcie_switch), apart from the model so that the scenario parser
// needs no SystemC model code.
#include "pcie_format.h"

namespace cxlvp {

struct PcieSwitchConfig {
  // Downstream ports. At most 16: every GPU of a list (kMaxGpus) fits below
  // one switch (a 144-lane PCIe 5.0 switch has 8 x16 or 16 x8 downstream ports).
  unsigned ports = 4;
  // Port to port, per crossing: Broadcom quotes 115 ns for the PEX89144 (PCIe
  // 5.0), 105 ns for the PEX88000 (PCIe 4.0) between two x16 ports (docs/topologies.md).
  double port_latency_ns = 115;
  PcieLinkConfig link;  // the upstream link to its root complex port
};

constexpr unsigned kMaxPcieSwitchPorts = 16;

}  // namespace cxlvp
