// TargetSocket (models/common/target_socket.h), the models' target socket:
// calls reach the module's handler, several initiators may bind one
// socket, nb_transport_fw completes at once with the delay b_transport added,
// DMI is refused, and a socket without a debug handler moves 0 bytes.
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>

#include <tlm_utils/simple_initiator_socket.h>

#include "models/common/target_socket.h"

using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// Adds 10 ns to every b_transport and counts the calls; debug transport only
// when asked to register it.
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
