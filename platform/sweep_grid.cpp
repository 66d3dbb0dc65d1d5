#include "sweep_grid.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <set>

#include "scenario_loader.h"

namespace cxlvp {

namespace {

// Every point is loaded once during validation; far beyond this the grid is a typo.
constexpr size_t kMaxPoints = 100000;
// Ids are folder names; stay well below the usual 255-byte limit. The index
// at the front keeps truncated ids unique.
constexpr size_t kMaxIdBytes = 200;
// ScenarioError::file of a problem in an override.
const char* const kOverrideFile = "--set";

struct SweepKey {
  std::string path;                 // dotted scenario key
  int line;                         // of the key in the scenario file
  std::vector<std::string> values;  // YAML text, as --set takes it
};

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

int line_of(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

// A value as one line of YAML: scalars as written, sequences and mappings in flow style.
std::string yaml_text(const YAML::Node& value) {
  YAML::Emitter out;
  out.SetSeqFormat(YAML::Flow);
  out.SetMapFormat(YAML::Flow);
  out << value;
  return out.c_str();
}

// Letters, digits and . _ = + - are kept; each run of anything else becomes
// one '-', and none is left at either end ("{lanes: 8}" -> "lanes-8").
std::string file_name_safe(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._=+-", c)) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// The sweep block's top-level item, if the file has one.
std::optional<std::pair<YAML::Node, YAML::Node>> sweep_item(const std::string& file, const YAML::Node& root) {
  std::optional<std::pair<YAML::Node, YAML::Node>> found;
  if (!root.IsMap()) return found;
  for (const auto& item : root) {
    if (!item.first.IsScalar() || item.first.Scalar() != kSweepKey) continue;
    if (found)
      throw ScenarioError(file, line_of(item.first), kSweepKey,
                          "duplicate key (first at line " + std::to_string(line_of(found->first)) + ")");
    found = std::make_pair(item.first, item.second);
  }
  return found;
}

std::vector<SweepKey> read_keys(const std::string& file, const YAML::Node& sweep_key, const YAML::Node& block) {
  if (!block.IsMap() || block.size() == 0)
    throw ScenarioError(file, line_of(sweep_key), kSweepKey,
                        "expected a mapping of scenario keys to lists of values (got " +
                            (block.IsMap() ? std::string("an empty mapping") : describe(block)) + ")");
  std::vector<SweepKey> keys;
  std::set<std::string> seen;
  for (const auto& item : block) {
    const int line = line_of(item.first);
    if (!item.first.IsScalar())
      throw ScenarioError(file, line, kSweepKey, "expected a key name (got " + describe(item.first) + ")");
    SweepKey key{item.first.Scalar(), line, {}};
    const std::string name = std::string(kSweepKey) + "." + key.path;
    if (!seen.insert(key.path).second) throw ScenarioError(file, line, name, "duplicate key");
    try {
      check_key_path(key.path, file, line);
    } catch (const ScenarioError& e) {
      const std::string part = e.key == key.path ? "" : "'" + e.key + "': ";
      throw ScenarioError(file, line, name, part + e.message);
    }
    if (!item.second.IsSequence())
      throw ScenarioError(file, line, name,
                          "expected a list of values, e.g. [1, 2] (got " + describe(item.second) + ")");
    if (item.second.size() == 0) throw ScenarioError(file, line, name, "the list of values is empty");
    for (const auto& value : item.second) key.values.push_back(yaml_text(value));
    keys.push_back(key);
  }
  return keys;
}

std::vector<SweepPoint> expand(const std::string& file, int sweep_line, const std::vector<SweepKey>& keys) {
  size_t count = 1;
  for (const auto& key : keys) {
    if (count > kMaxPoints / key.values.size())
      throw ScenarioError(file, sweep_line, kSweepKey,
                          "the grid has more than " + std::to_string(kMaxPoints) + " points");
    count *= key.values.size();
  }
  const size_t digits = std::max<size_t>(3, std::to_string(count - 1).size());
  std::vector<SweepPoint> points;
  for (size_t index = 0; index < count; ++index) {
    const std::string number = std::to_string(index);
    SweepPoint point{"p" + std::string(digits - number.size(), '0') + number, {}};
    std::vector<std::string> values(keys.size());
    size_t rest = index;
    for (size_t k = keys.size(); k-- > 0;) {  // the last key varies fastest
      values[k] = keys[k].values[rest % keys[k].values.size()];
      rest /= keys[k].values.size();
    }
    for (size_t k = 0; k < keys.size(); ++k) {
      point.overrides.push_back(keys[k].path + "=" + values[k]);
      point.id += "_" + file_name_safe(keys[k].path) + "=" + file_name_safe(values[k]);
    }
    point.id.resize(std::min(point.id.size(), kMaxIdBytes));
    points.push_back(point);
  }
  return points;
}

// Loads one point. A problem in a sweep key's override (or inside the block it
// replaces) is reported at that key's line; any other, e.g. a capacity check
// the combination fails, at the sweep block's line.
void check_point(const std::string& file, int sweep_line, const std::vector<SweepKey>& keys, const SweepPoint& point,
                 std::vector<std::string> overrides) {
  overrides.insert(overrides.end(), point.overrides.begin(), point.overrides.end());
  try {
    load_scenario(file, overrides);
  } catch (const ScenarioError& e) {
    const std::string problem = e.key.empty() ? e.message : e.key + ": " + e.message;
    if (e.file == kOverrideFile)
      for (const auto& key : keys) {
        const std::string& path = key.path;
        if (e.key != path && e.key.rfind(path + ".", 0) != 0) continue;
        throw ScenarioError(file, key.line, std::string(kSweepKey) + "." + path,
                            "point " + point.id + ": " + (e.key == path ? e.message : problem));
      }
    throw ScenarioError(file, sweep_line, kSweepKey, "point " + point.id + ": " + problem);
  }
}

}  // namespace

std::pair<std::string, std::string> split_override(const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos) return {assignment, ""};
  return {assignment.substr(0, equals), assignment.substr(equals + 1)};
}

bool has_sweep_block(const std::string& scenario_path) {
  try {
    return bool(sweep_item(scenario_path, YAML::LoadFile(scenario_path)));
  } catch (const std::exception&) {
    return false;  // an unreadable file or a duplicate sweep key: load_scenario or load_sweep_grid says what
  }
}

std::vector<SweepPoint> load_sweep_grid(const std::string& scenario_path,
                                        const std::vector<std::string>& base_overrides) {
  load_scenario(scenario_path, base_overrides);  // the base first: its own problems are reported as such
  const auto item = sweep_item(scenario_path, YAML::LoadFile(scenario_path));
  if (!item) return {};
  const int sweep_line = line_of(item->first);
  const std::vector<SweepKey> keys = read_keys(scenario_path, item->first, item->second);
  const std::vector<SweepPoint> points = expand(scenario_path, sweep_line, keys);
  for (const auto& point : points) check_point(scenario_path, sweep_line, keys, point, base_overrides);
  return points;
}

}  // namespace cxlvp
