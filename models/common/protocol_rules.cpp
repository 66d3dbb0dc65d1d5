#include "protocol_rules.h"

namespace cxlvp {

namespace {

struct RuleText {
  const char* name;
  const char* reference;
};

// Indexed by ProtocolRule; the static_assert below keeps the two in step.
constexpr RuleText kRules[] = {
    {"command", "IEEE 1666-2011 14.9"},
    {"data_ptr", "IEEE 1666-2011 14.11 e"},
    {"data_length", "IEEE 1666-2011 14.12 d"},
    {"streaming_width", "IEEE 1666-2011 14.15 f"},
    {"byte_enable_length", "IEEE 1666-2011 14.14 f"},
    {"dmi_allowed", "IEEE 1666-2011 14.16"},
    {"response_on_entry", "IEEE 1666-2011 14.17 e"},
    {"gp_option", "IEEE 1666-2011 14.8"},
    {"response_on_return", "IEEE 1666-2011 14.17"},
    {"attribute_modified", "IEEE 1666-2011 14.7"},
    {"write_data_modified", "IEEE 1666-2011 14.7"},
    {"byte_enables_modified", "IEEE 1666-2011 14.7"},
    {"response_data_modified", "IEEE 1666-2011 14.7"},
    {"memory_manager", "IEEE 1666-2011 14.5 i"},
    {"reference_count", "IEEE 1666-2011 14.5 t"},
    {"not_cleared", "IEEE 1666-2011 14.5 aa"},
    {"reused_in_response", "IEEE 1666-2011 14.5 x"},
    {"blocking_from_method", "IEEE 1666-2011 11.1.1.4 b"},
    {"delay_decreased", "IEEE 1666-2011 11.1.3"},
    {"phase_sequence", "IEEE 1666-2011 15.2.4"},
    {"phase_direction", "IEEE 1666-2011 15.2.3 c"},
    {"request_exclusion", "IEEE 1666-2011 15.2.6 e"},
    {"response_exclusion", "IEEE 1666-2011 15.2.6 f"},
    {"nb_timing_decreased", "IEEE 1666-2011 15.2.7 c"},
    {"blocking_nonblocking_mixed", "IEEE 1666-2011 15.2.10 c"},
    {"response_path", "IEEE 1666-2011 15.2.11 a"},
    {"debug_length", "IEEE 1666-2011 11.3.4 s"},
    {"dmi_descriptor", "IEEE 1666-2011 11.2.5"},
    {"dmi_range", "IEEE 1666-2011 11.2.5"},
};
static_assert(sizeof(kRules) / sizeof(kRules[0]) == protocol_rule_count, "one text per ProtocolRule");

}  // namespace

const char* rule_name(ProtocolRule r) {
  const auto i = static_cast<size_t>(r);
  return i < protocol_rule_count ? kRules[i].name : "?";
}

const char* rule_reference(ProtocolRule r) {
  const auto i = static_cast<size_t>(r);
  return i < protocol_rule_count ? kRules[i].reference : "?";
}

}  // namespace cxlvp
