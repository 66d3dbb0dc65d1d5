// libFuzzer target: --set values. Each line of the input is one override
// ("key.path=value", a YAML scalar or flow node), applied in order to the
// default scenario, which is valid: unlike fuzz_scenario's files, most inputs
// get past the file's own checks and reach the value checks, the cross checks
// and the limits (scenario_limits.h: values whose simulated time would
// overflow). The scenario's sweep block, if an override adds one through the
// loader, is not expanded here. Rejecting an input with ScenarioError is the
// expected outcome; any other exception, a crash, a sanitizer report or a
// hang is a bug. docs/testing.md says how to run it.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "platform/scenario_limits.h"
#include "platform/scenario_loader.h"

using namespace cxlvp;

namespace {

// Overrides beyond this many are ignored: each costs a pass over the tree.
constexpr size_t kMaxOverrides = 64;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && lines.size() < kMaxOverrides;) lines.push_back(line);
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string> overrides = lines_of(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const Scenario s = load_scenario(CXLVP_SOURCE_DIR "/scenarios/default.yaml", overrides);
    // What a run computes next, on what the loader accepted: the bound must be a number, not a trap.
    const RunEstimate e = estimate_run(s);
    estimated_wall_s(e, true);
  } catch (const ScenarioError&) {
  }
  return 0;
}

// libsystemc.so refers to sc_main; libFuzzer's main() runs instead, so this never does.
extern "C" int sc_main(int, char**) { return 0; }
