#include "hdm_decoder.h"

namespace cxlvp {

HdmDecoder::HdmDecoder(uint64_t device_capacity)
    : capacity_(device_capacity),
      base_("HDM_BASE", hdm_regs::base, 8, 0),
      size_("HDM_SIZE", hdm_regs::size, 8, 0),
      control_("HDM_CONTROL", hdm_regs::control, 4, 0) {
  control_.on_write = [this](uint64_t v, const sc_core::sc_time&) { on_control(v); };
  control_.on_read = [this] { return uint64_t(committed_ ? hdm_regs::committed : 0); };
}

void HdmDecoder::add_to(RegisterBank& bank) {
  bank.add(base_);
  bank.add(size_);
  bank.add(control_);
}

void HdmDecoder::on_control(uint64_t value) {
  // Commit succeeds only for an aligned range that the device's DRAM can back.
  committed_ = (value & hdm_regs::commit) && base_.value % hdm_regs::kGranule == 0 &&
               size_.value % hdm_regs::kGranule == 0 && size_.value > 0 && size_.value <= capacity_;
  committed_base_ = committed_ ? base_.value : 0;
  committed_size_ = committed_ ? size_.value : 0;
}

void HdmDecoder::program(uint64_t hpa_base, uint64_t size) {
  base_.value = hpa_base;
  size_.value = size;
  on_control(hdm_regs::commit);
}

}  // namespace cxlvp
