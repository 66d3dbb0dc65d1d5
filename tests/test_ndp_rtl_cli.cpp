// The RTL NDP engine as a user selects it: platform.cxl.ndp.impl, the checks
// the loader makes for it, and `cxlvp run --vcd`.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "command_runner.h"

namespace fs = std::filesystem;
using cxlvp_test::Outcome;
using cxlvp_test::run_cxlvp;
using cxlvp_test::scratch;
using cxlvp_test::slurp;

namespace {

const std::string kDefault = std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml";

void check_rejected(const Outcome& o, const std::string& expected) {
  INFO(o.err);
  CHECK(o.status == 2);
  CHECK(o.err.find(expected) != std::string::npos);
  CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);  // one line
}

}  // namespace

TEST_CASE("ndp rtl: --vcd with the TLM engine is refused", "[ndp][rtl][cli]") {
  check_rejected(run_cxlvp("run " + kDefault + " --out " + (scratch() / "r").string() + " --vcd " +
                           (scratch() / "w.vcd").string()),
                 "--vcd writes the RTL NDP engine's waveforms");
  CHECK_FALSE(fs::exists(scratch() / "w.vcd"));
  CHECK_FALSE(fs::exists(scratch() / "r"));
}

TEST_CASE("ndp rtl: a queue depth other than the RTL's is refused", "[ndp][rtl][cli]") {
  check_rejected(run_cxlvp("validate " + kDefault +
                           " --set platform.cxl.ndp.impl=rtl --set platform.cxl.ndp.queue_depth=8"),
                 "platform.cxl.ndp.queue_depth: must be 64 with impl rtl");
}

TEST_CASE("ndp rtl: an unknown implementation is refused", "[ndp][rtl][cli]") {
  check_rejected(run_cxlvp("validate " + kDefault + " --set platform.cxl.ndp.impl=vhdl"),
                 "platform.cxl.ndp.impl: must be one of tlm, rtl");
}

// Every expert on the GPU or CPU: the RTL engine only meets the firmware's
// boot (MSI_ADDR write, QUEUE_DEPTH read), which the waveforms show as
// register-bus cycles, and the run ends.
TEST_CASE("ndp rtl: run --vcd writes the engine's waveforms", "[ndp][rtl][cli]") {
  const fs::path vcd = scratch() / "ndp.vcd";
  const Outcome o = run_cxlvp("run " + kDefault + " --quiet --out " + (scratch() / "r").string() +
                              " --set platform.cxl.ndp.impl=rtl --set policy.hot_experts=4"
                              " --set policy.warm_experts=28 --vcd " + vcd.string());
  INFO(o.err);
  REQUIRE(o.status == 0);
  const std::string text = slurp(vcd);
  CHECK(text.find("$enddefinitions") != std::string::npos);
  for (const char* pin : {" clk ", " reg_valid ", " mem_req_valid ", " irq_valid "})
    CHECK(text.find(pin) != std::string::npos);
}
