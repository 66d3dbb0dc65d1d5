// libFuzzer target: the scenario loader (load_scenario) and the sweep grid
// (load_sweep_grid), the two readers of a scenario file, on arbitrary text.
// Lines of the input that start with "#--set " (YAML comments, so the file
// itself is unaffected) are also passed as --set overrides, so the override
// path is fuzzed too. Rejecting an input with ScenarioError is the expected
// outcome; any other exception, a crash, a sanitizer report or a hang is a bug.
// docs/testing.md says how to run it.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_input_file.h"
#include "platform/scenario_loader.h"
#include "platform/sweep_grid.h"

using namespace cxlvp;

namespace {

const char* const kOverridePrefix = "#--set ";

std::vector<std::string> overrides_in(const std::string& text) {
  std::vector<std::string> overrides;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(kOverridePrefix, 0) == 0) overrides.push_back(line.substr(std::string(kOverridePrefix).size()));
  return overrides;
}

// The routing traces of tests/data/traces/ next to the scenario, so that a
// scenario naming one (replay.yaml in the corpus names good.csv) reaches the
// trace checks through the loader.
void copy_traces() {
  const auto traces = cxlvp_fuzz::fs::path(CXLVP_SOURCE_DIR) / "tests/data/traces";
  for (const auto& entry : cxlvp_fuzz::fs::directory_iterator(traces))
    cxlvp_fuzz::fs::copy_file(entry.path(), cxlvp_fuzz::scratch() / entry.path().filename(),
                              cxlvp_fuzz::fs::copy_options::overwrite_existing);
}

// load_sweep_grid loads the scenario once per point, by design (a point may
// fail a check no single value fails), up to its limit of 100000 points: a
// big grid is slow, not stuck. Grids up to this size are fuzzed; a larger
// one, easily written with YAML aliases, would only hit the fuzzer's time limit.
constexpr size_t kMaxFuzzedPoints = 64;

// Whether the file's sweep grid as written has more than kMaxFuzzedPoints
// points; false when there is none or it cannot be read (load_sweep_grid then says why).
bool grid_too_big_to_fuzz(const std::string& text) {
  try {
    const YAML::Node sweep = YAML::Load(text)[kSweepKey];
    if (!sweep.IsMap()) return false;
    size_t points = 1;
    for (const auto& item : sweep)
      if ((points *= std::max<size_t>(1, item.second.size())) > kMaxFuzzedPoints) return true;
    return false;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  copy_traces();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto file = cxlvp_fuzz::scratch() / "scenario.yaml";
  cxlvp_fuzz::write_file(file, data, size);
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto overrides = overrides_in(text);
  try {
    load_scenario(file.string(), overrides);
  } catch (const ScenarioError&) {
  }
  if (grid_too_big_to_fuzz(text)) return 0;
  try {
    load_sweep_grid(file.string(), overrides);
  } catch (const ScenarioError&) {
  }
  return 0;
}

// libsystemc.so refers to sc_main; libFuzzer's main() runs instead, so this never does.
extern "C" int sc_main(int, char**) { return 0; }
