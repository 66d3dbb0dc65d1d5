#pragma once
// The RTL NDP engines' Verilog parameters as the build set them (CMake cache
// variables CXLVP_NDP_RTL_*), apart from the adapters, so that the scenario
// loader can check a scenario against them without them (the fuzz build links
// the loader alone).
namespace cxlvp {

struct NdpRtlParameters {
  unsigned lanes, tile, max_d_model, max_d_ff, queue_depth;
  static constexpr unsigned port_bytes = 16;  // memory-port data width (128 bits)
};
NdpRtlParameters ndp_rtl_parameters();

}  // namespace cxlvp
