#pragma once
// The TLM-2.0 base-protocol rules ProtocolChecker checks, each with the clause
// of IEEE 1666-2011 (the SystemC/TLM-2.0 LRM) that states it.
// docs/protocol-checking.md explains each rule and how it is detected.
#include <cstddef>

namespace cxlvp {

enum class ProtocolRule : unsigned {
  // The generic payload as the initiator sets it (clause 14).
  command,             // command is READ, WRITE or IGNORE
  data_ptr,            // data pointer not null when data_length > 0
  data_length,         // data_length > 0 for READ and WRITE
  streaming_width,     // streaming width > 0, and >= data_length or a divisor of it
  byte_enable_length,  // byte-enable length > 0 when the byte-enable pointer is set
  dmi_allowed,         // DMI-allowed hint is false when a transaction starts
  response_on_entry,   // response status is TLM_INCOMPLETE_RESPONSE when a transaction starts
  gp_option,           // gp_option: MIN for transport, FULL only with a full payload, never changed wrongly
  // What the target and interconnect may change (clause 14).
  response_on_return,  // response status set by the target by the time the response arrives
  attribute_modified,  // command, data ptr/length, byte enables, streaming width unchanged
  write_data_modified,     // a write's data array is not changed on its way to the target and back
  byte_enables_modified,   // the byte-enable array is not changed
  response_data_modified,  // read data is not changed by an interconnect on the response path
  // Memory management (14.5).
  memory_manager,      // a transaction sent by nb_transport has a memory manager
  reference_count,     // a transaction with a memory manager has a reference count > 0 while in use
  not_cleared,         // a component that set a memory manager or an extension on a transaction without one clears it
  reused_in_response,  // a transaction object is not sent anew while its previous response is on its way back
  // Blocking transport (11.1.1, 11.1.3).
  blocking_from_method,  // b_transport is called from a thread process, never a method process
  delay_decreased,       // b_transport's timing annotation does not decrease
  // Non-blocking transport and the base protocol's phases (clause 15).
  phase_sequence,              // BEGIN_REQ -> END_REQ -> BEGIN_RESP -> END_RESP, with the allowed shortcuts
  phase_direction,             // each phase on its own path: BEGIN_REQ/END_RESP forward, END_REQ/BEGIN_RESP backward
  request_exclusion,           // no BEGIN_REQ on a hop before the previous request's END_REQ (or BEGIN_RESP)
  response_exclusion,          // no BEGIN_RESP on a hop before the previous response's END_RESP
  nb_timing_decreased,         // sc_time_stamp() + delay never decreases along one transaction's calls and returns
  blocking_nonblocking_mixed,  // no b_transport for a transaction in a phase sequence, and vice versa
  response_path,               // the response comes back through the checkers of its request, in reverse order
  // Debug transport and DMI (11.2, 11.3).
  debug_length,    // transport_dbg returns at most data_length
  dmi_descriptor,  // the initiator passes a DMI descriptor in its initial state
  dmi_range,       // a granted DMI region is consistent (start <= end, covers the address, pointer, access)
  count_
};

constexpr size_t protocol_rule_count = static_cast<size_t>(ProtocolRule::count_);

const char* rule_name(ProtocolRule r);
const char* rule_reference(ProtocolRule r);  // "IEEE 1666-2011 <clause>"

}  // namespace cxlvp
