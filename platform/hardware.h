#pragma once
// Hardware: every model of the platform, instantiated from the scenario's
// device tree (topology.h) and wired (docs/architecture.md#the-modeled-system):
//
//   initiators --> bus (host router) --+--> ddr
//                                      +--> rc --> pcie / <gpu>.link --> gpu ...
//                                      |      +--> <pcie switch>.link --> <pcie switch> --> port k --> <gpu>.link --> gpu
//                                      +--> cpu work-queue page
//                                      +--> <expander>.rp --> <expander>.link --> ctrl --> mem (, ndp)
//                                      +--> <switch>.rp --> <switch>.link --> <switch> --> port k --> ...
//                                      +--> irq (MSI)
//
// Platform adds the scheduler firmware on the bus; the calibration rig adds
// its probe instead. Every binding goes through `interpose` (a protocol
// checker, with simulation.checks: protocol). Nothing here configures what
// firmware configures: HDM decoders start uncommitted, MSI addresses unset.
#include <memory>
#include <string>
#include <vector>

#include "../models/common/interpose.h"
#include "../models/common/serial_link.h"
#include "../models/cpu/cpu_complex.h"
#include "../models/cxl/cxl_expander.h"
#include "../models/cxl/cxl_switch.h"
#include "../models/gpu/gpu.h"
#include "../models/interconnect/address_router.h"
#include "../models/interconnect/msi_controller.h"
#include "../models/memory/dram.h"
#include "../models/pcie/pcie_switch.h"
#include "../models/pcie/root_complex.h"
#include "memory_map.h"
#include "topology.h"

namespace cxlvp {

class Hardware {
 public:
  // `make_ndp`: builds NDP engines (the RTL ones: ndp_rtl_factory()); null: the TLM engine.
  // `hbm_slots_base`: where the GPUs' expert slots start in HBM (kv_cache.h:
  // after the workspace, and a whole-layer model's resident weights and KV cache); 0: after the workspace.
  Hardware(const Scenario& s, const Topology& t, const MemoryMap& m, const NdpFactory& make_ndp,
           const Interpose& interpose, uint64_t hbm_slots_base = 0);

  AddressRouter bus;
  Dram ddr;
  RootComplex rc;
  std::unique_ptr<SerialLink> pcie;  // the one-GPU shorthand's link, named `pcie`; listed GPUs own theirs
  std::vector<std::unique_ptr<Gpu>> gpus;
  std::unique_ptr<PcieSwitch> pcie_switch;  // when a GPU attaches to it
  CpuComplex cpu;
  std::unique_ptr<CxlSwitch> cxl_switch;  // when an expander attaches to it
  std::vector<std::unique_ptr<CxlExpander>> expanders;
  MsiController irq;

  // Every link and memory with its report name, in a fixed order: PCIe links
  // (the PCIe switch's upstream link first), CXL links (the CXL switch's
  // upstream link first), then DDR, HBMs, device DRAMs.
  struct NamedLink {
    std::string name;
    const SerialLink* link;
  };
  struct NamedMemory {
    std::string name;
    const Dram* dram;
  };
  std::vector<NamedLink> links() const;
  std::vector<NamedMemory> memories() const;

 private:
  void wire_host(const MemoryMap& m, const Interpose& interpose);
  void wire_gpus(const Topology& t, const MemoryMap& m, const Interpose& interpose);
  void wire_cxl(const Topology& t, const MemoryMap& m, const Interpose& interpose);
};

}  // namespace cxlvp
