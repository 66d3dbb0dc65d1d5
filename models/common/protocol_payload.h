#pragma once
// PayloadSnapshot: a generic payload as it was when a transaction started at
// one protocol checker, so that every later call or return can tell what a
// component changed that the rules say it must leave alone (IEEE 1666-2011
// 14.7: attributes and, for a write, the data array; 14.5: what a component
// set on a transaction without a memory manager). Contents are copied, not
// hashed: a copy and a memcmp cost less than hashing 4 KiB byte by byte, and
// a difference can be located. The buffers are kept between takes, so a
// snapshot reused for the next transaction allocates nothing.
#include <cstdint>
#include <string>
#include <tlm>
#include <vector>

namespace cxlvp {

const char* command_name(tlm::tlm_command c);
const char* gp_option_name(tlm::tlm_gp_option o);

class PayloadSnapshot {
 public:
  // Records p's attributes, its byte-enable array, its data array if it is a
  // write and `contents` (see carries_contents), and (without a memory
  // manager) which extensions it carries.
  void take(const tlm::tlm_generic_payload& p, bool contents);

  // The attributes that differ now, e.g. " data_length 64->32", or "" if none.
  std::string attribute_changes(const tlm::tlm_generic_payload& p) const;
  // The first byte offset at which the write data / byte enables differ now, or -1.
  long write_data_change(const tlm::tlm_generic_payload& p) const;
  long byte_enable_change(const tlm::tlm_generic_payload& p) const;
  // What was set on a transaction that had no memory manager and is still
  // there, e.g. " memory manager extension#3", or "" if none.
  std::string leftovers(const tlm::tlm_generic_payload& p) const;

  unsigned length() const { return length_; }
  tlm::tlm_gp_option option() const { return option_; }

 private:
  tlm::tlm_command cmd_ = tlm::TLM_IGNORE_COMMAND;
  unsigned char* data_ = nullptr;
  unsigned length_ = 0;
  unsigned char* byte_enable_ = nullptr;
  unsigned byte_enable_length_ = 0;
  unsigned streaming_width_ = 0;
  tlm::tlm_gp_option option_ = tlm::TLM_MIN_PAYLOAD;
  bool had_mm_ = false;
  std::vector<unsigned char> write_data_;    // a write's data array (empty for other commands)
  std::vector<unsigned char> byte_enables_;  // the byte-enable array (empty without one)
  uint64_t extensions_ = 0;  // extension slots in use, one bit each (only recorded without a memory manager)
};

// Whether p's data array holds data whose contents the rules protect. False
// for the platform's timing-only bulk traffic: its TransferHints say it carries
// no data, its data pointer is a scratch stand-in that no model reads or
// writes, and comparing gigabytes of it per run would make checking 30 times
// slower. A transaction without TransferHints (any foreign initiator) carries data.
bool carries_contents(const tlm::tlm_generic_payload& p);

// The first offset at which `n` bytes at a and b differ, or -1.
long first_difference(const unsigned char* a, const unsigned char* b, size_t n);

}  // namespace cxlvp
