#pragma once
// Cross checks of a scenario: rules about several keys together (top_k against
// the experts, functional mode's formats and shapes, the platform holding the
// model, the RTL engine's parameters, a simulated time that would overflow
// (scenario_limits.h), the routing trace), run after every key
// was bound on its own. Each problem is reported against the key to change.
// Internal to the scenario loader.
#include <string>

#include "scenario.h"

namespace cxlvp::keys {

// Where the keys of the scenario being loaded came from, so that a check can
// report a problem against the right file and line.
class KeySites {
 public:
  virtual ~KeySites() = default;
  // Whether `path` is written in the file or set by an override (not a default).
  virtual bool given(const std::string& path) const = 0;
  // Whether `path` got its value from an override (a path value is then relative to the current folder).
  virtual bool from_override(const std::string& path) const = 0;
  // The scenario file's folder, for paths written in it.
  virtual std::string folder() const = 0;
  // Throws the ScenarioError about `path`, at the line that writes it or its nearest block.
  [[noreturn]] virtual void fail_about(const std::string& path, const std::string& message) const = 0;
};

// Runs every cross check in order; may complete derived values (functional
// mode's expert size, a relative trace path made absolute).
void cross_check(Scenario& s, const KeySites& sites);

}  // namespace cxlvp::keys
