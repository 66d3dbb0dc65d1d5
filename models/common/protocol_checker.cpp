#include "protocol_checker.h"

#include <sstream>

namespace cxlvp {

namespace {

constexpr unsigned kReportsPerRule = 10;  // per checker; further violations are only counted

const char* command_name(tlm::tlm_command c) {
  switch (c) {
    case tlm::TLM_READ_COMMAND: return "READ";
    case tlm::TLM_WRITE_COMMAND: return "WRITE";
    case tlm::TLM_IGNORE_COMMAND: return "IGNORE";
  }
  return "INVALID";
}

bool valid_command(tlm::tlm_command c) {
  return c == tlm::TLM_READ_COMMAND || c == tlm::TLM_WRITE_COMMAND || c == tlm::TLM_IGNORE_COMMAND;
}

}  // namespace

const char* ProtocolChecker::rule_name(Rule r) {
  switch (r) {
    case Rule::command: return "command";
    case Rule::data_ptr: return "data_ptr";
    case Rule::data_length: return "data_length";
    case Rule::streaming_width: return "streaming_width";
    case Rule::byte_enable_length: return "byte_enable_length";
    case Rule::response_on_entry: return "response_on_entry";
    case Rule::response_on_return: return "response_on_return";
    case Rule::attribute_modified: return "attribute_modified";
    case Rule::delay_decreased: return "delay_decreased";
    case Rule::dmi_allowed: return "dmi_allowed";
    case Rule::debug_length: return "debug_length";
    case Rule::dmi_range: return "dmi_range";
    case Rule::count_: break;
  }
  return "?";
}

const char* ProtocolChecker::rule_reference(Rule r) {
  switch (r) {
    case Rule::command: return "IEEE 1666-2011 14.8";
    case Rule::data_ptr: return "IEEE 1666-2011 14.10";
    case Rule::data_length: return "IEEE 1666-2011 14.11";
    case Rule::streaming_width: return "IEEE 1666-2011 14.14";
    case Rule::byte_enable_length: return "IEEE 1666-2011 14.13";
    case Rule::response_on_entry: return "IEEE 1666-2011 14.16";
    case Rule::response_on_return: return "IEEE 1666-2011 14.16";
    case Rule::attribute_modified: return "IEEE 1666-2011 14.7";
    case Rule::delay_decreased: return "IEEE 1666-2011 11.1.3";
    case Rule::dmi_allowed: return "IEEE 1666-2011 14.15";
    case Rule::debug_length: return "IEEE 1666-2011 11.3";
    case Rule::dmi_range: return "IEEE 1666-2011 11.2";
    case Rule::count_: break;
  }
  return "?";
}

ProtocolChecker::ProtocolChecker(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
  in.register_b_transport(this, &ProtocolChecker::b_transport);
  in.register_transport_dbg(this, &ProtocolChecker::transport_dbg);
  in.register_get_direct_mem_ptr(this, &ProtocolChecker::get_direct_mem_ptr);
  out.register_invalidate_direct_mem_ptr(this, &ProtocolChecker::invalidate_direct_mem_ptr);
}

ProtocolChecker::Snapshot::Snapshot(const tlm::tlm_generic_payload& p)
    : cmd(p.get_command()),
      data(p.get_data_ptr()),
      length(p.get_data_length()),
      byte_enable(p.get_byte_enable_ptr()),
      byte_enable_length(p.get_byte_enable_length()),
      streaming_width(p.get_streaming_width()) {}

std::string ProtocolChecker::Snapshot::differences(const tlm::tlm_generic_payload& p) const {
  std::ostringstream d;
  if (p.get_command() != cmd) d << " command " << command_name(cmd) << "->" << command_name(p.get_command());
  if (p.get_data_ptr() != data) d << " data_ptr";
  if (p.get_data_length() != length) d << " data_length " << length << "->" << p.get_data_length();
  if (p.get_byte_enable_ptr() != byte_enable) d << " byte_enable_ptr";
  if (p.get_byte_enable_length() != byte_enable_length)
    d << " byte_enable_length " << byte_enable_length << "->" << p.get_byte_enable_length();
  if (p.get_streaming_width() != streaming_width)
    d << " streaming_width " << streaming_width << "->" << p.get_streaming_width();
  return d.str();
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

// Rules on the attributes an initiator sets (checked on entry to every call).
void ProtocolChecker::check_attributes(const tlm::tlm_generic_payload& p, const char* where, bool debug) {
  const tlm::tlm_command cmd = p.get_command();
  const unsigned len = p.get_data_length();
  if (!valid_command(cmd))
    violation(Rule::command, p, std::string(where) + ": command value " + std::to_string(int(cmd)) +
                                    " is not READ, WRITE or IGNORE");
  if (len > 0 && p.get_data_ptr() == nullptr)
    violation(Rule::data_ptr, p, std::string(where) + ": data pointer is null with data_length " + std::to_string(len));
  if (debug) return;  // debug transport uses only command, address, data pointer and length
  if ((cmd == tlm::TLM_READ_COMMAND || cmd == tlm::TLM_WRITE_COMMAND) && len == 0)
    violation(Rule::data_length, p, std::string(where) + ": data_length is 0 for a read or write");
  const unsigned sw = p.get_streaming_width();
  if (sw == 0)
    violation(Rule::streaming_width, p, std::string(where) + ": streaming width is 0");
  else if (sw < len && len % sw != 0)
    violation(Rule::streaming_width, p,
              std::string(where) + ": streaming width " + std::to_string(sw) +
                  " is less than data_length " + std::to_string(len) + " and does not divide it");
  if (p.get_byte_enable_ptr() != nullptr && p.get_byte_enable_length() == 0)
    violation(Rule::byte_enable_length, p, std::string(where) + ": byte-enable pointer set with byte-enable length 0");
}

void ProtocolChecker::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  ++transactions_;
  check_attributes(p, "b_transport call", false);
  if (p.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE)
    violation(Rule::response_on_entry, p,
              "b_transport call: response status is " + p.get_response_string() +
                  ", the initiator must set TLM_INCOMPLETE_RESPONSE");
  if (p.is_dmi_allowed())
    violation(Rule::dmi_allowed, p, "b_transport call: DMI-allowed hint is true, the initiator must set it false");

  const Snapshot before(p);
  const sc_core::sc_time delay_before = delay;
  out->b_transport(p, delay);

  if (p.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
    violation(Rule::response_on_return, p,
              "b_transport return: response status is still TLM_INCOMPLETE_RESPONSE, the target must set it");
  const std::string changed = before.differences(p);
  if (!changed.empty()) violation(Rule::attribute_modified, p, "b_transport return: target changed" + changed);
  if (delay < delay_before)
    violation(Rule::delay_decreased, p,
              "b_transport return: timing annotation decreased from " + delay_before.to_string() + " to " +
                  delay.to_string());
}

unsigned ProtocolChecker::transport_dbg(tlm::tlm_generic_payload& p) {
  ++transactions_;
  check_attributes(p, "transport_dbg call", true);
  const Snapshot before(p);
  const unsigned n = out->transport_dbg(p);
  if (n > before.length)
    violation(Rule::debug_length, p,
              "transport_dbg return: " + std::to_string(n) + " bytes reported for data_length " +
                  std::to_string(before.length));
  const std::string changed = before.differences(p);
  if (!changed.empty()) violation(Rule::attribute_modified, p, "transport_dbg return: target changed" + changed);
  return n;
}

bool ProtocolChecker::get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
  const sc_dt::uint64 address = p.get_address();
  const bool granted = out->get_direct_mem_ptr(p, dmi);
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
  if (!what.str().empty()) violation(Rule::dmi_range, p, "get_direct_mem_ptr granted:" + what.str());
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
