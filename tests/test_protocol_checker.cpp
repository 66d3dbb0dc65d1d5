// ProtocolChecker (models/common/protocol_checker.h), blocking transport,
// debug transport and DMI: a clean path gives no violations; each rule is
// caught by one deliberately broken initiator or target (tests/protocol_bench.h)
// and counted under that rule only; the platform's checkers see its traffic,
// and every paper scenario runs clean with simulation.checks: protocol.
// Non-blocking transport: test_protocol_nb.cpp; rules spanning several
// checkers: test_protocol_paths.cpp.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "command_runner.h"
#include "models/common/protocol_checker.h"
#include "models/common/transfer_hints.h"
#include "models/memory/dram.h"
#include "platform/platform.h"
#include "platform/scenario_loader.h"
#include "protocol_bench.h"
#include "testbench.h"

using namespace cxlvp;
using namespace cxlvp::test;


// A stream of 4 KiB bursts, single reads and writes and a debug read through
// the checker into the models' Dram: no violations, data arrives intact.
TEST_CASE("protocol checker: a clean path to Dram has no violations", "[protocol]") {
  set_quantum_ns(1000);
  Dram mem("mem", DramConfig{1 * GiB, 4, 25.6, 100, 256});
  ProtocolChecker checker("checker");
  const auto data = pattern(64 * KiB);
  std::vector<uint8_t> back(64 * KiB);
  bool ok_w = false, ok_r = false;
  unsigned dbg = 0;
  uint32_t word = 0;
  TestInitiator dma("dma", [&](TestInitiator& t) {
    std::vector<uint8_t> copy = data;
    ok_w = t.stream(tlm::TLM_WRITE_COMMAND, 0x10000, copy.size(), copy.data());
    ok_r = t.stream(tlm::TLM_READ_COMMAND, 0x10000, back.size(), back.data());
    t.write_reg<uint32_t>(0x200, 0xC0FFEE);
    word = t.read_reg<uint32_t>(0x200);
    uint8_t buf[16];
    dbg = t.debug(tlm::TLM_READ_COMMAND, 0x10000, buf, 16);
  });
  dma.socket.bind(checker.in);
  checker.out.bind(mem.in);
  sc_core::sc_start();
  CHECK(ok_w);
  CHECK(ok_r);
  CHECK(back == data);
  CHECK(word == 0xC0FFEE);
  CHECK(dbg == 16);
  CHECK(checker.transactions() >= 2 * 16 + 3);
  CHECK(checker.violations().total == 0);
}

TEST_CASE("protocol checker: invalid command", "[protocol]") {
  // 3: not READ, WRITE or IGNORE, yet inside tlm_command's range of values (0..3), so
  // storing it is defined behaviour (7 would be undefined, and UBSan stops on it).
  broken_initiator(Rule::command, [](auto& p, auto&) { p.set_command(tlm::tlm_command(3)); });
}

TEST_CASE("protocol checker: null data pointer with data", "[protocol]") {
  broken_initiator(Rule::data_ptr, [](auto& p, auto&) { p.set_data_ptr(nullptr); });
}

TEST_CASE("protocol checker: zero data length for a write", "[protocol]") {
  broken_initiator(Rule::data_length, [](auto& p, auto&) {
    p.set_data_length(0);
    p.set_streaming_width(64);
  });
}

TEST_CASE("protocol checker: zero streaming width", "[protocol]") {
  broken_initiator(Rule::streaming_width, [](auto& p, auto&) { p.set_streaming_width(0); });
}

TEST_CASE("protocol checker: streaming width that does not divide the length", "[protocol]") {
  broken_initiator(Rule::streaming_width, [](auto& p, auto&) { p.set_streaming_width(24); });
}

TEST_CASE("protocol checker: byte-enable pointer with zero length", "[protocol]") {
  static unsigned char be[4] = {0xFF, 0, 0xFF, 0};
  broken_initiator(Rule::byte_enable_length, [](auto& p, auto&) {
    p.set_byte_enable_ptr(be);
    p.set_byte_enable_length(0);
  });
}

TEST_CASE("protocol checker: response status not incomplete on entry", "[protocol]") {
  broken_initiator(Rule::response_on_entry, [](auto& p, auto&) { p.set_response_status(tlm::TLM_OK_RESPONSE); });
}

TEST_CASE("protocol checker: DMI-allowed hint set by the initiator", "[protocol]") {
  broken_initiator(Rule::dmi_allowed, [](auto& p, auto&) { p.set_dmi_allowed(true); });
}

TEST_CASE("protocol checker: target leaves the response incomplete", "[protocol]") {
  broken_target(Rule::response_on_return, [](Responder& t) {
    t.tweak = [](auto& p, auto&) { p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE); };
  });
}

TEST_CASE("protocol checker: target changes the data length", "[protocol]") {
  broken_target(Rule::attribute_modified, [](Responder& t) { t.tweak = [](auto& p, auto&) { p.set_data_length(32); }; });
}

TEST_CASE("protocol checker: target decreases the timing annotation", "[protocol]") {
  broken_target(Rule::delay_decreased, [](Responder& t) { t.tweak = [](auto&, sc_time& d) { d = sc_time(1, SC_NS); }; });
}

TEST_CASE("protocol checker: debug transport reports more bytes than asked", "[protocol]") {
  broken_target(Rule::debug_length, [](Responder& t) { t.debug_bytes = 72; }, Sender::Call::debug);
}

TEST_CASE("protocol checker: DMI granted with an inconsistent range", "[protocol]") {
  static unsigned char backing[4096];
  broken_target(
      Rule::dmi_range,
      [](Responder& t) {
        t.dmi_grant = [](tlm::tlm_dmi& d) {
          d.set_dmi_ptr(backing);
          d.set_start_address(0x1000);  // start above end, and not covering 0x100
          d.set_end_address(0x0FFF);
          d.allow_read_write();
          return true;
        };
      },
      Sender::Call::dmi);
}

// --- IEEE 1666-2011 11.1.1.4: b_transport may wait, so a method process must not call it.

namespace {
// Sends one write by b_transport from an SC_METHOD (run once, at initialisation).
class MethodSender : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<MethodSender> socket;
  explicit MethodSender(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    SC_HAS_PROCESS(MethodSender);
    SC_METHOD(send);
  }

 private:
  void send() {
    tlm::tlm_generic_payload p;
    initialise(p, tlm::TLM_WRITE_COMMAND, data_);
    sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(p, delay);
  }
  unsigned char data_[64] = {};
};
}  // namespace

TEST_CASE("protocol checker: b_transport called from a method process", "[protocol]") {
  MethodSender s("s");
  ProtocolChecker checker("checker");
  Responder t("t");
  s.socket.bind(checker.in);
  checker.out.bind(t.in);
  sc_core::sc_start();
  CHECK(t.calls == 1);
  check_only(checker, Rule::blocking_from_method);
  CHECK(checker.first_message(Rule::blocking_from_method).find("method process s.send") != std::string::npos);
}

// --- 14.7: contents a target must leave as they are.

TEST_CASE("protocol checker: target changes a write's data", "[protocol]") {
  broken_target(Rule::write_data_modified, [](Responder& t) {
    t.tweak = [](auto& p, auto&) { p.get_data_ptr()[37] ^= 1; };
  });
}

TEST_CASE("protocol checker: target changes the byte enables", "[protocol]") {
  static unsigned char be[4] = {0xFF, 0, 0xFF, 0};
  broken_target(
      Rule::byte_enables_modified, [](Responder& t) { t.tweak = [](auto& p, auto&) { p.get_byte_enable_ptr()[1] = 0xFF; }; },
      Sender::Call::b_transport,
      [](auto& p, auto&) {
        p.set_byte_enable_ptr(be);
        p.set_byte_enable_length(4);
      });
}

// A write marked timing-only (TransferHints::carries_data false: its data pointer is
// a scratch stand-in) has its pointers checked but not its contents; the same
// write carrying data is checked. docs/protocol-checking.md says why.
TEST_CASE("protocol checker: a timing-only write's contents are not compared, a data-carrying one's are", "[protocol]") {
  // Two benches in one simulation, the same but for the hints' carries_data.
  const auto marked = [](bool carries_data) {
    return [carries_data](tlm::tlm_generic_payload& p, sc_time&) {
      auto* hints = new TransferHints;  // the payload frees it
      hints->carries_data = carries_data;
      p.set_extension(hints);
    };
  };
  const auto flip = [](tlm::tlm_generic_payload& p, sc_time&) { p.get_data_ptr()[0] ^= 1; };
  Sender timing_only("timing_only", marked(false)), with_data("with_data", marked(true));
  ProtocolChecker quiet("quiet"), loud("loud");
  Responder t1("t1", flip), t2("t2", flip);
  timing_only.socket.bind(quiet.in);
  quiet.out.bind(t1.in);
  with_data.socket.bind(loud.in);
  loud.out.bind(t2.in);
  sc_core::sc_start();
  CHECK(t1.calls == 1);
  CHECK(t2.calls == 1);
  CHECK(quiet.violations().total == 0);
  check_only(loud, Rule::write_data_modified);
}

// --- 14.5: memory management.

namespace {
struct Marker : tlm::tlm_extension<Marker> {
  tlm::tlm_extension_base* clone() const override { return new Marker; }
  void copy_from(const tlm::tlm_extension_base&) override {}
};
CountingMm test_mm;
}  // namespace

TEST_CASE("protocol checker: target leaves an extension it set on a transaction without memory manager", "[protocol]") {
  broken_target(Rule::not_cleared, [](Responder& t) {
    t.tweak = [](auto& p, auto&) { p.set_extension(new Marker); };  // the payload frees it
  });
}

TEST_CASE("protocol checker: target leaves a memory manager it set", "[protocol]") {
  broken_target(Rule::not_cleared, [](Responder& t) { t.tweak = [](auto& p, auto&) { p.set_mm(&test_mm); }; });
}

TEST_CASE("protocol checker: b_transport with a memory manager and a reference count of 0", "[protocol]") {
  broken_initiator(Rule::reference_count, [](auto& p, auto&) { p.set_mm(&test_mm); });
}

// --- 14.8: the generic payload option.

TEST_CASE("protocol checker: b_transport with gp_option TLM_FULL_PAYLOAD", "[protocol]") {
  broken_initiator(Rule::gp_option, [](auto& p, auto&) { p.set_gp_option(tlm::TLM_FULL_PAYLOAD); });
}

TEST_CASE("protocol checker: debug transport with a full payload not initialised as for transport", "[protocol]") {
  broken_initiator(
      Rule::gp_option,
      [](auto& p, auto&) {
        p.set_gp_option(tlm::TLM_FULL_PAYLOAD);
        p.set_streaming_width(0);
      },
      Sender::Call::debug);
}

TEST_CASE("protocol checker: target changes gp_option TLM_MIN_PAYLOAD in debug transport", "[protocol]") {
  broken_target(
      Rule::gp_option,
      [](Responder& t) { t.tweak = [](auto& p, auto&) { p.set_gp_option(tlm::TLM_FULL_PAYLOAD_ACCEPTED); }; },
      Sender::Call::debug);
}

TEST_CASE("protocol checker: DMI request with gp_option TLM_FULL_PAYLOAD_ACCEPTED", "[protocol]") {
  broken_initiator(Rule::gp_option, [](auto& p, auto&) { p.set_gp_option(tlm::TLM_FULL_PAYLOAD_ACCEPTED); },
                   Sender::Call::dmi);
}

// --- 11.2.5: the DMI descriptor as the initiator passes it.

TEST_CASE("protocol checker: DMI descriptor not in its initial state", "[protocol]") {
  static unsigned char backing[16];
  Sender s("s", {}, Sender::Call::dmi);
  s.dmi_tweak = [](tlm::tlm_dmi& d) { d.set_dmi_ptr(backing); };  // left from an earlier grant
  ProtocolChecker checker("checker");
  Responder t("t");
  s.socket.bind(checker.in);
  checker.out.bind(t.in);
  sc_core::sc_start();
  CHECK(t.calls == 1);
  check_only(checker, Rule::dmi_descriptor);
}

// simulation.checks: protocol puts a checker on every binding of the platform
// (22: all but the firmware's debug-only view of HBM), and they see the run's
// traffic (host bus, DDR, PCIe both ways, inside the expander).
TEST_CASE("protocol checks: the platform's checkers see the traffic", "[protocol]") {
  const Scenario s = load_scenario(std::string(CXLVP_SOURCE_DIR) + "/scenarios/paper/cxl_expert.yaml",
                                   {"simulation.checks=protocol"});
  Platform p(s);
  REQUIRE(p.run());
  REQUIRE(p.checkers().size() == 22);
  auto seen = [&p](const std::string& name) {
    for (const auto& c : p.checkers())
      if (name == c->basename()) return c->transactions();
    return uint64_t(0);
  };
  CHECK(seen("check_fw_to_bus") > 0);
  CHECK(seen("check_bus_to_rc") > 0);
  CHECK(seen("check_rc_to_pcie") > 0);
  CHECK(seen("check_pcie_to_gpu_regs") > 0);
  CHECK(seen("check_gpu_dma_to_pcie") > 0);
  CHECK(seen("check_bus_to_cxl_rp") > 0);
  CHECK(seen("check_cxl_link_to_cxl_ctrl") > 0);
  CHECK(seen("check_cxl_ndp_mem_to_cxl_ctrl") > 0);
  CHECK(p.protocol_violations() == 0);
}

// Every paper scenario, with a checker on each main binding: exit 0, no violations.
namespace {
void paper_scenario_is_clean(const std::string& file) {
  const auto out = cxlvp_test::scratch() / "out";
  const auto r = cxlvp_test::run_cxlvp("run " + std::string(CXLVP_SOURCE_DIR) + "/scenarios/paper/" + file +
                                       " --quiet --out " + out.string() + " --set simulation.checks=protocol");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string summary = cxlvp_test::slurp(out / "summary.json");
  CHECK(summary.find("\"protocol_violations\": 0") != std::string::npos);
}
}  // namespace

TEST_CASE("protocol checks: paper gpu_only runs clean", "[protocol][paper]") { paper_scenario_is_clean("gpu_only.yaml"); }
TEST_CASE("protocol checks: paper cxl_expert runs clean", "[protocol][paper]") { paper_scenario_is_clean("cxl_expert.yaml"); }
TEST_CASE("protocol checks: paper cxl_expert_cpu_rule runs clean", "[protocol][paper]") {
  paper_scenario_is_clean("cxl_expert_cpu_rule.yaml");
}
TEST_CASE("protocol checks: paper monde_ideal runs clean", "[protocol][paper]") { paper_scenario_is_clean("monde_ideal.yaml"); }
TEST_CASE("protocol checks: paper beyond runs clean", "[protocol][paper]") { paper_scenario_is_clean("beyond.yaml"); }
TEST_CASE("protocol checks: paper quantization runs clean", "[protocol][paper]") { paper_scenario_is_clean("quantization.yaml"); }
TEST_CASE("protocol checks: paper threshold_sweep (base scenario) runs clean", "[protocol][paper]") {
  paper_scenario_is_clean("threshold_sweep.yaml");
}

// Without checks, summary.json has no protocol_violations key.
TEST_CASE("protocol checks: off by default, no key in summary.json", "[protocol]") {
  const auto out = cxlvp_test::scratch() / "out";
  const auto r = cxlvp_test::run_cxlvp("run " + std::string(CXLVP_SOURCE_DIR) + "/scenarios/paper/cxl_expert.yaml --quiet --out " +
                                       out.string());
  REQUIRE(r.status == 0);
  CHECK(cxlvp_test::slurp(out / "summary.json").find("protocol_violations") == std::string::npos);
}
