#include "protocol_payload.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "transfer_hints.h"

namespace cxlvp {

const char* command_name(tlm::tlm_command c) {
  switch (c) {
    case tlm::TLM_READ_COMMAND: return "READ";
    case tlm::TLM_WRITE_COMMAND: return "WRITE";
    case tlm::TLM_IGNORE_COMMAND: return "IGNORE";
  }
  return "INVALID";
}

const char* gp_option_name(tlm::tlm_gp_option o) {
  switch (o) {
    case tlm::TLM_MIN_PAYLOAD: return "TLM_MIN_PAYLOAD";
    case tlm::TLM_FULL_PAYLOAD: return "TLM_FULL_PAYLOAD";
    case tlm::TLM_FULL_PAYLOAD_ACCEPTED: return "TLM_FULL_PAYLOAD_ACCEPTED";
  }
  return "INVALID";
}

namespace {

// The extension slots watched: every registered extension type, up to 64
// (one bit each; a simulation registers a handful).
unsigned extension_slots() { return std::min(64u, tlm::max_num_extensions()); }

}  // namespace

bool carries_contents(const tlm::tlm_generic_payload& p) {
  return carries_data(p.get_extension<TransferHints>());
}

long first_difference(const unsigned char* a, const unsigned char* b, size_t n) {
  if (n == 0 || std::memcmp(a, b, n) == 0) return -1;  // the common case: one fast compare
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return long(i);
  return -1;
}

void PayloadSnapshot::take(const tlm::tlm_generic_payload& p, bool contents) {
  cmd_ = p.get_command();
  data_ = p.get_data_ptr();
  length_ = p.get_data_length();
  byte_enable_ = p.get_byte_enable_ptr();
  byte_enable_length_ = p.get_byte_enable_length();
  streaming_width_ = p.get_streaming_width();
  option_ = p.get_gp_option();
  had_mm_ = p.has_mm();
  if (contents && cmd_ == tlm::TLM_WRITE_COMMAND && data_)
    write_data_.assign(data_, data_ + length_);
  else
    write_data_.clear();
  if (byte_enable_)
    byte_enables_.assign(byte_enable_, byte_enable_ + byte_enable_length_);
  else
    byte_enables_.clear();
  // Extensions only matter without a memory manager (with one, they are
  // freed with the transaction): record which slots are in use.
  extensions_ = 0;
  if (!had_mm_)
    for (unsigned i = 0; i < extension_slots(); ++i)
      if (p.get_extension(i)) extensions_ |= uint64_t(1) << i;
}

std::string PayloadSnapshot::attribute_changes(const tlm::tlm_generic_payload& p) const {
  if (p.get_command() == cmd_ && p.get_data_ptr() == data_ && p.get_data_length() == length_ &&
      p.get_byte_enable_ptr() == byte_enable_ && p.get_byte_enable_length() == byte_enable_length_ &&
      p.get_streaming_width() == streaming_width_)
    return "";  // the common case, without building a stream
  std::ostringstream d;
  if (p.get_command() != cmd_) d << " command " << command_name(cmd_) << "->" << command_name(p.get_command());
  if (p.get_data_ptr() != data_) d << " data_ptr";
  if (p.get_data_length() != length_) d << " data_length " << length_ << "->" << p.get_data_length();
  if (p.get_byte_enable_ptr() != byte_enable_) d << " byte_enable_ptr";
  if (p.get_byte_enable_length() != byte_enable_length_)
    d << " byte_enable_length " << byte_enable_length_ << "->" << p.get_byte_enable_length();
  if (p.get_streaming_width() != streaming_width_)
    d << " streaming_width " << streaming_width_ << "->" << p.get_streaming_width();
  return d.str();
}

long PayloadSnapshot::write_data_change(const tlm::tlm_generic_payload& p) const {
  // Only meaningful while the pointer and length are the ones recorded
  // (attribute_changes reports those otherwise).
  if (write_data_.empty() || p.get_data_ptr() != data_ || p.get_data_length() != length_) return -1;
  return first_difference(write_data_.data(), p.get_data_ptr(), write_data_.size());
}

long PayloadSnapshot::byte_enable_change(const tlm::tlm_generic_payload& p) const {
  if (byte_enables_.empty() || p.get_byte_enable_ptr() != byte_enable_ ||
      p.get_byte_enable_length() != byte_enable_length_)
    return -1;
  return first_difference(byte_enables_.data(), p.get_byte_enable_ptr(), byte_enables_.size());
}

std::string PayloadSnapshot::leftovers(const tlm::tlm_generic_payload& p) const {
  if (had_mm_) return "";
  std::string left;
  if (p.has_mm()) left += " memory manager";
  for (unsigned i = 0; i < extension_slots(); ++i)
    if (!(extensions_ >> i & 1) && p.get_extension(i)) left += " extension#" + std::to_string(i);
  return left;
}

}  // namespace cxlvp
