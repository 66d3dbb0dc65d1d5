#pragma once
// Small integer ids for the named places a transaction can pass (initiators,
// links, routers, memories). Hop records and route keys store these ids rather
// than strings so the per-transaction path stays free of string work.
#include <cstdint>
#include <string>
#include <vector>

namespace cxlvp {

using NodeId = uint16_t;

class NodeRegistry {
 public:
  static NodeRegistry& instance();
  NodeId add(const std::string& name);
  const std::string& name(NodeId id) const { return names_.at(id); }

 private:
  std::vector<std::string> names_;
};

inline NodeId register_node(const std::string& name) { return NodeRegistry::instance().add(name); }
inline const std::string& node_name(NodeId id) { return NodeRegistry::instance().name(id); }

}  // namespace cxlvp
