// The RTL NDP engine as a user selects it: platform.cxl.ndp.impl, the checks
// the loader makes for it, and `cxlvp run --vcd`.
#include <catch2/catch.hpp>

#include <filesystem>

#include "command_runner.h"

namespace fs = std::filesystem;
using cxlvp_test::check_rejected;
using cxlvp_test::Outcome;
using cxlvp_test::run_cxlvp;
using cxlvp_test::scratch;
using cxlvp_test::slurp;

namespace {

const std::string kDefault = std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml";
const std::string kNdpRtl = std::string(CXLVP_SOURCE_DIR) + "/scenarios/studies/ndp_rtl.yaml";
const std::string kNdpRtlAxi = std::string(CXLVP_SOURCE_DIR) + "/scenarios/studies/ndp_rtl_axi.yaml";

// The value of a string field of summary.json.
std::string summary_field(const fs::path& out, const std::string& key) {
  const std::string text = slurp(out / "summary.json");
  const auto at = text.find("\"" + key + "\": \"");
  if (at == std::string::npos) return "";
  const auto start = at + key.size() + 5;
  return text.substr(start, text.find('"', start) - start);
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
  check_rejected(run_cxlvp("validate " + kNdpRtl + " --set platform.cxl.ndp.queue_depth=8"),
                 "platform.cxl.ndp.queue_depth: must be 64 with impl rtl");
}

TEST_CASE("ndp rtl: an unknown implementation is refused", "[ndp][rtl][cli]") {
  check_rejected(run_cxlvp("validate " + kDefault + " --set platform.cxl.ndp.impl=vhdl"),
                 "platform.cxl.ndp.impl: must be one of tlm, rtl");
}

TEST_CASE("ndp rtl: an unknown pin contract is refused", "[ndp][rtl][cli]") {
  check_rejected(run_cxlvp("validate " + kNdpRtl + " --set platform.cxl.ndp.rtl_interface=axi3"),
                 "platform.cxl.ndp.rtl_interface: must be one of valid_ready, axi4");
}

TEST_CASE("ndp rtl: the RTL engine needs functional data", "[ndp][rtl][cli]") {
  check_rejected(run_cxlvp("validate " + kDefault + " --set platform.cxl.ndp.impl=rtl"),
                 "platform.cxl.ndp.impl: rtl runs functional jobs only: needs simulation.data: functional");
}

TEST_CASE("ndp rtl: a d_ff beyond the RTL engine's MAX_D_FF is refused", "[ndp][rtl][cli]") {
  check_rejected(run_cxlvp("validate " + kNdpRtl + " --set model.d_ff=2048"),
                 "model.d_ff: at most 1024 with platform.cxl.ndp.impl rtl");
}

// The acceptance run: the study with the RTL engine and with the TLM
// engine gives the same layer outputs, both equal to the reference, and the
// NDP engine did run jobs in both.
TEST_CASE("ndp rtl: the study gives identical outputs with the RTL and the TLM engine", "[ndp][rtl][cli]") {
  const fs::path rtl = scratch() / "rtl", tlm = scratch() / "tlm";
  const Outcome a = run_cxlvp("run " + kNdpRtl + " --quiet --out " + rtl.string());
  const Outcome b = run_cxlvp("run " + kNdpRtl + " --quiet --out " + tlm.string() + " --set platform.cxl.ndp.impl=tlm");
  INFO(a.err << b.err);
  REQUIRE(a.status == 0);
  REQUIRE(b.status == 0);
  const std::string sum = summary_field(rtl, "output_checksum");
  CHECK(sum.size() == 18);  // 0x + 16 hex digits
  CHECK(sum == summary_field(tlm, "output_checksum"));
  CHECK(sum == summary_field(rtl, "reference_checksum"));
  for (const fs::path& out : {rtl, tlm}) {
    const std::string jobs = slurp(out / "jobs.csv");
    CHECK(jobs.find(",ndp,") != std::string::npos);
  }
}

// Every expert on the GPU: the RTL engine only meets the firmware's boot
// (MSI_ADDR write, QUEUE_DEPTH read), which the waveforms show as
// register-bus cycles, and the run ends.
TEST_CASE("ndp rtl: run --vcd writes the engine's waveforms", "[ndp][rtl][cli]") {
  const fs::path vcd = scratch() / "ndp.vcd";
  const Outcome o = run_cxlvp("run " + kNdpRtl + " --quiet --out " + (scratch() / "r").string() +
                              " --set policy.name=gpu_only --vcd " + vcd.string());
  INFO(o.err);
  REQUIRE(o.status == 0);
  const std::string text = slurp(vcd);
  CHECK(text.find("$enddefinitions") != std::string::npos);
  for (const char* pin : {" clk ", " reg_valid ", " mem_req_valid ", " irq_valid "})
    CHECK(text.find(pin) != std::string::npos);
}

// The AXI4 study: the AXI4 engine, the valid/ready engine and the TLM engine
// give the same layer outputs, equal to the reference, and the AXI4 engine
// ran NDP jobs.
TEST_CASE("ndp rtl: the AXI4 study gives identical outputs with all three engines", "[ndp][rtl][cli]") {
  const fs::path axi = scratch() / "axi", vr = scratch() / "vr", tlm = scratch() / "tlm";
  const Outcome a = run_cxlvp("run " + kNdpRtlAxi + " --quiet --out " + axi.string());
  const Outcome b = run_cxlvp("run " + kNdpRtlAxi + " --quiet --out " + vr.string() +
                              " --set platform.cxl.ndp.rtl_interface=valid_ready");
  const Outcome c = run_cxlvp("run " + kNdpRtlAxi + " --quiet --out " + tlm.string() + " --set platform.cxl.ndp.impl=tlm");
  INFO(a.err << b.err << c.err);
  REQUIRE(a.status == 0);
  REQUIRE(b.status == 0);
  REQUIRE(c.status == 0);
  const std::string sum = summary_field(axi, "output_checksum");
  CHECK(sum.size() == 18);
  CHECK(sum == summary_field(vr, "output_checksum"));
  CHECK(sum == summary_field(tlm, "output_checksum"));
  CHECK(sum == summary_field(axi, "reference_checksum"));
  CHECK(slurp(axi / "jobs.csv").find(",ndp,") != std::string::npos);
}
