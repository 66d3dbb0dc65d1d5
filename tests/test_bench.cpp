// cxlvp bench runs end to end on one small scenario and prints its verdict
// lines. No timing assertions: the speed targets are the benchmark's printout
// (docs/performance.md), not a test's pass/fail.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <string>

#include "command_runner.h"
#include "platform/machine_load.h"

using cxlvp_test::Outcome;
using cxlvp_test::run_cxlvp;
using cxlvp_test::shell;
using cxlvp_test::scratch;
using cxlvp_test::slurp;

TEST_CASE("bench --quick runs one small scenario and prints the ratio line", "[bench]") {
  const std::string out = (scratch() / "bench").string();
  const auto r = run_cxlvp("bench --quick --scenarios " CXLVP_SOURCE_DIR "/scenarios/default.yaml --bursts 4096 --out " +
                           out);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("raw kernel rate: ") != std::string::npos);
  CHECK(r.out.find("default ") != std::string::npos);  // its table row
  CHECK(r.out.find("FAILED") == std::string::npos);
  CHECK(r.out.find("end-to-end rate / raw kernel rate: ") != std::string::npos);
  CHECK(r.out.find("at 4 KiB: total wall ") != std::string::npos);
  CHECK(r.out.find("through the platform's own sockets") != std::string::npos);
  CHECK(r.out.find("machine: load average ") != std::string::npos);
  CHECK(r.out.find("% of a core (") != std::string::npos);
  CHECK(r.out.find("accuracy across burst sizes") == std::string::npos);  // one burst size: nothing to compare
  const std::string json = slurp(scratch() / "bench" / "bench.json");
  CHECK(json.find("\"ratio_percent\"") != std::string::npos);
  CHECK(json.find("\"transactions\"") != std::string::npos);
  CHECK(json.find("\"simulation_s\"") != std::string::npos);  // from the run's --timing file
  CHECK(json.find("\"cpu_share\"") != std::string::npos);
  CHECK(json.find("\"busy\"") != std::string::npos);
}

TEST_CASE("bench --repeat runs each scenario again and requires identical results", "[bench]") {
  const auto r = run_cxlvp("bench --calls 100000 --repeat 2 --scenarios " CXLVP_SOURCE_DIR
                           "/scenarios/paper/monde_ideal.yaml --bursts 65536");
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("(best of 2 rounds; measured again after them)") != std::string::npos);
  CHECK(r.out.find("(best of 4 rounds, before and after the runs)") != std::string::npos);
  CHECK(r.out.find("each the best of 2") != std::string::npos);
  CHECK(r.out.find("FAILED") == std::string::npos);  // a difference between repeats would fail the run
}

// monde_ideal's simulated time moves by less than 0.001 % between these burst
// sizes (docs/performance.md), well inside the 1 % tolerance.
TEST_CASE("bench with two burst sizes prints the accuracy / speed trade-off", "[bench]") {
  const std::string out = (scratch() / "bench_bursts").string();
  const auto r = run_cxlvp("bench --quick --scenarios " CXLVP_SOURCE_DIR
                           "/scenarios/paper/monde_ideal.yaml --bursts 16384,65536 --out " + out);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("accuracy across burst sizes: simulated time within ") != std::string::npos);
  CHECK(r.out.find("(tolerance 1 %): holds") != std::string::npos);
  CHECK(r.out.find("largest burst against smallest: monde_ideal x") != std::string::npos);
  const std::string json = slurp(scratch() / "bench_bursts" / "bench.json");
  CHECK(json.find("\"burst_accuracy_holds\": true") != std::string::npos);
}

TEST_CASE("bench rejects a bad --repeat with exit status 2", "[bench]") {
  for (const char* bad : {"0", "x", "101"}) {
    const auto r = run_cxlvp(std::string("bench --repeat ") + bad);
    INFO(bad << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("--repeat") != std::string::npos);
  }
}

TEST_CASE("bench rejects an unknown option with exit status 2", "[bench]") {
  const auto r = run_cxlvp("bench --no-such-option");
  CHECK(r.status == 2);
  CHECK(r.err.find("--no-such-option") != std::string::npos);
}

// With more busy loops than cores running beside it, the bench gets well
// under one core: it must say the machine was busy rather than report its
// rates as they are. The loops end by themselves after 60 s (timeout) if the
// test dies first; otherwise they are killed by their process ids.
TEST_CASE("bench says the machine was busy when other processes hold the cores", "[bench]") {
  const long cores = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
  const std::string pids = (scratch() / "hog_pids").string();
  REQUIRE(shell("for i in $(seq " + std::to_string(cores + 1) +
                "); do timeout 60 sh -c 'while :; do :; done' >/dev/null 2>&1 & echo $!; done > " + pids) == 0);
  const auto r = run_cxlvp("bench --calls 1000000 --repeat 2 --scenarios " CXLVP_SOURCE_DIR
                           "/scenarios/paper/monde_ideal.yaml --bursts 65536");
  shell("kill $(cat " + pids + ") 2>/dev/null");
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("machine: load average ") != std::string::npos);
  CHECK(r.out.find("BUSY") != std::string::npos);
}

// Slow spells of a shared host show in no load average: the repeats of one
// run then differ widely, and the machine line must say so. Runs under 20 ms
// are left out (their noise is the timer's).
TEST_CASE("machine load: repeats of one run far apart mark the measurement unsteady", "[bench]") {
  cxlvp::MachineLoad machine;
  machine.note_repeats(0.010, 0.030);  // 10 ms: too short to count
  CHECK(machine.widest_spread() == 1.0);
  machine.note_repeats(0.100, 0.110);
  CHECK(machine.widest_spread() == Approx(1.1));
  machine.note_repeats(0.200, 0.320);
  machine.stop();
  CHECK(machine.widest_spread() == Approx(1.6));
  CHECK(machine.busy());
  const std::string line = machine.describe();
  CHECK(line.find("differed by up to x1.60") != std::string::npos);
  CHECK((line.find("UNSTEADY") != std::string::npos || line.find("BUSY") != std::string::npos));
}

// The topology check's verdict is timing, so only its lines and its record are
// asserted: both runs finished and both rates were measured.
TEST_CASE("bench --checks topology runs the switch scenario beside the default one", "[bench]") {
  const std::string out = (scratch() / "bench_topology").string();
  // The checks' scenarios are named relative to the source folder.
  const auto stdout_file = scratch() / "bench_topology.out", stderr_file = scratch() / "bench_topology.err";
  const int status = shell("cd " CXLVP_SOURCE_DIR " && " CXLVP_BINARY
                           " bench --quick --checks topology --scenarios scenarios/paper/monde_ideal.yaml"
                           " --bursts 65536 --out " + out + " >" + stdout_file.string() + " 2>" + stderr_file.string());
  const Outcome r{status, slurp(stdout_file), slurp(stderr_file)};
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("topology: four_behind_switch against default (20 batches each") != std::string::npos);
  CHECK(r.out.find("four_behind_switch tx/s: ") != std::string::npos);
  CHECK(r.out.find("% for default when the topology issue was filed (target: no worse): ") != std::string::npos);
  CHECK(r.out.find("four_behind_switch tx/s against default's today: ") != std::string::npos);
  CHECK(r.out.find("FAILED") == std::string::npos);
  CHECK(r.out.find("models: ") == std::string::npos);  // not asked for
  const std::string json = slurp(scratch() / "bench_topology" / "bench.json");
  CHECK(json.find("\"topology_check\"") != std::string::npos);
  CHECK(json.find("\"ratio_percent\"") != std::string::npos);
  CHECK(json.find("\"topology_percent_of_raw\"") != std::string::npos);
  CHECK(json.find("\"default_at_filing_percent_of_raw\": 8.5") != std::string::npos);
  CHECK(json.find("\"aim_holds\"") != std::string::npos);
  CHECK(json.find("\"model_burst_check\"") == std::string::npos);
}

TEST_CASE("bench rejects an unknown --checks item with exit status 2", "[bench]") {
  const auto r = run_cxlvp("bench --checks topology,speed");
  CHECK(r.status == 2);
  CHECK(r.err.find("--checks takes topology, models or none") != std::string::npos);
  CHECK(r.err.find("'speed'") != std::string::npos);
}
