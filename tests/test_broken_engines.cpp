// Deliberately broken engines (tests/data/broken_engines/): our RTL engines
// with one fault each, in the program cxlvp_broken (the cxlvp program built
// with them; CXLVP_BROKEN_ENGINE names the fault). Each must end
// `cxlvp run` of the RTL study within 30 s of wall time, with exit status 1,
// one line on stderr naming the engine and the fault, and no result folder.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>

#include "command_runner.h"

namespace fs = std::filesystem;
using cxlvp_test::Outcome;
using cxlvp_test::scratch;
using cxlvp_test::shell;
using cxlvp_test::slurp;

namespace {

const std::string kStudy = std::string(CXLVP_SOURCE_DIR) + "/scenarios/studies/ndp_rtl.yaml";
const std::string kAxiStudy = std::string(CXLVP_SOURCE_DIR) + "/scenarios/studies/ndp_rtl_axi.yaml";

struct Run {
  Outcome outcome;
  double wall_s;
  fs::path out;
};

Run run_broken(const std::string& fault, const std::string& scenario) {
  Run r;
  r.out = scratch() / ("results_" + fault);
  const fs::path out = scratch() / "stdout", err = scratch() / "stderr";
  const auto start = std::chrono::steady_clock::now();
  const int status = shell("CXLVP_BROKEN_ENGINE=" + fault + " " + CXLVP_BROKEN_BINARY + " run " + scenario +
                           " --quiet --out " + r.out.string() + " >" + out.string() + " 2>" + err.string());
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.outcome = {status, slurp(out), slurp(err)};
  return r;
}

// What every broken engine's run must show; `expected` are pieces of the line.
void check_caught(const Run& r, const std::vector<std::string>& expected) {
  INFO(r.outcome.err);
  CHECK(r.outcome.status == 1);
  CHECK(std::count(r.outcome.err.begin(), r.outcome.err.end(), '\n') == 1);
  for (const std::string& piece : expected) CHECK(r.outcome.err.find(piece) != std::string::npos);
  CHECK(r.wall_s < 30);
  CHECK_FALSE(fs::exists(r.out));
  // nor a half-written folder beside it
  for (const auto& entry : fs::directory_iterator(scratch()))
    CHECK(entry.path().filename().string().find(".partial.") == std::string::npos);
}

}  // namespace

// The program itself is sound: without a fault its engines give the study's outputs.
TEST_CASE("broken engines: without a fault cxlvp_broken runs the studies", "[ndp][rtl][broken]") {
  for (const std::string& scenario : {kStudy, kAxiStudy}) {
    const Run r = run_broken("none", scenario);
    INFO(r.outcome.err);
    CHECK(r.outcome.status == 0);
    CHECK(slurp(r.out / "summary.json").find("\"output_matches_reference\": true") != std::string::npos);
  }
}

TEST_CASE("broken engines: a wrong result", "[ndp][rtl][broken]") {
  check_caught(run_broken("wrong_result", kStudy),
               {"cxlvp: error: cxl.ndp (RTL, valid/ready): job tag ", "wrong result: y[0][0] at ",
                "expert_ffn() gives", "firmware: ndp job "});
}

TEST_CASE("broken engines: a hung engine that stays active", "[ndp][rtl][broken]") {
  check_caught(run_broken("stays_active", kStudy),
               {"cxl.ndp (RTL, valid/ready): watchdog: no progress", "for 1000000 cycles", "during job tag ",
                "last visible state: active 1", "firmware: ndp job "});
}

TEST_CASE("broken engines: an engine that goes idle without finishing", "[ndp][rtl][broken]") {
  check_caught(run_broken("idle_unfinished", kStudy),
               {"cxl.ndp (RTL, valid/ready): went idle (active 0) with a job not finished",
                "firmware: outstanding on ndp: job "});
}

TEST_CASE("broken engines: an extra write beat", "[ndp][rtl][broken]") {
  check_caught(run_broken("extra_write_beat", kStudy),
               {"cxl.ndp (RTL, valid/ready): pin protocol: channel mem_w, rule \"a write beat beyond the request\"",
                " at cycle ", "firmware: ndp job "});
}

TEST_CASE("broken engines: a payload changed under valid", "[ndp][rtl][broken]") {
  check_caught(run_broken("payload_change", kStudy),
               {"cxl.ndp (RTL, valid/ready): pin protocol: channel irq, rule "
                "\"irq_data/irq_addr changed while irq_valid waited\"",
                " at cycle "});
}

TEST_CASE("broken engines: an AXI burst across a 4 KiB boundary", "[ndp][rtl][broken]") {
  check_caught(run_broken("burst_across_4k", kAxiStudy),
               {"cxl.ndp (RTL, AXI4): pin protocol: channel AR, rule \"AXI4_ERRM_ARADDR_BOUNDARY", " at cycle ",
                "firmware: ndp job "});
}
