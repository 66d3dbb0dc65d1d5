#pragma once
// Test bench for ProtocolChecker (tests/test_protocol_*.cpp): initiators and
// targets that each break one rule of the TLM-2.0 base protocol on demand.
//
//  - Sender / Responder: blocking transport, debug transport and DMI. Sender
//    sends one well-formed 64-byte write at 0x100 (or a debug read, or a DMI
//    request) after `tweak` has broken it; Responder answers OK after 5 ns,
//    then lets its `tweak` break the answer.
//  - NbInitiator / NbTarget: non-blocking transport. Each logs every call and
//    return it sees (time, phase, status, delay), so a test can compare what
//    an initiator saw with and without a checker in between. NbTarget serves
//    requests as an approximately-timed target unless told otherwise:
//    BEGIN_REQ -> TLM_ACCEPTED, END_REQ 5 ns later, BEGIN_RESP (OK) 5 ns after
//    that, one request at a time.
//  - Interconnect: passes both kinds of transport on, with hooks for the
//    broken interconnects of the rules that span several checkers.
// The checks of a violation are in check_only: counted once, under its rule
// only, and the message names the checker, the rule and its clause.
#include <catch2/catch.hpp>

#include <deque>
#include <functional>
#include <sstream>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "models/common/protocol_checker.h"

namespace cxlvp::test {

using Rule = ProtocolChecker::Rule;
using sc_core::SC_NS;
using sc_core::sc_time;

// Exactly one violation, of rule `r`; its message names the checker, the rule and its clause.
inline void check_only(const ProtocolChecker& c, Rule r) {
  const auto& v = c.violations();
  CHECK(v.total == 1);
  for (size_t i = 0; i < ProtocolChecker::rule_count; ++i) {
    INFO("rule " << ProtocolChecker::rule_name(Rule(i)));
    CHECK(v.per_rule[i] == (Rule(i) == r ? 1u : 0u));
  }
  const std::string& m = c.first_message(r);
  INFO(m);
  CHECK(m.find(std::string(c.name()) + ": rule " + ProtocolChecker::rule_name(r)) != std::string::npos);
  CHECK(m.find(ProtocolChecker::rule_reference(r)) != std::string::npos);
  CHECK(m.find("address 0x100") != std::string::npos);
}

// A payload in the initial state the base protocol asks of an initiator.
inline void initialise(tlm::tlm_generic_payload& p, tlm::tlm_command cmd, unsigned char* data, unsigned length = 64) {
  p.set_command(cmd);
  p.set_address(0x100);
  p.set_data_ptr(data);
  p.set_data_length(length);
  p.set_streaming_width(length);
  p.set_byte_enable_ptr(nullptr);
  p.set_byte_enable_length(0);
  p.set_dmi_allowed(false);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

// ---------------------------------------------------------------------------
// Blocking transport, debug transport, DMI

class Sender : public sc_core::sc_module {
 public:
  enum class Call { b_transport, debug, dmi };
  using Tweak = std::function<void(tlm::tlm_generic_payload&, sc_time&)>;
  tlm_utils::simple_initiator_socket<Sender> socket;
  std::function<void(tlm::tlm_dmi&)> dmi_tweak;  // breaks the DMI descriptor before the call
  unsigned char data[64] = {};

  Sender(sc_core::sc_module_name name, Tweak tweak, Call call = Call::b_transport)
      : sc_module(name), socket("socket"), tweak_(std::move(tweak)), call_(call) {
    SC_HAS_PROCESS(Sender);
    SC_THREAD(run);
  }

 private:
  void run() {
    tlm::tlm_generic_payload p;
    initialise(p, call_ == Call::debug ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, data);
    sc_time delay(10, SC_NS);
    if (tweak_) tweak_(p, delay);
    if (call_ == Call::b_transport) socket->b_transport(p, delay);
    if (call_ == Call::debug) socket->transport_dbg(p);
    if (call_ == Call::dmi) {
      tlm::tlm_dmi dmi;
      if (dmi_tweak) dmi_tweak(dmi);
      socket->get_direct_mem_ptr(p, dmi);
    }
  }

  Tweak tweak_;
  Call call_;
};

// A target that tolerates any payload, answers OK after 5 ns, then lets
// `tweak` break the answer (also of debug transport). Debug returns
// `debug_bytes` (default: data_length); DMI is granted as `dmi_grant` says
// (default: refused). `fill`: the byte a read's data is filled with.
class Responder : public sc_core::sc_module {
 public:
  using Tweak = std::function<void(tlm::tlm_generic_payload&, sc_time&)>;
  tlm_utils::simple_target_socket<Responder> in;
  Tweak tweak;
  int debug_bytes = -1;
  std::function<bool(tlm::tlm_dmi&)> dmi_grant;
  unsigned char fill = 0xA5;
  unsigned calls = 0;

  explicit Responder(sc_core::sc_module_name name, Tweak t = {}) : sc_module(name), in("in"), tweak(std::move(t)) {
    in.register_b_transport(this, &Responder::b_transport);
    in.register_transport_dbg(this, &Responder::transport_dbg);
    in.register_get_direct_mem_ptr(this, &Responder::get_direct_mem_ptr);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
    ++calls;
    delay += sc_time(5, SC_NS);
    if (p.is_read())
      for (unsigned i = 0; i < p.get_data_length(); ++i) p.get_data_ptr()[i] = fill;
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    if (tweak) tweak(p, delay);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) {
    ++calls;
    sc_time unused;
    if (tweak) tweak(p, unused);
    return debug_bytes < 0 ? p.get_data_length() : unsigned(debug_bytes);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
    ++calls;
    sc_time unused;
    if (tweak) tweak(p, unused);
    return dmi_grant ? dmi_grant(dmi) : false;
  }
};

// One broken initiator (payload tweak) against the tolerant target.
inline void broken_initiator(Rule r, Sender::Tweak tweak, Sender::Call call = Sender::Call::b_transport) {
  Sender s("s", std::move(tweak), call);
  ProtocolChecker checker("checker");
  Responder t("t");
  s.socket.bind(checker.in);
  checker.out.bind(t.in);
  sc_core::sc_start();
  CHECK(t.calls == 1);  // the checker forwards even a broken transaction
  check_only(checker, r);
}

// A well-formed initiator (but for `sender_tweak`, which breaks no rule
// itself) against a target broken by `setup`.
inline void broken_target(Rule r, std::function<void(Responder&)> setup, Sender::Call call = Sender::Call::b_transport,
                          Sender::Tweak sender_tweak = {}) {
  Sender s("s", std::move(sender_tweak), call);
  ProtocolChecker checker("checker");
  Responder t("t");
  setup(t);
  s.socket.bind(checker.in);
  checker.out.bind(t.in);
  sc_core::sc_start();
  CHECK(t.calls == 1);
  check_only(checker, r);
}

// ---------------------------------------------------------------------------
// Non-blocking transport

// "<phase>", "<status>" and sc_time as text, for logs.
inline std::string text(const tlm::tlm_phase& phase) {
  std::ostringstream s;
  s << phase;
  return s.str();
}
inline const char* text(tlm::tlm_sync_enum status) {
  switch (status) {
    case tlm::TLM_ACCEPTED: return "TLM_ACCEPTED";
    case tlm::TLM_UPDATED: return "TLM_UPDATED";
    case tlm::TLM_COMPLETED: return "TLM_COMPLETED";
  }
  return "?";
}
inline std::string log_line(const char* call, const tlm::tlm_phase& in, const sc_time& delay_in,
                            tlm::tlm_sync_enum status, const tlm::tlm_phase& out, const sc_time& delay_out) {
  return sc_core::sc_time_stamp().to_string() + " " + call + " " + text(in) + " +" + delay_in.to_string() + " -> " +
         text(status) + " " + text(out) + " +" + delay_out.to_string();
}

// A memory manager for payloads owned by the test: counts the frees.
class CountingMm : public tlm::tlm_mm_interface {
 public:
  void free(tlm::tlm_generic_payload*) override { ++frees; }
  unsigned frees = 0;
};

class NbInitiator : public sc_core::sc_module, public tlm::tlm_bw_transport_if<> {
 public:
  using Bw = std::function<tlm::tlm_sync_enum(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_time&)>;
  tlm::tlm_initiator_socket<32> socket;
  std::function<void(NbInitiator&)> script;  // runs once in a thread from time 0
  // How to answer nb_transport_bw. Default: END_REQ -> TLM_ACCEPTED,
  // BEGIN_RESP -> TLM_COMPLETED (and `responses` counts it).
  Bw on_bw;
  std::vector<std::string> log;
  unsigned responses = 0;
  sc_core::sc_event response_event;
  CountingMm mm;
  tlm::tlm_generic_payload a, b;  // two transactions with a memory manager, acquired, initialised as writes
  unsigned char data_a[64] = {}, data_b[64] = {};

  explicit NbInitiator(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    socket.bind(*this);
    for (auto* p : {&a, &b}) {
      p->set_mm(&mm);
      p->acquire();
    }
    initialise(a, tlm::TLM_WRITE_COMMAND, data_a);
    initialise(b, tlm::TLM_WRITE_COMMAND, data_b);
    SC_HAS_PROCESS(NbInitiator);
    SC_THREAD(run);
  }

  tlm::tlm_sync_enum fw(tlm::tlm_generic_payload& p, tlm::tlm_phase phase, sc_time delay = sc_core::SC_ZERO_TIME) {
    const tlm::tlm_phase sent = phase;
    const sc_time delay_in = delay;
    const tlm::tlm_sync_enum status = socket->nb_transport_fw(p, phase, delay);
    log.push_back(log_line("fw", sent, delay_in, status, phase, delay));
    return status;
  }
  // Waits until `n` responses in all have arrived.
  void wait_responses(unsigned n) {
    while (responses < n) wait(response_event);
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase, sc_time& delay) override {
    const tlm::tlm_phase sent = phase;
    const sc_time delay_in = delay;
    tlm::tlm_sync_enum status = tlm::TLM_ACCEPTED;
    if (on_bw) {
      status = on_bw(p, phase, delay);
    } else if (phase == tlm::BEGIN_RESP) {
      status = tlm::TLM_COMPLETED;
    }
    if (sent == tlm::BEGIN_RESP) {
      ++responses;
      response_event.notify(sc_core::SC_ZERO_TIME);
    }
    log.push_back(log_line("bw", sent, delay_in, status, phase, delay));
    return status;
  }
  void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}

 private:
  void run() {
    if (script) script(*this);
  }
};

class NbTarget : public sc_core::sc_module, public tlm::tlm_fw_transport_if<> {
 public:
  using Fw = std::function<tlm::tlm_sync_enum(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_time&)>;
  tlm::tlm_target_socket<32> socket;
  // Replaces the default answer to nb_transport_fw (BEGIN_REQ -> queue it and
  // TLM_ACCEPTED; END_RESP -> TLM_COMPLETED).
  Fw on_fw;
  bool serve = true;                         // serve queued requests (END_REQ, BEGIN_RESP) in a thread
  std::function<void(NbTarget&)> script;     // runs once in another thread from time 0
  std::vector<tlm::tlm_generic_payload*> requests;  // every BEGIN_REQ received
  unsigned fw_calls = 0;
  sc_time b_transport_wait;  // how long b_transport waits (a target may, IEEE 1666-2011 11.1.1.4)
  std::vector<std::string> log;

  explicit NbTarget(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    socket.bind(*this);
    SC_HAS_PROCESS(NbTarget);
    SC_THREAD(serve_requests);
    SC_THREAD(run_script);
  }

  tlm::tlm_sync_enum bw(tlm::tlm_generic_payload& p, tlm::tlm_phase phase, sc_time delay = sc_core::SC_ZERO_TIME) {
    const tlm::tlm_phase sent = phase;
    const sc_time delay_in = delay;
    const tlm::tlm_sync_enum status = socket->nb_transport_bw(p, phase, delay);
    log.push_back(log_line("bw", sent, delay_in, status, phase, delay));
    return status;
  }

  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase, sc_time& delay) override {
    ++fw_calls;
    if (phase == tlm::BEGIN_REQ) requests.push_back(&p);
    if (on_fw) return on_fw(p, phase, delay);
    if (phase == tlm::BEGIN_REQ) {
      queue_.push_back(&p);
      arrived_.notify(delay);
      return tlm::TLM_ACCEPTED;
    }
    if (phase == tlm::END_RESP) end_resp_.notify(delay);
    return tlm::TLM_COMPLETED;
  }
  void b_transport(tlm::tlm_generic_payload& p, sc_time& delay) override {
    if (b_transport_wait != sc_core::SC_ZERO_TIME) wait(b_transport_wait);
    delay += sc_time(5, SC_NS);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) override { return false; }
  unsigned transport_dbg(tlm::tlm_generic_payload&) override { return 0; }

 private:
  void serve_requests() {
    while (serve) {
      while (queue_.empty()) wait(arrived_);
      tlm::tlm_generic_payload& p = *queue_.front();
      queue_.pop_front();
      wait(5, SC_NS);
      bw(p, tlm::END_REQ);
      wait(5, SC_NS);
      p.set_response_status(tlm::TLM_OK_RESPONSE);
      if (bw(p, tlm::BEGIN_RESP) == tlm::TLM_ACCEPTED) wait(end_resp_);
    }
  }
  void run_script() {
    if (script) script(*this);
  }

  std::deque<tlm::tlm_generic_payload*> queue_;
  sc_core::sc_event arrived_, end_resp_;
};

// ---------------------------------------------------------------------------
// An interconnect that passes every call on, with hooks for breaking it.
class Interconnect : public sc_core::sc_module,
                     public tlm::tlm_fw_transport_if<>,
                     public tlm::tlm_bw_transport_if<> {
 public:
  using Nb = std::function<tlm::tlm_sync_enum(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_time&)>;
  tlm::tlm_target_socket<32> in;
  tlm::tlm_initiator_socket<32> out;
  Nb on_fw, on_bw;  // replace passing nb_transport_fw / nb_transport_bw on
  std::function<void(tlm::tlm_generic_payload&)> after_b_transport;  // runs on b_transport's way back
  std::function<void(Interconnect&)> script;                          // runs once in a thread from time 0

  explicit Interconnect(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
    in.bind(static_cast<tlm::tlm_fw_transport_if<>&>(*this));
    out.bind(static_cast<tlm::tlm_bw_transport_if<>&>(*this));
    SC_HAS_PROCESS(Interconnect);
    SC_THREAD(run);
  }

  void b_transport(tlm::tlm_generic_payload& p, sc_time& delay) override {
    out->b_transport(p, delay);
    if (after_b_transport) after_b_transport(p);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase, sc_time& delay) override {
    return on_fw ? on_fw(p, phase, delay) : out->nb_transport_fw(p, phase, delay);
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase, sc_time& delay) override {
    return on_bw ? on_bw(p, phase, delay) : in->nb_transport_bw(p, phase, delay);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) override {
    return out->get_direct_mem_ptr(p, dmi);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) override { return out->transport_dbg(p); }
  void invalidate_direct_mem_ptr(sc_dt::uint64 s, sc_dt::uint64 e) override { in->invalidate_direct_mem_ptr(s, e); }

 private:
  void run() {
    if (script) script(*this);
  }
};

}  // namespace cxlvp::test
