// The platform's sockets (models/common/target_socket.h, initiator_socket.h).
// TargetSocket: calls reach the module's handler, several initiators may bind
// one socket, nb_transport_fw completes at once with the delay b_transport
// added, DMI is refused, and a socket without a debug handler moves 0 bytes.
// InitiatorSocket: its b_transport reaches the bound target (a TargetSocket,
// directly through its module's handler, or a standard socket through the
// protocol checker, as with `checks: protocol`), debug transport still works
// through `->`, and a backward nb_transport call is reported as an error.
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/common/initiator_socket.h"
#include "models/common/protocol_checker.h"
#include "models/common/target_socket.h"

using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// Adds 10 ns to every b_transport and counts the calls; debug transport (it
// moves the payload's data length) only when asked for.
struct Target : sc_core::sc_module {
  void b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
    ++calls;
    delay += sc_time(10, SC_NS);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned debug(tlm::tlm_generic_payload& p) { return p.get_data_length(); }

  cxlvp::TargetSocket<Target, &Target::b_transport> in;
  int calls = 0;
  Target(sc_core::sc_module_name name, bool with_debug)
      : sc_module(name), in("in", this, with_debug ? &Target::debug : nullptr) {}
};

// Runs `body` once in a thread, with its own socket and a 4-byte payload.
struct Initiator : sc_core::sc_module {
  using Body = std::function<void(tlm_utils::simple_initiator_socket<Initiator>&, tlm::tlm_generic_payload&)>;
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  Body body;
  bool ran = false;
  Initiator(sc_core::sc_module_name name, Body b) : sc_module(name), body(std::move(b)) {
    SC_HAS_PROCESS(Initiator);
    SC_THREAD(run);
  }
  void run() {
    uint32_t word = 0;
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(0);
    p.set_data_ptr(reinterpret_cast<unsigned char*>(&word));
    p.set_data_length(4);
    p.set_streaming_width(4);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    body(socket, p);
    ran = true;
  }
};

// Issues `n` reads of 4 bytes with 5 ns of local time each and keeps the last delay.
struct Reader : sc_core::sc_module {
  cxlvp::InitiatorSocket out{"out"};
  int n;
  sc_time last_delay;
  unsigned debug_bytes = 0;
  bool ok = true;
  Reader(sc_core::sc_module_name name, int count) : sc_module(name), n(count) {
    SC_HAS_PROCESS(Reader);
    SC_THREAD(run);
  }
  void run() {
    uint32_t word = 0;
    tlm::tlm_generic_payload p;
    p.set_data_ptr(reinterpret_cast<unsigned char*>(&word));
    p.set_data_length(4);
    p.set_streaming_width(4);
    for (int i = 0; i < n; ++i) {
      p.set_command(tlm::TLM_READ_COMMAND);
      p.set_address(4 * uint64_t(i));
      p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_time delay(5, SC_NS);
      out.b_transport(p, delay);
      ok = ok && p.is_response_ok();
      last_delay = delay;
    }
    debug_bytes = out->transport_dbg(p);
  }
};

// A target that answers a transaction on the backward path, which the
// platform's loosely-timed initiators never expect.
struct BackwardCaller : sc_core::sc_module {
  tlm_utils::simple_target_socket<BackwardCaller> in{"in"};
  std::string error;
  explicit BackwardCaller(sc_core::sc_module_name name) : sc_module(name) {
    SC_HAS_PROCESS(BackwardCaller);
    SC_THREAD(run);
  }
  void run() {
    tlm::tlm_generic_payload p;
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    sc_time delay = sc_core::SC_ZERO_TIME;
    try {
      in->nb_transport_bw(p, phase, delay);
    } catch (const sc_core::sc_report& r) {
      error = r.get_msg();
    }
  }
};

}  // namespace

TEST_CASE("target socket: two initiators reach the registered b_transport", "[socket]") {
  Target target("target", false);
  sc_time seen_a, seen_b;
  const auto call = [](sc_time& seen) {
    return [&seen](tlm_utils::simple_initiator_socket<Initiator>& s, tlm::tlm_generic_payload& p) {
      sc_time delay(5, SC_NS);
      s->b_transport(p, delay);
      CHECK(p.is_response_ok());
      seen = delay;
    };
  };
  Initiator a("a", call(seen_a)), b("b", call(seen_b));
  a.socket.bind(target.in);
  b.socket.bind(target.in);
  sc_core::sc_start();
  CHECK(a.ran);
  CHECK(b.ran);
  CHECK(target.calls == 2);
  CHECK(seen_a == sc_time(15, SC_NS));
  CHECK(seen_b == sc_time(15, SC_NS));
}

TEST_CASE("target socket: nb_transport_fw completes at once; DMI refused; debug without handler moves nothing",
          "[socket]") {
  Target target("target", false);
  Initiator i("i", [](tlm_utils::simple_initiator_socket<Initiator>& s, tlm::tlm_generic_payload& p) {
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay(1, SC_NS);
    CHECK(s->nb_transport_fw(p, phase, delay) == tlm::TLM_COMPLETED);
    CHECK(phase == tlm::BEGIN_RESP);
    CHECK(delay == sc_time(11, SC_NS));
    CHECK(p.is_response_ok());
    tlm::tlm_dmi dmi;
    CHECK_FALSE(s->get_direct_mem_ptr(p, dmi));
    CHECK(dmi.get_start_address() == 0);
    CHECK(dmi.get_end_address() == ~sc_dt::uint64(0));
    CHECK(s->transport_dbg(p) == 0);
  });
  i.socket.bind(target.in);
  sc_core::sc_start();
  CHECK(i.ran);
  CHECK(target.calls == 1);
}

TEST_CASE("target socket: a registered debug transport is called", "[socket]") {
  Target target("target", true);
  Initiator i("i", [](tlm_utils::simple_initiator_socket<Initiator>& s, tlm::tlm_generic_payload& p) {
    CHECK(s->transport_dbg(p) == 4);
  });
  i.socket.bind(target.in);
  sc_core::sc_start();
  CHECK(i.ran);
  CHECK(target.calls == 0);
}

TEST_CASE("initiator socket: b_transport reaches the bound target socket", "[socket]") {
  Target target("target", true);
  Reader initiator("initiator", 3);
  initiator.out.bind(target.in);
  sc_core::sc_start();
  CHECK(target.calls == 3);
  CHECK(initiator.ok);
  CHECK(initiator.last_delay == sc_time(15, SC_NS));
  CHECK(initiator.debug_bytes == 4);
}

// InitiatorSocket, the address router and the burst engine call a TargetSocket
// through its module's handler (DirectTransport), not its virtual b_transport;
// a standard socket (the checker's above) through the virtual call.
TEST_CASE("direct transport: a target socket hands out its module's handler", "[socket]") {
  Target target("target", false);
  const cxlvp::DirectTransport direct = cxlvp::direct_transport_of(target.in);
  CHECK(direct.target == &target);
  uint32_t word = 0;
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(&word));
  p.set_data_length(4);
  sc_time delay(5, SC_NS);
  direct(p, delay);
  CHECK(target.calls == 1);
  CHECK(delay == sc_time(15, SC_NS));
  CHECK(p.is_response_ok());
}

TEST_CASE("initiator socket: through the protocol checker, no violations", "[socket]") {
  Target target("target", true);
  cxlvp::ProtocolChecker checker("checker");
  Reader initiator("initiator", 2);
  initiator.out.bind(checker.in);
  checker.out.bind(target.in);
  sc_core::sc_start();
  CHECK(target.calls == 2);
  CHECK(initiator.ok);
  CHECK(initiator.last_delay == sc_time(15, SC_NS));
  CHECK(checker.transactions() == 3);  // two b_transport calls and one debug call
  CHECK(checker.violations().total == 0);
}

TEST_CASE("initiator socket: nb_transport_bw is an error", "[socket]") {
  Reader initiator("initiator", 0);
  BackwardCaller target("target");
  initiator.out.bind(target.in);
  sc_core::sc_start();
  CHECK(target.error.find("unexpected nb_transport_bw") != std::string::npos);
}
