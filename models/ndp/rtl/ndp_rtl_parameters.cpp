// The RTL engine's Verilog parameters as the build set them (CMake cache
// variables CXLVP_NDP_RTL_*), in a file of its own so that the scenario loader
// can check a scenario against them without the verilated model (the fuzz
// build links the loader alone).
#include "ndp_rtl_host.h"

namespace cxlvp {

NdpRtlParameters ndp_rtl_parameters() {
  return {CXLVP_NDP_RTL_LANES, CXLVP_NDP_RTL_TILE, CXLVP_NDP_RTL_MAX_D_MODEL, CXLVP_NDP_RTL_MAX_D_FF,
          CXLVP_NDP_RTL_QUEUE_DEPTH};
}

}  // namespace cxlvp
