#pragma once
// NdpRtlAxiEngine: the verilated NDP engine with the AXI4 pin contract
// (ndp_engine_axi.v, docs/ndp-plugin.md "AXI4 flavor") behind the same
// sockets as the TLM NdpEngine: `mmio` accesses become AXI4-Lite transactions
// on the engine's register slave (AxiLiteBridge), the engine's AXI4 master
// reaches device DRAM through `mem` (AxiMemoryBridge), and the level
// interrupt becomes an MSI write through `msi`. Same register map, job
// semantics and timing conventions as the valid/ready flavor (NdpRtlEngine);
// the rest is NdpRtlHost's.
#include <memory>

#include "axi_lite_bridge.h"
#include "axi_memory_bridge.h"
#include "ndp_rtl_host.h"

namespace cxlvp {

class NdpRtlAxiEngine : public NdpRtlHost {
 public:
  NdpRtlAxiEngine(sc_core::sc_module_name name, const NdpConfig& config, uint64_t burst_bytes, uint64_t dram_bytes,
                  const NdpRtlOptions& options = {});
  ~NdpRtlAxiEngine() override;

 private:
  struct Model;  // the verilated engine and its waveform file
  void start_of_simulation() override;
  void end_of_simulation() override;

  AxiLiteBridge axi_lite_;
  AxiMemoryBridge axi_memory_;
  std::unique_ptr<Model> model_;
};

}  // namespace cxlvp
