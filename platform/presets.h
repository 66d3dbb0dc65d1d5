#pragma once
// Hardware presets: named, documented sets of scenario keys that a scenario
// starts from (`platform.preset: NAME` or a list of names) and then overrides
// with its own keys and --set. They are compiled in as tables, so they work
// from any working directory and from an installed binary. Every number's
// source is in docs/calibration.md.
#include <string>
#include <utility>
#include <vector>

namespace cxlvp {

struct Preset {
  std::string name;
  std::string covers;  // which part of the platform it sets: host, cxl, gpu, or all
  std::string summary;
  std::vector<std::pair<std::string, std::string>> keys;  // dotted scenario key, YAML value
};

// Every preset, in the order the docs list them.
const std::vector<Preset>& presets();
// The preset called `name`, or null.
const Preset* find_preset(const std::string& name);
// "paper, spr, ..." for error messages.
std::string preset_names();

}  // namespace cxlvp
