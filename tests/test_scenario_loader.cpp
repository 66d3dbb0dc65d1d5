// Scenario loader: defaults, binding, overrides, the generated reference, and
// one test case per kind of bad input (file, line, key and message of the error).
// Inputs live in tests/data/; no SystemC elaboration happens here.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "platform/scenario_loader.h"

using cxlvp::load_scenario;
using cxlvp::Scenario;
using cxlvp::ScenarioError;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

constexpr uint64_t GiB = 1ull << 30;

std::string data(const std::string& name) { return std::string(CXLVP_SOURCE_DIR) + "/tests/data/" + name; }

// The ScenarioError `load()` throws, or nothing when the scenario loads.
template <class Load>
std::optional<ScenarioError> error_of(Load load) {
  try {
    load();
  } catch (const ScenarioError& e) {
    return e;
  }
  return std::nullopt;
}

std::optional<ScenarioError> load_error(const std::string& path, const std::vector<std::string>& overrides = {}) {
  return error_of([&] { load_scenario(path, overrides); });
}

}  // namespace

// ---------------------------------------------------------------------------
// Good inputs.

TEST_CASE("a file with only a name gives the Scenario defaults") {
  const Scenario s = load_scenario(data("minimal.yaml"));
  const Scenario d;
  CHECK(s.file == data("minimal.yaml"));
  CHECK(s.name == "minimal");
  CHECK(s.seed == d.seed);
  CHECK(s.simulation.burst_bytes == d.simulation.burst_bytes);
  CHECK(s.simulation.compute == d.simulation.compute);
  CHECK(s.platform.address_map.cxl_base == d.platform.address_map.cxl_base);
  CHECK(s.platform.host.ddr.capacity_bytes == d.platform.host.ddr.capacity_bytes);
  CHECK(s.platform.cpu.cores == d.platform.cpu.cores);
  CHECK(s.platform.pcie.lanes == d.platform.pcie.lanes);
  CHECK(s.platform.gpu.hbm.peak_GBps == d.platform.gpu.hbm.peak_GBps);
  CHECK(s.platform.gpu.hbm_reserved_bytes == d.platform.gpu.hbm_reserved_bytes);
  CHECK(s.platform.cxl.link.flit_bytes == d.platform.cxl.link.flit_bytes);
  CHECK(s.platform.cxl.dram.capacity_bytes == d.platform.cxl.dram.capacity_bytes);
  CHECK(s.platform.cxl.ndp.enabled == d.platform.cxl.ndp.enabled);
  CHECK(s.model.experts == d.model.experts);
  CHECK(s.model.weights_home == d.model.weights_home);
  CHECK(s.workload.top_k == d.workload.top_k);
  CHECK(s.workload.distribution == d.workload.distribution);
  CHECK(s.policy.name == d.policy.name);
  CHECK(s.policy.fetch == d.policy.fetch);
}

TEST_CASE("a full file binds every value") {
  const Scenario s = load_scenario(data("full.yaml"));
  CHECK(s.name == "full");
  CHECK(s.seed == 42);
  CHECK(s.simulation.burst_bytes == 8192);
  CHECK(s.simulation.compute == cxlvp::ComputeMode::roofline);
  CHECK(s.platform.address_map.mmio_base == 0x1000000000ull);
  CHECK(s.platform.address_map.cxl_base == 0x2000000000ull);
  CHECK(s.platform.host.ddr.capacity_bytes == 32 * GiB);
  CHECK(s.platform.host.ddr.peak_GBps == Approx(150.5));
  CHECK(s.platform.host.ddr.interleave_bytes == 4096);
  CHECK(s.platform.cpu.efficiency == Approx(0.4));
  CHECK(s.platform.pcie.lanes == 8);
  CHECK(s.platform.pcie.max_payload_bytes == 512);
  CHECK(s.platform.gpu.hbm.capacity_bytes == 24 * GiB);
  CHECK(s.platform.gpu.hbm_reserved_bytes == 2 * GiB);
  CHECK(s.platform.cxl.link.flit_bytes == 256);
  CHECK(s.platform.cxl.link.header_slots_per_message == Approx(1.0));
  CHECK(s.platform.cxl.dram.capacity_bytes == 97 * GiB / 2);  // 48.5 GiB
  CHECK(s.platform.cxl.ndp.mac_GMACps == Approx(2000));
  CHECK(s.model.experts == 64);
  CHECK(s.model.weight_bytes_per_param == 1);
  CHECK(s.model.weights_home == cxlvp::WeightsHome::cxl);
  CHECK(s.workload.distribution == cxlvp::RoutingDistribution::uniform);
  CHECK(s.workload.top_k == 2);
  CHECK(s.workload.permute_experts);
  CHECK(s.policy.fetch == cxlvp::FetchMode::layer);
  CHECK(s.policy.hot_experts == 6);
}

TEST_CASE("overrides change values, including bools, enums and hex integers") {
  const Scenario s = load_scenario(data("full.yaml"), {"platform.cxl.ndp.enabled=false", "policy.name=gpu_only",
                                                       "simulation.compute=per_token", "platform.pcie.lanes=16",
                                                       "platform.gpu.hbm.capacity_GiB=40", "seed=0x10",
                                                       "model.experts=16", "model.experts=8"});
  CHECK_FALSE(s.platform.cxl.ndp.enabled);
  CHECK(s.policy.name == "gpu_only");
  CHECK(s.simulation.compute == cxlvp::ComputeMode::per_token);
  CHECK(s.platform.pcie.lanes == 16);
  CHECK(s.platform.gpu.hbm.capacity_bytes == 40 * GiB);
  CHECK(s.seed == 16);
  CHECK(s.model.experts == 8);  // the last override of a key wins
  CHECK(s.platform.pcie.generation == 5);  // the rest of the file stays
}

TEST_CASE("overrides create keys and blocks the file does not have") {
  const Scenario s =
      load_scenario(data("minimal.yaml"), {"platform.cxl.link.flit_bytes=256", "workload={top_k: 2, batches: 5}"});
  CHECK(s.platform.cxl.link.flit_bytes == 256);
  CHECK(s.workload.top_k == 2);
  CHECK(s.workload.batches == 5);
  CHECK(s.workload.tokens_per_batch == Scenario().workload.tokens_per_batch);
}

TEST_CASE("load_defaults gives the Scenario defaults with the overrides applied, from no file") {
  const Scenario s = cxlvp::load_defaults({"name=probe", "platform.pcie.lanes=8", "platform.preset=gnr"});
  const Scenario d;
  CHECK(s.file.empty());
  CHECK(s.name == "probe");
  CHECK(s.platform.pcie.lanes == 8);
  CHECK(s.platform.cpu.cores != d.platform.cpu.cores);  // from the preset
  CHECK(s.model.experts == d.model.experts);
}

// ---------------------------------------------------------------------------
// Bad overrides: the error names `--set` and no line.

TEST_CASE("an override of an unknown key is an error with a suggestion") {
  const auto e = load_error(data("minimal.yaml"), {"platform.pcie.lanez=4"});
  REQUIRE(e);
  CHECK(e->file == "--set");
  CHECK(e->line == 0);
  CHECK(e->key == "platform.pcie.lanez");
  CHECK(std::string(e->what()) == "--set: platform.pcie.lanez: unknown key (did you mean 'lanes'?)");
}

TEST_CASE("an override with an unknown block names the first unknown part") {
  const auto e = load_error(data("minimal.yaml"), {"platfrom.pcie.lanes=4"});
  REQUIRE(e);
  CHECK(e->file == "--set");
  CHECK(e->key == "platfrom");
  CHECK_THAT(e->what(), Contains("did you mean 'platform'?"));
}

TEST_CASE("an override without '=' is an error") {
  const auto e = load_error(data("minimal.yaml"), {"foo"});
  REQUIRE(e);
  CHECK(e->line == 0);
  CHECK(e->key.empty());
  CHECK(std::string(e->what()) == "--set: 'foo': expected key.path=value");
}

TEST_CASE("an override with an empty part in its key path is an error") {
  const auto e = load_error(data("minimal.yaml"), {"platform..lanes=4"});
  REQUIRE(e);
  CHECK(e->key.empty());
  CHECK(std::string(e->what()) == "--set: 'platform..lanes=4': expected key.path=value");
}

TEST_CASE("a bad value in an override is reported against --set") {
  const auto e = load_error(data("full.yaml"), {"platform.pcie.lanes=3"});
  REQUIRE(e);
  CHECK(e->file == "--set");
  CHECK(e->line == 0);
  CHECK(e->key == "platform.pcie.lanes");
  CHECK(std::string(e->what()) == "--set: platform.pcie.lanes: must be one of 1, 2, 4, 8, 16 (got 3)");
}

TEST_CASE("a cross-check that fails on an overridden key is reported against --set") {
  const auto e = load_error(data("minimal.yaml"), {"workload.top_k=33"});  // default model.experts is 32
  REQUIRE(e);
  CHECK(e->file == "--set");
  CHECK(e->key == "workload.top_k");
  CHECK_THAT(e->what(), Contains("must be <= model.experts, which is 32 (got 33)"));
}

TEST_CASE("with load_defaults every problem is reported against --set, there being no file") {
  const auto lanes = error_of([] { cxlvp::load_defaults({"name=probe", "platform.pcie.lanes=3"}); });
  REQUIRE(lanes);
  CHECK(std::string(lanes->what()) == "--set: platform.pcie.lanes: must be one of 1, 2, 4, 8, 16 (got 3)");
  const auto name = error_of([] { cxlvp::load_defaults({}); });  // a key no override wrote: still theirs to fix
  REQUIRE(name);
  CHECK(std::string(name->what()) == "--set: name: required key is missing");
}

// ---------------------------------------------------------------------------
// Bad files: one per kind of problem.

TEST_CASE("an unknown key is an error with the closest key suggested") {
  const auto e = load_error(data("bad_unknown_key.yaml"));
  REQUIRE(e);
  CHECK(e->file == data("bad_unknown_key.yaml"));
  CHECK(e->line == 3);
  CHECK(e->key == "policy.nmae");
  CHECK(std::string(e->what()) == data("bad_unknown_key.yaml") + ":3: policy.nmae: unknown key (did you mean 'name'?)");
}

TEST_CASE("a string where an unsigned integer is expected is a type error") {
  const auto e = load_error(data("bad_type_string.yaml"));
  REQUIRE(e);
  CHECK(e->line == 4);
  CHECK(e->key == "model.experts");
  CHECK_THAT(e->what(), Contains("expected an unsigned integer (got 'many')"));
}

TEST_CASE("a mapping where a value is expected is a type error") {
  const auto e = load_error(data("bad_type_mapping.yaml"));
  REQUIRE(e);
  CHECK(e->line == 4);
  CHECK(e->key == "platform.pcie.lanes");
  CHECK_THAT(e->what(), Contains("expected an unsigned integer (got a mapping)"));
}

TEST_CASE("a value where a block is expected is a type error") {
  const auto e = load_error(data("bad_type_scalar_block.yaml"));
  REQUIRE(e);
  CHECK(e->line == 2);
  CHECK(e->key == "simulation");
  CHECK_THAT(e->what(), Contains("expected a mapping (got 'fast')"));
}

TEST_CASE("a file without a name is an error on its first line") {
  const auto e = load_error(data("bad_missing_name.yaml"));
  REQUIRE(e);
  CHECK(e->line == 1);
  CHECK(e->key == "name");
  CHECK_THAT(e->what(), Contains("required key is missing"));
}

TEST_CASE("a zero DRAM bandwidth is an error") {
  const auto e = load_error(data("bad_zero_bandwidth.yaml"));
  REQUIRE(e);
  CHECK(e->line == 5);
  CHECK(e->key == "platform.cxl.dram.peak_GBps");
  CHECK_THAT(e->what(), Contains("must be > 0 (got 0)"));
}

TEST_CASE("a negative HBM bandwidth is an error") {
  const auto e = load_error(data("bad_negative_bandwidth.yaml"));
  REQUIRE(e);
  CHECK(e->line == 7);
  CHECK(e->key == "platform.gpu.hbm.peak_GBps");
  CHECK(std::string(e->what()) ==
        data("bad_negative_bandwidth.yaml") + ":7: platform.gpu.hbm.peak_GBps: must be > 0 (got -5)");
}

TEST_CASE("an unknown compute mode is an error listing the valid ones") {
  const auto e = load_error(data("bad_enum_compute.yaml"));
  REQUIRE(e);
  CHECK(e->line == 3);
  CHECK(e->key == "simulation.compute");
  CHECK_THAT(e->what(), Contains("must be one of per_token, roofline (got 'cycle_accurate')"));
}

TEST_CASE("an unknown policy name is an error listing the valid ones") {
  const auto e = load_error(data("bad_enum_policy.yaml"));
  REQUIRE(e);
  CHECK(e->line == 3);
  CHECK(e->key == "policy.name");
  CHECK_THAT(e->what(), Contains("must be one of gpu_only, static_tiers, monde_ideal, cxl_expert, adaptive, cost_model (got 'lru')"));
}

TEST_CASE("a PCIe link of 3 lanes is an error") {
  const auto e = load_error(data("bad_lanes.yaml"));
  REQUIRE(e);
  CHECK(e->line == 5);
  CHECK(e->key == "platform.pcie.lanes");
  CHECK(std::string(e->what()) ==
        data("bad_lanes.yaml") + ":5: platform.pcie.lanes: must be one of 1, 2, 4, 8, 16 (got 3)");
}

TEST_CASE("a 100-byte CXL flit is an error") {
  const auto e = load_error(data("bad_flit.yaml"));
  REQUIRE(e);
  CHECK(e->line == 5);
  CHECK(e->key == "platform.cxl.link.flit_bytes");
  CHECK_THAT(e->what(), Contains("must be one of 68, 256 (got 100)"));
}

TEST_CASE("top_k above the number of experts is an error on workload.top_k") {
  const auto e = load_error(data("bad_top_k.yaml"));
  REQUIRE(e);
  CHECK(e->line == 5);
  CHECK(e->key == "workload.top_k");
  CHECK_THAT(e->what(), Contains("must be <= model.experts, which is 8 (got 9)"));
}

TEST_CASE("an HBM too small for one expert is an error on its capacity") {
  const auto e = load_error(data("bad_hbm_too_small.yaml"));
  REQUIRE(e);
  CHECK(e->line == 6);
  CHECK(e->key == "platform.gpu.hbm.capacity_GiB");
  CHECK_THAT(e->what(), Contains("at least one expert"));
}

TEST_CASE("a CXL memory too small for the model's weights is an error on its capacity") {
  const auto e = load_error(data("bad_cxl_too_small.yaml"));
  REQUIRE(e);
  CHECK(e->line == 10);
  CHECK(e->key == "platform.cxl.dram.capacity_GiB");
  CHECK_THAT(e->what(), Contains("holds 4 GiB but needs 9 GiB"));
}

TEST_CASE("a problem with a key not written in the file points at its nearest written block") {
  const auto e = load_error(data("bad_cxl_capacity_unwritten.yaml"));
  REQUIRE(e);
  CHECK(e->line == 8);  // `cxl:`
  CHECK(e->key == "platform.cxl.dram.capacity_GiB");
  CHECK_THAT(e->what(), Contains("experts of weights"));
}

TEST_CASE("overlapping DDR and MMIO windows are an error on the later window") {
  const auto e = load_error(data("bad_overlap.yaml"));
  REQUIRE(e);
  CHECK(e->line == 6);
  CHECK(e->key == "platform.address_map.mmio_base");
  CHECK_THAT(e->what(), Contains("overlaps platform.address_map.ddr_base"));
}

TEST_CASE("a key written twice in one block is an error") {
  const auto e = load_error(data("bad_duplicate_key.yaml"));
  REQUIRE(e);
  CHECK(e->line == 4);
  CHECK(e->key == "model.experts");
  CHECK_THAT(e->what(), Contains("duplicate key (first at line 3)"));
}

TEST_CASE("a file that is not a mapping is an error") {
  const auto e = load_error(data("bad_not_mapping.yaml"));
  REQUIRE(e);
  CHECK(e->line == 1);
  CHECK(e->key.empty());
  CHECK_THAT(e->what(), Contains("expected a mapping of scenario keys (got a sequence)"));
}

TEST_CASE("a file that does not exist is an error without a line") {
  const std::string path = data("does_not_exist.yaml");
  const auto e = load_error(path);
  REQUIRE(e);
  CHECK(e->file == path);
  CHECK(e->line == 0);
  CHECK(e->key.empty());
  CHECK(std::string(e->what()) == path + ": cannot open scenario: No such file or directory");
}

TEST_CASE("a YAML syntax error is reported with yaml-cpp's message and line") {
  const auto e = load_error(data("bad_syntax.yaml"));
  REQUIRE(e);
  CHECK(e->line == 4);
  CHECK(e->key.empty());
  CHECK_THAT(e->what(), StartsWith(data("bad_syntax.yaml") + ":4: yaml: "));
}

// ---------------------------------------------------------------------------
// The generated reference.

TEST_CASE("the reference lists every key with its type, default, unit and allowed values") {
  const std::string markdown = cxlvp::scenario_reference_markdown();
  CHECK_THAT(markdown, Contains("| `name` | string | required |"));
  CHECK_THAT(markdown, Contains("| `platform.cxl.link.flit_bytes` | uint | `68` | bytes | one of 68, 256 |"));
  CHECK_THAT(markdown, Contains("| `platform.host.ddr.capacity_GiB` | number | `512` | GiB | > 0 and <= 1048576 |"));
  CHECK_THAT(markdown, Contains("| `policy.name` | enum | `static_tiers` | - | one of gpu_only, static_tiers, monde_ideal, cxl_expert, adaptive, cost_model |"));
  CHECK_THAT(markdown, Contains("| `platform.cxl.ndp.enabled` | bool | `true` |"));
}

// CXLVP_WRITE_REFERENCE=<path> writes the reference there instead of comparing:
//   CXLVP_WRITE_REFERENCE=docs/scenario-reference.md build/tests/test_scenario_loader
TEST_CASE("docs/scenario-reference.md is up to date with the schema") {
  const std::string markdown = cxlvp::scenario_reference_markdown();
  if (const char* out = std::getenv("CXLVP_WRITE_REFERENCE")) {
    std::ofstream(out) << markdown;
    SUCCEED("wrote " << out);
    return;
  }
  std::ifstream in(std::string(CXLVP_SOURCE_DIR) + "/docs/scenario-reference.md");
  REQUIRE(in);
  std::ostringstream committed;
  committed << in.rdbuf();
  INFO("regenerate with CXLVP_WRITE_REFERENCE=docs/scenario-reference.md build/tests/test_scenario_loader");
  const bool up_to_date = committed.str() == markdown;
  CHECK(up_to_date);
}
