#pragma once
// Small integer ids for the named places a transaction can pass (initiators,
// links, routers, memories). Hop records and route keys store these ids rather
// than strings so the per-transaction path stays free of string work. Each
// platform has its own registry (telemetry.h).
#include <cstdint>
#include <string>
#include <vector>

namespace cxlvp {

using NodeId = uint16_t;

// A node as the model at it holds it: its id, and whether its platform's
// transaction log reads hops now (models stamp traces only then: looking the
// trace up is a library call per hop).
class TraceNode {
 public:
  TraceNode(NodeId id, const bool& stamping) : id_(id), stamping_(&stamping) {}
  NodeId id() const { return id_; }
  bool stamps_hops() const { return *stamping_; }

 private:
  NodeId id_;
  const bool* stamping_;
};

class NodeRegistry {
 public:
  // The node named `name`, registered on first use.
  TraceNode add(const std::string& name);
  const std::string& name(NodeId id) const { return names_.at(id); }
  // While true, the nodes stamp the hop traces of passing transactions.
  void stamp_hops(bool on) { stamping_ = on; }

 private:
  std::vector<std::string> names_;
  bool stamping_ = false;
};

// A node of the platform being built (Telemetry::current(), telemetry.h).
TraceNode register_node(const std::string& name);

}  // namespace cxlvp
