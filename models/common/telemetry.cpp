#include "telemetry.h"

namespace cxlvp {

namespace {
// Set only while a platform builds its models (elaboration is single-threaded).
Telemetry* building = nullptr;
std::string building_prefix;
}  // namespace

Telemetry& Telemetry::standalone() {
  static Telemetry telemetry;
  return telemetry;
}

Telemetry& Telemetry::current() { return building ? *building : standalone(); }

Telemetry::Building::Building(Telemetry& telemetry, std::string prefix)
    : outer_(building), outer_prefix_(std::move(building_prefix)) {
  building = &telemetry;
  building_prefix = std::move(prefix);
}

Telemetry::Building::~Building() {
  building = outer_;
  building_prefix = std::move(outer_prefix_);
}

std::string Telemetry::report_name(const std::string& sc_name) {
  if (!building_prefix.empty() && sc_name.compare(0, building_prefix.size(), building_prefix) == 0)
    return sc_name.substr(building_prefix.size());
  return sc_name;
}

TraceNode register_node(const std::string& name) {
  return Telemetry::current().nodes.add(Telemetry::report_name(name));
}

}  // namespace cxlvp
