#pragma once
// RoutingSource: where the gating network's decisions come from. The
// scheduler asks for one MoE layer of one step (batch) at a time and gets, for
// each token, the experts it was routed to. Implementations: RoutingGenerator
// (seeded distributions), RoutingTraceReader (trace replay) and
// RoutingTraceWriter (saves another source's routing; routing_trace.h).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cxlvp {

struct LayerRouting {
  uint32_t step = 0, layer = 0;
  unsigned top_k = 1;
  std::vector<uint32_t> experts;  // token t's experts at [t * top_k, (t + 1) * top_k)

  size_t tokens() const { return top_k ? experts.size() / top_k : 0; }
  // Tokens routed to each of `expert_count` experts.
  std::vector<uint32_t> counts(unsigned expert_count) const {
    std::vector<uint32_t> c(expert_count, 0);
    for (uint32_t e : experts) ++c[e];
    return c;
  }
  // The same for a layer with `shared` shared experts besides the `routed`
  // ones: they follow the routed experts (ids routed .. routed + shared - 1)
  // and every token goes to each of them, whatever the router chose.
  std::vector<uint32_t> counts(unsigned routed, unsigned shared) const {
    std::vector<uint32_t> c = counts(routed);
    c.resize(size_t(routed) + shared, uint32_t(tokens()));
    return c;
  }
};

class RoutingSource {
 public:
  virtual ~RoutingSource() = default;
  virtual LayerRouting next_layer(uint32_t step, uint32_t layer) = 0;
};

}  // namespace cxlvp
