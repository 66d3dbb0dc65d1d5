#pragma once
// Model presets: published MoE models as named sets of scenario keys
// (`model.preset: NAME`), applied before the scenario's own keys, which may
// then change any of them. Written from each model's config.json and model
// card; docs/models-zoo.md gives the source of every preset and its parameter
// counts against the card. The same models' config.json files are in
// tests/data/hf/<name>/ and load through model.hf_config to the same keys.
#include <string>
#include <utility>
#include <vector>

namespace cxlvp {

struct ModelPreset {
  std::string name;
  std::string summary;
  std::vector<std::pair<std::string, std::string>> keys;  // dotted scenario key, YAML value
};

inline constexpr const char* kModelPresetKey = "model.preset";
inline constexpr const char* kHfConfigKey = "model.hf_config";

const std::vector<ModelPreset>& model_presets();
const ModelPreset* find_model_preset(const std::string& name);
std::string model_preset_names();  // "deepseek-v3, mixtral-8x7b, ..."

}  // namespace cxlvp
