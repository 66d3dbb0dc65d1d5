#pragma once
// ProtocolChecker: a pass-through module that checks the TLM-2.0 base protocol
// rules (IEEE 1666-2011 clause 14, generic payload; clause 11, blocking,
// debug and DMI interfaces) on every transaction crossing one binding:
//
//   initiator.socket -> checker.in      checker.out -> target.socket
//
// It forwards b_transport, transport_dbg, get_direct_mem_ptr (forward path)
// and invalidate_direct_mem_ptr (backward path) unchanged, so it changes no
// behaviour and adds no delay. Each violation is counted per rule, the first
// message per rule is kept, and SC_REPORT_WARNING (message type
// "cxlvp/protocol_checker") names the checker, the rule, the address and the
// command; after 10 reports of one rule by one checker further ones are
// counted silently. Non-blocking transport (phases) is not checked: the
// checker's sockets convert it to b_transport, and our models are blocking-only.
// docs/protocol-checking.md lists the rules.
#include <array>
#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace cxlvp {

class ProtocolChecker : public sc_core::sc_module {
 public:
  enum class Rule : unsigned {
    command,             // command is READ, WRITE or IGNORE
    data_ptr,            // data pointer not null when data_length > 0
    data_length,         // data_length > 0 for READ and WRITE
    streaming_width,     // streaming width > 0, and >= data_length or a divisor of it
    byte_enable_length,  // byte-enable length > 0 when the byte-enable pointer is set
    response_on_entry,   // response status is TLM_INCOMPLETE_RESPONSE when b_transport is called
    response_on_return,  // response status is not TLM_INCOMPLETE_RESPONSE when b_transport returns
    attribute_modified,  // command, data ptr/length, byte enables, streaming width unchanged on return
    delay_decreased,     // b_transport's timing annotation does not decrease
    dmi_allowed,         // DMI-allowed hint is false when b_transport is called
    debug_length,        // transport_dbg returns at most data_length
    dmi_range,           // a granted DMI region is consistent (start <= end, covers the address, pointer, access)
    count_
  };
  static constexpr size_t rule_count = static_cast<size_t>(Rule::count_);
  static const char* rule_name(Rule r);
  static const char* rule_reference(Rule r);  // LRM clause (IEEE 1666-2011)

  struct Violations {
    uint64_t total = 0;
    std::array<uint64_t, rule_count> per_rule{};
    uint64_t operator[](Rule r) const { return per_rule[static_cast<size_t>(r)]; }
  };

  tlm_utils::simple_target_socket<ProtocolChecker> in;
  tlm_utils::simple_initiator_socket<ProtocolChecker> out;

  explicit ProtocolChecker(sc_core::sc_module_name name);

  const Violations& violations() const { return violations_; }
  uint64_t violations(Rule r) const { return violations_[r]; }
  // The first violation's message for rule `r` ("" if none).
  const std::string& first_message(Rule r) const { return first_[static_cast<size_t>(r)]; }
  uint64_t transactions() const { return transactions_; }  // b_transport + transport_dbg calls seen

 private:
  // The attributes a target must leave as it found them.
  struct Snapshot {
    tlm::tlm_command cmd;
    unsigned char* data;
    unsigned length;
    unsigned char* byte_enable;
    unsigned byte_enable_length;
    unsigned streaming_width;
    explicit Snapshot(const tlm::tlm_generic_payload& p);
    std::string differences(const tlm::tlm_generic_payload& p) const;  // "" if none
  };

  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  void check_attributes(const tlm::tlm_generic_payload& p, const char* where, bool debug);
  void violation(Rule r, const tlm::tlm_generic_payload& p, const std::string& what);

  Violations violations_;
  std::array<std::string, rule_count> first_;
  uint64_t transactions_ = 0;
};

}  // namespace cxlvp
