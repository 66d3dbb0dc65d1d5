#pragma once
// Hugging Face config.json import (`model.hf_config: path/to/config.json`): the
// fields of the MoE architectures the presets cover (deepseek_v3, mixtral,
// qwen3_moe, gpt_oss, llama4 / llama4_text, phimoe), mapped to the scenario
// keys that describe the same model. docs/models-zoo.md#hugging-face-configjson
// lists the fields read for each.
#include <stdexcept>
#include <string>
#include <vector>

namespace cxlvp {

// A problem with the file: `field` is the JSON path at fault
// ("text_config/hidden_size"), empty when the file itself is.
struct HfConfigError : std::runtime_error {
  HfConfigError(std::string field, const std::string& what)
      : std::runtime_error(field.empty() ? what : field + ": " + what), field(std::move(field)) {}
  std::string field;
};

struct ImportedKey {
  std::string key;    // dotted scenario key
  std::string value;  // its YAML text
  std::string field;  // the config.json field it comes from, for errors
};

// The scenario keys describing the model in the config.json at `path`.
// Throws HfConfigError for an unreadable or malformed file, an architecture
// it does not know, or a field that is missing or has the wrong form.
std::vector<ImportedKey> import_hf_config(const std::string& path);

}  // namespace cxlvp
