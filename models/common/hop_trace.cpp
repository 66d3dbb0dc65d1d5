#include "hop_trace.h"

namespace cxlvp {

void stamp_trace(tlm::tlm_generic_payload& p, const TraceNode& node, const sc_core::sc_time& delay) {
  if (auto* t = find_extension<HopTrace>(p)) t->stamp(node.id(), arrival_ps(p, delay));
}

}  // namespace cxlvp
