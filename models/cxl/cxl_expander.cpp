#include "cxl_expander.h"

#include <stdexcept>

namespace cxlvp {

using sc_core::SC_NS;
using sc_core::sc_time;

CxlExpander::CxlExpander(sc_core::sc_module_name name, const CxlConfig& config, const AddressRange& bar,
                         const std::vector<AddressRange>* root_port_claims, ComputeMode mode, uint64_t burst_bytes,
                         const NdpFactory& make_ndp, const Interpose& interpose)
    : sc_module(name),
      link("link", std::make_unique<CxlFlitFormat>(config.link), sc_time(config.link.latency_ns, SC_NS)),
      ctrl("ctrl", bar, config.dram.capacity_bytes, sc_time(config.controller_latency_ns, SC_NS), config.ndp.enabled),
      mem("mem", config.dram) {
  const std::string me = this->name();
  if (root_port_claims) {
    rp = std::make_unique<CxlRootPort>("rp", *root_port_claims, sc_time(config.root_port_latency_ns, SC_NS));
    rp->link_out.bind(interpose(me + ".rp->" + me + ".link", link.down_in));
    link.up_out.bind(interpose(me + ".link->" + me + ".rp", rp->link_in));
  }
  link.down_out.bind(interpose(me + ".link->" + me + ".ctrl", ctrl.link_in));
  ctrl.link_out.bind(interpose(me + ".ctrl->" + me + ".link", link.up_in));
  ctrl.mem_out.bind(interpose(me + ".ctrl->" + me + ".mem", mem.in));
  if (config.ndp.enabled) {
    if (make_ndp)
      ndp = make_ndp("ndp", config.ndp, mode, burst_bytes, config.dram.capacity_bytes);
    else if (config.ndp.impl == NdpImpl::tlm)
      ndp = std::make_unique<NdpEngine>("ndp", config.ndp, mode, burst_bytes, config.dram.capacity_bytes);
    else
      throw std::invalid_argument(me + ": ndp.impl rtl needs the RTL engine (link cxlvp_ndp_rtl, pass ndp_rtl_factory())");
    ctrl.ndp_regs_out.bind(interpose(me + ".ctrl->" + me + ".ndp", ndp->mmio));
    ndp->mem.bind(interpose(me + ".ndp.mem->" + me + ".ctrl", ctrl.ndp_mem_in));
    ndp->msi.bind(interpose(me + ".ndp.msi->" + me + ".ctrl", ctrl.ndp_msi_in));
  }
}

}  // namespace cxlvp
