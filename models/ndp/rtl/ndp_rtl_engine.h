#pragma once
// NdpRtlEngine: the verilated Verilog NDP engine (ndp_engine.v) behind the
// same sockets as the TLM NdpEngine, with a TLM-to-pin adapter around it:
//   - `mmio` accesses become cycles on the engine's 32-bit register bus (a
//     64-bit register is two accesses, low half first); offsets and widths
//     follow the RegisterBank rules, so a wrong one is an address error;
//   - requests on the engine's memory port become TLM transactions into
//     device DRAM through `mem`, and read data is handed back in 16-byte beats
//     no earlier than the transactions' annotated completion, on clock edges;
//   - the completion interrupt becomes an MSI write through `msi`.
// Timing therefore comes from the RTL's cycles plus the modeled memory path.
// The clock (rtl_clock_MHz) runs only while the engine reports `active` or a
// register access is in progress, so an idle engine lets the simulation end.
// Contract and pin protocol: docs/ndp-plugin.md.
#include <cstdint>
#include <memory>
#include <string>

#include "../../common/compute_model.h"
#include "../ndp_engine.h"

namespace cxlvp {

// The Verilog parameters the library was built with (CMake: CXLVP_NDP_RTL_*).
struct NdpRtlParameters {
  unsigned lanes, tile, max_d_model, max_d_ff, queue_depth;
  static constexpr unsigned port_bytes = 16;  // memory-port data width (128 bits)
};
NdpRtlParameters ndp_rtl_parameters();

class NdpRtlEngine : public NdpEngineBase {
 public:
  // `vcd_file` not empty: write the engine's waveforms there (VCD, GTKWave).
  NdpRtlEngine(sc_core::sc_module_name name, const NdpConfig& config, uint64_t burst_bytes, uint64_t dram_bytes,
               const std::string& vcd_file = "");
  ~NdpRtlEngine() override;

  uint64_t cycles() const;  // rising clock edges so far

 private:
  struct Impl;
  void register_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override;
  // The registers live in the RTL and can only be read by running clock
  // cycles, which a debug access may not do: debug accesses are refused (0).
  unsigned register_debug(tlm::tlm_generic_payload&) override { return 0; }
  void start_of_simulation() override;
  void end_of_simulation() override;
  void clock();
  void on_edge();
  void serve_memory_port(uint64_t now);

  std::unique_ptr<Impl> impl_;
};

// An NdpFactory (ndp_engine_base.h) for CxlExpander that builds NdpRtlEngines.
NdpFactory ndp_rtl_factory(const std::string& vcd_file = "");

}  // namespace cxlvp
