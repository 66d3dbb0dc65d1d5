// Hardware presets (platform/presets.h, docs/calibration.md#presets): a
// scenario starts from its presets, in order, and its own keys and --set win;
// unknown names are FILE:LINE: KEY errors listing the valid ones; every preset
// loads and fits, alone and combined; every key a preset sets is in the docs.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "command_runner.h"
#include "platform/presets.h"
#include "platform/scenario_loader.h"

using namespace cxlvp_test;
using cxlvp::load_scenario;
using cxlvp::ScenarioError;

namespace {

fs::path write_file(const std::string& name, const std::string& text) {
  const fs::path p = scratch() / name;
  std::ofstream(p) << text;
  return p;
}

std::optional<ScenarioError> load_error(const fs::path& path, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario(path.string(), overrides);
  } catch (const ScenarioError& e) {
    return e;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("presets apply in order, then the scenario's keys, then --set", "[presets]") {
  const fs::path file = write_file("combined.yaml",
                                       "name: combined\n"
                                       "platform:\n"
                                       "  preset: [spr, cz120, h100-pcie]\n"
                                       "  cxl:\n"
                                       "    link: {lanes: 4}\n");
  const auto s = load_scenario(file.string(), {});
  CHECK(s.platform.cpu.cores == 56);                      // spr
  CHECK(s.platform.host.ddr.peak_GBps == Approx(307.2));  // spr
  CHECK(s.platform.cxl.controller_latency_ns == 95);      // cz120
  CHECK(s.platform.cxl.dram.channels == 2);               // cz120
  CHECK(s.platform.cxl.link.lanes == 4);                  // the scenario over cz120's 8
  CHECK(s.platform.gpu.peak_TFLOPS == 756);               // h100-pcie
  CHECK(s.platform.pcie.generation == 5);                 // h100-pcie
  CHECK(s.platform.cpu.per_token_us == 50);               // untouched: the default

  const auto later = load_scenario(file.string(), {"platform.preset=[spr, cz120, h100-pcie, h200-pcie]",
                                                   "platform.cpu.cores=8"});
  CHECK(later.platform.gpu.peak_TFLOPS == 835);  // a later preset over an earlier one
  CHECK(later.platform.cpu.cores == 8);          // --set over everything
  CHECK(later.platform.cxl.link.lanes == 4);

  const auto one = load_scenario(write_file("one.yaml", "name: one\nplatform: {preset: gnr}\n").string(), {});
  CHECK(one.platform.cpu.cores == 128);
  CHECK(one.platform.host.ddr.channels == 12);
}

TEST_CASE("an unknown preset is FILE:LINE: platform.preset: listing the valid names", "[presets]") {
  const fs::path file = write_file("bad.yaml", "name: bad\nplatform:\n  preset: [spr, cz12]\n");
  const auto e = load_error(file);
  REQUIRE(e);
  CHECK(e->line == 3);
  CHECK(e->key == "platform.preset");
  CHECK(e->message == "unknown preset 'cz12' (expected one of " + cxlvp::preset_names() + ")");
  const auto set = load_error(file, {"platform.preset=nope"});
  REQUIRE(set);
  CHECK(set->file == "--set");
  const auto mapping = load_error(write_file("map.yaml", "name: m\nplatform:\n  preset: {spr: 1}\n"));
  REQUIRE(mapping);
  CHECK(mapping->message == "expected a preset name or a list of them (got a mapping)");
  // From the command line: exit status 2, one line.
  const Outcome o = run_cxlvp("validate " + file.string());
  CHECK(o.status == 2);
  CHECK(o.err == "cxlvp: error: " + file.string() + ":3: platform.preset: unknown preset 'cz12' (expected one of " +
                     cxlvp::preset_names() + ")\n");
}

TEST_CASE("every preset loads and fits, alone and in the documented combinations", "[presets]") {
  for (const auto& p : cxlvp::presets()) {
    INFO(p.name);
    CHECK(!load_error(write_file(p.name + ".yaml", "name: x\nplatform: {preset: " + p.name + "}\n")));
  }
  for (const char* combo : {"[spr, cz120, h100-pcie]", "[gnr, cxl-x16, h200-pcie]", "[paper]", "[spr, cxl-x16]"}) {
    INFO(combo);
    CHECK(!load_error(write_file("combo.yaml", std::string("name: x\nplatform: {preset: ") + combo + "}\n")));
  }
}

TEST_CASE("presets are compiled in: they work from any working directory", "[presets]") {
  const fs::path file = write_file("elsewhere.yaml", "name: elsewhere\nplatform: {preset: [spr, cz120]}\n");
  CHECK(shell("cd / && " + std::string(CXLVP_BINARY) + " validate " + file.string() + " >/dev/null") == 0);
}

TEST_CASE("docs/calibration.md lists every preset and every key it sets", "[presets]") {
  const std::string doc = slurp(fs::path(CXLVP_SOURCE_DIR) / "docs" / "calibration.md");
  for (const auto& p : cxlvp::presets()) {
    INFO(p.name);
    CHECK(doc.find("### `" + p.name + "`") != std::string::npos);
    for (const auto& [key, value] : p.keys) {
      INFO(key);
      CHECK(doc.find("`" + key + "`") != std::string::npos);
    }
  }
}

TEST_CASE("the real-hardware study runs on its presets, faster than on the paper's constants", "[presets]") {
  // scenarios/studies/real_hardware.yaml is studies/cxl_expert.yaml on spr + cxl-x16 + h100-pcie:
  // PCIe 5.0 x16 (56.8 GB/s of payload) instead of the paper's 32 GB/s fetches the hot experts sooner.
  const auto simulated_s = [](const std::string& scenario) {
    const fs::path out = scratch() / fs::path(scenario).stem();
    const Outcome o =
        run_cxlvp("run " + std::string(CXLVP_SOURCE_DIR) + "/" + scenario + " --quiet --out " + out.string());
    INFO(o.err);
    REQUIRE(o.status == 0);
    const std::string summary = slurp(out / "summary.json");
    const auto at = summary.find("\"simulated_time_s\": ");
    REQUIRE(at != std::string::npos);
    return std::stod(summary.substr(at + 20));
  };
  const double real = simulated_s("scenarios/studies/real_hardware.yaml");
  const double paper = simulated_s("scenarios/studies/cxl_expert.yaml");
  CHECK(real < 0.8 * paper);
}
