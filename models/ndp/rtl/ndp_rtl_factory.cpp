// The NdpFactory that builds whichever engine a CxlExpander's NdpConfig names:
// the TLM model, or the verilated engine in its pin flavor.
#include "ndp_rtl_axi_engine.h"
#include "ndp_rtl_engine.h"

namespace cxlvp {

NdpFactory ndp_rtl_factory(const NdpRtlOptions& options) {
  return [options](const char* name, const NdpConfig& config, ComputeMode mode, uint64_t burst_bytes,
                   uint64_t dram_bytes) -> std::unique_ptr<NdpEngineBase> {
    if (config.impl == NdpImpl::tlm) return std::make_unique<NdpEngine>(name, config, mode, burst_bytes, dram_bytes);
    if (config.rtl_interface == NdpRtlInterface::axi4)
      return std::make_unique<NdpRtlAxiEngine>(name, config, burst_bytes, dram_bytes, options);
    return std::make_unique<NdpRtlEngine>(name, config, burst_bytes, dram_bytes, options);
  };
}

}  // namespace cxlvp
