#pragma once
// NdpRtlEngine: the verilated Verilog NDP engine with the valid/ready pin
// contract (ndp_engine.v, docs/ndp-plugin.md "Pin interface") behind the same
// sockets as the TLM NdpEngine:
//   - `mmio` accesses become cycles on the engine's 32-bit register bus
//     (RegisterBusBridge; a 64-bit register is two accesses, low half first);
//     offsets and widths follow the RegisterBank rules, so a wrong one is an
//     address error;
//   - requests on the engine's memory port become TLM transactions into
//     device DRAM through `mem` (MemoryPortBridge), and read data is handed
//     back in 16-byte beats no earlier than the transactions' annotated
//     completion, on clock edges;
//   - the completion interrupt becomes an MSI write through `msi`.
// Timing therefore comes from the RTL's cycles plus the modeled memory path.
// The rest (clock, job log, checks, watchdog) is NdpRtlHost's.
#include <memory>

#include "memory_port_bridge.h"
#include "ndp_rtl_host.h"
#include "register_bus_bridge.h"

namespace cxlvp {

class NdpRtlEngine : public NdpRtlHost {
 public:
  NdpRtlEngine(sc_core::sc_module_name name, const NdpConfig& config, uint64_t burst_bytes, uint64_t dram_bytes,
               const NdpRtlOptions& options = {});
  ~NdpRtlEngine() override;

 private:
  struct Model;  // the verilated engine and its waveform file
  void start_of_simulation() override;
  void end_of_simulation() override;

  RegisterBusBridge register_bus_;
  MemoryPortBridge memory_port_;
  std::unique_ptr<Model> model_;
};

}  // namespace cxlvp
