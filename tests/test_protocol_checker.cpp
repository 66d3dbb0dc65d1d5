// ProtocolChecker (models/common/protocol_checker.h): a clean path gives no
// violations; each rule is caught by one deliberately broken initiator or
// target, and counted under that rule only; every paper scenario runs clean
// with simulation.checks: protocol.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "command_runner.h"
#include "models/common/protocol_checker.h"
#include "models/memory/dram.h"
#include "platform/platform.h"
#include "platform/scenario_loader.h"
#include "testbench.h"

using namespace cxlvp;
using namespace cxlvp::test;
using Rule = ProtocolChecker::Rule;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// An initiator that sends one well-formed 64-byte write (or a debug read, or a
// DMI request), after `tweak` has broken the payload.
class Sender : public sc_core::sc_module {
 public:
  enum class Call { b_transport, debug, dmi };
  using Tweak = std::function<void(tlm::tlm_generic_payload&, sc_time&)>;
  tlm_utils::simple_initiator_socket<Sender> socket;

  Sender(sc_core::sc_module_name name, Tweak tweak, Call call = Call::b_transport)
      : sc_module(name), socket("socket"), tweak_(std::move(tweak)), call_(call) {
    SC_HAS_PROCESS(Sender);
    SC_THREAD(run);
  }

 private:
  void run() {
    tlm::tlm_generic_payload p;
    p.set_command(call_ == Call::debug ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    p.set_address(0x100);
    p.set_data_ptr(data_);
    p.set_data_length(64);
    p.set_streaming_width(64);
    p.set_byte_enable_ptr(nullptr);
    p.set_byte_enable_length(0);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay(10, SC_NS);
    if (tweak_) tweak_(p, delay);
    if (call_ == Call::b_transport) socket->b_transport(p, delay);
    if (call_ == Call::debug) socket->transport_dbg(p);
    if (call_ == Call::dmi) {
      tlm::tlm_dmi dmi;
      socket->get_direct_mem_ptr(p, dmi);
    }
  }

  Tweak tweak_;
  Call call_;
  unsigned char data_[64] = {};
};

// A target that tolerates any payload (touches no data), answers OK after
// 5 ns, then lets `tweak` break the answer. Debug returns `debug_bytes`
// (default: data_length); DMI is granted as `dmi_grant` says (default: refused).
class Responder : public sc_core::sc_module {
 public:
  using Tweak = std::function<void(tlm::tlm_generic_payload&, sc_time&)>;
  tlm_utils::simple_target_socket<Responder> in;
  Tweak tweak;
  int debug_bytes = -1;
  std::function<bool(tlm::tlm_dmi&)> dmi_grant;
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
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    if (tweak) tweak(p, delay);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) {
    ++calls;
    return debug_bytes < 0 ? p.get_data_length() : unsigned(debug_bytes);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    ++calls;
    return dmi_grant ? dmi_grant(dmi) : false;
  }
};

// Exactly one violation, of rule `r`, and its message names the checker and the rule.
void check_only(const ProtocolChecker& c, Rule r) {
  const auto& v = c.violations();
  CHECK(v.total == 1);
  for (size_t i = 0; i < ProtocolChecker::rule_count; ++i) {
    INFO("rule " << ProtocolChecker::rule_name(Rule(i)));
    CHECK(v.per_rule[i] == (Rule(i) == r ? 1u : 0u));
  }
  const std::string& m = c.first_message(r);
  CHECK(m.find(c.name()) != std::string::npos);
  CHECK(m.find(ProtocolChecker::rule_name(r)) != std::string::npos);
  CHECK(m.find("address 0x100") != std::string::npos);
}

// One broken initiator (payload tweak) against the tolerant target.
void broken_initiator(Rule r, Sender::Tweak tweak, Sender::Call call = Sender::Call::b_transport) {
  Sender s("s", std::move(tweak), call);
  ProtocolChecker checker("checker");
  Responder t("t");
  s.socket.bind(checker.in);
  checker.out.bind(t.in);
  sc_core::sc_start();
  CHECK(t.calls == 1);  // the checker forwards even a broken transaction
  check_only(checker, r);
}

// A well-formed initiator against a target broken by `setup`.
void broken_target(Rule r, std::function<void(Responder&)> setup, Sender::Call call = Sender::Call::b_transport) {
  Sender s("s", {}, call);
  ProtocolChecker checker("checker");
  Responder t("t");
  setup(t);
  s.socket.bind(checker.in);
  checker.out.bind(t.in);
  sc_core::sc_start();
  CHECK(t.calls == 1);
  check_only(checker, r);
}

}  // namespace

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

// simulation.checks: protocol puts a checker on each of the 13 main bindings,
// and they see the run's traffic (host bus, DDR, PCIe both ways).
TEST_CASE("protocol checks: the platform's checkers see the traffic", "[protocol]") {
  const Scenario s = load_scenario(std::string(CXLVP_SOURCE_DIR) + "/scenarios/paper/cxl_expert.yaml",
                                   {"simulation.checks=protocol"});
  Platform p(s);
  REQUIRE(p.run());
  REQUIRE(p.checkers().size() == 13);
  auto seen = [&p](const std::string& name) {
    for (const auto& c : p.checkers())
      if (name == c->name()) return c->transactions();
    return uint64_t(0);
  };
  CHECK(seen("check_fw_bus") > 0);
  CHECK(seen("check_bus_rc") > 0);
  CHECK(seen("check_rc_pcie") > 0);
  CHECK(seen("check_pcie_gpu") > 0);
  CHECK(seen("check_gpu_pcie") > 0);
  CHECK(seen("check_bus_cxl_rp") > 0);
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
