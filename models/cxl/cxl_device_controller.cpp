#include "cxl_device_controller.h"

#include "../common/hop_trace.h"

namespace cxlvp {

CxlDeviceController::CxlDeviceController(sc_core::sc_module_name name, const AddressRange& bar, uint64_t dram_bytes,
                                         sc_core::sc_time latency, bool has_ndp)
    : sc_module(name),
      link_in("link_in", this, &CxlDeviceController::from_link_dbg),
      link_out("link_out"),
      mem_out("mem_out"),
      ndp_mem_in("ndp_mem_in", this, &CxlDeviceController::from_ndp_mem_dbg),
      ndp_msi_in("ndp_msi_in", this),
      ndp_regs_out("ndp_regs_out"),
      bar_(bar),
      latency_(latency),
      has_ndp_(has_ndp),
      node_(register_node(this->name())),
      hdm_(HdmDecoders::Kind::device, kExpanderHdmDecoders, dram_bytes),
      id_("DEVICE_ID", cxl_bar::device_info + cxl_device_info::id, 4, cxl_device_info::kType3Id, Access::read_only),
      mem_size_low_("MEM_SIZE_LOW", cxl_bar::device_info + cxl_device_info::mem_size_low, 4, dram_bytes & 0xFFFFFFFFu,
                    Access::read_only),
      mem_size_high_("MEM_SIZE_HIGH", cxl_bar::device_info + cxl_device_info::mem_size_high, 4, dram_bytes >> 32,
                     Access::read_only),
      component_regs_(std::string(this->name()) + ".regs", sc_core::SC_ZERO_TIME) {
  hdm_.add_to(component_regs_);
  for (Register* r : {&id_, &mem_size_low_, &mem_size_high_}) component_regs_.add(*r);
}

void CxlDeviceController::to_registers(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, uint64_t offset) {
  const uint64_t address = p.get_address();
  if (offset >= cxl_bar::ndp_regs && offset < cxl_bar::ndp_regs + 0x1000 && has_ndp_) {
    p.set_address(offset - cxl_bar::ndp_regs);
    ndp_regs_out[0]->b_transport(p, delay);
  } else if (offset < cxl_bar::ndp_regs) {
    p.set_address(offset - cxl_bar::component_regs);
    component_regs_.transport(p, delay);
  } else {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  }
  p.set_address(address);
}

void CxlDeviceController::from_link(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&CxlDeviceController::pass_from_link>(*this, node_, p, delay);
}

inline void CxlDeviceController::pass_from_link(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += latency_;
  const uint64_t hpa = p.get_address();
  if (hpa >= bar_.base && hpa - bar_.base < bar_.size) {
    to_registers(p, delay, hpa - bar_.base);
    return;
  }
  const auto hit = hdm_.decode(hpa, p.get_data_length());
  if (!hit) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  p.set_address(hit->offset);
  mem_out.b_transport(p, delay);
  p.set_address(hpa);
}

unsigned CxlDeviceController::from_link_dbg(tlm::tlm_generic_payload& p) {
  const uint64_t hpa = p.get_address();
  const auto hit = hdm_.decode(hpa, p.get_data_length());
  if (!hit) return 0;
  p.set_address(hit->offset);
  const unsigned n = mem_out->transport_dbg(p);
  p.set_address(hpa);
  return n;
}

void CxlDeviceController::from_ndp_msi(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&CxlDeviceController::pass_from_ndp_msi>(*this, node_, p, delay);
}

}  // namespace cxlvp
