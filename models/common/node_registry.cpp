#include "node_registry.h"

#include <stdexcept>

namespace cxlvp {

NodeRegistry& NodeRegistry::instance() {
  static NodeRegistry registry;
  return registry;
}

NodeId NodeRegistry::add(const std::string& name) {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<NodeId>(i);
  if (names_.size() >= 0xffff) throw std::length_error("too many trace nodes");
  names_.push_back(name);
  return static_cast<NodeId>(names_.size() - 1);
}

}  // namespace cxlvp
