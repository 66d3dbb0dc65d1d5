#include "ndp_rtl_parameters.h"

namespace cxlvp {

NdpRtlParameters ndp_rtl_parameters() {
  return {CXLVP_NDP_RTL_LANES, CXLVP_NDP_RTL_TILE, CXLVP_NDP_RTL_MAX_D_MODEL, CXLVP_NDP_RTL_MAX_D_FF,
          CXLVP_NDP_RTL_QUEUE_DEPTH};
}

}  // namespace cxlvp
