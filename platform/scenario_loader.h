#pragma once
// Scenario loader: reads a scenario YAML file, applies `--set key=value`
// overrides, checks every key against one schema table (types, ranges, allowed
// values, unknown keys at every level), binds the values into a Scenario and
// checks that the platform can hold the model (check_platform_fit). The same
// table generates the key reference (docs/scenario-reference.md).
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenario.h"

namespace cxlvp {

// One problem with a scenario. what() is "FILE:LINE: KEY: WHAT"; the line part
// is left out when line is 0, the key part when key is empty.
struct ScenarioError : std::runtime_error {
  ScenarioError(std::string file, int line, std::string key, std::string what);
  std::string file;  // scenario path as given, or "--set" for a problem in an override
  int line;          // 1-based; 0 = unknown
  std::string key;   // dotted key, e.g. "platform.pcie.lanes"; empty when not about one key
  std::string message;  // WHAT alone, for callers that report the problem in their own words
};

// Loads `path`, applies overrides ("a.b.c=value", value parsed as a YAML
// scalar or flow node, so a mapping value replaces the whole block), validates
// and binds. Throws ScenarioError for the first problem found. Never exits,
// never prints. When `warnings` is given, it receives one line per value that
// is allowed but far outside any real part's range (the schema's plausible
// range of the key, e.g. a bandwidth written in B/s under a GB/s key), as
// "FILE:LINE: KEY: WHAT" like an error; the caller prints them, the load goes on.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {},
                       std::vector<std::string>* warnings = nullptr);

// The defaults with `overrides` applied, and no file: checked and bound as
// load_scenario does, every problem reported against --set (no line); the
// Scenario's `file` is empty. For scenarios built from options alone (`cxlvp
// calibrate`'s probes).
Scenario load_defaults(const std::vector<std::string>& overrides);

// The largest scenario file the loader reads; a larger one is refused before
// it is parsed.
inline constexpr size_t kMaxScenarioBytes = size_t(16) << 20;

// The top-level key of a scenario's sweep grid (sweep_grid.h). The loader
// skips it: it describes many runs, not one.
inline constexpr const char* kSweepKey = "sweep";
// platform.preset: named hardware sets applied before the scenario's keys (platform/presets.h).
inline constexpr const char* kPresetKey = "platform.preset";

// Throws ScenarioError(file, line, prefix, "unknown key ...") for the first
// prefix of the dotted `path` that is not a key of the schema (a value or a
// block); --set and sweep keys must pass it.
void check_key_path(const std::string& path, const std::string& file, int line);

// Markdown reference of every key: dotted key, type, default, unit, allowed
// values and meaning, one table per block, with a short introduction.
std::string scenario_reference_markdown();

}  // namespace cxlvp
