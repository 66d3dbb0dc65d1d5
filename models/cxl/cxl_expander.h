#pragma once
// CxlExpander: a CXL.mem Type-3 memory expander and the link it hangs off:
//   [rp -->] link (68/256 B flits) --> ctrl (HDM decoders) --> mem (DRAM)
//                                           \--> ndp (optional NDP engine)
// Attached to the host, it has its own root port (`rp`), which the platform
// binds to the host interconnect. Below a switch it has none: the switch port
// binds to `link.down_in` and `link.up_out`. Its HDM decoders start
// uncommitted: boot firmware programs them over register accesses.
#include <memory>
#include <systemc>
#include <vector>

#include "../common/address_range.h"
#include "../common/compute_model.h"
#include "../common/interpose.h"
#include "../common/serial_link.h"
#include "../memory/dram.h"
#include "../ndp/ndp_engine.h"
#include "cxl_device_controller.h"
#include "cxl_flit_format.h"
#include "cxl_root_port.h"

namespace cxlvp {

struct CxlConfig {
  CxlLinkConfig link;
  double root_port_latency_ns = 20;
  double controller_latency_ns = 40;  // request handling in the device controller
  DramConfig dram{256ull << 30, 4, 153.6, 100, 256};  // 4 ch DDR5-4800 behind the controller
  NdpConfig ndp;
};

class CxlExpander : public sc_core::sc_module {
 public:
  std::unique_ptr<CxlRootPort> rp;  // null below a switch
  SerialLink link;
  CxlDeviceController ctrl;
  Dram mem;
  std::unique_ptr<NdpEngineBase> ndp;  // null when ndp.enabled is false

  // `bar`: the device's register BAR. `root_port_claims`: the windows its
  // host root port passes down (its HDM windows and `bar`), or null for an
  // expander below a switch. `make_ndp` builds the engine when given (the
  // RTL engines live in cxlvp_ndp_rtl: ndp_rtl_factory()), else the TLM
  // engine is built. Internal bindings go through `interpose`.
  CxlExpander(sc_core::sc_module_name name, const CxlConfig& config, const AddressRange& bar,
              const std::vector<AddressRange>* root_port_claims, ComputeMode mode, uint64_t burst_bytes,
              const NdpFactory& make_ndp = nullptr, const Interpose& interpose = direct);
};

}  // namespace cxlvp
