// ProtocolChecker, the rules that span several checkers (protocol_flights.h):
// two checkers around an interconnect,
//
//   initiator -> outer checker -> interconnect -> inner checker -> target
//
// see nothing wrong on a clean path of either kind of transport, and each
// catch the interconnect that breaks one rule: a response that does not come
// back the way its request went (15.2.11), read data changed on the way back
// (14.7), a transaction object sent anew while its response is on its way
// back (14.5).
#include <catch2/catch.hpp>

#include <vector>

#include "models/common/protocol_checker.h"
#include "models/common/protocol_flights.h"
#include "protocol_bench.h"

using namespace cxlvp;
using namespace cxlvp::test;
using tlm::tlm_generic_payload;
using tlm::tlm_phase;

namespace {

// initiator -> outer -> x -> inner -> target
template <class Initiator, class TargetSocket>
void chain(Initiator& i, ProtocolChecker& outer, Interconnect& x, ProtocolChecker& inner, TargetSocket& target) {
  i.socket.bind(outer.in);
  outer.out.bind(x.in);
  x.out.bind(inner.in);
  inner.out.bind(target);
}

}  // namespace

TEST_CASE("protocol checker: two checkers around an interconnect, clean reads both ways, no violations", "[protocol]") {
  // Blocking: a read whose data the target fills.
  Sender s("s", [](auto& p, auto&) { p.set_command(tlm::TLM_READ_COMMAND); });
  ProtocolChecker outer_b("outer_b"), inner_b("inner_b");
  Interconnect x_b("x_b");
  Responder t_b("t_b");
  chain(s, outer_b, x_b, inner_b, t_b.in);
  // Non-blocking: two transactions against the approximately-timed target.
  NbInitiator i("i");
  ProtocolChecker outer_nb("outer_nb"), inner_nb("inner_nb");
  Interconnect x_nb("x_nb");
  NbTarget t_nb("t_nb");
  i.script = [](NbInitiator& i) {
    i.fw(i.a, tlm::BEGIN_REQ);
    i.wait_responses(1);
    i.b.set_command(tlm::TLM_READ_COMMAND);
    i.fw(i.b, tlm::BEGIN_REQ);
    i.wait_responses(2);
  };
  chain(i, outer_nb, x_nb, inner_nb, t_nb.socket);
  sc_core::sc_start();
  CHECK(s.data[5] == t_b.fill);
  CHECK(i.responses == 2);
  for (const ProtocolChecker* c : {&outer_b, &inner_b, &outer_nb, &inner_nb}) {
    INFO(c->name());
    CHECK(c->transactions() == (c == &outer_b || c == &inner_b ? 1u : 2u));
    CHECK(c->violations().total == 0);
  }
}

TEST_CASE("protocol checker: interconnect changes read data on the way back", "[protocol]") {
  Sender s("s", [](auto& p, auto&) { p.set_command(tlm::TLM_READ_COMMAND); });
  ProtocolChecker outer("outer"), inner("inner");
  Interconnect x("x");
  Responder t("t");
  x.after_b_transport = [](tlm_generic_payload& p) { p.get_data_ptr()[7] ^= 0x55; };
  chain(s, outer, x, inner, t.in);
  sc_core::sc_start();
  CHECK(t.calls == 1);
  CHECK(inner.violations().total == 0);  // the data left the target as it was
  check_only(outer, Rule::response_data_modified);
  CHECK(outer.first_message(Rule::response_data_modified).find("first at byte 7") != std::string::npos);
}

TEST_CASE("protocol checker: interconnect answers before the target, the response path is not the request's",
          "[protocol]") {
  NbInitiator i("i");
  ProtocolChecker outer("outer"), inner("inner");
  Interconnect x("x");
  NbTarget t("t");
  t.serve = false;  // accepts the request, never answers
  t.on_fw = [](tlm_generic_payload&, tlm_phase&, sc_time&) { return tlm::TLM_ACCEPTED; };
  tlm_generic_payload* seen = nullptr;
  x.on_fw = [&seen, &x](tlm_generic_payload& p, tlm_phase& phase, sc_time& delay) {
    seen = &p;
    return x.out->nb_transport_fw(p, phase, delay);
  };
  x.script = [&seen](Interconnect& x) {  // answers the initiator itself, bypassing the inner checker
    wait(5, SC_NS);
    seen->set_response_status(tlm::TLM_OK_RESPONSE);
    tlm_phase phase = tlm::BEGIN_RESP;
    sc_time delay = sc_core::SC_ZERO_TIME;
    x.in->nb_transport_bw(*seen, phase, delay);
  };
  i.script = [](NbInitiator& i) { i.fw(i.a, tlm::BEGIN_REQ); };
  chain(i, outer, x, inner, t.socket);
  sc_core::sc_start();
  CHECK(i.responses == 1);
  CHECK(inner.violations().total == 0);
  check_only(outer, Rule::response_path);
  CHECK(outer.first_message(Rule::response_path).find("-> outer -> inner") != std::string::npos);
}

TEST_CASE("protocol checker: interconnect sends a transaction object anew while its response is on the way back",
          "[protocol]") {
  NbInitiator i("i");
  ProtocolChecker outer("outer"), inner("inner");
  Interconnect x("x");
  NbTarget t("t");  // approximately timed: END_REQ, then BEGIN_RESP
  tlm_generic_payload* held = nullptr;
  unsigned responses = 0;
  sc_core::sc_event response;
  x.on_bw = [&](tlm_generic_payload& p, tlm_phase& phase, sc_time& delay) {
    if (phase == tlm::BEGIN_RESP) {  // keeps the response here for now
      held = &p;
      ++responses;
      response.notify(sc_core::SC_ZERO_TIME);
      return tlm::TLM_COMPLETED;
    }
    if (responses == 0) return x.in->nb_transport_bw(p, phase, delay);  // the first END_REQ goes up
    return tlm::TLM_ACCEPTED;
  };
  x.script = [&](Interconnect& x) {
    wait(response);
    held->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    tlm_phase phase = tlm::BEGIN_REQ;  // the broken part: the initiator has not had its response yet
    sc_time delay = sc_core::SC_ZERO_TIME;
    x.out->nb_transport_fw(*held, phase, delay);
    wait(response);
    phase = tlm::BEGIN_RESP;  // at last, the initiator's response
    x.in->nb_transport_bw(*held, phase, delay);
  };
  i.script = [](NbInitiator& i) { i.fw(i.a, tlm::BEGIN_REQ); };
  chain(i, outer, x, inner, t.socket);
  sc_core::sc_start();
  CHECK(responses == 2);
  CHECK(i.responses == 1);
  CHECK(outer.violations().total == 0);
  check_only(inner, Rule::reused_in_response);
}

// The shared table keeps finished flights only up to a bound: 5000 distinct
// payload objects, each sent once, leave far fewer entries.
TEST_CASE("protocol checker: the table of flights stays bounded by what is in flight", "[protocol]") {
  struct Many : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Many> socket;
    std::vector<tlm_generic_payload> payloads = std::vector<tlm_generic_payload>(5000);
    unsigned char data[64] = {};
    explicit Many(sc_core::sc_module_name n) : sc_module(n), socket("socket") {
      SC_HAS_PROCESS(Many);
      SC_THREAD(run);
    }
    void run() {
      for (auto& p : payloads) {
        initialise(p, tlm::TLM_WRITE_COMMAND, data);
        sc_time delay = sc_core::SC_ZERO_TIME;
        socket->b_transport(p, delay);
      }
    }
  };
  Many m("m");
  ProtocolChecker checker("checker");
  Responder t("t");
  m.socket.bind(checker.in);
  checker.out.bind(t.in);
  sc_core::sc_start();
  CHECK(t.calls == 5000);
  CHECK(checker.violations().total == 0);
  CHECK(ProtocolFlights::global().size() <= 2048);
}
