// Calibration against published hardware figures (docs/calibration.md): the
// whole `cxlvp calibrate` table against its tolerance, and sensitivity checks
// that each probe moves the right way, by about the right amount, when the
// parameter behind it changes. ctest label `calibration`
// (ctest -L calibration). Every probe runs in its own cxlvp process.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "command_runner.h"
#include "platform/json_reader.h"

using namespace cxlvp_test;

namespace {

const std::string kBase = " --preset spr cz120 h100-pcie";

// `cxlvp calibrate --probe ...`: the "name = value" lines it prints.
std::map<std::string, double> probe(const std::string& args) {
  const Outcome o = run_cxlvp("calibrate --probe " + args);
  INFO(o.err);
  REQUIRE(o.status == 0);
  std::map<std::string, double> values;
  std::istringstream in(o.out);
  std::string key, equals;
  double value;
  while (in >> key >> equals >> value) values[key] = value;
  return values;
}

struct Table {
  std::map<std::string, std::string> json;
  // Index of the entry called `name` in entries/, or -1.
  int find(const std::string& name) const {
    for (int i = 0; json.count("entries/" + std::to_string(i) + "/name"); ++i)
      if (json.at("entries/" + std::to_string(i) + "/name") == name) return i;
    return -1;
  }
  std::string field(int i, const std::string& key) const { return json.at("entries/" + std::to_string(i) + "/" + key); }
};

}  // namespace

TEST_CASE("calibrate: every published figure is met within 10 %, or the entry says why", "[calibration]") {
  const fs::path out = scratch() / "calibration";
  const Outcome o = run_cxlvp("calibrate -j 2 --out " + out.string());
  INFO(o.err);
  REQUIRE(o.status == 0);
  CHECK(o.out.find("measured  published  error %") != std::string::npos);
  Table t{cxlvp::read_json_scalars(slurp(out / "calibration.json"))};
  REQUIRE(t.find("ddr_chase_latency") == 0);
  unsigned with_figure = 0;
  for (int i = 0; t.json.count("entries/" + std::to_string(i) + "/name"); ++i) {
    INFO(t.field(i, "name"));
    CHECK(t.field(i, "measured") != "null");
    if (t.field(i, "published") == "null") continue;
    ++with_figure;
    CHECK(!t.field(i, "source").empty());
    const double error = std::stod(t.field(i, "error_pct"));
    if (t.field(i, "status") == "explained") CHECK(t.field(i, "explanation").size() > 100);
    else CHECK(std::fabs(error) <= 10);
  }
  CHECK(with_figure >= 9);
  // The figures the calibration is for are met, not explained away.
  for (const char* name : {"ddr_chase_latency", "cxl_chase_latency", "cxl_ddr_latency_ratio",
                           "cz120_mix_2to1_bandwidth", "pcie5_x16_h2d_bandwidth", "amx_gemm_spr", "amx_gemm_gnr",
                           "amx_gemv_b1_weight_stream"}) {
    INFO(name);
    const int i = t.find(name);
    REQUIRE(i >= 0);
    CHECK(t.field(i, "status") == "ok");
  }

  // Loaded latency: flat at light load, rising steeply at saturation, CXL above DDR throughout.
  std::map<std::string, std::vector<std::pair<double, double>>> curves;  // memory -> (achieved, latency)
  std::istringstream csv(slurp(out / "loaded_latency.csv"));
  std::string line;
  std::getline(csv, line);
  while (std::getline(csv, line)) {
    std::istringstream row(line);
    std::string memory, offered, achieved, latency;
    std::getline(row, memory, ',');
    std::getline(row, offered, ',');
    std::getline(row, achieved, ',');
    std::getline(row, latency, ',');
    curves[memory].push_back({std::stod(achieved), std::stod(latency)});
  }
  REQUIRE(curves["ddr"].size() >= 10);
  REQUIRE(curves["cxl"].size() >= 10);
  for (const char* m : {"ddr", "cxl"}) {
    INFO(m);
    const auto& c = curves[m];
    CHECK(c[1].second < 1.1 * c[0].second);     // 10 % load: about the idle latency
    CHECK(c.back().second > 2 * c[0].second);   // beyond the peak: the cores' queue
  }
  CHECK(curves["cxl"][0].second > 2 * curves["ddr"][0].second);

  // AMX with weights in DDR: memory-bound at batch 1, the rate grows with the batch up to 64.
  std::istringstream amx(slurp(out / "amx_batch.csv"));
  std::map<unsigned, double> ddr_tflops;
  std::getline(amx, line);
  while (std::getline(amx, line)) {
    std::istringstream row(line);
    std::string weights, tokens, tflops;
    std::getline(row, weights, ',');
    std::getline(row, tokens, ',');
    std::getline(row, tflops, ',');
    if (weights == "ddr") ddr_tflops[std::stoul(tokens)] = std::stod(tflops);
  }
  REQUIRE(ddr_tflops.count(1));
  REQUIRE(ddr_tflops.count(64));
  CHECK(ddr_tflops[32] == Approx(32 * ddr_tflops[1]).epsilon(0.05));  // still streaming-bound at 32
  CHECK(ddr_tflops[64] > 30 * ddr_tflops[1]);
}

TEST_CASE("sensitivity: doubling the CXL link latency adds two traversals to the chase", "[calibration]") {
  // cz120's link latency is 15 ns each way; a read crosses the link twice.
  const double base = probe("chase --memory cxl" + kBase)["latency_ns"];
  const double doubled = probe("chase --memory cxl" + kBase + " --set platform.cxl.link.latency_ns=30")["latency_ns"];
  CHECK(doubled - base == Approx(30).epsilon(0.02));
  // DDR is not behind the link.
  CHECK(probe("chase --memory ddr" + kBase + " --set platform.cxl.link.latency_ns=30")["latency_ns"] ==
        Approx(probe("chase --memory ddr" + kBase)["latency_ns"]));
}

TEST_CASE("sensitivity: the DRAM idle latency moves the DDR chase one for one", "[calibration]") {
  const double base = probe("chase --memory ddr" + kBase)["latency_ns"];
  const double slower =
      probe("chase --memory ddr" + kBase + " --set platform.host.ddr.idle_latency_ns=174.3")["latency_ns"];
  CHECK(slower - base == Approx(50).epsilon(0.02));
}

TEST_CASE("sensitivity: halving the CXL lanes halves the 2:1 mix bandwidth", "[calibration]") {
  const double x8 = probe("stream --memory cxl --mix 2:1" + kBase)["GBps"];
  const double x4 = probe("stream --memory cxl --mix 2:1" + kBase + " --set platform.cxl.link.lanes=4")["GBps"];
  CHECK(x4 / x8 == Approx(0.5).epsilon(0.05));
}

TEST_CASE("sensitivity: halving the PCIe lanes halves host-to-device copies", "[calibration]") {
  const double x16 = probe("h2d" + kBase)["GBps"];
  const double x8 = probe("h2d" + kBase + " --set platform.pcie.lanes=8")["GBps"];
  CHECK(x8 / x16 == Approx(0.5).epsilon(0.05));
}

TEST_CASE("sensitivity: the AMX rate sets large-GEMM TFLOPS, DDR bandwidth sets batch 1", "[calibration]") {
  const double gemm = probe("amx --tokens 4096" + kBase)["TFLOPS"];
  const double twice = probe("amx --tokens 4096" + kBase + " --set platform.cpu.efficiency=0.3488")["TFLOPS"];
  CHECK(twice / gemm == Approx(2).epsilon(0.05));
  const double gemv = probe("amx --tokens 1" + kBase)["weight_GBps"];
  const double half_ddr = probe("amx --tokens 1" + kBase + " --set platform.host.ddr.peak_GBps=153.6")["weight_GBps"];
  CHECK(half_ddr / gemv == Approx(0.5).epsilon(0.05));
}

TEST_CASE("calibrate rejects bad options and unknown presets with exit status 2", "[calibration]") {
  const Outcome unknown = run_cxlvp("calibrate --probe chase --preset spr nonesuch");
  CHECK(unknown.status == 2);
  CHECK(unknown.err.find("platform.preset: unknown preset 'nonesuch' (expected one of paper, spr") !=
        std::string::npos);
  CHECK(run_cxlvp("calibrate --probe nonesuch").status == 2);
  CHECK(run_cxlvp("calibrate --probe stream --mix 2").status == 2);
  // A probe that cannot run fails in one line, exit status 1.
  const Outcome no_ndp = run_cxlvp("calibrate --probe ndp --preset spr cz120");
  CHECK(no_ndp.status == 1);
  CHECK(no_ndp.err == "cxlvp: error: ndp: needs platform.cxl.ndp.enabled: true\n");
  const Outcome help = run_cxlvp("calibrate --help");
  CHECK(help.status == 0);
  CHECK(help.out.find("presets: paper, spr, gnr, cz120, cxl-x16, h100-pcie, h200-pcie") != std::string::npos);
}
