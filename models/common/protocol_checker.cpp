// ProtocolChecker: reporting, the rules shared by every kind of call, and
// blocking transport, debug transport and DMI. Non-blocking transport is in
// protocol_nonblocking.cpp.
#include "protocol_checker.h"

#include <algorithm>
#include <sstream>

#include "protocol_flights.h"

namespace cxlvp {

namespace {

constexpr unsigned kReportsPerRule = 10;  // per checker; further violations are only counted

bool valid_command(tlm::tlm_command c) {
  return c == tlm::TLM_READ_COMMAND || c == tlm::TLM_WRITE_COMMAND || c == tlm::TLM_IGNORE_COMMAND;
}

std::string at(const char* where, const std::string& what) { return std::string(where) + ": " + what; }

}  // namespace

ProtocolChecker::ProtocolChecker(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
  in.bind(static_cast<tlm::tlm_fw_transport_if<>&>(*this));
  out.bind(static_cast<tlm::tlm_bw_transport_if<>&>(*this));
}

void ProtocolChecker::violation(Rule r, const tlm::tlm_generic_payload& p, const std::string& what) {
  const size_t i = static_cast<size_t>(r);
  const uint64_t n = ++violations_.per_rule[i];
  ++violations_.total;
  if (n > kReportsPerRule + 1) return;
  std::ostringstream m;
  m << name() << ": rule " << rule_name(r) << " (" << rule_reference(r) << ") violated: " << what << "; address 0x"
    << std::hex << p.get_address() << std::dec << ", command " << command_name(p.get_command()) << " at "
    << sc_core::sc_time_stamp();
  if (n == 1) first_[i] = m.str();
  if (n == kReportsPerRule + 1) m << " (further violations of this rule by this checker are counted silently)";
  SC_REPORT_WARNING("cxlvp/protocol_checker", m.str().c_str());
}

// ---------------------------------------------------------------------------
// Rules shared by blocking and non-blocking transport

void ProtocolChecker::check_attributes(const tlm::tlm_generic_payload& p, const char* where, bool debug) {
  const tlm::tlm_command cmd = p.get_command();
  const unsigned len = p.get_data_length();
  if (!valid_command(cmd))
    violation(Rule::command, p, at(where, "command value " + std::to_string(int(cmd)) + " is not READ, WRITE or IGNORE"));
  if (len > 0 && p.get_data_ptr() == nullptr)
    violation(Rule::data_ptr, p, at(where, "data pointer is null with data_length " + std::to_string(len)));
  if (debug) return;  // debug transport uses only command, address, data pointer and length
  if ((cmd == tlm::TLM_READ_COMMAND || cmd == tlm::TLM_WRITE_COMMAND) && len == 0)
    violation(Rule::data_length, p, at(where, "data_length is 0 for a read or write"));
  const unsigned sw = p.get_streaming_width();
  if (sw == 0)
    violation(Rule::streaming_width, p, at(where, "streaming width is 0"));
  else if (sw < len && len % sw != 0)
    violation(Rule::streaming_width, p,
              at(where, "streaming width " + std::to_string(sw) + " is less than data_length " + std::to_string(len) +
                            " and does not divide it"));
  if (p.get_byte_enable_ptr() != nullptr && p.get_byte_enable_length() == 0)
    violation(Rule::byte_enable_length, p, at(where, "byte-enable pointer set with byte-enable length 0"));
}

void ProtocolChecker::check_start(const tlm::tlm_generic_payload& p, const char* where) {
  check_attributes(p, where, false);
  if (p.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE)
    violation(Rule::response_on_entry, p,
              at(where, "response status is " + p.get_response_string() +
                            ", the initiator must set TLM_INCOMPLETE_RESPONSE"));
  if (p.is_dmi_allowed())
    violation(Rule::dmi_allowed, p, at(where, "DMI-allowed hint is true, the initiator must set it false"));
  if (p.get_gp_option() != tlm::TLM_MIN_PAYLOAD)
    violation(Rule::gp_option, p,
              at(where, std::string("gp_option is ") + gp_option_name(p.get_gp_option()) +
                            ", transport calls use TLM_MIN_PAYLOAD (the option is for debug transport and DMI)"));
}

void ProtocolChecker::check_memory_manager(const tlm::tlm_generic_payload& p, const char* where, bool required) {
  if (!p.has_mm()) {
    if (required)
      violation(Rule::memory_manager, p,
                at(where, "transaction without a memory manager, a non-blocking call needs one (set_mm)"));
  } else if (p.get_ref_count() == 0) {
    violation(Rule::reference_count, p,
              at(where, "transaction with a memory manager and a reference count of 0 (acquire it while in use)"));
  }
}

void ProtocolChecker::check_unchanged(const PayloadSnapshot& start, const tlm::tlm_generic_payload& p,
                                      const char* where) {
  const std::string changed = start.attribute_changes(p);
  if (!changed.empty()) violation(Rule::attribute_modified, p, at(where, "changed since the transaction started:" + changed));
  const long data = start.write_data_change(p);
  if (data >= 0)
    violation(Rule::write_data_modified, p,
              at(where, "a write's data array changed since the transaction started, first at byte " +
                            std::to_string(data)));
  const long be = start.byte_enable_change(p);
  if (be >= 0)
    violation(Rule::byte_enables_modified, p,
              at(where, "the byte-enable array changed since the transaction started, first at byte " +
                            std::to_string(be)));
  if (start.option() == tlm::TLM_MIN_PAYLOAD && p.get_gp_option() != tlm::TLM_MIN_PAYLOAD)
    violation(Rule::gp_option, p,
              at(where, std::string("gp_option changed from TLM_MIN_PAYLOAD to ") + gp_option_name(p.get_gp_option())));
}

void ProtocolChecker::check_cleared(const PayloadSnapshot& start, const tlm::tlm_generic_payload& p,
                                    const char* where) {
  const std::string left = start.leftovers(p);
  if (!left.empty())
    violation(Rule::not_cleared, p,
              at(where, "set on a transaction without a memory manager and not cleared before returning:" + left));
}

void ProtocolChecker::request_passes(const tlm::tlm_generic_payload& p, const char* where) {
  if (!ProtocolFlights::global().request(p, this))
    violation(Rule::reused_in_response, p,
              at(where, "transaction object sent anew while its previous response is still on its way back"));
}

void ProtocolChecker::response_passes(const tlm::tlm_generic_payload& p, const char* where) {
  const auto passage = ProtocolFlights::global().response(p, this, carries_contents(p));
  if (!passage.reversed)
    violation(Rule::response_path, p,
              at(where, "the response reaches this checker out of turn: its request passed" + passage.path +
                            ", the response must come back the reverse way"));
  if (passage.data_change >= 0)
    violation(Rule::response_data_modified, p,
              at(where, "read data changed on the response path, first at byte " + std::to_string(passage.data_change) +
                            ", after a checker nearer the target saw it"));
}

// ---------------------------------------------------------------------------
// Blocking transport

void ProtocolChecker::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  ++transactions_;
  const char* call = "b_transport call";
  // The kernel's record of the running process, read inline; building an
  // sc_process_handle (sc_get_current_process_handle) costs a dynamic_cast
  // per call, so it is built only to name the culprit.
  if (sc_core::sc_get_curr_process_kind() == sc_core::SC_METHOD_PROC_)
    violation(Rule::blocking_from_method, p,
              at(call, std::string("called from method process ") + sc_core::sc_get_current_process_handle().name() +
                           "; b_transport may wait, so only a thread process may call it"));
  check_start(p, call);
  check_memory_manager(p, call, false);
  if (in_phase_sequence(p))
    violation(Rule::blocking_nonblocking_mixed, p,
              at(call, "the transaction is in a non-blocking phase sequence on this hop"));
  request_passes(p, call);

  std::unique_ptr<PayloadSnapshot> start;
  if (spare_snapshots_.empty()) {
    start = std::make_unique<PayloadSnapshot>();
  } else {
    start = std::move(spare_snapshots_.back());
    spare_snapshots_.pop_back();
  }
  start->take(p, carries_contents(p));
  const sc_core::sc_time delay_before = delay;
  blocking_.push_back(&p);
  out->b_transport(p, delay);
  blocking_.erase(std::find(blocking_.rbegin(), blocking_.rend(), &p).base() - 1);

  const char* ret = "b_transport return";
  if (p.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
    violation(Rule::response_on_return, p,
              at(ret, "response status is still TLM_INCOMPLETE_RESPONSE, the target must set it"));
  check_unchanged(*start, p, ret);
  check_cleared(*start, p, ret);
  if (delay < delay_before)
    violation(Rule::delay_decreased, p,
              at(ret, "timing annotation decreased from " + delay_before.to_string() + " to " + delay.to_string()));
  response_passes(p, ret);
  spare_snapshots_.push_back(std::move(start));
}

bool ProtocolChecker::in_b_transport(const tlm::tlm_generic_payload& p) const {
  return std::find(blocking_.begin(), blocking_.end(), &p) != blocking_.end();
}

// ---------------------------------------------------------------------------
// Debug transport and DMI

void ProtocolChecker::check_option_on_entry(const tlm::tlm_generic_payload& p, const char* where, bool dmi) {
  const tlm::tlm_gp_option option = p.get_gp_option();
  if (option == tlm::TLM_FULL_PAYLOAD_ACCEPTED) {
    violation(Rule::gp_option, p, at(where, "gp_option is TLM_FULL_PAYLOAD_ACCEPTED, which only a target may set"));
    return;
  }
  if (option != tlm::TLM_FULL_PAYLOAD) return;
  // With the full payload, every attribute is set as for transport.
  std::string wrong;
  if (!dmi) {
    if (p.get_byte_enable_ptr() != nullptr && p.get_byte_enable_length() == 0) wrong += " byte_enable_length 0";
    if (p.get_streaming_width() == 0) wrong += " streaming_width 0";
    if (p.is_dmi_allowed()) wrong += " dmi_allowed true";
  }
  if (p.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE) wrong += " response_status " + p.get_response_string();
  if (!wrong.empty())
    violation(Rule::gp_option, p,
              at(where, "gp_option is TLM_FULL_PAYLOAD but the payload is not initialised as for transport:" + wrong));
}

void ProtocolChecker::check_option_on_return(const tlm::tlm_generic_payload& p, tlm::tlm_gp_option before,
                                             const char* where) {
  const tlm::tlm_gp_option now = p.get_gp_option();
  if ((before == tlm::TLM_MIN_PAYLOAD && now != tlm::TLM_MIN_PAYLOAD) ||
      (before == tlm::TLM_FULL_PAYLOAD && now == tlm::TLM_MIN_PAYLOAD))
    violation(Rule::gp_option, p,
              at(where, std::string("the target changed gp_option from ") + gp_option_name(before) + " to " +
                            gp_option_name(now)));
}

unsigned ProtocolChecker::transport_dbg(tlm::tlm_generic_payload& p) {
  ++transactions_;
  const char* call = "transport_dbg call";
  check_attributes(p, call, true);
  check_option_on_entry(p, call, false);
  const tlm::tlm_gp_option option = p.get_gp_option();
  PayloadSnapshot start;
  start.take(p, false);  // debug transport's data is not checked
  const unsigned n = out->transport_dbg(p);

  const char* ret = "transport_dbg return";
  if (n > start.length())
    violation(Rule::debug_length, p,
              at(ret, std::to_string(n) + " bytes reported for data_length " + std::to_string(start.length())));
  const std::string changed = start.attribute_changes(p);
  if (!changed.empty()) violation(Rule::attribute_modified, p, at(ret, "target changed" + changed));
  check_option_on_return(p, option, ret);
  return n;
}

bool ProtocolChecker::get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
  const char* call = "get_direct_mem_ptr call";
  std::string stale;  // the descriptor as a fresh tlm_dmi (or tlm_dmi::init()) leaves it
  if (dmi.get_dmi_ptr() != nullptr) stale += " dmi_ptr";
  if (!dmi.is_none_allowed()) stale += " granted_access";
  if (dmi.get_start_address() != 0) stale += " start_address";
  if (dmi.get_end_address() != ~sc_dt::uint64(0)) stale += " end_address";
  if (dmi.get_read_latency() != sc_core::SC_ZERO_TIME) stale += " read_latency";
  if (dmi.get_write_latency() != sc_core::SC_ZERO_TIME) stale += " write_latency";
  if (!stale.empty())
    violation(Rule::dmi_descriptor, p, at(call, "DMI descriptor not in its initial state:" + stale));
  check_option_on_entry(p, call, true);
  const tlm::tlm_gp_option option = p.get_gp_option();
  const sc_dt::uint64 address = p.get_address();
  const bool granted = out->get_direct_mem_ptr(p, dmi);

  const char* ret = "get_direct_mem_ptr return";
  check_option_on_return(p, option, ret);
  if (!granted) return false;
  std::ostringstream what;
  const auto start = dmi.get_start_address(), end = dmi.get_end_address();
  if (start > end)
    what << " start 0x" << std::hex << start << " > end 0x" << end << std::dec << ";";
  else if (address < start || address > end)
    what << " range [0x" << std::hex << start << ", 0x" << end << "] does not contain the requested address 0x"
         << address << std::dec << ";";
  if (dmi.get_dmi_ptr() == nullptr) what << " null DMI pointer;";
  if (!dmi.is_read_allowed() && !dmi.is_write_allowed()) what << " access granted is neither read nor write;";
  if (!what.str().empty()) violation(Rule::dmi_range, p, at(ret, "granted:" + what.str()));
  return granted;
}

void ProtocolChecker::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  if (start > end) {
    tlm::tlm_generic_payload p;
    p.set_address(start);
    std::ostringstream what;
    what << "invalidate_direct_mem_ptr: start 0x" << std::hex << start << " > end 0x" << end;
    violation(Rule::dmi_range, p, what.str());
  }
  in->invalidate_direct_mem_ptr(start, end);
}

}  // namespace cxlvp
