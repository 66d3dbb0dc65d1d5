// ProtocolChecker, non-blocking transport: nb_transport_fw and nb_transport_bw
// are forwarded as they are (phase, delay and return value untouched), and
// each phase is checked against the base protocol's state machine of its
// transaction on this hop (IEEE 1666-2011 15.2):
//
//   BEGIN_REQ -> END_REQ -> BEGIN_RESP -> END_RESP
//
// where BEGIN_RESP may stand for END_REQ too, TLM_UPDATED carries the next
// phase back on the return path, and TLM_COMPLETED ends the transaction at
// any point. Phases other than the four base ones are ignorable (15.2.5) and
// not checked.
#include "protocol_checker.h"

#include <sstream>

#include "protocol_flights.h"

namespace cxlvp {

namespace {

bool base_phase(const tlm::tlm_phase& phase) {
  return phase == tlm::BEGIN_REQ || phase == tlm::END_REQ || phase == tlm::BEGIN_RESP || phase == tlm::END_RESP;
}

std::string at(const char* where, const std::string& what) { return std::string(where) + ": " + what; }

std::string phase_text(const tlm::tlm_phase& phase) {
  std::ostringstream s;
  s << phase;
  return s.str();
}

}  // namespace

const char* ProtocolChecker::state_name(Phase phase) {
  switch (phase) {
    case Phase::idle: return "no transaction in progress";
    case Phase::begin_req: return "BEGIN_REQ";
    case Phase::end_req: return "END_REQ";
    case Phase::begin_resp: return "BEGIN_RESP";
  }
  return "?";
}

ProtocolChecker::Hop& ProtocolChecker::hop(const tlm::tlm_generic_payload& p) {
  // Finished transactions' entries are kept (payload objects are reused)
  // until the table grows past a bound; then they go.
  if (hops_.size() >= hops_limit_) {
    for (auto it = hops_.begin(); it != hops_.end();) it = it->second.idle() ? hops_.erase(it) : std::next(it);
    hops_limit_ = std::max<size_t>(1024, 2 * hops_.size());
  }
  return hops_[&p];
}

bool ProtocolChecker::in_phase_sequence(const tlm::tlm_generic_payload& p) const {
  if (hops_.empty()) return false;  // the usual case on a blocking-only platform: no lookup
  const auto it = hops_.find(&p);
  return it != hops_.end() && !it->second.idle();
}

void ProtocolChecker::check_timing(const tlm::tlm_generic_payload& p, const sc_core::sc_time& delay,
                                   const char* where) {
  Hop& h = hop(p);
  const sc_core::sc_time when = sc_core::sc_time_stamp() + delay;
  if (when < h.time)
    violation(Rule::nb_timing_decreased, p,
              at(where, "sc_time_stamp() + delay is " + when.to_string() + ", earlier than " + h.time.to_string() +
                            " of the transaction's previous call or return on this hop"));
  h.time = when;
}

void ProtocolChecker::transaction_ends(const tlm::tlm_generic_payload& p, const char* where) {
  Hop& h = hop(p);
  if (h.idle()) return;
  if (h.phase != Phase::begin_resp) ProtocolFlights::global().leave(p, this);  // completed before its response
  h.phase = Phase::idle;
  if (request_in_progress_ == &p) request_in_progress_ = nullptr;
  if (response_in_progress_ == &p) response_in_progress_ = nullptr;
  if (h.started) check_cleared(h.start, p, where);
}

void ProtocolChecker::forward_phase(const tlm::tlm_generic_payload& p, const tlm::tlm_phase& phase,
                                    const sc_core::sc_time& delay, const char* where) {
  if (phase == tlm::BEGIN_REQ) {
    ++transactions_;
    check_start(p, where);
    Hop& h = hop(p);
    if (!h.idle())
      violation(Rule::phase_sequence, p,
                at(where, std::string("BEGIN_REQ for a transaction still in progress on this hop (after ") +
                              state_name(h.phase) + ")"));
    if (request_in_progress_ && request_in_progress_ != &p)
      violation(Rule::request_exclusion, p,
                at(where, "BEGIN_REQ before the previous request on this hop had END_REQ or BEGIN_RESP"));
    request_in_progress_ = &p;
    if (in_b_transport(p))
      violation(Rule::blocking_nonblocking_mixed, p, at(where, "the transaction is in a b_transport call through this checker"));
    request_passes(p, where);
    h.phase = Phase::begin_req;
    h.time = sc_core::SC_ZERO_TIME;
    h.start.take(p, carries_contents(p));
    h.started = true;
  } else if (phase == tlm::END_RESP) {
    const Phase state = hop(p).phase;
    if (state != Phase::begin_resp)
      violation(Rule::phase_sequence, p,
                at(where, std::string("END_RESP after ") + state_name(state) + ", only after BEGIN_RESP"));
    check_timing(p, delay, where);
    transaction_ends(p, where);
    return;
  } else if (phase == tlm::END_REQ || phase == tlm::BEGIN_RESP || phase == tlm::UNINITIALIZED_PHASE) {
    violation(Rule::phase_direction, p,
              at(where, phase_text(phase) + " sent on the forward path, where only BEGIN_REQ and END_RESP travel"));
    return;
  } else {
    return;  // an ignorable phase
  }
  check_timing(p, delay, where);
}

void ProtocolChecker::backward_phase(const tlm::tlm_generic_payload& p, const tlm::tlm_phase& phase,
                                     const sc_core::sc_time& delay, const char* where) {
  if (phase == tlm::END_REQ) {
    Hop& h = hop(p);
    if (h.phase != Phase::begin_req)
      violation(Rule::phase_sequence, p,
                at(where, std::string("END_REQ after ") + state_name(h.phase) + ", only after BEGIN_REQ"));
    else
      h.phase = Phase::end_req;
    if (request_in_progress_ == &p) request_in_progress_ = nullptr;
  } else if (phase == tlm::BEGIN_RESP) {
    Hop& h = hop(p);
    if (h.phase != Phase::begin_req && h.phase != Phase::end_req)
      violation(Rule::phase_sequence, p,
                at(where, std::string("BEGIN_RESP after ") + state_name(h.phase) +
                              ", only after BEGIN_REQ or END_REQ"));
    h.phase = Phase::begin_resp;
    if (request_in_progress_ == &p) request_in_progress_ = nullptr;
    if (response_in_progress_ && response_in_progress_ != &p)
      violation(Rule::response_exclusion, p,
                at(where, "BEGIN_RESP before the previous response on this hop had END_RESP"));
    response_in_progress_ = &p;
    if (p.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
      violation(Rule::response_on_return, p,
                at(where, "BEGIN_RESP with the response status still TLM_INCOMPLETE_RESPONSE, the target must set it"));
    response_passes(p, where);
  } else if (phase == tlm::BEGIN_REQ || phase == tlm::END_RESP || phase == tlm::UNINITIALIZED_PHASE) {
    violation(Rule::phase_direction, p,
              at(where, phase_text(phase) + " sent on the backward path, where only END_REQ and BEGIN_RESP travel"));
    return;
  } else {
    return;  // an ignorable phase
  }
  check_timing(p, delay, where);
}

tlm::tlm_sync_enum ProtocolChecker::nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                                    sc_core::sc_time& delay) {
  const char* call = "nb_transport_fw call";
  const tlm::tlm_phase sent = phase;
  check_memory_manager(p, call, true);
  forward_phase(p, phase, delay, call);
  const tlm::tlm_sync_enum status = out->nb_transport_fw(p, phase, delay);

  const char* ret = "nb_transport_fw return";
  if (!base_phase(sent)) return status;
  // Looked up again: the call may have changed the table.
  if (const Hop& h = hop(p); h.started) check_unchanged(h.start, p, ret);
  if (status == tlm::TLM_UPDATED) {
    backward_phase(p, phase, delay, ret);
  } else if (status == tlm::TLM_COMPLETED && sent == tlm::BEGIN_REQ) {
    if (p.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
      violation(Rule::response_on_return, p,
                at(ret, "TLM_COMPLETED with the response status still TLM_INCOMPLETE_RESPONSE, the target must set it"));
    check_timing(p, delay, ret);
    response_passes(p, ret);
    hop(p).phase = Phase::begin_resp;  // the response has passed: ending now is not an early completion
    transaction_ends(p, ret);
  } else if (status == tlm::TLM_COMPLETED) {
    transaction_ends(p, ret);
  }
  return status;
}

tlm::tlm_sync_enum ProtocolChecker::nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                                    sc_core::sc_time& delay) {
  const char* call = "nb_transport_bw call";
  const tlm::tlm_phase sent = phase;
  check_memory_manager(p, call, true);
  backward_phase(p, phase, delay, call);
  const tlm::tlm_sync_enum status = in->nb_transport_bw(p, phase, delay);

  const char* ret = "nb_transport_bw return";
  if (!base_phase(sent)) return status;
  if (const Hop& h = hop(p); h.started) check_unchanged(h.start, p, ret);
  if (status == tlm::TLM_UPDATED) {
    if (phase == tlm::END_RESP) {
      const Phase state = hop(p).phase;
      if (state != Phase::begin_resp)
        violation(Rule::phase_sequence, p,
                  at(ret, std::string("END_RESP after ") + state_name(state) + ", only after BEGIN_RESP"));
      check_timing(p, delay, ret);
      transaction_ends(p, ret);
    } else if (base_phase(phase) || phase == tlm::UNINITIALIZED_PHASE) {
      violation(Rule::phase_direction, p,
                at(ret, phase_text(phase) + " returned on the backward path, where only END_RESP may come back"));
    }
  } else if (status == tlm::TLM_COMPLETED) {
    transaction_ends(p, ret);
  }
  return status;
}

}  // namespace cxlvp
