#pragma once
// CxlExpander: a CXL.mem Type-3 memory expander with its host root port:
//   host --rp--> link (68/256 B flits) --> ctrl (HDM decoder) --> mem (DRAM)
//                                              \--> ndp (optional NDP engine)
// The platform binds the host interconnect to `rp.host_in` and `rp.host_out`.
#include <memory>
#include <systemc>

#include "../common/compute_model.h"
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
  CxlRootPort rp;
  SerialLink link;
  CxlDeviceController ctrl;
  Dram mem;
  std::unique_ptr<NdpEngineBase> ndp;  // null when ndp.enabled is false

  // `make_ndp`, when given, builds the engine (the verilated engine lives in
  // its own library, cxlvp_ndp_rtl: ndp_rtl_factory()); without it only
  // ndp.impl tlm can be built.
  CxlExpander(sc_core::sc_module_name name, const CxlConfig& config, const CxlHostWindows& windows,
              ComputeMode mode, uint64_t burst_bytes, const NdpFactory& make_ndp = nullptr);
};

}  // namespace cxlvp
