// The cxlvp command as a user meets it: bad input gives exit status 2 and one
// line naming file, line and key; no result folder appears.
#include <catch2/catch.hpp>

#include "command_runner.h"
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;

namespace {

using cxlvp_test::check_rejected;
using cxlvp_test::Outcome;
using cxlvp_test::scratch;
using cxlvp_test::slurp;

Outcome cxlvp(const std::string& args) { return cxlvp_test::run_cxlvp(args); }

// Writes a scenario whose text is the default scenario with `edit` applied
// (a line-for-line replacement), so line numbers are known.
fs::path scenario_with(const std::string& from, const std::string& to) {
  std::string text = slurp(std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml");
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  const fs::path p = scratch() / "bad.yaml";
  std::ofstream(p) << text;
  return p;
}

using cxlvp_test::line_of;

}  // namespace

TEST_CASE("help: --help explains commands and exits 0", "[cli]") {
  const Outcome o = cxlvp("--help");
  CHECK(o.status == 0);
  for (const char* word : {"run", "validate", "--out", "--set", "--transactions", "summary.json"})
    CHECK(o.out.find(word) != std::string::npos);
}

TEST_CASE("validate accepts the default scenario", "[cli]") {
  const Outcome o = cxlvp(std::string("validate ") + CXLVP_SOURCE_DIR + "/scenarios/default.yaml");
  INFO(o.err);
  CHECK(o.status == 0);
}

TEST_CASE("a nonexistent scenario file is rejected", "[cli]") {
  check_rejected(cxlvp("run /nonexistent/x.yaml"), "/nonexistent/x.yaml");
}

TEST_CASE("an unknown command or option is rejected", "[cli]") {
  CHECK(cxlvp("frobnicate").status == 2);
  CHECK(cxlvp("run").status == 2);
  CHECK(cxlvp(std::string("run ") + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --bogus").status == 2);
}

TEST_CASE("an unknown key names file, line and key", "[cli]") {
  const fs::path p = scenario_with("    lanes: 16\n", "    lanez: 16\n");
  check_rejected(cxlvp("validate " + p.string()),
                 p.string() + ":" + std::to_string(line_of(p, "lanez")) + ": platform.pcie.lanez");
}

TEST_CASE("a zero bandwidth is rejected", "[cli]") {
  const fs::path p = scenario_with("internal_GBps: 100", "internal_GBps: 0");
  check_rejected(cxlvp("validate " + p.string()),
                 ":" + std::to_string(line_of(p, "internal_GBps")) + ": platform.cxl.ndp.internal_GBps");
}

TEST_CASE("a negative bandwidth is rejected", "[cli]") {
  const fs::path p = scenario_with("peak_GBps: 800", "peak_GBps: -800");
  check_rejected(cxlvp("validate " + p.string()), "platform.gpu.hbm.peak_GBps");
}

TEST_CASE("a wrong type is rejected", "[cli]") {
  const fs::path p = scenario_with("experts: 32", "experts: many");
  check_rejected(cxlvp("validate " + p.string()),
                 ":" + std::to_string(line_of(p, "experts: many")) + ": model.experts");
}

TEST_CASE("a CXL memory too small for the model's weights is rejected", "[cli]") {
  const fs::path p = scenario_with("capacity_GiB: 64, channels: 4", "capacity_GiB: 1, channels: 4");
  check_rejected(cxlvp("validate " + p.string()), "platform.cxl.dram.capacity_GiB");
}

TEST_CASE("overlapping address windows are rejected", "[cli]") {
  check_rejected(cxlvp(std::string("validate ") + CXLVP_SOURCE_DIR +
                       "/scenarios/default.yaml --set platform.address_map.mmio_base=0x1000000"),
                 "platform.address_map.mmio_base");
}

TEST_CASE("a bad --set is rejected without a result folder", "[cli]") {
  const fs::path out = scratch() / "never";
  const Outcome o = cxlvp(std::string("run ") + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --out " + out.string() +
                          " --set platform.pcie.lanes=3");
  check_rejected(o, "platform.pcie.lanes");
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("run writes a complete result folder and a transaction log", "[cli]") {
  const fs::path out = scratch() / "ok";
  const fs::path log = scratch() / "tx.csv";
  const Outcome o = cxlvp(std::string("run ") + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --out " + out.string() +
                          " --transactions " + log.string());
  INFO(o.err);
  REQUIRE(o.status == 0);
  CHECK(fs::exists(out / "summary.json"));
  CHECK(o.out.find("gpu.dma->cxl.mem") != std::string::npos);
  CHECK(o.out.find("cpu->cxl.mem") != std::string::npos);
  CHECK(o.out.find("cxl.ndp->cxl.mem") != std::string::npos);
  // The log has a header and one line per transaction, with hop times.
  std::ifstream in(log);
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  CHECK(header == "start_ns,route,cmd,address,bytes,latency_ns,hops");
  CHECK(first.find('@') != std::string::npos);
}

TEST_CASE("run --timing writes wall-clock times outside the result folder", "[cli]") {
  const fs::path out = scratch() / "timed";
  const fs::path timing = scratch() / "timing.json";
  const Outcome o = cxlvp(std::string("run ") + CXLVP_SOURCE_DIR + "/scenarios/paper/monde_ideal.yaml --quiet --out " +
                          out.string() + " --timing " + timing.string());
  INFO(o.err);
  REQUIRE(o.status == 0);
  const std::string text = slurp(timing);
  for (const char* key : {"\"elaboration_s\"", "\"simulation_s\"", "\"total_s\""}) CHECK(text.find(key) != std::string::npos);
  CHECK_FALSE(fs::exists(out / "timing.json"));  // the result folder stays byte-for-byte repeatable
  check_rejected(cxlvp(std::string("validate ") + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --timing " +
                       timing.string()),
                 "--timing applies to run only");
}

TEST_CASE("cxlvp --version names the program, its version and SystemC's", "[cli]") {
  const Outcome o = cxlvp("--version");
  CHECK(o.status == 0);
  CHECK(o.out.rfind("cxlvp 0.", 0) == 0);
  CHECK(o.out.find("SystemC 2.3") != std::string::npos);
}

TEST_CASE("options are spelled the same in every command: -j4, -j 4, --out=DIR, --out DIR", "[cli]") {
  const std::string small = std::string(CXLVP_SOURCE_DIR) + "/tests/data/sweep_small.yaml --set workload.batches=1";
  int spelling = 0;
  for (const std::string jobs : {"-j2", "-j 2", "--jobs 2", "--jobs=2"}) {
    INFO(jobs);
    const fs::path out = scratch() / ("sweep" + std::to_string(++spelling));
    const Outcome o = cxlvp("sweep " + small + " " + jobs + " --out=" + out.string());
    INFO(o.err);
    CHECK(o.status == 0);
    CHECK(o.err.find("2 at once") != std::string::npos);
  }
  const Outcome run = cxlvp(std::string("run ") + CXLVP_SOURCE_DIR + "/scenarios/default.yaml --quiet --out=" +
                            (scratch() / "eq").string() + " --set=seed=3");
  CHECK(run.status == 0);
  CHECK(slurp(scratch() / "eq" / "summary.json").find("\"seed\": 3") != std::string::npos);
}

TEST_CASE("the same mistake gets the same exit status and kind of message in every command", "[cli]") {
  const std::string scenario = std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml";
  const std::string small = std::string(CXLVP_SOURCE_DIR) + "/tests/data/sweep_small.yaml";
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"run", "run " + scenario},     {"sweep", "sweep " + small}, {"validate", "validate " + scenario},
      {"keys", "keys"},               {"bench", "bench"},          {"calibrate", "calibrate"}};
  for (const auto& [name, command] : commands) {
    INFO(command);
    check_rejected(cxlvp(command + " --no-such-option"),
                   "unknown option --no-such-option (see cxlvp " + name + " --help)");
    check_rejected(cxlvp(command + " extra-word"), "unexpected argument 'extra-word' (see cxlvp " + name + " --help)");
    const Outcome help = cxlvp(command.substr(0, command.find(' ')) + " --help");
    CHECK(help.status == 0);
    CHECK(help.out.find("usage:") != std::string::npos);
  }
  // A value missing, an option given twice, an option of another command.
  check_rejected(cxlvp("run " + scenario + " --out"), "--out needs a value (see cxlvp run --help)");
  check_rejected(cxlvp("bench --out"), "--out needs a value (see cxlvp bench --help)");
  check_rejected(cxlvp("calibrate --out"), "--out needs a value (see cxlvp calibrate --help)");
  check_rejected(cxlvp("run " + scenario + " --out a --out b"), "--out given more than once");
  check_rejected(cxlvp("bench --out a --out b"), "--out given more than once");
  check_rejected(cxlvp("run " + scenario + " -j 2"), "-j applies to sweep and calibrate only");
  check_rejected(cxlvp("validate " + scenario + " --quick"), "--quick applies to bench only");
  // Counts: the same words for -j in sweep and calibrate.
  check_rejected(cxlvp("sweep " + small + " -j0"), "-j needs a positive number (got '0')");
  check_rejected(cxlvp("calibrate -j0"), "-j needs a positive number (got '0')");
  check_rejected(cxlvp("--quiet run " + scenario), "the command comes first");
  // An option where a value belongs: refused, no file named "--quiet" written.
  check_rejected(cxlvp("run " + scenario + " --transactions --quiet"),
                 "--transactions needs a value, not the option '--quiet'");
  check_rejected(cxlvp("sweep " + small + " --set --out"), "--set needs a value, not the option '--out'");
  CHECK_FALSE(fs::exists("--quiet"));
}

// A checked run says on the console how many violations the checkers found,
// also when there are none (the count used to appear only in summary.json).
TEST_CASE("run: simulation.checks protocol reports its violations on the console", "[cli][protocol]") {
  const fs::path out = scratch() / "checked";
  const Outcome o = cxlvp("run " CXLVP_SOURCE_DIR "/scenarios/default.yaml --set simulation.checks=protocol --out " +
                          out.string());
  INFO(o.err);
  REQUIRE(o.status == 0);
  CHECK(o.out.find("protocol checks (simulation.checks: protocol): 0 violation(s) of the TLM-2.0 base protocol") !=
        std::string::npos);
  const Outcome plain = cxlvp("run " CXLVP_SOURCE_DIR "/scenarios/default.yaml --out " + (scratch() / "plain").string());
  CHECK(plain.out.find("protocol checks") == std::string::npos);
}

// Files named by --transactions, --save-routing and --timeline go where they
// are named, their folders made as needed (the README writes them under
// results/, which a fresh clone does not have yet).
TEST_CASE("run: files named by options get their folders made", "[cli]") {
  const fs::path base = scratch() / "fresh" / "results";
  const Outcome o = cxlvp("run " CXLVP_SOURCE_DIR "/scenarios/default.yaml --quiet --out " + (base / "run").string() +
                          " --transactions " + (base / "tx" / "tx.csv").string() + " --save-routing " +
                          (base / "routing" / "r.csv").string() + " --timeline " + (base / "tl" / "tl.json").string());
  INFO(o.err);
  REQUIRE(o.status == 0);
  CHECK(fs::file_size(base / "tx" / "tx.csv") > 0);
  CHECK(fs::file_size(base / "routing" / "r.csv") > 0);
  CHECK(fs::file_size(base / "tl" / "tl.json") > 0);
}

// A value the schema allows but no real part has (a unit mix-up: B/s under a
// GB/s key, Hz under GHz) is a warning naming file, line and key, and the
// command goes on; from --set it names --set. Shipped values warn nothing.
TEST_CASE("validate: implausible values are warnings naming file, line and key", "[cli][scenario]") {
  const fs::path bad = scenario_with("freq_GHz: 2.0", "freq_GHz: 2e9");
  const Outcome o = cxlvp("validate " + bad.string() + " --set platform.pcie.bandwidth_GBps=32e9");
  INFO(o.err);
  CHECK(o.status == 0);
  CHECK(o.err.find("cxlvp: warning: " + bad.string() + ":" + std::to_string(line_of(bad, "freq_GHz")) +
                   ": platform.cpu.freq_GHz: 2000000000 GHz is far outside any real part's range (0.1 to 10 GHz)") !=
        std::string::npos);
  CHECK(o.err.find("cxlvp: warning: --set: platform.pcie.bandwidth_GBps: 32000000000 GB/s is far outside") !=
        std::string::npos);
  CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 2);
  const Outcome plain = cxlvp("validate " CXLVP_SOURCE_DIR "/scenarios/default.yaml --set platform.pcie.bandwidth_GBps=0");
  CHECK(plain.status == 0);
  CHECK(plain.err.empty());  // 0 means "from generation and lanes": not implausible
}
