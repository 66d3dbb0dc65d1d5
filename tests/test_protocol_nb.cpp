// ProtocolChecker, non-blocking transport: the checker forwards
// nb_transport_fw/bw as non-blocking calls, so an initiator sees through it
// exactly what it sees without it (phases, return values, delays, times);
// a clean phase sequence gives no violations; each phase and
// memory-management rule is caught by one deliberately broken initiator or
// target (tests/protocol_bench.h) and counted under that rule only.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/common/protocol_checker.h"
#include "models/common/target_socket.h"
#include "protocol_bench.h"

using namespace cxlvp;
using namespace cxlvp::test;
using tlm::tlm_generic_payload;
using tlm::tlm_phase;

namespace {

// An initiator `i` wired to `t` through a checker.
template <class Target>
void through_checker(NbInitiator& i, ProtocolChecker& c, Target& t) {
  i.socket.bind(c.in);
  c.out.bind(t.socket);
}

// Two transactions one after the other, each waiting for its response, and
// END_RESP sent by a call when the response was accepted rather than completed.
void two_transactions(NbInitiator& i) {
  for (tlm_generic_payload* p : {&i.a, &i.b}) {
    const unsigned before = i.responses;
    const tlm::tlm_sync_enum s = i.fw(*p, tlm::BEGIN_REQ, sc_time(2, SC_NS));
    if (s == tlm::TLM_COMPLETED) continue;
    i.wait_responses(before + 1);
  }
}

// A target of the platform's own kind (target_socket.h): answers nb_transport_fw
// by running b_transport and returning TLM_COMPLETED.
class ModelTarget : public sc_core::sc_module {
  void b_transport(tlm_generic_payload& p, sc_time& delay) {
    delay += sc_time(7, SC_NS);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

 public:
  TargetSocket<ModelTarget, &ModelTarget::b_transport> socket;
  explicit ModelTarget(sc_core::sc_module_name name) : sc_module(name), socket("socket", this) {}
};

// A target with blocking transport only behind a simple_target_socket, which
// converts nb_transport_fw to b_transport in a process of its own.
class BlockingOnlyTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<BlockingOnlyTarget> socket;
  explicit BlockingOnlyTarget(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    socket.register_b_transport(this, &BlockingOnlyTarget::b_transport);
  }

 private:
  void b_transport(tlm_generic_payload& p, sc_time& delay) {
    wait(3, SC_NS);
    delay += sc_time(4, SC_NS);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

// The same initiator script against two copies of a target, one directly and
// one through a checker: the initiators' logs (every call, return, phase,
// delay and time) are identical, and the checker counts no violation.
template <class Target>
void transparent(const std::vector<std::string>& must_contain) {
  NbInitiator direct("direct"), checked("checked");
  Target t1("t1"), t2("t2");
  ProtocolChecker checker("checker");
  direct.script = two_transactions;
  checked.script = two_transactions;
  direct.socket.bind(t1.socket);
  through_checker(checked, checker, t2);
  sc_core::sc_start();
  INFO("direct:\n" << Catch::Detail::stringify(direct.log));
  INFO("checked:\n" << Catch::Detail::stringify(checked.log));
  REQUIRE(!direct.log.empty());
  CHECK(checked.log == direct.log);
  for (const auto& line : must_contain) {
    bool found = false;
    for (const auto& l : checked.log) found = found || l.find(line) != std::string::npos;
    CHECK(found);
  }
  CHECK(checker.transactions() == 2);
  CHECK(checker.violations().total == 0);
}

// Runs `script` on an initiator wired through a checker to `t`; the checker
// must count exactly one violation, of rule `r`.
void broken(Rule r, std::function<void(NbInitiator&)> script, NbTarget& t) {
  NbInitiator i("i");
  ProtocolChecker checker("checker");
  i.script = std::move(script);
  through_checker(i, checker, t);
  sc_core::sc_start();
  CHECK(t.fw_calls > 0);  // the checker forwards even a broken transaction
  check_only(checker, r);
}

tlm::tlm_sync_enum accept(tlm_generic_payload&, tlm_phase&, sc_time&) { return tlm::TLM_ACCEPTED; }
tlm::tlm_sync_enum complete(tlm_generic_payload& p, tlm_phase&, sc_time&) {
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return tlm::TLM_COMPLETED;
}

}  // namespace

// --- Transparency: the checker forwards non-blocking calls as they are.

TEST_CASE("protocol checker: non-blocking, an approximately-timed target is seen the same through the checker",
          "[protocol]") {
  transparent<NbTarget>({"fw BEGIN_REQ +2 ns -> TLM_ACCEPTED", "bw END_REQ", "bw BEGIN_RESP +0 s -> TLM_COMPLETED"});
}

TEST_CASE("protocol checker: non-blocking, a platform model is seen the same through the checker", "[protocol]") {
  transparent<ModelTarget>({"fw BEGIN_REQ +2 ns -> TLM_COMPLETED BEGIN_RESP +9 ns"});
}

TEST_CASE("protocol checker: non-blocking, a blocking-only simple_target_socket is seen the same through the checker",
          "[protocol]") {
  transparent<BlockingOnlyTarget>({"fw BEGIN_REQ +2 ns -> TLM_ACCEPTED", "bw BEGIN_RESP"});
}

// A response accepted (TLM_ACCEPTED), then ended by an END_RESP call; a
// request answered at once with TLM_UPDATED and END_REQ: all legal.
TEST_CASE("protocol checker: non-blocking, the allowed phase shortcuts give no violations", "[protocol]") {
  NbInitiator i("i");
  NbTarget t("t");
  ProtocolChecker checker("checker");
  t.on_fw = [](tlm_generic_payload&, tlm_phase& phase, sc_time&) {
    if (phase == tlm::END_RESP) return tlm::TLM_COMPLETED;
    phase = tlm::END_REQ;  // accepted at once
    return tlm::TLM_UPDATED;
  };
  t.serve = false;
  t.script = [](NbTarget& t) {  // each response 10 ns after its request
    for (size_t n = 0; n < 2; ++n) {
      while (t.requests.size() <= n) wait(1, SC_NS);
      wait(10, SC_NS);
      t.requests[n]->set_response_status(tlm::TLM_OK_RESPONSE);
      t.bw(*t.requests[n], tlm::BEGIN_RESP);
    }
  };
  bool first = true;
  i.on_bw = [&first](tlm_generic_payload&, tlm_phase& phase, sc_time&) {
    if (phase != tlm::BEGIN_RESP) return tlm::TLM_ACCEPTED;
    if (first) {  // the first response is held (ended below by a call), the second ended on the return path
      first = false;
      return tlm::TLM_ACCEPTED;
    }
    phase = tlm::END_RESP;
    return tlm::TLM_UPDATED;
  };
  i.script = [](NbInitiator& i) {
    i.fw(i.a, tlm::BEGIN_REQ);
    i.wait_responses(1);
    i.fw(i.a, tlm::END_RESP);
    i.fw(i.b, tlm::BEGIN_REQ);
    i.wait_responses(2);
  };
  through_checker(i, checker, t);
  sc_core::sc_start();
  CHECK(i.responses == 2);
  CHECK(checker.transactions() == 2);
  CHECK(checker.violations().total == 0);
}

// --- 15.2.4, 15.2.3: phase order and direction.

TEST_CASE("protocol checker: non-blocking, END_RESP before BEGIN_RESP", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = [](tlm_generic_payload&, tlm_phase& phase, sc_time&) {
    return phase == tlm::BEGIN_REQ ? tlm::TLM_ACCEPTED : tlm::TLM_COMPLETED;
  };
  broken(Rule::phase_sequence,
         [](NbInitiator& i) {
           i.fw(i.a, tlm::BEGIN_REQ);
           i.fw(i.a, tlm::END_RESP);
         },
         t);
}

TEST_CASE("protocol checker: non-blocking, BEGIN_RESP sent on the forward path", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = complete;
  broken(Rule::phase_direction, [](NbInitiator& i) { i.fw(i.a, tlm::BEGIN_RESP); }, t);
}

// --- 15.2.6: exclusion rules.

TEST_CASE("protocol checker: non-blocking, BEGIN_REQ before the previous request's END_REQ", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = accept;
  broken(Rule::request_exclusion,
         [](NbInitiator& i) {
           i.fw(i.a, tlm::BEGIN_REQ);
           i.fw(i.b, tlm::BEGIN_REQ);
         },
         t);
}

TEST_CASE("protocol checker: non-blocking, BEGIN_RESP before the previous response's END_RESP", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = [](tlm_generic_payload&, tlm_phase& phase, sc_time&) {
    phase = tlm::END_REQ;
    return tlm::TLM_UPDATED;
  };
  t.script = [](NbTarget& t) {
    wait(10, SC_NS);
    for (auto* p : t.requests) {
      p->set_response_status(tlm::TLM_OK_RESPONSE);
      t.bw(*p, tlm::BEGIN_RESP);  // the second without waiting for the first's END_RESP
    }
  };
  NbInitiator i("i");
  ProtocolChecker checker("checker");
  i.on_bw = accept;  // holds each response
  i.script = [](NbInitiator& i) {
    i.fw(i.a, tlm::BEGIN_REQ);
    i.fw(i.b, tlm::BEGIN_REQ);
  };
  through_checker(i, checker, t);
  sc_core::sc_start();
  CHECK(i.responses == 2);
  check_only(checker, Rule::response_exclusion);
}

// --- 15.2.7: timing annotations along one transaction do not go back in time.

TEST_CASE("protocol checker: non-blocking, END_REQ returned earlier than its BEGIN_REQ", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = [](tlm_generic_payload&, tlm_phase& phase, sc_time& delay) {
    phase = tlm::END_REQ;
    delay = sc_core::SC_ZERO_TIME;  // the request arrives 20 ns from now; its end cannot be now
    return tlm::TLM_UPDATED;
  };
  broken(Rule::nb_timing_decreased, [](NbInitiator& i) { i.fw(i.a, tlm::BEGIN_REQ, sc_time(20, SC_NS)); }, t);
}

// --- 15.2.10: one transaction, one kind of transport at a time.

TEST_CASE("protocol checker: non-blocking, b_transport for a transaction in a phase sequence", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = accept;
  broken(Rule::blocking_nonblocking_mixed,
         [](NbInitiator& i) {
           i.fw(i.a, tlm::BEGIN_REQ);
           sc_time delay = sc_core::SC_ZERO_TIME;
           i.socket->b_transport(i.a, delay);
         },
         t);
}

TEST_CASE("protocol checker: non-blocking, BEGIN_REQ for a transaction in a b_transport call", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = accept;
  t.b_transport_wait = sc_time(10, SC_NS);
  broken(Rule::blocking_nonblocking_mixed,
         [](NbInitiator& i) {
           sc_core::sc_spawn([&i] {  // a second process of the initiator, while the first waits in b_transport
             wait(2, SC_NS);
             i.fw(i.a, tlm::BEGIN_REQ);
           });
           sc_time delay = sc_core::SC_ZERO_TIME;
           i.socket->b_transport(i.a, delay);
         },
         t);
}

// --- 14.17: the response status is set when the response is sent.

TEST_CASE("protocol checker: non-blocking, BEGIN_RESP with the response status still incomplete", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = [](tlm_generic_payload&, tlm_phase& phase, sc_time&) {
    if (phase == tlm::END_RESP) return tlm::TLM_COMPLETED;
    phase = tlm::BEGIN_RESP;  // answered at once, without setting the status
    return tlm::TLM_UPDATED;
  };
  broken(Rule::response_on_return,
         [](NbInitiator& i) {
           i.fw(i.a, tlm::BEGIN_REQ);
           i.fw(i.a, tlm::END_RESP);
         },
         t);
}

// --- 14.5: memory management for non-blocking calls.

TEST_CASE("protocol checker: non-blocking, a transaction without a memory manager", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = complete;
  broken(Rule::memory_manager,
         [](NbInitiator& i) {
           static unsigned char data[64];
           tlm_generic_payload p;  // no memory manager
           initialise(p, tlm::TLM_WRITE_COMMAND, data);
           i.fw(p, tlm::BEGIN_REQ);
         },
         t);
}

TEST_CASE("protocol checker: non-blocking, a memory-managed transaction never acquired", "[protocol]") {
  NbTarget t("t");
  t.serve = false;
  t.on_fw = complete;
  broken(Rule::reference_count,
         [](NbInitiator& i) {
           static unsigned char data[64];
           tlm_generic_payload p;
           p.set_mm(&i.mm);  // reference count 0
           initialise(p, tlm::TLM_WRITE_COMMAND, data);
           i.fw(p, tlm::BEGIN_REQ);
         },
         t);
}
