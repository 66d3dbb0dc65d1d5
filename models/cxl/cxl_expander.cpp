#include "cxl_expander.h"

#include <stdexcept>

namespace cxlvp {

using sc_core::SC_NS;
using sc_core::sc_time;

CxlExpander::CxlExpander(sc_core::sc_module_name name, const CxlConfig& config, const CxlHostWindows& windows,
                         ComputeMode mode, uint64_t burst_bytes, const NdpFactory& make_ndp)
    : sc_module(name),
      rp("rp", windows, sc_time(config.root_port_latency_ns, SC_NS)),
      link("link", std::make_unique<CxlFlitFormat>(config.link), sc_time(config.link.latency_ns, SC_NS)),
      ctrl("ctrl", windows, config.dram.capacity_bytes, sc_time(config.controller_latency_ns, SC_NS),
           config.ndp.enabled),
      mem("mem", config.dram) {
  rp.link_out.bind(link.down_in);
  link.down_out.bind(ctrl.link_in);
  ctrl.link_out.bind(link.up_in);
  link.up_out.bind(rp.link_in);
  ctrl.mem_out.bind(mem.in);
  ctrl.hdm().program(windows.hdm_base, windows.hdm_size);
  if (!ctrl.hdm().committed())
    throw std::invalid_argument(std::string(this->name()) +
                                ": HDM window must be 256 MiB aligned and no larger than device DRAM");
  if (config.ndp.enabled) {
    if (make_ndp)
      ndp = make_ndp("ndp", config.ndp, mode, burst_bytes, config.dram.capacity_bytes);
    else if (config.ndp.impl == NdpImpl::tlm)
      ndp = std::make_unique<NdpEngine>("ndp", config.ndp, mode, burst_bytes, config.dram.capacity_bytes);
    else
      throw std::invalid_argument(std::string(this->name()) +
                                  ": ndp.impl rtl needs the RTL engine (link cxlvp_ndp_rtl, pass ndp_rtl_factory())");
    ctrl.ndp_regs_out.bind(ndp->mmio);
    ndp->mem.bind(ctrl.ndp_mem_in);
    ndp->msi.bind(ctrl.ndp_msi_in);
  }
}

}  // namespace cxlvp
