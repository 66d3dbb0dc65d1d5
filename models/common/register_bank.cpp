#include "register_bank.h"

#include <cstring>
#include <stdexcept>

#include "hop_trace.h"

namespace cxlvp {

Register::Register(std::string name, uint64_t offset, unsigned width_bytes, uint64_t reset_value,
                   Access access)
    : value(reset_value),
      name_(std::move(name)),
      offset_(offset),
      width_(width_bytes),
      reset_(reset_value),
      access_(access) {
  if (width_ != 4 && width_ != 8) throw std::invalid_argument("register width must be 4 or 8 bytes");
}

RegisterBank::RegisterBank(const std::string& name, sc_core::sc_time access_latency)
    : latency_(access_latency), node_(register_node(name)) {}

void RegisterBank::add(Register& r) {
  for (const Register* other : regs_)
    if (r.offset() < other->offset() + other->width() && other->offset() < r.offset() + r.width())
      throw std::logic_error("register " + r.name() + " overlaps " + other->name());
  regs_.push_back(&r);
}

void RegisterBank::reset() {
  for (Register* r : regs_) r->reset();
}

Register* RegisterBank::find(uint64_t offset, unsigned length) const {
  for (Register* r : regs_)
    if (r->offset() == offset && r->width() == length) return r;
  return nullptr;
}

void RegisterBank::transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  arrive_at_target(p, node_, delay);
  delay += latency_;
  Register* r = find(p.get_address(), p.get_data_length());
  if (!r) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (p.get_byte_enable_ptr() || p.get_streaming_width() < p.get_data_length()) {
    p.set_response_status(p.get_byte_enable_ptr() ? tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE : tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (p.is_write()) {
    if (r->access() == Access::read_only) {
      p.set_response_status(tlm::TLM_OK_RESPONSE);  // writes to read-only registers are ignored
      return;
    }
    uint64_t v = 0;
    std::memcpy(&v, p.get_data_ptr(), r->width());
    r->value = v;
    if (r->on_write) r->on_write(v, delay);
  } else if (p.is_read()) {
    const uint64_t v = r->access() == Access::write_only ? 0 : r->on_read ? r->on_read() : r->value;
    std::memcpy(p.get_data_ptr(), &v, r->width());
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned RegisterBank::transport_dbg(tlm::tlm_generic_payload& p) {
  Register* r = find(p.get_address(), p.get_data_length());
  if (!r) return 0;
  if (p.is_read()) {
    // Read hooks only compute a value, so a debug read may use them.
    const uint64_t v = r->access() == Access::write_only ? 0 : r->on_read ? r->on_read() : r->value;
    std::memcpy(p.get_data_ptr(), &v, r->width());
  } else if (p.is_write()) {
    if (r->access() == Access::read_only) return 0;
    std::memcpy(&r->value, p.get_data_ptr(), r->width());
  }
  return r->width();
}

}  // namespace cxlvp
