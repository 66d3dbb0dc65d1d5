#include "scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "../firmware/routing_trace_format.h"
#include "hf_config.h"
#include "scenario_checks.h"
#include "scenario_schema.h"

namespace cxlvp {

namespace {

std::string error_text(const std::string& file, int line, const std::string& key, const std::string& what) {
  std::string text = file;
  if (line > 0) text += ":" + std::to_string(line);
  text += ": ";
  if (!key.empty()) text += key + ": ";
  return text + what;
}

}  // namespace

ScenarioError::ScenarioError(std::string file, int line, std::string key, std::string what)
    : std::runtime_error(error_text(file, line, key, what)),
      file(std::move(file)),
      line(line),
      key(std::move(key)),
      message(std::move(what)) {}

namespace {

using namespace keys;

// Loading: file -> YAML tree -> overrides -> walk and bind -> cross checks.

const char* const kOverrideFile = "--set";

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return quoted(node.Scalar());
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

// The key and value written for `name` in `block`, if any. In a sequence,
// `name` is an index and the item stands for both.
std::optional<std::pair<YAML::Node, YAML::Node>> find_item(const YAML::Node& block, const std::string& name) {
  if (block.IsSequence()) {
    if (name.empty() || name.size() > 6 || name.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    const size_t index = std::stoul(name);
    if (index >= block.size()) return std::nullopt;
    return std::make_pair(block[index], block[index]);
  }
  if (!block.IsMap()) return std::nullopt;
  for (const auto& item : block)
    if (item.first.IsScalar() && item.first.Scalar() == name) return std::make_pair(item.first, item.second);
  return std::nullopt;
}

// One load: the YAML tree (file, if any, plus overrides), the paths overrides
// set, and the Scenario being filled.
class Loader final : public KeySites {
 public:
  // Without a path the tree starts empty: the scenario is the defaults plus the overrides.
  Loader(const Schema& schema, std::optional<std::string> path, std::vector<std::string>* warnings = nullptr)
      : schema_(schema), path_(std::move(path)), warnings_(warnings) {}

  Scenario load(const std::vector<std::string>& overrides) {
    root_.reset(path_ ? read_file(*path_) : YAML::Node(YAML::NodeType::Map));
    for (const auto& assignment : overrides) apply_override(assignment);
    scenario_.file = path_.value_or("");
    apply_presets();       // first: the file's own keys and --set override them
    apply_model_source();  // likewise
    bind_block(root_, "");
    bind_lists();  // after the blocks their items start from
    check_required_keys();
    cross_check(scenario_, *this);
    return scenario_;
  }

 private:
  // The mapping of scenario keys in the file at `path`.
  static YAML::Node read_file(const std::string& path) {
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored))
      throw ScenarioError(path, 0, "", std::string("cannot open scenario: ") + std::strerror(EISDIR));
    if (!reading_ends(path)) throw ScenarioError(path, 0, "", "cannot open scenario: not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError(path, 0, "", std::string("cannot open scenario: ") + std::strerror(errno));
    // Read with a limit: yaml-cpp holds about 70 times the text in memory, so
    // a huge file (or a pipe that never ends) would take the machine's memory.
    std::string text;
    char chunk[1 << 16];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
      text.append(chunk, size_t(in.gcount()));
      if (text.size() > kMaxScenarioBytes)
        throw ScenarioError(path, 0, "", "larger than " + std::to_string(kMaxScenarioBytes >> 20) +
                                             " MiB; a scenario is a few kB of keys (is this the right file?)");
    }
    if (in.bad()) throw ScenarioError(path, 0, "", std::string("cannot read scenario: ") + std::strerror(errno));
    YAML::Node root;
    try {
      root.reset(YAML::Load(text));
    } catch (const YAML::Exception& e) {
      // The file is open, so "bad file" is yaml-cpp 0.7's wording for its nesting limit (DeepRecursion).
      const std::string what = e.msg == YAML::ErrorMsg::BAD_FILE ? "nested too deeply" : e.msg;
      throw ScenarioError(path, e.mark.is_null() ? 0 : e.mark.line + 1, "", "yaml: " + what);
    }
    if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);  // an empty file: all defaults
    if (!root.IsMap())
      throw ScenarioError(path, root.Mark().line + 1, "",
                          "expected a mapping of scenario keys (got " + describe(root) + ")");
    return root;
  }

  // "a.b.c=value": set (or create) that node in the tree, so that every check
  // the file's own values go through applies to it too.
  void apply_override(const std::string& assignment) {
    const auto equals = assignment.find('=');
    const std::string path = assignment.substr(0, equals);
    if (equals == std::string::npos || !is_key_path(path))
      throw ScenarioError(kOverrideFile, 0, "", quoted(assignment) + ": expected key.path=value");
    check_key_path(path, kOverrideFile, 0);
    YAML::Node value;
    try {
      value = YAML::Load(assignment.substr(equals + 1));
    } catch (const YAML::Exception& e) {
      throw ScenarioError(kOverrideFile, 0, path, "yaml: " + e.msg);
    }
    const auto segments = split_path(path);
    YAML::Node block = root_;
    std::string prefix;
    bool in_item = false;
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      prefix += (i ? "." : "") + segments[i];
      if (schema_.find_list(prefix)) {  // the next segment is an item's index: the item must be written
        const auto list = find_item(block, segments[i]);
        const auto item = list ? find_item(list->second, segments[i + 1]) : std::nullopt;
        if (!item)
          fail_about(prefix, "has no item " + segments[i + 1] + " to set " + path +
                                 " in; set the whole list (--set '" + prefix + "=[{...}, ...]')");
        block.reset(item->second);
        prefix += "." + segments[++i];
        in_item = true;
        if (i + 1 == segments.size()) break;
        continue;
      }
      const auto item = find_item(block, segments[i]);
      if (item && !item->second.IsMap() && !item->second.IsNull())
        fail_about(prefix, "expected a mapping (got " + describe(item->second) + ")");
      block.reset(block[segments[i]]);  // creates the block when missing, turns null into a mapping
    }
    if (in_item && (prefix == path || !block.IsMap()))
      fail_about(path, "an item of a list is set key by key (--set " + path + ".KEY=VALUE), or the whole list at once");
    block[segments.back()] = value;
    overridden_.push_back(path);
  }

  // The schema entry for a key path, inside a list item or not.
  const KeyEntry* lookup(const std::string& path) const {
    if (const auto item = schema_.item_path(path)) return item->sub.empty() ? nullptr : schema_.find_in_item(*item->list, item->sub);
    return schema_.find(path);
  }

  void bind_block(const YAML::Node& block, const std::string& prefix) {
    std::set<std::string> seen;  // yaml-cpp keeps duplicate keys; a second one would silently win
    for (const auto& item : block) {
      const YAML::Node& key = item.first;
      if (!key.IsScalar()) fail_at(prefix, key, "expected a key name (got " + describe(key) + ")");
      if (prefix.empty() && key.Scalar() == kSweepKey) continue;  // checked by load_sweep_grid
      const std::string path = prefix.empty() ? key.Scalar() : prefix + "." + key.Scalar();
      if (path == kPresetKey || path == kModelPresetKey || path == kHfConfigKey) {  // applied before the walk
        given_.insert(path);
        continue;
      }
      const KeyEntry* entry = lookup(path);
      if (!entry) fail_at(path, key, schema_.unknown_key_message(path));
      if (!seen.insert(path).second)
        fail_at(path, key, "duplicate key (first at line " + std::to_string(line_of(path)) + ")");
      given_.insert(path);
      bind_entry(*entry, path, key, item.second);
    }
  }

  // `path` is where the value is written (an item's key: with its index).
  void bind_entry(const KeyEntry& entry, const std::string& path, const YAML::Node& key, const YAML::Node& value) {
    if (entry.is_list) {
      if (!value.IsSequence() && !value.IsNull())
        fail_at(path, key, "expected a list of mappings (got " + describe(value) + ")");
      lists_.push_back({&entry, path, key, value});
      return;
    }
    if (entry.is_block()) {
      if (value.IsMap())
        bind_block(value, path);
      else if (!value.IsNull())  // `block:` with nothing under it keeps the defaults
        fail_at(path, key, "expected a mapping (got " + describe(value) + ")");
      return;
    }
    try {
      if (entry.bind_sequence) {
        if (!value.IsSequence()) fail_at(path, key, "expected " + entry.expected + " (got " + describe(value) + ")");
        std::vector<std::string> names;
        for (const auto& element : value) {
          if (!element.IsScalar()) fail_at(path, key, "expected a name (got " + describe(element) + ")");
          names.push_back(element.Scalar());
        }
        return entry.bind_sequence(scenario_, names);
      }
      if (!value.IsScalar()) fail_at(path, key, "expected " + entry.expected + " (got " + describe(value) + ")");
      entry.bind(scenario_, value.Scalar());
    } catch (const BadValue& bad) {
      fail_at(path, key, bad.message);
    }
    if (warnings_ && entry.implausible)
      if (const std::string why = entry.implausible(value.Scalar()); !why.empty()) warn_at(path, key, why);
  }

  // Each item of each list written: appended with its defaults (the blocks it
  // mirrors, as now bound), then its keys bound onto it.
  void bind_lists() {
    for (const PendingList& pending : lists_) {
      const ListEntry& list = *schema_.find_list(pending.entry->path);
      size_t index = 0;
      for (const auto& item : pending.value) {
        const std::string path = pending.path + "." + std::to_string(index++);
        if (!item.IsMap()) fail_at(path, item, "expected a mapping (got " + describe(item) + ")");
        list.add_item(scenario_);
        list.swap_last(scenario_);
        bind_block(item, path);
        list.swap_last(scenario_);
      }
    }
  }

  // Like fail_at, but the load goes on: a line for the caller to print.
  void warn_at(const std::string& path, const YAML::Node& key, const std::string& message) {
    const bool placed = path_ && !from_override(path) && !key.Mark().is_null();
    warnings_->push_back(ScenarioError(placed ? *path_ : kOverrideFile, placed ? key.Mark().line + 1 : 0, path,
                                       message)
                             .what());
  }

  // platform.preset: NAME or [NAME, ...]. Each preset's keys are bound in
  // order, later presets over earlier ones; the walk of the tree then binds the
  // scenario's own keys over them.
  void apply_presets() {
    const auto platform = find_item(root_, "platform");
    if (!platform) return;
    const auto preset = find_item(platform->second, "preset");
    if (!preset) return;
    const YAML::Node& value = preset->second;
    std::vector<std::string> names;
    if (value.IsScalar()) names.push_back(value.Scalar());
    else if (value.IsSequence())
      for (const auto& item : value) {
        if (!item.IsScalar()) fail_at(kPresetKey, preset->first, "expected a preset name (got " + describe(item) + ")");
        names.push_back(item.Scalar());
      }
    else fail_at(kPresetKey, preset->first, "expected a preset name or a list of them (got " + describe(value) + ")");
    for (const auto& name : names) {
      const Preset* p = find_preset(name);
      if (!p)
        fail_at(kPresetKey, preset->first,
                "unknown preset " + quoted(name) + " (expected one of " + preset_names() + ")");
      for (const auto& [key, text] : p->keys) bind_known(key, text, "preset " + name);
    }
  }

  // model.preset: NAME or model.hf_config: FILE (not both): the model's keys,
  // bound like a platform preset's, before the scenario's own.
  void apply_model_source() {
    const auto model = find_item(root_, "model");
    if (!model) return;
    const auto preset = find_item(model->second, "preset");
    const auto hf = find_item(model->second, "hf_config");
    if (preset && hf) fail_at(kHfConfigKey, hf->first, "give model.preset or model.hf_config, not both");
    if (preset) {
      if (!preset->second.IsScalar())
        fail_at(kModelPresetKey, preset->first, "expected a model preset name (got " + describe(preset->second) + ")");
      const std::string name = preset->second.Scalar();
      const ModelPreset* p = find_model_preset(name);
      if (!p)
        fail_at(kModelPresetKey, preset->first,
                "unknown model preset " + quoted(name) + " (expected one of " + model_preset_names() + ")");
      for (const auto& [key, text] : p->keys) bind_known(key, text, "model preset " + name);
      scenario_.model.preset = name;
    }
    if (hf) {
      if (!hf->second.IsScalar() || hf->second.Scalar().empty())
        fail_at(kHfConfigKey, hf->first, "expected a file path (got " + describe(hf->second) + ")");
      // Relative to the scenario's folder, like workload.trace_file.
      std::string file = hf->second.Scalar();
      if (!from_override(kHfConfigKey) && std::filesystem::path(file).is_relative())
        file = (std::filesystem::path(folder()) / file).string();
      try {
        for (const ImportedKey& k : import_hf_config(file)) {
          const KeyEntry* entry = schema_.find(k.key);
          if (!entry || entry->is_block()) throw std::logic_error("hf_config import sets unknown key " + k.key);
          try {
            entry->bind(scenario_, k.value);
          } catch (const BadValue& bad) {
            throw HfConfigError(k.field, "as " + k.key + ": " + bad.message);
          }
        }
      } catch (const HfConfigError& e) {
        fail_at(kHfConfigKey, hf->first, file + ": " + e.what());
      }
      scenario_.model.hf_config = file;
    }
  }

  // A key a preset sets: the table is ours, so a bad one is a bug.
  void bind_known(const std::string& key, const std::string& text, const std::string& source) {
    const KeyEntry* entry = schema_.find(key);
    if (!entry || entry->is_block()) throw std::logic_error(source + " sets unknown key " + key);
    try {
      entry->bind(scenario_, text);
    } catch (const BadValue& bad) {
      throw std::logic_error(source + ": " + key + ": " + bad.message);
    }
  }

  void check_required_keys() const {
    for (const auto& entry : schema_.keys())
      if (entry.required && !given_.count(entry.path)) fail_about(entry.path, "required key is missing");
  }


  [[noreturn]] void fail_at(const std::string& path, const YAML::Node& key, const std::string& message) const {
    if (from_override(path) || key.Mark().is_null()) fail_about(path, message);
    throw ScenarioError(*path_, key.Mark().line + 1, path, message);
  }

  // A problem about a key that may not be written anywhere.
  [[noreturn]] void fail_about(const std::string& path, const std::string& message) const override {
    if (from_override(path)) throw ScenarioError(kOverrideFile, 0, path, message);
    throw ScenarioError(*path_, line_of(path), path, message);
  }

  // Whether `path` got its value from an override, directly or inside a block
  // one replaced. Without a file, whatever the scenario holds besides the
  // defaults came from the overrides, so every problem is theirs (and a path
  // in them is relative to the current folder).
  bool from_override(const std::string& path) const override {
    if (!path_) return true;
    for (const auto& set : overridden_)
      if (path == set || path.rfind(set + ".", 0) == 0) return true;
    return false;
  }

  bool given(const std::string& path) const override { return given_.count(path) != 0; }

  std::string folder() const override {
    return path_ ? std::filesystem::path(*path_).parent_path().string() : std::string();
  }

  // Line of the key at `path`, else of its nearest ancestor written in the
  // file, else the file's first line.
  int line_of(const std::string& path) const {
    int line = 1;
    YAML::Node block = root_;
    for (const auto& segment : split_path(path)) {
      const auto item = find_item(block, segment);
      if (!item) break;
      if (!item->first.Mark().is_null()) line = item->first.Mark().line + 1;  // null: created by an override
      block.reset(item->second);
    }
    return line;
  }

  const Schema& schema_;
  const std::optional<std::string> path_;  // the scenario file; none for load_defaults
  std::vector<std::string>* warnings_;      // plausibility warnings go here; null: none wanted
  YAML::Node root_;
  std::vector<std::string> overridden_;  // dotted paths set by overrides
  std::set<std::string> given_;          // dotted paths present in the tree
  struct PendingList {
    const KeyEntry* entry;
    std::string path;
    YAML::Node key, value;
  };
  std::vector<PendingList> lists_;  // bound after the walk (bind_lists)
  Scenario scenario_;
};


}  // namespace

using keys::schema;
using keys::split_path;


void check_key_path(const std::string& path, const std::string& file, int line) {
  std::string prefix;
  for (const auto& segment : split_path(path)) {
    prefix += (prefix.empty() ? "" : ".") + segment;
    const auto item = schema().item_path(prefix);
    const bool known = item ? item->sub.empty() || schema().find_in_item(*item->list, item->sub) : schema().find(prefix) != nullptr;
    if (!known) {
      if (const KeyEntry* list = schema().find(parent_of(prefix)); list && list->is_list)
        throw ScenarioError(file, line, prefix, "expected an item index (0, 1, ...) after " + parent_of(prefix));
      throw ScenarioError(file, line, prefix, schema().unknown_key_message(prefix));
    }
  }
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       std::vector<std::string>* warnings) {
  return Loader(schema(), path, warnings).load(overrides);
}

Scenario load_defaults(const std::vector<std::string>& overrides) {
  return Loader(schema(), std::nullopt).load(overrides);
}

}  // namespace cxlvp
