#include "node_registry.h"

#include <stdexcept>

namespace cxlvp {

TraceNode NodeRegistry::add(const std::string& name) {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return TraceNode(static_cast<NodeId>(i), stamping_);
  if (names_.size() >= 0xffff) throw std::length_error("too many trace nodes");
  names_.push_back(name);
  return TraceNode(static_cast<NodeId>(names_.size() - 1), stamping_);
}

}  // namespace cxlvp
