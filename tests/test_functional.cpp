// Functional mode (docs/functional-mode.md): the reference against
// hand-computed cases and against the kernel every executor runs, the seeded
// data, and whole runs whose outputs must equal the reference bit for bit
// under every placement policy.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "command_runner.h"
#include "firmware/functional_check.h"
#include "firmware/functional_data.h"
#include "firmware/memory_layout.h"
#include "firmware/moe_reference.h"
#include "firmware/routing_generator.h"
#include "models/common/debug_access.h"
#include "models/common/expert_ffn.h"
#include "platform/json_reader.h"
#include "platform/platform.h"
#include "platform/report.h"
#include "platform/scenario_loader.h"

using namespace cxlvp;
namespace fs = std::filesystem;

namespace {

const std::string kScenario = std::string(CXLVP_SOURCE_DIR) + "/scenarios/studies/functional_moe.yaml";

// The checksum the reference gives for the study scenario with `overrides`,
// computed here from the seed and the routing generator alone: no platform.
std::string expected_checksum(const std::vector<std::string>& overrides = {}) {
  const Scenario s = load_scenario(kScenario, overrides);
  const ExpertShape shape{s.model.d_model, s.model.d_ff, s.model.requant_shift, FfnActivation::relu};
  RoutingGenerator routing(s.workload, s.model.experts, s.seed);
  uint64_t checksum = 0xcbf29ce484222325ull;
  for (uint32_t b = 0; b < s.workload.batches; ++b) {
    std::vector<int8_t> x = generate_batch_input(s.seed, b, s.workload.tokens_per_batch, shape.d_model);
    for (uint32_t l = 0; l < s.model.layers; ++l) x = reference::layer(s.seed, l, shape, routing.next_layer(b, l), x);
    checksum = fnv1a64(x.data(), x.size(), checksum);
  }
  return checksum_text(checksum);
}

struct Run {
  cxlvp_test::Outcome outcome;
  fs::path dir;
  std::string summary;
};

Run run_study(const std::string& name, const std::string& sets) {
  const fs::path dir = cxlvp_test::scratch() / name;
  Run r{cxlvp_test::run_cxlvp("run " + kScenario + " --out " + dir.string() + " " + sets), dir, ""};
  r.summary = cxlvp_test::slurp(dir / "summary.json");
  return r;
}

std::string json_string(const std::string& summary, const std::string& key) {
  const auto at = summary.find("\"" + key + "\": \"");
  if (at == std::string::npos) return "";
  const auto begin = at + key.size() + 5;
  return summary.substr(begin, summary.find('"', begin) - begin);
}

// A policy's run matches the reference computed here, and every lane it used ran real jobs.
void check_policy(const std::string& policy, const std::string& extra = "") {
  const Run r = run_study(policy, "--quiet --set policy.name=" + policy + " " + extra);
  INFO(r.outcome.err);
  REQUIRE(r.outcome.status == 0);
  CHECK(r.summary.find("\"output_matches_reference\": true") != std::string::npos);
  const std::string checksum = json_string(r.summary, "output_checksum");
  CHECK(checksum == json_string(r.summary, "reference_checksum"));
  CHECK(checksum == expected_checksum());  // the same for every policy: it does not depend on placement
}

}  // namespace

TEST_CASE("reference requantization rounds half up and applies ReLU and saturates", "[functional]") {
  // (acc * scale + 2^(shift-1)) >> shift, worked by hand.
  CHECK(reference::requantize(100, 3, 2, false) == 75);   // 300 / 4 = 75.0
  CHECK(reference::requantize(101, 3, 2, false) == 76);   // 303 / 4 = 75.75
  CHECK(reference::requantize(-6, 1, 2, false) == -1);    // -1.5 rounds up to -1
  CHECK(reference::requantize(-7, 1, 2, false) == -2);    // -1.75
  CHECK(reference::requantize(6, 1, 2, false) == 2);      // 1.5 rounds up to 2
  CHECK(reference::requantize(5, 7, 0, false) == 35);     // shift 0: the product
  CHECK(reference::requantize(-5, 7, 0, true) == 0);      // ReLU
  CHECK(reference::requantize(1000, 1, 0, false) == 127); // saturation
  CHECK(reference::requantize(-1000, 1, 0, false) == -128);
  CHECK(reference::requantize(1 << 30, 65535, 31, false) == 127);  // 2^30 * 65535 / 2^31 = 32767.5
  // The kernel every executor runs gives the same on each case.
  for (const auto& [acc, scale, shift, relu] : std::vector<std::tuple<int32_t, uint16_t, unsigned, bool>>{
           {100, 3, 2, false}, {-6, 1, 2, false}, {-7, 1, 2, false}, {-5, 7, 0, true}, {-1000, 1, 0, false},
           {1 << 30, 65535, 31, false}})
    CHECK(requantize(acc, scale, shift, relu ? FfnActivation::relu : FfnActivation::none) ==
          reference::requantize(acc, scale, shift, relu));
}

TEST_CASE("reference expert on a hand-computed 2x3 case", "[functional]") {
  // d_model 2, d_ff 3, shift 1.
  const ExpertShape shape{2, 3, 1, FfnActivation::relu};
  ExpertWeights w;
  w.w1 = {1, 2, -3, 1, 4, 0};    // rows: (1,2) (-3,1) (4,0)
  w.w2 = {1, 1, 1, -2, 0, 3};    // rows: (1,1,1) (-2,0,3)
  w.scale1 = {1, 2, 1};
  w.scale2 = {2, 1};
  const int8_t x[2] = {3, -1};
  // W1 x = (1, -10, 12); * scale1 = (1, -20, 12); >>1 rounding half up = (1, -10, 6); ReLU: h = (1, 0, 6).
  // W2 h = (7, 16); * scale2 = (14, 16); >>1 = (7, 8).
  CHECK(reference::expert(w, shape, x) == std::vector<int8_t>{7, 8});
  // The same through the blob every device reads.
  const std::vector<uint8_t> blob = pack_blob(w, shape);
  REQUIRE(blob.size() == shape.blob_bytes());
  CHECK(blob.size() == 6 + 6 + 6 + 4);
  CHECK(blob[12] == 1);   // scale1[0], little-endian u16 after W1 | W2
  CHECK(blob[14] == 2);
  CHECK(blob[18] == 2);   // scale2[0]
  int8_t y[2];
  expert_ffn(shape, blob.data(), x, 1, y);
  CHECK(y[0] == 7);
  CHECK(y[1] == 8);
}

TEST_CASE("reference expert equals expert_ffn on the packed blob for seeded data", "[functional]") {
  const ExpertShape shape{64, 96, 15, FfnActivation::relu};
  const ExpertWeights w = generate_expert(3, 1, 5, shape, 2);
  const std::vector<uint8_t> blob = pack_blob(w, shape);
  const unsigned tokens = 16;
  const std::vector<int8_t> x = generate_batch_input(3, 0, tokens, shape.d_model);
  std::vector<int8_t> y(x.size());
  expert_ffn(shape, blob.data(), x.data(), tokens, y.data());
  for (unsigned t = 0; t < tokens; ++t) {
    const std::vector<int8_t> expected = reference::expert(w, shape, &x[t * shape.d_model]);
    CHECK(std::equal(expected.begin(), expected.end(), y.begin() + t * shape.d_model));
  }
}

TEST_CASE("seeded data: the same seed gives the same bytes and outputs spread over int8", "[functional]") {
  const ExpertShape shape{128, 256, 16, FfnActivation::relu};
  CHECK(pack_blob(generate_expert(7, 0, 3, shape, 2), shape) == pack_blob(generate_expert(7, 0, 3, shape, 2), shape));
  CHECK(pack_blob(generate_expert(7, 0, 3, shape, 2), shape) != pack_blob(generate_expert(8, 0, 3, shape, 2), shape));
  CHECK(pack_blob(generate_expert(7, 0, 3, shape, 2), shape) != pack_blob(generate_expert(7, 1, 3, shape, 2), shape));
  CHECK(generate_batch_input(7, 0, 4, 128) == generate_batch_input(7, 0, 4, 128));
  CHECK(generate_batch_input(7, 0, 4, 128) != generate_batch_input(7, 1, 4, 128));

  // Two layers of a top-2 MoE with 8 experts: requantization neither always
  // saturates nor always gives 0, in the first layer and in the second.
  WorkloadConfig workload;
  workload.tokens_per_batch = 64;
  workload.top_k = 2;
  RoutingGenerator routing(workload, 8, 7);
  std::vector<int8_t> x = generate_batch_input(7, 0, 64, shape.d_model);
  for (uint32_t l = 0; l < 2; ++l) {
    x = reference::layer(7, l, shape, routing.next_layer(0, l), x);
    const auto count = [&x](auto pred) { return double(std::count_if(x.begin(), x.end(), pred)) / double(x.size()); };
    const std::set<int8_t> distinct(x.begin(), x.end());
    INFO("layer " << l);
    CHECK(count([](int8_t v) { return v == 127 || v == -128; }) < 0.1);
    CHECK(count([](int8_t v) { return v == 0; }) < 0.1);
    CHECK(distinct.size() > 150);
  }
}

TEST_CASE("usable requantization shifts keep scales in 16 bits", "[functional]") {
  const ShiftRange r = usable_shift_range(128, 256, 2);
  REQUIRE(r.lo <= r.hi);
  CHECK(r.lo <= 16);
  CHECK(r.hi >= 16);
  for (unsigned shift : {r.lo, r.hi}) {
    const ExpertShape shape{128, 256, shift, FfnActivation::relu};
    CHECK(nominal_scale1(shape) >= functional_data::kMinScale);
    CHECK(nominal_scale2(shape, 2) <= functional_data::kMaxScale);
  }
  const ExpertShape below{128, 256, r.lo - 1, FfnActivation::relu};
  CHECK(std::min(nominal_scale1(below), nominal_scale2(below, 2)) < functional_data::kMinScale);
}

TEST_CASE("functional run: gpu_only output equals the reference", "[functional][policy]") { check_policy("gpu_only"); }
TEST_CASE("functional run: static_tiers output equals the reference", "[functional][policy]") {
  check_policy("static_tiers");
}
TEST_CASE("functional run: monde_ideal output equals the reference", "[functional][policy]") {
  check_policy("monde_ideal");
}
TEST_CASE("functional run: cxl_expert output equals the reference", "[functional][policy]") {
  check_policy("cxl_expert");
}
TEST_CASE("functional run: cost_model output equals the reference", "[functional][policy]") {
  check_policy("cost_model");
}
TEST_CASE("functional run: weights in DDR with per_token compute and prefetch and layer fetch", "[functional][policy]") {
  check_policy("cxl_expert", "--set model.weights_home=ddr --set simulation.compute=per_token");
  check_policy("static_tiers", "--set policy.prefetch=true");
  check_policy("gpu_only", "--set policy.fetch=layer");
}

TEST_CASE("functional study: GPU and CPU and NDP all compute and the console shows the layers", "[functional]") {
  const Run r = run_study("lanes", "");
  INFO(r.outcome.err);
  REQUIRE(r.outcome.status == 0);
  std::ifstream jobs(r.dir / "jobs.csv");
  std::map<std::string, int> experts_on;
  for (std::string line; std::getline(jobs, line);)
    if (line.find(",expert,") != std::string::npos) ++experts_on[line.substr(line.find(',') + 1, 3)];
  CHECK(experts_on["gpu"] > 0);
  CHECK(experts_on["cpu"] > 0);
  CHECK(experts_on["ndp"] > 0);
  // One line per layer of each batch, and the verdict.
  CHECK(r.outcome.out.find("batch 0 layer 0: checksum 0x") != std::string::npos);
  CHECK(r.outcome.out.find("batch 3 layer 1: checksum 0x") != std::string::npos);
  CHECK(r.outcome.out.find("output matches the reference") != std::string::npos);
}

TEST_CASE("functional run: the same seed twice gives identical results and another seed other outputs", "[functional]") {
  const Run a = run_study("a", "--quiet"), b = run_study("b", "--quiet"), c = run_study("c", "--quiet --set seed=8");
  REQUIRE(a.outcome.status == 0);
  REQUIRE(b.outcome.status == 0);
  REQUIRE(c.outcome.status == 0);
  CHECK(a.summary == b.summary);
  CHECK(cxlvp_test::slurp(a.dir / "jobs.csv") == cxlvp_test::slurp(b.dir / "jobs.csv"));
  CHECK(json_string(a.summary, "output_checksum") != json_string(c.summary, "output_checksum"));
  CHECK(c.summary.find("\"output_matches_reference\": true") != std::string::npos);
}

// Functional jobs move the same bytes at the same pace as timing jobs of the
// same size, so in roofline mode every job starts and ends at the same time.
TEST_CASE("functional and timing mode give the same times for the same bytes", "[functional]") {
  const Run functional = run_study("times_functional", "--quiet");
  const ExpertShape shape{128, 256, 16, FfnActivation::relu};
  const Run timing = run_study("times_timing", "--quiet --set simulation.data=timing --set model.weight_bytes_per_param=1 "
                                               "--set model.activation_bytes_per_value=1 --set model.expert_bytes=" +
                                                   std::to_string(shape.blob_bytes()));
  REQUIRE(functional.outcome.status == 0);
  REQUIRE(timing.outcome.status == 0);
  CHECK(timing.summary.find("output_checksum") == std::string::npos);
  CHECK(cxlvp_test::slurp(functional.dir / "jobs.csv") == cxlvp_test::slurp(timing.dir / "jobs.csv"));
  CHECK(cxlvp_test::slurp(functional.dir / "routes.csv") == cxlvp_test::slurp(timing.dir / "routes.csv"));
}

// The comparison can fail: one weight byte flipped in memory after the
// firmware loaded it (a debug write, before any device reads it) gives a
// mismatch that names where the outputs first differ.
TEST_CASE("a corrupted weight byte makes the outputs differ from the reference", "[functional]") {
  const Scenario s = load_scenario(kScenario);
  RoutingGenerator routing(s.workload, s.model.experts, s.seed);
  const uint32_t expert = routing.next_layer(0, 0).experts[0];  // token 0's first expert in batch 0, layer 0
  Platform p(s);
  JobTable jobs(p.fw, p.telemetry().jobs, true);
  while (!p.fw.booted()) sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_NS));  // weights are in CXL memory
  // The high byte of scale2[0]: token 0's output element 0 through that expert becomes far larger.
  const ExpertShape shape{s.model.d_model, s.model.d_ff, s.model.requant_shift, FfnActivation::relu};
  const uint64_t address = p.memory_map().cxl_base + layout::weights + uint64_t(expert) * shape.blob_bytes() +
                           shape.scale2_offset() + 1;
  uint8_t byte = 0;
  REQUIRE(debug_transfer(p.fw.bus, tlm::TLM_READ_COMMAND, address, &byte, 1));
  byte ^= 0x40;
  REQUIRE(debug_transfer(p.fw.bus, tlm::TLM_WRITE_COMMAND, address, &byte, 1));
  REQUIRE(p.run());
  const RunReport r = collect_report(p, jobs);
  REQUIRE(r.functional);
  CHECK_FALSE(r.functional->matches);
  CHECK(r.functional->output_checksum != r.functional->reference_checksum);
  CHECK(r.functional->first_mismatch.rfind("batch 0, layer 0, token 0, element 0: platform ", 0) == 0);
}

TEST_CASE("bad functional keys are rejected with file and line and key", "[functional][cli]") {
  // Replaces `from` by `to` in the study scenario; the error must point at the line holding `line_text`.
  const auto rejected = [](const std::string& from, const std::string& to, const std::string& line_text,
                           const std::string& key, const std::string& message) {
    std::string text = cxlvp_test::slurp(kScenario);
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    const fs::path file = cxlvp_test::scratch() / "bad.yaml";
    std::ofstream(file) << text;
    const int line = cxlvp_test::line_of(file, line_text);
    REQUIRE(line > 0);
    cxlvp_test::check_rejected(cxlvp_test::run_cxlvp("validate " + file.string()),
                               file.string() + ":" + std::to_string(line) + ": " + key + ": " + message);
  };
  const std::string d_ff = "  d_ff: 256", policy = "policy:";
  rejected(d_ff, d_ff + "\n  weight_bytes_per_param: 2", "weight_bytes_per_param", "model.weight_bytes_per_param",
           "functional mode holds int8 weights: must be 1");
  rejected(d_ff, d_ff + "\n  activation_bytes_per_value: 2", "activation_bytes_per_value",
           "model.activation_bytes_per_value", "functional mode holds int8 activations: must be 1");
  rejected(d_ff, d_ff + "\n  expert_bytes: 65536", "expert_bytes", "model.expert_bytes", "functional mode derives it");
  rejected("  d_model: 128", "  d_model: 2048", "d_model: 2048", "model.d_model", "functional mode: must be <= 1024");
  rejected(d_ff, "  d_ff: 8192", "d_ff: 8192", "model.d_ff", "functional mode: must be <= 4096");
  rejected("  requant_shift: 16", "  requant_shift: 4", "requant_shift", "model.requant_shift", "must be in ");
  rejected(policy, "quantization:\n  ndp_weight_compression: 4\n" + policy, "ndp_weight_compression",
           "quantization.ndp_weight_compression", "functional mode computes on the int8 blob as stored: must be 1");
  rejected(policy, "quantization:\n  activation_compression: 2\n" + policy, "activation_compression",
           "quantization.activation_compression", "functional mode moves int8 activations as they are: must be 1");
  rejected("      internal_GBps: 100", "      internal_GBps: 100\n      max_d_model: 64", "  d_model: 128", "model.d_model",
           "must be <= 64, the NDP engine's platform.cxl.ndp.max_d_model");
  rejected("  data: functional", "  data: real", "data: real", "simulation.data", "must be one of timing, functional");
}
