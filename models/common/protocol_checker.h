#pragma once
// ProtocolChecker: a pass-through module that checks the TLM-2.0 base
// protocol (IEEE 1666-2011 clauses 11, 14 and 15) on every transaction
// crossing one binding:
//
//   initiator.socket -> checker.in      checker.out -> target.socket
//
// It forwards every call unchanged and in kind (b_transport as b_transport,
// nb_transport_fw/bw as non-blocking calls with their phases, delays and
// return values, transport_dbg, get_direct_mem_ptr, invalidate_direct_mem_ptr),
// so it changes no behaviour and adds no delay. Each violation is counted per
// rule, the first message per rule is kept, and SC_REPORT_WARNING (message
// type "cxlvp/protocol_checker") names the checker, the rule and its clause,
// the address and the command; after 10 reports of one rule by one checker
// further ones are counted silently. protocol_rules.h lists the rules,
// docs/protocol-checking.md explains them.
//
// Files: protocol_checker.cpp (reporting, blocking, debug and DMI),
// protocol_nonblocking.cpp (phases), protocol_payload.* (what a component may
// not change), protocol_flights.* (rules spanning several checkers).
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <unordered_map>
#include <vector>

#include "protocol_payload.h"
#include "protocol_rules.h"

namespace cxlvp {

class ProtocolChecker : public sc_core::sc_module,
                        private tlm::tlm_fw_transport_if<>,
                        private tlm::tlm_bw_transport_if<> {
 public:
  using Rule = ProtocolRule;
  static constexpr size_t rule_count = protocol_rule_count;
  static const char* rule_name(Rule r) { return cxlvp::rule_name(r); }
  static const char* rule_reference(Rule r) { return cxlvp::rule_reference(r); }

  struct Violations {
    uint64_t total = 0;
    std::array<uint64_t, rule_count> per_rule{};
    uint64_t operator[](Rule r) const { return per_rule[static_cast<size_t>(r)]; }
  };

  tlm::tlm_target_socket<32> in;      // the initiator's side: calls in on the forward path, out on the backward
  tlm::tlm_initiator_socket<32> out;  // the target's side

  explicit ProtocolChecker(sc_core::sc_module_name name);

  const Violations& violations() const { return violations_; }
  uint64_t violations(Rule r) const { return violations_[r]; }
  // The first violation's message for rule `r` ("" if none).
  const std::string& first_message(Rule r) const { return first_[static_cast<size_t>(r)]; }
  // Transactions seen: b_transport and transport_dbg calls, and nb_transport_fw calls with BEGIN_REQ.
  uint64_t transactions() const { return transactions_; }

 private:
  // Forward path, from `in` to `out`.
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override;
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) override;
  unsigned transport_dbg(tlm::tlm_generic_payload& p) override;
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) override;
  // Backward path, from `out` to `in`.
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) override;
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) override;

  // One transaction's state on this hop, from BEGIN_REQ to its end (nb_transport).
  enum class Phase { idle, begin_req, end_req, begin_resp };
  struct Hop {
    Phase phase = Phase::idle;
    sc_core::sc_time time;  // sc_time_stamp() + delay of the latest call or return
    PayloadSnapshot start;  // the payload at BEGIN_REQ
    bool started = false;   // `start` was taken
    bool idle() const { return phase == Phase::idle; }
  };
  static const char* state_name(Phase phase);

  // Rules on a transaction as its initiator starts it (b_transport, BEGIN_REQ).
  void check_start(const tlm::tlm_generic_payload& p, const char* where);
  // Rules on the attributes an initiator sets (every call).
  void check_attributes(const tlm::tlm_generic_payload& p, const char* where, bool debug);
  // gp_option on entry to and return from debug transport and DMI.
  void check_option_on_entry(const tlm::tlm_generic_payload& p, const char* where, bool dmi);
  void check_option_on_return(const tlm::tlm_generic_payload& p, tlm::tlm_gp_option before, const char* where);
  // What a target or interconnect may not change, against the start of the transaction.
  void check_unchanged(const PayloadSnapshot& start, const tlm::tlm_generic_payload& p, const char* where);
  void check_cleared(const PayloadSnapshot& start, const tlm::tlm_generic_payload& p, const char* where);
  // A memory manager is present if `required` (nb_transport), and, when
  // present, holds a reference count > 0.
  void check_memory_manager(const tlm::tlm_generic_payload& p, const char* where, bool required);
  // The shared path rules (protocol_flights.h).
  void request_passes(const tlm::tlm_generic_payload& p, const char* where);
  void response_passes(const tlm::tlm_generic_payload& p, const char* where);

  // Non-blocking transport (protocol_nonblocking.cpp).
  // A phase travelling towards the target (nb_transport_fw calls) or towards
  // the initiator (nb_transport_bw calls, TLM_UPDATED returns of nb_transport_fw).
  void forward_phase(const tlm::tlm_generic_payload& p, const tlm::tlm_phase& phase, const sc_core::sc_time& delay,
                     const char* where);
  void backward_phase(const tlm::tlm_generic_payload& p, const tlm::tlm_phase& phase, const sc_core::sc_time& delay,
                      const char* where);
  void transaction_ends(const tlm::tlm_generic_payload& p, const char* where);
  void check_timing(const tlm::tlm_generic_payload& p, const sc_core::sc_time& delay, const char* where);
  Hop& hop(const tlm::tlm_generic_payload& p);
  bool in_phase_sequence(const tlm::tlm_generic_payload& p) const;
  bool in_b_transport(const tlm::tlm_generic_payload& p) const;

  void violation(Rule r, const tlm::tlm_generic_payload& p, const std::string& what);

  Violations violations_;
  std::array<std::string, rule_count> first_;
  uint64_t transactions_ = 0;

  // b_transport: the payloads in a call through this checker now (more than
  // one only while targets wait), and spare snapshots so a call allocates nothing.
  std::vector<const tlm::tlm_generic_payload*> blocking_;
  std::vector<std::unique_ptr<PayloadSnapshot>> spare_snapshots_;

  // nb_transport: each transaction's state on this hop, and the exclusion
  // rules' state (the request and the response in progress, or null).
  std::unordered_map<const tlm::tlm_generic_payload*, Hop> hops_;
  size_t hops_limit_ = 1024;
  const tlm::tlm_generic_payload* request_in_progress_ = nullptr;
  const tlm::tlm_generic_payload* response_in_progress_ = nullptr;
};

}  // namespace cxlvp
