#pragma once
// HopTrace: a generic-payload extension that says whose a transaction is
// (route = initiator node -> terminal target node) and, while hops are
// recorded, where and when it passed each model on its way. The initiator that
// owns the payload attaches it once and resets it before each transaction;
// the terminal target names itself; the TransactionRecorder turns it into
// per-route latency statistics and optional log lines. Nothing in it changes
// timing: what does travels in TransferHints (transfer_hints.h).
#include <cstdint>
#include <tlm>

#include "node_registry.h"
#include "transfer_hints.h"

namespace cxlvp {

class HopTrace : public tlm::tlm_extension<HopTrace> {
 public:
  static constexpr unsigned kMaxHops = 16;
  struct Hop {
    NodeId node;
    uint64_t time_ps;
  };

  NodeId initiator = 0;
  NodeId target = 0;  // set by the terminal target (memory, register bank, MSI controller)
  uint8_t hop_count = 0;
  Hop hops[kMaxHops];

  void reset(NodeId init) {
    initiator = init;
    target = init;
    hop_count = 0;
  }
  // `time_ps`: the simulated time the transaction reached `node` (kernel time plus its delay).
  void stamp(NodeId node, uint64_t time_ps) {
    if (hop_count < kMaxHops) hops[hop_count++] = Hop{node, time_ps};
  }

  tlm::tlm_extension_base* clone() const override { return new HopTrace(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const HopTrace&>(other);
  }
};

// The simulated time p has reached with `delay`: its issue time (hints) plus the delay.
inline uint64_t arrival_ps(const tlm::tlm_generic_payload& p, const sc_core::sc_time& delay) {
  return (kernel_now(find_extension<TransferHints>(p)) + delay).value();
}

// Stamps the payload's trace at `node`, if it carries one (debug or foreign
// initiators may not). Out of line and cold: inline, its registers made every
// hop's handler save and restore four on every transaction, stamping or not.
[[gnu::cold, gnu::noinline]] void stamp_trace(tlm::tlm_generic_payload& p, const TraceNode& node,
                                              const sc_core::sc_time& delay);

// Stamp the payload's trace at `node`, if its platform records hops
// (TransactionRecorder::open_log).
inline void stamp_hop(tlm::tlm_generic_payload& p, const TraceNode& node, const sc_core::sc_time& delay) {
  if (__builtin_expect(node.stamps_hops(), 0)) stamp_trace(p, node, delay);
}

// A hop's handler with the stamp off its common path:
// `stamped<&Hop::pass>(*this, node_, p, delay)` does the hop's work (`pass`,
// which stamps nothing), and while the platform records hops a cold copy of
// it stamps first. With stamp_hop's call in the handler, cold as it is, the
// handler kept its arguments in saved registers across it, and saved and
// restored two to five of them on every transaction (perf; the checks and
// saves were 3.9 % of gpu_only's instructions): here the common path ends
// in a tail call, or keeps only what its own work needs.
template <auto Pass, class Hop>
[[gnu::cold, gnu::noinline]] void stamp_then_pass(Hop& hop, const TraceNode& node, tlm::tlm_generic_payload& p,
                                                  sc_core::sc_time& delay) {
  stamp_trace(p, node, delay);
  (hop.*Pass)(p, delay);
}
template <auto Pass, class Hop>
inline void stamped(Hop& hop, const TraceNode& node, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (__builtin_expect(node.stamps_hops(), 0)) return stamp_then_pass<Pass>(hop, node, p, delay);
  (hop.*Pass)(p, delay);
}

// Mark the terminal target of a transaction (its trace, if it carries one).
inline void arrive_at_target(tlm::tlm_generic_payload& p, const TraceNode& node, const sc_core::sc_time& delay) {
  auto* t = find_extension<HopTrace>(p);
  if (!t) return;
  if (node.stamps_hops()) t->stamp(node.id(), arrival_ps(p, delay));
  t->target = node.id();
}

}  // namespace cxlvp
